"""The one home of the medicine rules: starting, changing and stopping a medicine, the regimen in
force on a day, the doses due today and their one-tap answers, and as-needed doses.

A medicine's start, dose changes and stop are its treatment events (diary.models.medicines says
why); the regimen on a day is read from them, never stored twice. Pages, the importer's checks
and the demo data call these functions, so each rule is written once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sci_tracker.core.locks import lock_person
from sci_tracker.diary.models import (
    EventKind,
    Medicine,
    MedicineDose,
    TreatmentEvent,
)
from sci_tracker.diary.schedules import due_at

START = EventKind.MEDICINE_START.value
CHANGE = EventKind.MEDICINE_CHANGE.value
STOP = EventKind.MEDICINE_STOP.value
# A scheduled dose can be answered from this long before it is due: a dose taken a little early
# is on time, one tapped hours ahead is a slip.
ANSWER_AHEAD = timedelta(hours=2)


class MedicineRefused(Exception):
    """Not saved, with the reason the page shows."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Regimen:
    """What a medicine's latest start or change before a day says: the dose and the times."""

    dose: Decimal
    times: tuple[str, ...]
    since: date

    @property
    def as_needed(self) -> bool:
        return not self.times


@dataclass(frozen=True)
class MedicineState:
    """A medicine on the list, as its events leave it on a day."""

    medicine: Medicine
    regimen: Regimen | None  # None: not in force that day (stopped, or not started yet)
    started: date | None  # the first start
    stopped: date | None  # the day of the stop in force, if stopped

    @property
    def current(self) -> bool:
        return self.regimen is not None


def dose_words(medicine: Medicine, dose: Decimal | None) -> str:
    """ "10 mg": a dose with its unit, no trailing zeros."""
    if dose is None:
        return ""
    return f"{dose.normalize():f} {medicine.get_unit_display()}"


def schedule_words(times: list[str] | tuple[str, ...]) -> str:
    return ", ".join(times) if times else _("as needed")


def _medicine_events(medicine: Medicine) -> list[TreatmentEvent]:
    """The medicine's events not in the bin, oldest first (prefetched when the caller did)."""
    cached = getattr(medicine, "active_events", None)
    if cached is not None:
        return cached
    return list(medicine.events.filter(deleted_at__isnull=True).order_by("date", "pk"))


def state_on(medicine: Medicine, day: date) -> MedicineState:
    """The medicine on `day`: the regimen of its latest start or change on or before that day,
    unless a stop came after it (a stop on a day ends it from that day on)."""
    events = [event for event in _medicine_events(medicine) if event.date <= day]
    starts = [event.date for event in _medicine_events(medicine) if event.event_kind == START]
    regimen = None
    stopped = None
    if events:
        last = events[-1]
        if last.event_kind == STOP:
            stopped = last.date
        elif last.dose is not None:
            regimen = Regimen(last.dose, tuple(last.times), last.date)
    return MedicineState(medicine, regimen, min(starts) if starts else None, stopped)


def regimen_on(medicine: Medicine, day: date) -> Regimen | None:
    """The dose and times in force on `day`, or None (not started, or stopped)."""
    return state_on(medicine, day).regimen


def with_events(medicines: QuerySet[Medicine]) -> QuerySet[Medicine]:
    """Medicines with their events (not in the bin) loaded in one more query."""
    events = TreatmentEvent.objects.filter(deleted_at__isnull=True).order_by("date", "pk")
    return medicines.prefetch_related(Prefetch("events", queryset=events, to_attr="active_events"))


def medicine_list(owner: Any, day: date) -> tuple[list[MedicineState], list[MedicineState]]:
    """(current, stopped or not started) medicines of the person on `day`: two queries."""
    states = [
        state_on(medicine, day)
        for medicine in with_events(Medicine.objects.filter(owner=owner).order_by("name"))
    ]
    return [s for s in states if s.current], [s for s in states if not s.current]


def _new_event(
    medicine: Medicine,
    logged_by: Any,
    kind: str,
    day: date,
    dose: Decimal | None = None,
    times: list[str] | None = None,
) -> TreatmentEvent:
    event = TreatmentEvent(
        owner=medicine.owner,
        logged_by=logged_by,
        date=day,
        event_kind=kind,
        medicine=medicine,
        dose=dose,
        times=list(times or []),
    )
    event.full_clean(exclude=["owner", "logged_by"])
    event.save()
    return event


@transaction.atomic
def start_medicine(
    owner: Any,
    logged_by: Any,
    *,
    name: str,
    unit: str,
    route: str,
    reason: str,
    dose: Decimal,
    times: list[str],
    day: date,
) -> Medicine:
    """A new medicine on the list and its medicine-start event (its dose and times from `day`)."""
    medicine = Medicine(owner=owner, name=name.strip(), unit=unit, route=route, reason=reason)
    medicine.full_clean(exclude=["owner"])
    medicine.save()
    _new_event(medicine, logged_by, START, day, dose, times)
    return medicine


@transaction.atomic
def change_medicine(
    medicine: Medicine, logged_by: Any, *, dose: Decimal, times: list[str], day: date
) -> TreatmentEvent:
    """A new dose or new times from `day`: a medicine-change event; for a medicine stopped (or
    not started) on that day, a medicine-start event, so starting again reads as a start."""
    kind = CHANGE if regimen_on(medicine, day) is not None else START
    return _new_event(medicine, logged_by, kind, day, dose, times)


