"""Spasms in the hours after a bladder, bowel, skin or medicine event, against the usual rate.

For each kind of event below, the spasms logged in the AFTER hours that follow each event are
counted and summed per kind: a catheterisation later than usual, a missed bowel routine, a skin
problem found, and a dose missed, taken late or taken on time (the last as the comparison). The
doses are counted by the database (a subquery per dose, one grouped query). The care events are
worked out here, from the catheterisations' moments, those events' moments and the spasms'
moments (two plain reads): each catheterisation's gap since the one before and the local hours
it began and ended, asked of the database a row at a time, ran the previous catheterisation's
subquery once for every daylight-saving change of the range (core.local_time's CASE) for every
event, and took about half a second for ten years of a catheterisation every five hours.

The usual figure is the period's spasms per AFTER hours over its days with a record (from the
day-by-day figures the page already has). A kind shows only with MIN_EVENTS events or more and
MIN_USUAL_DAYS days of record; the figures say what went together, never what caused what.

"Later than usual": the gap since the previous catheterisation is more than LATE_MARGIN over the
person's usual daytime gap (the mean of the period's daytime gaps). Only daytime gaps are judged,
or averaged: those of at most LONGEST_GAP that began at 06:00 or later and ended later the same
day. Many people sleep longer between catheterisations, or use another catheter overnight.
"""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sci_tracker.core import plain_sql
from sci_tracker.core.moments import HoursLater
from sci_tracker.diary.models import CareEvent, MedicineDose, SpasmEpisode
from sci_tracker.trends.aggregates import Daily, Period

AFTER_HOURS = 6
AFTER = timedelta(hours=AFTER_HOURS)
MIN_EVENTS = 5
MIN_USUAL_DAYS = 14
LATE_MARGIN = timedelta(hours=1)
LONGEST_GAP = timedelta(hours=12)  # a longer gap is a gap in the logging, not a late one
DAY_BEGINS = 6  # the local hour from which a gap can be judged
# Strong enough for the home page and the report: this many times the usual figure, over at
# least this many events.
STRONG_RATIO = 1.5
STRONG_EVENTS = 10

KINDS = {
    "catheter-late": _("a catheterisation later than usual"),
    "bowel-missed": _("a missed bowel routine"),
    "skin-problem": _("a skin problem found"),
    "dose-missed": _("a missed dose"),
    "dose-late": _("a dose taken late"),
    "dose-on-time": _("a dose taken on time"),
}


