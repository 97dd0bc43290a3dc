"""The bladder, bowel and skin programme (issue 18): the Log page's buttons, a form per area with
the details each kind may carry, the rules in words, the history, the edit page, the bin and
undo, and a carer logging in the person's diary."""

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation

from sci_tracker.diary.models import CareEvent
from sci_tracker.exports import backup, fhir
from sci_tracker.sharing.models import CareAccess
from tests.conftest import diary_queries, make_user
from tests.entries import NOW, at, care, dose, medicine
from tests.test_import import confirm, csv_bytes, minimal_backup, page_text, upload


def text(response) -> str:
    """The page's words, tags stripped, spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.text)))


def radio_values(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', html)


@pytest.fixture
def cara(alice):
    cara = make_user("cara")
    CareAccess.objects.create(
        person=alice, email=cara.email, role="carer", member=cara, accepted_at=NOW
    )
    client = Client()
    client.force_login(cara)
    return cara, client


# The rules, in one place ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"event": "uti-signs", "volume_ml": 300}, "volume_ml"),
        ({"event": "catheter", "volume_ml": 0}, "volume_ml"),
        ({"event": "catheter", "volume_ml": 3001}, "volume_ml"),
        ({"event": "catheter", "bowel_result": "good"}, "bowel_result"),
        ({"event": "bowel-routine", "checked_by": "self"}, "checked_by"),
        ({"event": "skin-check", "site": "heel"}, "site"),
        ({"event": "skin-healed", "site": "heel", "stage": "2"}, "stage"),
    ],
)
def test_it_says_which_detail_does_not_go_with_the_kind(fields, field):
    with pytest.raises(ValidationError) as refused:
        CareEvent(**fields).clean()
    assert list(refused.value.message_dict) == [field]


def test_it_takes_every_detail_on_the_kinds_it_describes():
    for fields in (
        {"event": "catheter", "volume_ml": 3000},
        {"event": "leak", "volume_ml": 1},
        {"event": "bowel-routine", "bowel_result": "small"},
        {"event": "skin-check", "checked_by": "nurse"},
        {"event": "skin-problem", "site": "sacrum", "stage": "deep-tissue"},
        {"event": "skin-healed", "site": "sacrum"},
    ):
        CareEvent(**fields).clean()


# One tap from the Log page -------------------------------------------------------------------


def test_it_offers_the_three_buttons_and_the_area_forms_on_the_log_page(alice_client):
    response = alice_client.get(reverse("diary:quick_log"))
    buttons = re.findall(r'<button type="submit" name="event" value="([^"]*)"', response.text)
    assert buttons == ["catheter", "bowel-routine", "skin-check"]
    page = text(response)
    assert "Bladder, bowel and skin" in page
    assert "Catheterised or emptied" in page
    for area in ("bladder", "bowel", "skin"):
        assert f"{reverse('diary:new', args=['care'])}?area={area}" in response.text


@time_machine.travel(NOW, tick=False)
def test_it_logs_a_catheterisation_with_its_volume_in_one_tap(alice_client, alice):
    response = alice_client.post(
        reverse("diary:care_now"), {"event": "catheter", "volume_ml": "450"}, follow=True
    )
    event = CareEvent.objects.get()
    assert (event.owner, event.logged_by, event.event, event.volume_ml) == (
        alice,
        alice,
        "catheter",
        450,
    )
    assert event.occurred_at == NOW
    assert "Saved at 00:30: Catheterised or emptied the bladder (450 ml)." in text(response)


@time_machine.travel(NOW, tick=False)
def test_it_logs_a_bowel_routine_an_hour_ago_from_its_chip(alice_client):
    alice_client.post(reverse("diary:care_now"), {"event": "bowel-routine", "minutes_ago": "60"})
    event = CareEvent.objects.get()
    assert (event.event, event.occurred_at, event.volume_ml) == (
        "bowel-routine",
        NOW - timedelta(hours=1),
        None,
    )


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            {"event": "skin-check", "volume_ml": "300"},
            "Not saved: a volume goes with a catheterisation.",
        ),
        ({"event": "catheter", "volume_ml": "5000"}, "Enter a volume from 1 to 3000 ml."),
        ({"event": "catheter", "volume_ml": "lots"}, "Enter the volume as a whole number of ml"),
    ],
)
def test_it_refuses_a_tapped_volume_that_does_not_fit_in_words(alice_client, data, said):
    response = alice_client.post(reverse("diary:care_now"), data, follow=True)
    assert said in text(response)
    assert not CareEvent.objects.exists()


def test_it_refuses_a_button_the_page_never_offers(alice_client):
    response = alice_client.post(reverse("diary:care_now"), {"event": "skin-problem"})
    assert response.status_code == 400
    assert not CareEvent.objects.exists()


def test_it_saves_a_tap_sent_twice_once(alice_client):
    tap = {"event": "catheter", "client_id": "0b6c3a5e-7f43-4a65-9a39-6d7a1f1d2c11"}
    alice_client.post(reverse("diary:care_now"), tap)
    answer = alice_client.post(reverse("diary:care_now"), tap, HTTP_ACCEPT="application/json")
    assert answer.json()["duplicate"] is True
    assert CareEvent.objects.count() == 1


# A form per area -----------------------------------------------------------------------------


def test_it_offers_only_one_areas_kinds_and_details(alice_client):
    url = reverse("diary:new", args=["care"])
    bladder = alice_client.get(f"{url}?area=bladder")
    assert radio_values(bladder.text, "event") == ["catheter", "leak", "uti-signs", "uti-treated"]
    assert 'name="volume_ml"' in bladder.text
    assert 'name="stage"' not in bladder.text
    assert "<h1>Log bladder</h1>" in bladder.text
    skin = alice_client.get(f"{url}?area=skin")
    assert radio_values(skin.text, "event") == ["skin-check", "skin-problem", "skin-healed"]
    assert radio_values(skin.text, "stage") == ["1", "2", "3", "4", "unstageable", "deep-tissue"]
    assert 'name="volume_ml"' not in skin.text
    # A skin problem points to the guide on pressure sores.
    assert "/guides/leg-pain-causes/#pressure-sores" in skin.text
    everything = alice_client.get(f"{url}?area=nonsense")
    assert len(radio_values(everything.text, "event")) == 11


@time_machine.travel(NOW, tick=False)
def test_it_logs_a_skin_problem_with_site_and_stage(alice_client, alice):
    url = reverse("diary:new", args=["care"]) + "?area=skin"
    response = alice_client.post(
        url,
        {"event": "skin-problem", "when": "15", "site": "heel", "stage": "2", "note": "left"},
        follow=True,
    )
    event = CareEvent.objects.get()
    assert (event.event, event.site, event.stage, event.note) == (
        "skin-problem",
        "heel",
        "2",
        "left",
    )
    assert event.occurred_at == NOW - timedelta(minutes=15)
    assert response.redirect_chain[-1][0] == reverse("diary:history")
    page = text(response)
    assert "Skin problem found at 00:15: heel; Stage 2: a shallow open sore or blister." in page
    assert "About pressure sores" in page


def test_it_keeps_everything_typed_when_a_detail_does_not_fit(alice_client):
    url = reverse("diary:new", args=["care"]) + "?area=bladder"
    response = alice_client.post(
        url, {"event": "uti-signs", "when": "now", "volume_ml": "350", "note": "cloudy"}
    )
    assert response.status_code == 200
    assert "Only a catheterisation or a leak has a volume" in text(response)
    assert 'value="350"' in response.text
    assert "cloudy" in response.text
    assert re.search(r'value="uti-signs"[^>]*checked', response.text)
    assert not CareEvent.objects.exists()


def test_it_asks_what_happened(alice_client):
    url = reverse("diary:new", args=["care"]) + "?area=bowel"
    response = alice_client.post(url, {"when": "now", "bowel_result": "good"})
    assert "Choose what happened." in text(response)
    assert not CareEvent.objects.exists()


# History, edit, bin and undo -----------------------------------------------------------------


def test_it_lists_care_events_in_the_history_with_a_filter(alice_client, alice):
    care(alice, "catheter", volume_ml=400)
    care(alice, "bowel-routine", bowel_result="good", occurred_at=NOW - timedelta(hours=2))
    care(alice, "skin-check", checked_by="carer", occurred_at=NOW - timedelta(hours=3))
    response = alice_client.get(reverse("diary:history"), {"kind": "care"})
    page = text(response)
    assert "Catheterised or emptied the bladder at 00:30: 400 ml." in page
    assert "Bowel routine done at 22:30: good result." in page
    assert "Skin check done at 21:30; who checked: a carer." in page
    assert 'value="care" selected' in response.text


def test_it_edits_a_care_event_in_its_own_area(alice_client, alice):
    event = care(alice, "catheter", volume_ml=400)
    url = reverse("diary:edit", args=["care", event.pk])
    page = alice_client.get(url)
    assert radio_values(page.text, "event") == ["catheter", "leak", "uti-signs", "uti-treated"]
    alice_client.post(
        url, {"event": "leak", "when": "saved", "volume_ml": "120", "version": event.version}
    )
    event.refresh_from_db()
    assert (event.event, event.volume_ml, event.version) == ("leak", 120, 2)


def test_it_bins_a_care_event_and_undo_brings_it_back(alice_client, alice):
    event = care(alice, "skin-problem", site="sacrum", stage="1")
    response = alice_client.post(reverse("diary:delete", args=["care", event.pk]), follow=True)
    assert "Bladder, bowel or skin moved to the bin." in text(response)
    event.refresh_from_db()
    assert event.deleted_at is not None
    assert "Skin problem found" in text(alice_client.get(reverse("diary:bin")))
    alice_client.post(reverse("diary:restore", args=["care", event.pk]))
    event.refresh_from_db()
    assert event.deleted_at is None


# A carer --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_lets_a_carer_log_in_the_persons_diary(alice, cara):
    carer, client = cara
    log = {"person_id": alice.pk}
    response = client.post(
        reverse("diary:care_now", kwargs=log), {"event": "skin-check"}, follow=True
    )
    assert "Saved for Alice at 00:30: Skin check done." in text(response)
    url = reverse("diary:new", kwargs={"kind": "care", **log}) + "?area=skin"
    page = client.get(url)
    assert "Log skin for Alice" in text(page)
    assert "Who checked Alice’s skin?" in text(page)
    assert re.search(r'value="self"[^>]*>\s*<label[^>]*>Alice</label>', page.text)
    client.post(url, {"event": "skin-healed", "when": "now", "site": "heel"})
    assert [(e.event, e.owner, e.logged_by) for e in CareEvent.objects.order_by("pk")] == [
        ("skin-check", alice, carer),
        ("skin-healed", alice, carer),
    ]
    care(alice, "skin-check", checked_by="self", logged_by=carer)
    listed = text(client.get(reverse("diary:history", kwargs=log)))
    assert "Skin check done at 00:30; who checked: Alice." in listed


# Exports and import --------------------------------------------------------------------------


def care_item(**fields):
    return {
        "occurred_at": "2025-03-01T07:00:00+09:00",
        "event": "catheter",
        "volume_ml": None,
        "bowel_result": "",
        "checked_by": "",
        "site": "",
        "stage": "",
        "note": "",
        "note_for_clinician": False,
        "logged_by": None,
        "created_at": "2025-03-01T07:01:00+09:00",
        "updated_at": "2025-03-01T07:01:00+09:00",
        "deleted_at": None,
        **fields,
    }


def test_it_writes_care_csv_with_every_detail(alice_client, alice):
    care(alice, "catheter", volume_ml=450, note="=cloudy", note_for_clinician=True)
    care(alice, "skin-problem", site="sacrum", stage="2", occurred_at=NOW - timedelta(days=1))
    binned = care(alice, "leak")
    binned.move_to_bin()
    response = alice_client.get(reverse("exports:csv", args=["care"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        {
            "id": str(rows[0]["id"]),
            "occurred_at": "2026-03-14T00:30:00+13:00",
            "area": "skin",
            "event": "skin-problem",
            "volume_ml": "",
            "bowel_result": "",
            "checked_by": "",
            "site": "sacrum",
            "stage": "2",
            "note": "",
            "note_for_clinician": "0",
            "logged_by": alice.email,
        },
        {
            "id": str(rows[1]["id"]),
            "occurred_at": "2026-03-15T00:30:00+13:00",
            "area": "bladder",
            "event": "catheter",
            "volume_ml": "450",
            "bowel_result": "",
            "checked_by": "",
            "site": "",
            "stage": "",
            "note": "'=cloudy",
            "note_for_clinician": "1",
            "logged_by": alice.email,
        },
    ]


@time_machine.travel(datetime(2025, 3, 10, 3, tzinfo=UTC), tick=False)
def test_it_checks_care_events_in_a_backup_with_the_models_words(alice_client, alice):
    data = minimal_backup(
        version=backup.VERSION,
        reminders=None,
        care_events=[
            care_item(volume_ml=300),
            care_item(event="bowel-routine", volume_ml=300),
            care_item(event="catheter", volume_ml=4000),
            care_item(event="skin-healed", site="heel", stage="2"),
            care_item(event="sneeze"),
            care_item(event="skin-problem", stage="5"),
            care_item(occurred_at="2025-03-12T07:00:00+09:00"),
            care_item(event="skin-check", volume_ml="300"),
        ],
    )
    text = page_text(upload(alice_client, {"b.json": data}))
    assert "1 entry to add" in text
    assert "b.json, care event 2: volume_ml: Only a catheterisation or a leak has a volume" in text
    assert "b.json, care event 3: volume_ml: Enter a volume from 1 to 3000 ml." in text
    assert "b.json, care event 4: stage: Only a skin problem found has a stage" in text
    assert "b.json, care event 5: event 'sneeze' is not one of: catheter, leak" in text
    assert "b.json, care event 6: stage '5' is not one of:" in text
    assert "b.json, care event 7: occurred_at 2025-03-12T07:00:00+09:00 is in the future" in text
    assert "b.json, care event 8: volume_ml '300' is not a whole number" in text
    confirm(alice_client)
    [event] = CareEvent.objects.filter(owner=alice)
    assert (event.event, event.volume_ml) == ("catheter", 300)


@time_machine.travel(datetime(2025, 3, 10, 3, tzinfo=UTC), tick=False)
def test_it_reads_a_version_5_backup_as_having_no_care_events(alice_client, alice):
    data = json.loads(minimal_backup(version=5, reminders=None))
    del data["care_events"]
    text = page_text(upload(alice_client, {"b.json": json.dumps(data).encode()}))
    assert "0 entries to add, 0 already in your diary (skipped), 0 errors." in text


def test_it_refuses_bad_cells_of_a_care_csv(alice_client, alice):
    care(alice, "catheter", volume_ml=450)
    files = csv_bytes(alice_client)
    CareEvent.objects.all().delete()
    original = files["care.csv"].decode()
    lines = original.splitlines()
    header, row = lines[0], lines[1]
    bad = [
        row.replace(",catheter,450,", ",bowel-routine,450,"),
        row.replace(",catheter,450,", ",catheter,0,"),
        row.replace(",catheter,450,", ",catheter,lots,"),
    ]
    text = page_text(upload(alice_client, {"care.csv": "\n".join([header, *bad]).encode()}))
    assert "0 entries to add" in text
    assert "care.csv row 2: volume_ml: Only a catheterisation or a leak has a volume" in text
    assert "care.csv row 3: volume_ml: Enter a volume from 1 to 3000 ml." in text
    assert "care.csv row 4: volume_ml 'lots' is not a whole number" in text


# FHIR ------------------------------------------------------------------------------------------


def test_it_exports_each_care_event_as_a_valid_observation(alice):
    care(alice, "catheter", volume_ml=450, note="cloudy", note_for_clinician=True)
    care(alice, "skin-problem", site="heel", stage="deep-tissue", occurred_at=NOW)
    care(alice, "bowel-routine", bowel_result="good", occurred_at=NOW)
    care(alice, "skin-check", checked_by="carer", occurred_at=NOW)
    care(alice, "leak").move_to_bin()
    data = fhir.bundle(alice)
    Bundle.model_validate(data)
    found = {
        entry["resource"]["code"]["coding"][0]["code"]: entry["resource"]
        for entry in data["entry"]
        if entry["resource"].get("code", {}).get("coding", [{}])[0].get("system")
        == fhir.CARE_EVENTS
    }
    assert sorted(found) == ["bowel-routine", "catheter", "skin-check", "skin-problem"]
    for resource in found.values():
        Observation.model_validate(resource)
        assert resource["effectiveDateTime"] == "2026-03-15T00:30:00+13:00"
    emptied = found["catheter"]
    assert emptied["code"]["text"] == "Catheterised or emptied the bladder"
    assert emptied["valueQuantity"] == {
        "value": 450,
        "unit": "mL",
        "system": "http://unitsofmeasure.org",
        "code": "mL",
    }
    assert emptied["note"] == [{"text": "cloudy"}]
    sore = found["skin-problem"]
    assert sore["bodySite"]["text"] == "Heel"
    assert "valueQuantity" not in sore
    [stage] = sore["component"]
    assert stage["code"]["coding"][0]["code"] == "pressure-injury-stage"
    assert stage["valueCodeableConcept"]["coding"][0] == {
        "system": fhir.PRESSURE_STAGES,
        "code": "deep-tissue",
        "display": "Deep tissue injury: purple or maroon skin",
    }
    [result] = found["bowel-routine"]["component"]
    assert result["valueCodeableConcept"]["coding"][0]["code"] == "good"
    [who] = found["skin-check"]["component"]
    assert who["valueCodeableConcept"]["text"] == "A carer"


# Trends ----------------------------------------------------------------------------------------

TRENDS_NOW = datetime(2026, 3, 20, 9, tzinfo=UTC)  # Friday 20 March, 22:00 in Auckland


def programme(owner, first: date, days: int) -> None:
    """Five catheterisations a day, a bowel routine every other morning (every fourth missed),
    a skin check every evening."""
    for n in range(days):
        day = first + timedelta(days=n)
        for hour in (6, 10, 14, 18, 22):
            care(owner, "catheter", occurred_at=at(day, hour), volume_ml=400)
        if n % 2 == 0:
            care(owner, "bowel-missed" if n % 4 == 2 else "bowel-routine", occurred_at=at(day, 8))
        care(owner, "skin-check", occurred_at=at(day, 21), checked_by="self")


CARE_ROW = (
    r"<tr><td>({label})[^<]*(?:<span[^>]*>([^<]*)</span>)?</td>"
    r"<td>([^<]*)</td><td>(\d+)</td><td>(\d+)</td><td>([^<]*)</td><td>(\d+)</td></tr>"
)
WEEK, MONTH = r"\d+ \w+ \d+", r"\w+ \d{4}"


def care_rows(html: str, label: str = WEEK) -> list[tuple]:
    """The care table's rows: the week (or month), its days if cut short, then each figure."""
    return re.findall(CARE_ROW.format(label=label), html)


