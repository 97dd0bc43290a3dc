"""The numbers behind the trends pages, the JSON endpoint and the home page's cards.

Each function takes a person and a Period and returns plain data. Rows are grouped in the database
by the person's local date (TruncDate in their zone), so a query returns one row per day, never one
per entry; Python then walks the days of the period to line the series up.

How a day's figures are made:
- Pain average: the check-in's average rating when there is one, else the mean of that day's pain
  entries. Pain worst: the highest of the check-in's worst rating and that day's entries.
- Spasms: the episodes logged that day; night episodes are those from 22:00 to 06:00 local time
  (so a 02:00 spasm counts on the day it happened, in that day's night figure).
- Spasticity (0-10) and night wakings (times spasms or pain woke the person): the check-in's
  answers as given, None on a day whose check-in left them blank.
- A day with no check-in and no entry has no figures (None), not zeros: nothing was recorded.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from itertools import chain
from math import fsum, sqrt
from operator import mul, neg
from statistics import fmean, median_low
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, CharField, Count, Min, Q, QuerySet, Subquery, Sum, Value, When
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from sci_tracker.core import plain_sql
from sci_tracker.core.local_time import LocalDate, offsets_between
from sci_tracker.diary import closed_past, day_figures
from sci_tracker.diary.catalogue import TRIGGERS
from sci_tracker.diary.models import (
    ADEpisode,
    CareEvent,
    CheckIn,
    Effect,
    EventKind,
    Intervention,
    InterventionUse,
    LegPainEntry,
    Medicine,
    MedicineDose,
    PainDay,
    PainTriggerDay,
    SpasmDay,
    SpasmEpisode,
    SpasmHour,
    SpasmTriggerDay,
    SpasticityWeek,
    TreatmentEvent,
    shown_name,
)
from sci_tracker.sharing.models import VisitMeasure, authors_shown
from sci_tracker.trends import month_days
from sci_tracker.trends.models import MonthTried

if TYPE_CHECKING:
    from sci_tracker.trends.window import Window

ONE_DAY = timedelta(days=1)
ROLLING_DAYS = 7
NIGHT_HOURS = day_figures.NIGHT_HOURS
MIN_DAYS = 5  # a with/without or before/after figure needs this many days on each side

# Labels of the measures, shared by the trigger and before-and-after tables and the home cards.
PAIN_AVERAGE = gettext_lazy("Leg pain (average, 0-10)")
SPASMS_PER_DAY = gettext_lazy("Spasms per day")
NIGHT_SPASMS_PER_DAY = gettext_lazy("Night spasms per day")
SAME_DAY = pgettext_lazy("compared on", "same day")
NEXT_DAY = pgettext_lazy("compared on", "next day")


@dataclass(frozen=True)
class Period:
    """A run of whole local days, first and last included."""

    start: date
    end: date

    def __post_init__(self):
        if self.start > self.end:
            raise ValueError("A period cannot end before it starts.")

    @property
    def length(self):
        return (self.end - self.start).days + 1

    @property
    def days(self) -> list[date]:
        # By day number: five times faster than adding a timedelta a day (ten years of days
        # are listed on every first view of the "All" range).
        first = self.start.toordinal()
        return list(map(date.fromordinal, range(first, first + self.length)))

    def previous(self):
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.length), self.start - timedelta(days=1))

    def widened(self, before=0, after=0):
        return Period(self.start - timedelta(days=before), self.end + timedelta(days=after))

    def bounds(self, zone):
        """The period as aware datetimes [from, until) in the person's zone."""
        return (
            datetime.combine(self.start, time(), zone),
            datetime.combine(self.end + timedelta(days=1), time(), zone),
        )


# Day by day --------------------------------------------------------------------------------


@dataclass
class ProblemSeries:
    slot: int
    name: str
    average: list


@dataclass
class Daily:
    """One list per measure, each lined up with `days`; None where nothing was recorded."""

    days: list
    pain_average: list
    pain_worst: list
    problems: list
    spasms: list
    night_spasms: list
    psfs_frequency: list
    psfs_severity: list
    interference_activities: list
    interference_mood: list
    interference_sleep: list
    spasticity: list
    night_wakings: list

    def window(self, period):
        """The series for another period (inside this one, or not), with None for days this one
        does not cover."""
        days = self.days
        if days and days[0] <= period.start and period.end <= days[-1]:
            # Inside: the days run one after another, so the period is a slice of every series.
            first = (period.start - days[0]).days
            cut = slice(first, first + period.length)
            series = {name: value[cut] for name, value in vars(self).items() if name != "problems"}
            problems = [ProblemSeries(p.slot, p.name, p.average[cut]) for p in self.problems]
            return Daily(problems=problems, **series)
        index = {day: n for n, day in enumerate(self.days)}
        picks = [index.get(day) for day in period.days]

        def pick(values):
            return [None if n is None else values[n] for n in picks]

        series = {name: pick(value) for name, value in vars(self).items() if name != "problems"}
        series["days"] = period.days
        problems = [ProblemSeries(p.slot, p.name, pick(p.average)) for p in self.problems]
        return Daily(problems=problems, **series)

    def packed(self) -> dict:
        """The series without the days, as a month's row keeps them (trends.month_days)."""
        return {
            "series": {name: getattr(self, name) for name in DAY_SERIES},
            "problems": [[p.slot, p.name, p.average] for p in self.problems],
        }

    @classmethod
    def unpacked(cls, days: list, packed: dict) -> "Daily":
        """The days `days` with the series `packed` holds for them (Daily.packed)."""
        return cls(
            days=days,
            problems=[
                ProblemSeries(slot, name, average) for slot, name, average in packed["problems"]
            ],
            **packed["series"],
        )


PAIN_DAY_FIELDS = ("day", "problem__slot", "problem__name", "total", "entries", "worst")


def pain_day_rows(days, *by):
    """The per-day pain figures (diary.day_figures keeps them as entries change) as tuples:
    `by`, then PAIN_DAY_FIELDS. A row per day and pain problem; `_assemble` adds them up."""
    return days.values_list(*by, *PAIN_DAY_FIELDS).order_by()


CHECK_IN_SERIES = [
    "psfs_frequency",
    "psfs_severity",
    "interference_activities",
    "interference_mood",
    "interference_sleep",
    "spasticity",
    "night_wakings",
]
# The answers read from each check-in, as tuples in this order (tuples, not dicts: twenty
# years are 7,300 rows).
CHECK_IN_FIELDS = ["date", "pain_average", "pain_worst", *CHECK_IN_SERIES]


NOTHING = Daily([], [], [], [], [], [], [], [], [], [], [], [], [])
# Daily's series lined up with its days, the pain problems' apart.
DAY_SERIES = [name for name in vars(NOTHING) if name not in ("days", "problems")]

# A range with at least this many days of the closed past (diary.closed_past) keeps their
# series (and their spasms by hour) in the cache under the person's past version, which only a
# change to those days moves on: the first view after logging something now reads the last
# months alone. Shorter ranges are cheaper to read than to fetch from the cache.
CLOSED_PAST_DAYS = 180
CLOSED_PAST_SECONDS = 7 * 24 * 60 * 60

# A figure kept for the closed past (with_closed_past).
Kept = TypeVar("Kept")


def daily(owner, period, window: "Window | None" = None):
    """Every day of the period with its figures: three queries, whatever the length, and at
    most one cache read.

    With a `window` (trends.window), days outside it are not read and have no figures."""
    if window is not None and window.limited:
        inside = window.clip(period)
        if inside != period:
            return (daily(owner, inside) if inside else NOTHING).window(period)

    def read(days: Period) -> Daily:
        [found] = daily_over(owner, [days])
        return found

    def read_whole(closed: Period) -> tuple[Daily, Daily]:
        found = _with_whole_months(owner, period, closed)
        return found.window(closed), found

    return with_closed_past("days", owner, period, read, read_whole, joined, _kept, _unkept)


# The closed days are kept as their first day's number and their series (Daily.packed): ten
# years of them pickle in a fifth of the time, at 73% of the size, without 3,650 dates.
def _kept(found: Daily) -> tuple[int, dict]:
    return found.days[0].toordinal(), found.packed()


