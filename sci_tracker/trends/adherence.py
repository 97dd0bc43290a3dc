"""How regularly each medicine was taken, week by week: on time, late, missed and as-needed doses,
counted in the database by local day (one query, however many doses) from
DoseQuerySet.with_timing, the one home of what on time, late and missed mean, then added up into
weeks here (a zone's TruncWeek runs Python for every row on SQLite; core.local_time does not).
Read by the trends page and the report; the report reads it beside the medicine list
(`medicine_lines`).

Weeks start on Monday in the person's zone; the trends page counts calendar months instead for a
range over a year, as its other tables do. A scheduled dose tapped neither taken nor missed is
not counted: the diary does not know what happened to it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, QuerySet

from sci_tracker.core.local_time import LocalDate
from sci_tracker.diary.medicines import MedicineState, dose_words, medicine_list, schedule_words
from sci_tracker.diary.models import DoseTiming, MedicineDose
from sci_tracker.trends.aggregates import Period, local_day_rows, week_or_month

COUNTED = {
    "on_time": DoseTiming.ON_TIME.value,
    "late": DoseTiming.LATE.value,
    "missed": DoseTiming.MISSED.value,
    "as_needed": DoseTiming.AS_NEEDED.value,
}


@dataclass(frozen=True)
class Week:
    start: date  # the Monday, or the month's first day
    on_time: int
    late: int
    missed: int
    as_needed: int


@dataclass
class MedicineAdherence:
    name: str
    weeks: list[Week] = field(default_factory=list)
    medicine_id: int | None = None

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


def _doses(zone, offsets, owner: int, since: datetime, until: datetime) -> QuerySet:
    """The doses between two moments counted by medicine, local day and timing. Grouped by
    timing, not counted with a FILTER per timing: each FILTER held the whole timing expression
    again, and building that SQL took 25 times as long as running it."""
    return (
        MedicineDose.objects.for_user(owner)
        .active()
        .filter(occurred_at__gte=since, occurred_at__lt=until)
        .with_timing()
        .annotate(day=LocalDate("occurred_at", zone, offsets=offsets))
        .values_list("medicine_id", "medicine__name", "day", "timing")
        .annotate(doses=Count("pk"))
        .order_by("medicine__name", "medicine_id", "day")
    )


def adherence(owner, period: Period, by_month: bool = False) -> list[MedicineAdherence]:
    """Each medicine with doses in the period, by name, with its weeks (or months) oldest
    first."""
    rows = local_day_rows(_doses, owner, period)
    column = {timing: n for n, timing in enumerate(COUNTED.values())}
    found: dict[int, tuple[str, dict[date, list[int]]]] = {}
    for medicine_id, name, day, timing, doses in rows:
        units = found.setdefault(medicine_id, (name, {}))[1]
        unit = units.setdefault(week_or_month(day, by_month)[0], [0] * len(COUNTED))
        unit[column[timing]] += doses
    return [
        MedicineAdherence(
            name,
            [Week(first, *counted) for first, counted in units.items()],
            medicine_id=medicine_id,
        )
        for medicine_id, (name, units) in found.items()
    ]


@dataclass(frozen=True)
class MedicineLine:
    """One medicine in the report: its regimen at the period's end (None: not current then,
    listed for the doses of the period) beside how it was taken in the period (None: no doses)."""

    name: str
    state: MedicineState | None
    taken: MedicineAdherence | None

    @property
    def current(self) -> bool:
        return self.state is not None and self.state.current

    @property
    def dose(self) -> str:
        return dose_words(self.state.medicine, self.state.regimen.dose) if self.current else ""

    @property
    def times(self) -> str:
        """ "08:00, 20:00", or "as needed"."""
        return schedule_words(self.state.regimen.times) if self.current else ""

    @property
    def since(self) -> date | None:
        """The day the dose and times in force began (the latest start or change)."""
        return self.state.regimen.since if self.current else None

    @property
    def reason(self) -> str:
        return self.state.medicine.get_reason_display() if self.state else ""


def medicine_lines(owner, period: Period, taken: list[MedicineAdherence]) -> list[MedicineLine]:
    """The medicines current on the period's end (diary.medicines' rules, two queries), by name,
    each with its doses of the period from `taken` (`adherence`), then the medicines with doses
    in the period that were no longer current at its end."""
    by_id = {medicine.medicine_id: medicine for medicine in taken}
    current, others = medicine_list(owner, period.end)
    lines = [MedicineLine(s.medicine.name, s, by_id.pop(s.medicine.pk, None)) for s in current]
    other_states = {s.medicine.pk: s for s in others}
    lines.extend(
        MedicineLine(medicine.name, other_states.get(medicine.medicine_id), medicine)
        for medicine in by_id.values()
    )
    return lines
