"""Autonomic dysreflexia episodes: offered at T6 and above, readings marked against the usual."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import ADEpisode, BloodPressureReading, SpasmEpisode
from sci_tracker.exports import backup, fhir
from sci_tracker.exports.models import PendingImport
from sci_tracker.sharing.models import CareAccess
from sci_tracker.sharing.people import last_entries
from sci_tracker.trends import ad_episodes
from sci_tracker.trends.aggregates import Period
from tests.conftest import make_user
from tests.entries import ad_episode

UCUM = "http://unitsofmeasure.org"

NOW = datetime(2026, 3, 14, 11, 30, tzinfo=UTC)  # 11:30 in London (no summer time yet)


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


# Offered at T6 and above only ------------------------------------------------------------------


def test_it_offers_no_ad_episode_for_an_l1_injury(client, bob):
    client.force_login(bob)
    assert bob.injury_level == "L1"
    log_page = client.get(reverse("diary:quick_log"))
    assert log_page.status_code == 200
    assert reverse("diary:new", args=["ad"]) not in log_page.text
    assert "dysreflexia" not in log_page.text
    assert client.get(reverse("diary:new", args=["ad"])).status_code == 404
    response = client.post(reverse("diary:new", args=["ad"]), episode_data(*THREE))
    assert response.status_code == 404
    assert not ADEpisode.objects.exists()
    assert not BloodPressureReading.objects.exists()


@pytest.mark.parametrize(("level", "offered"), [("C4", True), ("T6", True), ("T7", False)])
def test_it_offers_episodes_down_to_t6(client, db, level, offered):
    person = make_user("pat", injury_level=level)
    client.force_login(person)
    assert (reverse("diary:new", args=["ad"]) in client.get("/log/").text) == offered
    assert client.get(reverse("diary:new", args=["ad"])).status_code == (200 if offered else 404)


@time_machine.travel(NOW, tick=False)
def test_it_keeps_an_episode_in_the_history_after_the_level_changes(client, tara):
    episode = ad_episode(tara, [(at_london(11, 2), 150, 90, None)], note="Before the change")
    User.objects.filter(pk=tara.pk).update(injury_level="L2")
    client.force_login(tara)
    history = client.get(reverse("diary:history")).text
    assert "Before the change" in history
    assert "150/90 mmHg" in history
    assert client.get(reverse("diary:edit", args=["ad", episode.pk])).status_code == 200


# The raised-reading rule ------------------------------------------------------------------------


def at_london(hour, minute):
    return datetime(2026, 3, 14, hour, minute, tzinfo=UTC)  # London is on UTC in mid-March


@pytest.mark.parametrize(
    ("usual", "systolic", "raised"),
    [(110, 129, False), (110, 130, True), (110, 131, True), (95, 114, False), (95, 115, True)],
)
def test_it_marks_a_reading_raised_from_20_above_the_usual(db, usual, systolic, raised):
    person = make_user("pat", usual_systolic=usual, usual_diastolic=60)
    episode = ad_episode(person, [(NOW, systolic, 50, None)])
    assert episode.readings.get().raised is raised


@time_machine.travel(NOW, tick=False)
def test_it_marks_nothing_and_says_why_when_no_usual_pressure_is_set(client, db):
    person = make_user("pat", injury_level="T2", time_zone="Europe/London")
    ad_episode(person, [(at_london(11, 2), 220, 120, 40)])
    assert person.usual_systolic is None
    assert person.ad_risk
    client.force_login(person)
    form_page = client.get(reverse("diary:new", args=["ad"])).text
    assert "Your usual blood pressure is not set, so no reading is marked as raised." in form_page
    assert f'<a href="{reverse("profile")}">Set your usual blood pressure' in form_page
    history = client.get(reverse("diary:history")).text
    assert "11:02: 220/120 mmHg, pulse 40" in " ".join(history.split())
    assert "bp-raised" not in history
    trends = client.get(reverse("trends:overview")).text
    assert "220/120 mmHg" in trends
    assert "bp-raised" not in trends
    assert "Your usual blood pressure is not set" in trends


# The form: errors, edits, conflicts, the bin --------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_keeps_everything_typed_when_a_reading_is_wrong(client, tara):
    client.force_login(tara)
    readings = (
        {"taken_local": "2026-03-14T11:02", "systolic": "90", "diastolic": "95", "pulse": "52"},
        {"taken_local": "2026-03-14T11:06", "systolic": "400", "diastolic": "85", "pulse": ""},
        {"taken_local": "2099-03-14T11:10", "systolic": "140", "diastolic": "80", "pulse": ""},
    )
    response = client.post(reverse("diary:new", args=["ad"]), episode_data(*readings))
    assert response.status_code == 200
    text = response.text
    assert "Please check the blood-pressure readings" in text
    assert "The lower number must be below the upper number." in text
    assert "Reading 2, upper (systolic): Enter a number from 50 to 300." in text
    assert "That time is in the future." in text
    for typed in ('value="90"', 'value="95"', 'value="400"', 'value="2099-03-14T11:10"'):
        assert typed in text
    assert "Catheter kinked" in text
    assert 'value="bladder" id="id_causes_0" checked' in text
    assert not ADEpisode.objects.exists()
    assert not BloodPressureReading.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_leaves_out_empty_reading_rows_and_asks_how_it_ended(client, tara):
    client.force_login(tara)
    page = client.get(reverse("diary:new", args=["ad"])).text
    # Three rows, their times filled in ahead with now in the person's zone.
    assert page.count('value="2026-03-14T11:30"') == 3
    data = episode_data(outcome="")
    data |= reading_rows({"taken_local": "2026-03-14T11:30"}, {"taken_local": "2026-03-14T11:30"})
    response = client.post(reverse("diary:new", args=["ad"]), data)
    assert "Say how the episode ended." in response.text
    data["outcome"] = "not-settled"
    client.post(reverse("diary:new", args=["ad"]), data)
    episode = ADEpisode.objects.get()
    assert episode.outcome == "not-settled"
    assert not episode.readings.exists()


@time_machine.travel(NOW, tick=False)
def test_it_edits_the_readings_with_the_version_it_was_opened_at(client, tara):
    episode = ad_episode(
        tara,
        [(at_london(11, 2), 170, 100, 50), (at_london(11, 6), 150, 90, None)],
        occurred_at=at_london(11, 0),
    )
    first, second = episode.readings.all()
    client.force_login(tara)
    page = client.get(reverse("diary:edit", args=["ad", episode.pk])).text
    assert 'name="version" value="1"' in page
    assert page.count("bp-raised") == 2  # both saved readings are 40 and 60 above 110
    data = episode_data(version="1", outcome="settled-after-medicine")
    data |= reading_rows(
        {"id": first.pk, "taken_local": "2026-03-14T11:02", "systolic": "170", "diastolic": "100"},
        {
            "id": second.pk,
            "taken_local": "2026-03-14T11:06",
            "systolic": "150",
            "diastolic": "90",
            "DELETE": "on",
        },
        {"taken_local": "2026-03-14T11:12", "systolic": "118", "diastolic": "74", "pulse": "66"},
        initial=2,
    )
    response = client.post(reverse("diary:edit", args=["ad", episode.pk]), data, follow=True)
    assert "Autonomic dysreflexia episode updated." in response.text
    episode.refresh_from_db()
    assert (episode.outcome, episode.version) == ("settled-after-medicine", 2)
    assert list(episode.readings.values_list("systolic", "diastolic", "pulse")) == [
        (170, 100, None),
        (118, 74, 66),
    ]
    # A save from a page opened at version 1 writes nothing, and shows both side by side.
    data |= {"outcome": "hospital", "readings-0-systolic": "175"}
    conflict = client.post(reverse("diary:edit", args=["ad", episode.pk]), data)
    assert conflict.status_code == 409
    text = " ".join(conflict.text.split())
    assert "Blood pressure" in text
    assert "14 March 2026, 11:02: 175/100 mmHg" in text
    assert "Went to hospital or emergency services came" in text
    episode.refresh_from_db()
    assert episode.outcome == "settled-after-medicine"


@time_machine.travel(NOW, tick=False)
def test_it_moves_an_episode_to_the_bin_and_back_with_its_readings(client, tara):
    episode = ad_episode(tara, [(at_london(11, 2), 170, 100, 50)])
    client.force_login(tara)
    response = client.post(
        reverse("diary:delete", args=["ad", episode.pk]), {"version": "1"}, follow=True
    )
    assert "Autonomic dysreflexia episode moved to the bin." in response.text
    assert "170/100 mmHg" not in client.get(reverse("diary:history")).text
    assert "170/100 mmHg" in client.get(reverse("diary:bin")).text
    client.post(reverse("diary:restore", args=["ad", episode.pk]))
    assert "170/100 mmHg" in client.get(reverse("diary:history") + "?kind=ad").text
    assert episode.readings.count() == 1


@pytest.mark.parametrize(
    ("systolic", "diastolic", "pulse"),
    [(120, 120, None), (49, 30, None), (301, 100, None), (150, 19, None), (150, 90, 251)],
)
def test_it_refuses_an_impossible_reading_in_the_database(tara, systolic, diastolic, pulse):
    with pytest.raises(IntegrityError):
        ad_episode(tara, [(NOW, systolic, diastolic, pulse)])


def test_it_refuses_an_unknown_outcome_in_the_database(tara):
    with pytest.raises(IntegrityError):
        ad_episode(tara, outcome="fine")


# Everywhere the data goes ----------------------------------------------------------------------


@pytest.fixture
def surge(tara):
    return ad_episode(
        tara,
        [(at_london(11, 2), 165, 95, 52), (at_london(11, 6), 129, 80, None)],
        occurred_at=at_london(11, 0),
        causes=["bladder"],
        actions=["sat-up", "bladder"],
        note="Kinked tube",
        note_for_clinician=True,
    )


@time_machine.travel(NOW, tick=False)
def test_it_shows_the_episode_to_a_clinician_on_the_report(client, tara, surge):
    doctor = make_user("okafor", is_clinician=True)
    CareAccess.objects.create(
        person=tara, email=doctor.email, role="clinician", member=doctor, accepted_at=NOW
    )
    client.force_login(doctor)
    report = client.get(reverse("reports:report", kwargs={"person_id": tara.pk}))
    assert report.status_code == 200
    text = " ".join(report.text.split())
    assert "Autonomic dysreflexia episodes" in text
    assert "Usual: 110/70; raised: 20 or more above the upper number." in text
    assert "<td>14 Mar 2026, 11:00</td> <td>2, 1 raised</td>" in text
    assert '<td>165/95 <strong class="bp-raised">raised</strong></td> <td>11:06 129/80</td>' in text
    assert "Bladder or catheter" in text
    assert "Kinked tube" in text  # the note flagged for the clinician


@time_machine.travel(NOW, tick=False)
def test_it_leaves_the_ad_section_out_of_an_l1_persons_report(client, bob):
    client.force_login(bob)
    assert "Autonomic dysreflexia episodes" not in client.get(reverse("reports:report")).text


@time_machine.travel(NOW, tick=False)
def test_it_lists_the_episodes_on_the_trends_page_and_in_its_json(client, tara, surge):
    client.force_login(tara)
    page = " ".join(client.get(reverse("trends:overview")).text.split())
    assert "1 episode logged in this period." in page
    assert '165/95 mmHg, pulse 52 <strong class="bp-raised">Raised</strong>' in page
    data = client.get(reverse("trends:data")).json()["ad_episodes"]
    assert data == {
        "usual_blood_pressure": {"systolic": 110, "diastolic": 70},
        "raised_by": 20,
        "episodes": [
            {
                "started": "2026-03-14T11:00:00",
                "outcome": "settled",
                "causes": ["bladder"],
                "readings": [
                    {
                        "taken_at": "2026-03-14T11:02:00",
                        "systolic": 165,
                        "diastolic": 95,
                        "pulse": 52,
                        "raised": True,
                    },
                    {
                        "taken_at": "2026-03-14T11:06:00",
                        "systolic": 129,
                        "diastolic": 80,
                        "pulse": None,
                        "raised": False,
                    },
                ],
            }
        ],
    }


def test_it_writes_the_episodes_and_readings_to_their_own_csv_files(client, tara, surge):
    client.force_login(tara)
    episodes = b"".join(client.get("/export/ad-episodes.csv").streaming_content).decode()
    assert episodes.splitlines() == [
        "id,occurred_at,causes,actions,outcome,note,note_for_clinician,logged_by",
        f"{surge.pk},2026-03-14T11:00:00+00:00,bladder,sat-up;bladder,settled,Kinked tube,1,"
        "tara@example.org",
    ]
    readings = b"".join(client.get("/export/ad-readings.csv").streaming_content).decode()
    assert readings.splitlines() == [
        "episode_id,taken_at,systolic,diastolic,pulse",
        f"{surge.pk},2026-03-14T11:02:00+00:00,165,95,52",
        f"{surge.pk},2026-03-14T11:06:00+00:00,129,80,",
    ]


def test_it_exports_the_readings_as_fhir_blood_pressure_and_heart_rate(tara, surge):
    data = fhir.bundle(tara, now=NOW)
    Bundle.model_validate(data)
    resources = [entry["resource"] for entry in data["entry"][1:]]
    for resource in resources:
        Observation.model_validate(resource)
    panels = [r for r in resources if r["code"]["coding"][0]["code"] == "85354-9"]
    pulses = [r for r in resources if r["code"]["coding"][0]["code"] == "8867-4"]
    assert len(panels) == 2
    assert len(pulses) == 1
    first = panels[0]
    assert first["category"][0]["coding"][0]["code"] == "vital-signs"
    assert first["effectiveDateTime"] == "2026-03-14T11:02:00+00:00"
    assert [
        (part["code"]["coding"][0]["code"], part["valueQuantity"]) for part in first["component"]
    ] == [
        ("8480-6", {"value": 165, "unit": "mm[Hg]", "system": UCUM, "code": "mm[Hg]"}),
        ("8462-4", {"value": 95, "unit": "mm[Hg]", "system": UCUM, "code": "mm[Hg]"}),
    ]
    assert "Raised" in first["interpretation"][0]["text"]
    assert "interpretation" not in panels[1]
    assert pulses[0]["valueQuantity"] == {
        "value": 52,
        "unit": "/min",
        "system": UCUM,
        "code": "/min",
    }
    [episode] = [r for r in resources if r["code"]["coding"][0]["code"] == "ad-episode"]
    members = {member["reference"] for member in episode["hasMember"]}
    assert members == {f"urn:uuid:{r['id']}" for r in panels + pulses}
    assert episode["note"] == [{"text": "Kinked tube"}]


def test_it_imports_an_old_backup_that_has_no_episodes(client, tara):
    old = {
        "format": "sci-tracker-backup",
        "version": 1,
        "exported_at": "2025-03-02T00:00:00+00:00",
        "profile": {"email": "someone@example.org"},
        **{s.key: [] for s in backup.SECTIONS if s.key != "ad_episodes"},
        "spasms": [
            {
                "occurred_at": "2025-03-01T08:00:00+00:00",
                "pattern": "jerky",
                "severity": 2,
                "regions": [],
                "duration": "",
                "impacts": [],
                "triggers": [],
                "red_flags": [],
                "note": "From the old file",
                "note_for_clinician": False,
                "logged_by": None,
                "created_at": "2025-03-01T12:00:00+00:00",
                "updated_at": "2025-03-01T12:00:00+00:00",
                "deleted_at": None,
                "tried": [],
            }
        ],
    }
    assert "ad_episodes" not in old
    client.force_login(tara)
    upload = SimpleUploadedFile("old.json", json.dumps(old).encode())
    preview = client.post(reverse("exports:import"), {"files": [upload]}, follow=True)
    assert "1 entry to add, 0 already in your diary (skipped), 0 errors." in " ".join(
        re.sub(r"<[^>]+>", " ", preview.text).split()
    )
    pending = PendingImport.objects.get()
    client.post(reverse("exports:import_preview"), {"pending": str(pending.pk), "confirm": ""})
    assert SpasmEpisode.objects.get(owner=tara).note == "From the old file"


def test_it_counts_an_episode_as_the_persons_latest_entry(tara):
    """What a clinician's list of people shows as the last day something was logged."""
    assert last_entries([tara]) == {tara.pk: (None, None)}
    moment = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)
    ad_episode(tara, occurred_at=moment)
    assert last_entries([tara]) == {tara.pk: (date(2026, 3, 14), moment)}


