from django.urls import include, path

from sci_tracker.safety import views

app_name = "safety"

pages = [
    path("", views.card, name="card"),
    path("pdf/", views.card_pdf, name="pdf"),
]

# Your own card, and the card of a person whose carer you are (see views).
urlpatterns = [
    path("safety-card/", include(pages)),
    path("people/<int:person_id>/safety-card/", include(pages)),
]
