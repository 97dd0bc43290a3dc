"""Everything a person owns in one JSON file they can keep, and bring back with the importer:
their diary, and what their clinicians wrote about them (review notes and visit measures).

The "Exports" section of docs/formats.md documents the format. Each section names the model
fields it writes; every other field of the model is listed in NOT_BACKED_UP with the reason, and
a test checks that the two together are exactly the model's fields, so a new field cannot be
forgotten.

Values are written by the kind of field: times as ISO 8601 in the person's zone with the offset,
dates as YYYY-MM-DD, the account that logged an entry as its e-mail address (a clinician's note
or rating names its author by the name it keeps, author_name, not by account), a pain problem as
its slot, triggers and interventions as their slugs. Entries in the bin are included (with
deleted_at). The rows are read as plain values a chunk at a time (exports.rows), so ten years
never sit in memory.
"""

import json
from dataclasses import dataclass
from datetime import date, time

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import (
    ADEpisode,
    BloodPressureReading,
    CareEvent,
    CheckIn,
    HiddenIntervention,
    HiddenTrigger,
    Intervention,
    InterventionUse,
    LegPainEntry,
    Medicine,
    MedicineDose,
    PainProblem,
    SpasmEpisode,
    SpasticityWeek,
    TreatmentEvent,
    Trigger,
)
from sci_tracker.exports.csv_files import CHUNK, LOGGED_BY_EMAIL, MEDICINE_NAME, TRIGGER_SLUGS
from sci_tracker.exports.rows import Many, Read, Related
from sci_tracker.reminders.models import ReminderSettings
from sci_tracker.sharing.models import ReviewNote, VisitMeasure

FORMAT = "sci-tracker-backup"
# 2: the autonomic dysreflexia episodes ("ad_episodes"), each with its readings. A version 1
# file has none (importer.read.UPGRADES).
# 3: the built-ins the person hid ("hidden_triggers", "hidden_interventions", by slug) and the
# "archived" flag of their own items. A version 2 file has no hidden ones and nothing archived.
# 4: the reminder settings ("reminders"). A version 3 file has none.
# 5: the weekly SCI-SET answers ("sciset_weeks"). A version 4 file has none.
# 6: the bladder, bowel and skin programme ("care_events"). A version 5 file has none.
# 7: the medicine list ("medicines"), the doses taken or missed ("doses"), and a treatment
# event's medicine (by name), dose and times. A version 6 file has no medicines or doses, and
# its events name no medicine (Section.optional).
VERSION = 7

# The profile: `email` says whose diary it is (an import maps entries logged with it to the
# importing person) and is never restored; the others are restored when the person asks.
# The safety profile, the light or dark choice and the language came later: a backup from before
# them lacks those keys (LATER_SETTINGS), and an import keeps the person's present values for them.
SAFETY_SETTINGS = (
    "usual_systolic",
    "usual_diastolic",
    "has_baclofen_pump",
    "pump_refill_date",
    "pump_alarm_date",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_number",
    "card_medicines",
)
PROFILE_SETTINGS = (
    "display_name",
    "time_zone",
    "uses_app_as",
    "injury_level",
    "completeness",
    "is_clinician",
    *SAFETY_SETTINGS,
    "theme",
    "language",
)
# Settings a backup made before them lacks: an import keeps the person's present values.
LATER_SETTINGS = ("uses_app_as", *SAFETY_SETTINGS, "theme", "language")
PROFILE_FIELDS = ("email", *PROFILE_SETTINGS)

# The reminder settings, restored with the profile (`null` in the file: none were ever saved).
# The devices that get notifications are not in the file: a push subscription's keys are that
# browser's secrets, and a subscription works only with this server's VAPID key anyway.
REMINDERS = "reminders"
REMINDER_SETTINGS = ("first_at", "second_at", "quiet_from", "quiet_until", "by_push", "by_email")

