"""Bringing a diary in: the JSON backup (backup.py) or the CSV files that /export/ writes.

Three steps, so that nothing is written before the person has seen what will be:

- read_upload(files) turns the uploaded files into a payload: the text of the backup, or of
  each CSV file (recognised by its header row), counted and checked. A file that cannot be read
  at all raises UploadRejected, whose message the form shows.
- plan_import(owner, payload) checks every row with the models' own rules (field choices and
  lengths, clean(), the CHECK constraints evaluated in Python) and diary.rules (when an entry
  can be), finds the entries already in the diary, and says what would be written. It writes
  nothing, so the preview and the confirmation run the same code.
- run_import(owner, plan) writes what the plan adds: in batches of short transactions, so that
  others' saves go on, and all of it or nothing (a failed batch takes back the earlier ones).

A backup also brings back what the person's clinicians wrote about them (review notes and visit
measures): they become the importing person's, with the author's name kept and no author
account, since that account may not exist here.

Rows with errors are left out and the rest is imported: someone bringing in ten years should not
lose them to one bad cell, and since entries already in the diary are skipped, the fixed rows can
be uploaded again later without doubling anything.
"""

import csv
import json
import math
import re
import time
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, cached_property
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sci_tracker.accounts.models import User
from sci_tracker.core.addresses import normalise_email
from sci_tracker.diary.models import (
    ENTRY_MODELS,
    ChoiceList,
    Intervention,
    InterventionUse,
    LegPainEntry,
    PainProblem,
    SpasmEpisode,
    Trigger,
    diary_changed,
)
from sci_tracker.diary.rules import (
    EARLIEST_DAY,
    LATEST_DAY,
    check_in_day_has_come,
    event_day_near_enough,
    moment_has_come,
    on_calendar,
    today_in,
    visit_day_has_come,
)
from sci_tracker.exports import backup
from sci_tracker.exports.csv_files import FILES, FILES_BY_NAME, LIST_SEPARATOR, safe_text
from sci_tracker.exports.models import KEPT_FOR, PendingImport
from sci_tracker.sharing.models import MuscleGroup, ReviewNote, VisitMeasure

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A backup is at most 5 deep (the file, a list, an entry, what was tried, one of them). Anything
# much deeper is not a backup, and would only wait to overflow the stack of whatever reads it.
MAX_DEPTH = 10
# Every row is checked in memory before anything is written (about 1 KB and 0.1 ms a row). Ten
# years of a busy diary are about 31,000 rows, entries and things tried together; 50,000 keep a
# worker's memory for any upload under 150 MB (bench/import_memory.py).
MAX_ROWS = 50_000
# A CSV file's empty rows are left out, but each is still read: more than this many rows in
# all, empty or not, is not a diary (a spreadsheet adds a few empty rows, not millions).
MAX_CSV_RECORDS = 2 * MAX_ROWS
# The longest line a CSV file may have: a row of a diary is a few thousand characters at most.
MAX_LINE = 1024 * 1024
# What parsing a backup may build: a row is at most about 7 lists and objects and 20 values
# (too_much_json), and these keep a 20 MB upload's parse under 100 MB.
MAX_JSON_CONTAINERS = 8 * MAX_ROWS
MAX_JSON_VALUES = 20 * MAX_ROWS
# Entries written at a time, each batch its own transaction: the write lock is held for one
# batch (a few hundred ms on a busy 2-core machine), never for the whole import.
BATCH = 250
ERRORS_SHOWN = 200  # a preview lists this many errors, then says how many more

# Each CSV file's kind of entry, and each kind's CSV file (tried.csv has no kind of its own).
CSV_KINDS = {
    "spasms": "spasm",
    "leg-pain": "pain",
    "check-ins": "checkin",
    "treatment-events": "event",
}
KIND_FILES = {kind: FILES_BY_NAME[name] for name, kind in CSV_KINDS.items()}
TRIED_FILE = "tried"
# Free text that csv_files.safe_text may have guarded with a leading apostrophe.
GUARDED_TEXT = {"note", "details", "dose", "problem"}
# What clinicians wrote, by model, with what one of them is called ("2 review notes").
CLINICIAN_LABELS = {section.model: section.label for section in backup.CLINICIAN_SECTIONS}
# Relations the importer fills itself: read as e-mail, slot or slugs (and what was tried, as
# items of its own), not as values of the entry.
REFERENCES = {"owner", "logged_by", "problem", "triggers", "intervention", "spasm", "pain", "tried"}


# Sent after each batch of an import is committed, with the rows it wrote and the seconds its
# transaction took: how long anyone else's save may have waited (bench/import_memory.py).
batch_written = Signal()
# How long a claimed upload stays claimed by the request writing it (confirm_import).
CLAIM_LASTS = timedelta(minutes=15)


class UploadRejected(Exception):
    """A file that cannot be imported at all. The message is shown to the person."""


# Reading the upload ----------------------------------------------------------------------------


def read_upload(files):
    """The payload kept until the person confirms: plain JSON, so a model can hold it.

    It keeps each file's text, checked, not what was read from it: a file's values as Python
    objects take several times its size, and the preview and the confirmation read them again
    anyway, a row at a time. Nothing is built before it is counted: a CSV file is read a row at
    a time (blank rows cost nothing), and a backup's text is scanned for how many values it
    holds before it is parsed.
    """
    total = sum(upload.size for upload in files)
    if total > MAX_UPLOAD_BYTES:
        raise UploadRejected(
            f"The upload is {total / 1024 / 1024:.1f} MB; the largest that can be imported is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Upload fewer CSV files at a time."
        )
    backups = [upload for upload in files if starts_a_backup(upload)]
    if not backups:
        return read_csv_files(files)
    if len(files) > 1:
        raise UploadRejected("Upload a backup file on its own, or the CSV files without a backup.")
    (upload,) = backups
    name, text = upload.name, as_text(upload.name, upload.read())
    read_backup(name, text)  # refuses what cannot be imported at all; the parse is let go
    return {"source": "backup", "names": [name], "text": text}


def starts_a_backup(upload) -> bool:
    """Whether the file's first character that is not a space (or a BOM) is "{". Reads only as
    far as that character, and leaves the file at its start."""
    upload.seek(0)
    found = False
    while piece := upload.read(64 * 1024):
        rest = piece.lstrip(b" \t\r\n\xef\xbb\xbf")  # a BOM's bytes count as space here
        if rest:
            found = rest.startswith(b"{")
            break
    upload.seek(0)
    return found


def not_text(name):
    return UploadRejected(
        f"{name} is not a text file in UTF-8. Upload the backup (.json) or the CSV files as "
        "SCI Tracker wrote them; after editing a CSV file in a spreadsheet, save it as "
        "“CSV UTF-8”."
    )


