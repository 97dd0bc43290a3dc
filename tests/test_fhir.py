"""The diary as a FHIR R4B Bundle: valid, coded, the person's own, the same every time."""

import functools
import gzip
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.relatedperson import RelatedPerson
from jsonschema import Draft6Validator

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import CheckIn, LegPainEntry, PainProblem, TreatmentEvent, Trigger
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
# Every kind of resource a diary holding every kind of entry exports.
EVERY_KIND = {
    "Patient",
    "Questionnaire",
    "QuestionnaireResponse",
    "Observation",
    "Procedure",
    "MedicationStatement",
    "MedicationAdministration",
    "RelatedPerson",
}
# HL7's own R4B JSON schema, from the hl7.fhir.r4b.core 4.3.0 package (tests/fhir/README.md).
SCHEMA = Path(__file__).parent / "fhir" / "fhir.r4b.schema.json.gz"


@functools.cache
def r4b_schema():
    with gzip.open(SCHEMA, "rt", encoding="utf-8") as file:
        return json.load(file)


@functools.cache
def schema_validator(kind=None):
    """A validator for one resource type (#/definitions/<kind>), or for any resource (the
    schema's own oneOf on resourceType) when no kind is given."""
    schema = r4b_schema()
    if kind is not None:
        schema = {
            "$schema": schema["$schema"],
            "definitions": schema["definitions"],
            "$ref": f"#/definitions/{kind}",
        }
    return Draft6Validator(schema)


def schema_errors(data):
    """What HL7's schema finds wrong: each resource against its own definition first, so that a
    mistake is named by resource and path (the bundle's oneOf only says "not valid under any")."""
    found = [
        f"{entry['resource']['resourceType']} {error.json_path}: {error.message}"
        for entry in data["entry"]
        for error in schema_validator(entry["resource"]["resourceType"]).iter_errors(
            entry["resource"]
        )
    ]
    return found or [
        f"Bundle {e.json_path}: {e.message}" for e in schema_validator().iter_errors(data)
    ]


def valid(data):
    """The bundle, checked by the R4B models, by HL7's schema and by check_status."""
    Bundle.model_validate(data)
    assert schema_errors(data) == []
    for entry in data["entry"]:
        fhir.check_status(entry["resource"])
    return data


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


def value(resource):
    """An Observation's number: a 0-10 rating is a {score} quantity, a count an integer."""
    if "valueQuantity" in resource:
        return resource["valueQuantity"]["value"]
    return resource["valueInteger"]


MODELS = {
    "Patient": Patient,
    "Observation": Observation,
    "Questionnaire": Questionnaire,
    "QuestionnaireResponse": QuestionnaireResponse,
    "Procedure": Procedure,
}


def test_it_validates_every_resource_with_the_r4b_models(full_diary):
    data = fhir.bundle(full_diary, now=EXPORTED_AT)
    assert Bundle.model_validate(data).type == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in data["entry"]]
    assert kinds[:3] == ["Patient", "Questionnaire", "QuestionnaireResponse"]
    assert kinds[-1] == "Procedure"  # the Botox injection
    for entry in data["entry"]:
        MODELS[entry["resource"]["resourceType"]].model_validate(entry["resource"])
    assert len(observations(data)) == len(kinds) - 4
    for resource in observations(data):
        assert resource["status"] == "final"
        assert codes(only(resource["category"])) == [
            ("http://terminology.hl7.org/CodeSystem/observation-category", "survey")
        ]
    # 9 check-in scores + the day's panel, one spasm, one bout of pain.
    assert len(observations(data)) == 12
    assert data["timestamp"] == "2026-03-20T14:00:00+13:00"
    assert json.loads(json.dumps(data)) == data  # plain JSON, nothing a view would choke on