@dataclass(frozen=True)
class AfterEvents:
    """The spasms in the AFTER hours after each of `events` events of one kind."""

    kind: str
    events: int
    spasms: int

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def hours(self) -> int:
        return self.events * int(AFTER.total_seconds() // 3600)

    @property
    def per_window(self) -> float:
        return self.spasms / self.events


@dataclass(frozen=True)
class ByTheHour:
    """The kinds with enough events (in KINDS order), and the usual spasms per AFTER hours."""

    found: list[AfterEvents]
    usual: float | None
    usual_days: int
    usual_gap: timedelta | None

    @property
    def window_hours(self) -> int:
        return int(AFTER.total_seconds() // 3600)

    def strong(self) -> list[AfterEvents]:
        """The findings worth a sentence on the home page and the report: well above the usual
        figure, over many events (never the on-time doses, which are the comparison)."""
        if not self.usual:
            return []
        return [
            after
            for after in self.found
            if after.kind != "dose-on-time"
            and after.events >= STRONG_EVENTS
            and after.per_window >= STRONG_RATIO * self.usual
        ]

    def sentences(self) -> list[str]:
        return [
            ngettext(
                "Spasms came more often in the %(hours)d hours after %(what)s: %(after).1f on "
                "average, against %(usual).1f in a usual %(hours)d hours (%(events)d event).",
                "Spasms came more often in the %(hours)d hours after %(what)s: %(after).1f on "
                "average, against %(usual).1f in a usual %(hours)d hours (%(events)d events).",
                after.events,
            )
            % {
                "hours": self.window_hours,
                "what": after.label,
                "after": after.per_window,
                "usual": self.usual,
                "events": after.events,
            }
            for after in self.strong()
        ]


def _spasms_after(owner) -> Subquery:
    """The spasms logged in the AFTER hours from the outer row's moment."""
    spasms = (
        SpasmEpisode.objects.for_user(owner)
        .active()
        .filter(
            occurred_at__gte=OuterRef("occurred_at"),
            occurred_at__lt=HoursLater(OuterRef("occurred_at"), AFTER_HOURS),
        )
        .order_by()
        .values("owner")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(spasms, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class Catheterisation:
    moment: datetime
    judged_gap: float | None  # seconds since the one before, if a gap that can be judged


# The care events this module reads: catheterisations for their gaps, and two kinds counted as
# they are.
READ_EVENTS = ("catheter", "bowel-missed", "skin-problem")


# Each of this module's reads is compiled once a process (core.plain_sql.rows_for): building
# them through the ORM took longer than the database's answer.


def _care_rows(owner: int, start: datetime, until: datetime) -> QuerySet:
    return (
        CareEvent.objects.for_user(owner)
        .active()
        .filter(event__in=READ_EVENTS, occurred_at__gte=start, occurred_at__lt=until)
        .order_by("occurred_at")
        .values_list("event", "occurred_at")
    )


def _care_moments(owner, since, until) -> dict[str, list[datetime]]:
    """{event: its moments, oldest first} for READ_EVENTS, in one read. The catheterisations
    from LONGEST_GAP before the period, for the gap of its first ones: one before that leaves a
    longer gap, which is never judged."""
    rows = plain_sql.rows_for(_care_rows, owner=owner.pk, start=since - LONGEST_GAP, until=until)
    found = {event: [] for event in READ_EVENTS}
    for event, moment in rows:
        if event == "catheter" or moment >= since:
            found[event].append(moment)
    return found


def _catheterisations(owner, moments: list[datetime], since) -> list[Catheterisation]:
    """The period's catheterisations (`moments`: from LONGEST_GAP before it), each with its gap
    since the one before when that gap can be judged: a daytime gap, not a gap in the logging
    (at most LONGEST_GAP, begun at DAY_BEGINS or later and ended at a later hour)."""
    zone, longest = owner.zone, LONGEST_GAP.total_seconds()
    hours = [moment.astimezone(zone).hour for moment in moments]
    found = []
    for n, moment in enumerate(moments):
        if moment < since:
            continue
        before = n - 1
        if before >= 0 and moments[before] == moment:  # two at the same moment: none between
            before = bisect_left(moments, moment) - 1  # the latest one strictly before
        gap = None
        if before >= 0:
            seconds = (moment - moments[before]).total_seconds()
            if seconds <= longest and DAY_BEGINS <= hours[before] < hours[n]:
                gap = seconds
        found.append(Catheterisation(moment, gap))
    return found


def _usual(catheterisations: list[Catheterisation]) -> timedelta | None:
    """The person's usual daytime gap between catheterisations: the mean of the judged ones."""
    gaps = [each.judged_gap for each in catheterisations if each.judged_gap is not None]
    return timedelta(seconds=round(fmean(gaps))) if gaps else None


def _spasm_moments(owner, since, until) -> list[datetime]:
    """The moments of the person's spasms from `since` until `until`, oldest first."""
    rows = plain_sql.rows_for(_spasm_rows, owner=owner.pk, since=since, until=until)
    return [moment for (moment,) in rows]


def _spasm_rows(owner: int, since: datetime, until: datetime) -> QuerySet:
    spasms = SpasmEpisode.objects.for_user(owner).active()
    window = spasms.filter(occurred_at__gte=since, occurred_at__lt=until)
    return window.order_by("occurred_at").values_list("occurred_at")


def _care_counts(owner, since, care: dict, catheterisations, usual) -> dict:
    """{kind: (events, spasms in the AFTER hours after them)} for the care events' kinds with
    MIN_EVENTS events or more (no other kind is shown).

    Only the spasms from the first of those events to the AFTER hours after the last are read:
    a diary whose bladder, bowel and skin records began last month reads a month of spasms, not
    every spasm of an "All" range (16,000 in the demo's ten years). `since`: the period's
    start."""
    events = {
        "catheter-late": [
            each.moment
            for each in catheterisations
            if usual is not None
            and each.judged_gap is not None
            and each.judged_gap > (usual + LATE_MARGIN).total_seconds()
        ],
        "bowel-missed": care["bowel-missed"],
        "skin-problem": care["skin-problem"],
    }
    events = {kind: moments for kind, moments in events.items() if len(moments) >= MIN_EVENTS}
    every = [moment for moments in events.values() for moment in moments]
    # With no such kind the read still runs, over no time: a page's queries stay the same
    # whatever the diary holds.
    since, until = (min(every), max(every) + AFTER) if every else (since, since)
    spasms = _spasm_moments(owner, since, until)
    return {
        kind: (
            len(moments),
            sum(
                bisect_left(spasms, moment + AFTER) - bisect_left(spasms, moment)
                for moment in moments
            ),
        )
        for kind, moments in events.items()
    }


def _dose_rows(owner: int, since: datetime, until: datetime) -> QuerySet:
    return (
        MedicineDose.objects.for_user(owner)
        .active()
        .filter(occurred_at__gte=since, occurred_at__lt=until, scheduled_for__isnull=False)
        .with_timing()
        .annotate(after=_spasms_after(owner))
        .values_list("timing")
        .annotate(events=Count("pk"), spasms=Sum("after"))
        .order_by()
    )


def _dose_counts(owner, since, until) -> dict:
    rows = plain_sql.rows_for(_dose_rows, owner=owner.pk, since=since, until=until)
    return {f"dose-{timing}": (events, spasms) for timing, events, spasms in rows}


def by_the_hour(owner, period: Period, spasm_days: tuple[int, float]) -> ByTheHour:
    """The spasms after each kind of event in the period against the usual figure, which
    `spasm_days` gives: the period's days with spasms recorded and the spasms on them
    (recorded_spasms)."""
    days, spasms = spasm_days
    windows_a_day = timedelta(days=1) / AFTER
    usual = spasms / (days * windows_a_day) if days else None
    since, until = period.bounds(owner.zone)
    care = _care_moments(owner, since, until)
    catheterisations = _catheterisations(owner, care["catheter"], since)
    gap = _usual(catheterisations)
    counts = {
        **_care_counts(owner, since, care, catheterisations, gap),
        **_dose_counts(owner, since, until),
    }
    enough = days >= MIN_USUAL_DAYS
    found = [
        AfterEvents(kind, *counts[kind])
        for kind in KINDS
        if enough and counts.get(kind, (0, 0))[0] >= MIN_EVENTS
    ]
    return ByTheHour(found=found, usual=usual, usual_days=days, usual_gap=gap)


def recorded_spasms(by_day: Daily) -> tuple[int, int]:
    """The days with spasms recorded, and the spasms on them (by_the_hour's `spasm_days`)."""
    recorded = [count for count in by_day.spasms if count is not None]
    return len(recorded), sum(recorded)