ENTRY_END = ("note", "note_for_clinician", "logged_by", "created_at", "updated_at", "deleted_at")
TIMED_END = ("triggers", "red_flags", *ENTRY_END)
TRIED_FIELDS = ("intervention", "dose", "effect")
TRIED = "tried"  # the key of what was tried, nested in its spasm or bout of pain
READING_FIELDS = ("taken_at", "systolic", "diastolic", "pulse")
READINGS = "readings"  # the key of an AD episode's blood-pressure readings, nested in it

# A treatment event's medicine (by name), dose (as text, such as "10" or "2.5") and times of day;
# a backup before version 6 lacks them.
MEDICINE_EVENT_FIELDS = ("medicine", "dose", "times")

# A clinician's confirmed ISCI pain type of a problem, who and when; older backups lack them.
CONFIRMED_TYPE_FIELDS = ("confirmed_type", "confirmed_by_name", "confirmed_at")

CLIENT_ID_REASON = (
    "the id a device gave a tap queued offline, so that this server saves it once; it means "
    "nothing once saved, nor on another server"
)
QUEUEABLE = (SpasmEpisode, LegPainEntry, CheckIn, CareEvent, MedicineDose)
ENTRY_VERSION_REASON = "counts the saves on this server, to catch two devices' edits clashing"
NOT_BACKED_UP = {
    User: {
        "id": "a new account gets its own number",
        "password": "a secret, never written to a file",
        "last_login": "about this server, not the diary",
        "is_superuser": "permissions are given by the site, not restored from a file",
        "is_staff": "permissions are given by the site, not restored from a file",
        "is_active": "about this server, not the diary",
        "groups": "permissions are given by the site, not restored from a file",
        "user_permissions": "permissions are given by the site, not restored from a file",
        "date_joined": "when this account was made, on this server",
        "diary_version": "a cache key for trends, moved on by every change",
        "past_version": "a cache key for trends, moved on by changes to past months",
        "records_version": "a cache key for trends, moved on by changes to the other records",
        "email_confirmed_at": "proven on this server by a link it sent; a file cannot prove it",
    },
    **{
        model: {
            "id": "entries get new numbers; nothing in the file refers to them",
            "owner": "the file is one person's diary",
            # Like diary_version: a count of this server's saves, not diary content. An
            # imported entry starts again from the first version.
            "version": ENTRY_VERSION_REASON,
            # Only the kinds the Log page can queue offline carry a device's id.
            **({"client_id": CLIENT_ID_REASON} if model in QUEUEABLE else {}),
        }
        for model in (
            SpasmEpisode,
            LegPainEntry,
            CheckIn,
            TreatmentEvent,
            ADEpisode,
            SpasticityWeek,
            CareEvent,
            MedicineDose,
        )
    },
    Medicine: {
        "id": "events and doses name their medicine by name (one of a name per person)",
        "owner": "the file is one person's diary",
        "created_at": "when it was put on the list on this server; its start event says when "
        "it was started",
    },
    PainProblem: {
        "id": "entries get new numbers; nothing in the file refers to them",
        "owner": "the file is one person's diary",
        "confirmed_by": "the account may not exist on the other side; confirmed_by_name keeps "
        "who confirmed the type",
        "confirmed_imported_at": "a confirmed type restored from a file is marked imported when "
        "it comes in, so it stays marked after a round trip",
    },
    **{
        model: {
            "id": "items are matched by slug",
            "owner": "only the person's own items are written, and built-ins are named by slug",
        }
        for model in (Trigger, Intervention)
    },
    **{
        model: {
            "id": "nothing refers to it",
            "person": "the file is one person's diary",
        }
        for model in (HiddenTrigger, HiddenIntervention)
    },
    InterventionUse: {
        "id": "nothing refers to it",
        "spasm": "nested in its entry",
        "pain": "nested in its entry",
    },
    BloodPressureReading: {
        "id": "nothing refers to it",
        "episode": "nested in its episode",
    },
    ReminderSettings: {
        "id": "nothing refers to it",
        "user": "the file is one person's",
        "updated_at": "when this server last saved them",
    },
    **{
        model: {
            "id": "they get new numbers; nothing in the file refers to them",
            "person": "the file is one person's; they come back as the importing person's",
            "author": "the account may not exist on the other side; author_name keeps who wrote it",
            "imported_at": "everything restored from a file is marked imported when it comes in, "
            "so an imported note or rating stays marked after a round trip",
        }
        for model in (ReviewNote, VisitMeasure)
    },
}


