"""The weekly SCI-SET scores of a period: one list, read by the trends page and the clinician's
report, with the score worked out by diary.sciset.score (its one home) and drawn as a small line.

One query, however many weeks. A week belongs to the period when its last day does.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from sci_tracker.core import plain_sql
from sci_tracker.diary import sciset
from sci_tracker.diary.models import SpasticityWeek
from sci_tracker.trends.aggregates import Period

# The small line's drawing box (SVG user units): wide and low, the scale's 0 across the middle.
WIDTH, HEIGHT, MARGIN = 300, 90, 8


@dataclass(frozen=True)
class Week:
    day: date  # the last of the 7 days
    score: Decimal | None
    answered: int  # items that applied

    @property
    def words(self) -> str:
        return sciset.score_words(self.score)


@dataclass(frozen=True)
class Latest:
    """The latest scored week, and how far it moved from the first scored week of the period
    (None with only one). No minimal important change is established: the size is not judged."""

    week: Week
    change: Decimal | None
    since: date | None


def weeks_in(owner, period: Period) -> list[Week]:
    """The person's weeks (out of the bin) whose last day is in the period, oldest first. The
    query is compiled once a process (core.plain_sql.rows_for)."""
    rows = plain_sql.rows_for(_weeks, owner=owner.pk, start=period.start, end=period.end)
    return [
        Week(day, sciset.score(answers), len(sciset.answered(answers))) for day, answers in rows
    ]


def _weeks(owner: int, start: date, end: date) -> QuerySet:
    return (
        SpasticityWeek.objects.for_user(owner)
        .active()
        .filter(date__gte=start, date__lte=end)
        .order_by("date", "pk")
        .values_list("date", "answers")
    )


def latest(weeks: list[Week]) -> Latest | None:
    scored = [week for week in weeks if week.score is not None]
    if not scored:
        return None
    last, first = scored[-1], scored[0]
    if first is last:
        return Latest(last, None, None)
    return Latest(last, last.score - first.score, first.day)


def line_points(weeks: list[Week], period: Period) -> str:
    """The scored weeks as an SVG polyline's points, across the period's days: x by the week's
    last day, y from +3 at the top to -3 at the bottom."""
    span = max(period.length - 1, 1)
    inner_w, inner_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    points = []
    for week in weeks:
        if week.score is None:
            continue
        x = MARGIN + inner_w * (week.day - period.start).days / span
        y = MARGIN + inner_h * (sciset.HIGHEST - float(week.score)) / (2 * sciset.HIGHEST)
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)
