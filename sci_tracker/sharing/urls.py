from django.urls import path

from sci_tracker.sharing import views

app_name = "sharing"

urlpatterns = [
    path("sharing/", views.sharing_home, name="home"),
    path("sharing/links/<int:pk>/revoke/", views.revoke_link, name="revoke_link"),
    path("sharing/team/<int:pk>/end/", views.end_access, name="end_access"),
    path("sharing/log/", views.access_log, name="access_log"),
    path("people/", views.people, name="people"),
    path(
        "people/invitations/<int:pk>/<str:answer>/",
        views.answer_invitation,
        name="answer_invitation",
    ),
    path("people/<int:person_id>/notes/", views.add_note, name="add_note"),
    path("people/<int:person_id>/visit/", views.record_visit, name="record_visit"),
    path("shared/<str:token>/", views.open_link, name="open"),
]