def test_it_validates_against_hl7s_r4b_json_schema(full_diary, alice_client):
    """Every kind of entry, each optional part somewhere, as a collection and as a transaction."""
    cara = make_user("cara")
    ad_episode(full_diary, readings=[(NOW, 180, 100, 50), (NOW, 150, 90, None)])
    care(full_diary, volume_ml=300, logged_by=cara)
    care(full_diary, event="skin-check", checked_by="nurse")
    care(full_diary, event="skin-problem", site="sacrum", stage="2")
    care(full_diary, event="bowel-routine", bowel_result="good")
    sciset_week(full_diary, ratings={1: 2, 3: -1})
    pill = medicine(full_diary)
    TreatmentEvent.objects.create(
        owner=full_diary,
        logged_by=full_diary,
        date=date(2026, 3, 10),
        event_kind="medicine-start",
        medicine=pill,
        dose=Decimal("10"),
        times=["08:00", "20:00"],
    )
    dose(full_diary, pill, status="taken", amount=Decimal("10"))
    dose(full_diary, pill, status="missed", scheduled_for=NOW)
    PainProblem.objects.filter(owner=full_diary).update(
        confirmed_type="neuropathic-below", confirmed_at=NOW, confirmed_by_name="Dr Lee"
    )
    event(full_diary, date(2026, 3, 2), kind="surgery", details="Tendon release")
    kinds = set()
    for kind in ("collection", "transaction"):
        response = alice_client.get(f"/export/fhir.json?type={kind}")
        data = valid(json.loads(b"".join(response.streaming_content)))
        assert data["type"] == kind
        kinds |= {entry["resource"]["resourceType"] for entry in data["entry"]}
    assert kinds == EVERY_KIND


