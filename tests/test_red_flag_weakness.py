"""The "new weakness or numbness" red flag: on the forms, with its own urgent advice and guide
section, and carried wherever red flags go (report, CSV, backup and import, FHIR)."""

import csv
import io
import json
import re
from datetime import UTC, date, datetime, time, timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sci_tracker.diary.models import LegPainEntry, RedFlag, SpasmEpisode
from sci_tracker.exports import fhir
from sci_tracker.exports.models import PendingImport
from tests.conftest import make_user, text_of
from tests.entries import AUCKLAND, at, spasm

WEAKNESS = "new-weakness"
LABEL = "New weakness or numbness, or a change in feeling"
TODAY = date(2026, 3, 20)
FROZEN = datetime.combine(TODAY, time(12), AUCKLAND)


def guide_section(client, anchor):
    html = client.get(reverse("guides:page", args=["red-flags"])).text
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("<h2", start)]


def test_it_offers_the_symptom_on_the_spasm_and_pain_forms(alice_client):
    for kind in ("spasm", "pain"):
        html = alice_client.get(reverse("diary:new", args=[kind])).text
        assert f'value="{WEAKNESS}"' in html
        assert LABEL in html
        assert "/guides/red-flags/#new-weakness-or-numbness" in html


def test_it_saves_the_symptom_and_gives_its_own_advice(alice_client, alice):
    data = {"when": "now", "intensity": "5", "pain_type": "unknown", "red_flags": [WEAKNESS]}
    data |= {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    response = alice_client.post(reverse("diary:new", args=["pain"]), data, follow=True)
    entry = LegPainEntry.objects.get(owner=alice)
    assert entry.red_flags == [WEAKNESS]
    assert response.redirect_chain[-1][0] == reverse("diary:urgent", args=["pain", entry.pk])
    text = text_of(response.text)
    assert f"You ticked: {LABEL}." in text
    assert "New weakness or numbness needs checking soon" in text
    assert "a cyst in the cord (called a syrinx) or pressure on the cord" in text
    assert "Contact your SCI team or doctor soon" in text
    assert "If it came on suddenly, or you have lost control of your bladder or bowel" in text
    assert "call your emergency number now" in text
    assert 'href="/guides/red-flags/#new-weakness-or-numbness"' in response.text
    # Guidance, never a diagnosis; and no advice that belongs to another symptom.
    assert "not a diagnosis" in text
    assert "autonomic dysreflexia" not in text


def test_it_puts_an_emergency_first_when_ticked_with_weakness(alice_client, alice):
    entry = spasm(alice, red_flags=[WEAKNESS, "leg-swollen", "chest"])
    html = alice_client.get(reverse("diary:urgent", args=["spasm", entry.pk])).text
    headings = re.findall(r'<h2 class="h4" id="advice-\d">([^<]+)</h2>', html)
    assert headings == [
        "Call your emergency number now",
        "New weakness or numbness needs checking soon",
        "This may be a blood clot (deep vein thrombosis)",
    ]


def test_it_explains_new_weakness_in_its_own_guide_section(client, db):
    html = guide_section(client, "new-weakness-or-numbness")
    text = text_of(html)
    assert text.startswith('id="new-weakness-or-numbness"')
    for sign in ("new weakness", "new numbness", "climbs higher up your body", "bladder or bowel"):
        assert sign in text
    assert "It is called a syrinx" in text
    assert "pressure on the cord" in text
    assert "Contact your SCI team or doctor soon." in text
    assert "came on suddenly, or you have lost control of your bladder or bowel" in text
    assert "call your local emergency number now" in text
    doubt = text_of(guide_section(client, "if-in-doubt"))
    assert "if weakness or numbness comes on suddenly" in doubt
    assert 'href="#new-weakness-or-numbness"' in guide_section(client, "if-in-doubt")


@time_machine.travel(FROZEN, tick=False)
def test_it_lists_the_symptom_on_the_report_and_in_the_history(alice, alice_client):
    spasm(alice, occurred_at=at(TODAY - timedelta(days=2), 9, 15), red_flags=[WEAKNESS])
    text = text_of(alice_client.get(reverse("reports:report")).text)
    assert LABEL in text
    assert f"Symptoms ticked: {LABEL}" in text_of(alice_client.get(reverse("diary:history")).text)
    assert alice_client.get(reverse("reports:pdf")).status_code == 200


def test_it_writes_the_symptom_to_the_csv_and_fhir(alice_client, alice):
    entry = spasm(alice, red_flags=["fever", WEAKNESS])
    response = alice_client.get(reverse("exports:csv", args=["spasms"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["red_flags"] == f"fever;{WEAKNESS}"

    response = alice_client.get(reverse("exports:fhir"))
    data = json.loads(b"".join(response.streaming_content))
    [resource] = [
        item["resource"]
        for item in data["entry"]
        if item["resource"]["resourceType"] == "Observation"
    ]
    flags = [
        part["valueCodeableConcept"]
        for part in resource["component"]
        if (fhir.MEASURES, "red-flag") in [(c["system"], c["code"]) for c in part["code"]["coding"]]
    ]
    assert [(f["coding"][0]["code"], f["text"]) for f in flags] == [
        ("fever", "Fever or chills"),
        (WEAKNESS, LABEL),
    ]
    assert [f["coding"][0]["system"] for f in flags] == [fhir.RED_FLAGS] * 2
    assert entry.pk


def backup_of(client):
    return json.loads(b"".join(client.get(reverse("exports:backup")).streaming_content))


def upload(client, data):
    chosen = SimpleUploadedFile("backup.json", json.dumps(data).encode())
    return client.post(reverse("exports:import"), {"files": [chosen]}, follow=True)


def test_it_round_trips_the_symptom_through_a_backup(client, alice):
    spasm(alice, occurred_at=datetime(2026, 1, 5, 8, tzinfo=UTC), red_flags=[WEAKNESS, "fever"])
    client.force_login(alice)
    data = backup_of(client)
    assert data["spasms"][0]["red_flags"] == [WEAKNESS, "fever"]
    dana = make_user("dana")
    client.force_login(dana)
    assert "1 entry to add" in text_of(upload(client, data).text)
    pending = PendingImport.objects.get()
    client.post(reverse("exports:import_preview"), {"pending": str(pending.pk), "confirm": ""})
    assert SpasmEpisode.objects.get(owner=dana).red_flags == [WEAKNESS, "fever"]


def test_it_refuses_a_red_flag_it_does_not_know(client, alice):
    spasm(alice, occurred_at=datetime(2026, 1, 5, 8, tzinfo=UTC), red_flags=[WEAKNESS])
    client.force_login(alice)
    data = backup_of(client)
    data["spasms"][0]["red_flags"] = [WEAKNESS, "new-weakness-and-dizziness"]
    SpasmEpisode.objects.all().delete()
    text = text_of(upload(client, data).text)
    assert "0 entries to add" in text
    assert "1 error" in text
    assert "red_flags" in text
    assert not SpasmEpisode.objects.exists()


def test_it_knows_the_value_in_one_place():
    assert RedFlag(WEAKNESS).label == LABEL
