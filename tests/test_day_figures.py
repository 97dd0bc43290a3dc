"""The per-day figures (diary.day_figures) always equal a fresh count of the entries.

The count here is plain Python over the active entries, each entry's local day and hour taken
with zoneinfo: a second way of working the figures out, not the SQL the app uses.
"""

import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sci_tracker.accounts.models import User
from sci_tracker.diary import day_figures
from sci_tracker.diary.demo import clear_diary, seed_demo
from sci_tracker.diary.models import (
    LegPainEntry,
    PainDay,
    PainProblem,
    SpasmDay,
    SpasmEpisode,
    SpasmHour,
    save_pain_problems,
)
from sci_tracker.trends.aggregates import Period, daily, spasms_by_hour
from tests.conftest import make_user

ZONES = ["Pacific/Auckland", "Europe/London", "America/Denver", "Asia/Kolkata"]
# Around both of London's and Denver's clock changes and Auckland's, late in the evening and
# just after midnight: where a local day is easiest to get wrong.
START = datetime(2026, 3, 6, tzinfo=UTC)
SPAN_MINUTES = 40 * 24 * 60

moment = st.integers(0, SPAN_MINUTES).map(lambda minutes: START + timedelta(minutes=minutes))
operation = st.one_of(
    st.tuples(st.just("spasm"), moment),
    st.tuples(st.just("pain"), moment, st.integers(0, 10), st.integers(0, 3)),
    st.tuples(st.just("move"), st.integers(0, 99), moment),
    st.tuples(st.just("rate"), st.integers(0, 99), st.integers(0, 10)),
    st.tuples(st.just("bin"), st.integers(0, 99)),
    st.tuples(st.just("restore"), st.integers(0, 99)),
    st.tuples(st.just("zone"), st.sampled_from(ZONES)),
    st.tuples(st.just("problems"), st.integers(1, 3)),
    st.tuples(st.just("spasm now"), moment),
)


def counted_afresh(owner):
    """{day: (spasms, at night)}, {(day, hour): spasms} and {(day, problem id): (total,
    entries, worst)}."""
    zone = ZoneInfo(User.objects.get(pk=owner.pk).time_zone)  # as stored (User.zone is cached)
    spasms, night, hours = Counter(), Counter(), Counter()
    active = {"owner": owner, "deleted_at__isnull": True}
    for occurred_at in SpasmEpisode.objects.filter(**active).values_list("occurred_at", flat=True):
        local = occurred_at.astimezone(zone)
        spasms[local.date()] += 1
        night[local.date()] += local.hour in day_figures.NIGHT_HOURS
        hours[(local.date(), local.hour)] += 1
    pain = defaultdict(list)
    rows = LegPainEntry.objects.filter(**active).values_list("occurred_at", "intensity", "problem")
    for occurred_at, intensity, problem in rows:
        pain[(occurred_at.astimezone(zone).date(), problem)].append(intensity)
    return (
        {day: (count, night[day]) for day, count in spasms.items()},
        dict(hours),
        {key: (sum(found), len(found), max(found)) for key, found in pain.items()},
    )


def kept(owner):
    """The same three, from the rows the app keeps (rows of one day and problem added up)."""
    spasms = {row.day: (row.episodes, row.night) for row in SpasmDay.objects.filter(owner=owner)}
    hours = {(row.day, row.hour): row.episodes for row in SpasmHour.objects.filter(owner=owner)}
    pain = defaultdict(lambda: [0, 0, 0])
    for row in PainDay.objects.filter(owner=owner):
        found = pain[(row.day, row.problem_id)]
        found[0] += row.total
        found[1] += row.entries
        found[2] = max(found[2], row.worst)
    return spasms, hours, {key: tuple(found) for key, found in pain.items()}