def test_it_finds_what_the_schema_forbids():
    # The checker itself: a field R4B does not have, a date in the wrong form, no subject.
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Procedure",
                    "status": "completed",
                    "performedDateTime": "14/03/2026",
                    "performedBy": "me",
                }
            }
        ],
    }
    errors = schema_errors(bundle)
    assert any("performedDateTime" in error and "does not match" in error for error in errors)
    assert any("'performedBy' was unexpected" in error for error in errors)
    assert any("'subject' is a required property" in error for error in errors)


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
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
        if entry["resource"]["resourceType"] == "Questionnaire":
            continue  # the app's questions, the same for everyone: about no one
        assert entry["resource"]["subject"] == {"reference": patient_entry["fullUrl"]}
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
    assert only(of_kind(data, "QuestionnaireResponse"))["author"] == patient
    assert only(of_kind(data, "Procedure"))["performer"] == [{"actor": patient}]
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
    by_value = {value(found): found["performer"] for found in pains(data)}
    assert by_value == {2: [{"reference": patient}], 6: [cara_ref]}
    pain_ids = {found["id"] for found in pains(data)}
    others = [found for found in observations(data) if found["id"] not in pain_ids]
    # The AD reading, pulse and episode, then the care event.
    assert [found["performer"] for found in others] == [[carl_ref]] * 3 + [[cara_ref]]
    assert only(of_kind(data, "MedicationAdministration"))["performer"] == [{"actor": carl_ref}]
    # A check-in's answers and a treatment event name their carer too.
    answers = checkin(alice, date(2026, 3, 1))
    type(answers).objects.filter(pk=answers.pk).update(logged_by=cara)
    botox = event(alice, date(2026, 3, 2))
    type(botox).objects.filter(pk=botox.pk).update(logged_by=carl)
    data = fhir.bundle(alice)
    assert only(of_kind(data, "QuestionnaireResponse"))["author"] == cara_ref
    assert only(of_kind(data, "Procedure"))["performer"] == [{"actor": carl_ref}]
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
    assert kinds == EVERY_KIND
    said = [words(entry["resource"]) for entry in data["entry"]]
    assert all(said)
    assert "SCI Tracker daily check-in, version 1, 9 questions" in said
    assert (
        "Daily check-in answers, 14 Mar 2026, How often spasms happened: 3: Spasms more than "
        "once an hour, How strong they were: 2: Moderate, Stiffness and spasms overall (0-10): 6, "
        "Worst leg pain (0-10): 7, Average leg pain (0-10): 4, Got in the way of daily "
        "activities (0-10): 5, Affected your mood (0-10): 0, Affected your sleep (0-10): 8, "
        "Times spasms or pain woke you: 2" in said
    )
    # The details typed stay in the app: the note was not flagged for the clinician.
    assert "Botulinum toxin injection, 1 Mar 2026" in said
    assert (
        "Spasms logged in the day: 1 spasm, 15 Mar 2026, "
        "Symptom that needs care now: Fever or chills" in said
    )
    assert "Worst leg pain, 0-10: score 7, 14 Mar 2026" in said
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
    # A 0-10 rating as a UCUM {score}, as the SCI-SET's score is.
    assert burning["valueQuantity"] == {
        "value": 7,
        "unit": "{score}",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }
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
    assert found["valueQuantity"]["value"] == 0  # a zero is a rating, not a missing answer
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
    # Penn answers and night wakings are integers; the 0-10 ratings are UCUM {score}s.
    integers = {"psfs-frequency": 3, "psfs-severity": 2, "night-wakings": 2}
    ratings = {
        "spasticity-nrs": 6,
        "leg-pain-worst": 7,
        "leg-pain-average": 4,
        "interference-activities": 5,
        "interference-mood": 0,
        "interference-sleep": 8,
    }
    response = only(of_kind(data, "QuestionnaireResponse"))
    for code, answer in {**integers, **ratings}.items():
        score = only(by_measure(data, code))
        if code in ratings:
            assert score["valueQuantity"] == {
                "value": answer,
                "unit": "{score}",
                "system": "http://unitsofmeasure.org",
                "code": "{score}",
            }, code
        else:
            assert score["valueInteger"] == answer, code
        # A whole day in Alice's zone: the date, not a clock time.
        assert score["effectiveDateTime"] == "2026-03-14"
        # The first coding tells the scores apart (worst from average pain too); the two pain
        # scores are also LOINC's pain severity.
        assert codes(score["code"])[0] == (fhir.MEASURES, code)
        is_pain = code.startswith("leg-pain")
        assert has_code(score, "http://loinc.org", "72514-3") is is_pain, code
        assert score["code"]["text"] == fhir.MEASURE_NAMES[code]
        assert "note" not in score
        assert score["derivedFrom"] == [{"reference": f"urn:uuid:{response['id']}"}]
    worst, average = (
        only(by_measure(data, code)) for code in ("leg-pain-worst", "leg-pain-average")
    )
    assert worst["code"]["coding"][0] != average["code"]["coding"][0]
    panel = only(by_measure(data, "daily-check-in"))
    members = {member["reference"] for member in panel["hasMember"]}
    scores = {
        f"urn:uuid:{resource['id']}"
        for code in {**integers, **ratings}
        for resource in by_measure(data, code)
    }
    assert members == scores
    assert panel["derivedFrom"] == [{"reference": f"urn:uuid:{response['id']}"}]
    assert only(components(panel, "recall-window")) == {
        "value": 24,
        "unit": "h",
        "system": "http://unitsofmeasure.org",
        "code": "h",
    }
    assert panel["note"] == [{"text": "Bad night"}]


PENN = "https://sci-tracker.org/fhir/CodeSystem/psfs-"


