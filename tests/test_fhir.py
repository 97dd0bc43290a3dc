"""The diary as a FHIR R4B Bundle: valid, coded, the person's own, the same every time."""

import json
import uuid
from datetime import UTC, date, datetime

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.relatedperson import RelatedPerson

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import PainProblem, Trigger
from sci_tracker.exports import fhir
from tests.conftest import make_user
from tests.entries import (
    NOW,
    ad_episode,
    at,
    builtin,
    care,
    checkin,
    dose,
    event,
    fill_days,
    medicine,
    pain,
    sciset_week,
    spasm,
)

LOINC_PAIN = {"system": "http://loinc.org", "code": "72514-3"}
EXPORTED_AT = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)


def observations(data):
    return [
        entry["resource"]
        for entry in data["entry"]
        if entry["resource"]["resourceType"] == "Observation"
    ]


def codes(concept):
    return [(coding["system"], coding["code"]) for coding in concept["coding"]]


def has_code(resource, system, code):
    return (system, code) in codes(resource["code"])


def components(resource, code):
    """The values of the components with this project measure code."""
    return [
        part.get("valueCodeableConcept") or part.get("valueQuantity")
        for part in resource.get("component", [])
        if (fhir.MEASURES, code) in codes(part["code"])
    ]


def only(found):
    assert len(found) == 1, found
    return found[0]


def by_measure(data, code):
    return [resource for resource in observations(data) if has_code(resource, fhir.MEASURES, code)]


def pains(data):
    # The bout-of-pain Observations: LOINC pain severity without a check-in measure code.
    return [
        resource
        for resource in observations(data)
        if has_code(resource, "http://loinc.org", "72514-3")
        and not any(system == fhir.MEASURES for system, _ in codes(resource["code"]))
    ]


def spasm_days(data):
    return by_measure(data, "spasms-per-day")


@pytest.fixture
def full_diary(alice):
    """Alice with every kind of entry, and every optional part filled in somewhere."""
    feet = PainProblem.objects.create(owner=alice, slot=2, name="Burning feet")
    own = Trigger.objects.create(owner=alice, slug="new-shoes", name="New shoes")
    checkin(
        alice,
        date(2026, 3, 14),
        psfs_frequency=3,
        psfs_severity=2,
        spasticity=6,
        pain_worst=7,
        pain_average=4,
        interference_activities=5,
        interference_mood=0,
        interference_sleep=8,
        night_wakings=2,
        note="Bad night",
        note_for_clinician=True,
    )
    jerk = spasm(
        alice,
        occurred_at=NOW,
        pattern="jerky",
        severity=3,
        regions=["left-leg"],
        duration="seconds",
        impacts=["helped-transfer", "woke-me"],
        red_flags=["fever"],
        note="Kept to myself",
    )
    jerk.triggers.add(builtin(Trigger, "full-bladder"), own)
    burning = pain(
        alice,
        occurred_at=at(date(2026, 3, 15), 9),
        intensity=7,
        problem=feet,
        sites=["left-foot"],
        qualities=["burning", "tingling"],
        pain_type="neuropathic-below",
        red_flags=["leg-swollen"],
        note="Worse after the drive",
        note_for_clinician=True,
    )
    burning.triggers.add(builtin(Trigger, "cold"))
    event(alice, date(2026, 3, 1), details="Both calves, 200 units")
    return alice


def test_it_validates_every_resource_with_the_r4b_models(full_diary):
    data = fhir.bundle(full_diary, now=EXPORTED_AT)
    assert Bundle.model_validate(data).type == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in data["entry"]]
    assert kinds[0] == "Patient"
    Patient.model_validate(data["entry"][0]["resource"])
    assert len(observations(data)) == len(kinds) - 1
    for resource in observations(data):
        Observation.model_validate(resource)
        assert resource["status"] == "final"
        assert codes(only(resource["category"])) == [
            ("http://terminology.hl7.org/CodeSystem/observation-category", "survey")
        ]
    # 9 check-in scores + the day's panel, one spasm, one bout of pain; no treatment event.
    assert len(observations(data)) == 12
    assert data["timestamp"] == "2026-03-20T14:00:00+13:00"
    assert json.loads(json.dumps(data)) == data  # plain JSON, nothing a view would choke on