def as_text(name, data):
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise not_text(name)
    return text


def csv_records(name, text):
    """The file's rows (lists of cells) as csv.reader reads them, a line at a time. A line is
    read at most MAX_LINE long: csv.reader makes an object of every cell of a line at once, and
    20 MB of "[]," on one line would be 7 million of them."""
    # Lines end as io.StringIO(newline="") ends them, which would hold a copy of the text four
    # times its size (a character a 4-byte slot).
    line_pattern = re.compile(rf"[^\r\n]{{0,{MAX_LINE}}}(?:\r\n|\r|\n)|[^\r\n]{{1,{MAX_LINE}}}")

    def lines():
        for match in line_pattern.finditer(text):
            line = match.group()
            if line[-1] not in "\r\n" and match.end() < len(text):
                raise UploadRejected(
                    _(
                        "{name} is not a backup or a CSV file from SCI Tracker: it has a line "
                        "longer than {size:,} characters."
                    ).format(name=name, size=MAX_LINE)
                )
            yield line

    return csv.reader(lines())


def csv_rows(name, records):
    """(spreadsheet row number, cells) of each row that is not empty; the header is row 1.
    Empty rows (a spreadsheet's trailing ",,,") are left out but keep the numbering, and count
    towards MAX_CSV_RECORDS."""
    for number, cells in enumerate(records, start=2):
        if number > MAX_CSV_RECORDS:
            raise UploadRejected(
                _(
                    "{name} holds more than {records:,} rows, empty ones included; one import "
                    "takes at most {rows:,}. Delete the empty rows at its end."
                ).format(name=name, records=MAX_CSV_RECORDS, rows=MAX_ROWS)
            )
        if any(cell.strip() for cell in cells):
            yield number, cells


NUL = "\x00"
SURROGATE = re.compile(r"[\ud800-\udfff]")
# How a NUL or half of a surrogate pair can be written in JSON text: as an escape.
ODD_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


class NotANumber(ValueError):
    """A number in a JSON file that no field can hold; the message says which."""


def refuse_constant(name):
    raise NotANumber(f"{name}, which is not a number JSON allows")  # NaN, Infinity, -Infinity


def finite_number(text):
    number = float(text)
    if not math.isfinite(number):  # 1e400: Python reads it as infinity, a database cannot
        raise NotANumber(f"a number too large to read ({text[:20]})")
    return number


def unstorable(text, data):
    """Why the parsed file cannot be kept as it is, or "": nested deeper than a backup is, or
    text with a NUL character (PostgreSQL refuses it) or half of a UTF-16 surrogate pair (not a
    character: it cannot be written as UTF-8). Without recursion, and quick for a large file:
    the depth goes a level at a time, and the text is read only if its JSON has such an escape
    (an emoji written as two escapes is one too)."""
    level, depth = [data], 1
    while level:
        if depth > MAX_DEPTH:
            return f"is nested deeper than a backup ever is (more than {MAX_DEPTH} levels)"
        level = [
            item
            for value in level
            for item in (value.values() if type(value) is dict else value)
            if type(item) in (dict, list)
        ]
        depth += 1
    if ODD_ESCAPE.search(text):
        for value in strings(data):
            if NUL in value:
                return f"holds text with a NUL character ({shown(value.replace(NUL, ''))})"
            if SURROGATE.search(value):
                return "holds text with half of a character (an unpaired UTF-16 surrogate)"
    return ""


def strings(data):
    """Every key and text value in parsed JSON."""
    waiting = [data]
    while waiting:
        value = waiting.pop()
        if type(value) is dict:
            yield from value
            waiting.extend(value.values())
        elif type(value) is list:
            waiting.extend(value)
        elif type(value) is str:
            yield value


def too_much_json(text: str) -> str:
    """Why a backup's text holds more than one import takes, or "": counted before parsing, since
    parsing builds an object for every value (20 MB of `[]` are 7 million lists, 600 MB). Each
    value but the first in a list or an object follows a comma, so commas and brackets bound
    the values from above; text inside strings only makes the count larger. A row of a backup
    (an entry with what was tried) has at most about 20 values (a check-in) and 7 lists and
    objects (a spasm), so the limits are those of MAX_ROWS rows."""
    containers = text.count("[") + text.count("{")
    values = text.count(",") + containers
    if containers > MAX_JSON_CONTAINERS or values > MAX_JSON_VALUES:
        return _(
            "holds more lists and values ({containers:,} and {values:,}) than a backup of "
            "{rows:,} rows, the most one import takes"
        ).format(containers=containers, values=values, rows=MAX_ROWS)
    return ""


def read_backup(name, text):
    problem = too_much_json(text)
    if problem:
        raise UploadRejected(
            _(
                "{name} {problem}. Upload the backup as SCI Tracker wrote it, or its CSV files."
            ).format(name=name, problem=problem)
        )
    try:
        data = json.loads(text, parse_constant=refuse_constant, parse_float=finite_number)
    except json.JSONDecodeError as error:
        raise UploadRejected(
            f"{name} is not a JSON file that can be read (line {error.lineno}: {error.msg}). "
            "Upload the backup as SCI Tracker wrote it."
        ) from None
    except NotANumber as error:
        raise UploadRejected(
            f"{name} holds {error}. Upload the backup as SCI Tracker wrote it."
        ) from None
    except (ValueError, RecursionError):
        raise UploadRejected(f"{name} is not a JSON file that can be read.") from None
    problem = unstorable(text, data)
    if problem:
        raise UploadRejected(f"{name} {problem}. Upload the backup as SCI Tracker wrote it.")
    if not isinstance(data, dict) or data.get("format") != backup.FORMAT:
        raise UploadRejected(
            f'{name} is not an SCI Tracker backup: it does not say "format": "{backup.FORMAT}".'
        )
    version = data.get("version")
    if type(version) is not int or version < 1:
        raise UploadRejected(f"{name} has no backup version that SCI Tracker knows.")
    if version > backup.VERSION:
        raise UploadRejected(
            f"{name} was made by a newer SCI Tracker (backup version {version}); this one "
            f"reads version {backup.VERSION} and older. Import it where it was made, or use the "
            "CSV files."
        )
    data = upgraded(data, version)
    missing = [key for key in backup.TOP_LEVEL_KEYS if key not in data]
    unknown = [key for key in data if key not in backup.TOP_LEVEL_KEYS]
    if missing:
        raise UploadRejected(f"{name} is not complete: it has no {', '.join(missing)}.")
    if unknown:
        raise UploadRejected(
            f"{name} has parts that backup version {backup.VERSION} does not have: "
            f"{', '.join(unknown)}."
        )
    if not isinstance(data["profile"], dict) or not all(
        isinstance(data[section.key], list) for section in backup.SECTIONS
    ):
        raise UploadRejected(f"{name} is damaged: its profile or one of its lists is not whole.")
    entries = [item for section in backup.SECTIONS for item in data[section.key]]
    tried = sum(
        len(item[backup.TRIED])
        for item in entries
        if isinstance(item, dict) and isinstance(item.get(backup.TRIED), list)
    )
    too_many(name, len(entries) + tried, "Import its CSV files instead, a few at a time.")
    return {"source": "backup", "names": [name], "backup": data}


