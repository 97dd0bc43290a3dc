"""The person's diary as a FHIR R4B Bundle (type "collection") of plain JSON, for a clinician's
system. The "FHIR" subsection of docs/formats.md documents every resource and code.

One Patient; then, when the diary has a check-in, the daily check-in's Questionnaire, and for each
check-in its QuestionnaireResponse and one Observation per score derived from it (grouped by a
panel Observation per day); then the number of spasms each day (the detail of each stays in
spasms.csv), bouts of leg pain, AD episodes, SCI-SET weeks, and bladder, bowel and skin events;
a Procedure per treatment event that is not a medicine's; a MedicationStatement per medicine on
the list and a MedicationAdministration per dose taken or missed; last, a RelatedPerson
(relationship only) for each carer who logged an entry, the performer of that entry's resources
(the Patient performs their own). Entries in the bin and anything not the person's own are left
out. Ids are uuid5s of the database rows, so the same diary exports to the same ids every time
and a receiving system can recognise what it already has.

A dose is a MedicationAdministration, not an Observation: it is FHIR's record of a medicine
taken (or, "not-done", not taken), filed with the medicines in the receiving system.

The tests validate the output against the R4B models of the `fhir.resources` package and HL7's
R4B JSON schema; the app itself needs neither, it only writes dicts.
"""

import json
import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html import escape

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from sci_tracker.core.local_time import LocalDate
from sci_tracker.diary.medicines import START, STOP, state_on, with_events
from sci_tracker.diary.models import (
    MEDICINE_EVENT_KINDS,
    NEUROPATHIC_TYPES,
    ADAction,
    ADCause,
    ADEpisode,
    ADOutcome,
    BowelResult,
    CareEvent,
    CareEventKind,
    CheckedBy,
    CheckIn,
    EventKind,
    LegPainEntry,
    Medicine,
    MedicineDose,
    PainProblem,
    PainQuality,
    PainSite,
    PainType,
    PressureStage,
    RedFlag,
    SkinSite,
    SpasmEpisode,
    SpasticityWeek,
    TreatmentEvent,
    Trigger,
)
from sci_tracker.diary.schedules import LATE_AFTER
from sci_tracker.diary.sciset import ITEM_KEYS, RECALL_DAYS
from sci_tracker.exports.rows import BOOKKEEPING, Many, Read, Related, Tags, row_class

CHUNK = 500  # rows fetched at a time: memory stays flat however long the diary
CONTENT_TYPE = "application/fhir+json"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# A carer who logs for the person: v3 RoleCode CAREGIVER, "a person responsible for the primary
# care of a patient at home". R4B binds RelatedPerson.relationship extensibly, and its value set
# (family roles, v2 contact roles) has no carer concept, so the code system's own code is used.
V3_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
CAREGIVER = ("CAREGIVER", "caregiver")
# The project's own code systems. A canonical URL names a code system; it need not resolve.
PROJECT = "https://sci-tracker.org/fhir"
MEASURES = f"{PROJECT}/CodeSystem/measures"  # what an Observation or a component measures
PERSON_IDENTIFIER = f"{PROJECT}/NamingSystem/person"
BUNDLE_IDENTIFIER = f"{PROJECT}/NamingSystem/bundle"  # one value per person and kind of bundle
# The answers, one code system each, with the diary's own slugs as codes (as in the CSV files).
PAIN_TYPES = f"{PROJECT}/CodeSystem/pain-type"
PAIN_QUALITIES = f"{PROJECT}/CodeSystem/pain-quality"
PAIN_PROBLEMS = f"{PROJECT}/CodeSystem/pain-problem"
TRIGGERS = f"{PROJECT}/CodeSystem/trigger"
RED_FLAGS = f"{PROJECT}/CodeSystem/red-flag"
AD_CAUSES = f"{PROJECT}/CodeSystem/ad-cause"
AD_ACTIONS = f"{PROJECT}/CodeSystem/ad-action"
AD_OUTCOMES = f"{PROJECT}/CodeSystem/ad-outcome"
# The SCI-SET's items by their number in the tool ("1" to "35").
SCISET_ITEMS = f"{PROJECT}/CodeSystem/sci-set-item"
# The bladder, bowel and skin programme: the event, and the details each kind may carry.
CARE_EVENTS = f"{PROJECT}/CodeSystem/care-event"
BOWEL_RESULTS = f"{PROJECT}/CodeSystem/bowel-result"
CHECKED_BY = f"{PROJECT}/CodeSystem/checked-by"
SKIN_SITES = f"{PROJECT}/CodeSystem/skin-site"
PRESSURE_STAGES = f"{PROJECT}/CodeSystem/pressure-injury-stage"
MEDICINE_REASONS = f"{PROJECT}/CodeSystem/medicine-reason"
MEDICINE_ROUTES = f"{PROJECT}/CodeSystem/medicine-route"
TREATMENT_EVENTS = f"{PROJECT}/CodeSystem/treatment-event"  # EventKind's slugs
# The Penn Spasm Frequency Scale's answers, by their number on the scale.
PSFS_FREQUENCIES = f"{PROJECT}/CodeSystem/psfs-frequency"
PSFS_SEVERITIES = f"{PROJECT}/CodeSystem/psfs-severity"
# The daily check-in as the Questionnaire the app publishes. The version changes only when a
# question or an answer does; each QuestionnaireResponse names the version it answered.
CHECK_IN_QUESTIONNAIRE = f"{PROJECT}/Questionnaire/daily-check-in"
CHECK_IN_VERSION = "1"
# Core extensions for a question's bounds (http://hl7.org/fhir/R4B/extensibility-registry.html).
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
# The time a scheduled dose was due: an extension on its MedicationAdministration.
SCHEDULED_FOR = f"{PROJECT}/StructureDefinition/scheduled-for"
# The diary's units in UCUM (tablets and the like as UCUM annotations).
UCUM_UNITS = {
    "mg": "mg",
    "microgram": "ug",
    "ml": "mL",
    "units": "[U]",
    "tablets": "{tablet}",
    "capsules": "{capsule}",
    "patches": "{patch}",
    "drops": "[drp]",
}

# Fixed for good: changing it would change every id ever exported.
ID_NAMESPACE = uuid.UUID("6f1d3c52-2b0e-4f4e-9a57-3c1f0e8d9b21")

