import gzip
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from math import fsum, sqrt
from pathlib import Path
from statistics import variance
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from sci_tracker.core.dates import short_date, short_month
from sci_tracker.core.local_time import (
    LocalDate,
    LocalDateByOwner,
    LocalHour,
    LocalHourByOwner,
    offsets_between,
)
from sci_tracker.diary.models import (
    Intervention,
    InterventionUse,
    PainProblem,
    SpasmEpisode,
    TreatmentEvent,
    Trigger,
)
from sci_tracker.sharing.models import ShareLink
from sci_tracker.trends import aggregates, triggers
from sci_tracker.trends.aggregates import Period
from sci_tracker.trends.templatetags.trends import days_in_brackets
from sci_tracker.trends.views import json_key
from tests.conftest import diary_queries, make_user, text_of
from tests.entries import (
    AUCKLAND,
    at,
    builtin,
    care,
    checkin,
    event,
    fill_days,
    pain,
    spasm,
    started_medicine,
)

# Noon on Friday 20 March 2026 in Auckland: alice's "today" in these tests.
TODAY = date(2026, 3, 20)
FROZEN = datetime.combine(TODAY, time(12), AUCKLAND)


# Local dates and hours, worked out by the database ------------------------------------------


def test_it_knows_when_a_zone_changes_its_offset():
    london = ZoneInfo("Europe/London")
    since = datetime(2026, 1, 1, tzinfo=UTC)
    first, changes = offsets_between(london, since, datetime(2027, 1, 1, tzinfo=UTC))
    assert first == timedelta(0)
    assert changes == (
        (datetime(2026, 3, 29, 1, tzinfo=UTC), timedelta(hours=1)),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), timedelta(0)),
    )


@pytest.mark.parametrize("zone_name", ["Pacific/Auckland", "Europe/London", "America/Denver"])
def test_it_finds_the_local_date_and_hour_in_the_database_as_python_does(alice, zone_name):
    zone = ZoneInfo(zone_name)
    alice.time_zone = zone_name
    alice.save()
    # Every 20 minutes through two years: both daylight-saving changes each year, both ways.
    start = datetime(2025, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(minutes=20 * n) for n in range(0, 2 * 365 * 72, 7)]
    SpasmEpisode.objects.bulk_create(
        SpasmEpisode(owner=alice, logged_by=alice, occurred_at=moment) for moment in moments
    )
    span = (zone, start, moments[-1] + timedelta(seconds=1))
    rows = SpasmEpisode.objects.annotate(
        day=LocalDate("occurred_at", *span), hour=LocalHour("occurred_at", *span)
    ).values_list("occurred_at", "day", "hour")
    wrong = [
        (moment, day, hour)
        for moment, day, hour in rows
        if (moment.astimezone(zone).date(), moment.astimezone(zone).hour) != (day, hour)
    ]
    assert len(rows) == len(moments)
    assert wrong == []


def test_it_finds_each_owners_local_date_and_hour_in_one_query(alice, bob):
    carol = make_user("carol", time_zone="Europe/London")
    people = (alice, bob, carol)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(minutes=20 * n) for n in range(0, 2 * 365 * 72, 11)]
    SpasmEpisode.objects.bulk_create(
        SpasmEpisode(owner=person, logged_by=person, occurred_at=moment)
        for person in people
        for moment in moments
    )
    zones = {person.pk: person.zone for person in people}
    span = (zones, start, moments[-1] + timedelta(seconds=1))
    with CaptureQueriesContext(connection) as done:
        rows = list(
            SpasmEpisode.objects.annotate(
                day=LocalDateByOwner("occurred_at", "owner", *span),
                hour=LocalHourByOwner("occurred_at", "owner", *span),
            ).values_list("owner", "occurred_at", "day", "hour")
        )
    wrong = [
        row
        for row in rows
        if (row[1].astimezone(zones[row[0]]).date(), row[1].astimezone(zones[row[0]]).hour)
        != row[2:]
    ]
    assert len(done) == 1
    assert len(rows) == 3 * len(moments)
    assert wrong == []


# Day by day ---------------------------------------------------------------------------------


def test_it_reads_many_peoples_days_in_three_queries_as_it_reads_each_ones(alice, bob):
    carol = make_user("carol", time_zone="Europe/London")
    people = (alice, bob, carol)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for offset, person in enumerate(people):
        fill_days(person, TODAY - timedelta(days=offset), 10)
        # Moments that fall on other local days and hours in each zone (some at night), and
        # pain with and without a pain problem.
        for n in range(60):
            moment = start + timedelta(hours=7 * n, minutes=13 * offset)
            spasm(person, occurred_at=moment)
            if n % 3 == 0:
                pain(person, occurred_at=moment, intensity=n % 11)
    periods = {
        alice: Period(date(2026, 3, 1), TODAY),
        bob: Period(date(2026, 3, 3), TODAY - timedelta(days=1)),
        carol: Period(date(2026, 2, 27), TODAY - timedelta(days=2)),
    }
    with CaptureQueriesContext(connection) as done:
        together = aggregates.daily_for_people(periods)
    assert len(done) == 3
    for person, period in periods.items():
        assert together[person.pk] == aggregates.daily(person, period)
    assert sum(filter(None, together[alice.pk].spasms)) > 60


def test_it_groups_entries_by_the_persons_local_day(alice):
    # 11:30 UTC on the 14th is 00:30 on the 15th in Auckland.
    spasm(alice, occurred_at=datetime(2026, 3, 14, 11, 30, tzinfo=UTC))
    spasm(alice, occurred_at=datetime(2026, 3, 14, 10, 30, tzinfo=UTC))  # 23:30 on the 14th
    by_day = aggregates.daily(alice, Period(date(2026, 3, 13), date(2026, 3, 16)))
    assert by_day.days == [date(2026, 3, d) for d in (13, 14, 15, 16)]
    assert by_day.spasms == [None, 1, 1, None]
    assert by_day.night_spasms == [None, 1, 1, None]


def test_it_counts_night_spasms_from_22_00_to_06_00_local_time(alice):
    day = date(2026, 3, 10)
    for hour, minute in [(5, 59), (6, 0), (12, 0), (21, 59), (22, 0), (23, 59)]:
        spasm(alice, occurred_at=at(day, hour, minute))
    by_day = aggregates.daily(alice, Period(day, day))
    assert by_day.spasms == [6]
    assert by_day.night_spasms == [3]  # 05:59, 22:00 and 23:59
    assert aggregates.spasms_by_hour(alice, Period(day, day))[5:7] == [1, 1]


