from django.urls import path

from sci_tracker.trends import views

app_name = "trends"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("triggers/", views.triggers, name="triggers"),
    path("interventions/", views.interventions, name="interventions"),
    path("data.json", views.data, name="data"),
]