def _unkept(kept: tuple[int, dict]) -> Daily:
    first, packed = kept
    length = len(packed["series"][DAY_SERIES[0]])
    days = Period(date.fromordinal(first), date.fromordinal(first + length - 1)).days
    return Daily.unpacked(days, packed)


def _with_whole_months(owner, period: Period, closed: Period) -> Daily:
    """The period's days: the whole months of its closed part from their rows
    (trends.month_days), written here when missing, the other days read. One query for the rows
    and daily_over's three, however long the period, and one more writing the months that were
    missing."""
    firsts = month_days.whole_months(closed.start, closed.end)
    spans, stored, missing = read_around_rows(period, firsts, month_days.stored(owner, firsts))
    parts = [
        *daily_over(owner, spans),
        *(Daily.unpacked(month.days, stored[month.start]) for month in month_periods([*stored])),
    ]
    found = joined_all(sorted(parts, key=lambda part: part.days[0]))
    if missing:
        month_days.store(
            owner,
            {month.start: found.window(month).packed() for month in missing},
            _month_hours(owner, missing),
        )
    return found


def read_around_rows(
    period: Period, firsts: list[date], stored: dict
) -> tuple[list[Period], dict, list[Period]]:
    """What a reader of the month rows (trends.month_days) reads of the period's days, given
    its whole closed months (`firsts`) and their rows found (`stored`, by first day): the days
    around those months and the months without a row, in as few spans as may be; the rows it
    uses; and the months without a row, which it writes. With months missing here and there
    (more than MOST_SPANS spans) it reads the whole period and uses no row."""
    missing = month_periods([first for first in firsts if first not in stored])
    spans = fewest_periods([*around_months(period, firsts), *missing])
    if len(spans) > MOST_SPANS:
        return [period], {}, missing
    return spans, stored, missing


def month_periods(firsts: list[date]) -> list[Period]:
    """The months that start on these days."""
    return [Period(first, month_days.last_day(first)) for first in firsts]


def around_months(period: Period, firsts: list[date]) -> list[Period]:
    """The period's days before the first of these months (one after another) and after the
    last; all of them when there is none."""
    if not firsts:
        return [period]
    after = month_days.last_day(firsts[-1]) + ONE_DAY
    before = Period(period.start, firsts[0] - ONE_DAY) if period.start < firsts[0] else None
    return [
        span
        for span in (before, Period(after, period.end) if after <= period.end else None)
        if span
    ]


def with_closed_past(
    what: str,
    owner,
    period: Period,
    read: Callable[[Period], Kept],
    read_whole: Callable[[Period], tuple[Kept, Kept]],
    join: Callable[[Kept, Kept], Kept],
    pack: Callable[[Kept], object] = lambda found: found,
    unpack: Callable[[object], Kept] = lambda kept: kept,
) -> Kept:
    """A figure of the period whose closed part (closed_part) is kept in the cache under the
    past version: the one rule of every figure kept so (days, hours, trigger sums, things
    tried).

    `read(days)` works the figure out for some days; `read_whole(closed)` for the whole period,
    giving the closed part's figure too (where the reading splits, in the queries of a whole
    read: a first view costs what it did before anything was kept); `join` puts a closed figure
    and a later one together.
    `pack` and `unpack` turn a kept figure into what is stored and back."""
    closed = closed_part(owner, period)
    if closed is None:
        return read(period)
    key = kept_key(what, owner, closed)
    stored = cache.get(key)
    if stored is None:
        kept, whole = read_whole(closed)
        cache.set(key, pack(kept), CLOSED_PAST_SECONDS)
        return whole
    kept = unpack(stored)
    if closed.end == period.end:
        return kept
    return join(kept, read(Period(closed.end + ONE_DAY, period.end)))


def closed_part(owner, period: Period) -> Period | None:
    """The days of the period in the closed past (diary.closed_past), when there are enough of
    them to keep (CLOSED_PAST_DAYS); else None."""
    last = min(period.end, closed_past.closed_before(owner.local_today()) - ONE_DAY)
    if (last - period.start).days + 1 < CLOSED_PAST_DAYS:
        return None
    return Period(period.start, last)


def kept_key(what: str, owner, closed: Period) -> str:
    """The cache key of a figure of these closed days: the past version, and the zone their
    local days are in."""
    version = f"{owner.pk}:{owner.past_version}:{owner.time_zone}"
    # -2: the days kept packed (_kept).
    return f"closed-{what}-2:{version}:{closed.start}:{closed.end}"


def joined(first: Daily, then: Daily) -> Daily:
    """Two day series one after the other (`then`'s days follow `first`'s)."""
    return joined_all([first, then])


def joined_all(parts: list[Daily]) -> Daily:
    """Day series one after another (each part's days follow the last's), each pain problem
    given None on the days of a part that has no figures for it."""
    by_part = [{(p.slot, p.name): p.average for p in part.problems} for part in parts]

    def average(key: tuple) -> list:
        return list(
            chain.from_iterable(
                problems[key] if key in problems else [None] * len(part.days)
                for part, problems in zip(parts, by_part, strict=True)
            )
        )

    keys = sorted({key for problems in by_part for key in problems})
    return Daily(
        problems=[ProblemSeries(slot, name, average((slot, name))) for slot, name in keys],
        **{
            name: list(chain.from_iterable(getattr(part, name) for part in parts))
            for name in ("days", *DAY_SERIES)
        },
    )


def daily_over(owner, periods: list) -> list[Daily]:
    """`daily` for each of several periods, in its three queries however many: the days
    between the periods are not read (the before and after of treatment events years apart).
    The periods are sorted and do not overlap."""
    if not periods:
        return []
    # Compiled once a process for each number of periods (core.plain_sql.rows_for).
    bounds = period_bounds(periods)
    by_check_in = {row[0]: row for row in plain_sql.rows_for(_check_ins, owner=owner.pk, **bounds)}
    by_spasms = {
        day: (episodes, night)
        for day, episodes, night in plain_sql.rows_for(_spasm_days, owner=owner.pk, **bounds)
    }
    pain_rows = plain_sql.rows_for(_pain_days, owner=owner.pk, **bounds)
    if len(periods) == 1:
        return [_assemble(periods[0].days, by_check_in, by_spasms, pain_rows)]
    # The pain rows are a list _assemble walks whole: dealt out to their period first.
    starts, pains = [period.start for period in periods], [[] for _ in periods]
    for row in pain_rows:
        pains[bisect_right(starts, row[0]) - 1].append(row)
    return [
        _assemble(period.days, by_check_in, by_spasms, pain)
        for period, pain in zip(periods, pains, strict=True)
    ]


def period_bounds(periods: list[Period]) -> dict:
    """The periods' first and last days as query values (start0, end0, start1...), for
    `within`."""
    return {
        f"{edge}{n}": getattr(period, edge)
        for n, period in enumerate(periods)
        for edge in ("start", "end")
    }


