from django.urls import include, path

from sci_tracker.diary import medicine_views, say_it_views, views

app_name = "diary"

# What a carer may do for the person too: log, see the urgent advice after a red flag, and list,
# change, bin and restore the entries they logged (views.fixable_entry says which).
logging = [
    path("log/", views.quick_log, name="quick_log"),
    path("log/spasm-now/", views.spasm_now, name="spasm_now"),
    path("log/pain-now/", views.pain_now, name="pain_now"),
    path("log/checkin-now/", views.checkin_now, name="checkin_now"),
    path("log/care-now/", views.care_now, name="care_now"),
    path("log/dose-now/", medicine_views.answer_dose, name="answer_dose"),
    path("log/say-it/", say_it_views.say_it, name="say_it"),
    path("log/<slug:kind>/", views.new_entry, name="new"),
    path("medicines/", medicine_views.medicine_list, name="medicines"),
    path("medicines/add/", medicine_views.add_medicine, name="add_medicine"),
    path("medicines/<int:pk>/change/", medicine_views.change_medicine, name="change_medicine"),
    path("medicines/<int:pk>/stop/", medicine_views.stop_medicine, name="stop_medicine"),
    path("medicines/as-needed/", medicine_views.as_needed, name="as_needed"),
    path("entries/", views.history, name="history"),
    path("entries/<slug:kind>/<int:pk>/", views.edit_entry, name="edit"),
    path("entries/<slug:kind>/<int:pk>/delete/", views.delete_entry, name="delete"),
    path("entries/<slug:kind>/<int:pk>/restore/", views.restore_entry, name="restore"),
    path("entries/<slug:kind>/<int:pk>/urgent/", views.urgent, name="urgent"),
]

urlpatterns = [
    # Before `logging`, whose log/<kind>/ would take these words for kinds of entry.
    path("log/pain-problems/", views.pain_problems, name="pain_problems"),
    path("log/my-lists/", views.own_items, name="own_items"),
    path("log/my-lists/<slug:items>/<int:pk>/rename/", views.rename_item, name="rename_item"),
    path("log/my-lists/<slug:items>/<int:pk>/archive/", views.archive_item, name="archive_item"),
    path(
        "log/my-lists/<slug:items>/<int:pk>/bring-back/",
        views.bring_back_item,
        name="bring_back_item",
    ),
    path("log/my-lists/<slug:items>/built-in/<slug:slug>/hide/", views.hide_item, name="hide_item"),
    path("log/my-lists/<slug:items>/built-in/<slug:slug>/show/", views.show_item, name="show_item"),
    path("log/folds/", views.fold, name="fold"),
    # Only one's own Log page is kept for offline use (see the view).
    path("log/offline-copy/", views.log_offline_copy, name="log_offline_copy"),
    path("entries/bin/", views.bin, name="bin"),
    path("entries/bin/empty/", views.empty_bin, name="empty_bin"),
    *logging,
    path(
        "people/<int:person_id>/pain-types/",
        views.confirm_pain_types,
        name="confirm_pain_types",
    ),
    path("people/<int:person_id>/", include(logging)),
]
