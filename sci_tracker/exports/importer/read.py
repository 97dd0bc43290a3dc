"""Reading an upload: from the files a person sends to a payload that can wait for them.

The first stage of an import (then check, plan, write). Everything here is about the files, not
the diary: the size of the upload, UTF-8, which file is a backup and which CSV file is which,
and how much a file holds, counted before anything is built from it, so that a hostile or
broken file is refused while it is still text and costs a worker little memory. A file that
cannot be imported at all raises UploadRejected, whose message the form shows; what can be read
is kept as text (read_upload's payload) and read again, a row at a time, by the later stages.
"""

import csv
import json
import math
import re

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sci_tracker.exports import backup
from sci_tracker.exports.csv_files import FILES

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
            _(
                "The upload is %(size).1f MB; the largest that can be imported is %(most)d MB. "
                "Upload fewer CSV files at a time."
            )
            % {"size": total / 1024 / 1024, "most": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    backups = [upload for upload in files if starts_a_backup(upload)]
    if not backups:
        return read_csv_files(files)
    if len(files) > 1:
        raise UploadRejected(
            _("Upload a backup file on its own, or the CSV files without a backup.")
        )
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
    raise NotANumber(
        _("%(name)s, which is not a number JSON allows") % {"name": name}
    )  # NaN, Infinity, -Infinity


def finite_number(text):
    number = float(text)
    if not math.isfinite(number):  # 1e400: Python reads it as infinity, a database cannot
        raise NotANumber(_("a number too large to read (%(number)s)") % {"number": text[:20]})
    return number


# How a value is named in a message, here and in the later stages' row errors.
def shown(value):
    if isinstance(value, str):
        return f"'{value[:40]}…'" if len(value) > 40 else f"'{value}'"
    return json.dumps(value) if isinstance(value, list | dict | None | bool) else str(value)


def unstorable(text, data):
    """Why the parsed file cannot be kept as it is, or "": nested deeper than a backup is, or
    text with a NUL character (PostgreSQL refuses it) or half of a UTF-16 surrogate pair (not a
    character: it cannot be written as UTF-8). Without recursion, and quick for a large file:
    the depth goes a level at a time, and the text is read only if its JSON has such an escape
    (an emoji written as two escapes is one too)."""
    level, depth = [data], 1
    while level:
        if depth > MAX_DEPTH:
            return _("is nested deeper than a backup ever is (more than %(levels)d levels)") % {
                "levels": MAX_DEPTH
            }
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
                return _("holds text with a NUL character (%(text)s)") % {
                    "text": shown(value.replace(NUL, ""))
                }
            if SURROGATE.search(value):
                return _("holds text with half of a character (an unpaired UTF-16 surrogate)")
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
            _(
                "%(name)s is not a JSON file that can be read (line %(line)d: %(error)s). "
                "Upload the backup as SCI Tracker wrote it."
            )
            % {"name": name, "line": error.lineno, "error": error.msg}
        ) from None
    except NotANumber as error:
        raise UploadRejected(
            _("%(name)s holds %(problem)s. Upload the backup as SCI Tracker wrote it.")
            % {"name": name, "problem": error}
        ) from None
    except (ValueError, RecursionError):
        raise UploadRejected(
            _("%(name)s is not a JSON file that can be read.") % {"name": name}
        ) from None
    problem = unstorable(text, data)
    if problem:
        raise UploadRejected(
            # Translators: %(problem)s continues the sentence, as in "holds text with a NUL
            # character".
            _("%(name)s %(problem)s. Upload the backup as SCI Tracker wrote it.")
            % {"name": name, "problem": problem}
        )
    if not isinstance(data, dict) or data.get("format") != backup.FORMAT:
        raise UploadRejected(
            _('%(name)s is not an SCI Tracker backup: it does not say "format": "%(format)s".')
            % {"name": name, "format": backup.FORMAT}
        )
    version = data.get("version")
    if type(version) is not int or version < 1:
        raise UploadRejected(
            _("%(name)s has no backup version that SCI Tracker knows.") % {"name": name}
        )
    if version > backup.VERSION:
        raise UploadRejected(
            _(
                "%(name)s was made by a newer SCI Tracker (backup version %(version)d); this one "
                "reads version %(known)d and older. Import it where it was made, or use the "
                "CSV files."
            )
            % {"name": name, "version": version, "known": backup.VERSION}
        )
    data = upgraded(data, version)
    missing = [key for key in backup.TOP_LEVEL_KEYS if key not in data]
    unknown = [key for key in data if key not in backup.TOP_LEVEL_KEYS]
    if missing:
        raise UploadRejected(
            _("%(name)s is not complete: it has no %(missing)s.")
            % {"name": name, "missing": ", ".join(missing)}
        )
    if unknown:
        raise UploadRejected(
            _("%(name)s has parts that backup version %(version)d does not have: %(parts)s.")
            % {"name": name, "version": backup.VERSION, "parts": ", ".join(unknown)}
        )
    if (
        not isinstance(data["profile"], dict)
        or not isinstance(data[backup.REMINDERS], dict | None)
        or not all(isinstance(data[section.key], list) for section in backup.SECTIONS)
    ):
        raise UploadRejected(
            _("%(name)s is damaged: its profile or one of its lists is not whole.") % {"name": name}
        )
    entries = [item for section in backup.SECTIONS for item in data[section.key]]
    tried = sum(
        len(item[key])
        for item in entries
        if isinstance(item, dict)
        for key in (backup.TRIED, backup.READINGS)
        if isinstance(item.get(key), list)
    )
    too_many(name, len(entries) + tried, _("Import its CSV files instead, a few at a time."))
    return {"source": "backup", "names": [name], "backup": data}