def test_it_prefers_the_check_in_rating_and_takes_the_worst_of_everything(alice):
    first, second, third = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)
    checkin(alice, first, pain_average=3, pain_worst=5)
    pain(alice, occurred_at=at(first, 9), intensity=8)
    pain(alice, occurred_at=at(second, 9), intensity=4)
    pain(alice, occurred_at=at(second, 18), intensity=7)
    checkin(alice, third, psfs_frequency=2, psfs_severity=3, interference_sleep=6)
    by_day = aggregates.daily(alice, Period(first, date(2026, 3, 4)))
    assert by_day.pain_average == [3, 5.5, None, None]
    assert by_day.pain_worst == [8, 7, None, None]
    # A day with a record but no spasm logged counts none; a day with nothing is unknown.
    assert by_day.spasms == [0, 0, 0, None]
    assert by_day.psfs_frequency == [0, None, 2, None]
    assert by_day.psfs_severity == [None, None, 3, None]
    assert by_day.interference_sleep == [None, None, 6, None]


def test_it_follows_each_pain_problem_on_its_own_line(alice):
    feet = PainProblem.objects.create(owner=alice, slot=1, name="Burning feet")
    hip = PainProblem.objects.create(owner=alice, slot=2, name="Right hip")
    day = date(2026, 3, 5)
    pain(alice, occurred_at=at(day, 8), intensity=6, problem=feet)
    pain(alice, occurred_at=at(day, 9), intensity=4, problem=feet)
    pain(alice, occurred_at=at(day, 10), intensity=2, problem=hip)
    by_day = aggregates.daily(alice, Period(day, day))
    assert [(p.name, p.average) for p in by_day.problems] == [
        ("Burning feet", [5.0]),
        ("Right hip", [2.0]),
    ]
    assert by_day.pain_average == [4.0]


def test_it_leaves_out_the_bin_and_other_people(alice, bob):
    day = date(2026, 3, 5)
    spasm(alice, occurred_at=at(day, 8)).move_to_bin()
    spasm(bob, occurred_at=at(day, 8))
    pain(bob, occurred_at=at(day, 8), intensity=9)
    by_day = aggregates.daily(alice, Period(day, day))
    assert by_day.spasms == [None]
    assert by_day.pain_worst == [None]


def test_it_averages_the_last_seven_days_with_gaps():
    values = [2, None, 4, None, None, None, None, 6, None, None, None, None, None, None, None]
    assert aggregates.rolling_mean(values) == [
        2,
        2,
        3,
        3,
        3,
        3,
        3,
        5,  # the first day has left the window: (4 + 6) / 2
        5,
        6,  # and now the third: 6 alone
        6,
        6,
        6,
        6,
        None,
    ]


def test_it_starts_the_seven_day_mean_with_the_days_before_the_range(alice):
    for n in range(10):
        checkin(alice, date(2026, 3, 1) + timedelta(days=n), pain_average=n, pain_worst=n)
    found = aggregates.overview(alice, Period(date(2026, 3, 8), date(2026, 3, 10)))
    assert found.by_day.pain_average == [7, 8, 9]
    assert found.rolling["pain_average"] == [4, 5, 6]  # means of 1-7, 2-8 and 3-9


# Triggers -----------------------------------------------------------------------------------


def test_it_compares_days_with_a_trigger_against_days_without(alice):
    bladder = builtin(Trigger, "full-bladder")
    start = date(2026, 3, 1)
    for n in range(12):
        day = start + timedelta(days=n)
        with_trigger = n % 2 == 0  # days 0, 2, 4, 6, 8, 10
        checkin(alice, day, pain_average=6 if with_trigger else 2, pain_worst=8)
        for _ in range(3 if with_trigger else 1):
            episode = spasm(alice, occurred_at=at(day, 14))
            if with_trigger:
                episode.triggers.add(bladder)
    [stats] = triggers.trigger_stats(alice, Period(start, start + timedelta(days=11)))
    assert (stats.name, stats.times_logged, stats.days_logged) == ("Full bladder", 18, 6)
    assert (stats.pain_same_day.with_mean, stats.pain_same_day.with_days) == (6, 6)
    assert (stats.pain_same_day.without_mean, stats.pain_same_day.without_days) == (2, 6)
    assert stats.spasms_same_day.difference == 2
    # The next day: the day after each bladder day is a quiet one, and the other way round.
    next_day = stats.pain_next_day
    assert (next_day.with_mean, next_day.with_days) == (2, 6)
    assert (next_day.without_mean, next_day.without_days) == (6, 5)
    assert next_day.shown


@pytest.mark.parametrize(
    "sides",
    [
        ([6.0, 5.5, 7.25, 6.0], [2.0, 3.5, 2.0, 1.0, 2.5]),
        ([4.0 + n / 3 for n in range(3650)], [4.0 - n / 7 for n in range(900)]),
        ([5.0, 5.0, 5.0], [5.0, 5.0]),  # no spread at all, not a rounding error below 0
        ([3.0], [1.0, 2.0, 4.0]),  # one value on a side adds nothing to the degrees
    ],
)
def test_it_pools_the_spread_of_the_two_sides_as_the_textbook_does(sides):
    degrees = sum(len(side) - 1 for side in sides)
    textbook = sqrt(sum((len(side) - 1) * variance(side) for side in sides if len(side) > 1))
    assert aggregates.pooled_spread(*sides) == pytest.approx(textbook / sqrt(degrees), rel=1e-12)
    assert aggregates.pooled_spread([1.0], [2.0]) is None  # no degrees of freedom


@settings(max_examples=200, deadline=None, database=None)
@given(
    figures=st.lists(
        st.one_of(
            st.none(),
            st.integers(0, 40),
            st.tuples(st.integers(0, 60), st.integers(1, 7)).map(lambda t: t[0] / t[1]),
        ),
        max_size=120,
    ),
    marks=st.lists(st.booleans(), min_size=120, max_size=120),
)
def test_a_trigger_comparison_from_the_marked_days_alone_equals_the_split_of_every_day(
    figures, marks
):
    """A comparison from sums takes the unmarked days' as every day's less the marked ones':
    the same figures, to the last bit, as splitting every day's value (compare), however the
    days' sums were cut and added."""
    recorded = [
        (value, mark) for value, mark in zip(figures, marks, strict=False) if value is not None
    ]
    expected = aggregates.compare(figures, marks[: len(figures)])
    cut = len(recorded) // 3
    marked = [
        triggers.Sums.of([v for v, m in part if m]) for part in (recorded[:cut], recorded[cut:])
    ]
    every = [triggers.Sums.of([v for v, _m in part]) for part in (recorded[:cut], recorded[cut:])]
    assert triggers.comparison(marked[0] + marked[1], every[0] + every[1]) == expected