# The R4B value sets for the fields fhir.resources does not check.
OBSERVATION_STATUSES = frozenset(
    {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    }
)
BUNDLE_TYPES = frozenset({"collection", "transaction"})  # the kinds this module makes
MEDICATION_STATEMENT_STATUSES = frozenset(
    {
        "active",
        "completed",
        "entered-in-error",
        "intended",
        "stopped",
        "on-hold",
        "unknown",
        "not-taken",
    }
)
MEDICATION_ADMINISTRATION_STATUSES = frozenset(
    {"in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped", "unknown"}
)
PUBLICATION_STATUSES = frozenset({"draft", "active", "retired", "unknown"})  # a Questionnaire's
QUESTIONNAIRE_RESPONSE_STATUSES = frozenset(
    {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
)
PROCEDURE_STATUSES = frozenset(
    {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    }
)

# The project's measure codes: (code, display). docs/formats.md lists them.
MEASURE_NAMES = {
    "daily-check-in": "Daily check-in",
    "recall-window": "Recall window",
    "leg-pain-worst": "Worst leg pain, 0-10",
    "leg-pain-average": "Average leg pain, 0-10",
    "psfs-frequency": "Penn Spasm Frequency Scale: frequency, 0-4",
    "psfs-severity": "Penn Spasm Frequency Scale: severity, 1-3",
    "spasticity-nrs": "Spasticity numeric rating, 0-10",
    "interference-activities": "Pain or spasms got in the way of daily activities, 0-10",
    "interference-mood": "Pain or spasms affected mood, 0-10",
    "interference-sleep": "Pain or spasms affected sleep, 0-10",
    "night-wakings": "Times spasms or pain woke the person",
    "pain-site": "Where the pain was",
    "pain-type": "Kind of pain, the person's own guess (a patient-reported answer)",
    "pain-type-confirmed": "Kind of pain confirmed by a clinician (ISCI pain classification)",
    "pain-quality": "What the pain felt like",
    "pain-problem": "Which of the person's pain problems",
    "spasms-per-day": "Spasms logged in the day",
    "trigger": "What may have set it off",
    "red-flag": "Symptom that needs care now",
    "ad-episode": "Autonomic dysreflexia episode",
    "ad-cause": "What may have set the episode off",
    "ad-action": "What was done",
    "ad-outcome": "How the episode ended",
    "sci-set-score": "SCI Spasticity Evaluation Tool (SCI-SET) score, -3 to +3",
    "bowel-result": "Result of the bowel routine",
    "checked-by": "Who checked the skin",
    "pressure-injury-stage": "Pressure-injury stage, as the person or their nurse gave it",
}

PAIN_SEVERITY_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
# No LOINC code for "worst" and for "average" pain over the past 24 hours could be checked against
# a public source (loinc.org or an HL7 guide) when this was written, so none is sent: worst and
# average are told apart by the project's measure code, which comes first, with 72514-3 after it.
NEUROPATHIC_PAIN_SNOMED = ("247398009", "Neuropathic pain")
BLOOD_PRESSURE_LOINC = ("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC_LOINC = ("8480-6", "Systolic blood pressure")
DIASTOLIC_LOINC = ("8462-4", "Diastolic blood pressure")
HEART_RATE_LOINC = ("8867-4", "Heart rate")

# Pre-coordinated SNOMED CT concepts that carry the side, so R4B's single bodySite holds it.
LOWER_LIMB = ("61685007", "Lower limb structure")
LEFT_LOWER_LIMB = ("32153003", "Structure of left lower limb")
RIGHT_LOWER_LIMB = ("62175007", "Structure of right lower limb")
PAIN_SITE_SNOMED = {
    # "Hip or buttock": the hip region concept; the text keeps the person's words.
    PainSite.LEFT_HIP: ("287679003", "Left hip region structure"),
    PainSite.RIGHT_HIP: ("287579007", "Right hip region structure"),
    PainSite.LEFT_THIGH: ("61396006", "Structure of left thigh"),
    PainSite.RIGHT_THIGH: ("11207009", "Structure of right thigh"),
    PainSite.LEFT_KNEE: ("82169009", "Structure of left knee region"),
    PainSite.RIGHT_KNEE: ("6757004", "Structure of right knee region"),
    PainSite.LEFT_CALF: ("48979004", "Structure of left lower leg"),
    PainSite.RIGHT_CALF: ("32696007", "Structure of right lower leg"),
    PainSite.LEFT_ANKLE: ("51636004", "Structure of left ankle"),
    PainSite.RIGHT_ANKLE: ("6685009", "Structure of right ankle"),
    PainSite.LEFT_FOOT: ("22335008", "Structure of left foot"),
    PainSite.RIGHT_FOOT: ("7769000", "Structure of right foot"),
}
RECALL_HOURS = {"24h": 24}

# The check-in's questions, in order: (field, measure code and linkId, what the answer is). A
# "penn" answer is a coding; a "rating" a 0-10 score (an integer in the Questionnaire, a
# {score} quantity in its Observation); a "count" an integer.
CHECK_IN_SCORES = (
    ("psfs_frequency", "psfs-frequency", "penn"),
    ("psfs_severity", "psfs-severity", "penn"),
    ("spasticity", "spasticity-nrs", "rating"),
    ("pain_worst", "leg-pain-worst", "rating"),
    ("pain_average", "leg-pain-average", "rating"),
    ("interference_activities", "interference-activities", "rating"),
    ("interference_mood", "interference-mood", "rating"),
    ("interference_sleep", "interference-sleep", "rating"),
    ("night_wakings", "night-wakings", "count"),
)
PAIN_SCORES = frozenset({"leg-pain-worst", "leg-pain-average"})  # also coded LOINC 72514-3
PENN_SYSTEMS = {"psfs_frequency": PSFS_FREQUENCIES, "psfs_severity": PSFS_SEVERITIES}


def status_sets() -> dict[str, frozenset[str]]:
    # Read when called, so that a test can narrow a value set.
    return {
        "Observation": OBSERVATION_STATUSES,
        "MedicationStatement": MEDICATION_STATEMENT_STATUSES,
        "MedicationAdministration": MEDICATION_ADMINISTRATION_STATUSES,
        "Questionnaire": PUBLICATION_STATUSES,
        "QuestionnaireResponse": QUESTIONNAIRE_RESPONSE_STATUSES,
        "Procedure": PROCEDURE_STATUSES,
    }


def check_status(resource):
    """Raise ValueError when a status or type is outside the R4B value set: fhir.resources
    checks only that it is a code, so a typo would otherwise leave as valid FHIR."""
    kind = resource.get("resourceType")
    statuses = status_sets().get(kind)
    if statuses is not None and resource.get("status") not in statuses:
        raise ValueError(f"{kind} status {resource.get('status')!r} is not an R4B status.")
    if kind == "Bundle" and resource.get("type") not in BUNDLE_TYPES:
        raise ValueError(
            f"Bundle type {resource.get('type')!r}: this export makes collections and transactions."
        )
    return resource


# Ids ------------------------------------------------------------------------------------------


def patient_id(owner):
    # The join date as well as the pk: two installs of the app each have a person 1, and a
    # clinic may receive both.
    joined = owner.date_joined.astimezone(UTC).isoformat()
    return uuid.uuid5(ID_NAMESPACE, f"person/{owner.pk}/{joined}")


def entry_id(patient, *parts):
    return uuid.uuid5(patient, "/".join(str(part) for part in parts))


def urn(resource_id):
    return f"urn:uuid:{resource_id}"


def carer_id(patient, account_id):
    # One RelatedPerson per carer account; None (an account since deleted, or one an import did
    # not know) is one more "someone else", never the person.
    return entry_id(patient, "carer", "unknown" if account_id is None else account_id)


# Building blocks ------------------------------------------------------------------------------


def coding(system, code, display=None):
    found = {"system": system, "code": str(code)}
    if display:
        found["display"] = display
    return found


def concept(*codings, text=None):
    found = {"coding": list(codings)}
    if text:
        found["text"] = text
    return found


def measure(code):
    return coding(MEASURES, code, MEASURE_NAMES[code])


def measure_concept(code):
    return concept(measure(code), text=MEASURE_NAMES[code])


def choice_concept(system, choices, value):
    """A diary choice (a slug and its label) as a concept in the project's code system."""
    label = str(dict(choices)[value])  # a label may be lazy (translated): JSON needs text
    return concept(coding(system, value, label), text=label)


def component(code, **value):
    return {"code": measure_concept(code), **value}


def observation(resource_id, patient, code, effective, **fields):
    resource = {
        "resourceType": "Observation",
        "id": str(resource_id),
        "status": "final",
        "category": [
            concept(coding(OBSERVATION_CATEGORY, "survey", "Survey"), text="Survey"),
        ],
        "code": code,
        "subject": {"reference": urn(patient)},
        "effectiveDateTime": effective,
        # Left out when empty (FHIR allows no empty lists); a 0 rating is a value and stays.
        **{name: value for name, value in fields.items() if value not in (None, [])},
    }
    return check_status(resource)


def entry(resource, kind="collection"):
    found = {"fullUrl": urn(resource["id"]), "resource": resource}
    if kind == "transaction":
        # PUT to the resource's own id, a name-based uuid5: sending the same diary again updates
        # what the server has instead of creating it twice. References between the resources use
        # the urn:uuid fullUrls, which the server resolves to these ids.
        found["request"] = {"method": "PUT", "url": f"{resource['resourceType']}/{resource['id']}"}
    return found


def clinician_note(diary_entry, *texts: str) -> list[dict] | None:
    """Only notes the person chose to show their clinician leave the app; other words they
    typed (a treatment event's details) leave on the same terms, before the note."""
    if not diary_entry.note_for_clinician:
        return None
    return [{"text": text} for text in (*texts, diary_entry.note) if text] or None


def local_time(moment, zone):
    return moment.astimezone(zone).isoformat()


# Narrative ------------------------------------------------------------------------------------

XHTML = "http://www.w3.org/1999/xhtml"


def narrative(words: str) -> dict:
    """The resource in words, as FHIR's narrative: a receiving system that cannot read a code
    still shows this. The words are escaped: a note may hold anything, `<script>` included."""
    words = escape(words, quote=False)  # text, not an attribute: only &, < and > matter
    return {"status": "generated", "div": f'<div xmlns="{XHTML}"><p>{words}</p></div>'}


# Spelled out rather than strftime's %b, which follows the process's C locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def shown_time(value: str) -> str:
    """An ISO date or date-time as people write it: "14 Mar 2026" or "14 Mar 2026 09:30" (the
    wall time of the zone it was written in)."""
    if "T" not in value:
        day = date.fromisoformat(value)
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    moment = datetime.fromisoformat(value)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M}"


def shown_quantity(found: dict) -> str:
    value = found["value"]
    if found.get("code") == "{score}":
        return f"score {value}"
    if found.get("code") == "{spasms}":
        return f"{value} spasm" if value == 1 else f"{value} spasms"
    return f"{value:g} {found['unit']}" if isinstance(value, float) else f"{value} {found['unit']}"


def shown_value(resource: dict) -> str | None:
    if "valueInteger" in resource:
        return str(resource["valueInteger"])
    if "valueQuantity" in resource:
        return shown_quantity(resource["valueQuantity"])
    if "valueCodeableConcept" in resource:
        return resource["valueCodeableConcept"].get("text")
    if "dataAbsentReason" in resource:
        return resource["dataAbsentReason"].get("text")
    return None


def shown_period(period: dict) -> str:
    start = shown_time(period["start"])
    return f"{start} to {shown_time(period['end'])}" if "end" in period else f"from {start}"


def describe(resource: dict) -> str:
    """What a resource says, in a line: "Worst leg pain, 0-10: 7, 14 Mar 2026"."""
    kind = resource["resourceType"]
    if kind == "Patient":
        return "The person whose SCI Tracker diary this is (no name is sent)"
    if kind == "RelatedPerson":
        return "A carer who logged entries in the diary (no name is sent)"
    parts = []
    if kind == "Observation":
        name = resource["code"].get("text") or resource["code"]["coding"][0]["display"]
        value = shown_value(resource)
        parts.append(f"{name}: {value}" if value else name)
        parts.append(resource.get("bodySite", {}).get("text"))
        if "effectiveDateTime" in resource:
            parts.append(shown_time(resource["effectiveDateTime"]))
        elif "effectivePeriod" in resource:
            parts.append(shown_period(resource["effectivePeriod"]))
        parts += [component_words(part) for part in resource.get("component", [])]
    elif kind == "MedicationStatement":
        parts.append(resource["medicationCodeableConcept"]["text"])
        parts.append(f"status: {resource['status']}")
        if "effectivePeriod" in resource:
            parts.append(shown_period(resource["effectivePeriod"]))
        parts += [dosage["text"] for dosage in resource.get("dosage", [])]
    elif kind == "MedicationAdministration":
        parts.append(resource["medicationCodeableConcept"]["text"])
        parts.append("not taken" if resource["status"] == "not-done" else "taken")
        parts.append(shown_time(resource["effectiveDateTime"]))
        parts.append(resource.get("category", {}).get("text"))
    elif kind == "Questionnaire":
        parts.append(f"{resource['title']}, version {resource['version']}")
        parts.append(f"{len(resource['item'])} questions")
    elif kind == "QuestionnaireResponse":
        parts.append(f"Daily check-in answers, {shown_time(resource['authored'])}")
        parts += [answer_words(item) for item in resource["item"]]
    elif kind == "Procedure":
        parts.append(resource["code"]["text"])
        parts.append(shown_time(resource["performedDateTime"]))
    parts += [f"Note: {note['text']}" for note in resource.get("note", [])]
    return ", ".join(part for part in parts if part)


def component_words(part: dict) -> str | None:
    # An item not applicable is left out of the words (its component says so).
    value = None if "dataAbsentReason" in part else shown_value(part)
    return f"{part['code'].get('text')}: {value}" if value else None


def answer_words(item: dict) -> str:
    answer = item["answer"][0]
    value = answer["valueCoding"]["display"] if "valueCoding" in answer else answer["valueInteger"]
    return f"{item['text']}: {value}"


def with_text(resource: dict) -> dict:
    resource["text"] = narrative(describe(resource))
    return resource


# The patient and carers -----------------------------------------------------------------------


def patient_resource(owner):
    """No name, e-mail or birth date. The receiving system links the bundle to its own record
    of the patient anyway (our id means nothing there), and a file that goes astray names no
    one. The display name is a nickname, not a name to match records on."""
    resource_id = str(patient_id(owner))
    return {
        "resourceType": "Patient",
        "id": resource_id,
        "identifier": [{"system": PERSON_IDENTIFIER, "value": resource_id}],
    }


def related_person(patient, carer):
    """A carer who logged entries for the person: the relationship alone, no name or e-mail
    (the same reasons as the Patient's)."""
    return {
        "resourceType": "RelatedPerson",
        "id": str(carer),
        "patient": {"reference": urn(patient)},
        "relationship": [concept(coding(V3_ROLE_CODE, *CAREGIVER), text="Carer")],
    }


class Performers:
    """Who logged each entry: the Patient, or a RelatedPerson for each carer met so far, made
    as the entries stream past so that finding the carers costs no query of its own."""

    def __init__(self, owner, patient):
        self.owner_id = owner.pk
        self.patient = patient
        self.carers = {}  # RelatedPerson id, in the order first met

    def reference(self, diary_entry) -> dict:
        if diary_entry.logged_by_id == self.owner_id:
            return {"reference": urn(self.patient)}
        carer = carer_id(self.patient, diary_entry.logged_by_id)
        self.carers.setdefault(carer, None)
        return {"reference": urn(carer)}

    def add(self, resource: dict, diary_entry) -> dict:
        """The resource with who logged it: Observation.performer is a list of references,
        MedicationAdministration's and Procedure's a list of actors; a QuestionnaireResponse
        has one author."""
        found = self.reference(diary_entry)
        kind = resource["resourceType"]
        if kind == "QuestionnaireResponse":
            resource["author"] = found
        elif kind in ("MedicationAdministration", "Procedure"):
            resource["performer"] = [{"actor": found}]
        else:
            resource["performer"] = [found]
        return resource

    def related_people(self):
        for carer in self.carers:
            yield related_person(self.patient, carer)


# Check-ins ------------------------------------------------------------------------------------


def check_in_question(field: str) -> str:
    """The question as the diary asks it: the model field's own label."""
    return str(capfirst(CheckIn._meta.get_field(field).verbose_name))


def penn_coding(field: str, value: int) -> dict:
    """A Penn answer as a coding whose display is the wording the app shows ("3: Spasms more
    than once an hour")."""
    label = str(dict(CheckIn._meta.get_field(field).choices)[value])
    return coding(PENN_SYSTEMS[field], value, label)


def questionnaire_item(field: str, code: str, answer_kind: str) -> dict:
    item = {"linkId": code, "text": check_in_question(field)}
    if answer_kind == "penn":
        choices = CheckIn._meta.get_field(field).choices
        item["type"] = "choice"
        item["answerOption"] = [{"valueCoding": penn_coding(field, value)} for value, _ in choices]
    else:
        item["type"] = "integer"
        bounds = [{"url": MIN_VALUE, "valueInteger": 0}]
        if answer_kind == "rating":
            bounds.append({"url": MAX_VALUE, "valueInteger": 10})
        item["extension"] = bounds
    item["required"] = not CheckIn._meta.get_field(field).blank  # as the model requires it
    if field == "psfs_severity":
        # Asked only when there were spasms, as the form asks it.
        item["enableWhen"] = [
            {
                "question": "psfs-frequency",
                "operator": "!=",
                "answerCoding": penn_coding("psfs_frequency", CheckIn.Frequency.NONE),
            }
        ]
    return item


def check_in_questionnaire() -> dict:
    """The daily check-in as a Questionnaire the app publishes: the same for everyone, so its id
    is not the person's and a server that has it from one bundle keeps one copy."""
    return check_status(
        {
            "resourceType": "Questionnaire",
            "id": str(uuid.uuid5(ID_NAMESPACE, f"{CHECK_IN_QUESTIONNAIRE}|{CHECK_IN_VERSION}")),
            "url": CHECK_IN_QUESTIONNAIRE,
            "version": CHECK_IN_VERSION,
            "name": "DailyCheckIn",
            "title": "SCI Tracker daily check-in",
            "status": "active",
            "subjectType": ["Patient"],
            "description": "The questions SCI Tracker asks each day, about the past 24 hours: "
            "spasms (the Penn Spasm Frequency Scale), stiffness, leg pain and how they got in "
            "the way.",
            "item": [questionnaire_item(*question) for question in CHECK_IN_SCORES],
        }
    )


def answered(check_in: CheckIn):
    """(field, code, kind of answer, value) for each question answered, in order: a question
    not answered has no item and no Observation."""
    for field, code, answer_kind in CHECK_IN_SCORES:
        value = getattr(check_in, field)
        if value is not None:
            yield field, code, answer_kind, value


def check_in_response(check_in: CheckIn, patient: uuid.UUID) -> dict:
    """The answers as given: Penn as codings with their wording, the rest as integers."""
    items = []
    for field, code, answer_kind, value in answered(check_in):
        if answer_kind == "penn":
            answer = {"valueCoding": penn_coding(field, value)}
        else:
            answer = {"valueInteger": value}
        items.append({"linkId": code, "text": check_in_question(field), "answer": [answer]})
    return check_status(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(entry_id(patient, "checkin", check_in.pk, "response")),
            "questionnaire": f"{CHECK_IN_QUESTIONNAIRE}|{CHECK_IN_VERSION}",
            "status": "completed",
            "subject": {"reference": urn(patient)},
            "authored": check_in.date.isoformat(),
            "item": items,
        }
    )


