"""Entries through the API: the kinds it logs and lists, each saved by the web app's own form.

A write runs the same form the Log pages run (SpasmForm, PainForm, CheckInForm), so every rule
(no time in the future, one check-in a day, the average pain not above the worst) is judged as
on the web. A `client_id` makes a write idempotent through diary.taps.save_once, as for a tap
queued offline: sent again, the entry saved the first time comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import serializers

from sci_tracker.api import serializers as api
from sci_tracker.diary import medicines
from sci_tracker.diary.forms import CheckInForm, PainForm, SpasmForm
from sci_tracker.diary.medicine_forms import AsNeededDoseForm, DueDoseForm
from sci_tracker.diary.medicines import MedicineRefused
from sci_tracker.diary.models import (
    CheckIn,
    Entry,
    LegPainEntry,
    MedicineDose,
    PainType,
    SpasmEpisode,
)
from sci_tracker.diary.taps import Tap, save_once
from sci_tracker.sharing.access import Access

# The form's names for the time it happened, as the API names it.
API_NAMES = {"when": "occurred_at", "occurred_local": "occurred_at", "__all__": "non_field_errors"}


@dataclass(frozen=True)
class Kind:
    model: type[Entry]
    form: type[forms.BaseForm]
    reads: type[serializers.Serializer]
    writes: type[serializers.Serializer]
    timed: bool  # occurred_at, or a check-in's date
    label: str  # for the person's access log

    def entries(self, person, days: dict) -> QuerySet:
        """The person's entries outside the bin, newest first, on the days asked for."""
        found = self.model.objects.for_user(person).active()
        first, last = days.get("from"), days.get("to")
        if self.timed:
            if first is not None:
                found = found.filter(occurred_at__gte=start_of(first, person))
            if last is not None:
                found = found.filter(occurred_at__lt=start_of(last + timedelta(days=1), person))
            return found.order_by("-occurred_at", "-pk")
        if first is not None:
            found = found.filter(date__gte=first)
        if last is not None:
            found = found.filter(date__lte=last)
        return found.order_by("-date", "-pk")


def start_of(day, person) -> datetime:
    return datetime.combine(day, time(), tzinfo=person.zone)


KINDS = {
    "spasms": Kind(SpasmEpisode, SpasmForm, api.SpasmOut, api.SpasmIn, True, "API: spasms"),
    "pains": Kind(LegPainEntry, PainForm, api.PainOut, api.PainIn, True, "API: leg pain"),
    "check-ins": Kind(CheckIn, CheckInForm, api.CheckInOut, api.CheckInIn, False, "API: check-ins"),
}

# Doses are listed and read as the other kinds; they are logged by save_dose and save_due_dose.
DOSES = Kind(MedicineDose, AsNeededDoseForm, api.DoseOut, api.DoseIn, True, "API: doses")


def form_data(kind: Kind, sent: dict[str, Any], person) -> dict[str, Any]:
    """What the web form would have been sent for the same entry."""
    data = {name: value for name, value in sent.items() if name not in ("client_id", "occurred_at")}
    if kind.timed:
        moment = sent.get("occurred_at")
        data["when"] = "now" if moment is None else "earlier"
        if moment is not None:
            data["occurred_local"] = moment.isoformat()
    else:
        data["date"] = (sent.get("date") or person.local_today()).isoformat()
    if kind.model is LegPainEntry:
        data.setdefault("pain_type", PainType.UNKNOWN)
    return data


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        errors.setdefault(API_NAMES.get(name, name), []).extend(str(m) for m in messages)
    return errors


def already_saved(model: type[Entry] | type[MedicineDose], person, client_id: UUID | None):
    """What a request with the same client_id saved before, so a retry answers it again."""
    if client_id is None:
        return None
    return model.objects.for_user(person).filter(client_id=client_id).first()


def save(kind: Kind, access: Access, writer, sent: dict[str, Any]):
    """(entry, made, errors): the entry saved now or before under the same client_id, or the
    form's errors, by field."""
    person = access.person
    # Sent again: the first answer again, before the form would call it a clash (a check-in).
    saved = already_saved(kind.model, person, sent.get("client_id"))
    if saved is not None:
        return saved, False, {}
    form = kind.form(form_data(kind, sent, person), owner=person, writer=writer)
    if not form.is_valid():
        return None, False, form_errors(form)

    def make() -> Entry:
        entry = form.save(commit=False)
        entry.owner = person
        entry.logged_by = writer
        entry.client_id = sent.get("client_id")
        entry.save()
        form.save_m2m()
        return entry

    tap = Tap(sent.get("client_id"), timezone.now(), "")
    entry, made = save_once(kind.model, person, tap, make)
    return entry, made, {}


def save_dose(access: Access, writer, sent: dict[str, Any]):
    """(dose, made, errors): an as-needed dose, through the web page's form (a medicine in force
    today, a time not in the future) and diary.medicines.as_needed_dose, saved once per
    client_id."""
    person = access.person
    client_id = sent.get("client_id")
    saved = already_saved(MedicineDose, person, client_id)
    if saved is not None:
        return saved, False, {}
    moment = sent.get("occurred_at")
    data = {
        "medicine": sent["medicine"],
        "when": "now" if moment is None else "earlier",
        "occurred_local": "" if moment is None else moment.isoformat(),
        "amount": "" if sent.get("amount") is None else str(sent["amount"]),
    }
    offered = medicines.current_on(person, person.local_today())
    form = AsNeededDoseForm(data, owner=person, medicines=offered, writer=writer)
    if not form.is_valid():
        return None, False, form_errors(form)
    cleaned = form.cleaned_data
    dose, made = medicines.as_needed_dose(
        person,
        writer,
        cleaned["medicine"],
        cleaned["moment"],
        amount=cleaned["amount"],
        client_id=client_id,
    )
    return dose, made, {}


def save_due_dose(access: Access, writer, sent: dict[str, Any]):
    """(dose, made, errors): a scheduled dose answered taken (now) or missed, checked by the Log
    page's one-tap form (DueDoseForm) and saved by the same rule (diary.medicines.answer_scheduled:
    on the schedule that day, not more than two hours ahead, answered once)."""
    person = access.person
    client_id = sent.get("client_id")
    saved = already_saved(MedicineDose, person, client_id)
    if saved is not None:
        return saved, False, {}
    data = {
        "medicine": sent["medicine"],
        "day": sent["day"].isoformat(),
        "time": sent["time"],
        "status": sent["status"],
        "client_id": "" if client_id is None else str(client_id),
    }
    form = DueDoseForm(data)
    if not form.is_valid():
        return None, False, form_errors(form)
    cleaned = form.cleaned_data
    try:
        dose, made = medicines.answer_scheduled(
            person,
            writer,
            cleaned["medicine"],
            cleaned["day"],
            cleaned["time"],
            cleaned["status"],
            client_id=client_id,
        )
    except MedicineRefused as refusal:
        field = "medicine" if refusal.status == 404 else "non_field_errors"
        return None, False, {field: [refusal.message]}
    return dose, made, {}


def shows_note(access: Access, reader):
    """Whether a reader sees an entry's note: the person all of them; anyone else those flagged
    for the clinician (as the report shows them) and those they logged themselves."""

    def rule(entry: Entry) -> bool:
        return access.is_own or entry.note_for_clinician or entry.logged_by_id == reader.pk

    return rule
