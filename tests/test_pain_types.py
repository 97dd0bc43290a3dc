"""The ISCI pain types: the person's guess on the pain form, a clinician's confirmed type per pain
problem, the two shown side by side, and where each goes when the data leaves the app. Also the
daily check-in's recall wording."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from sci_tracker.diary.demo import DEMO_CLINICIAN, seed_demo
from sci_tracker.diary.models import LegPainEntry, PainProblem, PainType
from sci_tracker.exports import fhir
from sci_tracker.exports.models import PendingImport
from sci_tracker.reports.report import build_report
from sci_tracker.sharing.models import CareAccess, Role
from sci_tracker.trends.aggregates import Period
from tests.conftest import make_user, text_of
from tests.entries import NOW, at, pain

SNOMED = "http://snomed.info/sct"
NO_TRIED = {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
TODAY = date(2026, 3, 15)  # NOW in Auckland


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def doctor(alice):
    clinician = make_user("okafor", is_clinician=True)
    CareAccess.objects.create(
        person=alice, email=clinician.email, role=Role.CLINICIAN, member=clinician, accepted_at=NOW
    )
    return clinician


@pytest.fixture
def feet(alice):
    return PainProblem.objects.create(owner=alice, slot=1, name="Burning feet")


def confirm_url(person):
    return reverse("diary:confirm_pain_types", args=[person.pk])


# The pain form -------------------------------------------------------------------------------


def test_it_groups_the_full_isci_classification_on_the_pain_form(alice_client):
    html = alice_client.get(reverse("diary:new", args=["pain"])).text
    tiers = re.findall(
        r'<fieldset class="choice-tier"><legend[^>]*>([^<]+)</legend>(.*?)</fieldset>', html, re.S
    )
    assert [(heading, re.findall(r'value="([^"]+)"', body)) for heading, body in tiers] == [
        (
            "Nociceptive pain: from muscles, joints, bones or organs",
            ["musculoskeletal", "visceral", "nociceptive-other"],
        ),
        (
            "Neuropathic pain: from damaged nerves",
            ["neuropathic-at", "neuropathic-below", "neuropathic-other"],
        ),
    ]
    group = html[html.index('id="id_pain_type"') : html.index('id="id_pain_type_help"')]
    values = re.findall(r'name="pain_type" value="([^"]+)"', group)
    assert values == [
        "musculoskeletal",
        "visceral",
        "nociceptive-other",
        "neuropathic-at",
        "neuropathic-below",
        "neuropathic-other",
        "other",
        "unknown",
    ]
    assert re.search(r'name="pain_type" value="unknown" id="[^"]+" checked', group)
    page = text_of(html)
    for words in (
        "Muscle, joint or bone pain (musculoskeletal)",
        "Pain from organs in the belly or pelvis (visceral)",
        "Other pain from hurt or sore tissue (other nociceptive)",
        "Nerve pain at the injury level (at-level SCI pain)",
        "Nerve pain below the injury level (below-level SCI pain)",
        "Other nerve pain, not from the spinal cord injury (other neuropathic)",
        "Other pain, neither of these kinds (other pain)",
        "Not sure (unknown)",
    ):
        assert words in page
    # Every type's Learn more names a section of the guides (test_guides checks they exist).
    for section in ("organ-pain", "other-tissue-pain", "other-nerve-pain", "other-or-unknown-pain"):
        assert f'href="/guides/using-with-your-clinician/#{section}"' in html


@pytest.mark.parametrize("value", ["nociceptive-other", "neuropathic-other"])
def test_it_saves_the_new_isci_types_as_the_persons_guess(alice_client, alice, feet, value):
    data = {"when": "now", "intensity": "4", "pain_type": value, "problem": feet.pk, **NO_TRIED}
    response = alice_client.post(reverse("diary:new", args=["pain"]), data)
    assert response.status_code == 302
    assert LegPainEntry.objects.get(owner=alice).pain_type == value
    assert PainProblem.objects.get(pk=feet.pk).confirmed_type == ""  # a guess confirms nothing


def test_it_keeps_the_guess_typed_when_the_form_comes_back(alice_client, alice):
    data = {"when": "now", "intensity": "11", "pain_type": "neuropathic-other", **NO_TRIED}
    response = alice_client.post(reverse("diary:new", args=["pain"]), data)
    assert response.status_code == 200
    assert re.search(r'value="neuropathic-other" id="[^"]+" checked', response.text)
    assert not LegPainEntry.objects.exists()


# The clinician's confirmed type --------------------------------------------------------------


def test_it_lets_a_clinician_confirm_a_type_beside_the_persons_guess(
    client, alice, doctor, feet, frozen
):
    pain(alice, problem=feet, pain_type="neuropathic-below", occurred_at=NOW - timedelta(hours=1))
    client.force_login(doctor)
    page = client.get(confirm_url(alice))
    assert page.status_code == 200
    assert "Their latest guess: Nerve pain below the injury level" in text_of(page.text)
    assert re.search(r'name="problem_1" value="none" id="[^"]+" checked', page.text)

    response = client.post(confirm_url(alice), {"problem_1": "musculoskeletal"})
    assert response.status_code == 302
    assert response["Location"] == f"/people/{alice.pk}/trends/#review"
    feet.refresh_from_db()
    assert (feet.confirmed_type, feet.confirmed_by, feet.confirmed_by_name) == (
        "musculoskeletal",
        doctor,
        "Okafor",
    )
    assert feet.confirmed_at == NOW
    assert feet.confirmed_imported_at is None
    # The person's own answer stays as they logged it.
    assert LegPainEntry.objects.get().pain_type == "neuropathic-below"


def test_it_keeps_who_confirmed_first_when_the_same_type_is_saved_again(
    client, alice, doctor, feet
):
    feet.confirm_type("visceral", doctor)
    first = PainProblem.objects.get(pk=feet.pk).confirmed_at
    other = make_user("lee", is_clinician=True)
    CareAccess.objects.create(
        person=alice, email=other.email, role=Role.CLINICIAN, member=other, accepted_at=NOW
    )
    client.force_login(other)
    client.post(confirm_url(alice), {"problem_1": "visceral"})
    feet.refresh_from_db()
    assert (feet.confirmed_by_name, feet.confirmed_at) == ("Okafor", first)
    client.post(confirm_url(alice), {"problem_1": "none"})
    feet.refresh_from_db()
    assert (feet.confirmed_type, feet.confirmed_by, feet.confirmed_by_name) == ("", None, "")
    assert feet.confirmed_at is None


def test_it_refuses_the_confirmed_type_to_everyone_but_a_clinician_with_access(
    client, alice, bob, feet
):
    carer = make_user("cara")
    CareAccess.objects.create(
        person=alice, email=carer.email, role=Role.CARER, member=carer, accepted_at=NOW
    )
    invited = make_user("lee", is_clinician=True)
    CareAccess.objects.create(person=alice, email=invited.email, role=Role.CLINICIAN)
    stranger_doctor = make_user("ng", is_clinician=True)
    for user in (alice, carer, bob, invited, stranger_doctor):
        client.force_login(user)
        assert client.get(confirm_url(alice)).status_code == 404, user
        assert client.post(confirm_url(alice), {"problem_1": "visceral"}).status_code == 404
    assert PainProblem.objects.get(pk=feet.pk).confirmed_type == ""


def test_it_asks_again_when_a_problem_is_left_out_or_a_type_is_made_up(client, alice, doctor, feet):
    client.force_login(doctor)
    for data in ({}, {"problem_1": "neuropathic"}, {"problem_1": ""}):
        response = client.post(confirm_url(alice), data)
        assert response.status_code == 200
        assert "Please check" in response.text
    assert PainProblem.objects.get(pk=feet.pk).confirmed_type == ""


def test_it_says_when_there_is_no_pain_problem_to_confirm(client, alice, doctor):
    client.force_login(doctor)
    html = client.get(confirm_url(alice)).text
    assert "Alice has not named any pain problems yet." in text_of(html)
    assert "Save the pain types" not in html


def test_it_offers_the_page_to_the_clinician_on_the_review_panel(client, alice, doctor):
    client.force_login(doctor)
    html = client.get(reverse("trends:overview", kwargs={"person_id": alice.pk})).text
    assert f'href="{confirm_url(alice)}">Confirm pain types</a>' in html
    client.force_login(alice)
    assert "Confirm pain types" not in client.get(reverse("trends:overview")).text


def test_it_needs_who_and_when_for_a_confirmed_type_in_the_database(alice, feet):
    for fields in (
        {"confirmed_type": "visceral"},
        {"confirmed_type": "visceral", "confirmed_by_name": "Dr X"},
        {"confirmed_type": "made-up", "confirmed_by_name": "Dr X", "confirmed_at": NOW},
        {"confirmed_by_name": "Dr X"},
        {
            "confirmed_type": "visceral",
            "confirmed_by_name": "Dr X",
            "confirmed_at": NOW,
            "confirmed_by": alice,
            "confirmed_imported_at": NOW,
        },
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            PainProblem.objects.filter(pk=feet.pk).update(**fields)


# Shown beside the guess ----------------------------------------------------------------------


@pytest.fixture
def confirmed(alice, doctor, feet):
    with time_machine.travel(datetime(2026, 3, 10, tzinfo=UTC), tick=False):
        feet.confirm_type("musculoskeletal", doctor)
    pain(alice, problem=feet, pain_type="neuropathic-below", occurred_at=at(TODAY, 9))
    return feet


def test_it_shows_the_confirmed_type_beside_the_guess_on_the_pain_problems_page(
    alice_client, confirmed
):
    page = text_of(alice_client.get(reverse("diary:pain_problems")).text)
    assert (
        "Burning feet : Your guess: Nerve pain below the injury level (below-level SCI pain) · "
        "Confirmed by Okafor (10 Mar 2026): Muscle, joint or bone pain (musculoskeletal)"
    ) in page


def test_it_shows_the_confirmed_type_beside_the_question_on_the_pain_form(alice_client, confirmed):
    html = alice_client.get(reverse("diary:new", args=["pain"])).text
    help_text = re.search(r'id="id_pain_type_help">([^<]+)<', html).group(1)
    assert help_text.endswith(
        "Confirmed by a clinician: Burning feet: Muscle, joint or bone pain (musculoskeletal) "
        "(Okafor)."
    )


def test_it_shows_the_confirmed_type_beside_the_guess_in_the_history(alice_client, confirmed):
    html = alice_client.get(reverse("diary:history")).text
    assert (
        "Kind of pain (your guess): Nerve pain below the injury level (below-level SCI pain) · "
        "Confirmed by Okafor: Muscle, joint or bone pain (musculoskeletal)"
    ) in text_of(html)
    assert 'href="/guides/leg-pain-causes/#muscle-and-joint-pain"' in html


def test_it_shows_a_confirmed_type_in_the_history_when_the_guess_is_not_sure(
    alice_client, alice, confirmed
):
    LegPainEntry.objects.update(pain_type="unknown")
    page = text_of(alice_client.get(reverse("diary:history")).text)
    assert "Confirmed by Okafor: Muscle, joint or bone pain (musculoskeletal)" in page
    assert "your guess" not in page


def test_it_shows_both_in_the_report_and_its_pdf(alice, alice_client, confirmed, frozen):
    report = build_report(alice, Period(TODAY - timedelta(days=29), TODAY))
    [found] = report.pain_types
    assert (found.problem, found.guess) == (confirmed, "neuropathic-below")
    html = alice_client.get(reverse("reports:report")).text
    expected = (
        # The problem's pain in the period (mean, highest, entries), then its kind of pain.
        "Burning feet 5.0 5 1 "
        "Their guess: Nerve pain below the injury level (below-level SCI pain) · "
        "Confirmed by Okafor (10 Mar 2026): Muscle, joint or bone pain (musculoskeletal)"
    )
    assert expected in text_of(html)
    from tests.test_report import report_html

    assert expected in text_of(report_html(alice, Period(TODAY - timedelta(days=29), TODAY)))


def test_it_reports_no_guess_from_outside_the_period(alice, confirmed):
    report = build_report(alice, Period(date(2026, 1, 1), date(2026, 1, 31)))
    [found] = report.pain_types
    assert (found.guess, found.problem.confirmed_type) == ("", "musculoskeletal")


# Where the data goes -------------------------------------------------------------------------


def test_it_never_gives_the_persons_guess_a_snomed_code_in_fhir(alice, confirmed):
    for value in PainType.values:
        pain(alice, pain_type=value, occurred_at=NOW - timedelta(minutes=len(value)))
    data = fhir.bundle(alice)
    Bundle.model_validate(data)
    observations = [entry["resource"] for entry in data["entry"][1:]]
    guesses = [
        part["valueCodeableConcept"]
        for resource in observations
        for part in resource.get("component", [])
        if part["code"]["coding"][0]["code"] == "pain-type"
    ]
    assert len(guesses) == len(PainType.values) + 1
    for guess in guesses:
        assert [coding["system"] for coding in guess["coding"]] == [fhir.PAIN_TYPES]


def test_it_exports_the_confirmed_type_as_a_clinicians_finding(alice, doctor, feet):
    feet.confirm_type("neuropathic-at", doctor)
    hip = PainProblem.objects.create(owner=alice, slot=2, name="Hip")
    hip.confirm_type("musculoskeletal", doctor)
    data = fhir.bundle(alice)
    Bundle.model_validate(data)
    found = [
        entry["resource"]
        for entry in data["entry"]
        if entry["resource"].get("code", {}).get("coding", [{}])[0].get("code")
        == "pain-type-confirmed"
    ]
    assert len(found) == 2
    at_level, hip_found = found
    assert [(c["system"], c["code"]) for c in at_level["valueCodeableConcept"]["coding"]] == [
        (fhir.PAIN_TYPES, "neuropathic-at"),
        (SNOMED, "247398009"),
    ]
    assert at_level["performer"] == [{"display": "Okafor"}]
    assert at_level["category"][0]["coding"][0]["code"] == "exam"
    assert at_level["component"][0]["valueCodeableConcept"]["text"] == "Burning feet"
    # No SNOMED CT code the project is not sure of: musculoskeletal goes with its own code only.
    assert [c["system"] for c in hip_found["valueCodeableConcept"]["coding"]] == [fhir.PAIN_TYPES]


def csv_rows(client):
    response = client.get(reverse("exports:csv", args=["leg-pain"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_it_writes_the_confirmed_type_beside_the_guess_in_the_csv(alice_client, confirmed):
    [row] = csv_rows(alice_client)
    assert (row["pain_type"], row["problem_confirmed_type"], row["problem_confirmed_by"]) == (
        "neuropathic-below",
        "musculoskeletal",
        "Okafor",
    )


@pytest.mark.parametrize("with_confirmed", [True, False], ids=["today", "older"])
def test_it_imports_leg_pain_csv_files_with_or_without_the_confirmed_columns(
    client, alice, confirmed, with_confirmed
):
    client.force_login(alice)
    [row] = csv_rows(client)
    columns = [c for c in row if with_confirmed or not c.startswith("problem_confirmed")]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerow(row)
    dana = make_user("dana")
    client.force_login(dana)
    upload = io.BytesIO(out.getvalue().encode())
    upload.name = "leg-pain.csv"
    response = client.post(reverse("exports:import"), {"files": [upload]}, follow=True)
    assert "0 errors" in text_of(response.text)
    pending = PendingImport.objects.get()
    client.post(reverse("exports:import_preview"), {"pending": str(pending.pk), "confirm": ""})
    assert LegPainEntry.objects.get(owner=dana).pain_type == "neuropathic-below"
    # A spreadsheet cell proves nothing about who confirmed a type: a CSV file never sets one.
    assert PainProblem.objects.get(owner=dana).confirmed_type == ""


def test_it_imports_an_older_backup_without_the_confirmed_type(client, alice, feet):
    client.force_login(alice)
    data = b"".join(client.get(reverse("exports:backup")).streaming_content).decode()
    older = re.sub(
        r', "confirmed_type": "", "confirmed_by_name": "", "confirmed_at": null', "", data
    )
    assert '"confirmed_type"' not in older
    dana = make_user("dana")
    client.force_login(dana)
    upload = io.BytesIO(older.encode())
    upload.name = "backup.json"
    response = client.post(reverse("exports:import"), {"files": [upload]}, follow=True)
    page = text_of(response.text)
    assert "Pain problem 1: Burning feet" in page
    assert "0 errors" in page


def test_it_seeds_the_demo_with_a_confirmed_type(db):
    outcome = seed_demo(days=30)
    problems = PainProblem.objects.filter(owner__email=outcome.email).order_by("slot")
    feet, hip = problems
    assert (feet.confirmed_type, feet.confirmed_by_name) == ("neuropathic-below", DEMO_CLINICIAN)
    assert feet.confirmed_at is not None
    assert feet.confirmed_by is None
    assert hip.confirmed_type == ""


# The daily check-in's recall -----------------------------------------------------------------


def test_it_asks_every_check_in_question_over_the_past_24_hours(alice_client):
    html = alice_client.get(reverse("diary:new", args=["checkin"])).text
    questions = re.findall(r"<legend[^>]*>(.*?)<", html) + re.findall(
        r'<label[^>]*for="id_night_wakings"[^>]*>\s*(.*?)<', html, re.S
    )
    asked = [q.strip() for q in questions if "?" in q]
    assert len(asked) == 9
    for question in asked:
        assert question.startswith("In the past 24 hours, "), question
        assert "today" not in question.lower()
    assert "today" not in text_of(html[html.index("<form") : html.index("</form>")]).lower()


def test_it_labels_the_interference_questions_as_the_apps_own(alice_client):
    html = alice_client.get(reverse("diary:new", args=["checkin"])).text
    for name in ("activities", "mood", "sleep"):
        help_text = re.search(rf'id="id_interference_{name}_help">([^<]+)<', html).group(1)
        assert help_text == "One of the app’s own daily questions, not from a published scale."
    page = text_of(html)
    assert "Basic Data Set" not in page
    assert "ISCI" not in page
    assert (
        "In the past 24 hours, how much did pain or spasms get in the way of your daily "
        "activities? (0 not at all, 10 completely)"
    ) in page


def test_it_cites_no_pain_data_set_for_the_daily_questions_in_fhir(alice):
    names = {code: name for code, name in fhir.MEASURE_NAMES.items() if "interference" in code}
    assert len(names) == 3
    assert not any("ISCI" in name or "data set" in name.lower() for name in names.values())


def test_it_says_in_the_guide_that_the_daily_questions_are_the_apps_own(client, db):
    from tests.test_guides import section_html

    html = text_of(section_html(client, "using-with-your-clinician", "zero-to-ten-ratings"))
    assert "Each one asks about the past 24 hours" in html
    assert "the app's own daily questions" in html
    assert "for the day" not in html


def test_it_keeps_the_recall_wording_when_the_check_in_comes_back(alice_client):
    response = alice_client.post(
        reverse("diary:new", args=["checkin"]),
        {"date": TODAY.isoformat(), "psfs_frequency": "9"},
    )
    assert response.status_code == 200
    assert "In the past 24 hours, how often did you have spasms?" in text_of(response.text)
