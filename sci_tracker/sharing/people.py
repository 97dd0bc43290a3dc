"""What a clinician or carer sees of each person at a glance, and the review panel's contents."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sci_tracker.core import plain_sql
from sci_tracker.diary.models import (
    ADEpisode,
    CareEvent,
    CheckIn,
    EventKind,
    LegPainEntry,
    MedicineDose,
    SpasmEpisode,
    TreatmentEvent,
)
from sci_tracker.safety.card import pump_reminders
from sci_tracker.sharing.models import MuscleGroup, ReviewNote, Side, VisitMeasure, authors_shown
from sci_tracker.trends import aggregates
from sci_tracker.trends.aggregates import daily_for_people
from sci_tracker.trends.rise import read_period, sudden_rise

VISITS_SHOWN = 4


# A repeat botulinum toxin injection is usually no sooner than 12 weeks after the last; past
# about six months the last one is history, not a repeat that is due.
REPEAT_INJECTION = (timedelta(weeks=12), timedelta(weeks=26))
RECENT = timedelta(days=7)  # red flags and AD episodes this recent, and no entries for this long


@dataclass(frozen=True)
class Flag:
    key: str
    text: str
    weight: int  # how much it moves the person up the list


# What My patients flags, in order of how much it needs attention (and its filter's name).
FLAGS = {
    "red-flag": (_("Red flags"), 5),
    "ad": (_("Autonomic dysreflexia"), 5),
    "rise": (_("Sudden rise"), 3),
    "due": (_("Refill or injection due"), 2),
    "quiet": (_("No entries for 7 days"), 1),
}


@dataclass
class PersonSummary:
    grant: object
    person: object
    last_entry: object  # a local date, or None before the first entry
    changes: list  # this week against last week, as on the person's own home page
    flags: list = field(default_factory=list)

    @property
    def attention(self) -> int:
        return sum(flag.weight for flag in self.flags)

    def flagged(self, key: str) -> bool:
        return any(flag.key == key for flag in self.flags)


def _latest_by_owner(queryset, field_name, ids) -> dict:
    """{owner id: the latest value of `field_name`} of the people `ids`: one query, each
    person's latest read from the end of their (owner, time) index. A MAX grouped by owner went
    through every entry of every patient, years of them, on each view of My patients."""
    latest = queryset.filter(owner=OuterRef("pk")).order_by(f"-{field_name}").values(field_name)
    rows = (
        get_user_model()
        .objects.filter(pk__in=ids)
        .annotate(latest=Subquery(latest[:1]))
        .values_list("pk", "latest")
        .order_by()
    )
    return {owner: value for owner, value in rows if value is not None}


def last_entries(people) -> dict:
    """{person id: (the local day of their latest entry of any kind, or None; their latest AD
    episode's moment, or None)} for all of `people`: a grouped query per kind of entry."""
    ids = [person.pk for person in people]
    moments = [
        _latest_by_owner(model.objects.active(), "occurred_at", ids)
        for model in (SpasmEpisode, LegPainEntry, CareEvent, MedicineDose)
    ]
    ad = _latest_by_owner(ADEpisode.objects.active(), "occurred_at", ids)
    days = [
        _latest_by_owner(model.objects.active(), "date", ids) for model in (CheckIn, TreatmentEvent)
    ]
    found = {}
    for person in people:
        latest = [
            m[person.pk].astimezone(person.zone).date() for m in (*moments, ad) if m.get(person.pk)
        ]
        # An event planned ahead is not a day logged.
        latest += [min(d[person.pk], person.local_today()) for d in days if d.get(person.pk)]
        found[person.pk] = (max(latest, default=None), ad.get(person.pk))
    return found


def red_flags_since(ids, since) -> dict:
    """{person id: red-flag entries since `since`}: a grouped query per kind of entry."""
    counts = defaultdict(int)
    for model in (SpasmEpisode, LegPainEntry):
        rows = (
            model.objects.active()
            .filter(owner__in=ids, occurred_at__gte=since)
            .exclude(red_flags=[])
            .values("owner")
            .annotate(entries=Count("pk"))
            .values_list("owner", "entries")
            .order_by()
        )
        for owner_id, entries in rows:
            counts[owner_id] += entries
    return counts


def last_injections(ids) -> dict:
    """{person id: the day of their last botulinum toxin injection}: one grouped query."""
    return _latest_by_owner(
        TreatmentEvent.objects.active().filter(event_kind=EventKind.BOTOX), "date", ids
    )


def flags_for(person, by_day, last_entry, last_ad, red_flag_entries, last_injection, now) -> list:
    """What needs a clinician's or carer's attention in one person's diary, most urgent first."""
    today = person.local_today()
    flags = []
    if red_flag_entries:
        text = ngettext(
            "%(count)d entry with a red-flag symptom in the last 7 days",
            "%(count)d entries with a red-flag symptom in the last 7 days",
            red_flag_entries,
        ) % {"count": red_flag_entries}
        flags.append(Flag("red-flag", text, FLAGS["red-flag"][1]))
    if last_ad is not None and last_ad >= now - RECENT:
        # Translators: a short date format (Django's date filter letters), as in "5 Dec".
        day = date_format(last_ad.astimezone(person.zone).date(), _("j M"))
        text = _("Autonomic dysreflexia episode on %(day)s") % {"day": day}
        flags.append(Flag("ad", text, FLAGS["ad"][1]))
    if sudden_rise(by_day, today) is not None:
        flags.append(Flag("rise", str(_("Sudden rise in spasms")), FLAGS["rise"][1]))
    for reminder in pump_reminders(person, today):
        if reminder.what == "refill":
            day = date_format(reminder.day, _("j M"))
            text = _("Pump refill due %(day)s") % {"day": day}
            flags.append(Flag("due", text, FLAGS["due"][1]))
    if last_injection is not None:
        since = timedelta(days=(today - last_injection).days)
        if REPEAT_INJECTION[0] <= since <= REPEAT_INJECTION[1]:
            weeks = since.days // 7
            text = _("%(weeks)d weeks since the last botulinum toxin injection") % {"weeks": weeks}
            flags.append(Flag("due", text, FLAGS["due"][1]))
    if last_entry is None or (today - last_entry).days >= RECENT.days:
        flags.append(Flag("quiet", str(_("No entries for 7 days")), FLAGS["quiet"][1]))
    return flags


def summaries(grants, now=None) -> list[PersonSummary]:
    """My patients: a row per grant, with the last entry, the week against the week before and
    the flags, most in need of attention first. The same number of queries for 5 or 500 people:
    every figure comes from grouped queries over all of them at once."""
    now = now or timezone.now()
    people = [grant.person for grant in grants]
    ids = [person.pk for person in people]
    by_day = daily_for_people({person: read_period(person.local_today()) for person in people})
    latest = last_entries(people)
    red = red_flags_since(ids, now - RECENT)
    injections = last_injections(ids)
    rows = []
    for grant in grants:
        person = grant.person
        last_entry, last_ad = latest[person.pk]
        days = by_day[person.pk]
        rows.append(
            PersonSummary(
                grant=grant,
                person=person,
                last_entry=last_entry,
                changes=aggregates.week_on_week(person, person.local_today(), days),
                flags=flags_for(
                    person,
                    days,
                    last_entry,
                    last_ad,
                    red.get(person.pk, 0),
                    injections.get(person.pk),
                    now,
                ),
            )
        )
    return sorted(rows, key=lambda row: (-row.attention, row.person.name.lower(), row.person.pk))


@dataclass(frozen=True)
class Filter:
    key: str  # "" for everyone, "attention" for anyone flagged, or a key of FLAGS
    label: str
    count: int
    chosen: bool


def filtered(rows: list[PersonSummary], show: str) -> tuple[list[PersonSummary], list[Filter]]:
    """The rows the filter `show` lets through (everyone for a filter that does not exist),
    and the filters with how many people each would show."""
    tests = {
        "": (_("Everyone"), lambda row: True),
        "attention": (_("Needs attention"), lambda row: bool(row.flags)),
        **{
            key: (label, lambda row, key=key: row.flagged(key))
            for key, (label, _weight) in FLAGS.items()
        },
    }
    if show not in tests:
        show = ""
    filters = [
        Filter(key, str(label), sum(map(test, rows)), key == show)
        for key, (label, test) in tests.items()
    ]
    return [row for row in rows if tests[show][1](row)], filters


def _visit_days(visits: int, person: int, until: date | None = None) -> QuerySet:
    """The last `visits` days with Modified Ashworth ratings (on or before `until`), the latest
    first."""
    measures = VisitMeasure.objects.filter(person=person)
    if until is not None:
        measures = measures.filter(visit_date__lte=until)
    return measures.order_by("-visit_date").values_list("visit_date").distinct()[:visits]


def ashworth_table(person, visits=VISITS_SHOWN, until: date | None = None):
    """The last few visits' Modified Ashworth ratings (on or before `until`, when given): a row
    per muscle group and side that was ever rated in them, a column per visit, "" where it was
    not rated that day."""
    # Compiled once a process (core.plain_sql.rows_for): the trends pages ask on every view.
    asked = {"person": person.pk} if until is None else {"person": person.pk, "until": until}
    days = [day for (day,) in plain_sql.rows_for(_visit_days, visits, **asked)][::-1]
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
    """Review notes and visit measures, for those who may see them (Access.sees_clinic_records)."""
    if not access.sees_clinic_records:
        return None
    return {
        "notes": ReviewNote.objects.filter(person=person),
        "ashworth": ashworth_table(person),
        "can_review": access.allows("review"),
    }


@dataclass(frozen=True)
class ClinicRecords:
    """What the report shows of the clinic's own records up to the period's end."""

    ashworth: dict | None  # ashworth_table's
    notes: list  # ReviewNote, the most recent first
    notes_left_out: int


def clinic_records(person, until: date, notes: int) -> ClinicRecords:
    """The Modified Ashworth ratings of the last visits on or before `until` and the latest
    `notes` review notes written by the end of that day (the person's zone): four queries.
    Only for those who may see them (Access.sees_clinic_records): the caller checks."""
    end = datetime.combine(until + timedelta(days=1), time(), person.zone)
    written = ReviewNote.objects.filter(person=person, written_at__lt=end)
    shown = list(written[:notes])
    left_out = written.count() - len(shown)
    return ClinicRecords(ashworth_table(person, until=until), shown, left_out)