# What an item names, read with it: an account by e-mail, a problem by slot, a medicine by name,
# a hidden built-in or what was tried by slug (writer() writes each).
NAMED = {
    "logged_by": LOGGED_BY_EMAIL,
    "problem": Related("problem", ("slot",)),
    "medicine": MEDICINE_NAME,
    "trigger": Related("trigger", ("slug",)),
    "intervention": Related("intervention", ("slug",)),
}
USES = Many("uses", ("intervention_id", "dose", "effect"), related=(NAMED["intervention"],))
READINGS_READ = Many("readings", READING_FIELDS, order=("taken_at", "pk"))


@dataclass(frozen=True)
class Section:
    key: str  # the top-level key of the list
    label: str  # one item, for messages: "spasm 4" (translated; the key stays English)
    model: type
    fields: tuple  # the model fields each item holds, in the order written
    order: tuple = ("pk",)
    nested_tried: bool = False  # each item has a "tried" list of InterventionUse
    nested_readings: bool = False  # each item has a "readings" list of BloodPressureReading
    whose: str = "owner"  # the field naming the person the row belongs to
    optional: tuple = ()  # fields an older backup may not have: they take the model's default

    def rows(self, owner) -> Read:
        """The person's own rows, in the bin or not, with what each item names."""
        rows = self.model.objects.filter(**{self.whose: owner}).order_by(*self.order)
        related = [found for name, found in NAMED.items() if name in self.fields]
        many = [TRIGGER_SLUGS] if "triggers" in self.fields else []
        if self.nested_tried:
            many.append(USES)
        if self.nested_readings:
            many.append(READINGS_READ)
        return Read(rows, tuple(related), tuple(many))

    @property
    def nested_key(self):
        """The key of the list nested in each item, or None."""
        return TRIED if self.nested_tried else READINGS if self.nested_readings else None