def within(field: str, bounds: dict, **each) -> Q:
    """`field` in any of the periods whose days `bounds` holds (start0, end0, start1...), with
    the conditions `each` in each of them (the owner): each period is then a range of the
    (owner, day) index, where conditions outside them made the database read all of the
    person's rows to pick the periods' out."""
    found = Q()
    for n in range(len(bounds) // 2):
        found |= Q(
            **each, **{f"{field}__gte": bounds[f"start{n}"], f"{field}__lte": bounds[f"end{n}"]}
        )
    return found


def _check_ins(owner: int, **bounds) -> QuerySet:
    # The person's and out of the bin in each period: the (owner, date) index holds those alone.
    checked = CheckIn.objects.filter(within("date", bounds, owner=owner, deleted_at__isnull=True))
    return checked.values_list(*CHECK_IN_FIELDS).order_by()


def _spasm_days(owner: int, **bounds) -> QuerySet:
    days = SpasmDay.objects.filter(within("day", bounds, owner=owner))
    return days.values_list("day", "episodes", "night").order_by()


def _pain_days(owner: int, **bounds) -> QuerySet:
    return pain_day_rows(PainDay.objects.filter(within("day", bounds, owner=owner)))


def _assemble(days: list, check_ins: dict, spasms: dict, pain_entries) -> Daily:
    """The day series from the rows: check-ins by day (CHECK_IN_FIELDS), spasms as {day:
    (episodes, night)}, pain rows per day and problem (PAIN_DAY_FIELDS) (one person's, from
    daily or daily_for_people). One pass over the days: twenty years are 7,300 of them."""
    pain = {}  # day -> [total, entries, worst]
    problem_days = {}  # (slot, name) -> {day: [total, entries]}
    for day, slot, name, total, entries, worst in pain_entries:
        day_total = pain.get(day)
        if day_total is None:
            pain[day] = [total, entries, worst]
        else:
            day_total[0] += total
            day_total[1] += entries
            day_total[2] = max(day_total[2], worst)
        if slot is not None:
            problem_total = problem_days.setdefault((slot, name), {}).setdefault(day, [0, 0])
            problem_total[0] += total
            problem_total[1] += entries

    check_in_of = [check_ins.get(day) for day in days]
    pain_average, pain_worst, episodes, night = [], [], [], []
    for day, check_in in zip(days, check_in_of, strict=True):
        entries = pain.get(day)
        rated = check_in[1] if check_in else None
        if rated is None and entries:
            rated = entries[0] / entries[1]
        pain_average.append(rated)
        worst = check_in[2] if check_in else None
        if entries and (worst is None or entries[2] > worst):
            worst = entries[2]
        pain_worst.append(worst)
        counted = spasms.get(day)
        if counted is None:
            # A day with a check-in or pain entry but no spasm had none; else nothing was recorded.
            counted = (0, 0) if check_in or entries else (None, None)
        episodes.append(counted[0])
        night.append(counted[1])

    def from_check_ins(column):
        return [check_in[column] if check_in else None for check_in in check_in_of]

    def average(totals):
        return None if totals is None else totals[0] / totals[1]

    return Daily(
        days=days,
        pain_average=pain_average,
        pain_worst=pain_worst,
        problems=[
            ProblemSeries(slot, name, [average(averages.get(day)) for day in days])
            for (slot, name), averages in sorted(problem_days.items())
        ],
        spasms=episodes,
        night_spasms=night,
        **{name: from_check_ins(n) for n, name in enumerate(CHECK_IN_SERIES, start=3)},
    )


def daily_for_people(periods: dict) -> dict:
    """Each person's days over their own period (`periods`: {person: Period}), as `daily`
    gives them, in three queries whatever the number of people: the per-day figures are kept by
    each owner's local date already. Returns {person id: Daily}."""
    if not periods:
        return {}
    people = {person.pk for person in periods}
    first, last = min(p.start for p in periods.values()), max(p.end for p in periods.values())
    check_ins, spasms, pain = defaultdict(dict), defaultdict(dict), defaultdict(list)
    for owner, *row in (
        CheckIn.objects.active()
        .filter(owner__in=people, date__gte=first, date__lte=last)
        .values_list("owner", *CHECK_IN_FIELDS)
        .order_by()
    ):
        check_ins[owner][row[0]] = row

    inside = {"owner__in": people, "day__gte": first, "day__lte": last}
    for owner, day, episodes, night in (
        SpasmDay.objects.filter(**inside)
        .values_list("owner", "day", "episodes", "night")
        .order_by()
    ):
        spasms[owner][day] = (episodes, night)
    for owner, *row in pain_day_rows(PainDay.objects.filter(**inside), "owner"):
        pain[owner].append(row)
    return {
        person.pk: _assemble(period.days, check_ins[person.pk], spasms[person.pk], pain[person.pk])
        for person, period in periods.items()
    }


def rolling_mean(values, days=ROLLING_DAYS):
    """The mean of the recorded values in the `days` days ending on each day (None if none)."""
    return rolled(values, days=days)[0]


def rolled(
    values: list, start: int = 0, stop: int | None = None, state=(0.0, 0), days=ROLLING_DAYS
) -> tuple[list, tuple[float, int]]:
    """rolling_mean's means of values[start:stop], given its running sum and count of the days
    before `start` (`state`), and that sum and count after `stop`: a run cut in two, the second
    part given the first's state, gives the same means to the last bit as one run."""
    window_sum, window_count = state
    result = []
    for n in range(start, len(values) if stop is None else stop):
        value = values[n]
        if value is not None:
            window_sum += value
            window_count += 1
        if n >= days and values[n - days] is not None:
            window_sum -= values[n - days]
            window_count -= 1
        result.append(round(window_sum / window_count, 2) if window_count else None)
    return result, (window_sum, window_count)


def mean(values):
    """The mean of the recorded values, and how many there were."""
    recorded = [value for value in values if value is not None]
    return (fmean(recorded) if recorded else None), len(recorded)


def median(values):
    """The median of the recorded answers of an ordinal scale (the Penn scale: a mean of its
    answers means nothing), the lower middle one of an even number so it is always an answer
    of the scale, and how many were recorded."""
    recorded = [value for value in values if value is not None]
    return (median_low(recorded) if recorded else None), len(recorded)


# The day series of an ordinal scale, summed up by their median wherever others take a mean.
ORDINAL = ("psfs_frequency", "psfs_severity")


def spasms_by_hour(owner, period):
    """How many spasms were logged in each local hour of the day, 0 to 23: added up from the
    per-hour figures (diary.day_figures keeps them), not from every entry's local hour. The
    closed past's hours are kept as the day series are (see daily), and its whole months are
    read from their rows (trends.month_days), which `daily` writes: two queries, however long
    the period."""

    def read(days: Period) -> list[int]:
        return _by_hour(plain_sql.rows_for(_hours, owner=owner.pk, start=days.start, end=days.end))

    def read_whole(closed: Period) -> tuple[list[int], list[int]]:
        firsts = month_days.whole_months(closed.start, closed.end)
        spans, stored, _missing = read_around_rows(
            period, firsts, month_days.stored_hours(owner, firsts)
        )
        # One query over the days without a row, each hour's sum split at the closed part's end.
        rows = plain_sql.rows_for(
            _hours_split, owner=owner.pk, last=closed.end, **period_bounds(spans)
        )
        kept = _by_hour((hour, closed_sum) for hour, closed_sum, _recent in rows)
        for hours in stored.values():
            kept = _hours_added(kept, hours)
        recent = _by_hour((hour, recent_sum) for hour, _closed, recent_sum in rows)
        return kept, _hours_added(kept, recent)

    return with_closed_past("hours", owner, period, read, read_whole, _hours_added)


def _hours_added(first: list[int], then: list[int]) -> list[int]:
    return [a + b for a, b in zip(first, then, strict=True)]


def _by_hour(rows) -> list[int]:
    counts = [0] * 24
    for hour, episodes in rows:
        counts[hour] = episodes or 0  # a sum over no rows is NULL
    return counts


def _hours(owner: int, start: date, end: date) -> QuerySet:
    return (
        SpasmHour.objects.filter(owner=owner, day__gte=start, day__lte=end)
        .values_list("hour")
        .annotate(episodes=Sum("episodes"))
        .order_by()
    )


def _hours_split(owner: int, last: date, **bounds) -> QuerySet:
    """_hours over the periods `bounds` holds (`within`), each hour's sum split into the days to
    `last` and those after."""
    return (
        SpasmHour.objects.filter(within("day", bounds, owner=owner))
        .values_list("hour")
        .annotate(
            closed=Sum("episodes", filter=Q(day__lte=last)),
            recent=Sum("episodes", filter=Q(day__gt=last)),
        )
        .order_by()
    )


def hours_by_day(owner, spans: list[Period]) -> dict[date, list[tuple[int, int]]]:
    """{day: [(hour, spasms)]} of the spans (sorted, not overlapping) from the per-hour
    figures: one query."""
    if not spans:
        return {}
    found = {}
    for day, hour, episodes in plain_sql.rows_for(
        _hour_rows, owner=owner.pk, **period_bounds(spans)
    ):
        found.setdefault(day, []).append((hour, episodes))
    return found


def _hour_rows(owner: int, **bounds) -> QuerySet:
    hours = SpasmHour.objects.filter(within("day", bounds, owner=owner))
    return hours.values_list("day", "hour", "episodes").order_by()


def _month_hours(owner, months: list[Period]) -> dict[date, list[int]]:
    """{first day: spasms in each hour} of these whole months (sorted): one query over the
    days from the first's first day to the last's last, any kept month between them read too
    (rare: a first view misses every month, a month newly closed is the newest)."""
    counts = {month.start: [0] * 24 for month in months}
    for day, hours in hours_by_day(owner, [Period(months[0].start, months[-1].end)]).items():
        month = counts.get(day.replace(day=1))
        if month is not None:
            for hour, episodes in hours:
                month[hour] += episodes
    return counts


# Every column of a treatment event, then of its medicine (a medicine's event is described
# from it), read as values by a statement compiled once (core.plain_sql.rows_for).
EVENT_COLUMNS = [field.attname for field in TreatmentEvent._meta.concrete_fields]
MEDICINE_COLUMNS = [field.attname for field in Medicine._meta.concrete_fields]


def _events(owner: int, start: date, end: date) -> QuerySet:
    events = TreatmentEvent.objects.for_user(owner).active()
    return (
        events.filter(date__gte=start, date__lte=end)
        .order_by("date", "pk")
        .values_list(
            *EVENT_COLUMNS,
            *(f"medicine__{field.name}" for field in Medicine._meta.concrete_fields),
        )
    )


def treatment_events(owner, period) -> list[TreatmentEvent]:
    """The period's treatment events (out of the bin), oldest first, each with its medicine
    loaded, as select_related("medicine") gives them."""
    rows = plain_sql.rows_for(_events, owner=owner.pk, start=period.start, end=period.end)
    alias, split = connection.alias, len(EVENT_COLUMNS)
    found = []
    for row in rows:
        event = TreatmentEvent.from_db(alias, EVENT_COLUMNS, row[:split])
        medicine = None
        if event.medicine_id is not None:
            medicine = Medicine.from_db(alias, MEDICINE_COLUMNS, row[split:])
        event.medicine = medicine
        found.append(event)
    return found


@dataclass(frozen=True)
class ClinicVisit:
    date: date
    clinicians: str
    measures: int


def clinic_visits(owner, period):
    """Days a clinician recorded Modified Ashworth ratings: markers on the charts. One query."""
    rows = plain_sql.rows_for(_visits, person=owner.pk, start=period.start, end=period.end)
    by_day = {}
    for day, author, imported_at in rows:
        by_day.setdefault(day, []).append((author, imported_at))
    return [
        ClinicVisit(day, ", ".join(authors_shown(authors)), len(authors))
        for day, authors in by_day.items()
    ]


def _visits(person: int, start: date, end: date) -> QuerySet:
    return (
        VisitMeasure.objects.filter(person=person, visit_date__gte=start, visit_date__lte=end)
        .values_list("visit_date", "author_name", "imported_at")
        .order_by("visit_date", "author_name")
    )


# The timed records besides spasms and pain, whose first moment starts a diary too: someone may
# log only their bladder programme, their doses or their AD episodes.
TIMED_RECORDS = (CareEvent, MedicineDose, ADEpisode)


def _firsts(owner_id: int) -> QuerySet:
    """first_recorded_day's query: the earliest of each kind of record, as one row."""

    def earliest(queryset, field_name):
        first = queryset.for_user(owner_id).active().order_by().values("owner")
        return Subquery(first.annotate(first=Min(field_name)).values("first")[:1])

    def first_day(model):
        return Subquery(model.objects.filter(owner=owner_id).order_by("day").values("day")[:1])

    def first_moment(model):
        first = model.objects.for_user(owner_id).active().order_by("occurred_at")
        return Subquery(first.values("occurred_at")[:1])

    firsts = {
        "spasm": first_day(SpasmDay),
        "pain": first_day(PainDay),
        "check_in": earliest(CheckIn.objects, "date"),
        "event": earliest(TreatmentEvent.objects, "date"),
        "sciset": earliest(SpasticityWeek.objects, "date"),
        **{model.__name__: first_moment(model) for model in TIMED_RECORDS},
    }
    return get_user_model().objects.filter(pk=owner_id).annotate(**firsts).values_list(*firsts)


def first_recorded_day(owner):
    """The earliest day with a check-in, entry or event, or None: one query. Spasms and pain
    entries are read from their per-day figures (diary.day_figures), which hold each entry's
    local day already: the first row by the (owner, day) index, not a scan of the entries; the
    other timed records by their (owner, time) index. The query's SQL is made once a process
    (core.plain_sql.rows_for): building its eight subqueries took five times as long as
    running them."""
    rows = plain_sql.rows_for(_firsts, owner_id=owner.pk)
    row = rows[0] if rows else ()
    days = [
        value.astimezone(owner.zone).date() if isinstance(value, datetime) else value
        for value in row
        if value is not None
    ]
    return min(days) if days else None


@dataclass
class Overview:
    """What the trends page and its JSON show for a period."""

    period: Period
    by_day: Daily
    lead: Daily  # the ROLLING_DAYS - 1 days before the period, for the first days' 7-day means
    by_hour: list
    events: list
    visits: list

    # What is kept of the closed past (its 7-day means, with the running sum and count at its
    # end so the rest go on from there) is kept under keys from this one, "" when
    # nothing is kept; the closed past is the first `closed_days` of the lead and the period.
    closed_key: str = ""
    closed_days: int = 0

    # The 7-day means are worked out when first read: the JSON's charts draw them for every day,
    # but the page's tables only for ranges they list day by day (views.DAILY_TABLE_DAYS), and
    # ten years of them took about 10 ms. Once worked out they are kept on this object (the
    # cached copy is stored before anything reads them, so each reader of it works them out).
    @cached_property
    def rolling(self) -> dict:
        """measure -> 7-day rolling mean, lined up with by_day.days."""
        return {name: self._rolled[name] for name in ROLLED}

    @cached_property
    def problems_rolling(self) -> list:
        """One rolling mean per pain problem (the lead and the days list the same problems)."""
        return [self._rolled[(problem.slot, problem.name)] for problem in self.by_day.problems]

    @cached_property
    def _rolled(self) -> dict:
        """The 7-day means of every measure in ROLLED and of each pain problem (by slot and
        name), lined up with by_day.days: the closed past's read from the cache when kept,
        the rest worked out."""
        lead, by_day = self.lead, self.by_day
        series = {name: getattr(lead, name) + getattr(by_day, name) for name in ROLLED}
        for before, problem in zip(lead.problems, by_day.problems, strict=True):
            series[(problem.slot, problem.name)] = before.average + problem.average
        kept_as = f"{self.closed_key}:rolling"
        kept = (cache.get(kept_as) if self.closed_key else None) or {}
        found, missing = {}, {}
        for key, values in series.items():
            if key not in kept:
                missing[key] = rolled(values, stop=self.closed_days)
            closed, state = kept.get(key) or missing[key]
            found[key] = closed + rolled(values, self.closed_days, state=state)[0]
        if self.closed_key and missing:
            cache.set(kept_as, kept | missing, CLOSED_PAST_SECONDS)
        return {key: means[len(lead.days) :] for key, means in found.items()}


ROLLED = ["pain_average", "spasms", "night_spasms", "spasticity", "night_wakings"]


def overview_closed_part(owner, period: Period, window: "Window | None" = None) -> Period | None:
    """The closed part of what `overview` reads (the period and the six days before it), whose
    figures it keeps; None when it keeps none."""
    # A window's reader sees fewer days than the figures kept for everyone (trends.window).
    if window is not None and window.limited:
        return None
    return closed_part(owner, period.widened(before=ROLLING_DAYS - 1))


def overview(owner, period, window: "Window | None" = None):
    """Day-by-day figures (with their 7-day means when read), spasms by hour, the treatment
    events and clinic visits: six queries, however long the period. `period` lies inside
    `window`; the 7-day means read no day outside it either."""
    # The 7-day mean of the first day needs the six days before it.
    lead = ROLLING_DAYS - 1
    wide = daily(owner, period.widened(before=lead), window)
    before = Period(period.start - timedelta(days=lead), period.start - timedelta(days=1))
    closed = overview_closed_part(owner, period, window)
    return Overview(
        period=period,
        by_day=wide.window(period),
        lead=wide.window(before),
        by_hour=spasms_by_hour(owner, period),
        events=treatment_events(owner, period),
        visits=clinic_visits(owner, period),
        closed_key=kept_key("overview", owner, closed) if closed else "",
        closed_days=closed.length if closed else 0,
    )


def _rounded(values):
    return [None if value is None else round(value, 2) for value in values]


def chart_data(owner, found):
    """The JSON the trends page draws (documented in docs/formats.md)."""
    by_day = found.by_day
    return {
        "version": 1,
        "grain": "day",
        "from": found.period.start.isoformat(),
        "to": found.period.end.isoformat(),
        "time_zone": owner.time_zone,
        "days": [day.isoformat() for day in by_day.days],
        "pain": {
            "average": _rounded(by_day.pain_average),
            "worst": by_day.pain_worst,
            "average_7d": found.rolling["pain_average"],
            "problems": [
                {
                    "slot": problem.slot,
                    "name": problem.name,
                    "average": _rounded(problem.average),
                    "average_7d": rolling,
                }
                for problem, rolling in zip(by_day.problems, found.problems_rolling, strict=True)
            ],
        },
        "spasms": {
            "count": by_day.spasms,
            "night": by_day.night_spasms,
            "count_7d": found.rolling["spasms"],
            "night_7d": found.rolling["night_spasms"],
            "psfs_frequency": by_day.psfs_frequency,
            "psfs_severity": by_day.psfs_severity,
        },
        "interference": {
            "activities": by_day.interference_activities,
            "mood": by_day.interference_mood,
            "sleep": by_day.interference_sleep,
        },
        "spasticity": {"rating": by_day.spasticity, "rating_7d": found.rolling["spasticity"]},
        "night_wakings": {
            "count": by_day.night_wakings,
            "count_7d": found.rolling["night_wakings"],
        },
        **chart_marks(found.events, found.visits, found.by_hour),
    }


def chart_marks(events: list, visits: list, by_hour: list[int]) -> dict:
    """The charts' treatment events and clinic visits, and spasms by the hour: the same in the
    JSON of a range charted by day and by month (trends.months)."""
    return {
        "events": [
            {
                "date": event.date.isoformat(),
                "kind": event.event_kind,
                "label": event.get_event_kind_display(),
                "details": event.described,
            }
            for event in events
        ]
        + [
            {
                "date": visit.date.isoformat(),
                "kind": "visit",
                "label": _("Clinic visit"),
                "details": _("Modified Ashworth ratings by %(clinicians)s")
                % {"clinicians": visit.clinicians},
            }
            for visit in visits
        ],
        "spasms_by_hour": {"all": by_hour, "night_hours": list(NIGHT_HOURS)},
    }


# Triggers ----------------------------------------------------------------------------------


@dataclass
class Comparison:
    """A mean on days with something against days without it, and the days behind each."""

    with_mean: float | None
    with_days: int
    without_mean: float | None
    without_days: int
    # The pooled standard deviation of the two sides (None when not worked out): what makes
    # differences in pain points and in spasms comparable, as an effect size.
    spread: float | None = None

    @property
    def shown(self):
        return self.with_days >= MIN_DAYS and self.without_days >= MIN_DAYS

    @property
    def difference(self):
        if not self.shown:
            return None
        return self.with_mean - self.without_mean


class Side(NamedTuple):
    """One side of a comparison: how many values, their sum and their sum of squares (each
    added by fsum, which adds exactly and rounds once)."""

    count: int
    total: float
    squares: float

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None  # as fmean: fsum over count


def pooled_spread(*sides: list[float]) -> float | None:
    """The pooled standard deviation of two or more samples, or None with too few values."""
    # map(mul) runs in C (the triggers page compares ten years of days for every trigger four
    # times over).
    return spread_of([Side(len(side), fsum(side), fsum(map(mul, side, side))) for side in sides])


def spread_of(sides: list[Side]) -> float | None:
    """pooled_spread from each side's count, sum and sum of squares."""
    degrees = sum(side.count - 1 for side in sides if side.count)
    if degrees <= 0:
        return None
    # Each side's squared distances from its mean, as the sum of squares less n times the
    # squared mean.
    squares = sum(side.squares - side.count * side.mean**2 for side in sides if side.count)
    return sqrt(max(squares, 0.0) / degrees)  # never below 0 from rounding


def compare(values, marked):
    """Split the day values by `marked` (one bool per day) and compare the two sides."""
    pairs = list(zip(values, marked, strict=True))
    with_values = [v for v, m in pairs if m and v is not None]
    without_values = [v for v, m in pairs if not m and v is not None]
    with_mean, with_days = mean(with_values)
    without_mean, without_days = mean(without_values)
    spread = pooled_spread(with_values, without_values)
    return Comparison(with_mean, with_days, without_mean, without_days, spread)


@dataclass
class TriggerStats:
    slug: str
    name: str
    guide: str
    times_logged: int
    days_logged: int
    pain_same_day: Comparison = None
    spasms_same_day: Comparison = None
    pain_next_day: Comparison = None
    spasms_next_day: Comparison = None

    @property
    def comparisons(self):
        return [
            (PAIN_AVERAGE, SAME_DAY, self.pain_same_day),
            (SPASMS_PER_DAY, SAME_DAY, self.spasms_same_day),
            (PAIN_AVERAGE, NEXT_DAY, self.pain_next_day),
            (SPASMS_PER_DAY, NEXT_DAY, self.spasms_next_day),
        ]


# Bladder, bowel and skin events (diary.models.care) that count as a built-in trigger on their
# day, as if it had been ticked on a spasm: logged once, never typed twice. A skin problem found
# is a pressure injury when it was given a stage, else skin irritation.
CARE_AS_TRIGGER = Case(
    When(event="uti-signs", then=Value("uti")),
    When(event="constipation", then=Value("constipation")),
    When(event="skin-problem", stage="", then=Value("skin-irritation")),
    When(event="skin-problem", then=Value("pressure-injury")),
    default=Value(""),
    output_field=CharField(),
)
BUILT_IN_TRIGGERS = {slug: (name, category, guide) for slug, name, category, guide in TRIGGERS}


@dataclass(frozen=True)
class TriggerName:
    slug: str
    name: str
    category: str
    guide: str


def _care_triggers(zone, offsets, owner: int, since: datetime, until: datetime) -> QuerySet:
    """The care events between two moments that count as a trigger, by local day and trigger
    (compiled once a process for each zone and its offsets: core.plain_sql.rows_for)."""
    events = CareEvent.objects.for_user(owner).active()
    return (
        events.filter(occurred_at__gte=since, occurred_at__lt=until)
        .annotate(slug=CARE_AS_TRIGGER)
        .exclude(slug="")
        .annotate(day=LocalDate("occurred_at", zone, offsets=offsets))
        .values_list("day", "slug")
        .annotate(entries=Count("id"))
        .order_by()
    )


def care_trigger_rows(owner, period):
    """Per built-in trigger and local day, the care events that count as it: one grouped query,
    in the shape trigger_rows gives."""
    rows = local_day_rows(_care_triggers, owner, period)
    named = {
        slug: TriggerName(slug, gettext(name), category, guide)
        for slug, (name, category, guide) in BUILT_IN_TRIGGERS.items()
    }
    for day, slug, entries_that_day in rows:
        yield day, named[slug], entries_that_day


TRIGGER_FIELDS = (
    "trigger__slug",
    "trigger__name",
    "trigger__category",
    "trigger__guide",
    "trigger__owner",
)
# The per-day trigger figures (diary.day_figures): a row per day and trigger, of the spasms and
# of the pain entries that named it.
TRIGGER_DAYS = (SpasmTriggerDay, PainTriggerDay)


def trigger_name(slug: str, name: str, category: str, guide: str, owner_id: int | None):
    return TriggerName(slug, shown_name(name, owner_id), category, guide)


def _trigger_days(table, fields: tuple, owner: int, **bounds) -> QuerySet:
    """A per-day trigger table's rows in the periods `bounds` holds (`within`)."""
    days = table.objects.filter(within("day", bounds, owner=owner))
    return days.values_list("day", *fields, "entries").order_by()


def trigger_rows(owner, period):
    """(local day, TriggerName, how many entries named it that day) per trigger and day, the
    care events that count as a trigger among them: three queries, the trigger days read from
    the per-day figures (a row per day and trigger), not grouped from the entries."""
    yield from care_trigger_rows(owner, period)
    for table in TRIGGER_DAYS:
        rows = plain_sql.rows_for(
            _trigger_days, table, TRIGGER_FIELDS, owner=owner.pk, **period_bounds([period])
        )
        for day, *names, entries_that_day in rows:
            yield day, trigger_name(*names), entries_that_day


def trigger_rows_by_id(owner, period, spans: list[Period] | None = None):
    """(day, a care trigger's slug or a trigger's id, entries) of the period, or of the `spans`
    inside it alone: three queries. The care events that count as a trigger are few: they are
    read for the whole period, and those outside the spans left out."""
    spans = spans or [period]
    starts = [span.start for span in spans]
    for row in local_day_rows(_care_triggers, owner, period):
        n = bisect_right(starts, row[0]) - 1  # the last span starting on its day or before
        if n >= 0 and row[0] <= spans[n].end:
            yield row
    for table in TRIGGER_DAYS:
        yield from plain_sql.rows_for(
            _trigger_days, table, ("trigger",), owner=owner.pk, **period_bounds(spans)
        )


@dataclass
class TriggerCount:
    name: str
    category: str
    guide: str
    times: int


def trigger_counts(owner, period):
    """How many entries named each trigger in the period, most first."""
    found = {}
    for _day, trigger, entries in trigger_rows(owner, period):
        counted = found.setdefault(
            trigger.slug, TriggerCount(trigger.name, trigger.category, trigger.guide, 0)
        )
        counted.times += entries
    return sorted(found.values(), key=lambda counted: (-counted.times, counted.name))


def most_logged_trigger(owner, period):
    """The trigger named on the most entries in the period, with its count, or None."""
    counts = trigger_counts(owner, period)
    return (counts[0].name, counts[0].times) if counts else None


# Interventions -----------------------------------------------------------------------------


@dataclass
class InterventionStats:
    slug: str
    name: str
    guide: str
    effects: dict = field(default_factory=dict)  # effect value -> times

    @property
    def times_tried(self):
        return sum(self.effects.values())

    def effect_counts(self):
        """(label, times) for every effect, in the order of the scale."""
        return [(label, self.effects.get(value, 0)) for value, label in Effect.choices]


def intervention_stats(owner, period):
    """Each intervention tried in the period, most tried first, with the effects reported."""
    tried = _times_tried(owner, period)
    names = Intervention.objects.filter(pk__in={pk for pk, _effect in tried})
    found = {}
    for pk, slug, name, guide, item_owner in names.values_list(
        "pk", "slug", "name", "guide", "owner"
    ).order_by():
        found[pk] = InterventionStats(slug, shown_name(name, item_owner), guide)
    for (pk, effect), times in tried.items():
        if pk in found:  # else deleted since its uses were counted
            found[pk].effects[effect] = times
    return sorted(found.values(), key=lambda s: (-s.times_tried, s.name))


def _times_tried(owner, period) -> dict[tuple[int, str], int]:
    """{(intervention id, effect): times} of the uses on the period's entries: the closed
    past's kept under the past version as `daily` keeps its days (a use's change judges its
    entry's moment: InterventionUse.may_change_closed_past), the last months' read. A cold read
    takes the closed part's whole months from their rows (trends.models.MonthTried), written
    here when missing, and counts the uses of the days around them. The names are never kept:
    renaming an intervention does not move the past version on."""

    def read(days: Period) -> dict[tuple[int, str], int]:
        return _uses_counted(owner, days)

    def read_whole(closed: Period) -> tuple[dict, dict]:
        firsts = month_days.whole_months(closed.start, closed.end)
        stored = month_days.current_rows(MonthTried, "tried", TRIED_LAYOUT, owner, firsts)
        spans, stored, missing = read_around_rows(period, firsts, stored)
        kept, recent, by_month = {}, {}, {month.start: {} for month in missing}
        for day, pk, effect, times in _uses_by_day(owner, period, spans):
            key, month = (pk, effect), by_month.get(day.replace(day=1))
            into = kept if day <= closed.end else recent
            into[key] = into.get(key, 0) + times
            if month is not None:  # a missing month's uses, counted apart for its row
                month[key] = month.get(key, 0) + times
        for tried in stored.values():
            for key, times in tried.items():
                kept[key] = kept.get(key, 0) + times
        if missing:
            rows = {first: {"tried": tried} for first, tried in by_month.items()}
            month_days.store_rows(MonthTried, TRIED_LAYOUT, owner, rows)
        return kept, _counts_added(kept, recent)

    return with_closed_past("tried", owner, period, read, read_whole, _counts_added)


# What a MonthTried row holds and how; rows of another layout are not read.
TRIED_LAYOUT = 1


def _uses_by_day(owner, period: Period, spans: list[Period]) -> list[tuple]:
    """(local day, intervention id, effect, times) of the uses on the person's entries (out of
    the bin) on the days of `spans`, inside the period: two queries, the spasms' and the pain
    entries'."""
    zone = owner.zone
    offsets = offsets_between(zone, *period.bounds(zone))
    moments = {}
    for n, span in enumerate(spans):
        moments[f"since{n}"], moments[f"until{n}"] = span.bounds(zone)
    return [
        row
        for side in ("spasm", "pain")
        for row in plain_sql.rows_for(_uses_on, zone, offsets, side, owner=owner.pk, **moments)
    ]


def _uses_on(zone, offsets, side: str, owner: int, **moments) -> QuerySet:
    """The uses on the person's `side` entries ("spasm" or "pain"), out of the bin, between the
    moments `moments` holds (since0, until0, since1...), counted by the entry's local day,
    intervention and effect (compiled once a process: core.plain_sql.rows_for). Each span a
    range of the entries' (owner, time) index, as `within` makes the days'."""
    found = Q()
    for n in range(len(moments) // 2):
        found |= Q(
            **{
                f"{side}__owner": owner,
                f"{side}__deleted_at__isnull": True,
                f"{side}__occurred_at__gte": moments[f"since{n}"],
                f"{side}__occurred_at__lt": moments[f"until{n}"],
            }
        )
    return (
        InterventionUse.objects.filter(found)
        .annotate(day=LocalDate(f"{side}__occurred_at", zone, offsets=offsets))
        .values_list("day", "intervention", "effect")
        .annotate(times=Count("id"))
        .order_by()
    )


def _counts_added(first: dict, then: dict) -> dict:
    return {key: first.get(key, 0) + then.get(key, 0) for key in first.keys() | then}


def _uses_counted(owner, period) -> dict[tuple[int, str], int]:
    since, until = period.bounds(owner.zone)
    spasms, pains = (
        model.objects.for_user(owner).active().filter(occurred_at__gte=since, occurred_at__lt=until)
        for model in (SpasmEpisode, LegPainEntry)
    )
    rows = (
        InterventionUse.objects.on(spasms, pains)
        .values_list("intervention", "effect")
        .annotate(times=Count("id"))
        .order_by()
    )
    return {(pk, effect): times for pk, effect, times in rows}


# Before and after a treatment event --------------------------------------------------------


@dataclass(frozen=True)
class EventWindows:
    """Days before the event compared with days after it, counted from the event's date."""

    before_days: int
    after_first: int
    after_last: int
    why: str

    def before(self, day):
        return Period(day - timedelta(days=self.before_days), day - timedelta(days=1))

    def after(self, day):
        return Period(day + timedelta(days=self.after_first), day + timedelta(days=self.after_last))


DEFAULT_WINDOWS = EventWindows(28, 7, 34, gettext_lazy("4 weeks before against weeks 2 to 5 after"))
EVENT_WINDOWS = {
    # Botulinum toxin starts to work within days to two weeks and lasts about three months.
    EventKind.BOTOX: EventWindows(
        28,
        7,
        83,
        gettext_lazy("4 weeks before against weeks 2 to 12 after, when the injection works"),
    ),
    # A therapy programme builds up over weeks.
    EventKind.THERAPY_START: EventWindows(
        28, 28, 83, gettext_lazy("4 weeks before against weeks 5 to 12 after")
    ),
}

BEFORE_AFTER_MEASURES = [
    (PAIN_AVERAGE, "pain_average"),
    (gettext_lazy("Worst leg pain (0-10)"), "pain_worst"),
    (SPASMS_PER_DAY, "spasms"),
    (NIGHT_SPASMS_PER_DAY, "night_spasms"),
    (gettext_lazy("Sleep interference (0-10)"), "interference_sleep"),
]


@dataclass
class BeforeAfter:
    event: TreatmentEvent
    windows: EventWindows
    before: Period | None  # the days compared, None where the reader may see none of them
    after: Period | None
    measures: list  # (label, Comparison) with "with" = after and "without" = before
    after_complete: bool  # False while the after-window has not ended yet
    cut: bool = False  # the reader's window (a share link's dates) leaves out some of the days


# Past this many separate windows, one read from the first to the last day: a query of
# hundreds of ORed ranges would cost more than the days between them (and SQLite caps the
# depth of an expression at 1,000).
MOST_SPANS = 50


def before_and_after(owner, events, today, window: "Window | None" = None):
    """For each event, the person's figures in the window before against the window after.

    Only the days of those windows are read (`daily_over`), not the years between events. With
    a `window` (a share link's dates), only its days are compared."""
    if not events:
        return []

    def shown(period):
        return period if window is None else window.clip(period)

    windows = {event.pk: EVENT_WINDOWS.get(event.event_kind, DEFAULT_WINDOWS) for event in events}
    asked = [
        (w.before(event.date), w.after(event.date))
        for event, w in zip(events, windows.values(), strict=True)
    ]
    spans = fewest_periods(
        [
            shown(Period(period.start, min(period.end, today)))
            for pair in asked
            for period in pair
            if period.start <= today
        ]
    )
    if len(spans) > MOST_SPANS:
        spans = [Period(spans[0].start, spans[-1].end)]
    by_span = dict(zip(spans, daily_over(owner, spans), strict=True))

    def days_of(period):
        """The period's figures from the span read where it begins (each span holds a whole
        window, up to today), or None for each day when none was read."""
        for span, by_day in by_span.items():
            if span.start <= period.start <= span.end:
                return by_day.window(period)
        return NOTHING.window(period)

    results = []
    for event, (before, after) in zip(events, asked, strict=True):
        before_shown, after_shown = shown(before), shown(after)
        before_days = days_of(before_shown or before)
        after_days = days_of(after_shown or after)
        measures = []
        for label, name in BEFORE_AFTER_MEASURES:
            after_mean, after_count = mean(getattr(after_days, name))
            before_mean, before_count = mean(getattr(before_days, name))
            measures.append((label, Comparison(after_mean, after_count, before_mean, before_count)))
        complete = after_shown is None or after_shown.end < today
        cut = (before_shown, after_shown) != (before, after)
        results.append(
            BeforeAfter(
                event, windows[event.pk], before_shown, after_shown, measures, complete, cut
            )
        )
    return results


def fewest_periods(periods: list) -> list:
    """The days of these periods (None left out) as the fewest sorted periods: overlapping
    and touching ones joined."""
    joined = []
    for period in sorted((p for p in periods if p), key=lambda p: p.start):
        if joined and period.start <= joined[-1].end + timedelta(days=1):
            if period.end > joined[-1].end:
                joined[-1] = Period(joined[-1].start, period.end)
        else:
            joined.append(period)
    return joined


def last_injection(
    owner, today: date, until: date | None = None, window: "Window | None" = None
) -> BeforeAfter | None:
    """The latest botulinum toxin injection (on or before `until`, and inside `window` when
    given; not in the bin) with its before and after (`before_and_after`), or None when there
    is none. One query, and `daily`'s."""
    injections = TreatmentEvent.objects.for_user(owner).active().filter(event_kind=EventKind.BOTOX)
    if until is not None:
        injections = injections.filter(date__lte=until)
    event = injections.order_by("-date", "-pk").first()
    if event is None or (window is not None and not window.clip(Period(event.date, event.date))):
        return None
    [found] = before_and_after(owner, [event], today, window=window)
    return found


# Summaries ---------------------------------------------------------------------------------


def _folded(by_day, starts: list[int]):
    """The day series folded into runs of days, each starting at an index of `starts`:
    (first day, last day, {measure: (mean, or median of an ordinal scale, days recorded)})."""
    names = [name for name in vars(by_day) if name not in ("days", "problems")]
    runs = []
    for first, end in zip(starts, [*starts[1:], len(by_day.days)], strict=True):
        cut = slice(first, end)
        figures = {
            name: (median if name in ORDINAL else mean)(getattr(by_day, name)[cut])
            for name in names
        }
        runs.append((by_day.days[first], by_day.days[end - 1], figures))
    return runs


def weekly(by_day):
    """The day series folded into weeks starting on the day's weekday of the period's start:
    (first day, last day, {measure: (mean, days recorded)}) per week."""
    return _folded(by_day, list(range(0, len(by_day.days), 7)))


def local_day_rows(build: Callable[..., QuerySet], owner, period: Period) -> list[tuple]:
    """The rows of `build(zone, offsets, owner=, since=, until=)`, a query of the moments in
    the period by local day (LocalDate with the zone's offsets over it), compiled once a
    process for each zone and its offsets (core.plain_sql.rows_for): building it took far
    longer than running it."""
    zone = owner.zone
    since, until = period.bounds(zone)
    offsets = offsets_between(zone, since, until)
    return plain_sql.rows_for(build, zone, offsets, owner=owner.pk, since=since, until=until)


def week_or_month(day: date, by_month: bool) -> tuple[date, date]:
    """The first and last day of the week (from Monday) or the calendar month holding `day`:
    the rows of the tables that list weeks, or months for a range over a year."""
    if not by_month:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    first = day.replace(day=1)
    return first, (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)


def monthly(by_day):
    """The day series folded into calendar months (the first and last may be part of one), as
    `weekly` gives weeks: a range of years reads as a table of some dozens of rows."""
    days = by_day.days
    return _folded(by_day, [n for n, day in enumerate(days) if n == 0 or day.day == 1])


@dataclass
class Change:
    label: str
    this_week: float | None
    last_week: float | None
    this_days: int
    last_days: int
    chart: str  # the anchor of the chart it comes from
    notable_at: float  # the size of change worth a sentence
    lower_is_better: bool = True

    @property
    def notable(self):
        if self.this_week is None or self.last_week is None:
            return False
        if min(self.this_days, self.last_days) < 3:
            return False
        return abs(self.this_week - self.last_week) >= self.notable_at

    @property
    def better(self):
        return (self.this_week < self.last_week) == self.lower_is_better


def week_on_week(owner, today, by_day: Daily | None = None):
    """The last 7 days against the 7 before, for the home page. `by_day`: days already read that
    take in the fortnight (the home page reads them once for this and the rise rule)."""
    fortnight = Period(today - timedelta(days=13), today)
    by_day = by_day or daily(owner, fortnight)
    last_week = by_day.window(Period(fortnight.start, fortnight.start + timedelta(days=6)))
    this_week = by_day.window(Period(today - timedelta(days=6), today))
    changes = []
    for label, name, chart, notable_at in [
        (gettext_lazy("Average leg pain"), "pain_average", "pain", 1),
        (SPASMS_PER_DAY, "spasms", "spasms", 1),
        (NIGHT_SPASMS_PER_DAY, "night_spasms", "spasms", 1),
        (gettext_lazy("Sleep interference"), "interference_sleep", "interference", 1),
    ]:
        now, now_days = mean(getattr(this_week, name))
        before, before_days = mean(getattr(last_week, name))
        changes.append(Change(label, now, before, now_days, before_days, chart, notable_at))
    return changes


# The figures behind the trends summaries (Summed), among them the check-in's spasticity rating
# and night wakings. The report's headlines count woken nights by the same rule (above_zero) ----

COMPARED_DAYS = 7  # the first and the last week of a period of at least two are compared


def exact_parts(values: list) -> list:
    """A few floats whose sum, worked out exactly, is the exact sum of `values`: fsum's sum
    (the exact one, rounded once), then fsum of what that left over, until nothing is. So fsum
    over these and other values gives to the last bit what it gives over `values` and them,
    without going through thousands of values again."""
    parts: list = []
    while len(parts) < 8:
        left = fsum(chain(values, map(neg, parts)))
        # 0.0 only for an exact 0: a sum of floats is a whole number of the smallest float.
        if left == 0.0:
            return parts
        parts.append(left)
    return list(values)  # not seen: the values themselves, exact as ever


class Tally(NamedTuple):
    """One day series over a run of days, as the trends summaries read it (Summed). Tallies of
    runs one after another add up (`tallied`) to the tally of all their days, so a month's is
    kept with its row (trends.months) and years of them are summed up without their days."""

    count: int  # days with a value
    parts: tuple  # exact_parts of their sum: fsum gives the sum of any runs' values exactly
    highest: int | float | None
    highest_on: int | None  # the first day with it, as a day number (date.toordinal)
    above_zero: int  # days with a value over 0
    answers: tuple  # of an ordinal scale: ((answer, days), ...), lowest first; else ()

    @property
    def mean(self) -> tuple[float | None, int]:
        """As `mean` of the values: fmean is their fsum over their count."""
        return (fsum(self.parts) / self.count if self.count else None), self.count

    @property
    def median(self) -> tuple[int | None, int]:
        """As `median` of the values: the lower middle answer."""
        middle = (self.count - 1) // 2
        for answer, days in self.answers:
            if middle < days:
                return answer, self.count
            middle -= days
        return None, 0

    @property
    def total(self) -> int:
        """The sum of a series of counts."""
        return int(fsum(self.parts))

    @property
    def highest_day(self) -> date | None:
        return None if self.highest_on is None else date.fromordinal(self.highest_on)


def tally(days: list, values: list, ordinal: bool = False) -> Tally:
    """The Tally of a day series (`values` lined up with `days`)."""
    recorded = [value for value in values if value is not None]
    highest, day = highest_on(days, values)
    answers = ()
    if ordinal:
        answers = tuple(sorted((answer, recorded.count(answer)) for answer in set(recorded)))
    return Tally(
        len(recorded),
        tuple(exact_parts(recorded)),
        highest,
        day and day.toordinal(),
        above_zero(recorded),
        answers,
    )


def tallied(tallies: list[tuple]) -> Tally:
    """The Tally of runs of days one after another, from each run's (a Tally, or the plain
    tuple a month's row keeps): the highest is the first run's that no later one passes."""
    top = None
    answers: dict = defaultdict(int)
    for run in tallies:
        if run[2] is not None and (top is None or run[2] > top[2]):
            top = run
        for answer, days in run[5]:
            answers[answer] += days
    return Tally(
        sum(run[0] for run in tallies),
        tuple(exact_parts(list(chain.from_iterable(run[1] for run in tallies)))),
        top and top[2],
        top and top[3],
        sum(run[4] for run in tallies),
        tuple(sorted(answers.items())),
    )


# The series whose first and last weeks the summaries compare.
WEEKS_COMPARED = ("pain_average", "spasticity", "night_wakings")


@dataclass(frozen=True)
class Summed:
    """What the trends summaries read of a period's days (trends.summaries): a Tally of each
    day series and of each pain problem recorded in it, and the first and last weeks' means."""

    tallies: dict  # DAY_SERIES name -> Tally
    problems: dict  # (slot, name) -> Tally, of the problems with a day recorded, in key order
    # WEEKS_COMPARED name -> the means of the first and the last COMPARED_DAYS days, when the
    # period is two weeks or more and both weeks have a value; else (None, None).
    weeks: dict

    @classmethod
    def of(cls, by_day: Daily) -> "Summed":
        """Summed from the period's every day."""
        days = by_day.days
        problems = {
            (problem.slot, problem.name): tally(days, problem.average)
            for problem in by_day.problems
        }
        return cls(
            {name: tally(days, getattr(by_day, name), name in ORDINAL) for name in DAY_SERIES},
            {key: problems[key] for key in sorted(problems) if problems[key].count},
            first_and_last_weeks(by_day, by_day),
        )

    @classmethod
    def of_runs(cls, runs: list[tuple[dict, dict]], first: Daily, last: Daily) -> "Summed":
        """Summed from the tallies of runs of days one after another that make up the period,
        each ({series name: tally}, {(slot, name): tally}), and the period's days `first` and
        `last` (taking in its first and its last COMPARED_DAYS days)."""
        keys = sorted({key for _series, problems in runs for key in problems})
        problems = {
            key: tallied([problems[key] for _series, problems in runs if key in problems])
            for key in keys
        }
        return cls(
            {name: tallied([series[name] for series, _problems in runs]) for name in DAY_SERIES},
            {key: problem for key, problem in problems.items() if problem.count},
            first_and_last_weeks(first, last),
        )

    def rating(self, name: str) -> "RatingFigures":
        """The RatingFigures of a 0-10 rating's series."""
        found = self.tallies[name]
        average, rated = found.mean
        return RatingFigures(average, rated, found.highest, found.highest_day, *self.weeks[name])

    def wakings(self) -> "WakingFigures":
        """The WakingFigures of the night wakings' series."""
        found = self.tallies["night_wakings"]
        per_night, answered = found.mean
        return WakingFigures(
            answered,
            found.above_zero,
            per_night,
            found.highest,
            found.highest_day,
            *self.weeks["night_wakings"],
        )


def highest_on(days: list, values: list) -> tuple:
    """The highest recorded value and the first day it was recorded, or (None, None)."""
    recorded = [value for value in values if value is not None]
    if not recorded:
        return None, None
    top = max(recorded)
    return top, days[values.index(top)]  # the first day with it


def first_and_last_weeks(first: Daily, last: Daily) -> dict:
    """Summed.weeks of a period whose first days `first` holds and whose last days `last`
    holds: the first starts on the period's first day, the last ends on its last."""
    start, end = first.days[0], last.days[-1]
    if (end - start).days + 1 < 2 * COMPARED_DAYS:
        return dict.fromkeys(WEEKS_COMPARED, (None, None))
    week = timedelta(days=COMPARED_DAYS - 1)
    first, last = first.window(Period(start, start + week)), last.window(Period(end - week, end))
    weeks = {}
    for name in WEEKS_COMPARED:
        before, _ = mean(getattr(first, name))
        after, _ = mean(getattr(last, name))
        weeks[name] = (None, None) if before is None or after is None else (before, after)
    return weeks


@dataclass(frozen=True)
class RatingFigures:
    """A daily 0-10 rating over a period."""

    average: float | None
    days: int  # days with a rating
    highest: int | None
    highest_day: date | None
    first_week: float | None  # both None unless the period is two weeks or more and both
    last_week: float | None  # weeks have a rating


def nights_woken(values) -> tuple[int, int]:
    """Of the nights with an answer, how many had at least one waking; and the nights answered."""
    answered = [value for value in values if value is not None]
    return above_zero(answered), len(answered)


def above_zero(recorded: list) -> int:
    """How many of the recorded values are over 0 (for night wakings: the nights woken)."""
    return sum(value > 0 for value in recorded)


def woken_share(values) -> tuple[float | None, int]:
    """The percentage of answered nights with a waking, and the nights answered (a report
    headline: one figure and the days behind it)."""
    woken, answered = nights_woken(values)
    return (100 * woken / answered if answered else None), answered


@dataclass(frozen=True)
class WakingFigures:
    """Night wakings over a period, from the check-ins that answered the question."""

    nights: int  # nights with an answer
    woken: int  # nights with at least one waking
    per_night: float | None  # wakings per answered night
    most: int | None
    most_day: date | None
    first_week: float | None  # wakings per night in the first and last 7 days, as for a rating
    last_week: float | None
