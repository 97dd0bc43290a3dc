from django.urls import path

from sci_tracker.reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.reminder_settings, name="settings"),
    path("devices/", views.add_device, name="add_device"),
    path("devices/remove/", views.remove_device, name="remove_device"),
    path("stop-email/<str:key>/", views.stop_email, name="stop_email"),
]