DEFINITION_SECTIONS = (
    Section(
        "pain_problems",
        pgettext_lazy('an item of an import, as in "spasm 4"', "pain problem"),
        PainProblem,
        ("slot", "name", *CONFIRMED_TYPE_FIELDS),
        order=("slot",),
        optional=CONFIRMED_TYPE_FIELDS,
    ),
    # One of a name per person: events and doses name theirs by it.
    # remind: whether a reminder goes out at each scheduled time (chosen on the Reminders page).
    Section(
        "medicines",
        pgettext_lazy('an item of an import, as in "spasm 4"', "medicine"),
        Medicine,
        ("name", "unit", "route", "reason", "remind"),
        ("name",),
        optional=("remind",),
    ),
    Section(
        "triggers",
        pgettext_lazy('an item of an import, as in "spasm 4"', "trigger"),
        Trigger,
        ("slug", "name", "category", "guide", "archived"),
        ("slug",),
        optional=("archived",),
    ),
    Section(
        "interventions",
        pgettext_lazy('an item of an import, as in "spasm 4"', "intervention"),
        Intervention,
        ("slug", "name", "category", "guide", "archived"),
        ("slug",),
        optional=("archived",),
    ),
    Section(
        "hidden_triggers",
        pgettext_lazy('an item of an import, as in "spasm 4"', "hidden trigger"),
        HiddenTrigger,
        ("trigger",),
        ("trigger__slug",),
        whose="person",
    ),
    Section(
        "hidden_interventions",
        pgettext_lazy('an item of an import, as in "spasm 4"', "hidden intervention"),
        HiddenIntervention,
        ("intervention",),
        ("intervention__slug",),
        whose="person",
    ),
)
ENTRY_SECTIONS = (
    Section(
        "spasms",
        pgettext_lazy('an item of an import, as in "spasm 4"', "spasm"),
        SpasmEpisode,
        ("occurred_at", "pattern", "severity", "regions", "duration", "impacts", *TIMED_END),
        order=("occurred_at", "pk"),
        nested_tried=True,
    ),
    Section(
        "leg_pain",
        pgettext_lazy('an item of an import, as in "spasm 4"', "leg pain"),
        LegPainEntry,
        ("occurred_at", "intensity", "problem", "sites", "qualities", "pain_type", *TIMED_END),
        order=("occurred_at", "pk"),
        nested_tried=True,
    ),
    Section(
        "check_ins",
        pgettext_lazy('an item of an import, as in "spasm 4"', "check-in"),
        CheckIn,
        (
            "date",
            "recall_window",
            *CheckIn.ANSWERS,
            *ENTRY_END,
        ),
        order=("date", "pk"),
    ),
    Section(
        "treatment_events",
        pgettext_lazy('an item of an import, as in "spasm 4"', "treatment event"),
        TreatmentEvent,
        ("date", "event_kind", "details", *MEDICINE_EVENT_FIELDS, *ENTRY_END),
        order=("date", "pk"),
        optional=MEDICINE_EVENT_FIELDS,
    ),
    Section(
        "ad_episodes",
        "AD episode",
        ADEpisode,
        ("occurred_at", "causes", "actions", "outcome", *ENTRY_END),
        order=("occurred_at", "pk"),
        nested_readings=True,
    ),
    # answers: {"1": -3..3 or null (not applicable), ..., "35": ...} (diary.sciset).
    Section(
        "sciset_weeks",
        "SCI-SET week",
        SpasticityWeek,
        ("date", "answers", *ENTRY_END),
        order=("date", "pk"),
    ),
    # The details a kind does not carry are empty (or null for the volume): CareEvent.clean.
    Section(
        "care_events",
        pgettext_lazy('an item of an import, as in "spasm 4"', "care event"),
        CareEvent,
        (
            "occurred_at",
            "event",
            "volume_ml",
            "bowel_result",
            "checked_by",
            "site",
            "stage",
            *ENTRY_END,
        ),
        order=("occurred_at", "pk"),
    ),
    # scheduled_for: the time the dose was due (null: as needed); amount null: the listed dose.
    Section(
        "doses",
        pgettext_lazy('an item of an import, as in "spasm 4"', "dose"),
        MedicineDose,
        ("medicine", "status", "occurred_at", "scheduled_for", "amount", *ENTRY_END),
        order=("occurred_at", "pk"),
    ),
)
# What the person's clinicians wrote about them: restored for the importing person, with the
# author's name kept and no author account.
CLINICIAN_SECTIONS = (
    Section(
        "review_notes",
        pgettext_lazy('an item of an import, as in "spasm 4"', "review note"),
        ReviewNote,
        ("author_name", "written_at", "text"),
        order=("written_at", "pk"),
        whose="person",
    ),
    Section(
        "visit_measures",
        pgettext_lazy('an item of an import, as in "spasm 4"', "visit measure"),
        VisitMeasure,
        ("author_name", "visit_date", "muscle_group", "side", "score", "recorded_at"),
        order=("visit_date", "muscle_group", "side", "pk"),
        whose="person",
    ),
)
SECTIONS = (*DEFINITION_SECTIONS, *ENTRY_SECTIONS, *CLINICIAN_SECTIONS)
TOP_LEVEL_KEYS = (
    "format",
    "version",
    "exported_at",
    "profile",
    REMINDERS,
    *(s.key for s in SECTIONS),
)


def local_time(moment, zone):
    return moment.astimezone(zone).isoformat() if moment is not None else None


