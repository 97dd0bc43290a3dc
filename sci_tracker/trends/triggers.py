"""Each trigger's comparisons (aggregates.TriggerStats) worked out from sums.

A comparison of a trigger's days with the other days needs, on each side, how many values there
are, their sum and the sum of their squares; the other side is every day's less the trigger's.
So the figures of any run of days add up from the sums of its parts, and those of a run of
months are the difference of two running sums. A closed month's row (trends.models.MonthTriggers,
under the rule of every table of closed months: trends.month_days) keeps the running sums from
the first day of the read that wrote it through the month's end; the triggers page reads years
as two rows and the days around them. Every sum is kept exact (aggregates.exact_parts), so the
figures are the same to the last bit however the days were cut.

The next day's comparisons pair a day's value with the triggers of the day before, the last day
of the month before for a month's first day. The period's first day has no day before in the
period, so its value takes no part in them: the whole months read from rows are those after
it, and running sums are taken from a day before the first of them.
"""

from collections import defaultdict
from datetime import date
from itertools import chain
from math import fsum
from operator import mul, neg
from typing import NamedTuple

from django.db.models import Q
from django.utils.translation import gettext

from sci_tracker.diary.closed_past import month_start
from sci_tracker.diary.models import Trigger
from sci_tracker.trends import month_days
from sci_tracker.trends.aggregates import (
    BUILT_IN_TRIGGERS,
    ONE_DAY,
    Comparison,
    Daily,
    Period,
    Side,
    TriggerName,
    TriggerStats,
    around_months,
    daily,
    daily_over,
    exact_parts,
    spread_of,
    trigger_name,
    trigger_rows,
    trigger_rows_by_id,
    with_closed_past,
)
from sci_tracker.trends.models import MonthTriggers

# What a MonthTriggers row holds and how; rows of another layout are not read.
LAYOUT = 1
# The four comparisons of TriggerStats, in this order: pain and spasms on the same day, then
# on the next day.
MEASURES = 4


class Sums(NamedTuple):
    """Values: how many, and the exact sums of them and of their squares (exact_parts)."""

    count: int
    total: tuple
    squares: tuple

    @classmethod
    def of(cls, values: list) -> "Sums":
        squares = list(map(mul, values, values))
        return cls(len(values), tuple(exact_parts(values)), tuple(exact_parts(squares)))

    def __add__(self, other: "Sums") -> "Sums":
        return Sums(
            self.count + other.count,
            tuple(exact_parts([*self.total, *other.total])),
            tuple(exact_parts([*self.squares, *other.squares])),
        )

    def __sub__(self, other: "Sums") -> "Sums":
        return Sums(
            self.count - other.count,
            tuple(exact_parts([*self.total, *map(neg, other.total)])),
            tuple(exact_parts([*self.squares, *map(neg, other.squares)])),
        )


NO_SUMS = Sums(0, (), ())


class Marked(NamedTuple):
    """A trigger in a run of days: the entries naming it, the days it was named on, and the
    values of each measure (MEASURES) on its days."""

    times: int
    days: int
    sums: tuple[Sums, ...]

    def __add__(self, other: "Marked") -> "Marked":
        return Marked(
            self.times + other.times,
            self.days + other.days,
            tuple(a + b for a, b in zip(self.sums, other.sums, strict=True)),
        )

    def __sub__(self, other: "Marked") -> "Marked":
        return Marked(
            self.times - other.times,
            self.days - other.days,
            tuple(a - b for a, b in zip(self.sums, other.sums, strict=True)),
        )


class TriggerSums(NamedTuple):
    """A run of days: the values of each measure (MEASURES) on all its days, and each
    trigger's (by slug)."""

    totals: tuple[Sums, ...]
    triggers: dict[str, Marked]

    def __add__(self, other: "TriggerSums") -> "TriggerSums":
        triggers = dict(self.triggers)
        for slug, marked in other.triggers.items():
            triggers[slug] = triggers[slug] + marked if slug in triggers else marked
        totals = tuple(a + b for a, b in zip(self.totals, other.totals, strict=True))
        return TriggerSums(totals, triggers)

    def __sub__(self, earlier: "TriggerSums") -> "TriggerSums":
        """The sums of the days after `earlier`'s, when self runs on from the same day: a
        trigger with nothing after them is left out."""
        triggers = {}
        for slug, marked in self.triggers.items():
            left = marked - earlier.triggers[slug] if slug in earlier.triggers else marked
            if left.times or any(sums.count for sums in left.sums):
                triggers[slug] = left
        totals = tuple(a - b for a, b in zip(self.totals, earlier.totals, strict=True))
        return TriggerSums(totals, triggers)


NOTHING = TriggerSums((NO_SUMS,) * MEASURES, {})


