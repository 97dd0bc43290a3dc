"""Data that migrations carry forward: each test migrates back, writes rows as the older schema
held them, migrates forward and checks what the rows hold now."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.conftest import make_user

BEFORE_ISCI_TYPES = ("diary", "0005_red_flag_new_weakness")
ISCI_TYPES = ("diary", "0006_isci_pain_types_and_confirmed_type")
# The six pain types of the first version, each with its meaning in the ISCI classification.
FIRST_VERSION_TYPES = {
    "neuropathic-below": "Nerve pain below the injury level (below-level SCI pain)",
    "neuropathic-at": "Nerve pain at the injury level (at-level SCI pain)",
    "musculoskeletal": "Muscle, joint or bone pain (musculoskeletal)",
    "visceral": "Pain from organs in the belly or pelvis (visceral)",
    "other": "Other pain, neither of these kinds (other pain)",
    "unknown": "Not sure (unknown)",
}


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


def latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def at_latest(transactional_db):
    """Leaves the database at the latest migrations, as every other test expects it."""
    yield
    latest()


def test_it_keeps_every_pain_entry_and_its_type_through_the_isci_migration(at_latest):
    person = make_user("mig")
    old = migrate(BEFORE_ISCI_TYPES)
    OldPain = old.get_model("diary", "LegPainEntry")
    OldProblem = old.get_model("diary", "PainProblem")
    feet = OldProblem.objects.create(owner_id=person.pk, slot=1, name="Feet")
    written = {}
    for minute, value in enumerate(FIRST_VERSION_TYPES):
        entry = OldPain.objects.create(
            owner_id=person.pk,
            logged_by_id=person.pk,
            occurred_at=f"2026-03-14T10:{minute:02d}:00Z",
            intensity=minute,
            problem=feet if minute % 2 else None,
            pain_type=value,
            sites=["left-foot"],
            qualities=["burning"],
        )
        written[entry.pk] = (value, minute, feet.pk if minute % 2 else None)

    new = migrate(ISCI_TYPES)
    NewPain = new.get_model("diary", "LegPainEntry")
    stored = {
        pk: (pain_type, intensity, problem)
        for pk, pain_type, intensity, problem in NewPain.objects.values_list(
            "pk", "pain_type", "intensity", "problem"
        )
    }
    assert stored == written  # not one row lost, not one value changed

    # Read by today's models (so with the columns of every later migration), every stored value
    # is one of the ISCI types, with its meaning.
    latest()
    from sci_tracker.diary.models import LegPainEntry, PainProblem, PainType

    for entry in LegPainEntry.objects.filter(pk__in=written):
        assert entry.pain_type in PainType.values
        assert entry.get_pain_type_display() == FIRST_VERSION_TYPES[entry.pain_type]
    # A problem from before has no clinician-confirmed type: nobody confirmed anything.
    problem = PainProblem.objects.get(pk=feet.pk)
    assert (problem.name, problem.confirmed_type, problem.confirmed_by_name) == ("Feet", "", "")
    assert problem.confirmed_at is None


BEFORE_DAY_FIGURES = ("diary", "0013_medicine_reminders")


def test_a_diary_kept_before_the_per_day_figures_has_them_counted_after_migrating(at_latest):
    person = make_user("mig", time_zone="Europe/London")  # 23:30 UTC on 14 March: 23:30 there
    old = migrate(BEFORE_DAY_FIGURES)
    OldSpasm = old.get_model("diary", "SpasmEpisode")
    OldPain = old.get_model("diary", "LegPainEntry")
    cold = old.get_model("diary", "Trigger").objects.get(owner=None, slug="cold")
    for at in ("2026-03-14T23:30:00Z", "2026-03-14T23:50:00Z", "2026-03-15T09:10:00Z"):
        spasm = OldSpasm.objects.create(owner_id=person.pk, logged_by_id=person.pk, occurred_at=at)
        spasm.triggers.add(cold)
    pain = OldPain.objects.create(
        owner_id=person.pk, logged_by_id=person.pk, occurred_at="2026-03-15T09:00:00Z", intensity=6
    )
    pain.triggers.add(cold)

    latest()
    from sci_tracker.diary.models import (
        PainDay,
        PainTriggerDay,
        SpasmDay,
        SpasmHour,
        SpasmTriggerDay,
    )

    days = SpasmDay.objects.filter(owner_id=person.pk).order_by("day")
    assert [(str(d.day), d.episodes, d.night) for d in days] == [
        ("2026-03-14", 2, 2),
        ("2026-03-15", 1, 0),
    ]
    hours = SpasmHour.objects.filter(owner_id=person.pk).order_by("day", "hour")
    assert [(str(h.day), h.hour, h.episodes) for h in hours] == [
        ("2026-03-14", 23, 2),
        ("2026-03-15", 9, 1),
    ]
    pain = PainDay.objects.get(owner_id=person.pk)
    assert (str(pain.day), pain.total, pain.entries, pain.worst) == ("2026-03-15", 6, 1, 6)
    # The trigger days (0018), of the spasms and of the pain entry.
    spasm_triggers = SpasmTriggerDay.objects.filter(owner_id=person.pk).order_by("day")
    assert [(str(t.day), t.trigger_id, t.entries) for t in spasm_triggers] == [
        ("2026-03-14", cold.pk, 2),
        ("2026-03-15", cold.pk, 1),
    ]
    pain_triggers = PainTriggerDay.objects.filter(owner_id=person.pk)
    assert [(str(t.day), t.trigger_id, t.entries) for t in pain_triggers] == [
        ("2026-03-15", cold.pk, 1)
    ]