def apply(owner, step, entries):
    kind, *args = step
    if kind == "spasm":
        entries.append(
            SpasmEpisode.objects.create(owner=owner, logged_by=owner, occurred_at=args[0])
        )
    elif kind == "spasm now":
        entries.append(SpasmEpisode.objects.log_now(owner, owner, tapped_at=args[0]))
    elif kind == "pain":
        at, intensity, slot = args
        problem = PainProblem.objects.filter(owner=owner, slot=slot).first()
        entries.append(
            LegPainEntry.objects.create(
                owner=owner, logged_by=owner, occurred_at=at, intensity=intensity, problem=problem
            )
        )
    elif kind == "zone":
        owner.time_zone = args[0]
        owner.save()
    elif kind == "problems":
        # Name the first `n` slots and free the rest: a freed problem's entries keep no problem.
        save_pain_problems(owner, [f"Problem {n}" if n <= args[0] else "" for n in (1, 2, 3)])
    elif entries:
        entry = entries[args[0] % len(entries)]
        entry.refresh_from_db()
        if kind == "move":
            entry.occurred_at = args[1]
            entry.save()
        elif kind == "rate" and isinstance(entry, LegPainEntry):
            entry.intensity = args[1]
            entry.save()
        elif kind == "bin":
            entry.move_to_bin()
        elif kind == "restore":
            entry.restore()


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(zone=st.sampled_from(ZONES), steps=st.lists(operation, max_size=30))
def test_the_kept_figures_equal_a_fresh_count_after_any_changes(db, zone, steps):
    with transaction.atomic():
        owner = make_user("dana", time_zone=zone)
        save_pain_problems(owner, ["Feet", "Hip", ""])
        entries = []
        for step in steps:
            apply(owner, step, entries)
        owner.refresh_from_db()
        assert kept(owner) == counted_afresh(owner)
        transaction.set_rollback(True)


def test_it_counts_each_day_in_the_persons_zone_and_again_when_it_changes(alice):
    alice.time_zone = "Pacific/Auckland"
    alice.save()
    # 11:30 UTC on 14 March is 00:30 on the 15th in Auckland, 11:30 on the 14th in London.
    at = datetime(2026, 3, 14, 11, 30, tzinfo=UTC)
    SpasmEpisode.objects.create(owner=alice, logged_by=alice, occurred_at=at)
    LegPainEntry.objects.create(owner=alice, logged_by=alice, occurred_at=at, intensity=6)
    march_15 = Period(datetime(2026, 3, 15).date(), datetime(2026, 3, 15).date())
    found = daily(alice, march_15)
    assert (found.spasms, found.night_spasms, found.pain_average) == ([1], [1], [6])
    assert spasms_by_hour(alice, march_15)[0] == 1
    alice.time_zone = "Europe/London"
    alice.save()
    assert list(SpasmDay.objects.filter(owner=alice).values_list("day", "night")) == [
        (datetime(2026, 3, 14).date(), 0)
    ]
    assert list(SpasmHour.objects.filter(owner=alice).values_list("day", "hour")) == [
        (datetime(2026, 3, 14).date(), 11)
    ]
    assert daily(alice, march_15).spasms == [None]
    assert sum(spasms_by_hour(alice, march_15)) == 0


def test_a_severity_tapped_after_spasm_now_recounts_nothing(alice, django_assert_num_queries):
    spasm = SpasmEpisode.objects.create(owner=alice, logged_by=alice, occurred_at=START)
    spasm.severity = 2
    with django_assert_num_queries(3):  # the UPDATE and the diary's version, in a savepoint
        spasm.save(update_fields=["severity"])
    assert SpasmDay.objects.get(owner=alice).episodes == 1


def test_the_command_rebuilds_figures_that_drifted(alice, bob):
    rng = random.Random(3)  # noqa: S311 - made-up data, the same every run
    for person in (alice, bob):
        for _ in range(20):
            at = START + timedelta(minutes=rng.randrange(SPAN_MINUTES))
            SpasmEpisode.objects.create(owner=person, logged_by=person, occurred_at=at)
            LegPainEntry.objects.create(
                owner=person, logged_by=person, occurred_at=at, intensity=rng.randint(0, 10)
            )
    right = {person.pk: kept(person) for person in (alice, bob)}
    SpasmDay.objects.filter(owner=alice).update(episodes=99)  # written around the app
    SpasmHour.objects.filter(owner=bob).update(episodes=7)
    PainDay.objects.filter(owner=bob).delete()
    out = StringIO()
    call_command("rebuild_day_figures", stdout=out)
    assert "Counted the days of 2 diaries." in out.getvalue()
    assert {person.pk: kept(person) for person in (alice, bob)} == right


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Denver"])
def test_the_bulk_written_demo_diary_is_counted_in_each_zone_it_moves_to(db, zone):
    demo = User.objects.get(email=seed_demo("dana", days=60, seed=5).email)
    spasms, hours, pain = kept(demo)
    assert len(spasms) >= 55
    assert len(hours) >= len(spasms)
    assert len(pain) >= 30
    assert kept(demo) == counted_afresh(demo)
    demo.time_zone = zone
    demo.save()
    assert kept(demo) == counted_afresh(demo)
    clear_diary(demo)
    assert kept(demo) == ({}, {}, {})