def test_it_publishes_the_check_in_as_a_questionnaire_in_the_apps_own_words(full_diary, bob):
    data = valid(fhir.bundle(full_diary))
    questionnaire = only(of_kind(data, "Questionnaire"))
    Questionnaire.model_validate(questionnaire)
    assert questionnaire["url"] == "https://sci-tracker.org/fhir/Questionnaire/daily-check-in"
    assert questionnaire["version"] == "1"
    assert questionnaire["status"] == "active"
    items = {item["linkId"]: item for item in questionnaire["item"]}
    assert list(items) == [
        "psfs-frequency",
        "psfs-severity",
        "spasticity-nrs",
        "leg-pain-worst",
        "leg-pain-average",
        "interference-activities",
        "interference-mood",
        "interference-sleep",
        "night-wakings",
    ]
    frequency = items["psfs-frequency"]
    assert (frequency["type"], frequency["required"]) == ("choice", True)
    assert frequency["text"] == "How often spasms happened"
    # The wording the check-in form shows, from the diary's own choices.
    assert [option["valueCoding"] for option in frequency["answerOption"]] == [
        {"system": f"{PENN}frequency", "code": "0", "display": "0: No spasms"},
        {
            "system": f"{PENN}frequency",
            "code": "1",
            "display": "1: Mild spasms only when something sets them off (touch, movement)",
        },
        {
            "system": f"{PENN}frequency",
            "code": "2",
            "display": "2: Full spasms, less than once an hour",
        },
        {"system": f"{PENN}frequency", "code": "3", "display": "3: Spasms more than once an hour"},
        {
            "system": f"{PENN}frequency",
            "code": "4",
            "display": "4: Spasms more than ten times an hour",
        },
    ]
    severity = items["psfs-severity"]
    assert [option["valueCoding"]["display"] for option in severity["answerOption"]] == [
        "1: Mild",
        "2: Moderate",
        "3: Severe",
    ]
    assert severity["enableWhen"] == [
        {
            "question": "psfs-frequency",
            "operator": "!=",
            "answerCoding": {"system": f"{PENN}frequency", "code": "0", "display": "0: No spasms"},
        }
    ]
    worst = items["leg-pain-worst"]
    assert (worst["type"], worst["text"], worst["required"]) == (
        "integer",
        "Worst leg pain (0-10)",
        False,
    )
    assert [
        (bound["url"].rsplit("/", 1)[1], bound["valueInteger"]) for bound in worst["extension"]
    ] == [
        ("minValue", 0),
        ("maxValue", 10),
    ]
    assert items["night-wakings"]["type"] == "integer"
    # One copy, whoever's diary: the same id in Bob's bundle.
    checkin(bob, date(2026, 3, 1))
    bobs = fhir.bundle(bob)
    assert only(of_kind(bobs, "Questionnaire")) == questionnaire


def test_it_writes_each_check_in_as_a_questionnaire_response(full_diary, alice):
    checkin(alice, date(2026, 3, 15), psfs_frequency=0, pain_worst=2)
    data = valid(fhir.bundle(alice))
    assert len(of_kind(data, "Questionnaire")) == 1  # the questions once, however many answers
    first, second = of_kind(data, "QuestionnaireResponse")
    patient = {"reference": data["entry"][0]["fullUrl"]}
    for response in (first, second):
        QuestionnaireResponse.model_validate(response)
        assert response["questionnaire"] == (
            "https://sci-tracker.org/fhir/Questionnaire/daily-check-in|1"
        )
        assert response["status"] == "completed"
        assert response["subject"] == patient
        assert response["author"] == patient
    assert first["authored"] == "2026-03-14"
    answers = {item["linkId"]: only(item["answer"]) for item in first["item"]}
    assert answers["psfs-frequency"] == {
        "valueCoding": {
            "system": f"{PENN}frequency",
            "code": "3",
            "display": "3: Spasms more than once an hour",
        }
    }
    assert answers["psfs-severity"] == {
        "valueCoding": {"system": f"{PENN}severity", "code": "2", "display": "2: Moderate"}
    }
    assert answers["leg-pain-worst"] == {"valueInteger": 7}
    assert answers["interference-mood"] == {"valueInteger": 0}
    assert answers["night-wakings"] == {"valueInteger": 2}
    assert len(answers) == 9
    # Only the questions answered: no spasms, so no severity.
    assert [item["linkId"] for item in second["item"]] == ["psfs-frequency", "leg-pain-worst"]
    assert second["authored"] == "2026-03-15"


def test_it_sends_the_questionnaire_only_with_a_check_in(alice):
    pain(alice)
    data = valid(fhir.bundle(alice))
    assert of_kind(data, "Questionnaire") == []
    assert of_kind(data, "QuestionnaireResponse") == []
    checkin(alice)
    kinds = [entry["resource"]["resourceType"] for entry in fhir.bundle(alice)["entry"]]
    assert kinds[:3] == ["Patient", "Questionnaire", "QuestionnaireResponse"]


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


