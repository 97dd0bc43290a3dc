"""A sudden rise in spasms: the rule on made-up diaries, and the home page's notice."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sci_tracker.accounts.models import User
from sci_tracker.diary import day_figures
from sci_tracker.diary.demo import seed_demo
from sci_tracker.diary.models import SpasmEpisode
from sci_tracker.trends.aggregates import Daily, Period
from sci_tracker.trends.rise import (
    Measured,
    penn_rise,
    periods,
    read_period,
    spasm_count_rise,
    sudden_rise,
    sudden_rise_for,
)
from tests.conftest import diary_queries
from tests.entries import AUCKLAND, at, checkin, pain

# Noon on Friday 20 March 2026 in Auckland: alice's "today" in these tests.
TODAY = date(2026, 3, 20)
FROZEN = datetime.combine(TODAY, time(12), AUCKLAND)
RECENT, USUAL = periods(TODAY)


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def made_up(spasms=None, penn=None):
    """A Daily over the 31 days the rule reads: `spasms` and `penn` are the usual days' values
    (28, oldest first) followed by the recent days' (3), None where nothing was kept."""
    days = read_period(TODAY).days
    nothing = [None] * len(days)
    spasms = spasms or nothing
    penn = penn or nothing
    assert len(spasms) == len(penn) == len(days)
    names = (
        "pain_average",
        "pain_worst",
        "night_spasms",
        "psfs_severity",
        "interference_activities",
        "interference_mood",
        "interference_sleep",
        "spasticity",
        "night_wakings",
    )
    empty = dict.fromkeys(names, nothing)
    return Daily(days=days, problems=[], spasms=spasms, psfs_frequency=penn, **empty)


# The rule on its own ------------------------------------------------------------------------


def test_it_reads_the_last_3_local_days_against_the_28_before():
    recent, usual = periods(TODAY)
    assert (recent.start, recent.end) == (date(2026, 3, 18), TODAY)
    assert (usual.start, usual.end, usual.length) == (date(2026, 2, 18), date(2026, 3, 17), 28)
    assert read_period(TODAY) == Period(date(2026, 2, 18), date(2026, 3, 20))


def test_it_finds_a_rise_in_spasms_logged():
    found = sudden_rise(made_up(spasms=[2] * 28 + [9, 8, 7]), TODAY)
    assert found.spasms == Measured(8, 2, 3, 28)
    assert found.penn is None
    assert (found.recent, found.usual) == (RECENT, USUAL)


def test_it_finds_no_rise_in_an_ordinary_spread_of_days():
    usual = [1, 5, 2, 6, 3, 4] * 4 + [2, 5, 3, 4]  # a mean of 3.5
    assert sudden_rise(made_up(spasms=usual + [6, 5, 6]), TODAY) is None


def test_it_says_nothing_on_too_little_data():
    # 13 kept days of the 28: not enough to know the person's usual.
    thin_usual = [None, 1] * 14
    thin_usual[1] = None
    assert sum(day is not None for day in thin_usual) == 13
    assert sudden_rise(made_up(spasms=thin_usual + [9, 9, 9]), TODAY) is None
    # One kept day of the last 3: not enough to call it a rise.
    assert sudden_rise(made_up(spasms=[1] * 28 + [None, None, 20]), TODAY) is None
    # Nothing at all.
    assert sudden_rise(made_up(), TODAY) is None


def test_it_counts_14_kept_days_and_2_recent_days_as_enough():
    usual = [None, 1] * 14
    assert sudden_rise(made_up(spasms=usual + [None, 5, 3]), TODAY).spasms == Measured(4, 1, 2, 14)


@pytest.mark.parametrize(
    ("usual", "recent", "rises"),
    [
        ([3] * 28, [6, 6, 6], True),  # exactly twice and exactly 3 a day more
        ([3] * 28, [6, 6, 5], False),  # twice not reached (5.67)
        ([4] * 28, [7, 7, 7], False),  # 3 a day more, but not twice
        ([1] * 28, [2, 2, 2], False),  # twice, but only 1 a day more
        ([0] * 28, [3, 3, 3], True),  # none usually, 3 a day now
        ([0] * 28, [3, 3, 2], False),
    ],
)
def test_it_needs_both_twice_the_usual_and_3_a_day_more(usual, recent, rises):
    assert (spasm_count_rise(recent, usual) is not None) is rises


