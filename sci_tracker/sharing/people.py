"""What a clinician or carer sees of each person at a glance, and the review panel's contents."""

from dataclasses import dataclass

from django.db.models import Max

from sci_tracker.diary.models import (
    ADEpisode,
    CheckIn,
    LegPainEntry,
    SpasmEpisode,
    TreatmentEvent,
)
from sci_tracker.sharing.models import MuscleGroup, ReviewNote, Side, VisitMeasure, authors_shown
from sci_tracker.trends import aggregates

VISITS_SHOWN = 4


@dataclass
class PersonSummary:
    grant: object
    person: object
    last_entry: object  # a local date, or None before the first entry
    changes: list  # this week against last week, as on the person's own home page


def last_entry_day(person):
    """The local day of the person's latest entry of any kind (not counting the bin)."""
    days = []
    for model in (SpasmEpisode, LegPainEntry, ADEpisode):
        moment = model.objects.for_user(person).active().aggregate(last=Max("occurred_at"))["last"]
        if moment:
            days.append(moment.astimezone(person.zone).date())
    for model in (CheckIn, TreatmentEvent):
        day = model.objects.for_user(person).active().aggregate(last=Max("date"))["last"]
        if day:
            days.append(min(day, person.local_today()))  # an event planned ahead is not logged
    return max(days, default=None)


def summary(grant):
    person = grant.person
    return PersonSummary(
        grant=grant,
        person=person,
        last_entry=last_entry_day(person),
        changes=aggregates.week_on_week(person, person.local_today()),
    )


def ashworth_table(person, visits=VISITS_SHOWN):
    """The last few visits' Modified Ashworth ratings: a row per muscle group and side that was
    ever rated in them, a column per visit, "" where it was not rated that day."""
    days = list(
        VisitMeasure.objects.filter(person=person)
        .order_by("-visit_date")
        .values_list("visit_date", flat=True)
        .distinct()[:visits]
    )[::-1]
    if not days:
        return None
    measures = list(VisitMeasure.objects.filter(person=person, visit_date__in=days))
    scores = {(m.muscle_group, m.side, m.visit_date): m.score for m in measures}
    rows = []
    for group, group_label in MuscleGroup.choices:
        for side, side_label in Side.choices:
            cells = [scores.get((group, side, day), "") for day in days]
            if any(cells):
                rows.append((f"{group_label}, {side_label.lower()}", cells))
    authors = authors_shown(
        (m.author_name, m.imported_at) for m in sorted(measures, key=lambda m: m.author_name)
    )
    imported_days = {m.visit_date for m in measures if m.imported_at}
    return {"days": days, "rows": rows, "authors": authors, "imported_days": imported_days}


def review_panel(person, access):
    """Review notes and visit measures, for the person and their clinicians (not share links:
    a note is between the person and their care team)."""
    if not (access.is_own or access.allows("review")):
        return None
    return {
        "notes": ReviewNote.objects.filter(person=person),
        "ashworth": ashworth_table(person),
        "can_review": access.allows("review"),
    }