def score_code(code: str) -> dict:
    """The score's code: the project's measure first (it tells worst from average pain), then
    LOINC's pain severity for the two pain scores."""
    codings = [measure(code)]
    if code in PAIN_SCORES:
        codings.append(coding(LOINC, *PAIN_SEVERITY_LOINC))
    return concept(*codings, text=MEASURE_NAMES[code])


def check_in_resources(check_in, patient):
    """The response, then one Observation per answered score (clinic systems chart
    Observations), then a panel for the day that lists them; each is derived from the response.

    Effective is the date alone: the answers are about a whole day in the person's zone, and a
    clock time (say 23:59) would claim a precision the diary does not have.
    """
    response = check_in_response(check_in, patient)
    yield response
    source = [{"reference": urn(response["id"])}]
    day = check_in.date.isoformat()
    members = []
    for _field, code, answer_kind, value in answered(check_in):
        if answer_kind == "rating":
            answer = {"valueQuantity": score_quantity(value)}
        else:
            answer = {"valueInteger": value}
        members.append(
            observation(
                entry_id(patient, "checkin", check_in.pk, code),
                patient,
                score_code(code),
                day,
                derivedFrom=source,
                **answer,
            )
        )
    yield from members
    yield observation(
        entry_id(patient, "checkin", check_in.pk),
        patient,
        measure_concept("daily-check-in"),
        day,
        hasMember=[{"reference": urn(member["id"])} for member in members],
        derivedFrom=source,
        component=[
            component(
                "recall-window",
                valueQuantity={
                    "value": RECALL_HOURS[check_in.recall_window],
                    "unit": "h",
                    "system": UCUM,
                    "code": "h",
                },
            )
        ],
        note=clinician_note(check_in),
    )