@settings(max_examples=300, deadline=None, database=None)
@given(
    values=st.lists(st.floats(-1e12, 1e12) | st.floats(-1e-12, 1e-12), max_size=200),
    more=st.lists(st.floats(-1e6, 1e6), max_size=20),
)
def test_a_sum_in_exact_parts_adds_to_more_values_as_every_value_does(values, more):
    parts = aggregates.exact_parts(values)
    assert len(parts) <= max(len(values), 8)
    assert fsum(parts + more) == fsum(values + more)
    assert fsum(parts) == fsum(values)


def test_it_shows_each_comparison_with_its_days_and_change_in_the_persons_language(
    alice, alice_client
):
    bladder = builtin(Trigger, "full-bladder")
    start = date(2026, 3, 1)
    for n in range(12):
        day = start + timedelta(days=n)
        with_trigger = n % 2 == 0
        checkin(alice, day, pain_average=6 if with_trigger else 2, pain_worst=8)
        if with_trigger:
            spasm(alice, occurred_at=at(day, 14)).triggers.add(bladder)
    query = {"range": "custom", "from": "2026-03-01", "to": "2026-03-12"}

    page = text_of(alice_client.get(reverse("trends:triggers"), query).text)
    assert "Leg pain (average, 0-10), same day 6.0 (6 days) 2.0 (6 days) +4.0" in page
    assert "Spasms per day, same day 1.0 (6 days) 0.0 (6 days) +1.0" in page
    # The next day: the last day's next day is outside the range, so one day fewer without.
    assert "Leg pain (average, 0-10), next day 2.0 (6 days) 6.0 (5 days) -4.0" in page

    alice.language = "es"
    alice.save()
    page = text_of(alice_client.get(reverse("trends:triggers"), query).text)
    with translation.override("es"):
        pain, same = str(aggregates.PAIN_AVERAGE), str(aggregates.SAME_DAY)
    assert f"{pain}, {same} 6,0 (6 días) 2,0 (6 días) +4,0" in page


def test_it_hides_a_comparison_with_fewer_than_five_days_on_a_side(alice, alice_client):
    cold = builtin(Trigger, "cold")
    start = date(2026, 3, 1)
    for n in range(10):
        day = start + timedelta(days=n)
        checkin(alice, day, pain_average=3, pain_worst=4)
        if n < 4:
            spasm(alice, occurred_at=at(day, 9)).triggers.add(cold)
    [stats] = triggers.trigger_stats(alice, Period(start, start + timedelta(days=9)))
    assert (stats.pain_same_day.with_days, stats.pain_same_day.without_days) == (4, 6)
    assert not stats.pain_same_day.shown
    assert stats.pain_same_day.difference is None

    response = alice_client.get(
        reverse("trends:triggers"), {"range": "custom", "from": "2026-03-01", "to": "2026-03-10"}
    )
    assert "Logged 4 times, on 4 days." in response.text
    assert "Not shown: 4 days with it and 6 without; each side needs at least 5." in response.text
    assert "not what causes" in response.text


def test_it_counts_bladder_bowel_and_skin_events_as_triggers_without_a_second_tick(alice):
    uti = builtin(Trigger, "uti")
    start = date(2026, 3, 1)
    for n in range(12):
        day = start + timedelta(days=n)
        if n % 2 == 0:  # days 0, 2, 4, 6, 8, 10: signs of a urinary infection, logged once
            care(alice, "uti-signs", occurred_at=at(day, 8))
        for _ in range(3 if n % 2 == 0 else 1):
            spasm(alice, occurred_at=at(day, 14))
    # A spasm ticked with the same trigger on a day that has the event too: one day, two logs.
    spasm(alice, occurred_at=at(start, 20)).triggers.add(uti)
    care(alice, "constipation", occurred_at=at(start, 9))
    care(alice, "skin-problem", occurred_at=at(start, 9), site="heel", stage="2")
    care(alice, "skin-problem", occurred_at=at(start, 10), site="foot")
    care(alice, "bowel-missed", occurred_at=at(start, 9))  # by the hour only, not a trigger day
    care(alice, "uti-signs", occurred_at=at(start, 9)).move_to_bin()

    found = {
        stats.slug: stats
        for stats in triggers.trigger_stats(alice, Period(start, start + timedelta(days=11)))
    }

    assert set(found) == {"uti", "constipation", "pressure-injury", "skin-irritation"}
    uti_stats = found["uti"]
    assert (uti_stats.name, uti_stats.times_logged, uti_stats.days_logged) == (
        "Urinary tract infection",
        7,
        6,
    )
    assert (uti_stats.spasms_same_day.with_mean, uti_stats.spasms_same_day.without_mean) == (
        3 + 1 / 6,
        1,
    )
    assert found["pressure-injury"].guide == "why-spasms-happen#trigger-skin"


def test_it_reads_the_same_trigger_figures_from_sums_as_from_days(alice):
    start = date(2026, 3, 1)
    for n in range(6):
        day = start + timedelta(days=n)
        spasm(alice, occurred_at=at(day, 23, 30)).triggers.add(builtin(Trigger, "cold"))
        pain(alice, occurred_at=at(day, 0, 15)).triggers.add(
            builtin(Trigger, "full-bladder"), builtin(Trigger, "cold")
        )
        if n % 2:
            care(alice, "constipation", occurred_at=at(day, 8))
    period = Period(start, start + timedelta(days=5))
    by_sums = triggers.stats_from(alice, triggers.trigger_sums(alice, period))
    assert by_sums == triggers.trigger_stats(alice, period)
    found = {each.slug: each for each in by_sums}
    assert sorted(found) == ["cold", "constipation", "full-bladder"]
    # A spasm and a pain entry a day, on local days (Auckland), not UTC ones.
    assert (found["cold"].name, found["cold"].times_logged, found["cold"].days_logged) == (
        "Cold",
        12,
        6,
    )
    assert (found["constipation"].times_logged, found["constipation"].days_logged) == (3, 3)


def test_it_names_the_most_logged_trigger(alice):
    day = date(2026, 3, 5)
    for slug, times in [("cold", 2), ("full-bladder", 3)]:
        for _ in range(times):
            pain(alice, occurred_at=at(day, 9)).triggers.add(builtin(Trigger, slug))
    assert aggregates.most_logged_trigger(alice, Period(day, day)) == ("Full bladder", 3)