def trigger_stats(owner, period: Period, by_day: Daily | None = None) -> list[TriggerStats]:
    """Each trigger named in the period, most named first, with its comparisons for the same
    day and the next day; only days with a record take part. From the period's days,
    `by_day` when the caller has them (aggregates.daily). The triggers page reads them from
    sums instead: stats_from(trigger_sums)."""
    by_day = by_day or daily(owner, period)
    values = dict(
        zip(by_day.days, zip(by_day.pain_average, by_day.spasms, strict=True), strict=True)
    )
    marked, names = defaultdict(dict), {}
    for day, name, entries in trigger_rows(owner, period):
        names.setdefault(name.slug, name)
        marked[day][name.slug] = marked[day].get(name.slug, 0) + entries
    return _stats(_summed(period, period, values, marked), names)


def stats_from(owner, found: "TriggerSums") -> list[TriggerStats]:
    """trigger_stats from the period's sums (trigger_sums), with the triggers' names now."""
    return _stats(found, _names(owner, found.triggers))


def _stats(found: "TriggerSums", names: dict[str, TriggerName]) -> list[TriggerStats]:
    stats = [
        TriggerStats(
            slug,
            names[slug].name,
            names[slug].guide,
            marked.times,
            marked.days,
            *(
                comparison(sums, total)
                for sums, total in zip(marked.sums, found.totals, strict=True)
            ),
        )
        for slug, marked in found.triggers.items()
        if slug in names  # else deleted since its sums were kept: its days went with it
    ]
    return sorted(stats, key=lambda s: (-s.times_logged, s.name))


def spasm_days(found: TriggerSums) -> tuple[int, float]:
    """The days with spasms recorded in the run, and the spasms on them."""
    spasms = found.totals[1]
    return spasms.count, fsum(spasms.total)


def comparison(marked: Sums, total: Sums) -> Comparison:
    """The values on a trigger's days against those on the other days, the other days' sums
    being all days' less the trigger's (added by fsum: exactly, then rounded once, as if summed
    from the other days' values alone)."""
    with_side = Side(marked.count, fsum(marked.total), fsum(marked.squares))
    without_side = Side(
        total.count - marked.count,
        fsum(chain(total.total, map(neg, marked.total))),
        fsum(chain(total.squares, map(neg, marked.squares))),
    )
    return Comparison(
        with_side.mean,
        with_side.count,
        without_side.mean,
        without_side.count,
        spread_of([with_side, without_side]),
    )


def trigger_sums(owner, period: Period) -> TriggerSums:
    """The period's sums, the closed past's kept under the past version as `aggregates.daily`
    keeps its days (so the first view after logging reads the last months alone). A cold read
    takes the whole closed months after the period's first day as the difference of two rows
    of running sums (MonthTriggers) and reads the other days; without such rows it reads every
    day and writes them."""

    def read(days: Period) -> TriggerSums:
        [found], _months = _read(owner, period, [days], [days], [])
        return found

    def read_whole(closed: Period) -> tuple[TriggerSums, TriggerSums]:
        firsts = month_days.whole_months(closed.start + ONE_DAY, closed.end)
        months = _whole_months(owner, firsts)
        spans = around_months(period, firsts) if months is not None else [period]
        pieces = [piece for span in spans for piece in _cut(span, closed.end)]
        writing = _running_months(period, firsts) if months is None else []
        read_pieces, read_months = _read(owner, period, spans, pieces, writing)
        if writing:
            rows, running = {}, NOTHING
            for month, sums in zip(writing, read_months, strict=True):
                running += sums
                rows[month_start(month.start)] = {
                    "sums": (period.start.toordinal(), _packed(running))
                }
            month_days.store_rows(MonthTriggers, LAYOUT, owner, rows)
        kept, recent = months or NOTHING, NOTHING
        for piece, sums in zip(pieces, read_pieces, strict=True):
            if piece.end <= closed.end:
                kept += sums
            else:
                recent += sums
        return kept, kept + recent

    return with_closed_past("trigger-sums", owner, period, read, read_whole, TriggerSums.__add__)


def _whole_months(owner, firsts: list[date]) -> TriggerSums | None:
    """The sums of these months (one after another), as the running sums through the last
    less those through the month before the first (two queries), when both rows are there and
    began on the same day, before the first month; else None."""
    if not firsts:
        return None
    before = month_start(firsts[0], 1)
    rows = {
        first: found
        for first in (before, firsts[-1])
        for found in month_days.current_rows(MonthTriggers, "sums", LAYOUT, owner, [first]).values()
    }
    if len(rows) < 2 or rows[before][0] != rows[firsts[-1]][0]:
        return None
    if date.fromordinal(rows[before][0]) >= firsts[0]:
        return None
    return _unpacked(rows[firsts[-1]][1]) - _unpacked(rows[before][1])