# Spasms and leg pain ------------------------------------------------------------------------


def snomed_concept(code_and_display, text):
    return concept(coding(SNOMED, *code_and_display), text=text)


def pain_body_site(sites):
    """R4B allows one bodySite: the one site, or the limb that holds them all."""
    labels = ", ".join(str(dict(PainSite.choices)[site]) for site in sites)
    if len(sites) == 1:
        return snomed_concept(PAIN_SITE_SNOMED[sites[0]], labels)
    if all(site.startswith("left-") for site in sites):
        return snomed_concept(LEFT_LOWER_LIMB, labels)
    if all(site.startswith("right-") for site in sites):
        return snomed_concept(RIGHT_LOWER_LIMB, labels)
    return snomed_concept(LOWER_LIMB, labels)


def spasm_days(owner):
    """The person's spasms per day of their own calendar, counted by the database: (day, count,
    red flags, notes) in date order. What a clinician must not miss goes with the day: the red
    flags ticked (each once, in the diary's order) and the notes flagged for them (with their
    time). The rest of each spasm's detail stays in spasms.csv."""
    spasms = SpasmEpisode.objects.for_user(owner).active()
    span = spasms.aggregate(since=Min("occurred_at"), until=Max("occurred_at"))
    if span["since"] is None:
        return
    # LocalDate needs the span only on SQLite, to pick the zone's offsets within it.
    day = LocalDate("occurred_at", owner.zone, span["since"], span["until"] + timedelta(seconds=1))
    # Few spasms carry a red flag or a flagged note: one query, kept by day.
    details = defaultdict(lambda: ([], []))
    flagged = Q(note_for_clinician=True) & ~Q(note="")
    noted = spasms.filter(flagged | ~Q(red_flags=[])).annotate(day=day).order_by("occurred_at")
    for row in noted.values("day", "occurred_at", "red_flags", "note", "note_for_clinician"):
        flags, notes = details[row["day"]]
        flags += [flag for flag in row["red_flags"] if flag not in flags]
        if row["note_for_clinician"] and row["note"]:
            notes.append({"time": local_time(row["occurred_at"], owner.zone), "text": row["note"]})
    counted = spasms.annotate(day=day).values("day").annotate(spasms=Count("id")).order_by("day")
    order = list(RedFlag.values)
    for row in counted.iterator(chunk_size=CHUNK):
        flags, notes = details.get(row["day"], ([], []))
        yield row["day"], row["spasms"], sorted(flags, key=order.index), notes