def test_it_refers_every_observation_to_a_patient_without_name_or_contact(full_diary):
    data = fhir.bundle(full_diary)
    patient_entry = data["entry"][0]
    patient = patient_entry["resource"]
    assert patient_entry["fullUrl"] == f"urn:uuid:{patient['id']}"
    assert set(patient) == {"resourceType", "id", "identifier", "text"}
    assert patient["identifier"] == [
        {"system": "https://sci-tracker.org/fhir/NamingSystem/person", "value": patient["id"]}
    ]
    dump = json.dumps(data)
    assert "alice" not in dump.lower()  # neither the display name nor the e-mail address
    for entry in data["entry"][1:]:
        assert entry["resource"]["subject"] == {"reference": patient_entry["fullUrl"]}
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    full_urls = [entry["fullUrl"] for entry in data["entry"]]
    assert len(set(full_urls)) == len(full_urls)


def of_kind(data, kind):
    return [
        entry["resource"] for entry in data["entry"] if entry["resource"]["resourceType"] == kind
    ]


def test_it_names_the_patient_as_performer_of_their_own_entries(full_diary):
    data = fhir.bundle(full_diary)
    patient = {"reference": data["entry"][0]["fullUrl"]}
    counts = {resource["id"] for resource in spasm_days(data)}
    for resource in observations(data):
        if resource["id"] not in counts:  # a day's count is the app's: no performer
            assert resource["performer"] == [patient], resource["code"]
    assert counts
    assert of_kind(data, "RelatedPerson") == []


