from django.urls import path

from sci_tracker.pwa import views

app_name = "pwa"

urlpatterns = [
    path("offline/", views.offline, name="offline"),
]
