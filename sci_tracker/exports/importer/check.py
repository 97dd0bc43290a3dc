"""Checking rows: each entry, thing tried and definition of an upload, against the models.

The second stage of an import (after read, before plan). read_payload turns a payload into
Rows and Definitions, each checked on its own with the models' own rules (field choices and
lengths, clean(), the CHECK constraints evaluated in Python) and diary.rules (when an entry can
be, check_references); what is wrong is kept with the row, in words the preview shows, so that
one bad cell leaves out one row, not the file. Nothing here reads the diary: that is the plan's.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _

from sci_tracker.core.addresses import normalise_email
from sci_tracker.diary.models import (
    DOSE_EVENT_KINDS,
    ENTRY_MODELS,
    HIDINGS,
    MEDICINE_EVENT_KINDS,
    BloodPressureReading,
    ChoiceList,
    Intervention,
    InterventionUse,
    Medicine,
    PainProblem,
    Trigger,
)
from sci_tracker.diary.rules import (
    EARLIEST_DAY,
    LATEST_DAY,
    check_in_day_has_come,
    event_day_near_enough,
    moment_has_come,
    on_calendar,
    week_day_has_come,
)
from sci_tracker.exports import backup
from sci_tracker.exports.csv_files import (
    FILES_BY_NAME,
    LIST_SEPARATOR,
    SCISET_ITEM_COLUMNS,
    safe_text,
)
from sci_tracker.exports.importer.read import csv_records, csv_rows, read_backup, shown

# Each CSV file's kind of entry, and each kind's CSV file (tried.csv has no kind of its own).
CSV_KINDS = {
    "spasms": "spasm",
    "leg-pain": "pain",
    "check-ins": "checkin",
    "treatment-events": "event",
    "ad-episodes": "ad",
    "sci-set": "sciset",
    "care": "care",
    "doses": "dose",
}
MEDICINES_FILE = "medicines"  # the list the doses and events name, by name
KIND_FILES = {kind: FILES_BY_NAME[name] for name, kind in CSV_KINDS.items()}
TRIED_FILE = "tried"
READINGS_FILE = "ad-readings"  # an AD episode's readings, joined to it by episode_id
# Free text that csv_files.safe_text may have guarded with a leading apostrophe.
GUARDED_TEXT = {"note", "details", "dose", "problem"}
# What clinicians wrote, by model, with what one of them is called ("2 review notes").
CLINICIAN_LABELS = {section.model: section.label for section in backup.CLINICIAN_SECTIONS}
# A section of hidden built-ins: the list it hides from, and the key naming the slug.
HIDDEN_LISTS = {hiding: (model, model._meta.model_name) for model, hiding in HIDINGS.items()}
# Relations the importer fills itself: read as e-mail, slot or slugs (and what was tried, as
# items of its own), not as values of the entry.
REFERENCES = {
    "owner",
    "logged_by",
    "problem",
    "triggers",
    "intervention",
    "spasm",
    "pain",
    "tried",
    "episode",
    "readings",
    "medicine",  # by name: check_medicine and the plan
}


# Checking rows -----------------------------------------------------------------------------


@dataclass(slots=True)  # one per row: up to MAX_ROWS of them
class Tried:
    """An intervention tried for an entry: nested in a backup entry, or a row of tried.csv."""

    where: str
    values: dict = field(default_factory=dict)
    intervention: str = ""
    errors: list = field(default_factory=list)


@dataclass(slots=True)  # one per row: up to MAX_ROWS of them
class Reading:
    """A blood-pressure reading of an AD episode: nested in a backup episode, or a row of
    ad-readings.csv."""

    where: str
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)


@dataclass(slots=True)  # one per row: up to MAX_ROWS of them
class Row:
    """One entry from the upload, checked, with what it refers to by e-mail, slot and slug."""

    kind: str
    where: str
    values: dict = field(default_factory=dict)  # model field -> value
    logged_by: str = ""
    problem_slot: int | None = None
    triggers: list = field(default_factory=list)
    tried: list = field(default_factory=list)
    readings: list = field(default_factory=list)  # Reading, for an AD episode
    errors: list = field(default_factory=list)
    csv_id: str = ""
    skipped: bool = False
    medicine: str = ""  # the name of the medicine a dose or a medicine's event belongs to

    @property
    def model(self):
        return ENTRY_MODELS[self.kind]

    @property
    def status(self):
        return "error" if self.errors else "skip" if self.skipped else "add"

    def key(self):
        """What makes it the same entry as one already in the diary."""
        if self.kind == "event":
            return self.values["date"], self.values["event_kind"], self.medicine.casefold()
        if self.kind == "care":  # a catheterisation and a skin check may share a minute
            return self.values["occurred_at"], self.values["event"]
        if self.kind == "dose":  # two medicines' doses are due at the same time
            return self.values["occurred_at"], self.medicine.casefold()
        return self.values["occurred_at" if "occurred_at" in self.values else "date"]


def unguarded(text):
    """Undo csv_files.safe_text, which puts one apostrophe before the text it guards: "'=1+1"
    was written for "=1+1", "''=1+1" for "'=1+1". Exactly one comes off, and only where
    safe_text would have put one, so "'plain" and "''=x" (written "'''=x") come back whole."""
    rest = text[1:]
    return rest if text.startswith("'") and safe_text(rest) != rest else text


def read_value(model_field, raw, from_csv):
    """The Python value of one field, or raises ValueError with what is wrong."""
    name = model_field.name
    if name == "answers":  # a week's SCI-SET answers; its validator says what is wrong
        return csv_answers(raw) if from_csv else raw
    if from_csv:
        raw = unguarded(raw) if name in GUARDED_TEXT else raw
        if isinstance(model_field, models.JSONField):
            return [part.strip() for part in raw.split(LIST_SEPARATOR) if part.strip()]
        if raw.strip() == "" and not isinstance(model_field, models.CharField | models.TextField):
            if model_field.null:
                return None
            raise ValueError(_("%(field)s is empty") % {"field": name})
        if isinstance(model_field, models.BooleanField):
            flags = {"1": True, "0": False, "true": True, "false": False}
            if raw.strip().lower() not in flags:
                raise ValueError(
                    _("%(field)s %(value)s is not 1 or 0") % {"field": name, "value": shown(raw)}
                )
            return flags[raw.strip().lower()]
        if isinstance(model_field, models.IntegerField):
            if not re.fullmatch(r"-?\d+", raw.strip()):
                raise ValueError(
                    _("%(field)s %(value)s is not a whole number")
                    % {"field": name, "value": shown(raw)}
                )
            try:
                return int(raw.strip())
            except ValueError:  # more digits than Python reads (4,300)
                raise ValueError(
                    _("%(field)s %(value)s is too large") % {"field": name, "value": shown(raw)}
                ) from None
    elif raw is None:
        if model_field.null:
            return None
        raise ValueError(_("%(field)s is missing (null)") % {"field": name})
    if isinstance(model_field, models.BooleanField):
        if not isinstance(raw, bool):
            raise ValueError(
                _("%(field)s %(value)s is not true or false") % {"field": name, "value": shown(raw)}
            )
        return raw
    if isinstance(model_field, models.IntegerField):
        if type(raw) is not int:
            raise ValueError(
                _("%(field)s %(value)s is not a whole number")
                % {"field": name, "value": shown(raw)}
            )
        return raw
    if isinstance(model_field, models.JSONField):
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ValueError(
                _("%(field)s %(value)s is not a list of names")
                % {"field": name, "value": shown(raw)}
            )
        return raw
    if isinstance(model_field, models.DecimalField) and type(raw) is int:
        raw = str(raw)  # a whole number typed into a backup by hand
    if not isinstance(raw, str):
        raise ValueError(
            _("%(field)s %(value)s is not text") % {"field": name, "value": shown(raw)}
        )
    if isinstance(model_field, models.DecimalField):
        return amount(name, raw)
    if isinstance(model_field, models.DateTimeField):
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(
                _("%(field)s %(value)s is not a date and time")
                % {"field": name, "value": shown(raw)}
            ) from None
        if moment.tzinfo is None:
            raise ValueError(
                _("%(field)s %(value)s has no time zone offset (such as +13:00 at the end)")
                % {"field": name, "value": shown(raw)}
            )
        try:
            moment.astimezone(UTC)  # the database stores UTC: 0001-01-01 in +14:00 is not one
        except OverflowError:
            raise ValueError(
                _("%(field)s %(value)s is out of range") % {"field": name, "value": shown(raw)}
            ) from None
        within_days(name, raw, moment.date())
        return moment
    if isinstance(model_field, models.TimeField):
        if not re.fullmatch(r"\d\d:\d\d", raw):
            raise ValueError(
                _("%(field)s %(value)s is not a time (HH:MM)")
                % {"field": name, "value": shown(raw)}
            )
        try:
            return time.fromisoformat(raw)
        except ValueError:
            raise ValueError(
                _("%(field)s %(value)s is not a time (HH:MM)")
                % {"field": name, "value": shown(raw)}
            ) from None
    if isinstance(model_field, models.DateField):
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(
                _("%(field)s %(value)s is not a date (YYYY-MM-DD)")
                % {"field": name, "value": shown(raw)}
            ) from None
        return within_days(name, raw, day)
    return raw


def amount(name, raw):
    """A dose or an amount: more than 0, at most 6 digits before the point and 3 after."""
    text = raw.strip()
    if not re.fullmatch(r"\d{1,6}(?:\.\d{1,3})?", text):
        raise ValueError(
            _("%(field)s %(value)s is not an amount such as 10 or 2.5")
            % {"field": name, "value": shown(raw)}
        )
    value = Decimal(text)
    if value <= 0:
        raise ValueError(
            _("%(field)s %(value)s is not more than 0") % {"field": name, "value": shown(raw)}
        )
    return value


def check_medicine(row, raw, from_csv):
    """The medicine a dose or an event names, by name, and the rules the database holds to
    about it (the CHECKs on medicine are left to here: the importer links it itself)."""
    name = raw.get("medicine")
    if name is None or (from_csv and not name.strip()):
        row.medicine = ""
    elif not isinstance(name, str) or not name.strip():
        row.errors.append(_("medicine %(value)s is not a medicine's name") % {"value": shown(name)})
        return
    else:
        row.medicine = (unguarded(name) if from_csv else name).strip()
    if row.kind == "dose" and not row.medicine:
        row.errors.append(_("medicine is empty: a dose is of a medicine on the list"))
    if row.kind == "event":
        kind, dose = row.values.get("event_kind"), row.values.get("dose")
        if row.medicine and kind not in MEDICINE_EVENT_KINDS:
            row.errors.append(
                _(
                    "medicine is given, but event_kind %(value)s is not a medicine's start, "
                    "change or stop"
                )
                % {"value": shown(kind)}
            )
        if dose is not None and (not row.medicine or kind not in DOSE_EVENT_KINDS):
            row.errors.append(_("dose is given only with a medicine's start or change"))


def csv_answers(cells):
    """sci-set.csv's item cells as a week's answers: empty is not applicable, a whole number is
    a rating; anything else stays text, which the answers' validator names."""
    answers = {}
    for key, cell in cells.items():
        cell = cell.strip()
        answers[key] = (
            None if cell == "" else int(cell) if re.fullmatch(r"-?\d{1,3}", cell) else cell
        )
    return answers