def too_many(name, rows, advice):
    if rows > MAX_ROWS:
        raise UploadRejected(
            f"{name} holds {rows:,} rows; one import takes at most {MAX_ROWS:,}. {advice}"
        )


# How an older version of the backup becomes the next one: {1: upgrade_1_to_2, ...}. A new
# version adds its step here, so every older file is still read, by one reader.
UPGRADES = {}


def upgraded(data, version):
    while version < backup.VERSION:
        data = UPGRADES[version](data)
        version += 1
    return data


def read_csv_files(files):
    found = {}
    total = 0
    for upload in files:
        name, text = upload.name, as_text(upload.name, upload.read())
        records = csv_records(name, text)
        try:
            first = next(records, None)
            if first is None:
                raise UploadRejected(f"{name} is empty.")
            csv_file = recognised(name, first)
            if csv_file.name in found:
                raise UploadRejected(
                    f"{found[csv_file.name]['name']} and {name} are both "
                    f"{csv_file.title.lower()} files. Upload one of each."
                )
            total += sum(1 for _row in csv_rows(name, records))
        except csv.Error as error:
            raise UploadRejected(f"{name} is not a CSV file that can be read ({error}).") from None
        header = [cell.strip() for cell in first]
        found[csv_file.name] = {"name": name, "header": header, "text": text}
    names = [upload.name for upload in files]
    too_many(", ".join(names), total, "Upload fewer files at a time.")
    return {"source": "csv", "names": names, "csv": found}


def recognised(name, header):
    """The CsvFile whose columns the header names (in any order), or a clear refusal."""
    columns = {cell.strip() for cell in header}
    for csv_file in FILES:
        if columns == set(csv_file.header()) and len(header) == len(columns):
            return csv_file
    closest = max(FILES, key=lambda csv_file: len(columns & set(csv_file.header())))
    expected = set(closest.header())
    if len(columns & expected) * 2 < len(expected):
        raise UploadRejected(
            f"{name} is not a backup or a CSV file from SCI Tracker: its first row does not "
            "name the columns of any of its files."
        )
    lacking = ", ".join(sorted(expected - columns)) or "nothing"
    extra = ", ".join(sorted(columns - expected)) or "nothing"
    raise UploadRejected(
        f"{name} looks like {closest.name}.csv, but its first row lacks {lacking} and has "
        f"{extra} besides. Keep the columns as SCI Tracker wrote them."
    )


# Checking rows -----------------------------------------------------------------------------


@dataclass(slots=True)  # one per row: up to MAX_ROWS of them
class Tried:
    """An intervention tried for an entry: nested in a backup entry, or a row of tried.csv."""

    where: str
    values: dict = field(default_factory=dict)
    intervention: str = ""
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
    errors: list = field(default_factory=list)
    csv_id: str = ""
    skipped: bool = False

    @property
    def model(self):
        return ENTRY_MODELS[self.kind]

    @property
    def status(self):
        return "error" if self.errors else "skip" if self.skipped else "add"

    def key(self):
        """What makes it the same entry as one already in the diary."""
        if self.kind == "event":
            return self.values["date"], self.values["event_kind"]
        return self.values["occurred_at" if "occurred_at" in self.values else "date"]


def shown(value):
    if isinstance(value, str):
        return f"'{value[:40]}…'" if len(value) > 40 else f"'{value}'"
    return json.dumps(value) if isinstance(value, list | dict | None | bool) else str(value)


def unguarded(text):
    """Undo csv_files.safe_text, which puts one apostrophe before the text it guards: "'=1+1"
    was written for "=1+1", "''=1+1" for "'=1+1". Exactly one comes off, and only where
    safe_text would have put one, so "'plain" and "''=x" (written "'''=x") come back whole."""
    rest = text[1:]
    return rest if text.startswith("'") and safe_text(rest) != rest else text


def read_value(model_field, raw, from_csv):
    """The Python value of one field, or raises ValueError with what is wrong."""
    name = model_field.name
    if from_csv:
        raw = unguarded(raw) if name in GUARDED_TEXT else raw
        if isinstance(model_field, models.JSONField):
            return [part.strip() for part in raw.split(LIST_SEPARATOR) if part.strip()]
        if raw.strip() == "" and not isinstance(model_field, models.CharField | models.TextField):
            if model_field.null:
                return None
            raise ValueError(f"{name} is empty")
        if isinstance(model_field, models.BooleanField):
            flags = {"1": True, "0": False, "true": True, "false": False}
            if raw.strip().lower() not in flags:
                raise ValueError(f"{name} {shown(raw)} is not 1 or 0")
            return flags[raw.strip().lower()]
        if isinstance(model_field, models.IntegerField):
            if not re.fullmatch(r"-?\d+", raw.strip()):
                raise ValueError(f"{name} {shown(raw)} is not a whole number")
            try:
                return int(raw.strip())
            except ValueError:  # more digits than Python reads (4,300)
                raise ValueError(f"{name} {shown(raw)} is too large") from None
    elif raw is None:
        if model_field.null:
            return None
        raise ValueError(f"{name} is missing (null)")
    if isinstance(model_field, models.BooleanField):
        if not isinstance(raw, bool):
            raise ValueError(f"{name} {shown(raw)} is not true or false")
        return raw
    if isinstance(model_field, models.IntegerField):
        if type(raw) is not int:
            raise ValueError(f"{name} {shown(raw)} is not a whole number")
        return raw
    if isinstance(model_field, models.JSONField):
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ValueError(f"{name} {shown(raw)} is not a list of names")
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"{name} {shown(raw)} is not text")
    if isinstance(model_field, models.DateTimeField):
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(f"{name} {shown(raw)} is not a date and time") from None
        if moment.tzinfo is None:
            raise ValueError(
                f"{name} {shown(raw)} has no time zone offset (such as +13:00 at the end)"
            )
        try:
            moment.astimezone(UTC)  # the database stores UTC: 0001-01-01 in +14:00 is not one
        except OverflowError:
            raise ValueError(f"{name} {shown(raw)} is out of range") from None
        within_days(name, raw, moment.date())
        return moment
    if isinstance(model_field, models.DateField):
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(f"{name} {shown(raw)} is not a date (YYYY-MM-DD)") from None
        return within_days(name, raw, day)
    return raw