@time_machine.travel(NOW, tick=False)
def test_it_takes_a_carers_times_in_the_persons_zone(client, tara):
    carer = make_user("cara", time_zone="America/Denver")
    CareAccess.objects.create(
        person=tara, email=carer.email, role="carer", member=carer, accepted_at=NOW
    )
    client.force_login(carer)
    url = reverse("diary:new", kwargs={"person_id": tara.pk, "kind": "ad"})
    assert 'value="2026-03-14T11:30"' in client.get(url).text  # now, in London
    response = client.post(url, episode_data(THREE[0]))
    assert response.status_code == 302
    episode = ADEpisode.objects.get(owner=tara)
    assert episode.logged_by == carer
    assert episode.occurred_at == datetime(2026, 3, 14, 11, 0, tzinfo=UTC)
    assert episode.readings.get().taken_at == datetime(2026, 3, 14, 11, 2, tzinfo=UTC)


def backup_with(*episodes):
    """A backup of today's version holding these AD episode items and nothing else."""
    return {
        "format": "sci-tracker-backup",
        "version": backup.VERSION,
        "exported_at": "2026-03-14T12:00:00+00:00",
        "profile": {"email": "tara@example.org"},
        backup.REMINDERS: None,
        **{s.key: [] for s in backup.SECTIONS},
        "ad_episodes": list(episodes),
    }