# Interventions and treatment events --------------------------------------------------------


def test_it_counts_what_was_tried_and_the_effects_reported(alice, bob):
    heat, stretching = builtin(Intervention, "heat"), builtin(Intervention, "stretching")
    day = date(2026, 3, 5)
    for effect in ["helped-a-lot", "helped-a-lot", "worse"]:
        InterventionUse.objects.create(
            intervention=heat, effect=effect, spasm=spasm(alice, occurred_at=at(day, 9))
        )
    InterventionUse.objects.create(
        intervention=stretching, pain=pain(alice, occurred_at=at(day, 9))
    )
    binned = pain(alice, occurred_at=at(day, 10))
    InterventionUse.objects.create(intervention=stretching, pain=binned)
    binned.move_to_bin()
    InterventionUse.objects.create(intervention=heat, pain=pain(bob, occurred_at=at(day, 9)))
    found = aggregates.intervention_stats(alice, Period(day, day))
    assert [(item.name, item.times_tried) for item in found] == [
        ("Heat", 3),
        ("Stretching or range of motion", 1),
    ]
    assert found[0].effect_counts() == [
        ("Helped a lot", 2),
        ("Helped a little", 0),
        ("No change", 0),
        ("Made it worse", 1),
        ("Not sure yet", 0),
    ]


def test_it_compares_the_weeks_before_an_injection_with_the_weeks_it_works(alice):
    injection = date(2026, 1, 1)
    for offset in range(-40, 100):
        day = injection + timedelta(days=offset)
        level = 6 if offset < 0 else (5 if offset < 7 else 3)
        checkin(alice, day, pain_average=level, pain_worst=level + 1)
    shot = event(alice, injection, details="Both calves")
    [result] = aggregates.before_and_after(alice, [shot], today=date(2026, 6, 1))
    assert (result.before.start, result.before.end) == (date(2025, 12, 4), date(2025, 12, 31))
    assert (result.after.start, result.after.end) == (date(2026, 1, 8), date(2026, 3, 25))
    label, pain_change = result.measures[0]
    assert label == "Leg pain (average, 0-10)"
    assert (pain_change.without_mean, pain_change.without_days) == (6, 28)
    assert (pain_change.with_mean, pain_change.with_days) == (3, 77)
    assert pain_change.difference == -3
    assert result.after_complete


def test_it_reads_only_the_weeks_around_events_years_apart(alice, monkeypatch):
    first, second = date(2023, 1, 1), date(2026, 1, 1)
    for day_of_event, before, after in ((first, 6, 3), (second, 5, 2)):
        for offset in range(-28, 35):
            level = before if offset < 0 else after
            day = day_of_event + timedelta(days=offset)
            checkin(alice, day, pain_average=level, pain_worst=level)
    changes = [event(alice, day, kind="medicine-change") for day in (first, second)]
    today = second + timedelta(days=20)  # the second's days after run on past today
    read, assemble = [], aggregates._assemble
    monkeypatch.setattr(
        aggregates, "_assemble", lambda days, *rows: read.append(len(days)) or assemble(days, *rows)
    )

    with CaptureQueriesContext(connection) as done:
        earlier, later = aggregates.before_and_after(alice, changes, today)

    # Four weeks before each, days 7 to 34 after the first and days 7 to 20 after the second:
    # 98 days of the three years between them, in daily's three queries.
    assert sorted(read) == [14, 28, 28, 28]
    assert len(diary_queries(done)) == 3
    pain = dict(earlier.measures)["Leg pain (average, 0-10)"]
    assert (pain.without_mean, pain.without_days, pain.with_mean, pain.with_days) == (6, 28, 3, 28)
    pain = dict(later.measures)["Leg pain (average, 0-10)"]
    assert (pain.without_mean, pain.without_days, pain.with_mean, pain.with_days) == (5, 28, 2, 14)
    assert (earlier.after_complete, later.after_complete) == (True, False)


def test_it_reads_one_span_from_first_to_last_when_events_are_many(alice, monkeypatch):
    days = [date(2020, 1, 1) + timedelta(days=100 * n) for n in range(4)]
    for offset in range(0, 400):
        day = days[0] + timedelta(days=offset - 28)
        checkin(alice, day, pain_average=offset % 7, pain_worst=offset % 7)
    changes = [event(alice, day, kind="medicine-change") for day in days]
    today = date(2021, 6, 1)
    apart = aggregates.before_and_after(alice, changes, today)
    read, assemble = [], aggregates._assemble
    monkeypatch.setattr(
        aggregates, "_assemble", lambda days, *rows: read.append(len(days)) or assemble(days, *rows)
    )
    monkeypatch.setattr(aggregates, "MOST_SPANS", 3)

    together = aggregates.before_and_after(alice, changes, today)

    # Four windows 100 days apart, more than three: one read over all 300 days and the weeks
    # around them, with the same figures.
    assert read == [(days[-1] + timedelta(days=34) - (days[0] - timedelta(days=28))).days + 1]
    assert [r.measures for r in together] == [r.measures for r in apart]
    assert apart[0].measures[0][1].with_days == 28


def test_it_says_when_the_window_after_an_event_has_not_ended(alice, alice_client):
    with time_machine.travel(FROZEN, tick=False):
        for offset in range(-30, 5):
            checkin(alice, TODAY + timedelta(days=offset), pain_average=4, pain_worst=5)
        event(alice, TODAY - timedelta(days=3), kind="medicine-change")
        response = alice_client.get(reverse("trends:interventions"))
    assert "Changed a medicine&#x27;s dose, 17 Mar 2026" in response.text
    assert "The window after has not ended yet" in response.text
    assert "Not shown: 27 days before and 0 after" in response.text


def test_it_gives_each_side_of_an_event_its_days_in_the_readers_language(alice, alice_client):
    with time_machine.travel(FROZEN, tick=False):
        for offset in range(-80, 1):
            checkin(alice, TODAY + timedelta(days=offset), pain_average=4, pain_worst=5)
        event(alice, TODAY - timedelta(days=40), kind="medicine-change")
        page = reverse("trends:interventions")
        english = text_of(alice_client.get(page, {"range": "90d"}).text)
        alice.language = "es"
        alice.save()
        spanish = text_of(alice_client.get(page, {"range": "90d"}).text)
    # Four weeks before, days 7 to 34 after: 28 days on each side.
    assert "Leg pain (average, 0-10) 4.0 (28 days) 4.0 (28 days)" in english
    with translation.override("es"):
        pain = str(aggregates.PAIN_AVERAGE)
    assert f"{pain} 4,0 (28 días) 4,0 (28 días)" in spanish
    with translation.override("en-gb"):
        assert (days_in_brackets(1), days_in_brackets(2)) == ("(1 day)", "(2 days)")