def test_it_names_a_carer_as_a_related_person_without_name_or_contact(alice):
    cara, carl = make_user("cara"), make_user("carl")
    own = pain(alice, intensity=2)
    by_cara = pain(alice, intensity=6)
    by_cara.logged_by = cara
    by_cara.save()
    care(alice, logged_by=cara)
    episode = ad_episode(alice, readings=[(NOW, 180, 100, 50)])
    type(episode).objects.filter(pk=episode.pk).update(logged_by=carl)
    dose(alice, medicine(alice), logged_by=carl, status="taken")
    data = fhir.bundle(alice)
    Bundle.model_validate(data)
    patient = data["entry"][0]["fullUrl"]
    carers = of_kind(data, "RelatedPerson")
    assert len(carers) == 2  # one per carer account, however many entries each logged
    for carer in carers:
        RelatedPerson.model_validate(carer)
        assert set(carer) == {"resourceType", "id", "patient", "relationship", "text"}
        assert carer["patient"] == {"reference": patient}
        assert codes(only(carer["relationship"])) == [
            ("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "CAREGIVER")
        ]
        assert uuid.UUID(carer["id"]).version == 5
    dump = json.dumps(data).lower()
    assert "cara" not in dump
    assert "carl" not in dump
    cara_ref, carl_ref = ({"reference": f"urn:uuid:{carer['id']}"} for carer in carers)
    by_value = {found["valueInteger"]: found["performer"] for found in pains(data)}
    assert by_value == {2: [{"reference": patient}], 6: [cara_ref]}
    pain_ids = {found["id"] for found in pains(data)}
    others = [found for found in observations(data) if found["id"] not in pain_ids]
    # The AD reading, pulse and episode, then the care event.
    assert [found["performer"] for found in others] == [[carl_ref]] * 3 + [[cara_ref]]
    assert only(of_kind(data, "MedicationAdministration"))["performer"] == [{"actor": carl_ref}]
    assert own.pk
    # The same carer gets the same id in every export.
    assert of_kind(fhir.bundle(alice), "RelatedPerson") == carers


def words(resource):
    """The narrative's words, with its XHTML wrapper checked and taken off."""
    text = resource["text"]
    assert text["status"] == "generated"
    start = '<div xmlns="http://www.w3.org/1999/xhtml"><p>'
    assert text["div"].startswith(start)
    assert text["div"].endswith("</p></div>")
    return text["div"][len(start) : -len("</p></div>")]


def test_it_says_what_every_resource_is_in_words(full_diary):
    cara = make_user("cara")
    ad_episode(full_diary, readings=[(NOW, 180, 100, 50)])
    care(full_diary, volume_ml=300, logged_by=cara)
    sciset_week(full_diary, ratings={1: 2, 3: -1})
    dose(full_diary, medicine(full_diary), status="taken")
    data = fhir.bundle(full_diary)
    Bundle.model_validate(data)
    kinds = {entry["resource"]["resourceType"] for entry in data["entry"]}
    assert kinds == {
        "Patient",
        "Observation",
        "MedicationStatement",
        "MedicationAdministration",
        "RelatedPerson",
    }
    said = [words(entry["resource"]) for entry in data["entry"]]
    assert all(said)
    assert (
        "Spasms logged in the day: 1 spasm, 15 Mar 2026, "
        "Symptom that needs care now: Fever or chills" in said
    )
    assert "Worst leg pain, 0-10: 7, 14 Mar 2026" in said
    assert "Catheterised or emptied the bladder: 300 mL, 15 Mar 2026 00:30" in said
    assert (
        "Blood pressure, 15 Mar 2026 00:30, Systolic blood pressure: 180 mm[Hg], "
        "Diastolic blood pressure: 100 mm[Hg]" in said
    )
    assert any(text.startswith("SCI Spasticity Evaluation Tool") for text in said)
    assert "Baclofen, taken, 15 Mar 2026 00:30, As needed" in said


def test_it_escapes_a_note_in_the_narrative(alice):
    pain(alice, intensity=3, note="<script>alert('x')</script> & more", note_for_clinician=True)
    found = only(pains(fhir.bundle(alice)))
    Observation.model_validate(found)
    assert "<script>" not in found["text"]["div"]
    assert words(found).endswith("Note: &lt;script&gt;alert('x')&lt;/script&gt; &amp; more")
    assert found["note"] == [{"text": "<script>alert('x')</script> & more"}]  # as typed


def test_it_codes_leg_pain_with_loinc_snomed_sites_and_the_iscip_type(full_diary):
    data = fhir.bundle(full_diary)
    burning = only(pains(data))
    assert codes(burning["code"]) == [("http://loinc.org", "72514-3")]
    assert burning["valueInteger"] == 7
    assert burning["effectiveDateTime"] == "2026-03-15T09:00:00+13:00"
    assert codes(burning["bodySite"]) == [("http://snomed.info/sct", "22335008")]
    assert burning["bodySite"]["text"] == "Left foot or toes"
    assert [codes(site) for site in components(burning, "pain-site")] == [
        [("http://snomed.info/sct", "22335008")]
    ]
    # The person's guess is a patient-reported answer: no SNOMED CT finding.
    assert codes(only(components(burning, "pain-type"))) == [
        (fhir.PAIN_TYPES, "neuropathic-below"),
    ]
    assert [codes(quality) for quality in components(burning, "pain-quality")] == [
        [(fhir.PAIN_QUALITIES, "burning")],
        [(fhir.PAIN_QUALITIES, "tingling")],
    ]
    problem = only(components(burning, "pain-problem"))
    assert codes(problem) == [(fhir.PAIN_PROBLEMS, "2")]
    assert problem["text"] == "Burning feet"
    assert codes(only(components(burning, "trigger"))) == [(fhir.TRIGGERS, "cold")]
    assert codes(only(components(burning, "red-flag"))) == [(fhir.RED_FLAGS, "leg-swollen")]
    assert burning["note"] == [{"text": "Worse after the drive"}]


@pytest.mark.parametrize(
    ("sites", "body_site"),
    [
        (["left-hip"], "287679003"),
        (["right-hip"], "287579007"),
        (["left-thigh"], "61396006"),
        (["right-thigh"], "11207009"),
        (["left-knee"], "82169009"),
        (["right-knee"], "6757004"),
        (["left-calf"], "48979004"),
        (["right-calf"], "32696007"),
        (["left-ankle"], "51636004"),
        (["right-ankle"], "6685009"),
        (["left-foot"], "22335008"),
        (["right-foot"], "7769000"),
        (["left-knee", "left-foot"], "32153003"),  # left lower limb
        (["right-thigh", "right-calf"], "62175007"),  # right lower limb
        (["left-foot", "right-foot"], "61685007"),  # lower limb, no side
    ],
)
def test_it_codes_each_pain_site_in_snomed_ct_with_its_side(alice, sites, body_site):
    pain(alice, sites=sites, pain_type="musculoskeletal", intensity=0)
    data = fhir.bundle(alice)
    found = only(pains(data))
    Observation.model_validate(found)
    assert found["valueInteger"] == 0  # a zero is a rating, not a missing answer
    assert codes(found["bodySite"]) == [("http://snomed.info/sct", body_site)]
    assert len(components(found, "pain-site")) == len(sites)
    # No nerve-pain code for pain the person thinks is musculoskeletal.
    assert codes(only(components(found, "pain-type"))) == [(fhir.PAIN_TYPES, "musculoskeletal")]


def test_it_leaves_out_the_body_site_when_no_site_was_given(alice):
    pain(alice)
    found = only(pains(fhir.bundle(alice)))
    assert "bodySite" not in found
    assert components(found, "pain-site") == []
    assert codes(only(components(found, "pain-type"))) == [(fhir.PAIN_TYPES, "unknown")]


def test_it_writes_check_in_scores_with_loinc_and_project_codes(full_diary):
    data = fhir.bundle(full_diary)
    expected = {
        "psfs-frequency": 3,
        "psfs-severity": 2,
        "spasticity-nrs": 6,
        "leg-pain-worst": 7,
        "leg-pain-average": 4,
        "interference-activities": 5,
        "interference-mood": 0,
        "interference-sleep": 8,
        "night-wakings": 2,
    }
    for code, value in expected.items():
        score = only(by_measure(data, code))
        assert score["valueInteger"] == value, code
        # A whole day in Alice's zone: the date, not a clock time.
        assert score["effectiveDateTime"] == "2026-03-14"
        is_pain = code.startswith("leg-pain")
        assert has_code(score, "http://loinc.org", "72514-3") is is_pain, code
        assert score["code"]["text"] == fhir.MEASURE_NAMES[code]
        assert "note" not in score
    panel = only(by_measure(data, "daily-check-in"))
    members = {member["reference"] for member in panel["hasMember"]}
    scores = {
        f"urn:uuid:{resource['id']}" for code in expected for resource in by_measure(data, code)
    }
    assert members == scores
    assert only(components(panel, "recall-window")) == {
        "value": 24,
        "unit": "h",
        "system": "http://unitsofmeasure.org",
        "code": "h",
    }
    assert panel["note"] == [{"text": "Bad night"}]


def test_it_leaves_out_questions_not_answered(alice):
    checkin(alice, date(2026, 3, 1), psfs_frequency=0)
    data = fhir.bundle(alice)
    assert only(by_measure(data, "psfs-frequency"))["valueInteger"] == 0
    for code in ("psfs-severity", "spasticity-nrs", "leg-pain-worst", "night-wakings"):
        assert by_measure(data, code) == []
    panel = only(by_measure(data, "daily-check-in"))
    assert len(panel["hasMember"]) == 1
    assert "note" not in panel
    Bundle.model_validate(data)


def test_it_counts_spasms_per_day_of_the_persons_calendar(alice, bob):
    spasm(alice, occurred_at=at(date(2026, 3, 14), 23, 59), severity=3, note="Kept to myself")
    # 11:30 UTC is 00:30 on the 15th in Auckland (UTC+13 in March).
    spasm(alice, red_flags=["new-weakness", "fever"], note="Both legs", note_for_clinician=True)
    spasm(alice, occurred_at=at(date(2026, 3, 15), 23, 59), red_flags=["fever"])
    spasm(alice, occurred_at=at(date(2026, 3, 17), 8)).move_to_bin()
    spasm(bob, occurred_at=at(date(2026, 3, 17), 8))
    data = fhir.bundle(alice)
    Bundle.model_validate(data)
    found = spasm_days(data)
    assert [day["effectiveDateTime"] for day in found] == ["2026-03-14", "2026-03-15"]
    assert [day["valueQuantity"] for day in found] == [
        {
            "value": count,
            "unit": "spasms",
            "system": "http://unitsofmeasure.org",
            "code": "{spasms}",
        }
        for count in (1, 2)
    ]
    for day in found:
        Observation.model_validate(day)
        assert codes(day["code"]) == [(fhir.MEASURES, "spasms-per-day")]
        assert uuid.UUID(day["id"]).version == 5
        assert "performer" not in day  # counted by the app, from entries anyone may have logged
    # What a clinician must not miss goes with the day: each red flag once, flagged notes.
    assert "component" not in found[0]
    assert "note" not in found[0]
    assert [codes(flag) for flag in components(found[1], "red-flag")] == [
        [(fhir.RED_FLAGS, "fever")],
        [(fhir.RED_FLAGS, "new-weakness")],
    ]
    assert found[1]["note"] == [{"time": "2026-03-15T00:30:00+13:00", "text": "Both legs"}]
    # One Observation per day, not per spasm: the detail of each stays in spasms.csv.
    assert len(observations(data)) == 2
    assert "45352006" not in json.dumps(data)
    # A later spasm that day updates the same day's Observation, under the same id.
    spasm(alice, occurred_at=at(date(2026, 3, 15), 7))
    again = spasm_days(fhir.bundle(alice))
    assert [day["id"] for day in again] == [day["id"] for day in found]
    assert again[1]["valueQuantity"]["value"] == 3


def test_it_counts_spasms_in_a_zone_behind_utc(bob):
    # Denver: 11:30 UTC on the 14th is 05:30 that morning (UTC-6), so the 14th, not the 15th.
    spasm(bob)
    spasm(bob, occurred_at=datetime(2026, 3, 15, 5, 59, tzinfo=UTC))  # 23:59 on the 14th
    spasm(bob, occurred_at=datetime(2026, 3, 15, 6, 0, tzinfo=UTC))  # 00:00 on the 15th
    found = spasm_days(fhir.bundle(bob))
    assert [(day["effectiveDateTime"], day["valueQuantity"]["value"]) for day in found] == [
        ("2026-03-14", 2),
        ("2026-03-15", 1),
    ]


def test_it_leaves_out_the_bin_everyone_else_and_treatment_events(full_diary, bob):
    binned = spasm(full_diary, severity=1)
    binned.move_to_bin()
    pain(full_diary, intensity=9).move_to_bin()
    checkin(full_diary, date(2026, 3, 2), psfs_frequency=4, psfs_severity=3).move_to_bin()
    spasm(bob, severity=2)
    pain(bob, intensity=3, note="Bob's own", note_for_clinician=True)
    checkin(bob, date(2026, 3, 14), psfs_frequency=1, psfs_severity=1)
    event(bob, date(2026, 3, 1))
    data = fhir.bundle(full_diary)
    assert [found["valueQuantity"]["value"] for found in spasm_days(data)] == [1]
    assert [found["valueInteger"] for found in pains(data)] == [7]
    assert [found["valueInteger"] for found in by_measure(data, "psfs-frequency")] == [3]
    assert "Bob's own" not in json.dumps(data)
    assert len(observations(data)) == 12  # what full_diary alone gives
    bobs = fhir.bundle(bob)
    assert len(observations(bobs)) == 1 + 2 + 1 + 1  # spasm, check-in's 2 scores, panel, pain
    assert bobs["entry"][0]["fullUrl"] != data["entry"][0]["fullUrl"]


def test_it_gives_the_same_ids_to_the_same_diary_every_time(full_diary):
    first = fhir.bundle(full_diary, now=EXPORTED_AT)
    # The view's request.user is read from the database afresh: the ids must not change.
    assert fhir.bundle(User.objects.get(pk=full_diary.pk), now=EXPORTED_AT) == first
    for entry in first["entry"]:
        assert uuid.UUID(entry["resource"]["id"]).version == 5


def test_it_gives_the_bundle_an_identifier_that_stays_the_same(full_diary, bob):
    first = fhir.bundle(full_diary, now=EXPORTED_AT)
    identifier = first["identifier"]
    assert set(identifier) == {"system", "value"}
    assert identifier["system"] == "https://sci-tracker.org/fhir/NamingSystem/bundle"
    assert uuid.UUID(identifier["value"]).version == 5
    assert fhir.bundle(User.objects.get(pk=full_diary.pk))["identifier"] == identifier
    assert fhir.bundle(bob)["identifier"]["value"] != identifier["value"]
    assert Bundle.model_validate(first).identifier.value == identifier["value"]


def put(server, data):
    """A FHIR-like server's transaction: each PUT creates or replaces the resource at its URL.
    Returns how many it created."""
    created = 0
    for found in data["entry"]:
        assert found["request"]["method"] == "PUT"
        created += found["request"]["url"] not in server
        server[found["request"]["url"]] = found["resource"]
    return created


def test_it_sends_a_transaction_that_creates_nothing_twice(full_diary, alice_client):
    cara = make_user("cara")
    care(full_diary, logged_by=cara)
    response = alice_client.get("/export/fhir.json?type=transaction")
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="sci-tracker-fhir-transaction-'
    )
    data = json.loads(b"".join(response.streaming_content))
    assert Bundle.model_validate(data).type == "transaction"
    collection = fhir.bundle(full_diary)
    # The same resources as the collection, each a PUT to its own id.
    assert [found["resource"] for found in data["entry"]] == [
        found["resource"] for found in collection["entry"]
    ]
    assert [found["fullUrl"] for found in data["entry"]] == [
        found["fullUrl"] for found in collection["entry"]
    ]
    for found in data["entry"]:
        resource = found["resource"]
        assert found["request"] == {
            "method": "PUT",
            "url": f"{resource['resourceType']}/{resource['id']}",
        }
    assert "RelatedPerson" in {found["resource"]["resourceType"] for found in data["entry"]}
    assert data["identifier"]["value"] != collection["identifier"]["value"]
    assert all("request" not in found for found in collection["entry"])
    again = json.loads(
        b"".join(alice_client.get("/export/fhir.json?type=transaction").streaming_content)
    )
    assert [found["request"] for found in again["entry"]] == [
        found["request"] for found in data["entry"]
    ]
    assert again["identifier"] == data["identifier"]
    server = {}
    assert put(server, data) == len(data["entry"])
    assert put(server, again) == 0  # sent twice: nothing new
    assert len(server) == len(data["entry"])