@time_machine.travel(TRENDS_NOW, tick=False)
def test_it_sums_up_the_programme_week_by_week_on_the_trends_page(alice_client, alice):
    programme(alice, date(2026, 3, 9), 11)  # Monday 9 to Thursday 19 March
    care(alice, "catheter", occurred_at=at(date(2026, 3, 20), 6))
    care(alice, "catheter", occurred_at=at(date(2026, 3, 20), 7)).move_to_bin()
    care(alice, "skin-problem", occurred_at=at(date(2026, 2, 1), 21), site="heel")  # before
    care(alice, "skin-problem", occurred_at=at(date(2026, 3, 10), 21), site="sacrum", stage="1")
    care(alice, "skin-healed", occurred_at=at(date(2026, 3, 17), 21), site="sacrum")
    care(alice, "leak", occurred_at=at(date(2026, 3, 8), 12))  # a week with nothing counted
    response = alice_client.get(reverse("trends:overview"), {"range": "14d"})
    rows = care_rows(response.text)
    # The 14 days from 7 March: a Saturday and Sunday first (a leak, listed with none of the
    # counted events), then the week of 9 March, then the week of 16 March up to today; one
    # problem open from February, one more from the 10th.
    assert rows == [
        ("2 Mar 2026", "(2 days)", "0.0", "0", "0", "0/2", "1"),
        ("9 Mar 2026", "", "5.0", "2", "2", "7/7", "2"),
        ("16 Mar 2026", "(5 days)", "4.2", "1", "1", "4/5", "1"),
    ]
    assert "Bladder, bowel and skin" in text(response)


