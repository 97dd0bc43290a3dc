"""Taking the diary out: one CSV file per kind of entry, the person's own, streamed."""

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from sci_tracker.diary.models import Intervention, PainProblem, Trigger
from sci_tracker.exports import csv_files, importer
from sci_tracker.exports.csv_files import FILES
from tests.conftest import make_user
from tests.entries import NOW, builtin, checkin, event, pain, spasm

FORMATS = Path(__file__).parent.parent / "docs" / "formats.md"


def download(client, name):
    response = client.get(reverse("exports:csv", args=[name]))
    assert response.status_code == 200
    assert response.streaming  # written row by row, never held whole in memory
    body = b"".join(response.streaming_content).decode("utf-8")
    return response, list(csv.DictReader(io.StringIO(body)))


@time_machine.travel(NOW, tick=False)
def test_it_writes_spasms_with_local_times_slugs_and_who_logged(alice_client, alice):
    carer = make_user("cara")
    entry = spasm(
        alice,
        pattern="jerky",
        severity=3,
        regions=["left-leg", "right-leg"],
        impacts=["helped-transfer"],
        red_flags=["fever"],
        note="Woke me, legs kicked",
        note_for_clinician=True,
    )
    entry.logged_by = carer
    entry.save()
    entry.triggers.add(builtin(Trigger, "full-bladder"), builtin(Trigger, "cold"))
    response, rows = download(alice_client, "spasms")
    assert response["Content-Disposition"] == (
        'attachment; filename="sci-tracker-spasms-2026-03-15.csv"'  # Alice's date in Auckland
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows == [
        {
            "id": str(entry.pk),
            "occurred_at": "2026-03-15T00:30:00+13:00",
            "pattern": "jerky",
            "severity": "3",
            "regions": "left-leg;right-leg",
            "duration": "",
            "impacts": "helped-transfer",
            "triggers": "cold;full-bladder",
            "red_flags": "fever",
            "note": "Woke me, legs kicked",
            "note_for_clinician": "1",
            "logged_by": "cara@example.org",
        }
    ]


def test_it_writes_leg_pain_with_its_problem(alice_client, alice):
    feet = PainProblem.objects.create(owner=alice, slot=2, name="Burning feet")
    entry = pain(
        alice,
        intensity=7,
        problem=feet,
        sites=["left-foot"],
        qualities=["burning", "tingling"],
        pain_type="neuropathic-below",
    )
    other = pain(alice, intensity=0)
    _, rows = download(alice_client, "leg-pain")
    assert [row["id"] for row in rows] == [str(entry.pk), str(other.pk)]
    assert rows[0]["intensity"] == "7"
    assert rows[0]["problem_slot"] == "2"
    assert rows[0]["problem"] == "Burning feet"
    assert rows[0]["sites"] == "left-foot"
    assert rows[0]["qualities"] == "burning;tingling"
    assert rows[0]["pain_type"] == "neuropathic-below"
    assert rows[1]["intensity"] == "0"  # a zero is a rating, not a blank
    assert rows[1]["problem_slot"] == ""
    assert rows[1]["problem"] == ""


def test_it_writes_check_ins_with_blanks_for_questions_not_answered(alice_client, alice):
    checkin(alice, date(2026, 3, 2), psfs_frequency=3, psfs_severity=2, pain_worst=0)
    checkin(alice, date(2026, 3, 1), psfs_frequency=0)
    _, rows = download(alice_client, "check-ins")
    assert [row["date"] for row in rows] == ["2026-03-01", "2026-03-02"]
    assert rows[0]["psfs_severity"] == ""
    assert rows[0]["recall_window"] == "24h"
    assert rows[1]["psfs_frequency"] == "3"
    assert rows[1]["psfs_severity"] == "2"
    assert rows[1]["pain_worst"] == "0"
    assert rows[1]["pain_average"] == ""


def test_it_writes_events_and_what_was_tried_linked_to_its_entry(alice_client, alice):
    event(alice, date(2026, 1, 10), details="Both calves, 200 units")
    entry = pain(alice)
    entry.uses.create(intervention=builtin(Intervention, "heat"), dose="20 min", effect="worse")
    jerk = spasm(alice)
    jerk.uses.create(intervention=builtin(Intervention, "stretching"), effect="helped-a-lot")
    _, events = download(alice_client, "treatment-events")
    assert events[0]["date"] == "2026-01-10"
    assert events[0]["event_kind"] == "botox"
    assert events[0]["details"] == "Both calves, 200 units"
    _, tried = download(alice_client, "tried")
    assert [(row["entry_kind"], row["entry_id"], row["intervention"]) for row in tried] == [
        ("pain", str(entry.pk), "heat"),
        ("spasm", str(jerk.pk), "stretching"),
    ]
    assert tried[0]["dose"] == "20 min"
    assert tried[0]["effect"] == "worse"


def test_it_leaves_out_the_bin_and_everyone_else(alice_client, alice, bob):
    kept = spasm(alice)
    binned = spasm(alice)
    binned.uses.create(intervention=builtin(Intervention, "heat"))
    binned.move_to_bin()
    bobs = spasm(bob, note="Bob's own")
    bobs.uses.create(intervention=builtin(Intervention, "massage"))
    _, rows = download(alice_client, "spasms")
    assert [row["id"] for row in rows] == [str(kept.pk)]
    _, tried = download(alice_client, "tried")
    assert tried == []


def test_it_stops_a_spreadsheet_from_running_text_as_a_formula(alice_client, alice):
    spasm(alice, note='=HYPERLINK("http://example.com")')
    spasm(alice, note="- felt better after")
    _, rows = download(alice_client, "spasms")
    assert [row["note"] for row in rows] == [
        '\'=HYPERLINK("http://example.com")',
        "'- felt better after",
    ]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("'=1+1", "''=1+1"),  # an apostrophe of its own, then a formula sign: one more
        ("''=x", "'''=x"),
        ("'plain", "'plain"),  # no formula sign after the apostrophes: as it is
        ("-3 degrees", "'-3 degrees"),
        ("@home", "'@home"),
        ("\tindented", "'\tindented"),
        ("\rx", "'\rx"),
        ("'+1", "''+1"),
        ("plain", "plain"),
        ("'", "'"),
        ("", ""),
    ],
)
def test_it_guards_text_so_that_an_import_takes_exactly_one_apostrophe_off(text, written):
    assert csv_files.safe_text(text) == written
    assert importer.unguarded(written) == text


