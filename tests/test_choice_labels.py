"""Choice labels (core.choice_labels): every model's get_FOO_display() gives Django's answer in
the active language, translating only the label it shows."""

from unittest import mock

from django.apps import apps
from django.utils import translation

from sci_tracker.core.choice_labels import quick_choice_labels
from sci_tracker.diary.models import EventKind, SpasmEpisode, TreatmentEvent


def test_every_model_with_choices_has_the_quick_labels():
    slow = [
        f"{model.__name__}.{field.name}"
        for config in apps.get_app_configs()
        if config.name.startswith("sci_tracker")
        for model in config.get_models()
        for field in model._meta.local_fields
        if field.choices
        and getattr(model.__dict__.get(f"get_{field.name}_display"), "__module__", "")
        != quick_choice_labels.__module__
    ]
    assert slow == []


def test_the_label_is_in_the_language_of_the_call():
    event = TreatmentEvent(event_kind=EventKind.SURGERY)
    with translation.override("en-gb"):
        assert event.get_event_kind_display() == "Surgery"
    with translation.override("es"):
        assert event.get_event_kind_display() == "Cirugía"
    with translation.override("en-gb"):
        assert event.get_event_kind_display() == "Surgery"


def test_a_value_without_a_label_is_shown_as_it_is_as_django_does():
    assert TreatmentEvent(event_kind="retired-kind").get_event_kind_display() == "retired-kind"
    assert SpasmEpisode(severity=None).get_severity_display() is None
    assert SpasmEpisode(severity=2).get_severity_display() == "Moderate"


def test_only_the_label_shown_is_translated():
    event = TreatmentEvent(event_kind=EventKind.BOTOX)
    with mock.patch.object(
        translation._trans, "gettext", wraps=translation._trans.gettext
    ) as translated:
        assert event.get_event_kind_display() == "Botulinum toxin injection"
    assert translated.call_count == 1