def test_it_counts_a_kept_day_without_spasms_as_none_logged():
    # The same day values daily() gives: 0 on a day with only a check-in, None on a blank day.
    assert spasm_count_rise([0, 7, 5], [0, 1] * 14) == Measured(4, 0.5, 3, 28)
    # A blank day is not a day without spasms: it is left out.
    assert spasm_count_rise([None, 7, 5], [None, 1] * 14) == Measured(6, 1, 2, 14)


def test_it_finds_a_penn_only_rise():
    found = sudden_rise(made_up(penn=[1] * 28 + [3, 3, 4]), TODAY)
    assert found.spasms is None
    assert found.penn == Measured(3, 1, 3, 28)
    assert found.penn_recent_label == "3: Spasms more than once an hour"
    assert found.penn_usual_label.startswith("1: Mild spasms only when something sets them off")


@pytest.mark.parametrize(
    ("usual", "recent", "rises"),
    [
        ([1] * 28, [3, 3, 1], True),  # 2 of the 3 days at 3: the median is 3
        ([1] * 28, [3, 1, 1], False),  # one bad day is not a rise
        ([1] * 28, [2, 2, 2], False),  # one category up: within everyday change
        ([3] * 28, [4, 4, 4], False),  # a usual of 3 cannot rise by 2
        ([1] * 28, [3, None, 3], True),  # 2 check-ins of the 3 days are enough
        ([1] * 28, [3, 4, None], True),
        ([1] * 28, [3, 2, None], False),  # of two answers, the lower: 2
        ([1] * 14 + [2] * 14, [3, 3, 3], False),  # of an even usual, the higher middle: 2
        ([1] * 15 + [2] * 13, [3, 3, 3], True),
        ([None, 0] * 14, [2, 2, 2], True),  # 14 check-ins are enough
        ([None, 0] * 13 + [None, None], [4, 4, 4], False),  # 13 are not
        ([0] * 28, [4, None, None], False),  # nor is 1 recent check-in
    ],
)
def test_it_compares_penn_frequency_by_median(usual, recent, rises):
    assert (penn_rise(recent, usual) is not None) is rises


def test_it_reports_both_when_both_rose():
    found = sudden_rise(made_up(spasms=[1] * 28 + [8, 8, 8], penn=[0] * 28 + [3, 3, 3]), TODAY)
    assert found.spasms == Measured(8, 1, 3, 28)
    assert found.penn == Measured(3, 0, 3, 28)


# The rule on a stored diary -------------------------------------------------------------------


def keep_days(owner, counts, last=TODAY, hour=10, minute=0):
    """A made-up diary: the day counts oldest first, ending on `last`; a day counted 0 is kept
    with a pain entry, a day counted None is left blank. Spasms at explicit local times."""
    first = last - timedelta(days=len(counts) - 1)
    episodes = []
    for n, count in enumerate(counts):
        day = first + timedelta(days=n)
        if count == 0:
            pain(owner, occurred_at=at(day, hour))
        for n in range(count or 0):
            moment = at(day, hour, minute + n)
            episodes.append(SpasmEpisode(owner=owner, logged_by=owner, occurred_at=moment))
    SpasmEpisode.objects.bulk_create(episodes)
    day_figures.rebuild(owner.pk)  # bulk_create skips the saves that count the days


def test_it_reads_the_persons_own_local_days(alice, frozen):
    # 2 a day for four weeks, then 8 a day: each logged just after midnight in Auckland, which
    # is still the day before in UTC. Today is kept with a pain entry and no spasm.
    keep_days(alice, [2] * 28 + [8, 8], last=TODAY - timedelta(days=1), hour=0, minute=30)
    keep_days(alice, [0], last=TODAY)
    assert at(TODAY - timedelta(days=1), 0, 30).astimezone(UTC).date() == date(2026, 3, 18)
    found = sudden_rise_for(alice)
    assert found.spasms == Measured(16 / 3, 2, 3, 28)


def test_it_leaves_out_the_bin_and_other_people(alice, bob, frozen):
    keep_days(alice, [2] * 28 + [2, 2, 2])
    keep_days(bob, [2] * 28 + [20, 20, 20])
    for minute in range(20):
        episode = SpasmEpisode.objects.create(
            owner=alice, logged_by=alice, occurred_at=at(TODAY, 11, minute)
        )
        episode.move_to_bin()
    assert sudden_rise_for(alice) is None


# The home page ---------------------------------------------------------------------------------