def episode_item(*readings, **fields):
    return {
        "occurred_at": "2026-03-14T11:00:00+00:00",
        "causes": ["bladder"],
        "actions": ["sat-up"],
        "outcome": "settled",
        "note": "",
        "note_for_clinician": False,
        "logged_by": None,
        "created_at": "2026-03-14T11:20:00+00:00",
        "updated_at": "2026-03-14T11:20:00+00:00",
        "deleted_at": None,
        "readings": [
            {"taken_at": taken_at, "systolic": systolic, "diastolic": diastolic, "pulse": pulse}
            for taken_at, systolic, diastolic, pulse in readings
        ],
        **fields,
    }


def preview_text(client, files):
    chosen = [SimpleUploadedFile(name, content) for name, content in files.items()]
    response = client.post(reverse("exports:import"), {"files": chosen}, follow=True)
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).replace("&#x27;", "'").split())


@time_machine.travel(NOW, tick=False)
def test_it_leaves_out_an_imported_episode_whose_reading_is_impossible(client, tara):
    data = backup_with(
        episode_item(("2026-03-14T11:02:00+00:00", 120, 130, None)),
        episode_item(
            ("2026-03-14T11:03:00+00:00", 170, 100, 55),
            occurred_at="2026-03-14T09:00:00+00:00",
            outcome="fine",
        ),
        episode_item(
            ("2099-01-01T00:00:00+00:00", 170, 100, None), occurred_at="2026-03-14T08:00:00+00:00"
        ),
        episode_item(
            ("2026-03-14T07:02:00+00:00", 170, 100, 50), occurred_at="2026-03-14T07:00:00+00:00"
        ),
    )
    client.force_login(tara)
    text = preview_text(client, {"b.json": json.dumps(data).encode()})
    assert "1 entry to add, 0 already in your diary (skipped), 3 errors." in text
    assert "b.json, AD episode 1: reading 1: diastolic: The lower number must be below" in text
    assert "b.json, AD episode 2: outcome 'fine' is not one of: settled," in text
    assert (
        "b.json, AD episode 3: reading 1: taken_at 2099-01-01T00:00:00+00:00 is in the future"
        in text
    )
    assert "With 1 blood-pressure reading for those episodes." in text