# The pages ---------------------------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def test_it_shows_the_trends_with_summaries_and_tables(alice, alice_client, frozen):
    fill_days(alice, TODAY, 14)
    response = alice_client.get(reverse("trends:overview"), {"range": "14d"})
    text = response.text
    assert "Showing 7 Mar 2026 to 20 Mar 2026 (14 days)" in text
    assert "Average leg pain was 3.0 out of 10 over the 14 days with a rating" in text
    assert (
        "You logged 28 spasms over the 14 days with a record: 2.0 a day, of which 1.0 at night"
        in text
    )
    assert "50% of all spasms" in text
    assert "Botulinum toxin injection on 13 Mar 2026" in text
    assert 'data-trends-src="/trends/data.json?from=2026-03-07&amp;to=2026-03-20"' in text
    assert text.count('class="trend-chart"') == 4
    # The tables: one row per day, the newest last, and the heat map.
    assert '<th scope="row">20 Mar 2026</th>' in text
    assert '<td class="heat-6" title="20 Mar 2026">6</td>' in text
    assert "<script>" not in text


def test_it_keeps_the_chosen_range_in_every_link(alice_client, frozen):
    text = alice_client.get(reverse("trends:overview"), {"range": "90d"}).text
    assert "(90 days)" in text
    assert 'href="/trends/triggers/?range=90d"' in text
    assert 'href="?range=90d" aria-current="true"' in text
    custom = {"range": "custom", "from": "2026-01-05", "to": "2026-02-04"}
    text = alice_client.get(reverse("trends:triggers"), custom).text
    assert "Showing 5 Jan 2026 to 4 Feb 2026 (31 days)" in text
    assert (
        'href="/trends/interventions/?range=custom&amp;from=2026-01-05&amp;to=2026-02-04"' in text
    )


def test_it_explains_a_bad_custom_range_and_keeps_what_was_typed(alice_client, frozen):
    bad = {"range": "custom", "from": "2026-03-10", "to": "2026-03-01"}
    response = alice_client.get(reverse("trends:overview"), bad)
    assert response.status_code == 200
    assert "The last day must be on or after the first day." in response.text
    assert 'value="2026-03-10"' in response.text
    assert 'value="2026-03-01"' in response.text
    assert "(30 days)" in response.text  # the page still shows the default range


def test_it_shows_everything_from_the_first_day_logged(alice, alice_client, frozen):
    checkin(alice, date(2024, 2, 29), pain_average=1, pain_worst=2)
    text = alice_client.get(reverse("trends:overview"), {"range": "all"}).text
    assert "Showing 29 Feb 2024 to 20 Mar 2026 (751 days)" in text
    assert "the tables give monthly means" in text


def test_the_calendar_of_a_long_range_shows_its_last_weeks(alice, alice_client, frozen):
    """Over a year, the calendar of worst pain keeps to the last 53 weeks, read from the end."""
    checkin(alice, date(2024, 2, 29), pain_average=1, pain_worst=2)
    checkin(alice, TODAY, pain_average=4, pain_worst=7)
    checkin(alice, TODAY - timedelta(days=364), pain_average=3, pain_worst=5)
    text = alice_client.get(reverse("trends:overview"), {"range": "all"}).text
    assert '<td class="heat-7" title="20 Mar 2026">7</td>' in text
    assert '<td class="heat-5" title="21 Mar 2025">5</td>' in text
    assert 'title="29 Feb 2024"' not in text


def test_each_person_s_everything_starts_from_their_own_first_day(alice, bob, alice_client, frozen):
    """The first day's query is compiled once a process (core.plain_sql.rows_for): the
    second person to ask gets their own first day, not the first one's, nor a day of nobody's."""
    checkin(alice, date(2024, 2, 29), pain_average=1, pain_worst=2)
    checkin(bob, date(2025, 6, 2), pain_average=1, pain_worst=2)
    bob_client = Client()
    bob_client.force_login(bob)
    for client, shown in (
        (alice_client, "Showing 29 Feb 2024 to 20 Mar 2026 (751 days)"),
        (bob_client, "Showing 2 Jun 2025 to 19 Mar 2026 (291 days)"),  # still the 19th in Denver
    ):
        assert shown in client.get(reverse("trends:overview"), {"range": "all"}).text
    carol = make_user("carol")
    assert aggregates.first_recorded_day(carol) is None


@pytest.mark.parametrize("record", ["care", "dose", "ad", "sci-set"])
def test_everything_starts_from_the_first_day_of_any_record(alice, alice_client, frozen, record):
    """Someone may log only their bladder programme, doses, AD episodes or SCI-SET weeks: the
    "All" range starts at the first of those too, on its day in the person's zone (00:30 on
    1 March 2025 in Auckland is still 28 February in UTC)."""
    from tests.entries import ad_episode, dose, medicine, sciset_week  # noqa: PLC0415

    moment = at(date(2025, 3, 1), 0, 30)
    checkin(alice, date(2026, 1, 5), pain_average=1, pain_worst=2)
    if record == "care":
        care(alice, occurred_at=moment)
    elif record == "dose":
        dose(alice, medicine(alice), occurred_at=moment)
    elif record == "ad":
        ad_episode(alice, occurred_at=moment)
    else:
        sciset_week(alice, date(2025, 3, 1))
    text = alice_client.get(reverse("trends:overview"), {"range": "all"}).text
    assert "Showing 1 Mar 2025 to 20 Mar 2026 (385 days)" in text


def test_it_tells_a_new_person_what_the_trends_need(alice_client, frozen):
    text = alice_client.get(reverse("trends:overview")).text
    assert "No leg pain was recorded in this period." in text
    assert "No spasms were logged in this period." in text
    text = alice_client.get(reverse("trends:triggers")).text
    assert "No triggers were logged in this period." in text
    text = alice_client.get(reverse("trends:interventions")).text
    assert "Nothing tried was logged in this period." in text
    assert "No treatment events were logged in this period." in text