def within_days(name, raw, day):
    """The range of days every page can show (diary.rules): a time or date outside it could not
    be shown in every time zone."""
    if not on_calendar(day):
        raise ValueError(
            _("%(field)s %(value)s is outside %(earliest)s to %(latest)s")
            % {"field": name, "value": shown(raw), "earliest": EARLIEST_DAY, "latest": LATEST_DAY}
        )
    return day


@cache
def allowed_values(model_field):
    return [choice for choice, _ in model_field.flatchoices]


def choice_error(model_field, value):
    """Why a value is not one of the field's choices (for a list: each of its items)."""
    name = model_field.name
    allowed = allowed_values(model_field)
    for validator in model_field.validators:
        if isinstance(validator, ChoiceList):
            wrong = [item for item in value if item not in validator.allowed]
            if wrong:
                return _("%(field)s %(value)s is not one of: %(allowed)s") % {
                    "field": name,
                    "value": shown(wrong[0]),
                    "allowed": ", ".join(validator.allowed),
                }
            twice = [item for item, count in Counter(value).items() if count > 1]
            if twice:
                return _("%(field)s lists %(value)s twice") % {
                    "field": name,
                    "value": shown(twice[0]),
                }
    if not allowed or value in allowed or (model_field.blank and value in ("", None)):
        return ""
    scale = all(type(choice) is int for choice in allowed) and type(value) is int
    if scale and allowed == list(range(min(allowed), max(allowed) + 1)):
        return _("%(field)s %(value)s is outside %(lowest)s-%(highest)s") % {
            "field": name,
            "value": value,
            "lowest": min(allowed),
            "highest": max(allowed),
        }
    return _("%(field)s %(value)s is not one of: %(allowed)s") % {
        "field": name,
        "value": shown(value),
        "allowed": ", ".join(str(c) for c in allowed),
    }


