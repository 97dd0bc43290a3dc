from django.urls import include, path

from sci_tracker.reports import views

app_name = "reports"

pages = [
    path("", views.report, name="report"),
    path("pdf/", views.report_download, name="pdf"),
]

# As the trends pages: your own, a person who gave your account access, and a share link's.
urlpatterns = [
    path("report/", include(pages)),
    path("people/<int:person_id>/report/", include(pages)),
    path("shared/<str:token>/report/", include(pages)),
]