def test_it_serves_the_chart_data_as_json(alice, alice_client, frozen):
    fill_days(alice, TODAY, 3)
    response = alice_client.get(reverse("trends:data"), {"from": "2026-03-17", "to": "2026-03-20"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["version"] == 1
    assert (data["from"], data["to"], data["time_zone"]) == (
        "2026-03-17",
        "2026-03-20",
        "Pacific/Auckland",
    )
    assert data["days"] == ["2026-03-17", "2026-03-18", "2026-03-19", "2026-03-20"]
    assert data["pain"]["average"] == [None, 3, 3, 3]
    assert data["pain"]["worst"] == [None, 6, 6, 6]
    assert data["pain"]["problems"] == [
        {"slot": 1, "name": "Feet", "average": [None, 5, 5, 5], "average_7d": [None, 5, 5, 5]}
    ]
    assert data["spasms"]["count"] == [None, 2, 2, 2]
    assert data["spasms"]["night"] == [None, 1, 1, 1]
    assert data["spasms"]["psfs_frequency"] == [None, 2, 2, 2]
    assert data["events"] == [
        {"date": "2026-03-19", "kind": "botox", "label": "Botulinum toxin injection", "details": ""}
    ]
    assert sum(data["spasms_by_hour"]["all"]) == 6
    assert data["spasms_by_hour"]["all"][23] == 3
    assert data["grain"] == "day"
    assert set(data) == {
        "version",
        "grain",
        "from",
        "to",
        "time_zone",
        "days",
        "pain",
        "spasms",
        "interference",
        "spasticity",
        "night_wakings",
        "events",
        "spasms_by_hour",
        "ad_episodes",
    }


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to", "on or after the first day"),
        ({"from": "yesterday", "to": "2026-03-01"}, "from", "Enter a valid date."),
        ({"from": "2026-03-01"}, "to", "Enter the last day to show."),
        ({"from": "1990-01-01", "to": "2026-03-01"}, "from", "20 years or less"),
    ],
)
def test_it_refuses_a_bad_range_for_the_json(alice_client, query, field, message):
    response = alice_client.get(reverse("trends:data"), query)
    assert response.status_code == 400
    assert message in json.loads(response.content)["errors"][field][0]


def test_it_never_shows_another_persons_data(alice, bob, alice_client, frozen):
    fill_days(bob, TODAY, 10)
    PainProblem.objects.create(owner=bob, slot=2, name="Bob's knee")
    urls = [
        reverse(name) for name in ("trends:overview", "trends:triggers", "trends:interventions")
    ]
    for url in [*urls, reverse("home")]:
        text = alice_client.get(url, {"range": "all"}).text
        assert "Feet" not in text
        assert "Cold" not in text
        assert "Heat" not in text
        assert "Botulinum" not in text
    data = json.loads(
        alice_client.get(reverse("trends:data"), {"from": "2026-03-01", "to": "2026-03-20"}).content
    )
    assert data["pain"]["problems"] == []
    assert data["events"] == []
    assert set(data["spasms"]["count"]) == {None}
    # Another person's pain problem cannot be asked for: the pages take no owner at all.
    assert alice_client.get(reverse("trends:overview"), {"owner": bob.pk}).status_code == 200


@pytest.mark.parametrize(
    "name", ["trends:overview", "trends:triggers", "trends:interventions", "trends:data", "home"]
)
def test_it_reads_30_or_300_days_in_the_same_few_queries(alice, alice_client, frozen, name):
    def queries(days):
        with CaptureQueriesContext(connection) as done:
            response = alice_client.get(reverse(name), {"range": "1y"})
        assert response.status_code == 200
        return len(diary_queries(done))

    fill_days(alice, TODAY, 30)
    month = queries(30)
    fill_days(alice, TODAY - timedelta(days=30), 270)
    assert queries(300) == month
    # The overview: + SCI-SET weeks, + the care weeks and the skin problems open before them,
    # + the doses by week; the triggers: + 3 for the spasms after events (by the hour).
    # Home: + today's due doses and the spasms after events. The overview: + the closed past's
    # whole months, read from their rows (trends.month_days), their hours apart; the overview
    # and the triggers: + the missing months' hours, when this first view writes their rows.
    # The triggers: + the months' trigger marks read from the rows, and written into them.
    ceiling = {"trends:overview": 19, "trends:triggers": 18, "home": 13}.get(name, 12)
    assert month <= ceiling


def test_it_sums_up_the_week_on_the_home_page(alice, alice_client, frozen):
    for n in range(14):
        day = TODAY - timedelta(days=n)
        this_week = n < 7
        checkin(alice, day, pain_average=3 if this_week else 5, pain_worst=6, interference_sleep=2)
        for _ in range(2):
            spasm(alice, occurred_at=at(day, 13)).triggers.add(builtin(Trigger, "cold"))
    text = alice_client.get(reverse("home")).text
    assert "Your last 7 days" in text
    assert "Average leg pain went down from 5.0 to 3.0." in text
    assert 'href="/trends/?range=14d#pain"' in text
    assert "Spasms per day went" not in text  # 2 a day both weeks
    assert "Most logged trigger in March" in text
    assert "Cold" in text


def test_it_keeps_the_first_steps_until_there_is_something_to_sum_up(alice_client):
    text = alice_client.get(reverse("home")).text
    assert "What to do first" in text
    assert "Your last 7 days" not in text


def test_it_shows_a_new_entry_at_once_though_the_figures_are_cached(alice, alice_client, frozen):
    fill_days(alice, TODAY, 3)
    alice_client.get(reverse("trends:overview"), {"range": "14d"})  # fills the cache
    query = {"from": "2026-03-18", "to": "2026-03-20"}
    first = alice_client.get(reverse("trends:data"), query)
    assert json.loads(first.content)["spasms"]["count"] == [2, 2, 2]
    # The browser asks again with the ETag: nothing changed, so nothing is sent.
    again = alice_client.get(
        reverse("trends:data"), query, headers={"if-none-match": first["ETag"]}
    )
    assert again.status_code == 304

    with time_machine.travel(FROZEN + timedelta(minutes=5), tick=False):
        alice_client.post(reverse("diary:spasm_now"))
        changed = alice_client.get(
            reverse("trends:data"), query, headers={"if-none-match": first["ETag"]}
        )
        page = alice_client.get(reverse("trends:overview"), {"range": "14d"}).text
    assert changed.status_code == 200
    assert json.loads(changed.content)["spasms"]["count"] == [2, 2, 3]
    assert "You logged 7 spasms over the 3 days with a record" in page