@time_machine.travel(TRENDS_NOW, tick=False)
def test_it_sums_up_the_programme_month_by_month_over_a_range_of_more_than_a_year(
    alice_client, alice
):
    programme(alice, date(2026, 1, 26), 14)  # Monday 26 January to Sunday 8 February
    care(alice, "skin-problem", occurred_at=at(date(2026, 2, 3), 21), site="heel")
    over_a_year = {"range": "custom", "from": "2025-01-01", "to": "2026-03-20"}
    response = alice_client.get(reverse("trends:overview"), over_a_year)
    rows = care_rows(response.text, MONTH)
    # A row a calendar month, each day of it counted (a catheterisation rate over the month),
    # and March, the month the range ends in, cut to its 20 days.
    assert rows == [
        ("January 2026", "", "1.0", "2", "1", "6/31", "0"),
        ("February 2026", "", "1.4", "2", "2", "8/28", "1"),
    ]
    assert "Bladder, bowel and skin by month" in response.text
    assert "at the end of the month" in text(response)
    care(alice, "catheter", occurred_at=at(date(2026, 3, 2), 6))
    rows = re.findall(
        r"<tr><td>(\w+ \d{4}) <span[^>]*>([^<]*)</span>",
        alice_client.get(reverse("trends:overview"), over_a_year).text,
    )
    assert rows == [("March 2026", "(20 days)")]


