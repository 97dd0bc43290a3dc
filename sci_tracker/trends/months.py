"""Ranges over a year, a point a month: what the charts' JSON draws for them
(trends.views.chart_json).

The whole months of the closed past (diary.closed_past) are read as one stored row each
(trends.models.MonthFigures); the days before the first of them and after the last are read and
folded as before. Twenty years read about 240 rows and the last months' days, where they read
7,300 days and worked each out.

A month's row is written by the first read that finds it missing, with the person's past version
and zone. Any change that may alter a closed day moves that version on, so a row of another
version is never read again (it is written over when its month is next asked for). A row holds
what `aggregates.monthly` folds from the month's days, as a pickle (trends.fields), which gives
every float back unchanged: a month reads the same from its row as from its days.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sci_tracker.trends import aggregates, month_days
from sci_tracker.trends.aggregates import Daily, Period, Summed
from sci_tracker.trends.models import MonthFigures

# What a row's figures hold and how; rows of another layout are not read (2: the tallies).
LAYOUT = 2
# Ranges longer than this are charted a point a month, and the overview's tables list months.
MONTHLY_DAYS = 366


@dataclass(frozen=True)
class Month:
    """A calendar month's figures (or the part of it in a range)."""

    first: date
    last: date
    figures: dict  # measure -> (mean, or median of an ordinal scale; days recorded)
    problems: dict  # (slot, name) -> (mean, days recorded)
    hours: list  # spasms in each local hour, 0 to 23
    # What the summaries read of its days (aggregates.Summed.of_runs): {series name: tally},
    # {(slot, name): tally} of the pain problems recorded in it; each an aggregates.Tally, or
    # the plain tuple of one as a row keeps it.
    tallies: tuple[dict, dict]


def by_month(period: Period) -> bool:
    """Whether a range is charted a point a month."""
    return period.length > MONTHLY_DAYS


def months_in(owner, period: Period, known: tuple[Daily, ...] = ()) -> list[Month]:
    """The period's months, its first and last maybe in part: the whole months of the closed
    past from their rows (written here when missing), the other days read, but for those that
    one of `known` (days the caller has read) holds. One query for the rows, `daily_over`'s
    three and one for the hours, however long the period, and one more writing the months that
    were missing."""
    whole = _whole_closed_months(owner, period)
    spans, stored, missing = aggregates.read_around_rows(period, whole, _stored(owner, whole))
    hours = aggregates.hours_by_day(owner, spans)
    holder = {span: next((days for days in known if _holds(days, span)), None) for span in spans}
    read = iter(aggregates.daily_over(owner, [span for span in spans if holder[span] is None]))
    found = {}
    for span in spans:
        days = next(read) if holder[span] is None else holder[span].window(span)
        for month in _folded(days, hours):
            found[month.first] = month
    if missing:
        _store(owner, [found[month.start] for month in missing])
    return sorted([*found.values(), *stored.values()], key=lambda month: month.first)


def _holds(days: Daily, span: Period) -> bool:
    return bool(days.days) and days.days[0] <= span.start and span.end <= days.days[-1]


@dataclass(frozen=True)
class MonthsOverview:
    """What the trends overview shows of a range charted by month: its months (the tables),
    the summaries' figures, the latest days (the worst-pain calendar), spasms by hour and the
    treatment events."""

    period: Period
    months: list[Month]
    summed: Summed
    by_day: Daily  # the days of `latest` alone
    by_hour: list[int]
    events: list


def overview(owner, period: Period, latest: Period) -> MonthsOverview:
    """The overview of a range charted by month, read from its months (months_in) where a range
    charted by day reads every day: years of closed months are their rows' tallies. `latest`:
    the last days of the period, read day by day. A constant number of queries, however long
    the period."""
    by_day = aggregates.daily(owner, latest)
    # The first days, read to the end of their month: the first week's figures, and the days
    # before the first whole month that months_in would read otherwise.
    first_week_end = period.start + timedelta(days=aggregates.COMPARED_DAYS - 1)
    month_end = month_days.last_day(period.start.replace(day=1))
    first = aggregates.daily(
        owner, Period(period.start, min(max(first_week_end, month_end), period.end))
    )
    months = months_in(owner, period, known=(first, by_day))
    return MonthsOverview(
        period,
        months,
        Summed.of_runs([month.tallies for month in months], first, by_day),
        by_day,
        hours_of(months),
        aggregates.treatment_events(owner, period),
    )


