"""How much memory an import takes, and how long it holds the write lock: `make bench` (or
`python bench/import_memory.py`).

An upload can be 20 MB. Each case below is run in a fresh process, as a worker would take it:
the upload form reads and checks the file and keeps it waiting; for a file it accepts, the
preview plans the import and the confirmation writes it. The figure is the growth of the
process's resident memory, from where it rested before the upload to its peak (ru_maxrss),
so memory that C code takes (the JSON parser, the database driver) counts too. The floor is the
same process doing nothing.

Cases: the largest valid backup and CSV file (as many rows as one import takes, or as fit in
20 MB), and files made to cost memory: 20 MB of blank CSV lines, 20 MB of `[]` in JSON, 20 MB
of nested and wide JSON, and JSON with as many lists and values as the count before parsing
lets through.

Target: every case stays under 150 MB more than the floor (exit status 1 otherwise). For the
accepted files it also prints how many write transactions the import took and the longest one,
which is the longest that anyone else's save waits for the write lock.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from trends import set_up_django

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 150
SIZE = 20 * 1024 * 1024 - 64 * 1024  # just under the upload limit
PERSON = "importer@example.org"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (default: SQLite)")
    parser.add_argument("--only", nargs="*", help="only these cases (and the floor)")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one case, in a child process
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    return parser.parse_args()


# The files ----------------------------------------------------------------------------------


def spasm_item(number):
    minute = time.strftime("%Y-%m-%dT%H:%M:00+00:00", time.gmtime(978307200 + number * 600))
    return {
        "occurred_at": minute,
        "pattern": "jerky",
        "severity": 2,
        "regions": ["both-legs"],
        "duration": "seconds",
        "impacts": [],
        "triggers": ["full-bladder"],
        "red_flags": [],
        "note": "After the transfer to bed, both legs kicked twice.",
        "note_for_clinician": False,
        "logged_by": PERSON,
        "created_at": minute,
        "updated_at": minute,
        "deleted_at": None,
        "tried": [{"intervention": "stretching", "dose": "10 min", "effect": "helped-a-little"}],
    }


def large_backup(path):
    """As backup.py writes it: one item a line, as many spasms (each with one thing tried, two
    rows) as one import takes, or as fit in 20 MB."""
    from sci_tracker.exports import backup
    from sci_tracker.exports.importer import MAX_ROWS

    head = {
        "format": backup.FORMAT,
        "version": backup.VERSION,
        "exported_at": "2030-01-01T00:00:00+00:00",
        "profile": {
            "email": PERSON,
            "display_name": "Importer",
            "time_zone": "UTC",
            "injury_level": "T4",
            "completeness": "A",
            "is_clinician": False,
        },
    }
    with open(path, "w") as out:
        out.write(json.dumps(head)[:-1])
        written, number = 0, 0
        for section in backup.SECTIONS:
            out.write(f', "{section.key}": [')
            if section.key == "spasms":
                separator = "\n  "
                while written < SIZE - 4096 and (number + 1) * 2 <= MAX_ROWS:
                    line = separator + json.dumps(spasm_item(number))
                    out.write(line)
                    written += len(line)
                    number += 1
                    separator = ",\n  "
            out.write("]")
        out.write("}\n")
    return number


def large_csv(path):
    """spasms.csv with as many rows as one import takes, or as fit in 20 MB."""
    from sci_tracker.exports.csv_files import FILES_BY_NAME
    from sci_tracker.exports.importer import MAX_ROWS

    header = FILES_BY_NAME["spasms"].header()
    rows = 0
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        while rows < MAX_ROWS and out.tell() < SIZE - 1024:
            item = spasm_item(rows)
            values = {
                **{name: item.get(name, "") for name in header},
                "id": str(rows + 1),
                "regions": "both-legs",
                "triggers": "full-bladder",
                "impacts": "",
                "red_flags": "",
                "note_for_clinician": "0",
                "deleted_at": "",
            }
            writer.writerow([values[name] for name in header])
            rows += 1
    return rows


def blank_lines(path):
    from sci_tracker.exports.csv_files import FILES_BY_NAME

    header = ",".join(FILES_BY_NAME["spasms"].header()) + "\n"
    Path(path).write_text(header + "\n" * (SIZE - len(header)))
    return 0


def empty_lists(path):
    Path(path).write_text("[" + "[]," * (SIZE // 3 - 1) + "[]]")
    return 0


def nested_and_wide(path):
    """A backup's own shape, then a section that is deep and wide at once."""
    piece = '{"a": [[[[{}]]], [[]], "ab", 1, "ab", 1]}, '
    body = piece * ((SIZE - 200) // len(piece))
    start = '{"format": "sci-tracker-backup", "version": 1, "spasms": ['
    Path(path).write_text(start + body + "{}]}")
    return 0


def at_the_limits(path):
    """As many lists and values as the count before parsing lets through, each list holding
    two strings (a value each), and spaces, which cost nothing parsed, up to 20 MB."""
    from sci_tracker.exports.importer.read import MAX_JSON_CONTAINERS, MAX_JSON_VALUES

    pieces = min(MAX_JSON_CONTAINERS, MAX_JSON_VALUES // 3) - 10  # 1 list, 2 commas each
    body = '["ab", "cd"],' * pieces
    start = '{"format": "sci-tracker-backup", "version": 1, "spasms": ['
    Path(path).write_text(start + body + "[]]" + " " * (SIZE - len(body) - 100) + "}")
    return 0


CASES = [
    ("nothing", None, "the floor: the same process doing nothing"),
    ("backup", large_backup, "a valid backup"),
    ("csv", large_csv, "a valid spasms.csv"),
    ("blank-csv", blank_lines, "blank CSV lines"),
    ("empty-json", empty_lists, "[] in JSON"),
    ("nested-json", nested_and_wide, "nested and wide JSON"),
    ("limit-json", at_the_limits, "JSON just inside the count"),
]


# One case, in a child process ------------------------------------------------------------------


def status_bytes(name):
    """VmRSS (resident now) or VmHWM (its peak) of this process, in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(name)


def reset_peak():
    """Start the peak afresh from what is resident now (Linux 4.0 and later), so that what
    Django's start-up took and let go does not count."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")


def run_case(case, path):
    """Upload, preview and (if accepted) confirm one file; prints what it cost as JSON."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.files.uploadedfile import UploadedFile

    from sci_tracker.accounts.models import User
    from sci_tracker.exports import importer
    from sci_tracker.exports.forms import ImportForm

    owner = User.objects.get(email=PERSON)
    batches = []
    importer.batch_written.connect(
        lambda sender, seconds, **kwargs: batches.append(seconds), weak=False
    )
    reset_peak()
    resting = status_bytes("VmRSS")
    start = time.perf_counter()
    outcome = ""
    if case != "nothing":
        with open(path, "rb") as file:
            chosen = UploadedFile(file, Path(path).name, size=os.path.getsize(path))
            form = ImportForm({}, {"files": [chosen]})
            accepted = form.is_valid()
        if not accepted:
            outcome = "refused: " + " ".join(form.errors["files"])[:60]
        else:
            pending = importer.keep_pending(owner, form.payload, False)
            del form
            pending = importer.waiting_import(owner)
            plan = importer.plan_import(owner, pending.payload)
            outcome = f"{plan.adding} entries to add"
            del plan, pending
            result = importer.confirm_import(owner, importer.waiting_import(owner).pk)
            outcome = result.message()
    print(
        json.dumps(
            {
                "growth": status_bytes("VmHWM") - resting,
                "peak": status_bytes("VmHWM"),
                "seconds": time.perf_counter() - start,
                "outcome": outcome,
                "batches": len(batches),
                "longest": max(batches, default=0),
                "median": statistics.median(batches) if batches else 0,
            }
        )
    )


def in_child(case, path, scratch, database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url or f"sqlite:///{scratch}/bench.sqlite3",
        "SCI_TRACKER_DATA_DIR": scratch,
        "SCI_TRACKER_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "sci_tracker.settings",
    }
    command = [sys.executable, __file__, "--case", case, "--file", path or "", "--scratch", scratch]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise SystemExit(f"{case} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    args = parse_args()
    if args.case:
        return run_case(args.case, args.file)
    with tempfile.TemporaryDirectory() as scratch:
        set_up_django(args.database_url, scratch)
        from sci_tracker.accounts.models import User

        figures = {}
        print(f"{'case':32} {'file':>8} {'growth':>9} {'x floor':>8} {'time':>7}  outcome")
        for case, make, label in CASES:
            if args.only and case != "nothing" and case not in args.only:
                continue
            # A fresh diary for each: the previous case's import is not in the way.
            User.objects.filter(email=PERSON).delete()
            User.objects.create_user(email=PERSON, time_zone="UTC")  # no password: fast
            path = None
            if make:
                path = f"{scratch}/{case}.{'csv' if 'csv' in case else 'json'}"
                make(path)
            found = figures[case] = in_child(case, path, scratch, args.database_url)
            size = f"{os.path.getsize(path) / 1e6:.1f} MB" if path else ""
            ratio = found["peak"] / figures["nothing"]["peak"]
            print(
                f"{label:32} {size:>8} {found['growth'] / 1e6:6.1f} MB {ratio:7.2f}x "
                f"{found['seconds']:6.1f}s  {found['outcome']}"
            )
            if found["batches"]:
                print(
                    f"{'':32} {'':>8} {found['batches']} write transactions, median "
                    f"{found['median'] * 1000:.0f} ms, the longest {found['longest'] * 1000:.0f} ms"
                )
        print(f"\nfloor: the process at rest peaks at {figures['nothing']['peak'] / 1e6:.0f} MB")
        failures = [case for case, found in figures.items() if found["growth"] > LIMIT_MB * 1e6]
        for case in failures:
            print(f"FAIL {case}: {figures[case]['growth'] / 1e6:.0f} MB, over {LIMIT_MB} MB")
        if not failures:
            print(f"ok   every upload took under {LIMIT_MB} MB more than the floor")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