def within_days(name, raw, day):
    """The range of days every page can show (diary.rules): a time or date outside it could not
    be shown in every time zone."""
    if not on_calendar(day):
        raise ValueError(f"{name} {shown(raw)} is outside {EARLIEST_DAY} to {LATEST_DAY}")
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
                return f"{name} {shown(wrong[0])} is not one of: {', '.join(validator.allowed)}"
            twice = [item for item, count in Counter(value).items() if count > 1]
            if twice:
                return f"{name} lists {shown(twice[0])} twice"
    if not allowed or value in allowed or (model_field.blank and value in ("", None)):
        return ""
    scale = all(type(choice) is int for choice in allowed) and type(value) is int
    if scale and allowed == list(range(min(allowed), max(allowed) + 1)):
        return f"{name} {value} is outside {min(allowed)}-{max(allowed)}"
    return f"{name} {shown(value)} is not one of: {', '.join(str(c) for c in allowed)}"


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
        name, _, lookup = path.partition("__")
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
        return (
            f"{model_field.name} is {len(value)} characters long; at most {model_field.max_length}"
        )
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


def keys_error(item, expected):
    missing = [key for key in expected if key not in item]
    unknown = sorted(key for key in item if key not in expected)  # jsonb reorders keys
    problems = []
    if missing:
        problems.append(f"has no {', '.join(missing)}")
    if unknown:
        problems.append(f"has {', '.join(unknown)}, which backup version {backup.VERSION} does not")
    return "; ".join(problems)


