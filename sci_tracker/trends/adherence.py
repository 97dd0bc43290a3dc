"""How regularly each medicine was taken, week by week: on time, late, missed and as-needed doses,
counted in the database (one query, however many doses) from DoseQuerySet.with_timing, the one
home of what on time, late and missed mean. Read by the trends page and the report.

Weeks start on Monday in the person's zone. A scheduled dose tapped neither taken nor missed is
not counted: the diary does not know what happened to it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from sci_tracker.diary.models import DoseTiming, MedicineDose
from sci_tracker.trends.aggregates import Period

COUNTED = {
    "on_time": DoseTiming.ON_TIME.value,
    "late": DoseTiming.LATE.value,
    "missed": DoseTiming.MISSED.value,
    "as_needed": DoseTiming.AS_NEEDED.value,
}


@dataclass(frozen=True)
class Week:
    start: date  # the Monday
    on_time: int
    late: int
    missed: int
    as_needed: int


@dataclass
class MedicineAdherence:
    name: str
    weeks: list[Week] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(week, name) for week in self.weeks)

    @property
    def on_time(self) -> int:
        return self.total("on_time")

    @property
    def late(self) -> int:
        return self.total("late")

    @property
    def missed(self) -> int:
        return self.total("missed")

    @property
    def as_needed(self) -> int:
        return self.total("as_needed")

    @property
    def scheduled(self) -> int:
        """Scheduled doses tapped taken or missed."""
        return self.on_time + self.late + self.missed

    @property
    def taken(self) -> int:
        return self.on_time + self.late


def adherence(owner, period: Period) -> list[MedicineAdherence]:
    """Each medicine with doses in the period, by name, with its weeks oldest first."""
    zone = owner.zone
    start, until = period.bounds(zone)
    counts = {name: Count("pk", filter=Q(timing=timing)) for name, timing in COUNTED.items()}
    rows = (
        MedicineDose.objects.for_user(owner)
        .active()
        .filter(occurred_at__gte=start, occurred_at__lt=until)
        .with_timing()
        .annotate(week=TruncWeek("occurred_at", tzinfo=zone))
        .values("medicine_id", "medicine__name", "week")
        .annotate(**counts)
        .order_by("medicine__name", "medicine_id", "week")
    )
    found: dict[int, MedicineAdherence] = {}
    for row in rows:
        medicine = found.setdefault(row["medicine_id"], MedicineAdherence(row["medicine__name"]))
        week = row["week"]
        monday = week.date() if hasattr(week, "date") else week
        medicine.weeks.append(Week(monday, *(row[name] for name in COUNTED)))
    return list(found.values())
