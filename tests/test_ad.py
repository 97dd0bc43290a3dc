"""Autonomic dysreflexia episodes: offered at T6 and above, readings marked against the usual."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from sci_tracker.diary.models import ADEpisode
from tests.conftest import make_user

NOW = datetime(2026, 3, 14, 11, 30, tzinfo=UTC)  # 11:30 in London (no summer time yet)


@pytest.fixture
def tara(db):
    """A T4 injury, with a usual blood pressure of 110/70 (low, as is common after a high SCI)."""
    return make_user(
        "tara",
        time_zone="Europe/London",
        injury_level="T4",
        usual_systolic=110,
        usual_diastolic=70,
    )


def reading_rows(*readings, initial=0):
    data = {"readings-TOTAL_FORMS": str(len(readings)), "readings-INITIAL_FORMS": str(initial)}
    for n, reading in enumerate(readings):
        data |= {f"readings-{n}-{name}": value for name, value in reading.items()}
    return data


def episode_data(*readings, **fields):
    return {
        "when": "earlier",
        "occurred_local": "2026-03-14T11:00",
        "causes": ["bladder"],
        "actions": ["sat-up", "lowered-legs", "bladder"],
        "outcome": "settled",
        "note": "Catheter kinked",
        **fields,
        **reading_rows(*readings),
    }


THREE = (
    {"taken_local": "2026-03-14T11:02", "systolic": "165", "diastolic": "95", "pulse": "52"},
    {"taken_local": "2026-03-14T11:06", "systolic": "130", "diastolic": "85", "pulse": ""},
    {"taken_local": "2026-03-14T11:10", "systolic": "129", "diastolic": "80", "pulse": "60"},
)


@time_machine.travel(NOW, tick=False)
def test_it_logs_an_episode_with_three_readings_marked_against_the_usual(client, tara):
    client.force_login(tara)
    log_page = client.get(reverse("diary:quick_log"))
    assert reverse("diary:new", args=["ad"]) in log_page.text
    form_page = client.get(reverse("diary:new", args=["ad"]))
    assert "Usual blood pressure: 110/70 mmHg" in form_page.text
    response = client.post(reverse("diary:new", args=["ad"]), episode_data(*THREE), follow=True)
    assert "Autonomic dysreflexia episode saved." in response.text
    episode = ADEpisode.objects.get()
    assert (episode.owner, episode.logged_by) == (tara, tara)
    assert episode.occurred_at == datetime(2026, 3, 14, 11, 0, tzinfo=UTC)
    assert (episode.causes, episode.outcome) == (["bladder"], "settled")
    assert episode.actions == ["sat-up", "lowered-legs", "bladder"]
    readings = list(episode.readings.values_list("taken_at", "systolic", "diastolic", "pulse"))
    assert readings == [
        (datetime(2026, 3, 14, 11, 2, tzinfo=UTC), 165, 95, 52),
        (datetime(2026, 3, 14, 11, 6, tzinfo=UTC), 130, 85, None),
        (datetime(2026, 3, 14, 11, 10, tzinfo=UTC), 129, 80, 60),
    ]
    # The history shows each reading, the raised ones (20 or more above 110) said in words.
    text = " ".join(response.text.split())
    assert '11:02: 165/95 mmHg, pulse 52 <strong class="bp-raised">Raised</strong>' in text
    assert '11:06: 130/85 mmHg <strong class="bp-raised">Raised</strong>' in text
    assert "11:10: 129/80 mmHg, pulse 60</li>" in text
    assert text.count("bp-raised") == 2
