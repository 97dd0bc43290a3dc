"""The records version: the overview's sections drawn from the records other than the day series
(autonomic dysreflexia, SCI-SET, bladder, bowel and skin, medicines) are kept under it, so
logging a spasm, leg pain or a check-in does not draw them again, and any change to those
records does."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sci_tracker.diary.models import (
    ADEpisode,
    BloodPressureReading,
    CareEvent,
    CheckIn,
    Intervention,
    InterventionUse,
    Medicine,
    MedicineDose,
    PainProblem,
    SpasticityWeek,
    Trigger,
)
from sci_tracker.diary.one_change import one_change
from sci_tracker.trends import views
from tests.conftest import make_user
from tests.entries import (
    NOW,
    ad_episode,
    builtin,
    care,
    checkin,
    dose,
    event,
    medicine,
    pain,
    sciset_week,
    spasm,
)
from tests.test_ad import THREE, episode_data

TODAY = date(2026, 3, 14)  # NOW's, 11:30 in London


def moved(person, change, batched: bool) -> tuple[bool, bool]:
    """Whether `change` (alone, or inside one change) moved the diary and the records versions
    on."""
    person.refresh_from_db()
    diary, records = person.diary_version, person.records_version
    if batched:
        with one_change():
            change(person)
    else:
        change(person)
    person.refresh_from_db()
    return person.diary_version > diary, person.records_version > records


DAY_SERIES_CHANGES = {
    "spasm": lambda owner: spasm(owner),
    "leg pain": lambda owner: pain(owner),
    "check-in": lambda owner: checkin(owner),
    "spasm to the bin": lambda owner: spasm(owner).move_to_bin(),
    "trigger": lambda owner: spasm(owner).triggers.add(builtin(Trigger, "full-bladder")),
    "tried": lambda owner: InterventionUse.objects.create(
        intervention=builtin(Intervention, "stretching"), spasm=spasm(owner)
    ),
}

OTHER_CHANGES = {
    "autonomic dysreflexia": lambda owner: ad_episode(owner),
    "blood pressure": lambda owner: BloodPressureReading.objects.create(
        episode=ADEpisode.objects.get(owner=owner), taken_at=NOW, systolic=170, diastolic=100
    ),
    "bladder": lambda owner: care(owner),
    "SCI-SET": lambda owner: sciset_week(owner),
    "medicine": lambda owner: medicine(owner),
    "dose": lambda owner: dose(owner, medicine(owner)),
    "treatment event": lambda owner: event(owner, date(2026, 3, 10)),
    "pain problem": lambda owner: PainProblem.objects.create(owner=owner, slot=3, name="Knees"),
}


@pytest.mark.parametrize("change", DAY_SERIES_CHANGES.values(), ids=DAY_SERIES_CHANGES)
@pytest.mark.parametrize("batched", [False, True], ids=["alone", "one change"])
def test_the_day_series_moves_the_diary_version_on_and_not_the_records_version(
    tara, change, batched
):
    assert moved(tara, change, batched) == (True, False)


@pytest.mark.parametrize("change", OTHER_CHANGES.values(), ids=OTHER_CHANGES)
@pytest.mark.parametrize("batched", [False, True], ids=["alone", "one change"])
def test_every_other_record_moves_both_versions_on(tara, change, batched):
    ad_episode(tara)  # for the reading
    assert moved(tara, change, batched) == (True, True)


def leg_pain_data():
    return {
        "when": "now",
        "intensity": "4",
        "pain_type": "unknown",
        "tried-TOTAL_FORMS": "0",
        "tried-INITIAL_FORMS": "0",
    }


@time_machine.travel(NOW, tick=False)
def test_the_overview_keeps_its_other_sections_through_a_leg_pain_and_redraws_them_on_a_change(
    client, tara, monkeypatch
):
    drawn = []
    records_figures = views.records_figures
    monkeypatch.setattr(
        views,
        "records_figures",
        lambda *args: drawn.append(args) or records_figures(*args),
    )
    client.force_login(tara)
    overview = reverse("trends:overview")
    first = client.get(overview, {"range": "30d"}).text
    assert "No episodes were logged in this period." in first  # T4: the section is shown

    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert client.post(reverse("diary:new", args=["pain"]), leg_pain_data()).status_code == 302
        after_pain = client.get(overview, {"range": "30d"}).text
    assert len(drawn) == 1  # kept: a leg pain changes none of them
    assert "No episodes were logged in this period." in after_pain
    assert "Average leg pain was 4.0 out of 10 on the 1 day with a rating." in after_pain

    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        sent = client.post(reverse("diary:new", args=["ad"]), episode_data(*THREE))
        assert sent.status_code == 302
        after_episode = client.get(overview, {"range": "30d"}).text
    assert len(drawn) == 2
    assert "1 episode logged in this period." in after_episode
    assert "No episodes were logged in this period." not in after_episode


# Random changes: the overview after each equals one drawn with nothing cached --------------------

DAYS_BACK = st.integers(0, 25)  # inside the 30-day range
CHANGE = st.one_of(
    st.tuples(st.just("spasm"), DAYS_BACK),
    st.tuples(st.just("pain"), DAYS_BACK),
    st.tuples(st.just("check-in"), DAYS_BACK),
    st.tuples(st.just("episode"), DAYS_BACK),
    st.tuples(st.just("reading"), st.integers(140, 200)),
    st.tuples(st.just("care"), DAYS_BACK, st.sampled_from(["catheter", "skin-problem", "leak"])),
    st.tuples(st.just("dose"), DAYS_BACK, st.sampled_from(["taken", "missed"])),
    st.tuples(st.just("SCI-SET"), st.integers(0, 3)),
    st.tuples(st.just("to the bin"), st.sampled_from(["episode", "care", "dose", "SCI-SET"])),
    st.tuples(st.just("rename medicine"), st.sampled_from(["Baclofen", "Tizanidine"])),
)
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value|name="csrf-token" content)="[^"]*"')


def apply(owner, change) -> None:
    kind, *args = change
    back = timedelta(days=args[0]) if args and isinstance(args[0], int) else None
    if kind == "spasm":
        spasm(owner, occurred_at=NOW - back)
    elif kind == "pain":
        pain(owner, occurred_at=NOW - back)
    elif kind == "check-in" and not CheckIn.objects.filter(owner=owner, date=TODAY - back).exists():
        checkin(owner, TODAY - back)
    elif kind == "episode":
        ad_episode(owner, occurred_at=NOW - back, readings=[(NOW - back, 170, 100, 60)])
    elif kind == "reading" and ADEpisode.objects.filter(owner=owner).exists():
        episode = ADEpisode.objects.filter(owner=owner).latest("occurred_at")
        BloodPressureReading.objects.create(
            episode=episode, taken_at=episode.occurred_at, systolic=args[0], diastolic=90
        )
    elif kind == "care":
        care(owner, event=args[1], occurred_at=NOW - back)
    elif kind == "dose":
        medicine_ = Medicine.objects.get(owner=owner)
        moment = NOW - back  # a missed dose is one that was due, once
        due = {"scheduled_for": moment} if args[1] == "missed" else {}
        if not MedicineDose.objects.filter(medicine=medicine_, **due).exists() or not due:
            dose(owner, medicine_, occurred_at=moment, status=args[1], **due)
    elif kind == "SCI-SET":
        day = TODAY - timedelta(weeks=args[0])
        if not SpasticityWeek.objects.filter(owner=owner, date=day).exists():
            sciset_week(owner, day=day, ratings={1: -2})
    elif kind == "to the bin":
        model = {"episode": ADEpisode, "care": CareEvent, "dose": MedicineDose}.get(
            args[0], SpasticityWeek
        )
        found = model.objects.for_user(owner).active().order_by("pk").last()
        if found is not None:
            found.move_to_bin()
    elif kind == "rename medicine":
        renamed = Medicine.objects.get(owner=owner)
        renamed.name = args[0]
        renamed.save()


def drawn(client) -> str:
    page = client.get(reverse("trends:overview"), {"range": "30d"}).text
    return TOKEN.sub(r'\1=""', page)


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(CHANGE, max_size=8))
def test_the_overview_after_any_changes_shows_what_one_drawn_afresh_shows(db, client, changes):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        owner = make_user("tara", time_zone="Europe/London", injury_level="T4")
        medicine(owner)  # before the first view: each dose step is a dose alone
        client.force_login(owner)
        drawn(client)  # the sections kept
        for change in changes:
            apply(owner, change)
            kept = drawn(client)
            cache.clear()
            assert kept == drawn(client)
        transaction.set_rollback(True)