def hours_of(months: list[Month]) -> list[int]:
    """The months' spasms in each local hour, 0 to 23."""
    return [sum(month.hours[hour] for month in months) for hour in range(24)]


def _whole_closed_months(owner, period: Period) -> list[date]:
    """The first days of the months wholly inside the period's closed part."""
    closed = aggregates.closed_part(owner, period)
    return month_days.whole_months(closed.start, closed.end) if closed else []


def _folded(by_day: Daily, hours: dict) -> list[Month]:
    """The days (one after another) as months, with the pain problems' means and the hours."""
    found = []
    start = by_day.days[0] if by_day.days else None
    for first, last, figures in aggregates.monthly(by_day):
        cut = slice((first - start).days, (last - start).days + 1)
        problems = {}
        for problem in by_day.problems:
            value, days = aggregates.mean(problem.average[cut])
            if days:
                problems[(problem.slot, problem.name)] = (value, days)
        counts = [0] * 24
        for day in by_day.days[cut]:
            for hour, episodes in hours.get(day, ()):
                counts[hour] += episodes
        found.append(Month(first, last, figures, problems, counts, _tallies(by_day, cut)))
    return found


def _tallies(by_day: Daily, cut: slice) -> tuple[dict, dict]:
    days = by_day.days[cut]
    problems = {
        (problem.slot, problem.name): aggregates.tally(days, problem.average[cut])
        for problem in by_day.problems
    }
    return (
        {
            name: aggregates.tally(days, getattr(by_day, name)[cut], name in aggregates.ORDINAL)
            for name in aggregates.DAY_SERIES
        },
        {key: tally for key, tally in problems.items() if tally.count},
    )


def _stored(owner, firsts: list[date]) -> dict[date, Month]:
    rows = month_days.current_rows(MonthFigures, "figures", LAYOUT, owner, firsts)
    return {first: _unpacked(first, figures) for first, figures in rows.items()}


def _store(owner, months: list[Month]) -> None:
    rows = {month.first: {"figures": _packed(month)} for month in months}
    month_days.store_rows(MonthFigures, LAYOUT, owner, rows)


def _packed(month: Month) -> tuple:
    """What a month's row keeps: its fields after the days, as they are (a pickle keeps tuples
    and tuple keys), the tallies as plain tuples, which load several times faster than as
    Tally objects."""
    series, problems = month.tallies
    return (
        month.figures,
        month.problems,
        month.hours,
        (
            {name: tuple(tally) for name, tally in series.items()},
            {key: tuple(tally) for key, tally in problems.items()},
        ),
    )


def _unpacked(first: date, packed: tuple) -> Month:
    return Month(first, month_days.last_day(first), *packed)


def chart_data(owner, period: Period) -> dict:
    """The charts' JSON of a range charted by month (documented in docs/formats.md): each list
    lined up with `days`, the first day of each month (or of the range), each value the month's
    mean (the median of the Penn scale's answers) over its days with one."""
    months = months_in(owner, period)

    def series(name: str) -> list:
        return [_rounded(month.figures[name][0]) for month in months]

    problems = sorted({key for month in months for key in month.problems})
    return {
        "version": 1,
        "grain": "month",
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "time_zone": owner.time_zone,
        "days": [month.first.isoformat() for month in months],
        "pain": {
            "average": series("pain_average"),
            "worst": series("pain_worst"),
            "problems": [
                {
                    "slot": slot,
                    "name": name,
                    "average": [
                        _rounded(month.problems.get((slot, name), (None, 0))[0]) for month in months
                    ],
                }
                for slot, name in problems
            ],
        },
        "spasms": {
            "count": series("spasms"),
            "night": series("night_spasms"),
            "psfs_frequency": series("psfs_frequency"),
            "psfs_severity": series("psfs_severity"),
        },
        "interference": {
            "activities": series("interference_activities"),
            "mood": series("interference_mood"),
            "sleep": series("interference_sleep"),
        },
        "spasticity": {"rating": series("spasticity")},
        "night_wakings": {"count": series("night_wakings")},
        **aggregates.chart_marks(
            aggregates.treatment_events(owner, period),
            aggregates.clinic_visits(owner, period),
            hours_of(months),
        ),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