@time_machine.travel(NOW, tick=False)
def test_it_joins_csv_readings_to_their_episode_or_says_why_not(client, tara):
    episodes = (
        "id,occurred_at,causes,actions,outcome,note,note_for_clinician,logged_by\r\n"
        "7,2026-03-14T11:00:00+00:00,bladder;skin,sat-up,settled,,0,\r\n"
    )
    readings = (
        "episode_id,taken_at,systolic,diastolic,pulse\r\n"
        "7,2026-03-14T11:02:00+00:00,165,95,52\r\n"
        "8,2026-03-14T11:04:00+00:00,150,90,\r\n"
        "7,2026-03-14T11:06:00+00:00,400,90,\r\n"
    )
    client.force_login(tara)
    text = preview_text(client, {"e.csv": episodes.encode(), "r.csv": readings.encode()})
    assert "1 entry to add, 0 already in your diary (skipped), 2 errors." in text
    assert "r.csv row 3: no episode with id 8 in the upload's ad-episodes.csv" in text
    assert "r.csv row 4: systolic 400 is outside 50-300" in text
    pending = PendingImport.objects.get()
    client.post(reverse("exports:import_preview"), {"pending": str(pending.pk), "confirm": ""})
    episode = ADEpisode.objects.get(owner=tara)
    assert episode.causes == ["bladder", "skin"]
    assert list(episode.readings.values_list("systolic", "diastolic", "pulse")) == [(165, 95, 52)]