@time_machine.travel(TRENDS_NOW, tick=False)
def test_it_says_when_no_care_events_were_logged(alice_client, alice):
    care(alice, "skin-problem", occurred_at=at(date(2025, 1, 6), 21), site="heel")  # long before
    with CaptureQueriesContext(connection) as done:
        response = alice_client.get(reverse("trends:overview"))
    assert "No bladder, bowel or skin events were logged in this period." in text(response)
    # One read of the period's events; with none, the problems open before it are not asked for.
    assert len([query for query in done if "diary_careevent" in query["sql"]]) == 1


@time_machine.travel(TRENDS_NOW, tick=False)
def test_it_reads_two_or_ten_weeks_of_the_programme_in_the_same_queries(alice, alice_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert alice_client.get(reverse("trends:overview"), {"range": "3m"}).status_code == 200
        return len(diary_queries(done))

    programme(alice, date(2026, 3, 6), 14)
    two = queries()
    programme(alice, date(2026, 1, 9), 56)
    assert queries() == two


@time_machine.travel(TRENDS_NOW, tick=False)
def test_it_puts_the_programme_by_week_in_the_report(alice_client, alice):
    programme(alice, date(2026, 3, 16), 4)
    page = text(alice_client.get(reverse("reports:report"), {"range": "14d"}))
    assert "Bladder, bowel and skin" in page
    assert "16 Mar 2026 (5 days) 4.0 1 1 4/5 0" in page
    care(alice, "catheter", occurred_at=at(date(2026, 3, 16), 2)).move_to_bin()  # not counted
    assert "16 Mar 2026 (5 days) 4.0 1 1 4/5 0" in text(
        alice_client.get(reverse("reports:report"), {"range": "14d"})
    )


# Offline ---------------------------------------------------------------------------------------


def test_it_keeps_the_care_buttons_offline_and_the_worker_queues_them(alice_client, client):
    copy = alice_client.get(reverse("diary:log_offline_copy"))
    assert 'action="/log/care-now/" data-queue-kind="care"' in copy.text
    worker = client.get("/service-worker.js").content.decode()
    shell = json.loads(worker.split("\n", 1)[0].removeprefix("const SHELL = ").removesuffix(";"))
    assert "care-now/" in shell["taps"]


def test_it_lists_care_events_medicines_and_doses_in_the_admin(client, staff, alice):
    care(alice, "bowel-routine", bowel_result="good")
    baclofen = medicine(alice, "Baclofen")
    dose(alice, baclofen)
    client.force_login(staff)
    events = client.get(reverse("admin:diary_careevent_changelist"))
    assert "Bowel routine done" in events.text
    medicines = client.get(reverse("admin:diary_medicine_changelist"))
    assert "Baclofen" in medicines.text
    doses = client.get(reverse("admin:diary_medicinedose_changelist"))
    assert "Baclofen taken" in doses.text