@pytest.mark.parametrize(
    "change",
    [
        lambda entry: entry.move_to_bin(),
        lambda entry: entry.triggers.add(builtin(Trigger, "full-bladder")),
        lambda entry: InterventionUse.objects.create(
            intervention=builtin(Intervention, "stretching"), spasm=entry
        ),
        lambda entry: PainProblem.objects.create(owner=entry.owner, slot=3, name="Knees"),
    ],
    ids=["bin", "trigger", "intervention", "pain-problem"],
)
def test_it_moves_the_diary_version_on_with_every_change(alice, change):
    entry = spasm(alice, occurred_at=at(TODAY, 9))
    alice.refresh_from_db()
    before = alice.diary_version
    change(entry)
    alice.refresh_from_db()
    assert alice.diary_version > before


def test_it_keeps_the_trends_pages_javascript_under_60_kb_gzipped(alice_client):
    html = alice_client.get(reverse("trends:overview")).text
    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    assert "vendor/uplot/uPlot.iife.min.js" in scripts
    assert "js/trends.js" in scripts
    sizes = [len(gzip.compress(Path(finders.find(path)).read_bytes(), 9)) for path in scripts]
    assert sum(sizes) <= 60 * 1024


def test_it_lists_the_spasms_of_each_hour_in_a_table(alice, alice_client, frozen):
    spasm(alice, occurred_at=at(TODAY, 23, 10))
    spasm(alice, occurred_at=at(TODAY, 23, 40))
    spasm(alice, occurred_at=at(TODAY, 9))
    text = alice_client.get(reverse("trends:overview")).text
    hours = re.search(r'id="hours".*?</section>', text, re.S).group(0)
    assert '<th scope="row">09:00</th><td>1</td><td>No</td>' in hours
    assert '<th scope="row">23:00</th><td>2</td><td>Yes</td>' in hours
    assert '<th scope="row">00:00</th><td>0</td><td>Yes</td>' in hours


# The check-in's spasticity rating and night wakings -------------------------------------------


def spasticity_diary(alice):
    """7 to 20 March: a spasticity rating of 6 (8 on the 10th) and 2 wakings a night in the first
    week, with no check-in on the 13th; 3 and no wakings in the second, but 1 on the 20th."""
    for n in range(14):
        day = date(2026, 3, 7) + timedelta(days=n)
        if day == date(2026, 3, 13):
            continue
        first_week = n < 7
        checkin(
            alice,
            day,
            spasticity=(8 if day.day == 10 else 6) if first_week else 3,
            night_wakings=2 if first_week else (1 if day == TODAY else 0),
        )


def section(text, anchor):
    return re.search(rf'<section class="trend" id="{anchor}".*?</section>', text, re.S).group(0)


def test_it_sums_up_the_spasticity_rating_and_night_wakings(alice, alice_client, frozen):
    spasticity_diary(alice)
    text = alice_client.get(reverse("trends:overview"), {"range": "14d"}).text
    rating = section(text, "spasticity")
    assert (
        "The spasticity rating (stiffness and spasms overall, 0 none, 10 worst) averaged 4.5 out "
        "of 10 over the 13 days with a rating."
    ) in rating
    assert "The highest was 8 out of 10, on 10 Mar 2026." in rating
    assert "In the last 7 days it averaged 3.0, against 6.3 in the first 7 days." in rating
    assert 'data-chart="spasticity"' in rating
    # The table: the day's rating and its 7-day mean (6, 6, 6 and 8 from the 7th).
    assert re.search(r'<th scope="row">10 Mar 2026</th>\s*<td>8</td>\s*<td>6.5</td>', rating)
    assert re.search(r'<th scope="row">13 Mar 2026</th>\s*<td>–</td>', rating)

    wakings = section(text, "night-wakings")
    assert (
        "Spasms or pain woke you on 7 nights of the 13 with an answer: 1.0 times a night on "
        "average."
    ) in wakings
    assert "The most in one night was 2 wakings, on 7 Mar 2026." in wakings
    assert "In the last 7 days it was 0.1 times a night, against 2.0 in the first 7 days." in (
        wakings
    )
    assert 'data-chart="night-wakings"' in wakings
    assert re.search(r'<th scope="row">20 Mar 2026</th>\s*<td>1</td>\s*<td>0.1</td>', wakings)


def test_it_counts_one_night_in_the_singular(alice, alice_client, frozen):
    checkin(alice, TODAY, spasticity=5, night_wakings=1)
    text = alice_client.get(reverse("trends:overview"), {"range": "7d"}).text
    assert "was 5.0 out of 10 on the 1 day with a rating." in text
    assert "Spasms or pain woke you on 1 night of the 1 with an answer" in text
    assert "The most in one night was 1 waking, on 20 Mar 2026." in text
    assert "In the last 7 days it averaged" not in text  # a week has nothing to compare with


def test_it_gives_weekly_means_of_the_rating_and_wakings_for_a_long_range(
    alice, alice_client, frozen
):
    spasticity_diary(alice)
    text = alice_client.get(reverse("trends:overview"), {"range": "1y"}).text
    rating = section(text, "spasticity")
    # Weeks run from the range's first day, 21 March 2025: one of them is 6 to 12 March 2026.
    row = r'<th scope="row">6 Mar to 12 Mar 2026</th>\s*<td>{}</td>\s*<td>6</td>'
    assert re.search(row.format("6.3"), rating)
    assert re.search(row.format("2.0"), section(text, "night-wakings"))


def test_it_gives_monthly_means_for_a_range_over_a_year(alice, alice_client, frozen):
    checkin(alice, date(2024, 2, 29), spasticity=9, night_wakings=4)
    spasticity_diary(alice)
    text = alice_client.get(reverse("trends:overview"), {"range": "all"}).text
    rating = section(text, "spasticity")
    # Calendar months, the first and last cut by the range: 29 Feb 2024, then 25 months.
    assert len(re.findall(r'<th scope="row">', rating)) == 26
    assert re.search(
        r'<th scope="row">29 Feb to 29 Feb 2024</th>\s*<td>9.0</td>\s*<td>1</td>', rating
    )
    # The month's mean is the mean of its days as data.json gives them (13 rated days).
    data = alice_client.get(reverse("trends:data"), {"from": "2026-03-01", "to": "2026-03-20"})
    rated = [value for value in data.json()["spasticity"]["rating"] if value is not None]
    assert f"{sum(rated) / len(rated):.1f}" == "4.5"
    row = r'<th scope="row">1 Mar to 20 Mar 2026</th>\s*<td>{}</td>\s*<td>13</td>'
    assert re.search(row.format("4.5"), rating)
    assert re.search(row.format("1.0"), section(text, "night-wakings"))
    assert '<th scope="col">Month</th>' in rating