def sql_truth(condition, values):
    """A CHECK condition (a Q) evaluated as the database would: True, False or None (unknown).

    The database accepts a row unless its CHECK is False, so unknown (a NULL) passes.
    """
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(sql_truth(child, values))
            continue
        path, expected = child
        name, _sep, lookup = path.partition("__")
        actual = values[name]
        if isinstance(expected, F):
            expected = values[expected.name]
        if lookup == "isnull":
            results.append((actual is None) == expected)
        elif actual is None or expected is None:
            results.append(None)
        else:
            compare = {
                "": lambda a, b: a == b,
                "exact": lambda a, b: a == b,
                "gt": lambda a, b: a > b,
                "gte": lambda a, b: a >= b,
                "lt": lambda a, b: a < b,
                "lte": lambda a, b: a <= b,
                "in": lambda a, b: a in b,
            }[lookup]
            results.append(compare(actual, expected))
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    else:
        result = True if True in results else None if None in results else False
    if condition.negated and result is not None:
        result = not result
    return result


def leaves(condition):
    for child in condition.children:
        if isinstance(child, Q):
            yield from leaves(child)
        else:
            yield child


def broken_constraints(model, values, errored):
    """A message for each CHECK constraint of the model the values break."""
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        rule = dict(leaves(constraint.condition))
        names = {path.partition("__")[0] for path in rule}
        # Rules on what the importer links itself (an entry of a use) hold by construction.
        if names & (errored | REFERENCES):
            continue
        if sql_truth(constraint.condition, values) is not False:
            continue
        if len(names) == 1:
            (name,) = names
            low, high = rule.get(f"{name}__gte"), rule.get(f"{name}__lte")
            if low is not None and high is not None:
                yield f"{name} {values[name]} is outside {low}-{high}"
                continue
        yield f"{', '.join(sorted(names))} break the rule {constraint.name}"


