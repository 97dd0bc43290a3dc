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
    PainTriggerDay,
    SpasmDay,
    SpasmEpisode,
    SpasmHour,
    SpasmTriggerDay,
    Trigger,
    save_pain_problems,
)
from sci_tracker.diary.one_change import one_change
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
    # Triggers: from the entry's side and from the trigger's, a new entry with its links written
    # as the web form writes them, and a trigger deleted.
    st.tuples(st.just("link"), st.integers(0, 99), st.integers(0, 2)),
    st.tuples(st.just("unlink"), st.integers(0, 99), st.integers(0, 2)),
    st.tuples(st.just("clear"), st.integers(0, 99)),
    st.tuples(st.just("link back"), st.integers(0, 2), st.integers(0, 99)),
    st.tuples(st.just("unlink back"), st.integers(0, 2), st.integers(0, 99)),
    st.tuples(st.just("clear back"), st.integers(0, 2)),
    st.tuples(st.just("new with triggers"), moment, st.booleans(), st.integers(0, 2)),
    st.tuples(st.just("delete trigger"), st.integers(0, 2)),
)


def counted_afresh(owner):
    """{day: (spasms, at night)}, {(day, hour): spasms}, {(day, problem id): (total,
    entries, worst)} and {(kind, day, trigger id): entries}."""
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
    triggers = Counter()
    for model in (SpasmEpisode, LegPainEntry):
        for entry in model.objects.filter(**active).prefetch_related("triggers"):
            for trigger in entry.triggers.all():
                day = entry.occurred_at.astimezone(zone).date()
                triggers[(model.__name__, day, trigger.pk)] += 1
    return (
        {day: (count, night[day]) for day, count in spasms.items()},
        dict(hours),
        {key: (sum(found), len(found), max(found)) for key, found in pain.items()},
        dict(triggers),
    )


def kept(owner):
    """The same four, from the rows the app keeps (rows of one day and problem added up)."""
    spasms = {row.day: (row.episodes, row.night) for row in SpasmDay.objects.filter(owner=owner)}
    hours = {(row.day, row.hour): row.episodes for row in SpasmHour.objects.filter(owner=owner)}
    pain = defaultdict(lambda: [0, 0, 0])
    for row in PainDay.objects.filter(owner=owner):
        found = pain[(row.day, row.problem_id)]
        found[0] += row.total
        found[1] += row.entries
        found[2] = max(found[2], row.worst)
    triggers = {
        (model, row.day, row.trigger_id): row.entries
        for model, rows in (("SpasmEpisode", SpasmTriggerDay), ("LegPainEntry", PainTriggerDay))
        for row in rows.objects.filter(owner=owner)
    }
    return spasms, hours, {key: tuple(found) for key, found in pain.items()}, triggers


def own_triggers(owner):
    return [Trigger.objects.create(owner=owner, slug=f"own-{n}", name=f"Own {n}") for n in range(3)]


def apply(owner, step, entries, triggers):
    kind, *args = step
    if kind == "new with triggers":
        at, spasm, n = args
        model = SpasmEpisode if spasm else LegPainEntry
        fields = {} if spasm else {"intensity": 5}
        with one_change():
            entry = model.objects.create(owner=owner, logged_by=owner, occurred_at=at, **fields)
            links = model.triggers.through
            name = f"{model._meta.model_name}_id"
            links.objects.bulk_create(
                [links(**{name: entry.pk, "trigger_id": t.pk}) for t in triggers[: n + 1]]
            )
        entries.append(entry)
    elif kind == "delete trigger":
        triggers[args[0]].delete()
        triggers[args[0]] = Trigger.objects.create(
            owner=owner, slug=f"own-{len(entries)}-{args[0]}", name="Another"
        )
    elif kind == "clear back":
        triggers[args[0]].spasms.clear()
        triggers[args[0]].pain_entries.clear()
    elif kind in ("link back", "unlink back") and entries:
        entry = entries[args[1] % len(entries)]
        reverse = "spasms" if isinstance(entry, SpasmEpisode) else "pain_entries"
        related = getattr(triggers[args[0]], reverse)
        (related.add if kind == "link back" else related.remove)(entry)
    elif kind == "spasm":
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
        elif kind == "link":
            entry.triggers.add(triggers[args[1]])
        elif kind == "unlink":
            entry.triggers.remove(triggers[args[1]])
        elif kind == "clear":
            entry.triggers.clear()


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
        entries, triggers = [], own_triggers(owner)
        for step in steps:
            apply(owner, step, entries, triggers)
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
    SpasmTriggerDay.objects.filter(owner=alice).update(entries=5)
    out = StringIO()
    call_command("rebuild_day_figures", stdout=out)
    assert "Counted the days of 2 diaries." in out.getvalue()
    assert {person.pk: kept(person) for person in (alice, bob)} == right


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Denver"])
def test_the_bulk_written_demo_diary_is_counted_in_each_zone_it_moves_to(db, zone):
    demo = User.objects.get(email=seed_demo("dana", days=60, seed=5).email)
    spasms, hours, pain, triggers = kept(demo)
    assert len(spasms) >= 55
    assert len(hours) >= len(spasms)
    assert len(pain) >= 30
    assert len(triggers) >= 30
    assert kept(demo) == counted_afresh(demo)
    demo.time_zone = zone
    demo.save()
    assert kept(demo) == counted_afresh(demo)
    clear_diary(demo)
    assert kept(demo) == ({}, {}, {}, {})