def test_it_leaves_out_the_bin_and_everyone_else(full_diary, bob):
    binned = spasm(full_diary, severity=1)
    binned.move_to_bin()
    pain(full_diary, intensity=9).move_to_bin()
    checkin(full_diary, date(2026, 3, 2), psfs_frequency=4, psfs_severity=3).move_to_bin()
    event(full_diary, date(2026, 3, 3), kind="surgery").move_to_bin()
    spasm(bob, severity=2)
    pain(bob, intensity=3, note="Bob's own", note_for_clinician=True)
    checkin(bob, date(2026, 3, 14), psfs_frequency=1, psfs_severity=1)
    event(bob, date(2026, 3, 1))
    data = fhir.bundle(full_diary)
    assert [found["valueQuantity"]["value"] for found in spasm_days(data)] == [1]
    assert [value(found) for found in pains(data)] == [7]
    assert [found["valueInteger"] for found in by_measure(data, "psfs-frequency")] == [3]
    assert "Bob's own" not in json.dumps(data)
    assert len(observations(data)) == 12  # what full_diary alone gives
    assert len(of_kind(data, "QuestionnaireResponse")) == 1
    assert [found["code"]["text"] for found in of_kind(data, "Procedure")] == [
        "Botulinum toxin injection"
    ]
    bobs = fhir.bundle(bob)
    assert len(observations(bobs)) == 1 + 2 + 1 + 1  # spasm, check-in's 2 scores, panel, pain
    assert len(of_kind(bobs, "Procedure")) == 1
    assert bobs["entry"][0]["fullUrl"] != data["entry"][0]["fullUrl"]


def test_it_writes_a_treatment_event_as_a_procedure_and_a_medicines_in_its_statement(alice):
    surgery = event(alice, date(2026, 3, 2), kind="surgery", details="Tendon release, left")
    event(alice, date(2026, 3, 3), kind="brace")
    pill = medicine(alice)
    for kind in ("medicine-start", "medicine-stop"):
        TreatmentEvent.objects.create(
            owner=alice,
            logged_by=alice,
            date=date(2026, 3, 4 if kind == "medicine-start" else 9),
            event_kind=kind,
            medicine=pill,
            dose=Decimal("5") if kind == "medicine-start" else None,
        )
    data = valid(fhir.bundle(alice))
    first, second = of_kind(data, "Procedure")
    assert only(of_kind(data, "MedicationStatement"))["status"] == "stopped"
    patient = data["entry"][0]["fullUrl"]
    assert first["status"] == "completed"
    assert first["code"] == {
        "coding": [
            {
                "system": "https://sci-tracker.org/fhir/CodeSystem/treatment-event",
                "code": "surgery",
                "display": "Surgery",
            }
        ],
        "text": "Surgery",
    }
    assert first["performedDateTime"] == "2026-03-02"
    assert first["subject"] == {"reference": patient}
    assert first["performer"] == [{"actor": {"reference": patient}}]
    assert uuid.UUID(first["id"]).version == 5
    # The details typed leave the app only with a note flagged for the clinician.
    assert "note" not in first
    assert "Tendon release" not in json.dumps(data)
    assert second["code"]["text"] == "Brace or splint fitted"
    surgery.note = "Ask about physio"
    surgery.note_for_clinician = True
    surgery.save()
    first = of_kind(valid(fhir.bundle(alice)), "Procedure")[0]
    assert first["note"] == [{"text": "Tendon release, left"}, {"text": "Ask about physio"}]
    assert words(first) == (
        "Surgery, 2 Mar 2026, Note: Tendon release, left, Note: Ask about physio"
    )


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


def test_it_updates_in_place_when_an_edited_diary_is_sent_again(full_diary, bob):
    server = {}
    first = valid(fhir.bundle(full_diary, kind="transaction"))
    assert put(server, first) == len(first["entry"])
    held = len(server)
    answers = CheckIn.objects.get(owner=full_diary)
    answers.pain_worst = 9
    answers.save()
    bout = LegPainEntry.objects.get(owner=full_diary)
    bout.intensity = 2
    bout.save()
    again = valid(fhir.bundle(full_diary, kind="transaction"))
    assert put(server, again) == 0  # nothing new: the same resources, updated
    assert len(server) == held
    worst = only(
        by_measure({"entry": [{"resource": r} for r in server.values()]}, "leg-pain-worst")
    )
    assert worst["valueQuantity"]["value"] == 9
    response = only([r for r in server.values() if r["resourceType"] == "QuestionnaireResponse"])
    answered = {item["linkId"]: item["answer"] for item in response["item"]}
    assert answered["leg-pain-worst"] == [{"valueInteger": 9}]
    assert server[f"Observation/{only(pains(again))['id']}"]["valueQuantity"]["value"] == 2
    # Another person's diary on the same server: their own resources, the same Questionnaire.
    checkin(bob, date(2026, 3, 14))
    bobs = valid(fhir.bundle(bob, kind="transaction"))
    assert put(server, bobs) == len(bobs["entry"]) - 1
    assert len([r for r in server.values() if r["resourceType"] == "Questionnaire"]) == 1