@time_machine.travel(NOW, tick=False)
def test_the_all_range_lists_the_latest_episodes_and_says_how_many_are_left_out(client, tara):
    starts = [NOW - timedelta(days=40 * n, hours=n) for n in range(12, 0, -1)]
    for n, started in enumerate(starts):
        ad_episode(tara, [(started, 150 + n, 90, None)], occurred_at=started)
    ad_episode(tara, [(NOW, 200, 100, None)], occurred_at=NOW).move_to_bin()
    client.force_login(tara)
    page = " ".join(client.get(reverse("trends:overview"), {"range": "all"}).text.split())
    assert (
        "12 episodes logged in this period. The latest 10 are listed here; "
        "the 2 earlier ones are listed in a shorter range." in page
    )
    listed = re.findall(r"(\d+)/90 mmHg", page)
    assert listed == [str(150 + n) for n in range(2, 12)]  # oldest first, each its own reading
    assert "200/100" not in page  # in the bin


@pytest.mark.parametrize("most", [1, 3, 5, 6])
def test_the_latest_episodes_are_the_last_of_every_episode(tara, most):
    period = Period(date(2026, 1, 1), date(2026, 3, 14))
    for n in range(5):  # two share a moment: the later id counts as the later episode
        moment = datetime(2026, 3, 1 + min(n, 3), 9, tzinfo=UTC)
        ad_episode(tara, [(moment, 140 + n, 85, 60)], occurred_at=moment)
    every = ad_episodes.episodes_in(tara, period)
    assert ad_episodes.latest_in(tara, period, most) == (every[-most:], max(5 - most, 0))