def spasm_day_resource(day, count, flags, notes, patient):
    """One day's spasms as a count (UCUM annotation {spasms}), dated by the day alone as a
    check-in is, with the day's red flags as components and flagged notes as notes. Counted by
    the app from entries the person or a carer logged: no performer."""
    return observation(
        entry_id(patient, "spasm-day", day.isoformat()),
        patient,
        measure_concept("spasms-per-day"),
        day.isoformat(),
        valueQuantity={"value": count, "unit": "spasms", "system": UCUM, "code": "{spasms}"},
        component=[
            component(
                "red-flag", valueCodeableConcept=choice_concept(RED_FLAGS, RedFlag.choices, f)
            )
            for f in flags
        ],
        note=notes,
    )


def trigger_components(diary_entry):
    components = []
    for trigger in sorted(diary_entry.triggers.all(), key=lambda trigger: trigger.slug):
        if trigger.is_builtin:
            value = concept(coding(TRIGGERS, trigger.slug, trigger.name), text=trigger.name)
        else:
            # The person's own trigger: its slug is theirs alone, so only the words go.
            value = {"text": trigger.name}
        components.append(component("trigger", valueCodeableConcept=value))
    return components


def red_flag_components(diary_entry):
    return [
        component("red-flag", valueCodeableConcept=choice_concept(RED_FLAGS, RedFlag.choices, flag))
        for flag in diary_entry.red_flags
    ]