def length_error(model_field, value):
    # A TextField's max_length is kept by its form, not the model: the import keeps it too.
    if model_field.max_length and isinstance(value, str) and len(value) > model_field.max_length:
        return _("%(field)s is %(length)d characters long; at most %(most)d") % {
            "field": model_field.name,
            "length": len(value),
            "most": model_field.max_length,
        }
    return ""


def check_fields(model, raw, from_csv, errors):
    """The checked values of every field `raw` holds, the model's rules applied; what is wrong
    goes to `errors`. Values may change as the model's clean() does (severity with no spasms)."""
    values, errored = {}, set()
    # In the model's field order: PostgreSQL's jsonb, where a waiting upload is kept, does not
    # keep the file's key order, and the preview should read the same on either database.
    order = {f.name: n for n, f in enumerate(model._meta.fields)}
    for name, value in sorted(raw.items(), key=lambda item: order.get(item[0], len(order))):
        if name in REFERENCES:
            continue
        model_field = model._meta.get_field(name)
        try:
            values[name] = read_value(model_field, value, from_csv)
        except ValueError as error:
            errors.append(str(error))
            errored.add(name)
            continue
        problem = choice_error(model_field, values[name]) or length_error(model_field, values[name])
        if problem:
            errors.append(problem)
            errored.add(name)
    instance = model(**{name: value for name, value in values.items() if name not in errored})
    try:
        instance.full_clean(
            exclude=[
                f.name for f in model._meta.fields if f.name not in values or f.name in errored
            ],
            validate_unique=False,  # the one-a-day rule is checked against the diary in the plan
            validate_constraints=False,  # a query per rule: broken_constraints checks in Python
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errored.add(name)
            errors.extend(
                f"{name}: {message}" if name != "__all__" else message for message in messages
            )
    checked = {name: getattr(instance, name) for name in values if name not in errored}
    full = {f.name: getattr(instance, f.attname) for f in model._meta.concrete_fields}
    full.update(checked)
    errors.extend(broken_constraints(model, full, errored))
    return checked


def keys_error(item, expected, optional=()):
    """What is wrong with an item's keys; `optional` ones (new since the first backups) may be
    missing."""
    missing = [key for key in expected if key not in item and key not in optional]
    unknown = sorted(key for key in item if key not in expected)  # jsonb reorders keys
    problems = []
    if missing:
        problems.append(_("has no %(missing)s") % {"missing": ", ".join(missing)})
    if unknown:
        problems.append(
            _("has %(unknown)s, which backup version %(version)s does not")
            % {"unknown": ", ".join(unknown), "version": backup.VERSION}
        )
    return "; ".join(problems)


def slugs(raw, name, from_csv, errors):
    if from_csv:
        return [part.strip() for part in raw.split(LIST_SEPARATOR) if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        errors.append(
            _("%(field)s %(value)s is not a list of slugs") % {"field": name, "value": shown(raw)}
        )
        return []
    return raw


def read_entry(row, raw, from_csv):
    """Fill a Row from one entry's raw fields (a backup item, or a CSV row as a dict)."""
    model = row.model
    row.values = check_fields(model, raw, from_csv, row.errors)
    logged_by = raw.get("logged_by")
    if logged_by is not None and not isinstance(logged_by, str):
        row.errors.append(
            _("logged_by %(value)s is not an e-mail address") % {"value": shown(logged_by)}
        )
    row.logged_by = normalise_email(logged_by) if isinstance(logged_by, str) else ""
    if "triggers" in raw:
        row.triggers = slugs(raw["triggers"], "triggers", from_csv, row.errors)
        for slug, count in Counter(row.triggers).items():
            if count > 1:
                row.errors.append(_("triggers lists '%(slug)s' twice") % {"slug": slug})
    if row.kind in ("dose", "event"):
        check_medicine(row, raw, from_csv)
    if "problem" in raw and not from_csv:
        slot = raw["problem"]
        if slot is not None and type(slot) is not int:
            row.errors.append(
                _("problem %(value)s is not a pain problem's slot (1-3)") % {"value": shown(slot)}
            )
        else:
            row.problem_slot = slot


def read_tried(tried, raw, from_csv):
    intervention = raw.get("intervention")
    if isinstance(intervention, str) and intervention.strip():
        tried.intervention = intervention.strip()
    else:
        tried.errors.append(
            _("intervention %(value)s is not an intervention's slug")
            % {"value": shown(intervention)}
        )
    fields = {name: raw[name] for name in ("dose", "effect")}
    tried.values = check_fields(InterventionUse, fields, from_csv, tried.errors)


def read_reading(reading, raw, from_csv):
    fields = {name: raw[name] for name in backup.READING_FIELDS}
    reading.values = check_fields(BloodPressureReading, fields, from_csv, reading.errors)


@dataclass(slots=True)  # one per row: up to MAX_ROWS of them
class Definition:
    """A pain problem or an own trigger or intervention that the upload names."""

    where: str
    values: dict
    errors: list = field(default_factory=list)


@dataclass
class Upload:
    """The payload as rows and definitions, checked on their own (nothing from the diary yet)."""

    source: str
    names: list
    rows: list = field(default_factory=list)
    csv_tried: list = field(default_factory=list)  # (Tried, entry kind, entry id)
    csv_readings: list = field(default_factory=list)  # (Reading, episode id)
    problems: list = field(default_factory=list)
    own_items: dict = field(default_factory=lambda: {Trigger: [], Intervention: []})
    medicines: list = field(default_factory=list)  # Definition, from a backup or medicines.csv
    hidden: dict = field(default_factory=lambda: {Trigger: [], Intervention: []})  # by slug
    clinician: dict = field(default_factory=lambda: {model: [] for model in CLINICIAN_LABELS})
    profile: dict = field(default_factory=dict)
    reminders: dict | None = None  # the backup's reminder settings, as the file has them
    file_errors: list = field(default_factory=list)


def backup_upload(payload):
    name = payload["names"][0]
    # A payload kept before the file's text was (one parsed backup) is read as it is.
    data = read_backup(name, payload["text"])["backup"] if "text" in payload else payload["backup"]
    upload = Upload(
        "backup", payload["names"], profile=data["profile"], reminders=data.get(backup.REMINDERS)
    )
    for section in backup.SECTIONS:
        nested = section.nested_key
        expected = (*section.fields, nested) if nested else section.fields
        for number, item in enumerate(consumed(data, section.key), start=1):
            where = _("%(file)s, %(item)s %(number)d") % {
                "file": name,
                "item": section.label,
                "number": number,
            }
            if not isinstance(item, dict):
                upload.file_errors.append(
                    _("%(where)s: is not a set of named fields") % {"where": where}
                )
                continue
            problem = keys_error(item, expected, section.optional)
            if section.model in ENTRY_MODELS.values():
                row = Row(section.model.kind, where)
                if problem:
                    row.errors.append(problem)
                else:
                    read_entry(row, item, from_csv=False)
                    row.tried = (
                        backup_tried(item[backup.TRIED], row) if section.nested_tried else []
                    )
                    if section.nested_readings:
                        row.readings = backup_readings(item[backup.READINGS], row)
                upload.rows.append(row)
                continue
            definition = Definition(where, {})
            if problem:
                definition.errors.append(problem)
            elif section.model in HIDDEN_LISTS:
                definition.values = hidden_slug(item, *HIDDEN_LISTS[section.model], definition)
            else:
                definition.values = check_fields(section.model, item, False, definition.errors)
            if section.model in HIDDEN_LISTS:
                upload.hidden[HIDDEN_LISTS[section.model][0]].append(definition)
            elif section.model is PainProblem:
                upload.problems.append(definition)
            elif section.model is Medicine:
                upload.medicines.append(definition)
            elif section.model in upload.clinician:
                upload.clinician[section.model].append(definition)
            else:
                upload.own_items[section.model].append(definition)
    return upload


def hidden_slug(item, model, key, definition):
    """A hidden built-in names it by slug; whether it is one is the plan's to say."""
    slug = item[key]
    if not isinstance(slug, str) or not slug.strip():
        definition.errors.append(
            _("%(key)s %(value)s is not a built-in %(key)s's slug")
            % {"key": key, "value": shown(slug)}
        )
        return {}
    return {"slug": slug.strip()}


def consumed(data, key):
    """The items of data[key], each let go once read: the parsed file shrinks as its rows are
    checked, so the two are not in memory whole at once."""
    items, data[key] = data[key], []
    for index, item in enumerate(items):
        items[index] = None
        yield item


def backup_nested(items, row, key, word, fields, part, read):
    """The items nested under `key` in a backup's entry (what was tried, an episode's readings),
    each read into a `part` by `read`. They belong to their entry: an error in one holds the entry
    back."""
    if not isinstance(items, list):
        row.errors.append(_("%(key)s is not a list") % {"key": key})
        return []
    parts = []
    for number, item in enumerate(items, start=1):
        one = part(f"{row.where}, {word} {number}")
        if isinstance(item, dict):
            problem = keys_error(item, fields)
        else:
            problem = "is not a set of named fields"
        if problem:
            row.errors.append(
                _("%(item)s %(number)s %(problem)s")
                % {"item": word, "number": number, "problem": problem}
            )
            continue
        read(one, item, from_csv=False)
        row.errors.extend(f"{word} {number}: {error}" for error in one.errors)
        parts.append(one)
    return parts


def backup_tried(items, row):
    return backup_nested(items, row, backup.TRIED, "tried", backup.TRIED_FIELDS, Tried, read_tried)


def backup_readings(items, row):
    return backup_nested(
        items, row, backup.READINGS, "reading", backup.READING_FIELDS, Reading, read_reading
    )


def csv_upload(payload):
    upload = Upload("csv", payload["names"])
    seen_slots = {}
    for file_name, found in payload["csv"].items():
        header, name = found["header"], found["name"]
        if "text" in found:
            records = csv_records(name, found["text"])
            next(records)  # the header
            rows = csv_rows(name, records)
        else:  # a payload kept before the file's text was
            rows = found["rows"]
        for number, cells in rows:
            where = _("%(file)s row %(number)d") % {"file": name, "number": number}
            if len(cells) != len(header):
                problem = f"has {len(cells)} cells but the first row names {len(header)} columns"
                if file_name == TRIED_FILE:
                    upload.csv_tried.append((Tried(where, errors=[problem]), "", ""))
                elif file_name == READINGS_FILE:
                    upload.csv_readings.append((Reading(where, errors=[problem]), ""))
                elif file_name == MEDICINES_FILE:
                    upload.medicines.append(Definition(where, {}, [problem]))
                else:
                    upload.rows.append(Row(CSV_KINDS[file_name], where, errors=[problem]))
                continue
            raw = dict(zip(header, cells, strict=True))
            if file_name == TRIED_FILE:
                tried = Tried(where)
                read_tried(tried, raw, from_csv=True)
                upload.csv_tried.append((tried, raw["entry_kind"], raw["entry_id"].strip()))
                continue
            if file_name == MEDICINES_FILE:
                definition = Definition(where, {})
                raw["name"] = unguarded(raw["name"]).strip()
                definition.values = check_fields(Medicine, raw, True, definition.errors)
                upload.medicines.append(definition)
                continue
            if file_name == READINGS_FILE:
                reading = Reading(where)
                read_reading(reading, raw, from_csv=True)
                upload.csv_readings.append((reading, raw["episode_id"].strip()))
                continue
            for column in FILES_BY_NAME[file_name].export_only:
                raw.pop(column, None)  # not restored from a CSV file (see csv_files)
            row = Row(CSV_KINDS[file_name], where, csv_id=raw.pop("id").strip())
            if file_name == "sci-set":
                raw["answers"] = {
                    key: raw.pop(column) for column, key in SCISET_ITEM_COLUMNS.items()
                }
            slot_cell = raw.pop("problem_slot", "").strip()
            problem_name = unguarded(raw.pop("problem", "")).strip()
            read_entry(row, raw, from_csv=True)
            if slot_cell:
                csv_problem(row, slot_cell, problem_name, seen_slots, upload)
            upload.rows.append(row)
    return upload


def csv_problem(row, slot_cell, name, seen_slots, upload):
    """leg-pain.csv names a row's problem by slot and name: the first row for a slot defines it."""
    if not re.fullmatch(r"\d{1,9}", slot_cell):
        row.errors.append(
            _("problem_slot %(value)s is not 1, 2 or 3") % {"value": shown(slot_cell)}
        )
        return
    slot = int(slot_cell)
    if slot in seen_slots:
        first_name, first_where = seen_slots[slot]
        if first_name != name:
            row.errors.append(
                _("problem %(value)s for slot %(slot)s, but %(where)s calls it %(first)s")
                % {
                    "value": shown(name),
                    "slot": slot,
                    "where": first_where,
                    "first": shown(first_name),
                }
            )
            return
    else:
        definition = Definition(row.where, {})
        definition.values = check_fields(
            PainProblem, {"slot": slot, "name": name}, False, definition.errors
        )
        if definition.errors:
            row.errors.extend(definition.errors)
            return
        seen_slots[slot] = (name, row.where)
        upload.problems.append(definition)
    row.problem_slot = slot


def read_payload(payload):
    return backup_upload(payload) if payload["source"] == "backup" else csv_upload(payload)


def check_references(row, known, plan, today, now):
    """What the row names must exist, and the forms' limits on when an entry can be."""
    if row.medicine and row.medicine.casefold() not in plan.medicine_names:
        row.errors.append(
            _("medicine %(value)s is not on your list, nor in the file's medicines")
            % {"value": shown(row.medicine)}
        )
    unknown = [slug for slug in row.triggers if slug not in known[Trigger]]
    if unknown:
        row.errors.append(
            _("trigger '%(slug)s' is not a built-in trigger, one of yours, or one the file adds")
            % {"slug": unknown[0]}
        )
    seen = set()
    for number, tried in enumerate(row.tried, start=1):
        if tried.intervention not in known[Intervention]:
            row.errors.append(
                _(
                    "tried %(number)s: intervention '%(slug)s' is not a built-in one, one "
                    "of yours, or one the file adds"
                )
                % {"number": number, "slug": tried.intervention}
            )
        elif tried.intervention in seen:
            row.errors.append(
                _("tried %(number)s: '%(intervention)s' is listed twice")
                % {"number": number, "intervention": tried.intervention}
            )
        seen.add(tried.intervention)
    if row.problem_slot is not None and row.problem_slot not in plan.problem_slots:
        row.errors.append(
            _("problem %(problem_slot)s is not one of the file's pain problems")
            % {"problem_slot": row.problem_slot}
        )
    occurred_at = row.values.get("occurred_at")
    if occurred_at is not None and not moment_has_come(occurred_at, now):
        row.errors.append(
            _("occurred_at %(occurred_at)s is in the future")
            % {"occurred_at": occurred_at.isoformat()}
        )
    for number, reading in enumerate(row.readings, start=1):
        row.errors.extend(
            _("reading %(number)s: %(error)s") % {"number": number, "error": error}
            for error in reading_time_errors(reading, now)
        )
    day = row.values.get("date")
    if row.kind == "checkin" and day is not None and not check_in_day_has_come(day, today):
        row.errors.append(_("date %(day)s is a day that has not come yet") % {"day": day})
    if row.kind == "sciset" and day is not None and not week_day_has_come(day, today):
        row.errors.append(_("date %(day)s is a day that has not come yet") % {"day": day})
    if row.kind == "event" and day is not None and not event_day_near_enough(day, today):
        row.errors.append(_("date %(day)s is more than a year ahead") % {"day": day})


def reading_time_errors(reading, now):
    """The forms' rule for when a reading can be taken: not in the future (diary.rules)."""
    taken_at = reading.values.get("taken_at")
    if taken_at is not None and not moment_has_come(taken_at, now):
        return [f"taken_at {taken_at.isoformat()} is in the future"]
    return []