def home_text(client):
    html = client.get(reverse("home")).text
    notice = re.search(r'<section class="rise-notice".*?</section>', html, re.S)
    return html, (" ".join(re.sub(r"<[^>]+>", " ", notice.group(0)).split()) if notice else None)


def test_it_tells_the_person_in_plain_words_and_names_the_hidden_causes(
    alice, alice_client, frozen
):
    keep_days(alice, [2] * 28 + [9, 8, 7])
    html, notice = home_text(alice_client)
    assert notice.startswith("Your spasms have gone up in the last 3 days")
    assert (
        "You logged 8.0 spasms a day over the last 3 days, against your usual 2.0 a day over the "
        "4 weeks before." in notice
    )
    assert "Your usual comes from the 28 days you kept your diary in those 4 weeks." in notice
    assert "a cause below your injury that you may not feel" in notice
    for cause in ("Bladder:", "catheter", "bladder infection", "Bowel:", "constipated"):
        assert cause in notice
    for cause in ("Skin:", "pressure sore", "ingrown toenail", "An infection somewhere else"):
        assert cause in notice
    assert "A broken bone or a knock below the level of your injury? It may not hurt." in notice
    assert "contact your doctor or SCI team soon" in notice
    assert "guidance, not a diagnosis" in notice
    assert 'href="/guides/red-flags/#sudden-rise-in-spasms"' in html
    assert 'href="/trends/?range=30d#spasms"' in html
    # Calm: no alert role, no urgent styling, and nothing about a pump she does not have.
    section = re.search(r'<section class="rise-notice".*?</section>', html, re.S).group(0)
    assert 'role="alert"' not in section
    assert "urgent" not in section
    assert "pump" not in notice
    assert "check-ins" not in notice


def test_it_says_nothing_when_spasms_did_not_rise(alice, alice_client, frozen):
    keep_days(alice, [3] * 28 + [4, 5, 4])
    html, notice = home_text(alice_client)
    assert "Your last 7 days" in html  # the home page has figures, but no notice
    assert notice is None
    assert "gone up" not in html


def test_it_says_nothing_on_too_little_diary(alice, alice_client, frozen):
    keep_days(alice, [1] * 10 + [15, 15, 15])  # 10 usual days, a steep rise
    html, notice = home_text(alice_client)
    assert "Your last 7 days" in html
    assert notice is None


def test_it_tells_a_penn_only_rise_in_the_scales_own_words(alice, alice_client, frozen):
    for n in range(31):
        day = TODAY - timedelta(days=30 - n)
        frequency = 3 if n >= 28 else 1
        checkin(alice, day, psfs_frequency=frequency, psfs_severity=1)
    _, notice = home_text(alice_client)
    assert (
        "Your daily check-ins in the last 3 days mostly rated how often spasms came as "
        "“3: Spasms more than once an hour”. Your usual over the 4 weeks before is "
        "“1: Mild spasms only when something sets them off (touch, movement)”." in notice
    )
    assert "spasms a day" not in notice  # no spasm was logged one by one


def test_it_names_pump_withdrawal_to_a_person_with_a_pump(alice, alice_client, frozen):
    alice.has_baclofen_pump = True
    alice.save()
    keep_days(alice, [1] * 28 + [6, 6, 6])
    html, notice = home_text(alice_client)
    assert "You have a baclofen pump: spasms coming back can be an early sign" in notice
    assert "If you also have itching, fever or confusion, or feel faint, call your" in notice
    assert 'href="/guides/red-flags/#baclofen-pump-withdrawal"' in html


def test_it_shows_the_home_page_in_the_same_queries_for_a_short_or_long_diary(
    alice, alice_client, frozen
):
    def queries():
        with CaptureQueriesContext(connection) as done:
            response = alice_client.get(reverse("home"))
        assert response.status_code == 200
        return len(diary_queries(done)), "rise-notice" in response.text

    keep_days(alice, [2] * 28 + [9, 9, 9])
    short = queries()
    keep_days(alice, [3] * 400, last=TODAY - timedelta(days=31))
    assert short[1]
    assert queries() == short
    # + today's due doses and the spasms after bladder, bowel, skin and medicine events.
    assert short[0] <= 13


def test_it_stays_quiet_on_the_demo_diarys_ordinary_ups_and_downs(db, frozen):
    # A year of made-up diary with its bladder-day peaks: not one sudden rise at its end.
    for seed in range(3):
        outcome = seed_demo(name=f"demo{seed}", days=365, seed=seed)
        assert sudden_rise_for(User.objects.get(email=outcome.email)) is None