def pain_type_concept(pain_type):
    """The person's own guess: a patient-reported answer in the project's code system only,
    never a SNOMED CT finding (only a clinician's classification may carry one)."""
    return choice_concept(PAIN_TYPES, PainType.choices, pain_type)


def confirmed_type_concept(pain_type):
    found = choice_concept(PAIN_TYPES, PainType.choices, pain_type)
    if pain_type in NEUROPATHIC_TYPES:
        # The same idea, less finely: systems that know no ISCI code still see nerve pain. The
        # other types get no SNOMED CT code: none is certain enough to send.
        found["coding"].append(coding(SNOMED, *NEUROPATHIC_PAIN_SNOMED))
    return found


def problem_concept(problem):
    # The slot, not the name, is the problem's identity: a renamed problem keeps its entries.
    return concept(coding(PAIN_PROBLEMS, problem.slot), text=problem.name)


def confirmed_type_resource(problem, patient, zone):
    """A clinician's classification of one pain problem: an exam finding by the clinician (named
    by display only: their account means nothing to the receiving system)."""
    return observation(
        entry_id(patient, "pain-problem", problem.pk, "confirmed-type"),
        patient,
        measure_concept("pain-type-confirmed"),
        local_time(problem.confirmed_at, zone),
        category=[concept(coding(OBSERVATION_CATEGORY, "exam", "Exam"), text="Exam")],
        performer=[{"display": str(problem.confirmed_by_shown)}],
        valueCodeableConcept=confirmed_type_concept(problem.confirmed_type),
        component=[component("pain-problem", valueCodeableConcept=problem_concept(problem))],
    )


def pain_resource(pain, patient, zone):
    components = [
        component(
            "pain-site",
            valueCodeableConcept=snomed_concept(
                PAIN_SITE_SNOMED[site], str(dict(PainSite.choices)[site])
            ),
        )
        for site in pain.sites
    ]
    components.append(
        component("pain-type", valueCodeableConcept=pain_type_concept(pain.pain_type))
    )
    components += [
        component(
            "pain-quality",
            valueCodeableConcept=choice_concept(PAIN_QUALITIES, PainQuality.choices, quality),
        )
        for quality in pain.qualities
    ]
    if pain.problem:
        components.append(
            component("pain-problem", valueCodeableConcept=problem_concept(pain.problem))
        )
    components += trigger_components(pain) + red_flag_components(pain)
    return observation(
        entry_id(patient, "pain", pain.pk),
        patient,
        concept(coding(LOINC, *PAIN_SEVERITY_LOINC), text="Leg pain, 0-10"),
        local_time(pain.occurred_at, zone),
        valueQuantity=score_quantity(pain.intensity),
        bodySite=pain_body_site(pain.sites) if pain.sites else None,
        component=components,
        note=clinician_note(pain),
    )


# Autonomic dysreflexia ------------------------------------------------------------------------


def vital_signs():
    return [concept(coding(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"), text="Vital Signs")]


def quantity(value, unit):
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def reading_resources(owner, episode, reading, patient, zone):
    """A blood-pressure panel (LOINC 85354-9, systolic and diastolic as components in mm[Hg]),
    and a heart rate (8867-4, /min) when the pulse was taken. "Raised" is against the person's
    own usual pressure, not a population range, so it goes as words, not as a coded
    interpretation."""
    effective = local_time(reading.taken_at, zone)
    raised = owner.blood_pressure_raised(reading.systolic)
    interpretation = None
    if raised:
        usual = f"{owner.usual_systolic}/{owner.usual_diastolic}"
        interpretation = [
            {
                "text": f"Raised: {owner.RAISED_BY} mmHg or more above the person's "
                f"usual blood pressure ({usual} mmHg)"
            }
        ]
    yield observation(
        entry_id(patient, "ad", episode.pk, "reading", reading.pk),
        patient,
        concept(coding(LOINC, *BLOOD_PRESSURE_LOINC), text="Blood pressure"),
        effective,
        category=vital_signs(),
        interpretation=interpretation,
        component=[
            {
                "code": concept(coding(LOINC, *SYSTOLIC_LOINC), text=SYSTOLIC_LOINC[1]),
                "valueQuantity": quantity(reading.systolic, "mm[Hg]"),
            },
            {
                "code": concept(coding(LOINC, *DIASTOLIC_LOINC), text=DIASTOLIC_LOINC[1]),
                "valueQuantity": quantity(reading.diastolic, "mm[Hg]"),
            },
        ],
    )
    if reading.pulse is not None:
        yield observation(
            entry_id(patient, "ad", episode.pk, "pulse", reading.pk),
            patient,
            concept(coding(LOINC, *HEART_RATE_LOINC), text=HEART_RATE_LOINC[1]),
            effective,
            category=vital_signs(),
            valueQuantity=quantity(reading.pulse, "/min"),
        )


def ad_resources(owner, episode, patient, zone):
    """The readings' Observations, then the episode's, which lists them as its members."""
    members = [
        resource
        for reading in episode.readings.all()
        for resource in reading_resources(owner, episode, reading, patient, zone)
    ]
    yield from members
    components = [
        component("ad-cause", valueCodeableConcept=choice_concept(AD_CAUSES, ADCause.choices, c))
        for c in episode.causes
    ]
    components += [
        component(
            "ad-action", valueCodeableConcept=choice_concept(AD_ACTIONS, ADAction.choices, action)
        )
        for action in episode.actions
    ]
    components.append(
        component(
            "ad-outcome",
            valueCodeableConcept=choice_concept(AD_OUTCOMES, ADOutcome.choices, episode.outcome),
        )
    )
    yield observation(
        entry_id(patient, "ad", episode.pk),
        patient,
        measure_concept("ad-episode"),
        local_time(episode.occurred_at, zone),
        hasMember=[{"reference": urn(member["id"])} for member in members],
        component=components,
        note=clinician_note(episode),
    )


# SCI-SET weeks --------------------------------------------------------------------------------

NOT_APPLICABLE = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "not-applicable",
            "display": "Not Applicable",
        }
    ],
    "text": "Not applicable",
}


def score_quantity(value: int | float | Decimal) -> dict:
    """A score in UCUM's {score}: a 0-10 rating stays a whole number, a mean is a decimal."""
    value = value if isinstance(value, int) else float(value)
    return {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}


