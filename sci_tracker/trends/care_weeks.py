"""The bladder, bowel and skin programme week by week: catheterisations a day, bowel routines
done and missed, skin checks, and the skin problems still open at each week's end. Read by the
trends page.

Two queries, however long the period: each local day's counts, grouped in the database by the
person's local date (core.local_time.LocalDate, as the other trends), then added up into weeks
from Monday; and the skin problems found and healed before the period, which the first week's
open count starts from. Entries in the bin are left out.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from sci_tracker.core.local_time import LocalDate
from sci_tracker.diary.models import CareEvent, CareEventKind
from sci_tracker.trends.aggregates import Period

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
    monday: date
    days: int  # the days of this week inside the period
    catheterisations: int
    routines: int
    missed: int
    checks: int
    open_problems: int  # skin problems found and not yet logged healed, at the week's end

    @property
    def catheterisations_a_day(self) -> float:
        return round(self.catheterisations / self.days, 1)


COUNTS = {name: Count("pk", filter=Q(event=kind.value)) for name, kind in COUNTED.items()}


def weeks_in(owner, period: Period) -> list[CareWeek]:
    """The weeks of the period with any bladder, bowel or skin event, oldest first."""
    since, until = period.bounds(owner.zone)
    events = CareEvent.objects.for_user(owner).active()
    days = (
        events.filter(occurred_at__gte=since, occurred_at__lt=until)
        .annotate(day=LocalDate("occurred_at", owner.zone, since, until))
        .values("day")
        .annotate(**COUNTS)
        .order_by("day")
    )
    before = events.filter(occurred_at__lt=since).aggregate(
        found=Count("pk", filter=Q(event=CareEventKind.SKIN_PROBLEM.value)),
        healed=Count("pk", filter=Q(event=CareEventKind.SKIN_HEALED.value)),
    )
    by_week: dict[date, dict[str, int]] = {}
    for row in days:
        monday = row["day"] - timedelta(days=row["day"].weekday())
        week = by_week.setdefault(monday, dict.fromkeys(COUNTED, 0))
        for name in COUNTED:
            week[name] += row[name]
    # Never below none: a healing logged for a problem found before the diary began.
    still_open = max(before["found"] - before["healed"], 0)
    weeks = []
    for monday, counts in by_week.items():
        first, last = max(monday, period.start), min(monday + timedelta(days=6), period.end)
        still_open = max(still_open + counts["found"] - counts["healed"], 0)
        weeks.append(
            CareWeek(
                monday=monday,
                days=(last - first).days + 1,
                catheterisations=counts["catheter"],
                routines=counts["routines"],
                missed=counts["missed"],
                checks=counts["checks"],
                open_problems=still_open,
            )
        )
    return weeks