@transaction.atomic
def stop_medicine(medicine: Medicine, logged_by: Any, *, day: date) -> TreatmentEvent:
    """The medicine stops on `day` (no doses are due from that day on): a medicine-stop event."""
    if regimen_on(medicine, day) is None:
        raise MedicineRefused(
            _("%(name)s is not being taken on that day, so it cannot be stopped then.")
            % {"name": medicine.name}
        )
    return _new_event(medicine, logged_by, STOP, day)


# Doses due today ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DueDose:
    """One scheduled time of one medicine on a day, and the dose that answered it, if any."""

    medicine: Medicine
    time: str  # "HH:MM"
    due: datetime
    regimen: Regimen
    answer: MedicineDose | None

    @property
    def label(self) -> str:
        return f"{self.medicine.name} {self.time}"

    @property
    def answerable(self) -> bool:
        """Open for a tap: not answered, and due within ANSWER_AHEAD or earlier."""
        return self.answer is None and self.due - ANSWER_AHEAD <= timezone.now()


def due_on(owner: Any, day: date) -> list[DueDose]:
    """Every dose due on `day` (the person's zone), in time order, each with the dose not in
    the bin that answered it: three queries, however many medicines and doses."""
    zone = owner.zone
    medicines = list(with_events(Medicine.objects.filter(owner=owner)))
    slots = []
    for medicine in medicines:
        regimen = regimen_on(medicine, day)
        if regimen is None:
            continue
        for moment in regimen.times:
            slots.append((due_at(day, moment, zone), medicine, moment, regimen))
    if not slots:
        return []
    answers = {
        (answer.medicine_id, answer.scheduled_for): answer
        for answer in MedicineDose.objects.for_user(owner)
        .active()
        .filter(scheduled_for__in={due for due, *_rest in slots})
    }
    slots.sort(key=lambda slot: (slot[0], slot[1].name))
    return [
        DueDose(medicine, moment, due, regimen, answers.get((medicine.pk, due)))
        for due, medicine, moment, regimen in slots
    ]


@transaction.atomic
def answer_due_dose(
    owner: Any,
    logged_by: Any,
    medicine: Medicine,
    due: datetime,
    status: str,
    *,
    at: datetime | None = None,
    client_id: UUID | None = None,
) -> tuple[MedicineDose, bool]:
    """(dose, made): the answer to one scheduled dose, taken at `at` (now) or missed. Idempotent:
    a second tap, another tab or a queued copy finds the first answer and makes none."""
    now = at or timezone.now()
    day = timezone.localdate(due, timezone=owner.zone)
    regimen = regimen_on(medicine, day)
    if regimen is None or due not in {due_at(day, moment, owner.zone) for moment in regimen.times}:
        raise MedicineRefused(_("That dose is not on the schedule for that day."))
    if due - ANSWER_AHEAD > now:
        raise MedicineRefused(_("That dose is not due yet."))
    # Two taps for one person take turns (as diary.taps.save_once): the second finds the first.
    lock_person(owner.pk)
    answered = Q(scheduled_for=due) & Q(deleted_at__isnull=True)
    if client_id is not None:
        answered |= Q(client_id=client_id)
    saved = MedicineDose.objects.for_user(owner).filter(medicine=medicine).filter(answered).first()
    if saved is not None:
        return saved, False
    dose = MedicineDose.objects.create(
        owner=owner,
        logged_by=logged_by,
        medicine=medicine,
        status=status,
        scheduled_for=due,
        occurred_at=now if status == "taken" else due,
        client_id=client_id,
    )
    return dose, True


def answer_scheduled(
    owner: Any,
    logged_by: Any,
    medicine_id: int,
    day: date,
    moment: str,
    status: str,
    *,
    at: datetime | None = None,
    client_id: UUID | None = None,
) -> tuple[MedicineDose, bool]:
    """A due dose's answer named as the one-tap form (DueDoseForm) and the API name it: the id of
    a medicine on the person's list, the day and the scheduled time ("HH:MM") in their zone."""
    medicine = Medicine.objects.filter(owner=owner, pk=medicine_id).first()
    if medicine is None:
        raise MedicineRefused(_("That medicine is not on the list."), status=404)
    due = due_at(day, moment, owner.zone)
    return answer_due_dose(owner, logged_by, medicine, due, status, at=at, client_id=client_id)


@transaction.atomic
def as_needed_dose(
    owner: Any,
    logged_by: Any,
    medicine: Medicine,
    when: datetime,
    *,
    amount: Decimal | None = None,
    client_id: UUID | None = None,
) -> tuple[MedicineDose, bool]:
    """(dose, made): a dose taken at `when` with no scheduled time; sent twice with the same
    `client_id`, saved once."""
    lock_person(owner.pk)
    if client_id is not None:
        saved = MedicineDose.objects.for_user(owner).filter(client_id=client_id).first()
        if saved is not None:
            return saved, False
    dose = MedicineDose.objects.create(
        owner=owner,
        logged_by=logged_by,
        medicine=medicine,
        status="taken",
        occurred_at=when,
        amount=amount,
        client_id=client_id,
    )
    return dose, True


def current_on(owner: Any, day: date) -> list[Medicine]:
    """The medicines in force on `day`, by name (for the as-needed dose's choices)."""
    medicines = with_events(Medicine.objects.filter(owner=owner).order_by("name"))
    return [medicine for medicine in medicines if regimen_on(medicine, day) is not None]


def regimens_by_medicine(owner: Any) -> dict[int, list[TreatmentEvent]]:
    """Each medicine's events (not in the bin) oldest first, in one query: for exports."""
    events: dict[int, list[TreatmentEvent]] = defaultdict(list)
    for event in (
        TreatmentEvent.objects.for_user(owner)
        .active()
        .filter(medicine__isnull=False)
        .order_by("date", "pk")
    ):
        events[event.medicine_id].append(event)
    return events
