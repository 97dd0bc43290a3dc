from django.urls import path

from sci_tracker.diary import views

app_name = "diary"

urlpatterns = [
    path("log/", views.quick_log, name="quick_log"),
    path("log/spasm-now/", views.spasm_now, name="spasm_now"),
    path("log/pain-problems/", views.pain_problems, name="pain_problems"),
    path("log/my-lists/", views.own_items, name="own_items"),
    path("log/<slug:kind>/", views.new_entry, name="new"),
    path("entries/", views.history, name="history"),
    path("entries/bin/", views.bin, name="bin"),
    path("entries/bin/empty/", views.empty_bin, name="empty_bin"),
    path("entries/<slug:kind>/<int:pk>/", views.edit_entry, name="edit"),
    path("entries/<slug:kind>/<int:pk>/delete/", views.delete_entry, name="delete"),
    path("entries/<slug:kind>/<int:pk>/restore/", views.restore_entry, name="restore"),
    path("entries/<slug:kind>/<int:pk>/urgent/", views.urgent, name="urgent"),
]