def _running_months(period: Period, firsts: list[date]) -> list[Period]:
    """The months whose running sums a read of every day of the period writes: each month's
    days in the period, from its first day's month through the last of `firsts`."""
    if not firsts:
        return []
    found, first = [], month_start(period.start)
    while first <= firsts[-1]:
        found.append(Period(max(first, period.start), month_days.last_day(first)))
        first = month_start(first, -1)
    return found


def _cut(span: Period, last: date) -> list[Period]:
    """The span cut after `last` (the closed part's last day), when it runs on past it."""
    if span.start <= last < span.end:
        return [Period(span.start, last), Period(last + ONE_DAY, span.end)]
    return [span]


def _read(
    owner, period: Period, spans: list[Period], pieces: list[Period], months: list[Period]
) -> tuple[list[TriggerSums], list[TriggerSums]]:
    """The sums of each of `pieces` and of each of `months`, all of them inside `spans` (the
    days read, one after another): six queries for the values and the triggers' days, and one
    for the slugs of the triggers named by id."""
    values = {}
    for found in daily_over(owner, spans):
        values.update(
            zip(found.days, zip(found.pain_average, found.spasms, strict=True), strict=True)
        )
    # The triggers of the day before each span too, for its first day's next-day figures.
    marks_read = [Period(max(span.start - ONE_DAY, period.start), span.end) for span in spans]
    rows = list(trigger_rows_by_id(owner, period, marks_read))
    slugs = _slugs({key for _day, key, _entries in rows if isinstance(key, int)})
    marked: dict[date, dict[str, int]] = defaultdict(dict)
    for day, key, entries in rows:
        slug = slugs.get(key, key) if isinstance(key, int) else key
        if isinstance(slug, str):  # else a trigger deleted since
            on_day = marked[day]
            on_day[slug] = on_day.get(slug, 0) + entries
    return (
        [_summed(piece, period, values, marked) for piece in pieces],
        [_summed(month, period, values, marked) for month in months],
    )


def _summed(days: Period, period: Period, values: dict, marked: dict) -> TriggerSums:
    """The sums of a run of days of the period, from their {day: (pain average, spasms)} and
    {day: {slug: entries}} (which hold the day before them too)."""
    totals = [[] for _ in range(MEASURES)]
    by_slug = defaultdict(lambda: [[] for _ in range(MEASURES)])
    counted = defaultdict(lambda: [0, 0])
    nothing = (None, None)
    for day in days.days:
        on_day = marked.get(day, {})
        for slug, entries in on_day.items():
            counted[slug][0] += entries
            counted[slug][1] += 1
        pain, spasms = values.get(day, nothing)
        day_before = marked.get(day - ONE_DAY, {}) if day > period.start else {}
        for n, value, slugs in (
            (0, pain, on_day),
            (1, spasms, on_day),
            (2, pain, day_before),
            (3, spasms, day_before),
        ):
            if value is None or (n >= 2 and day == period.start):
                continue
            totals[n].append(value)
            for slug in slugs:
                by_slug[slug][n].append(value)
    triggers = {
        slug: Marked(*counted[slug], tuple(map(Sums.of, by_slug[slug])))
        for slug in counted.keys() | by_slug.keys()
    }
    return TriggerSums(tuple(map(Sums.of, totals)), triggers)


def _slugs(pks: set[int]) -> dict[int, str]:
    """{trigger id: slug} of these triggers (one query; none without any)."""
    if not pks:
        return {}
    return dict(Trigger.objects.filter(pk__in=pks).values_list("pk", "slug").order_by())


def _names(owner, slugs) -> dict[str, TriggerName]:
    """{slug: TriggerName} of the triggers the person may name: a built-in one's, else their
    own (one query)."""
    names = {
        slug: TriggerName(slug, gettext(name), category, guide)
        for slug, (name, category, guide) in BUILT_IN_TRIGGERS.items()
        if slug in slugs
    }
    rows = Trigger.objects.filter(Q(owner=None) | Q(owner=owner), slug__in=list(slugs))
    for slug, *fields in rows.values_list("slug", "slug", "name", "category", "guide", "owner"):
        if slug not in names or fields[-1] is None:
            names[slug] = trigger_name(*fields)
    return names


# A row keeps plain tuples, not this module's classes: a pickle names the class it holds.
def _packed(sums: TriggerSums) -> tuple:
    return (
        tuple(map(tuple, sums.totals)),
        {slug: (m.times, m.days, tuple(map(tuple, m.sums))) for slug, m in sums.triggers.items()},
    )


def _unpacked(packed: tuple) -> TriggerSums:
    totals, triggers = packed
    return TriggerSums(
        tuple(Sums._make(each) for each in totals),
        {
            slug: Marked(times, days, tuple(Sums._make(each) for each in sums))
            for slug, (times, days, sums) in triggers.items()
        },
    )