def test_it_refuses_a_kind_of_bundle_it_does_not_make(alice_client):
    assert alice_client.get("/export/fhir.json?type=document").status_code == 404
    assert alice_client.get("/export/fhir.json?type=collection").status_code == 200


def test_it_streams_the_same_json_as_the_whole_bundle(full_diary):
    chunks = list(fhir.bundle_chunks(full_diary, now=EXPORTED_AT))
    assert all(isinstance(chunk, str) for chunk in chunks)
    assert len(chunks) == 1 + 13 + 1  # the header, one piece per resource, the end
    assert json.loads("".join(chunks)) == fhir.bundle(full_diary, now=EXPORTED_AT)


def test_it_streams_a_diary_with_no_entries_as_just_the_patient(alice):
    data = json.loads("".join(fhir.bundle_chunks(alice)))
    assert [entry["resource"]["resourceType"] for entry in data["entry"]] == ["Patient"]
    Bundle.model_validate(data)


@pytest.mark.parametrize(
    "resource",
    [
        {"resourceType": "Observation", "status": "done"},
        {"resourceType": "Observation", "status": "Final"},
        {"resourceType": "Observation"},
        {"resourceType": "Bundle", "type": "document"},
        {"resourceType": "Bundle", "type": "colection"},
    ],
)
def test_it_rejects_a_status_or_type_outside_the_value_set(resource):
    with pytest.raises(ValueError, match="status|type"):
        fhir.check_status(resource)


