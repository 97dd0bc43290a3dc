"""Spasms in the hours after a bladder, bowel, skin or medicine event, against the usual rate.

For each kind of event below, the database counts the spasms logged in the AFTER hours that
follow each event (a subquery per event), and sums them per kind in one grouped query per table:
a catheterisation later than usual, a missed bowel routine, a skin problem found, and a dose
missed, taken late or taken on time (the last as the comparison). The usual figure is the
period's spasms per AFTER hours over its days with a record (from the day-by-day figures the page
already has). A kind shows only with MIN_EVENTS events or more and MIN_USUAL_DAYS days of record;
the figures say what went together, never what caused what.

"Later than usual": the gap since the previous catheterisation is more than LATE_MARGIN over the
person's usual daytime gap (the mean of the period's daytime gaps). Only daytime gaps are judged,
or averaged: those of at most LONGEST_GAP that began at 06:00 or later and ended later the same
day. Many people sleep longer between catheterisations, or use another catheter overnight.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sci_tracker.core.local_time import LocalHour
from sci_tracker.core.moments import HoursLater, SecondsBetween
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


def _care_events(owner, since, until):
    """The period's care events, each with the gap since the catheterisation before it and the
    local hours that gap began and ended (used for catheterisations only)."""
    previous = (
        CareEvent.objects.for_user(owner)
        .active()
        .filter(event="catheter", occurred_at__lt=OuterRef("occurred_at"))
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    return (
        CareEvent.objects.for_user(owner)
        .active()
        .filter(occurred_at__gte=since, occurred_at__lt=until)
        .annotate(previous=Subquery(previous))
        .annotate(
            gap=SecondsBetween("occurred_at", "previous"),
            began=LocalHour("previous", owner.zone, since - LONGEST_GAP, until),
            ended=LocalHour("occurred_at", owner.zone, since, until),
        )
    )


# A catheterisation whose gap can be judged: a daytime gap, not a gap in the logging.
JUDGED = Q(
    event="catheter",
    gap__lte=LONGEST_GAP.total_seconds(),
    began__gte=DAY_BEGINS,
    ended__gt=F("began"),
)


def usual_gap(owner, since, until) -> timedelta | None:
    """The person's usual daytime gap between catheterisations in [since, until), or None."""
    seconds = _care_events(owner, since, until).filter(JUDGED).aggregate(usual=Avg("gap"))["usual"]
    return None if seconds is None else timedelta(seconds=round(seconds))


def _care_counts(owner, since, until, usual: timedelta | None) -> dict:
    late = JUDGED & Q(gap__gt=(usual + LATE_MARGIN).total_seconds()) if usual else Q(pk__in=[])
    rows = (
        _care_events(owner, since, until)
        .annotate(
            grouped=Case(
                When(late, then=Value("catheter-late")),
                When(event="bowel-missed", then=Value("bowel-missed")),
                When(event="skin-problem", then=Value("skin-problem")),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .exclude(grouped="")
        .annotate(after=_spasms_after(owner))
        .values("grouped")
        .annotate(events=Count("pk"), spasms=Sum("after"))
        .order_by()
    )
    return {row["grouped"]: (row["events"], row["spasms"]) for row in rows}


def _dose_counts(owner, since, until) -> dict:
    rows = (
        MedicineDose.objects.for_user(owner)
        .active()
        .filter(occurred_at__gte=since, occurred_at__lt=until, scheduled_for__isnull=False)
        .with_timing()
        .annotate(after=_spasms_after(owner))
        .values("timing")
        .annotate(events=Count("pk"), spasms=Sum("after"))
        .order_by()
    )
    return {f"dose-{row['timing']}": (row["events"], row["spasms"]) for row in rows}


def by_the_hour(owner, period: Period, by_day: Daily) -> ByTheHour:
    """The spasms after each kind of event in the period against the usual figure; `by_day`
    is the period's day-by-day figures (aggregates.daily), which give the usual rate."""
    recorded = [count for count in by_day.spasms if count is not None]
    windows_a_day = timedelta(days=1) / AFTER
    usual = sum(recorded) / (len(recorded) * windows_a_day) if recorded else None
    since, until = period.bounds(owner.zone)
    gap = usual_gap(owner, since, until)
    counts = {**_care_counts(owner, since, until, gap), **_dose_counts(owner, since, until)}
    enough = len(recorded) >= MIN_USUAL_DAYS
    found = [
        AfterEvents(kind, *counts[kind])
        for kind in KINDS
        if enough and counts.get(kind, (0, 0))[0] >= MIN_EVENTS
    ]
    return ByTheHour(found=found, usual=usual, usual_days=len(recorded), usual_gap=gap)