def test_it_reads_the_diary_a_chunk_at_a_time(
    alice_client, alice, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(csv_files, "CHUNK", 2)
    cold, stress = builtin(Trigger, "cold"), builtin(Trigger, "stress")
    # Made out of the order of time (the file's order), some with no triggers, one on a tie.
    made = [(4, [cold]), (1, []), (3, [stress, cold]), (2, [stress]), (3, []), (0, [cold])]
    for hours, triggers in made:
        spasm(alice, occurred_at=NOW - timedelta(hours=hours)).triggers.set(triggers)
    # Session and user; one query for the rows, read two at a time; one for all the triggers,
    # however many chunks, each row given its own.
    with django_assert_num_queries(2 + 1 + 1):
        _, rows = download(alice_client, "spasms")
    assert [row["triggers"] for row in rows] == ["cold", "cold;stress", "", "stress", "", "cold"]


def test_it_answers_404_for_a_file_that_does_not_exist(alice_client):
    assert alice_client.get("/export/passwords.csv").status_code == 404


def test_it_lists_every_file_on_the_export_page(alice_client):
    html = alice_client.get(reverse("exports:index")).text
    for csv_file in FILES:
        assert f'href="/export/{csv_file.name}.csv"' in html
    assert "Pacific/Auckland" in html
    # Both FHIR bundles: the collection, and the transaction a clinic system can send twice.
    assert 'href="/export/fhir.json" download' in html
    assert 'href="/export/fhir.json?type=transaction" download' in html


@pytest.mark.parametrize("csv_file", FILES, ids=lambda csv_file: csv_file.name)
def test_it_documents_every_column_in_the_formats_doc(csv_file):
    readme = FORMATS.read_text()
    section = readme[readme.index("## Exports") :]
    heading = rf"^### `{csv_file.name}\.csv`[^\n]*\n((?:\|[^\n]*\n)+)"
    documented = re.search(heading, section, re.MULTILINE)
    assert documented, csv_file.name
    names = re.findall(r"^\| `([a-z0-9_]+)` \|", documented.group(1), re.MULTILINE)
    assert names == csv_file.header()