def test_it_accepts_every_r4b_observation_status():
    statuses = "registered preliminary final amended corrected cancelled entered-in-error unknown"
    for status in statuses.split():
        resource = {"resourceType": "Observation", "status": status}
        assert fhir.check_status(resource) is resource
    assert fhir.check_status({"resourceType": "Bundle", "type": "collection"})
    assert fhir.check_status({"resourceType": "Bundle", "type": "transaction"})
    assert fhir.check_status({"resourceType": "Patient"})


def test_it_checks_every_status_it_writes(alice, monkeypatch):
    # fhir.resources would let a wrong status through, so the builder must check its own.
    assert Observation.model_validate(
        {"resourceType": "Observation", "status": "done", "code": {"text": "x"}}
    )
    spasm(alice)
    monkeypatch.setattr(fhir, "OBSERVATION_STATUSES", frozenset({"amended"}))
    with pytest.raises(ValueError, match="'final' is not an R4B status"):
        fhir.bundle(alice)
    monkeypatch.setattr(fhir, "BUNDLE_TYPES", frozenset({"document"}))
    with pytest.raises(ValueError, match="this export makes collections"):
        next(fhir.bundle_chunks(alice))


@pytest.mark.parametrize("days", [1, 8])
def test_it_reads_with_the_same_queries_however_long_the_diary(
    alice, days, django_assert_num_queries
):
    fill_days(alice, date(2026, 3, 14), days)
    # Check-ins; the spasms' first and last moments, those with a red flag or a flagged note,
    # then their count per day (three queries however many days); pain (with its problem) and
    # its triggers; the problems with a confirmed type; AD episodes (none here, so no readings
    # to fetch); SCI-SET weeks; bladder, bowel and skin events; medicines (none here, so no
    # events to fetch) and doses.
    with django_assert_num_queries(1 + 3 + 2 + 1 + 1 + 1 + 1 + 2):
        data = fhir.bundle(alice)
    assert [day["valueQuantity"]["value"] for day in spasm_days(data)] == [2] * days