def test_it_says_what_to_do_when_no_check_in_rated_spasticity(alice, alice_client, frozen):
    checkin(alice, TODAY, pain_average=2, pain_worst=3)  # a check-in, but neither answer
    text = alice_client.get(reverse("trends:overview")).text
    rating, wakings = section(text, "spasticity"), section(text, "night-wakings")
    assert "No check-in gave a spasticity rating (0-10) in this period." in rating
    assert "Nothing to draw yet. Rate your stiffness and spasms from 0 to 10" in rating
    assert f'<a href="{reverse("diary:new", args=["checkin"])}">daily check-in</a>' in rating
    assert "No check-in counted night wakings in this period." in wakings
    assert "Nothing to draw yet." in wakings
    assert "data-chart=" not in rating + wakings
    assert "<table" not in rating + wakings
    data = json.loads(alice_client.get(reverse("trends:data")).content)
    assert set(data["spasticity"]["rating"]) == {None}
    assert set(data["night_wakings"]["count"]) == {None}


def test_it_serves_the_spasticity_rating_and_night_wakings_as_json(alice, alice_client, frozen):
    spasticity_diary(alice)
    response = alice_client.get(reverse("trends:data"), {"from": "2026-03-09", "to": "2026-03-14"})
    data = json.loads(response.content)
    assert data["days"][0] == "2026-03-09"
    assert data["spasticity"] == {
        "rating": [6, 8, 6, 6, None, 3],
        # The 7-day means reach back before the range: from 7 March.
        "rating_7d": [6, 6.5, 6.4, 6.33, 6.33, 5.83],
    }
    assert data["night_wakings"] == {
        "count": [2, 2, 2, 2, None, 0],
        "count_7d": [2, 2, 2, 2, 2, 1.67],
    }


def test_the_7_day_means_reach_back_before_the_range_whichever_page_came_first(
    alice, alice_client, frozen
):
    """The overview is worked out once for both the page and its JSON (the page first here):
    the JSON's 7-day means, a pain problem's too, still count the days before the range."""
    feet = PainProblem.objects.create(owner=alice, slot=1, name="Feet")
    pain(alice, problem=feet, intensity=8, occurred_at=at(date(2026, 3, 15), 9))
    pain(alice, problem=feet, intensity=2, occurred_at=at(date(2026, 3, 18), 9))
    days = {"from": "2026-03-17", "to": "2026-03-20"}
    alice_client.get(reverse("trends:overview"), {"range": "custom", **days})
    data = alice_client.get(reverse("trends:data"), days).json()
    # 15 March's 8 is inside every day's seven: 8 alone on the 17th, then (8 + 2) / 2.
    assert data["pain"]["average"] == [None, 2, None, None]
    assert data["pain"]["average_7d"] == [8, 5, 5, 5]
    assert data["pain"]["problems"] == [
        {"slot": 1, "name": "Feet", "average": [None, 2, None, None], "average_7d": [8, 5, 5, 5]}
    ]


def test_it_keeps_the_rating_and_wakings_to_the_days_a_share_link_shows(alice, frozen):
    checkin(alice, date(2026, 3, 1), spasticity=9, night_wakings=5)
    checkin(alice, date(2026, 3, 10), spasticity=2, night_wakings=1)
    _, token = ShareLink.make(alice, 7, shows_from=date(2026, 3, 5), shows_to=date(2026, 3, 12))
    visitor = Client()
    url = reverse("trends:overview", kwargs={"token": token})
    rating = section(visitor.get(url, {"range": "30d"}).text, "spasticity")
    assert "was 2.0 out of 10 on the 1 day with a rating." in rating
    data = visitor.get(reverse("trends:data", kwargs={"token": token})).json()
    assert 9 not in data["spasticity"]["rating"]
    assert 5 not in data["night_wakings"]["count"]
    assert data["spasticity"]["rating"][data["days"].index("2026-03-10")] == 2

    # A reader cannot log: the empty section says where the answers come from, with no link.
    _, other = ShareLink.make(alice, 7, shows_from=date(2026, 3, 15))
    text = Client().get(reverse("trends:overview", kwargs={"token": other})).text
    rating = section(text, "spasticity")
    assert "Nothing to draw yet: the rating comes from the daily check-in." in rating
    assert "<a " not in rating


# In the reader's language ----------------------------------------------------------------------


def test_it_writes_short_dates_in_the_readers_language():
    # Django's own catalogue names the months, so this holds before the app has any of its own.
    day = date(2025, 12, 5)
    with translation.override("en-gb"):
        assert short_date(day) == "5 Dec 2025"
        assert short_date(day, year=False) == "5 Dec"
    with translation.override("es"):
        assert short_date(day) == "5 Dic 2025"
        assert short_month(day, year=True) == "Dic 2025"


def test_it_keeps_a_copy_of_the_chart_data_for_each_language(alice):
    # The JSON names treatment events and clinic visits in words: one language's copy must not
    # be served to a reader of another.
    period = Period(date(2026, 1, 1), date(2026, 1, 31))
    with translation.override("en-gb"):
        english = json_key(alice, period)
    with translation.override("es"):
        spanish = json_key(alice, period)
    assert english != spanish


def test_treatment_events_are_read_as_the_orm_reads_them(alice, bob):
    """aggregates.treatment_events reads values with a statement compiled once and makes the
    events from them: the same events, fields and medicines as select_related gives, each
    described with no query more, and only the person's own, in the period, out of the bin."""
    started = started_medicine(alice, day=date(2026, 3, 1))
    event(alice, date(2026, 2, 20), details="Injection in both calves")
    event(alice, date(2026, 1, 5))  # before the period
    event(bob, date(2026, 3, 2))
    event(alice, date(2026, 3, 4)).move_to_bin()
    period = Period(date(2026, 2, 1), date(2026, 3, 20))

    found = aggregates.treatment_events(alice, period)
    orm = list(
        TreatmentEvent.objects.filter(
            owner=alice, deleted_at__isnull=True, date__gte=period.start, date__lte=period.end
        )
        .select_related("medicine")
        .order_by("date", "pk")
    )

    assert [each.pk for each in found] == [each.pk for each in orm]
    assert len(found) == 2
    for mine, theirs in zip(found, orm, strict=True):
        for field in TreatmentEvent._meta.concrete_fields:
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
    with CaptureQueriesContext(connection) as statements:
        described = [each.described for each in found]
    assert described == [each.described for each in orm]
    assert described[1].startswith(f"{started.name} 10 mg, 08:00")
    assert len(statements) == 0