def slugs(raw, name, from_csv, errors):
    if from_csv:
        return [part.strip() for part in raw.split(LIST_SEPARATOR) if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        errors.append(f"{name} {shown(raw)} is not a list of slugs")
        return []
    return raw


def read_entry(row, raw, from_csv):
    """Fill a Row from one entry's raw fields (a backup item, or a CSV row as a dict)."""
    model = row.model
    row.values = check_fields(model, raw, from_csv, row.errors)
    logged_by = raw.get("logged_by")
    if logged_by is not None and not isinstance(logged_by, str):
        row.errors.append(f"logged_by {shown(logged_by)} is not an e-mail address")
    row.logged_by = normalise_email(logged_by) if isinstance(logged_by, str) else ""
    if "triggers" in raw:
        row.triggers = slugs(raw["triggers"], "triggers", from_csv, row.errors)
        for slug, count in Counter(row.triggers).items():
            if count > 1:
                row.errors.append(f"triggers lists '{slug}' twice")
    if "problem" in raw and not from_csv:
        slot = raw["problem"]
        if slot is not None and type(slot) is not int:
            row.errors.append(f"problem {shown(slot)} is not a pain problem's slot (1-3)")
        else:
            row.problem_slot = slot


def read_tried(tried, raw, from_csv):
    intervention = raw.get("intervention")
    if isinstance(intervention, str) and intervention.strip():
        tried.intervention = intervention.strip()
    else:
        tried.errors.append(f"intervention {shown(intervention)} is not an intervention's slug")
    fields = {name: raw[name] for name in ("dose", "effect")}
    tried.values = check_fields(InterventionUse, fields, from_csv, tried.errors)


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
    problems: list = field(default_factory=list)
    own_items: dict = field(default_factory=lambda: {Trigger: [], Intervention: []})
    clinician: dict = field(default_factory=lambda: {model: [] for model in CLINICIAN_LABELS})
    profile: dict = field(default_factory=dict)
    file_errors: list = field(default_factory=list)


def backup_upload(payload):
    name = payload["names"][0]
    # A payload kept before the file's text was (one parsed backup) is read as it is.
    data = read_backup(name, payload["text"])["backup"] if "text" in payload else payload["backup"]
    upload = Upload("backup", payload["names"], profile=data["profile"])
    for section in backup.SECTIONS:
        expected = (*section.fields, backup.TRIED) if section.nested_tried else section.fields
        for number, item in enumerate(consumed(data, section.key), start=1):
            where = f"{name}, {section.label} {number}"
            if not isinstance(item, dict):
                upload.file_errors.append(f"{where}: is not a set of named fields")
                continue
            problem = keys_error(item, expected)
            if section.model in ENTRY_MODELS.values():
                row = Row(section.model.kind, where)
                if problem:
                    row.errors.append(problem)
                else:
                    read_entry(row, item, from_csv=False)
                    row.tried = (
                        backup_tried(item[backup.TRIED], row) if section.nested_tried else []
                    )
                upload.rows.append(row)
                continue
            definition = Definition(where, {})
            if problem:
                definition.errors.append(problem)
            else:
                definition.values = check_fields(section.model, item, False, definition.errors)
            if section.model is PainProblem:
                upload.problems.append(definition)
            elif section.model in upload.clinician:
                upload.clinician[section.model].append(definition)
            else:
                upload.own_items[section.model].append(definition)
    return upload


def consumed(data, key):
    """The items of data[key], each let go once read: the parsed file shrinks as its rows are
    checked, so the two are not in memory whole at once."""
    items, data[key] = data[key], []
    for index, item in enumerate(items):
        items[index] = None
        yield item


def backup_tried(items, row):
    if not isinstance(items, list):
        row.errors.append("tried is not a list")
        return []
    tried = []
    for number, item in enumerate(items, start=1):
        one = Tried(f"{row.where}, tried {number}")
        if isinstance(item, dict):
            problem = keys_error(item, backup.TRIED_FIELDS)
        else:
            problem = "is not a set of named fields"
        if problem:
            row.errors.append(f"tried {number} {problem}")
            continue
        read_tried(one, item, from_csv=False)
        # In a backup, what was tried is part of its entry: an error in it holds the entry back.
        row.errors.extend(f"tried {number}: {error}" for error in one.errors)
        tried.append(one)
    return tried


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
            where = f"{name} row {number}"
            if len(cells) != len(header):
                problem = f"has {len(cells)} cells but the first row names {len(header)} columns"
                if file_name == TRIED_FILE:
                    upload.csv_tried.append((Tried(where, errors=[problem]), "", ""))
                else:
                    upload.rows.append(Row(CSV_KINDS[file_name], where, errors=[problem]))
                continue
            raw = dict(zip(header, cells, strict=True))
            if file_name == TRIED_FILE:
                tried = Tried(where)
                read_tried(tried, raw, from_csv=True)
                upload.csv_tried.append((tried, raw["entry_kind"], raw["entry_id"].strip()))
                continue
            row = Row(CSV_KINDS[file_name], where, csv_id=raw.pop("id").strip())
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
        row.errors.append(f"problem_slot {shown(slot_cell)} is not 1, 2 or 3")
        return
    slot = int(slot_cell)
    if slot in seen_slots:
        first_name, first_where = seen_slots[slot]
        if first_name != name:
            row.errors.append(
                f"problem {shown(name)} for slot {slot}, but {first_where} calls it "
                f"{shown(first_name)}"
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


# The plan ------------------------------------------------------------------------------------


@dataclass
class KindCount:
    kind: str
    title: str
    add: int = 0
    skip: int = 0
    error: int = 0


@dataclass
class ImportPlan:
    """What an import would do: shown in the preview, then written by run_import."""

    source: str
    names: list
    rows: list
    csv_tried: list = field(default_factory=list)  # (Tried, Row) to add from tried.csv
    errors: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    new_problems: list = field(default_factory=list)  # (slot, name)
    problem_slots: dict = field(default_factory=dict)  # slot in the file -> slot in the diary
    new_items: dict = field(default_factory=lambda: {Trigger: [], Intervention: []})
    profile_changes: list = field(default_factory=list)  # (field, label, value as shown)
    profile: dict = field(default_factory=dict)
    mine: set = field(default_factory=set)  # e-mail addresses that mean the importing person
    # Review notes and visit measures, by model: the checked values of each one to add, and how
    # many are skipped as already in the diary.
    clinician_add: dict = field(default_factory=lambda: {model: [] for model in CLINICIAN_LABELS})
    clinician_skip: Counter = field(default_factory=Counter)
    # The cached figures below are read once the plan is made.

    @cached_property
    def to_add(self):
        return [row for row in self.rows if row.status == "add"]

    @cached_property
    def counts(self):
        by_kind = {kind: KindCount(kind, KIND_FILES[kind].title) for kind in ENTRY_MODELS}
        for row in self.rows:
            count = by_kind[row.kind]
            setattr(count, row.status, getattr(count, row.status) + 1)
        return list(by_kind.values())

    @property
    def adding(self):
        return sum(count.add for count in self.counts)

    @property
    def skipping(self):
        return sum(count.skip for count in self.counts)

    @property
    def errors_shown(self):
        return self.errors[:ERRORS_SHOWN]

    @property
    def errors_not_shown(self):
        return max(0, len(self.errors) - ERRORS_SHOWN)

    @cached_property
    def tried_to_add(self):
        nested = sum(len(row.tried) for row in self.to_add)
        return nested + len(self.csv_tried)

    @property
    def clinician_to_add(self):
        """The preview's line for them, "2 review notes, 6 visit measures to add", or ""."""
        counts = {model: len(values) for model, values in self.clinician_add.items()}
        return f"{clinician_counts(counts)} to add" if any(counts.values()) else ""

    @property
    def also_added(self):
        """The pain problems and own items the import would create, and how many review notes
        and visit measures it would add, as the preview lists them."""
        added = [f"Pain problem {slot}: {name}" for slot, name in self.new_problems]
        for model, items in self.new_items.items():
            added += [f"Your own {model._meta.verbose_name}: {item['name']}" for item in items]
        if self.clinician_to_add:
            added.append(self.clinician_to_add)
        return added

    @property
    def something_to_write(self):
        return bool(
            self.adding
            or self.new_problems
            or self.new_items[Trigger]
            or self.new_items[Intervention]
            or self.profile_changes
            or any(self.clinician_add.values())
        )


def counted(count, label):
    return f"{count} {label}{'' if count == 1 else 's'}"


def clinician_counts(counts):
    """{model: count} as "2 review notes, 6 visit measures", leaving out the kinds with none."""
    return ", ".join(
        counted(counts[model], label) for model, label in CLINICIAN_LABELS.items() if counts[model]
    )


def plan_import(owner, payload, restore_profile=False, now=None):
    """Everything the import would write, and what it would leave out and why. Writes nothing."""
    now = now or timezone.now()
    upload = read_payload(payload)
    plan = ImportPlan(upload.source, upload.names, upload.rows)
    plan.errors.extend(upload.file_errors)
    plan_profile(owner, upload, restore_profile, plan)
    plan_problems(owner, upload.problems, plan)
    known = {
        model: plan_own_items(owner, model, upload.own_items[model], plan)
        for model in (Trigger, Intervention)
    }
    # The person's own address, and in a backup the address of the account it came from.
    original_email = upload.profile.get("email") if upload.source == "backup" else ""
    mine = {normalise_email(owner.email)}
    if isinstance(original_email, str) and original_email:
        mine.add(normalise_email(original_email))
    plan.mine = mine
    strangers = Counter()
    csv_entries = csv_ids(upload.rows) if upload.source == "csv" else {}
    existing = existing_keys(owner)
    # "Today" in the zone the diary will have once imported: the file's, when it restores the
    # profile. A check-in written this evening in Auckland is for a day that has come there.
    todays = today_in(plan.profile.get("time_zone") or owner.time_zone, now)
    days_taken = {}  # date -> where: one check-in out of the bin a day
    for row in upload.rows:
        if not row.errors:
            check_references(row, known, plan, todays, now)
        if row.errors:
            continue
        if row.key() in existing[row.kind]:
            row.skipped = True
            continue
        if row.kind == "checkin" and row.values.get("deleted_at") is None:
            day = row.values["date"]
            if day in days_taken:
                row.errors.append(
                    f"a check-in for {day} is already in the upload ({days_taken[day]})"
                )
                continue
            days_taken[day] = row.where
        if row.logged_by and row.logged_by not in mine:
            strangers[row.logged_by] += 1
    for row in upload.rows:
        if row.errors:
            plan.errors.append(f"{row.where}: {'; '.join(row.errors)}")
    if upload.source == "csv":
        plan_csv_tried(upload.csv_tried, csv_entries, known, plan)
    plan_clinician(owner, upload.clinician, plan, todays)
    if strangers:
        count = sum(strangers.values())
        plan.notices.append(
            f"{count} entr{'y was' if count == 1 else 'ies were'} logged by "
            f"{', '.join(sorted(strangers)[:3])}{' and others' if len(strangers) > 3 else ''}: "
            "not you, and not the account the file came from. They are imported without saying "
            "who logged them."
        )
    return plan


def plan_profile(owner, upload, restore_profile, plan):
    if not restore_profile:
        return
    if upload.source != "backup":
        plan.notices.append("CSV files hold no profile settings, so your profile stays as it is.")
        return
    where = f"{upload.names[0]}, profile"
    settings = {name: upload.profile.get(name) for name in backup.PROFILE_SETTINGS}
    missing = [name for name in backup.PROFILE_SETTINGS if name not in upload.profile]
    errors = [f"has no {', '.join(missing)}"] if missing else []
    if not errors:
        settings = check_fields(User, settings, False, errors)
    if errors:
        plan.errors.append(f"{where}: {'; '.join(errors)}. Your profile stays as it is.")
        return
    plan.profile = settings
    for name, value in settings.items():
        if getattr(owner, name) != value:
            model_field = User._meta.get_field(name)
            shown_value = (
                dict(model_field.flatchoices).get(value, value) if model_field.choices else value
            )
            if isinstance(value, bool):
                shown_value = "yes" if value else "no"
            plan.profile_changes.append((name, model_field.verbose_name, shown_value))


def plan_clinician(owner, definitions, plan, today):
    """Review notes and visit measures from a backup. One already in the diary is skipped: a note
    with the same written_at and text, a measure for the same visit_date, muscle_group and side
    (the diary's score is kept, and a different score in the file is reported)."""
    notes = set(ReviewNote.objects.filter(person=owner).values_list("written_at", "text"))
    for definition in definitions[ReviewNote]:
        if definition.errors:
            plan.errors.append(f"{definition.where}: {'; '.join(definition.errors)}")
            continue
        values = definition.values
        key = (values["written_at"], values["text"])
        if key in notes:  # a note twice in the file comes in once, too
            plan.clinician_skip[ReviewNote] += 1
            continue
        notes.add(key)
        plan.clinician_add[ReviewNote].append(values)

    scores = {
        (day, group, side): score
        for day, group, side, score in VisitMeasure.objects.filter(person=owner).values_list(
            "visit_date", "muscle_group", "side", "score"
        )
    }
    in_upload = {}  # (visit_date, muscle_group, side) -> where in the file
    for definition in definitions[VisitMeasure]:
        values, errors = definition.values, definition.errors
        if not errors:
            day, group, side = values["visit_date"], values["muscle_group"], values["side"]
            key = (day, group, side)
            name = f"{day}, {MuscleGroup(group).label.lower()}, {side}"
            if not visit_day_has_come(day, today):
                errors.append(f"visit_date {day} is a day that has not come yet")
            elif key in in_upload:
                errors.append(
                    f"a visit measure for {name} is already in the upload ({in_upload[key]})"
                )
        if errors:
            plan.errors.append(f"{definition.where}: {'; '.join(errors)}")
            continue
        in_upload[key] = definition.where
        if key in scores:
            plan.clinician_skip[VisitMeasure] += 1
            if scores[key] != values["score"]:
                plan.notices.append(
                    f"The visit measure for {name} is {values['score']} in the file but "
                    f"{scores[key]} in your diary; yours is kept."
                )
            continue
        plan.clinician_add[VisitMeasure].append(values)

    if any(plan.clinician_skip.values()):
        plan.notices.append(
            f"{clinician_counts(plan.clinician_skip)} already in your diary (skipped)."
        )


def plan_problems(owner, definitions, plan):
    """Pain problems by slot: a free slot gets the file's problem; a slot named otherwise stays as
    the person has it, and the file's entries for it are imported without a pain problem."""
    current = {problem.slot: problem.name for problem in PainProblem.objects.filter(owner=owner)}
    slot_of_name = {name.casefold(): slot for slot, name in current.items()}
    for definition in definitions:
        if definition.errors:
            plan.errors.append(f"{definition.where}: {'; '.join(definition.errors)}")
            continue
        slot, name = definition.values["slot"], definition.values["name"].strip()
        plan.problem_slots[slot] = None  # known to the file; linked below if it can be
        if current.get(slot) == name:
            plan.problem_slots[slot] = slot
        elif slot not in current and name.casefold() not in slot_of_name:
            plan.problem_slots[slot] = slot
            plan.new_problems.append((slot, name))
            current[slot] = name
            slot_of_name[name.casefold()] = slot
        elif name.casefold() in slot_of_name:
            plan.problem_slots[slot] = slot_of_name[name.casefold()]
            plan.notices.append(
                f"Pain problem “{name}” is number {slot} in the file and number "
                f"{slot_of_name[name.casefold()]} in your diary; its entries go to yours."
            )
        else:
            plan.notices.append(
                f"Pain problem {slot} is “{name}” in the file but “{current[slot]}” in your "
                f"diary, so the file's entries for “{name}” are imported without a pain problem."
            )


def plan_own_items(owner, model, definitions, plan):
    """The slugs entries may name: built-in, the person's own, and the file's own (new ones are
    created, matched on slug)."""
    builtin = set(model.objects.filter(owner=None).values_list("slug", flat=True))
    own = dict(model.objects.filter(owner=owner).values_list("slug", "name"))
    names = {
        name.casefold() for name in model.objects.available_to(owner).values_list("name", flat=True)
    }
    known = builtin | set(own)
    label = model._meta.verbose_name
    for definition in definitions:
        values = definition.values
        if not definition.errors and values["slug"] in builtin:
            definition.errors.append(
                f"slug '{values['slug']}' is a built-in {label}'s: entries that name it get the "
                "built-in one"
            )
        elif not definition.errors and values["slug"] not in own:
            if values["name"].strip().casefold() in names:
                definition.errors.append(f"you already have a {label} called “{values['name']}”")
            else:
                plan.new_items[model].append(values)
                known.add(values["slug"])
                names.add(values["name"].strip().casefold())
        if definition.errors:
            plan.errors.append(f"{definition.where}: {'; '.join(definition.errors)}")
    return known


def existing_keys(owner):
    """What is already in the diary, in the bin or not, as Row.key() gives it."""
    keys = {}
    for kind, model in ENTRY_MODELS.items():
        entries = model.objects.for_user(owner)
        if kind == "event":
            keys[kind] = set(entries.values_list("date", "event_kind"))
        else:
            time_field = "occurred_at" if kind in ("spasm", "pain") else "date"
            keys[kind] = set(entries.values_list(time_field, flat=True))
    return keys


def check_references(row, known, plan, today, now):
    """What the row names must exist, and the forms' limits on when an entry can be."""
    unknown = [slug for slug in row.triggers if slug not in known[Trigger]]
    if unknown:
        row.errors.append(
            f"trigger '{unknown[0]}' is not a built-in trigger, one of yours, or one the file adds"
        )
    seen = set()
    for number, tried in enumerate(row.tried, start=1):
        if tried.intervention not in known[Intervention]:
            row.errors.append(
                f"tried {number}: intervention '{tried.intervention}' is not a built-in one, one "
                "of yours, or one the file adds"
            )
        elif tried.intervention in seen:
            row.errors.append(f"tried {number}: '{tried.intervention}' is listed twice")
        seen.add(tried.intervention)
    if row.problem_slot is not None and row.problem_slot not in plan.problem_slots:
        row.errors.append(f"problem {row.problem_slot} is not one of the file's pain problems")
    occurred_at = row.values.get("occurred_at")
    if occurred_at is not None and not moment_has_come(occurred_at, now):
        row.errors.append(f"occurred_at {occurred_at.isoformat()} is in the future")
    day = row.values.get("date")
    if row.kind == "checkin" and day is not None and not check_in_day_has_come(day, today):
        row.errors.append(f"date {day} is a day that has not come yet")
    if row.kind == "event" and day is not None and not event_day_near_enough(day, today):
        row.errors.append(f"date {day} is more than a year ahead")


def csv_ids(rows):
    """Each kind's rows by their id column, which tried.csv refers to; an id used twice in a
    file is an error, since what was tried could not tell the two apart."""
    by_id = defaultdict(dict)
    for row in rows:
        if row.csv_id:
            if row.csv_id in by_id[row.kind]:
                row.errors.append(f"id {row.csv_id} is also {by_id[row.kind][row.csv_id].where}")
            else:
                by_id[row.kind][row.csv_id] = row
    return by_id


def plan_csv_tried(csv_tried, by_id, known, plan):
    """tried.csv rows join their entry by entry_kind and the id column of its own file."""
    used = set()
    for tried, entry_kind, entry_id in csv_tried:
        entry = by_id.get(entry_kind, {}).get(entry_id) if entry_kind in ("spasm", "pain") else None
        if not tried.errors and entry_kind not in ("spasm", "pain"):
            tried.errors.append(f"entry_kind {shown(entry_kind)} is not spasm or pain")
        elif not tried.errors and entry is None:
            csv_name = KIND_FILES[entry_kind].name
            tried.errors.append(f"no entry with id {entry_id} in the upload's {csv_name}.csv")
        elif not tried.errors and tried.intervention not in known[Intervention]:
            tried.errors.append(
                f"intervention '{tried.intervention}' is not a built-in one or one of yours"
            )
        elif not tried.errors and (entry_kind, entry_id, tried.intervention) in used:
            tried.errors.append(f"'{tried.intervention}' is listed twice for that entry")
        elif not tried.errors and entry.status == "error":
            tried.errors.append(f"its entry ({entry.where}) has an error, so it is left out too")
        if tried.errors:
            plan.errors.append(f"{tried.where}: {'; '.join(tried.errors)}")
            continue
        used.add((entry_kind, entry_id, tried.intervention))
        if entry.status == "add":  # an entry already in the diary keeps what it has
            plan.csv_tried.append((tried, entry))


# Writing -------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    added: int
    skipped: int
    left_out: int
    clinician: dict = field(default_factory=dict)  # review notes, visit measures added: {model: n}

    def message(self):
        def entries(count):
            return f"{count} entr{'y' if count == 1 else 'ies'}"

        extra = [
            counted(self.clinician[model], label)
            for model, label in CLINICIAN_LABELS.items()
            if self.clinician.get(model)
        ]
        added = [entries(self.added)] if self.added or not extra else []
        added += extra
        listed = added[0] if len(added) == 1 else f"{', '.join(added[:-1])} and {added[-1]}"
        parts = [f"Imported {listed}"]
        if self.skipped:
            parts.append(f"{entries(self.skipped)} already in your diary skipped")
        if self.left_out:
            parts.append(f"{self.left_out} with errors left out")
        return "; ".join(parts) + "."


class Written:
    """What an import has written so far, batch by batch: the ids it made, by model, so that
    a failure in a later batch can take back what the earlier ones committed."""

    def __init__(self, owner):
        self.owner = owner
        self.ids = defaultdict(list)
        self.transactions = 0

    @contextmanager
    def batch(self, rows):
        """One short transaction: others' saves wait for it, not for the whole import."""
        start = time.perf_counter()
        with transaction.atomic():
            yield
        self.transactions += 1
        batch_written.send(
            sender=Written, owner=self.owner, rows=rows, seconds=time.perf_counter() - start
        )

    def add(self, objects):
        for obj in objects:
            self.ids[type(obj)].append(obj.pk)
        return objects

    def take_back(self):
        """Delete what the committed batches wrote, in one transaction. Entries go first, and
        with them their trigger links and what was tried; then what only they used."""
        with transaction.atomic():
            for model in (*ENTRY_MODELS.values(), ReviewNote, VisitMeasure, PainProblem, Trigger):
                for ids in chunks(self.ids.get(model, []), BATCH):
                    model.objects.filter(pk__in=ids).delete()
            # An intervention the person logged in the meantime stays (it is PROTECTed).
            for ids in chunks(self.ids.get(Intervention, []), BATCH):
                Intervention.objects.filter(pk__in=ids, uses__isnull=True).delete()
            diary_changed(self.owner.pk)  # trends cached while the batches were in are stale


def run_import(owner, plan, finish=None):
    """Write the plan: all of it, or nothing if anything fails.

    In batches, each a short transaction, so a long import does not hold the database's write
    lock (on SQLite, the whole database's) and everyone else's saves go on between batches. If
    a batch fails, what the earlier ones wrote is deleted again. What makes the import done (the
    profile, the diary's version and `finish`, which removes the waiting upload) is written in
    the last transaction, so an import that fails part-way is never shown as done, and can be
    confirmed again.
    """
    written = Written(owner)
    try:
        write_batches(owner, plan, written)
    except BaseException:
        written.take_back()
        raise
    with written.batch(0):
        if plan.profile_changes:
            User.objects.filter(pk=owner.pk).update(**plan.profile)
        # Bulk writes skip save(), which is what moves the diary's version on (VisitMeasure.save
        # too: visits show on the trends): once, here.
        diary_changed(owner.pk)
        if finish:
            finish()
    added = {model: len(values) for model, values in plan.clinician_add.items()}
    return ImportResult(plan.adding, plan.skipping, left_out=len(plan.errors), clinician=added)


def write_batches(owner, plan, written):
    with written.batch(len(plan.new_problems)):
        written.add(
            PainProblem.objects.bulk_create(
                PainProblem(owner=owner, slot=slot, name=name) for slot, name in plan.new_problems
            )
        )
        problem_ids = dict(PainProblem.objects.filter(owner=owner).values_list("slot", "pk"))
        catalogue = {}
        for model in (Trigger, Intervention):
            written.add(
                model.objects.bulk_create(
                    model(owner=owner, **values) for values in plan.new_items[model]
                )
            )
            # The person's own item wins over a built-in one with the same slug.
            items = model.objects.available_to(owner).order_by(F("owner").asc(nulls_first=True))
            catalogue[model] = dict(items.values_list("slug", "pk"))
    entry_of_row = {}  # id(row) -> its entry's pk (the entries themselves are let go)
    for kind, model in ENTRY_MODELS.items():
        rows = [row for row in plan.to_add if row.kind == kind]
        for batch in chunks(rows, BATCH):
            with written.batch(len(batch)):
                entries = write_entries(owner, model, batch, plan, problem_ids, catalogue)
            written.add(entries)
            entry_of_row.update(
                (id(row), entry.pk) for row, entry in zip(batch, entries, strict=True)
            )
    for batch in chunks(plan.csv_tried, BATCH):
        with written.batch(len(batch)):
            InterventionUse.objects.bulk_create(
                InterventionUse(
                    **{f"{row.kind}_id": entry_of_row[id(row)]},
                    intervention_id=catalogue[Intervention][tried.intervention],
                    **tried.values,
                )
                for tried, row in batch
            )
    # Clinicians' notes and ratings come back as the person's, with no author account, marked
    # as imported: nothing proves who wrote what a file says.
    imported = timezone.now()
    for batch in chunks(plan.clinician_add[ReviewNote], BATCH):
        with written.batch(len(batch)):
            written.add(
                ReviewNote.objects.bulk_create(
                    ReviewNote(person=owner, author=None, imported_at=imported, **values)
                    for values in batch
                )
            )
    for batch in chunks(plan.clinician_add[VisitMeasure], BATCH):
        with written.batch(len(batch)):
            measures = VisitMeasure.objects.bulk_create(
                VisitMeasure(person=owner, author=None, imported_at=imported, **values)
                for values in batch
            )
            restore_stamps(VisitMeasure, measures, batch, ("recorded_at",))
        written.add(measures)


def chunks(items, size):
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


def restore_stamps(model, objects, values, names=("created_at", "updated_at")):
    """bulk_create stamps created_at and updated_at (a visit measure's recorded_at) with now
    (auto_now_add, auto_now); a backup brings its own, set here as given: `values` holds each
    object's. One UPDATE run for many rows: bulk_update builds a CASE expression per row in
    Python, several times slower on a long diary."""
    stamps = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(stamp.column)} = %s" for stamp in stamps)
    # Only the model's own table and column names go into the text; every value is a parameter.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    params = [
        (*(stamp.get_db_prep_value(given[stamp.name], connection) for stamp in stamps), obj.pk)
        for obj, given in zip(objects, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def write_entries(owner, model, rows, plan, problem_ids, catalogue):
    entries = []
    for row in rows:
        entry = model(owner=owner, **row.values)
        entry.logged_by = owner if row.logged_by in plan.mine else None
        diary_slot = plan.problem_slots.get(row.problem_slot)
        if diary_slot is not None:
            entry.problem_id = problem_ids[diary_slot]
        entries.append(entry)
    model.objects.bulk_create(entries)
    if "created_at" in rows[0].values:
        restore_stamps(model, entries, [row.values for row in rows])
    if model in (SpasmEpisode, LegPainEntry):
        link = model.triggers.through
        entry_field = model.triggers.field.m2m_field_name()
        link.objects.bulk_create(
            link(**{f"{entry_field}_id": entry.pk, "trigger_id": catalogue[Trigger][slug]})
            for entry, row in zip(entries, rows, strict=True)
            for slug in row.triggers
        )
        InterventionUse.objects.bulk_create(
            InterventionUse(
                **{model.kind: entry},
                intervention_id=catalogue[Intervention][tried.intervention],
                **tried.values,
            )
            for entry, row in zip(entries, rows, strict=True)
            for tried in row.tried
        )
    return entries


# Uploads waiting for the person's confirmation ---------------------------------------------


def keep_pending(owner, payload, restore_profile):
    """Keep an upload until the person confirms it. One waits per person: a new upload replaces
    theirs, and anyone's over a day old goes."""
    PendingImport.objects.filter(
        Q(owner=owner) | Q(pk__in=PendingImport.objects.expired())
    ).delete()
    return PendingImport.objects.create(
        owner=owner, payload=payload, restore_profile=restore_profile
    )


def waiting_import(owner):
    return PendingImport.objects.filter(owner=owner).waiting().first()


def pending_upload(owner, pending_id):
    """The person's upload still waiting, or None if it is done, cancelled or too old.

    Someone else's is a 404, as for every object a person cannot reach.
    """
    try:
        pending_id = uuid.UUID(str(pending_id))
    except ValueError:
        raise Http404("No such import.") from None
    pending = PendingImport.objects.filter(pk=pending_id).first()
    if pending is None:
        return None
    if pending.owner_id != owner.pk:
        raise Http404("No such import.")
    if pending.created_at < timezone.now() - KEPT_FOR:
        pending.delete()
        return None
    return pending


def confirm_import(owner, pending_id):
    """Plan again against the diary as it is now, then write in batches (run_import). None if
    the upload is no longer waiting, or another request is writing it right now.

    Nothing here holds a transaction while it plans: the upload is claimed with one UPDATE (a
    second click finds it claimed), read, planned, and written batch by batch; the last batch
    removes the upload. If writing fails, what was written is taken back and the claim let go,
    so the upload waits to be confirmed again. A claim left by a worker that died part-way runs
    out after CLAIM_LASTS; confirming again then finishes that import, since entries already in
    the diary are skipped, never doubled.
    """
    pending = pending_upload(owner, pending_id)
    if pending is None:
        return None
    now = timezone.now()
    claimed = (
        PendingImport.objects.filter(pk=pending.pk, owner=owner)
        .filter(Q(started_at=None) | Q(started_at__lt=now - CLAIM_LASTS))
        .update(started_at=now)
    )
    if not claimed:
        return None
    try:
        plan = plan_import(owner, pending.payload, pending.restore_profile)
        return run_import(owner, plan, finish=pending.delete)
    except BaseException:
        PendingImport.objects.filter(pk=pending.pk).update(started_at=None)
        raise


def cancel_import(owner, pending_id):
    pending = pending_upload(owner, pending_id)
    if pending is not None:
        # One being written goes when it is done (the last batch removes it); not before, or
        # the import would finish with nothing left to say it was cancelled.
        PendingImport.objects.filter(
            Q(started_at=None) | Q(started_at__lt=timezone.now() - CLAIM_LASTS), pk=pending.pk
        ).delete()
