"""Whole months of the closed past kept as their day series, one row a month
(trends.models.MonthDays): what `aggregates.daily` reads of a long range on a first view, where
the three per-day tables hold a row a day each. Ten years are 120 rows, where they were about
11,000.

A month's row is written by the first read that finds it missing, with the person's past
version and zone. Any change that may alter a closed day moves that version on, so a row of
another version is never read again (it is written over when its month is next asked for). A
row holds the series as `aggregates.Daily` has them, as a pickle (trends.fields), which gives
every number back unchanged: a month reads the same from its row as from its days. Beside them,
in a column of its own, the month's spasms in each local hour, which `aggregates.spasms_by_hour`
reads alone.

This module knows rows and dates; `aggregates` turns a row's series into its days. The rule of
the rows is kept here for every table of closed months (`current_rows`, `store_rows`):
`trends.months` reads and writes its MonthFigures through it, `aggregates` its MonthTried and
`trends.triggers` its MonthTriggers.
"""

from datetime import date, timedelta

from django.db.models import F, Model, QuerySet

from sci_tracker.core import plain_sql
from sci_tracker.diary.closed_past import month_start
from sci_tracker.trends.models import MonthDays

# What a row holds and how; rows of another layout are not read (2: its hours beside its days).
LAYOUT = 2
NEXT = -1  # month_start's months back: the month after


def whole_months(start: date, end: date) -> list[date]:
    """The first days of the calendar months wholly inside start..end."""
    first = month_start(start, 0 if start.day == 1 else NEXT)
    found = []
    while last_day(first) <= end:
        found.append(first)
        first = month_start(first, NEXT)
    return found


def last_day(first: date) -> date:
    """The last day of the month that starts on `first`."""
    return month_start(first, NEXT) - timedelta(days=1)


def stored(owner, firsts: list[date]) -> dict[date, dict]:
    """{first day: series} of the months (one after another) kept for the person's past
    version and zone: one query."""
    return current_rows(MonthDays, "series", LAYOUT, owner, firsts)


def stored_hours(owner, firsts: list[date]) -> dict[date, list[int]]:
    """{first day: spasms in each hour} of the months kept, as `stored`: one query."""
    return current_rows(MonthDays, "hours", LAYOUT, owner, firsts)


def store(owner, series: dict[date, dict], hours: dict[date, list[int]]) -> None:
    """Keep these months' series and hours ({first day: ...} each) for the person's past
    version and zone: one query, over any row of theirs already there."""
    rows = {first: {"series": series[first], "hours": hours[first]} for first in series}
    store_rows(MonthDays, LAYOUT, owner, rows)


# Every table of closed months (MonthDays here, MonthFigures for trends.months, MonthTried for
# what helped) keeps its rows by one rule: written with the person's past version, zone and the
# table's layout, read only when all three are the account's now.


def current_rows(model: type[Model], column: str, layout: int, owner, firsts: list[date]) -> dict:
    """{first day: `column`} of `model`'s rows of these months (one after another) that are
    current: one query."""
    if not firsts:
        return {}
    rows = plain_sql.rows_for(
        _current, model, column, layout, owner=owner.pk, since=firsts[0], until=firsts[-1]
    )
    return dict(rows)


def _current(
    model: type[Model], column: str, layout: int, owner: int, since: date, until: date
) -> QuerySet:
    """The rows of the person's past version and zone as the account holds them now: compiled
    once a process (core.plain_sql), since the ORM took longer to build this query than the
    database to answer it. The model, column and layout are part of the statement."""
    rows = model.objects.filter(
        owner=owner,
        month__gte=since,
        month__lte=until,
        layout=layout,
        past_version=F("owner__past_version"),
        time_zone=F("owner__time_zone"),
    )
    return rows.values_list("month", column).order_by()


def store_rows(model: type[Model], layout: int, owner, rows: dict[date, dict]) -> None:
    """Keep `rows` ({first day: {column: value}}, the same columns in each) as `model`'s rows
    for the person's past version and zone: one query, over any row of theirs already there."""
    version = {"past_version": owner.past_version, "time_zone": owner.time_zone, "layout": layout}
    columns = [*next(iter(rows.values()))]
    model.objects.bulk_create(
        [model(owner=owner, month=first, **values, **version) for first, values in rows.items()],
        update_conflicts=True,
        unique_fields=["owner", "month"],
        update_fields=[*version, *columns],
    )
