"""Two devices editing one entry: the words for what is saved now and what was just typed.

When a save is refused because the entry moved on since its page was opened (Entry.save_edit),
the edit page shows both side by side and lets the person choose. This module turns the saved
entry and the typed form into rows of plain text, one per answer that differs.
"""

from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from sci_tracker.core.dates import long_day, long_moment
from sci_tracker.diary.models import BloodPressureReading, Effect, Entry

# Form fields that are not answers: the page's version, and the "when" controls (compared as
# one "When" row from the moment they give).
NOT_ANSWERS = {"version", "when", "occurred_local"}


@dataclass(frozen=True)
class Difference:
    question: str
    saved: str
    typed: str


def _plain(value) -> str:
    if value in (None, "", []):
        return _("Not answered")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _answer(entry: Entry, name: str, form) -> str:
    """One answer of `entry` in words: choices by their labels, lists joined, dates written out."""
    field = entry._meta.get_field(name)
    value = getattr(entry, name)
    if isinstance(field, models.JSONField):
        names = dict(form.fields[name].choices)
        return _plain(", ".join(str(names.get(item, item)) for item in value or []))
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField) and value:
        return long_day(value)
    return _plain(value)


def _moment(entry: Entry) -> str:
    return long_moment(timezone.localtime(entry.occurred_at))


def _triggers_saved(entry: Entry) -> str:
    return _plain(", ".join(trigger.label for trigger in entry.triggers.all()))


def _triggers_typed(form) -> str:
    return _plain(", ".join(trigger.label for trigger in form.cleaned_data.get("triggers") or []))


def _tried(intervention, dose: str, effect: str) -> str:
    label = dict(Effect.choices).get(effect, effect)
    return f"{intervention} ({dose}, {label})" if dose else f"{intervention} ({label})"


def _tried_saved(entry: Entry) -> str:
    uses = entry.uses.select_related("intervention").order_by("pk")
    return _plain("; ".join(_tried(use.intervention, use.dose, use.effect) for use in uses))


def _tried_typed(formset) -> str:
    tried = []
    for use_form in formset.forms:
        data = use_form.cleaned_data
        if data.get("intervention") and not data.get("DELETE"):
            tried.append(_tried(data["intervention"], data.get("dose", ""), data.get("effect")))
    return _plain("; ".join(tried))


def _reading(moment, systolic, diastolic, pulse) -> str:
    when = long_moment(timezone.localtime(moment)) if moment else ""
    words = {"when": when, "systolic": systolic, "diastolic": diastolic, "pulse": pulse}
    if pulse:
        return _("%(when)s: %(systolic)s/%(diastolic)s mmHg, pulse %(pulse)s") % words
    return _("%(when)s: %(systolic)s/%(diastolic)s mmHg") % words


def _readings_saved(entry: Entry) -> str:
    return _plain(
        "; ".join(
            _reading(r.taken_at, r.systolic, r.diastolic, r.pulse) for r in entry.readings.all()
        )
    )


def _readings_typed(formset) -> str:
    readings = []
    for reading_form in formset.forms:
        data = getattr(reading_form, "cleaned_data", {})
        if data.get("systolic") and not data.get("DELETE"):
            readings.append(
                (
                    data.get("taken_local"),
                    _reading(
                        data.get("taken_local"),
                        data["systolic"],
                        data.get("diastolic"),
                        data.get("pulse"),
                    ),
                )
            )
    readings.sort(key=lambda pair: (pair[0] is None, pair[0] or 0))
    return _plain("; ".join(pair[1] for pair in readings))


def differences(saved: Entry, typed: Entry, form, formset=None) -> list[Difference]:
    """The answers where `saved` (the entry as stored) and `typed` (the same entry with the
    form's answers applied, not saved) differ, in the order the form asks them."""
    rows = []
    if hasattr(saved, "occurred_at"):
        rows.append(Difference(_("When"), _moment(saved), _moment(typed)))
    for name, field in form.fields.items():
        if name in NOT_ANSWERS:
            continue
        if name == "triggers":
            rows.append(Difference(str(field.label), _triggers_saved(saved), _triggers_typed(form)))
        else:
            rows.append(
                Difference(str(field.label), _answer(saved, name, form), _answer(typed, name, form))
            )
    if formset is not None and formset.model is BloodPressureReading:
        rows.append(
            Difference(_("Blood pressure"), _readings_saved(saved), _readings_typed(formset))
        )
    elif formset is not None:
        rows.append(Difference(_("What you tried"), _tried_saved(saved), _tried_typed(formset)))
    return [row for row in rows if row.saved != row.typed]
