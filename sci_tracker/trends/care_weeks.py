"""The bladder, bowel and skin programme week by week: catheterisations a day, bowel routines
done and missed, skin checks, and the skin problems still open at each week's end. Read by the
trends page.

Two queries, however long the period: the weeks' counts grouped in the database (weeks from
Monday, in the person's zone), and the skin problems found and healed before the period, which
the first week's open count starts from. Entries in the bin are left out.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

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
    zone = owner.zone
    start, end = period.bounds(zone)
    events = CareEvent.objects.for_user(owner).active()
    rows = (
        events.filter(occurred_at__gte=start, occurred_at__lt=end)
        .annotate(monday=TruncWeek("occurred_at", tzinfo=zone))
        .values("monday")
        .annotate(**COUNTS)
        .order_by("monday")
    )
    before = events.filter(occurred_at__lt=start).aggregate(
        found=Count("pk", filter=Q(event=CareEventKind.SKIN_PROBLEM.value)),
        healed=Count("pk", filter=Q(event=CareEventKind.SKIN_HEALED.value)),
    )
    # Never below none: a healing logged for a problem found before the diary began.
    still_open = max(before["found"] - before["healed"], 0)
    weeks = []
    for row in rows:
        monday = row["monday"].date() if hasattr(row["monday"], "date") else row["monday"]
        first, last = max(monday, period.start), min(monday + timedelta(days=6), period.end)
        still_open = max(still_open + row["found"] - row["healed"], 0)
        weeks.append(
            CareWeek(
                monday=monday,
                days=(last - first).days + 1,
                catheterisations=row["catheter"],
                routines=row["routines"],
                missed=row["missed"],
                checks=row["checks"],
                open_problems=still_open,
            )
        )
    return weeks
