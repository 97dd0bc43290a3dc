from django.urls import path

from sci_tracker.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.index, name="index"),
    path("backup.json", views.backup_file, name="backup"),
    path("fhir.json", views.fhir_bundle, name="fhir"),
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="import_preview"),
    path("<slug:name>.csv", views.csv_file, name="csv"),
]