def test_it_reads_the_diary_a_chunk_at_a_time(alice, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(fhir, "CHUNK", 2)
    fill_days(alice, date(2026, 3, 14), 4)
    # Spasms are counted per day by the database (their span, those with a red flag or a
    # flagged note, then the counts: 3 queries, no longer 1 + 4 chunks of spasms with their
    # triggers). Pain triggers are fetched once per
    # chunk: 4 bouts of pain in 2; then the confirmed pain types, the AD episodes, the SCI-SET
    # weeks, the care events, the medicines and the doses.
    with django_assert_num_queries(1 + 3 + (1 + 2) + 1 + 1 + 1 + 1 + 2):
        chunks = list(fhir.bundle_chunks(alice))
    data = json.loads("".join(chunks))
    assert len(pains(data)) == 4
    assert len(by_measure(data, "daily-check-in")) == 4


def test_it_downloads_the_bundle_from_the_export_page(full_diary, alice_client):
    page = alice_client.get("/export/")
    assert 'href="/export/fhir.json"' in page.text
    response = alice_client.get("/export/fhir.json")
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="sci-tracker-fhir-')
    data = json.loads(b"".join(response.streaming_content))
    Bundle.model_validate(data)
    assert observations(data)


def test_it_sends_a_visitor_to_sign_in_for_the_bundle(client, db):
    response = client.get("/export/fhir.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
