from django.urls import include, path

from sci_tracker.trends import views

app_name = "trends"

pages = [
    path("", views.overview, name="overview"),
    path("triggers/", views.triggers, name="triggers"),
    path("interventions/", views.interventions, name="interventions"),
    path("data.json", views.data, name="data"),
]

# The same pages for your own diary, for a person who gave your account access, and for a
# share link. reverse() picks the one whose arguments it is given (see sharing.access).
urlpatterns = [
    path("trends/", include(pages)),
    path("people/<int:person_id>/trends/", include(pages)),
    path("shared/<str:token>/trends/", include(pages)),
]