def sciset_resource(week, patient):
    """A week's SCI-SET: the score (the mean of the items that apply, diary.sciset.score) as the
    value, each item's rating as a component, over the 7 days the answers look back on."""
    ratings = [
        {
            "code": concept(coding(SCISET_ITEMS, key), text=f"SCI-SET item {key}"),
            **(
                {"valueInteger": week.answers[key]}
                if week.answers[key] is not None
                else {"dataAbsentReason": NOT_APPLICABLE}
            ),
        }
        for key in ITEM_KEYS
    ]
    score = week.score
    resource = observation(
        entry_id(patient, "sciset", week.pk),
        patient,
        measure_concept("sci-set-score"),
        None,
        component=ratings,
        note=clinician_note(week),
        **({"valueQuantity": score_quantity(score)} if score is not None else {}),
        **({} if score is not None else {"dataAbsentReason": NOT_APPLICABLE}),
    )
    del resource["effectiveDateTime"]
    first = week.date - timedelta(days=RECALL_DAYS - 1)
    resource["effectivePeriod"] = {"start": first.isoformat(), "end": week.date.isoformat()}
    return resource


# Bladder, bowel and skin ----------------------------------------------------------------------


def care_resource(event, patient, zone):
    """One bladder, bowel or skin event: what happened as the code (the project's own: no LOINC
    or SNOMED CT code is claimed for a diary event), a catheterisation's or a leak's volume in
    mL, the skin site as the body site, and the other details as components."""
    components = []
    if event.bowel_result:
        components.append(
            component(
                "bowel-result",
                valueCodeableConcept=choice_concept(
                    BOWEL_RESULTS, BowelResult.choices, event.bowel_result
                ),
            )
        )
    if event.checked_by:
        components.append(
            component(
                "checked-by",
                valueCodeableConcept=choice_concept(
                    CHECKED_BY, CheckedBy.choices, event.checked_by
                ),
            )
        )
    if event.stage:
        components.append(
            component(
                "pressure-injury-stage",
                valueCodeableConcept=choice_concept(
                    PRESSURE_STAGES, PressureStage.choices, event.stage
                ),
            )
        )
    volume = None
    if event.volume_ml is not None:
        volume = {"value": event.volume_ml, "unit": "mL", "system": UCUM, "code": "mL"}
    return observation(
        entry_id(patient, "care", event.pk),
        patient,
        choice_concept(CARE_EVENTS, CareEventKind.choices, event.event),
        local_time(event.occurred_at, zone),
        valueQuantity=volume,
        bodySite=choice_concept(SKIN_SITES, SkinSite.choices, event.site) if event.site else None,
        component=components,
        note=clinician_note(event),
    )


# Treatment events -----------------------------------------------------------------------------


def treatment_events(owner) -> QuerySet:
    """The treatment events that are not a medicine's: a medicine's start, change or stop is in
    its MedicationStatement."""
    events = TreatmentEvent.objects.for_user(owner).active()
    return events.exclude(event_kind__in=MEDICINE_EVENT_KINDS).order_by("date", "pk")


def procedure(event: TreatmentEvent, patient: uuid.UUID) -> dict:
    """A treatment event as something done to the person: what it was as text with the project's
    code (no SNOMED CT procedure is claimed for a diary entry), on its day; the details typed
    leave only with a note flagged for the clinician."""
    return check_status(
        {
            "resourceType": "Procedure",
            "id": str(entry_id(patient, "event", event.pk)),
            "status": "completed",
            "code": choice_concept(TREATMENT_EVENTS, EventKind.choices, event.event_kind),
            "subject": {"reference": urn(patient)},
            "performedDateTime": event.date.isoformat(),
            **({"note": note} if (note := clinician_note(event, event.details)) else {}),
        }
    )


# Medicines and doses --------------------------------------------------------------------------


def dose_quantity(amount, medicine):
    return {
        "value": float(amount),
        "unit": medicine.get_unit_display(),
        "system": UCUM,
        "code": UCUM_UNITS[medicine.unit],
    }


def medicine_text(medicine):
    """The medicine as text only: the diary keeps a name, not a coded product."""
    return {"text": medicine.name}


def dosages(medicine):
    """One Dosage per start or change, in order, each bounded by the day it began and the day
    before the next change or the stop (diary.medicines: the regimen lives in the events)."""
    events = medicine.active_events
    found = []
    for index, event in enumerate(events):
        if event.event_kind == STOP or event.dose is None:
            continue
        later = events[index + 1] if index + 1 < len(events) else None
        bounds = {"start": event.date.isoformat()}
        if later is not None:
            bounds["end"] = (
                later.date - timedelta(days=1 if later.date > event.date else 0)
            ).isoformat()
        amount = f"{event.dose.normalize():f} {medicine.get_unit_display()}"
        repeat = {"boundsPeriod": bounds}
        if event.times:
            repeat["timeOfDay"] = [f"{moment}:00" for moment in event.times]
            text = f"{amount} at {', '.join(event.times)}"
        else:
            text = f"{amount} as needed"
        found.append(
            {
                "sequence": len(found) + 1,
                "text": text,
                "timing": {"repeat": repeat},
                "asNeededBoolean": not event.times,
                "route": choice_concept(
                    MEDICINE_ROUTES, medicine._meta.get_field("route").choices, medicine.route
                ),
                "doseAndRate": [{"doseQuantity": dose_quantity(event.dose, medicine)}],
            }
        )
    return found


def statement_id(patient, medicine):
    return entry_id(patient, "medicine", medicine.pk)


def medication_statement(medicine, patient, today):
    """The medicine on the list: active, stopped, intended (starts later) or unknown (never
    started); effectivePeriod from its first start to its stop."""
    state = state_on(medicine, today)
    starts = [event.date for event in medicine.active_events if event.event_kind == START]
    if state.current:
        status = "active"
    elif state.stopped is not None:
        status = "stopped"
    elif starts:
        status = "intended"
    else:
        status = "unknown"
    resource = {
        "resourceType": "MedicationStatement",
        "id": str(statement_id(patient, medicine)),
        "status": status,
        "medicationCodeableConcept": medicine_text(medicine),
        "subject": {"reference": urn(patient)},
        "reasonCode": [
            choice_concept(
                MEDICINE_REASONS, medicine._meta.get_field("reason").choices, medicine.reason
            )
        ],
    }
    if starts:
        period = {"start": min(starts).isoformat()}
        if state.stopped is not None:
            period["end"] = state.stopped.isoformat()
        resource["effectivePeriod"] = period
    found = dosages(medicine)
    if found:
        resource["dosage"] = found
    return check_status(resource)


