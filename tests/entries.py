"""Diary entries for tests, with the fields that do not matter filled in."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sci_tracker.diary import medicines
from sci_tracker.diary.models import (
    ADEpisode,
    BloodPressureReading,
    CareEvent,
    CheckIn,
    Intervention,
    InterventionUse,
    LegPainEntry,
    Medicine,
    MedicineDose,
    PainProblem,
    SpasmEpisode,
    SpasticityWeek,
    TreatmentEvent,
    Trigger,
)
from sci_tracker.diary.sciset import blank_answers

AUCKLAND = ZoneInfo("Pacific/Auckland")

# 2026-03-14 11:30 UTC: already the 15th in Auckland (UTC+13), still the 14th in Denver (UTC-6).
NOW = datetime(2026, 3, 14, 11, 30, tzinfo=UTC)


def spasm(owner, **fields):
    return SpasmEpisode.objects.create(
        owner=owner,
        logged_by=fields.pop("logged_by", owner),
        occurred_at=fields.pop("occurred_at", NOW),
        **fields,
    )


def pain(owner, **fields):
    return LegPainEntry.objects.create(
        owner=owner,
        logged_by=owner,
        occurred_at=fields.pop("occurred_at", NOW),
        intensity=fields.pop("intensity", 5),
        **fields,
    )


def checkin(owner, day=date(2026, 3, 14), **fields):
    return CheckIn.objects.create(
        owner=owner,
        logged_by=owner,
        date=day,
        psfs_frequency=fields.pop("psfs_frequency", 0),
        **fields,
    )


def ad_episode(owner, readings=(), **fields):
    """An autonomic dysreflexia episode; `readings` are (taken_at, systolic, diastolic, pulse)."""
    episode = ADEpisode.objects.create(
        owner=owner,
        logged_by=owner,
        occurred_at=fields.pop("occurred_at", NOW),
        outcome=fields.pop("outcome", "settled"),
        **fields,
    )
    for taken_at, systolic, diastolic, pulse in readings:
        BloodPressureReading.objects.create(
            episode=episode, taken_at=taken_at, systolic=systolic, diastolic=diastolic, pulse=pulse
        )
    return episode


def builtin(model, slug):
    return model.objects.get(owner=None, slug=slug)


def at(day, hour, minute=0, zone=AUCKLAND):
    return datetime.combine(day, time(hour, minute), zone)


def event(owner, day, kind="botox", details=""):
    return TreatmentEvent.objects.create(
        owner=owner, logged_by=owner, date=day, event_kind=kind, details=details
    )


def fill_days(owner, last, days):
    """A check-in, two spasms (one at night) and a pain entry on each of `days` days."""
    cold = builtin(Trigger, "cold")
    heat = builtin(Intervention, "heat")
    feet, _ = PainProblem.objects.get_or_create(owner=owner, slot=1, name="Feet")
    for n in range(days):
        day = last - timedelta(days=n)
        checkin(owner, day, psfs_frequency=2, psfs_severity=1, pain_average=3, pain_worst=6)
        spasm(owner, occurred_at=at(day, 23, zone=owner.zone)).triggers.add(cold)
        spasm(owner, occurred_at=at(day, 12, zone=owner.zone))
        entry = pain(owner, occurred_at=at(day, 9, zone=owner.zone), intensity=5, problem=feet)
        InterventionUse.objects.create(intervention=heat, pain=entry, effect="helped-a-little")
    event(owner, last - timedelta(days=days // 2))


def sciset_week(owner, day=date(2026, 3, 14), ratings=None, **fields):
    """An SCI-SET week; `ratings` maps item numbers to ratings, every other item not applicable."""
    answers = blank_answers()
    answers.update({str(item): value for item, value in (ratings or {}).items()})
    return SpasticityWeek.objects.create(
        owner=owner, logged_by=fields.pop("logged_by", owner), date=day, answers=answers, **fields
    )


def medicine(owner, name="Baclofen", **fields):
    return Medicine.objects.create(
        owner=owner,
        name=name,
        unit=fields.pop("unit", "mg"),
        reason=fields.pop("reason", "spasms"),
        **fields,
    )


def started_medicine(owner, times=("08:00",), day=date(2026, 3, 1)):
    """Baclofen 10 mg by mouth, started on `day` as the Medicines page starts one, due at
    `times` every day."""
    return medicines.start_medicine(
        owner,
        owner,
        name="Baclofen",
        unit="mg",
        route="mouth",
        reason="spasms",
        dose=Decimal("10"),
        times=list(times),
        day=day,
    )


def dose(owner, medicine, **fields):
    return MedicineDose.objects.create(
        owner=owner,
        logged_by=fields.pop("logged_by", owner),
        medicine=medicine,
        occurred_at=fields.pop("occurred_at", NOW),
        **fields,
    )


def care(owner, event="catheter", **fields):
    return CareEvent.objects.create(
        owner=owner,
        logged_by=fields.pop("logged_by", owner),
        occurred_at=fields.pop("occurred_at", NOW),
        event=event,
        **fields,
    )