def test_it_refuses_a_kind_of_bundle_it_does_not_make(alice_client):
    assert alice_client.get("/export/fhir.json?type=document").status_code == 404
    assert alice_client.get("/export/fhir.json?type=collection").status_code == 200


def test_it_streams_the_same_json_as_the_whole_bundle(full_diary):
    chunks = list(fhir.bundle_chunks(full_diary, now=EXPORTED_AT))
    assert all(isinstance(chunk, str) for chunk in chunks)
    # The header; the Patient, the Questionnaire, the response, 12 Observations, the Procedure;
    # the end.
    assert len(chunks) == 1 + 16 + 1
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
        {"resourceType": "Procedure", "status": "done"},
        {"resourceType": "QuestionnaireResponse", "status": "final"},
        {"resourceType": "Questionnaire", "status": "published"},
        {"resourceType": "MedicationStatement", "status": "taken"},
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
    accepted = {
        "Procedure": "preparation in-progress not-done on-hold stopped completed "
        "entered-in-error unknown",
        "QuestionnaireResponse": "in-progress completed amended entered-in-error stopped",
        "Questionnaire": "draft active retired unknown",
    }
    for kind, statuses in accepted.items():
        for status in statuses.split():
            assert fhir.check_status({"resourceType": kind, "status": status})


def test_it_checks_every_status_it_writes(alice, monkeypatch):
    # fhir.resources would let a wrong status through, so the builder must check its own.
    assert Observation.model_validate(
        {"resourceType": "Observation", "status": "done", "code": {"text": "x"}}
    )
    spasm(alice)
    monkeypatch.setattr(fhir, "OBSERVATION_STATUSES", frozenset({"amended"}))
    with pytest.raises(ValueError, match="'final' is not an R4B status"):
        fhir.bundle(alice)
    event(alice, date(2026, 3, 1))
    monkeypatch.setattr(fhir, "OBSERVATION_STATUSES", frozenset({"final"}))
    monkeypatch.setattr(fhir, "PROCEDURE_STATUSES", frozenset({"not-done"}))
    with pytest.raises(ValueError, match="Procedure status 'completed' is not an R4B status"):
        fhir.bundle(alice)
    checkin(alice)
    monkeypatch.setattr(fhir, "QUESTIONNAIRE_RESPONSE_STATUSES", frozenset({"amended"}))
    with pytest.raises(ValueError, match="QuestionnaireResponse status 'completed'"):
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
    # events to fetch) and doses; treatment events.
    with django_assert_num_queries(1 + 3 + 2 + 1 + 1 + 1 + 1 + 2 + 1):
        data = fhir.bundle(alice)
    assert [day["valueQuantity"]["value"] for day in spasm_days(data)] == [2] * days


def test_it_reads_the_diary_a_chunk_at_a_time(alice, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(fhir, "CHUNK", 2)
    fill_days(alice, date(2026, 3, 14), 4)
    # Spasms are counted per day by the database (their span, those with a red flag or a
    # flagged note, then the counts: 3 queries, no longer 1 + 4 chunks of spasms with their
    # triggers). Pain and its triggers are read by one query each, however many chunks (4 bouts
    # of pain in 2); then the confirmed pain types, the AD episodes, the SCI-SET weeks, the care
    # events, the treatment events, the medicines and the doses.
    with django_assert_num_queries(1 + 3 + (1 + 1) + 1 + 1 + 1 + 1 + 1 + 2):
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
