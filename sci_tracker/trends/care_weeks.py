"""The bladder, bowel and skin programme week by week: catheterisations a day, bowel routines
done and missed, skin checks, and the skin problems still open at each week's end. Read by the
trends page, which lists calendar months instead for a range over a year (as its other tables
do: ten years are 121 rows, not 522), and the report.

Two queries, however long the period: each local day's counts, grouped in the database by the
person's local date (core.local_time.LocalDate, as the other trends), then added up into weeks
from Monday; and, if the period has any event, the skin problems found and healed before it,
which the first week's open count starts from. Entries in the bin are left out.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, QuerySet

from sci_tracker.core import plain_sql
from sci_tracker.core.local_time import LocalDate
from sci_tracker.diary.models import CareEvent, CareEventKind
from sci_tracker.trends.aggregates import Period, local_day_rows, week_or_month

COUNTED = {
    "catheter": CareEventKind.CATHETER,
    "routines": CareEventKind.BOWEL_ROUTINE,
    "missed": CareEventKind.BOWEL_MISSED,
    "checks": CareEventKind.SKIN_CHECK,
    "found": CareEventKind.SKIN_PROBLEM,
    "healed": CareEventKind.SKIN_HEALED,
}


@dataclass(frozen=True)
class CareWeek:
    """A week from Monday, or a calendar month."""

    start: date  # the Monday, or the month's first day
    days: int  # the days of it inside the period
    length: int  # the days of the whole week or month
    catheterisations: int
    routines: int
    missed: int
    checks: int
    open_problems: int  # skin problems found and not yet logged healed, at the week's end

    @property
    def catheterisations_a_day(self) -> float:
        return round(self.catheterisations / self.days, 1)


NAMED = {kind.value: name for name, kind in COUNTED.items()}


def _days(zone, offsets, owner: int, since: datetime, until: datetime) -> QuerySet:
    """The events between two moments counted by local day and kind. Grouped by kind rather
    than counted with a FILTER per kind: the SQL is built in a fraction of the time."""
    return (
        CareEvent.objects.for_user(owner)
        .active()
        .filter(occurred_at__gte=since, occurred_at__lt=until)
        .annotate(day=LocalDate("occurred_at", zone, offsets=offsets))
        .values_list("day", "event")
        .annotate(events=Count("pk"))
        .order_by("day")
    )


SKIN = (CareEventKind.SKIN_PROBLEM.value, CareEventKind.SKIN_HEALED.value)


def _skin_before(owner: int, since: datetime) -> QuerySet:
    """Skin problems found and healed before a moment, counted by kind."""
    return (
        CareEvent.objects.for_user(owner)
        .active()
        .filter(event__in=SKIN, occurred_at__lt=since)
        .values_list("event")
        .annotate(events=Count("pk"))
        .order_by()
    )


def weeks_in(owner, period: Period, by_month: bool = False) -> list[CareWeek]:
    """The weeks (or months) of the period with any bladder, bowel or skin event, oldest
    first."""
    days = local_day_rows(_days, owner, period)
    if not days:  # no week to list: the problems still open before it do not matter
        return []
    since = period.bounds(owner.zone)[0]
    before = dict(plain_sql.rows_for(_skin_before, owner=owner.pk, since=since))
    by_unit: dict[tuple[date, date], dict[str, int]] = {}
    for day, event, count in days:
        unit = by_unit.setdefault(week_or_month(day, by_month), dict.fromkeys(COUNTED, 0))
        if event in NAMED:  # a week of other events only (a leak...) is listed, with none
            unit[NAMED[event]] += count
    # Never below none: a healing logged for a problem found before the diary began.
    still_open = max(before.get(SKIN[0], 0) - before.get(SKIN[1], 0), 0)
    weeks = []
    for (start, end), counts in by_unit.items():
        first, last = max(start, period.start), min(end, period.end)
        still_open = max(still_open + counts["found"] - counts["healed"], 0)
        weeks.append(
            CareWeek(
                start=start,
                days=(last - first).days + 1,
                length=(end - start).days + 1,
                catheterisations=counts["catheter"],
                routines=counts["routines"],
                missed=counts["missed"],
                checks=counts["checks"],
                open_problems=still_open,
            )
        )
    return weeks