def too_many(name, rows, advice):
    if rows > MAX_ROWS:
        raise UploadRejected(
            _("{name} holds {rows:,} rows; one import takes at most {most:,}. {advice}").format(
                name=name, rows=rows, most=MAX_ROWS, advice=advice
            )
        )


# How an older version of the backup becomes the next one: {1: upgrade_1_to_2, ...}. A new
# version adds its step here, so every older file is still read, by one reader.
def add_ad_episodes(data):
    """Version 1 to 2: version 2 added the autonomic dysreflexia episodes; a version 1 file
    has none."""
    data.setdefault("ad_episodes", [])
    return data


def add_hidden_builtins(data):
    """Version 2 to 3: version 3 added the built-ins the person hid and the "archived" flag of
    their own items (an own item without it is not archived: Section.optional)."""
    data.setdefault("hidden_triggers", [])
    data.setdefault("hidden_interventions", [])
    return data


def add_no_reminders(data):
    """Version 3 to 4: version 4 added the reminder settings; a version 3 file has none."""
    data.setdefault(backup.REMINDERS, None)
    return data


def add_sciset_weeks(data):
    """Version 4 to 5: version 5 added the weekly SCI-SET answers; a version 4 file has none."""
    data.setdefault("sciset_weeks", [])
    return data


def add_care_events(data):
    """Version 5 to 6: version 6 added the bladder, bowel and skin programme; a version 5 file
    has none."""
    data.setdefault("care_events", [])
    return data


def add_medicines(data):
    """Version 6 to 7: version 7 added the medicine list and the doses; a version 6 file has
    none, and its treatment events name no medicine (Section.optional)."""
    data.setdefault("medicines", [])
    data.setdefault("doses", [])
    return data


UPGRADES = {
    1: add_ad_episodes,
    2: add_hidden_builtins,
    3: add_no_reminders,
    4: add_sciset_weeks,
    5: add_care_events,
    6: add_medicines,
}


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
                raise UploadRejected(_("%(name)s is empty.") % {"name": name})
            csv_file = recognised(name, first)
            if csv_file.name in found:
                raise UploadRejected(
                    _("%(first)s and %(second)s are both %(kind)s files. Upload one of each.")
                    % {
                        "first": found[csv_file.name]["name"],
                        "second": name,
                        "kind": str(csv_file.title).lower(),
                    }
                )
            total += sum(1 for _row in csv_rows(name, records))
        except csv.Error as error:
            raise UploadRejected(
                _("%(name)s is not a CSV file that can be read (%(error)s).")
                % {"name": name, "error": error}
            ) from None
        header = [cell.strip() for cell in first]
        found[csv_file.name] = {"name": name, "header": header, "text": text}
    names = [upload.name for upload in files]
    too_many(", ".join(names), total, _("Upload fewer files at a time."))
    return {"source": "csv", "names": names, "csv": found}


def recognised(name, header):
    """The CsvFile whose columns the header names (in any order), or a clear refusal."""
    columns = {cell.strip() for cell in header}
    for csv_file in FILES:
        if columns in csv_file.headers_accepted() and len(header) == len(columns):
            return csv_file
    # The nearest header any file is recognised by (today's or an older one's).
    closest, expected = min(
        ((csv_file, accepted) for csv_file in FILES for accepted in csv_file.headers_accepted()),
        key=lambda pair: (-len(columns & pair[1]), len(pair[1] - columns)),
    )
    if len(columns & expected) * 2 < len(expected):
        raise UploadRejected(
            _(
                "%(name)s is not a backup or a CSV file from SCI Tracker: its first row does not "
                "name the columns of any of its files."
            )
            % {"name": name}
        )
    nothing = pgettext("no columns", "nothing")
    lacking = ", ".join(sorted(expected - columns)) or nothing
    extra = ", ".join(sorted(columns - expected)) or nothing
    raise UploadRejected(
        _(
            "%(name)s looks like %(file)s.csv, but its first row lacks %(lacking)s and has "
            "%(extra)s besides. Keep the columns as SCI Tracker wrote them."
        )
        % {"name": name, "file": closest.name, "lacking": lacking, "extra": extra}
    )