def writer(model, name):
    """value(row, zone) for one field, by the kind of field it is."""
    field = model._meta.get_field(name)
    if field.many_to_many:
        return lambda row, zone: sorted(item.slug for item in getattr(row, name).all())
    if name == "logged_by":
        return lambda row, zone: row.logged_by.email if row.logged_by_id else None
    if name == "problem":
        return lambda row, zone: row.problem.slot if row.problem_id else None
    if name == "medicine":
        return lambda row, zone: row.medicine.name if row.medicine_id else None
    if isinstance(field, models.DecimalField):  # as text: JSON's numbers are binary fractions
        return lambda row, zone: decimal_text(getattr(row, name))
    if name in ("intervention", "trigger"):  # what was tried, or a hidden built-in
        return lambda row, zone: getattr(row, name).slug
    if isinstance(field, models.DateTimeField):
        return lambda row, zone: local_time(getattr(row, name), zone)
    if isinstance(field, models.DateField):
        return lambda row, zone: getattr(row, name).isoformat()
    if field.is_relation:
        raise ValueError(f"No way to write {model.__name__}.{name} yet: add one in writer().")
    return lambda row, zone: getattr(row, name)


def decimal_text(value):
    """ "10" for 10.000, "2.5" for 2.500; None for none."""
    return None if value is None else f"{value.normalize():f}"


def item_writer(model, fields):
    writers = [(name, writer(model, name)) for name in fields]
    return lambda row, zone: {name: value(row, zone) for name, value in writers}


TRIED_ITEM = item_writer(InterventionUse, TRIED_FIELDS)
READING_ITEM = item_writer(BloodPressureReading, READING_FIELDS)


def section_items(section, owner):
    """One dict per row, the rows read a chunk at a time."""
    zone = owner.zone
    write = item_writer(section.model, section.fields)
    for chunk in section.rows(owner).chunks(CHUNK):
        for row in chunk:
            item = write(row, zone)
            if section.nested_tried:
                item[TRIED] = [TRIED_ITEM(use, zone) for use in row.uses]
            if section.nested_readings:
                item[READINGS] = [READING_ITEM(reading, zone) for reading in row.readings]
            yield item


def profile(owner):
    """The profile's values as JSON holds them: dates as YYYY-MM-DD, as everywhere in the file."""
    return {name: profile_value(owner, name) for name in PROFILE_FIELDS}


def profile_value(owner, name):
    value = getattr(owner, name)
    return value.isoformat() if isinstance(value, date) else value


def reminders(owner):
    """The reminder settings as JSON holds them, times as HH:MM; None when there are none."""
    row = ReminderSettings.objects.filter(user=owner).first()
    if row is None:
        return None
    return {name: reminder_value(getattr(row, name)) for name in REMINDER_SETTINGS}


def reminder_value(value):
    return value.isoformat(timespec="minutes") if isinstance(value, time) else value


def encoded(value):
    # Unicode as itself, not \u escapes: the file stays readable. NaN cannot occur here.
    return json.dumps(value, ensure_ascii=False)


def backup_pieces(owner, now=None):
    """The backup as pieces of text: the header, then one line per item, section by section."""
    now = now or timezone.now()
    yield f'{{"format": {encoded(FORMAT)}, "version": {VERSION},\n'
    yield f' "exported_at": {encoded(local_time(now, owner.zone))},\n'
    yield f' "profile": {encoded(profile(owner))},\n'
    yield f' "{REMINDERS}": {encoded(reminders(owner))}'
    for section in SECTIONS:
        yield f',\n "{section.key}": ['
        separator = "\n  "
        for item in section_items(section, owner):
            yield separator + encoded(item)
            separator = ",\n  "
        yield "\n ]" if separator != "\n  " else "]"
    yield "\n}\n"


def backup_filename(owner):
    return f"sci-tracker-backup-{owner.local_today().isoformat()}.json"