def medication_administration(dose, patient, zone):
    """A dose: completed when taken, not-done when missed; the time it was due as an extension
    (none for an as-needed dose); linked to its medicine's MedicationStatement."""
    medicine = dose.medicine
    resource = {
        "resourceType": "MedicationAdministration",
        "id": str(entry_id(patient, "dose", dose.pk)),
        "status": "completed" if dose.status == "taken" else "not-done",
        "medicationCodeableConcept": medicine_text(medicine),
        "subject": {"reference": urn(patient)},
        "supportingInformation": [{"reference": urn(statement_id(patient, medicine))}],
        "effectiveDateTime": local_time(dose.occurred_at, zone),
    }
    if dose.scheduled_for is not None:
        resource["extension"] = [
            {"url": SCHEDULED_FOR, "valueDateTime": local_time(dose.scheduled_for, zone)}
        ]
    if dose.status == "missed":
        resource["statusReason"] = [{"text": "Missed"}]
    elif dose.scheduled_for is None:
        resource["category"] = {"text": "As needed"}
    elif dose.occurred_at > dose.scheduled_for + LATE_AFTER:
        resource["category"] = {"text": "Late"}
    else:
        resource["category"] = {"text": "On time"}
    if dose.amount is not None:
        resource["dosage"] = {"dose": dose_quantity(dose.amount, medicine)}
    note = clinician_note(dose)
    if note:
        resource["note"] = note
    return check_status(resource)


# The bundle -----------------------------------------------------------------------------------


# What each kind of entry is read with (exports.rows): plain values, not model instances.
PAIN_TRIGGERS = Tags("triggers", ("slug", "name", "owner_id"), row_class(Trigger, "is_builtin"))
PAIN_PROBLEM = Related("problem", ("slot", "name"))
READING_FIELDS = ("id", "taken_at", "systolic", "diastolic", "pulse")
READINGS = Many("readings", READING_FIELDS, order=("taken_at", "pk"))
SCISET_WEEK = row_class(SpasticityWeek, "score")


def rows(read: Read):
    """The rows a chunk at a time, as plain values (without the bookkeeping: the backup's)."""
    read = replace(read, leave_out=BOOKKEEPING)
    for chunk in read.chunks(CHUNK):
        yield from chunk


def resources(owner):
    """Every resource of the bundle, the Patient first, made one at a time; the carers who
    logged any entry come last, as RelatedPersons. Each gets its narrative here, in one place."""
    for resource in coded_resources(owner):
        yield with_text(resource)


def coded_resources(owner):
    zone = owner.zone
    yield patient_resource(owner)
    patient = patient_id(owner)
    performers = Performers(owner, patient)
    by = performers.add
    check_ins = CheckIn.objects.for_user(owner).active().order_by("date", "pk")
    for index, check_in in enumerate(rows(Read(check_ins))):
        if index == 0:  # the questions once, before the first answers
            yield check_in_questionnaire()
        for found in check_in_resources(check_in, patient):
            yield by(found, check_in)
    for day, count, flags, notes in spasm_days(owner):
        yield spasm_day_resource(day, count, flags, notes, patient)
    pains = LegPainEntry.objects.for_user(owner).active().order_by("occurred_at", "pk")
    for pain in rows(Read(pains, (PAIN_PROBLEM,), (PAIN_TRIGGERS,))):
        yield by(pain_resource(pain, patient, zone), pain)
    confirmed = PainProblem.objects.filter(owner=owner).exclude(confirmed_type="")
    for problem in confirmed.order_by("slot"):
        # A clinician's finding, not a diary entry: its performer is the clinician.
        yield confirmed_type_resource(problem, patient, zone)
    episodes = ADEpisode.objects.for_user(owner).active().order_by("occurred_at", "pk")
    for episode in rows(Read(episodes, many=(READINGS,))):
        for found in ad_resources(owner, episode, patient, zone):
            yield by(found, episode)  # readings are part of the episode's entry
    weeks = SpasticityWeek.objects.for_user(owner).active().order_by("date", "pk")
    for week in rows(Read(weeks, kind=SCISET_WEEK)):
        yield by(sciset_resource(week, patient), week)
    care_events = CareEvent.objects.for_user(owner).active().order_by("occurred_at", "pk")
    for event in rows(Read(care_events)):
        yield by(care_resource(event, patient, zone), event)
    for event in rows(Read(treatment_events(owner))):
        yield by(procedure(event, patient), event)
    today = owner.local_today()
    # A handful of medicines: model instances, with their events; each dose names one of them.
    medicines = list(with_events(Medicine.objects.filter(owner=owner).order_by("name", "pk")))
    for medicine in medicines:
        yield medication_statement(medicine, patient, today)
    listed = {medicine.pk: medicine for medicine in medicines}
    doses = MedicineDose.objects.for_user(owner).active().order_by("occurred_at", "pk")
    for dose in rows(Read(doses)):
        # Every dose is of a medicine on the person's list; the database alone does not say so.
        dose.medicine = listed.get(dose.medicine_id) or Medicine.objects.get(pk=dose.medicine_id)
        yield by(medication_administration(dose, patient, zone), dose)
    yield from performers.related_people()


def bundle_header(owner, now=None, kind="collection"):
    """The Bundle without its entries. Its identifier is the same for every export of this
    person's diary as this kind of bundle: a receiving system sees a newer copy of the same one."""
    now = now or timezone.now()
    return check_status(
        {
            "resourceType": "Bundle",
            "identifier": {
                "system": BUNDLE_IDENTIFIER,
                "value": str(entry_id(patient_id(owner), "bundle", kind)),
            },
            "type": kind,
            "timestamp": local_time(now, owner.zone),
        }
    )


def bundle(owner, now=None, kind="collection"):
    """The whole bundle as a dict (for tests and small diaries; the view streams)."""
    return {
        **bundle_header(owner, now, kind),
        "entry": [entry(found, kind) for found in resources(owner)],
    }


def to_json(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def bundle_chunks(owner, now=None, kind="collection"):
    """The same bundle as JSON text, a resource at a time, for a StreamingHttpResponse."""
    header = to_json(bundle_header(owner, now, kind))
    yield header[:-1] + ',"entry":['  # the header without its closing brace
    separator = ""
    for found in resources(owner):
        yield separator + to_json(entry(found, kind))
        separator = ","
    yield "]}"
