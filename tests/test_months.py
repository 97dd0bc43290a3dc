"""Ranges over a year charted a point a month (trends.months): the closed past's whole months
stored as rows, read back as the fold of their days would give them."""

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from sci_tracker.accounts.models import User
from sci_tracker.trends import aggregates, months
from sci_tracker.trends.aggregates import Period
from sci_tracker.trends.models import MonthFigures
from tests.entries import checkin, event, pain, spasm

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 20)  # Auckland's date too: 22:00 there
AUCKLAND = ZoneInfo("Pacific/Auckland")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AUCKLAND)


def chart(client, start: date, end: date = TODAY) -> dict:
    cache.clear()  # each read worked out afresh: the rows are what is kept
    response = client.get(reverse("trends:data"), {"from": start, "to": end})
    assert response.status_code == 200
    return json.loads(response.content)


def test_a_range_over_a_year_is_charted_by_month(alice, alice_client, frozen):
    # Two spasms and a pain of 4 on 10 June 2024, one spasm and a pain of 8 on 20 June; a
    # check-in's Penn answers in July; a spasm at 23:00 today.
    for hour in (3, 23):
        spasm(alice, occurred_at=at(date(2024, 6, 10), hour))
    spasm(alice, occurred_at=at(date(2024, 6, 20)))
    pain(alice, occurred_at=at(date(2024, 6, 10)), intensity=4)
    pain(alice, occurred_at=at(date(2024, 6, 20)), intensity=8)
    for day, answer in ((1, 1), (2, 3), (3, 3)):
        checkin(alice, date(2024, 7, day), psfs_frequency=answer, psfs_severity=1, pain_average=2)
    spasm(alice, occurred_at=at(TODAY, 23))
    event(alice, date(2025, 5, 2))

    data = chart(alice_client, date(2024, 5, 15))
    assert data["grain"] == "month"
    assert data["days"][:3] == ["2024-05-15", "2024-06-01", "2024-07-01"]
    assert data["days"][-1] == "2026-03-01"
    assert len(data["days"]) == 23
    june, july = 1, 2
    assert data["pain"]["average"][june] == 6  # the mean of the two days rated
    assert data["spasms"]["count"][june] == 1.5  # the mean of the two days with a record
    assert data["spasms"]["night"][june] == 1  # the 23:00 spasm, and the 03:00 one
    assert data["spasms"]["psfs_frequency"][july] == 3  # the median answer
    assert data["spasms"]["count"][july] == 0  # check-ins, no spasm logged
    assert data["pain"]["average"][0] is None  # nothing recorded in May
    assert data["spasms"]["count"][-1] == 1  # this month's, read from its days
    assert data["events"][0]["date"] == "2025-05-02"
    assert sum(data["spasms_by_hour"]["all"]) == 4
    assert data["spasms_by_hour"]["all"][23] == 2
    # No 7-day means by month.
    assert set(data["pain"]) == {"average", "worst", "problems"}
    assert set(data["spasms"]) == {"count", "night", "psfs_frequency", "psfs_severity"}
    assert data["spasticity"] == {"rating": [None] * 23}
    # The whole closed months are kept: June 2024 to December 2025 (the closed past ends on
    # the last day of the month two months back), not the part-month of May nor the last
    # months.
    kept = MonthFigures.objects.filter(owner=alice).order_by("month")
    assert kept.count() == 19
    assert (kept.first().month, kept.last().month) == (date(2024, 6, 1), date(2025, 12, 1))


def test_a_year_and_a_day_is_charted_by_day(alice, alice_client, frozen):
    assert chart(alice_client, TODAY - timedelta(days=365))["grain"] == "day"
    assert len(chart(alice_client, TODAY - timedelta(days=365))["days"]) == 366
    assert chart(alice_client, TODAY - timedelta(days=366))["grain"] == "month"


def periods_read(monkeypatch) -> list:
    read, real = [], aggregates.daily_over

    def counted(owner, periods):
        read.append(periods)
        return real(owner, periods)

    monkeypatch.setattr(aggregates, "daily_over", counted)
    return read


def test_kept_months_are_read_from_their_rows(alice, frozen, monkeypatch):
    spasm(alice, occurred_at=at(date(2024, 6, 10)))
    period = Period(date(2024, 5, 15), TODAY)
    read = periods_read(monkeypatch)
    first = months.months_in(User.objects.get(pk=alice.pk), period)
    again = months.months_in(User.objects.get(pk=alice.pk), period)
    assert again == first
    after = Period(date(2026, 1, 1), TODAY)
    assert read[1] == [Period(period.start, date(2024, 5, 31)), after]
    assert read[0] == [period]  # all, then the rows


def test_a_spasm_logged_for_a_kept_month_shows_at_once(alice, alice_client, frozen):
    spasm(alice, occurred_at=at(date(2024, 6, 10)))
    june = 1
    assert chart(alice_client, date(2024, 5, 15))["spasms"]["count"][june] == 1
    spasm(alice, occurred_at=at(date(2024, 6, 10), 15))
    assert chart(alice_client, date(2024, 5, 15))["spasms"]["count"][june] == 2
    # Its row written over, one a month.
    assert MonthFigures.objects.filter(owner=alice, month=date(2024, 6, 1)).count() == 1


def test_a_new_time_zone_reads_the_months_in_it(alice, alice_client, frozen):
    # 23:30 on 30 June in Auckland is 11:30 UTC: in London, still 30 June but 12:30.
    spasm(alice, occurred_at=datetime(2024, 6, 30, 23, 30, tzinfo=AUCKLAND))
    june, july = 1, 2
    data = chart(alice_client, date(2024, 5, 15))
    assert (data["spasms"]["count"][june], data["spasms"]["count"][july]) == (1, None)
    # In Los Angeles it is 04:30 on 30 June; in Kiritimati (UTC+14) 1 July.
    alice.time_zone = "Pacific/Kiritimati"
    alice.save()
    data = chart(alice_client, date(2024, 5, 15))
    assert (data["spasms"]["count"][june], data["spasms"]["count"][july]) == (None, 1)


def test_months_missing_here_and_there_are_read_once(alice, frozen):
    # Eleven years of months; every other row gone leaves more gaps than a read takes
    # (aggregates.MOST_SPANS): the whole range is read, and no kept month comes twice.
    first = date(2015, 1, 1)
    for year in range(2015, 2026):
        spasm(alice, occurred_at=at(date(year, 6, 10)))
    period = Period(first, TODAY)
    reader = User.objects.get(pk=alice.pk)
    fresh = months.months_in(reader, period)
    rows = MonthFigures.objects.filter(owner=alice).order_by("month")
    assert rows.count() > 2 * aggregates.MOST_SPANS
    MonthFigures.objects.filter(pk__in=list(rows.values_list("pk", flat=True))[::2]).delete()
    again = months.months_in(reader, period)
    assert again == fresh
    assert len({month.first for month in again}) == len(again)
