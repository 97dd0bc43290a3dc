from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from sci_tracker.api import say_it, views

app_name = "api"

urlpatterns = [
    path("profile/", views.Profile.as_view(), name="profile"),
    path("spasms/", views.SpasmList.as_view(), name="spasms"),
    path("spasms/<int:pk>/", views.SpasmDetail.as_view(), name="spasm"),
    path("pains/", views.PainList.as_view(), name="pains"),
    path("pains/<int:pk>/", views.PainDetail.as_view(), name="pain"),
    path("check-ins/", views.CheckInList.as_view(), name="checkins"),
    path("check-ins/<int:pk>/", views.CheckInDetail.as_view(), name="checkin"),
    path("doses/", views.Doses.as_view(), name="doses"),
    path("doses/<int:pk>/", views.DoseDetail.as_view(), name="dose"),
    path("doses/due/", views.DueDoses.as_view(), name="due_doses"),
    path("medicines/", views.Medicines.as_view(), name="medicines"),
    path("trends/", views.Trends.as_view(), name="trends"),
    path("say-it/", say_it.SayIt.as_view(), name="say_it"),
    # The OpenAPI 3 document and Swagger UI, whose scripts come from drf-spectacular-sidecar as
    # static files: no CDN, so the site's Content-Security-Policy holds.
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
]
