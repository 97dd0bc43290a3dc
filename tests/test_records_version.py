"""The records version: the overview's sections drawn from the records other than the day series
(autonomic dysreflexia, SCI-SET, bladder, bowel and skin, medicines) are kept under it, so
logging a spasm, leg pain or a check-in does not draw them again, and any change to those
records does."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from sci_tracker.diary.models import (
    ADEpisode,
    BloodPressureReading,
    Intervention,
    InterventionUse,
    PainProblem,
    Trigger,
)
from sci_tracker.diary.one_change import one_change
from sci_tracker.trends import views
from tests.conftest import make_user
from tests.entries import (
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

NOW = datetime(2026, 3, 14, 11, 30, tzinfo=UTC)  # 11:30 in London


@pytest.fixture
def tara(db):
    return make_user(
        "tara",
        time_zone="Europe/London",
        injury_level="T4",
        usual_systolic=110,
        usual_diastolic=70,
    )


def versions(person):
    person.refresh_from_db()
    return person.diary_version, person.records_version


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
    diary, records = versions(tara)
    if batched:
        with one_change():
            change(tara)
    else:
        change(tara)
    moved_diary, moved_records = versions(tara)
    assert moved_diary > diary
    assert moved_records == records


@pytest.mark.parametrize("change", OTHER_CHANGES.values(), ids=OTHER_CHANGES)
@pytest.mark.parametrize("batched", [False, True], ids=["alone", "one change"])
def test_every_other_record_moves_both_versions_on(tara, change, batched):
    ad_episode(tara)  # for the reading
    diary, records = versions(tara)
    if batched:
        with one_change():
            change(tara)
    else:
        change(tara)
    moved_diary, moved_records = versions(tara)
    assert moved_diary > diary
    assert moved_records > records


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
