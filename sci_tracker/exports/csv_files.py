"""The person's diary as CSV files, one per kind of entry, read as plain values a chunk of
rows at a time (exports.rows) and written a chunk at a time, so that ten years stream out fast
without being held in memory. The "Exports" section of docs/formats.md documents every column;
a test checks that it does.

Conventions: times are ISO 8601 in the person's own zone, with the offset
(2026-03-15T00:30:00+13:00); scale values are plain numbers; lists (triggers, regions, sites...)
are slugs joined by ";"; an empty cell means not answered (a column's value of None, which the
csv module writes as an empty cell: no call of ours per cell). Entries in the bin are left out.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter

from django.utils.translation import gettext_lazy as _

from sci_tracker.diary.models import (
    ADEpisode,
    BloodPressureReading,
    CareEvent,
    CheckIn,
    InterventionUse,
    LegPainEntry,
    Medicine,
    MedicineDose,
    PainProblem,
    SpasmEpisode,
    SpasticityWeek,
    TreatmentEvent,
)
from sci_tracker.diary.sciset import ITEM_KEYS
from sci_tracker.exports.rows import BOOKKEEPING, Read, Related, Row, Tags, row_class

CHUNK = 500  # rows fetched at a time: memory stays flat however long the diary
LIST_SEPARATOR = ";"
# A spreadsheet runs a cell that starts with one of these as a formula. Free text that starts
# with one gets a leading apostrophe, which spreadsheets show as plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text):
    """Text a spreadsheet will not run: one more apostrophe before text that starts with a
    formula character, or with apostrophes and then one, so that an import can take exactly one
    away (importer.check.unguarded): "=1+1" is written "'=1+1", "'=1+1" is written "''=1+1". Other
    text, "'plain" included, is written as it is."""
    if not text:  # most notes: nothing to guard
        return text
    return f"'{text}" if text.lstrip("'").startswith(FORMULA_STARTS) else text


joined = LIST_SEPARATOR.join  # a list's slugs in one cell (a call in C: once or more per row)


def decimal_text(value):
    """A dose as typed: "10" for 10.000, "2.5" for 2.500; empty for none."""
    return "" if value is None else f"{value.normalize():f}"


def stored(*names: str) -> tuple:
    """Columns that write a row's value as it is stored (None as an empty cell), one per name,
    headed by the name."""
    return tuple((name, lambda row, zone, get=attrgetter(name): get(row)) for name in names)


@dataclass(frozen=True)
class Spread:
    """Several columns written by one call a row (a SCI-SET week's 35 items), not one call a
    cell: `values(row, zone)` gives a cell for each of `headers`."""

    headers: tuple
    values: Callable  # (row, zone) -> a list of cells


@dataclass(frozen=True)
class CsvFile:
    name: str  # the file is sci-tracker-<name>-<date>.csv
    title: str  # shown to people (translated); the file's name and columns stay English
    columns: tuple  # (header, value(row, zone)) or a Spread: row is an exports.rows.Row
    rows: object  # rows(owner): an exports.rows.Read of the rows, in order
    # Columns for reading only, which an import does not restore and older files lack.
    export_only: tuple = ()
    # Columns added later, which an older file lacks: an import gives them the model's default.
    later: tuple = ()

    def header(self):
        return [
            header
            for column in self.columns
            for header in (column.headers if isinstance(column, Spread) else column[:1])
        ]

    def headers_accepted(self):
        """The header sets an import recognises: today's, and those before export_only and
        the later columns."""
        full = set(self.header())
        accepted = [full]
        for left_out in (set(self.export_only), set(self.later)):
            if left_out:
                accepted += [columns - left_out for columns in accepted]
        return accepted

    def chunks(self, owner) -> Iterator[list[list]]:
        """The rows' cells, one list of cells per row, a chunk of rows at a time."""
        cells = self.cells_of(owner.zone)
        for chunk in self.rows(owner).chunks(CHUNK):
            yield [cells(row) for row in chunk]

    def cells_of(self, zone) -> Callable:
        """cells(row): a row's cells. A file without a Spread (all but one) makes each cell by
        a call in a list comprehension: the fast way, for hundreds of thousands of rows."""
        if not any(isinstance(column, Spread) for column in self.columns):
            values = [value for _header, value in self.columns]
            return lambda row: [value(row, zone) for value in values]
        parts = [
            (column.values, True) if isinstance(column, Spread) else (column[1], False)
            for column in self.columns
        ]

        def cells(row) -> list:
            found = []
            for value, spread in parts:
                if spread:
                    found.extend(value(row, zone))
                else:
                    found.append(value(row, zone))
            return found

        return cells


def local_time(moment, zone):
    return moment.astimezone(zone).isoformat()


def confirmed_type(problem):
    return problem.confirmed_type if problem is not None else ""


def confirmed_by(problem):
    if problem is None or not problem.confirmed_type:
        return ""
    return safe_text(str(problem.confirmed_by_shown))


def logged_by(entry, zone):
    return entry.logged_by.email if entry.logged_by_id else ""


def slugs(related):
    items = related.all()
    return joined(sorted([item.slug for item in items])) if items else ""


LOGGED_BY_EMAIL = Related("logged_by", ("email",))
TRIGGER_SLUGS = Tags("triggers", ("slug",))
MEDICINE_NAME = Related("medicine", ("name",))
PROBLEM = Related(
    "problem",
    ("slot", "name", "confirmed_type", "confirmed_by_name", "confirmed_imported_at"),
    row_class(PainProblem, "confirmed_by_shown"),
)


def entry_rows(model, order, related=(), many=(), kind=Row):
    """rows(owner) for one kind of entry: the person's own, out of the bin, oldest first."""

    def rows(owner):
        entries = model.objects.for_user(owner).active().order_by(order, "pk")
        return Read(entries, (LOGGED_BY_EMAIL, *related), many, kind, leave_out=BOOKKEEPING)

    return rows


def tried_rows(owner):
    """The uses on the person's spasms, then on their pain entries, joined from each entry's
    (owner, time) index: an OR of the two read both lists of entries twice and took twice as
    long."""
    uses = InterventionUse.objects.order_by("pk")
    return Read(
        uses.filter(spasm__owner=owner, spasm__deleted_at__isnull=True),
        # The item's slug by the join, as a column of the row: one use names one item.
        fields=("id", "spasm_id", "pain_id", "intervention__slug", "dose", "effect"),
        union_with=(uses.filter(pain__owner=owner, pain__deleted_at__isnull=True),),
    )


def reading_rows(owner):
    readings = BloodPressureReading.objects.filter(
        episode__owner=owner, episode__deleted_at__isnull=True
    ).order_by("episode_id", "taken_at", "pk")
    return Read(readings)


ENTRY_ID = ("id", lambda entry, zone: entry.pk)
NOTE = ("note", lambda entry, zone: safe_text(entry.note))
FOR_CLINICIAN = ("note_for_clinician", lambda entry, zone: int(entry.note_for_clinician))
LOGGED_BY = ("logged_by", logged_by)
# Spasms and leg pain start and end alike: the moment first, what set it off and the note last.
TIMED_FIRST = (ENTRY_ID, ("occurred_at", lambda e, zone: local_time(e.occurred_at, zone)))
TIMED_LAST = (
    ("triggers", lambda e, zone: slugs(e.triggers)),
    ("red_flags", lambda e, zone: joined(e.red_flags)),
    NOTE,
    FOR_CLINICIAN,
    LOGGED_BY,
)

FILES = [
    CsvFile(
        "spasms",
        _("Spasms"),
        (
            *TIMED_FIRST,
            *stored("pattern", "severity"),
            ("regions", lambda e, zone: joined(e.regions)),
            *stored("duration"),
            ("impacts", lambda e, zone: joined(e.impacts)),
            *TIMED_LAST,
        ),
        entry_rows(SpasmEpisode, "occurred_at", many=[TRIGGER_SLUGS]),
    ),
    CsvFile(
        "leg-pain",
        _("Leg pain"),
        (
            *TIMED_FIRST,
            *stored("intensity"),
            ("problem_slot", lambda e, zone: e.problem.slot if e.problem else None),
            ("problem", lambda e, zone: safe_text(e.problem.name) if e.problem else ""),
            ("sites", lambda e, zone: joined(e.sites)),
            ("qualities", lambda e, zone: joined(e.qualities)),
            *stored("pain_type"),
            *TIMED_LAST,
            # The problem's clinician-confirmed type, beside the person's guess (pain_type).
            (
                "problem_confirmed_type",
                lambda e, zone: e.problem.confirmed_type if e.problem else "",
            ),
            ("problem_confirmed_by", lambda e, zone: confirmed_by(e.problem)),
        ),
        entry_rows(LegPainEntry, "occurred_at", [PROBLEM], [TRIGGER_SLUGS]),
        # A clinician's classification comes back only from a backup, marked imported there:
        # a spreadsheet cell proves nothing about who confirmed it.
        export_only=("problem_confirmed_type", "problem_confirmed_by"),
    ),
    CsvFile(
        "check-ins",
        _("Daily check-ins"),
        (
            ENTRY_ID,
            ("date", lambda c, zone: c.date.isoformat()),
            *stored("recall_window", *CheckIn.ANSWERS),  # the answers in the form's order
            NOTE,
            FOR_CLINICIAN,
            LOGGED_BY,
        ),
        entry_rows(CheckIn, "date"),
    ),
    CsvFile(
        "treatment-events",
        _("Treatment events"),
        (
            ENTRY_ID,
            ("date", lambda t, zone: t.date.isoformat()),
            *stored("event_kind"),
            ("details", lambda t, zone: safe_text(t.details)),
            NOTE,
            FOR_CLINICIAN,
            LOGGED_BY,
            # A medicine's start, change or stop: the medicine (by name), its dose and times.
            ("medicine", lambda t, zone: safe_text(t.medicine.name) if t.medicine_id else ""),
            ("dose", lambda t, zone: decimal_text(t.dose)),
            ("times", lambda t, zone: joined(t.times)),
        ),
        entry_rows(TreatmentEvent, "date", [MEDICINE_NAME]),
        later=("medicine", "dose", "times"),
    ),
    CsvFile(
        "tried",
        _("What was tried"),
        (
            ("entry_kind", lambda use, zone: "spasm" if use.spasm_id else "pain"),
            ("entry_id", lambda use, zone: use.spasm_id or use.pain_id),
            ("intervention", lambda use, zone: use.intervention__slug),
            ("dose", lambda use, zone: safe_text(use.dose)),
            *stored("effect"),
        ),
        tried_rows,
    ),
    CsvFile(
        "ad-episodes",
        _("Autonomic dysreflexia episodes"),
        (
            *TIMED_FIRST,
            ("causes", lambda e, zone: joined(e.causes)),
            ("actions", lambda e, zone: joined(e.actions)),
            *stored("outcome"),
            NOTE,
            FOR_CLINICIAN,
            LOGGED_BY,
        ),
        entry_rows(ADEpisode, "occurred_at"),
    ),
    CsvFile(
        "ad-readings",
        _("Blood-pressure readings"),
        (
            *stored("episode_id"),
            ("taken_at", lambda reading, zone: local_time(reading.taken_at, zone)),
            *stored("systolic", "diastolic", "pulse"),
        ),
        reading_rows,
    ),
]
FILES.append(
    CsvFile(
        "sci-set",
        _("Weekly spasticity questions (SCI-SET)"),
        (
            ENTRY_ID,
            ("date", lambda w, zone: w.date.isoformat()),
            # diary.sciset.score: the one computation of it, written for reading only.
            *stored("score"),
            Spread(
                tuple(f"item_{key}" for key in ITEM_KEYS),
                lambda w, zone: list(map(w.answers.get, ITEM_KEYS)),
            ),
            NOTE,
            FOR_CLINICIAN,
            LOGGED_BY,
        ),
        entry_rows(SpasticityWeek, "date", kind=row_class(SpasticityWeek, "score")),
        export_only=("score",),
    )
)
FILES.append(
    CsvFile(
        "care",
        _("Bladder, bowel and skin"),
        (
            *TIMED_FIRST,
            # CareEvent.area: worked out from the event, written for sorting in a spreadsheet.
            *stored("area", "event", "volume_ml", "bowel_result", "checked_by", "site", "stage"),
            NOTE,
            FOR_CLINICIAN,
            LOGGED_BY,
        ),
        entry_rows(CareEvent, "occurred_at", kind=row_class(CareEvent, "area")),
        export_only=("area",),
    )
)
FILES += [
    CsvFile(
        "medicines",
        _("Medicines"),
        (
            ("name", lambda m, zone: safe_text(m.name)),
            *stored("unit", "route", "reason"),
            ("remind", lambda m, zone: int(m.remind)),
        ),
        lambda owner: Read(Medicine.objects.filter(owner=owner).order_by("name", "pk")),
    ),
    CsvFile(
        "doses",
        _("Medicine doses"),
        (
            ENTRY_ID,
            ("medicine", lambda d, zone: safe_text(d.medicine.name)),
            *stored("status"),
            ("occurred_at", lambda d, zone: local_time(d.occurred_at, zone)),
            (
                "scheduled_for",
                lambda d, zone: local_time(d.scheduled_for, zone) if d.scheduled_for else "",
            ),
            ("amount", lambda d, zone: decimal_text(d.amount)),
            NOTE,
            FOR_CLINICIAN,
            LOGGED_BY,
        ),
        entry_rows(MedicineDose, "occurred_at", [MEDICINE_NAME]),
    ),
]
# The item columns of sci-set.csv, which an import gathers into the week's answers.
SCISET_ITEM_COLUMNS = {f"item_{key}": key for key in ITEM_KEYS}
FILES_BY_NAME = {csv_file.name: csv_file for csv_file in FILES}


def csv_lines(csv_file, owner) -> Iterator[str]:
    """The file as text: the header, then a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_file.header())
    for chunk in csv_file.chunks(owner):
        writer.writerows(chunk)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # the header of a file with no rows
        yield buffer.getvalue()
