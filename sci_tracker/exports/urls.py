from django.urls import path

from sci_tracker.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:name>.csv", views.csv_file, name="csv"),
]
