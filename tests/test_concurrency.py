"""Many writers at once: every write lands, none fails, and the counts come out exact.

On SQLite the writers are separate processes (like gunicorn's workers) against a database file
in a temporary data folder, so the real settings apply: WAL, transaction_mode IMMEDIATE and the
20-second busy timeout. On PostgreSQL they are threads, each with its own connection to the test
database. Both run the same `write` and check the same `tally` against the same `expected`.

The writers' clock is held at one moment (time_machine, in each writer process), so the verdict is
the same however slowly a busy machine starts or runs them: their taps on "Spasm now" are one
double tap because they are meant to be, not because they happened to land within 5 seconds.
How long the writers took is printed, never asserted.
"""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from sci_tracker.diary.models import CheckIn, SpasmEpisode
from tests.test_day_figures import counted_afresh, kept

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 8
ENTRIES = 50  # per writer: a spasm and a check-in each, plus edits
TAPPED = 5  # people every writer taps "Spasm now" for at the same moment
# The writers' clock, held still: every tap lands at this moment, whenever the writer gets to run.
MOMENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite writers; this run is on PostgreSQL"
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL writers; this run is on SQLite"
)


def make_people():
    User = get_user_model()
    names = [f"writer{n}" for n in range(WRITERS)] + ["shared"]
    names += [f"tapped{n}" for n in range(TAPPED)]
    for name in names:
        User.objects.create_user(email=f"{name}@example.org")  # no password: fast


def write(number, wait_for_start):
    """One writer, as fast as it can: what one person's phone, or a carer's, sends."""
    User = get_user_model()
    me = User.objects.get(email=f"writer{number}@example.org")
    shared = User.objects.get(email="shared@example.org")
    tapped = list(User.objects.filter(email__startswith="tapped"))
    wait_for_start()
    # Every writer taps "Spasm now" for the same people at once: one spasm each, not eight.
    for person in tapped:
        SpasmEpisode.objects.log_now(owner=person, logged_by=me)
    for i in range(ENTRIES):
        # Saved as the entry pages save: the entry and its diary version in one transaction.
        with transaction.atomic():
            spasm = SpasmEpisode(
                owner=shared if i % 2 else me,
                logged_by=me,
                occurred_at=timezone.now() - timedelta(hours=i),
                severity=1 + i % 3,
                note=f"writer {number}, spasm {i}",
            )
            spasm.save()
            check_in = CheckIn.objects.create(
                owner=me, logged_by=me, date=date(2026, 1, 1) - timedelta(days=i), psfs_frequency=0
            )
        if i % 5 == 0:  # an edit
            with transaction.atomic():
                check_in.pain_worst = 4
                check_in.save()
        if i % 10 == 0:  # and a delete (to the bin)
            spasm.move_to_bin()


def expected():
    mine = {"spasms": 25, "in_bin": 5, "check_ins": 50, "edited": 10}
    # 25 spasms + 50 check-ins + 10 edits + 5 moves to the bin, each one save.
    counts = {f"writer{n}": {**mine, "diary_version": 90} for n in range(WRITERS)}
    counts["shared"] = {"spasms": 25 * WRITERS, "in_bin": 0, "check_ins": 0, "edited": 0}
    counts["shared"]["diary_version"] = 25 * WRITERS
    for n in range(TAPPED):
        counts[f"tapped{n}"] = {
            "spasms": 1,
            "in_bin": 0,
            "check_ins": 0,
            "edited": 0,
            "diary_version": 1,
        }
    counts["total"] = {"spasms": 50 * WRITERS + TAPPED, "check_ins": 50 * WRITERS}
    counts["shared_logged_by"] = {f"writer{n}": 25 for n in range(WRITERS)}
    counts["day_figures_off"] = []  # the per-day figures of everyone equal a fresh count
    return counts


def tally():
    """What the database holds, in the shape of `expected`."""
    counts = {}
    for person in get_user_model().objects.order_by("email"):
        spasms = SpasmEpisode.objects.filter(owner=person)
        check_ins = CheckIn.objects.filter(owner=person)
        counts[person.email.split("@")[0]] = {
            "spasms": spasms.count(),
            "in_bin": spasms.in_bin().count(),
            "check_ins": check_ins.count(),
            "edited": check_ins.filter(pain_worst=4).count(),
            "diary_version": person.diary_version,
        }
    counts["total"] = {"spasms": SpasmEpisode.objects.count(), "check_ins": CheckIn.objects.count()}
    logged_by = SpasmEpisode.objects.filter(owner__email="shared@example.org")
    counts["shared_logged_by"] = {
        f"writer{n}": logged_by.filter(logged_by__email=f"writer{n}@example.org").count()
        for n in range(WRITERS)
    }
    counts["day_figures_off"] = [
        person.email
        for person in get_user_model().objects.order_by("email")
        if kept(person) != counted_afresh(person)
    ]
    return counts


# SQLite: processes ---------------------------------------------------------------------------


def python(data_dir, code, **options):
    """Run `code` in a fresh Django process with the real settings and this data folder only."""
    environment = {
        name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ
    }
    environment.update(
        SCI_TRACKER_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="sci_tracker.settings"
    )
    setup = "import django; django.setup(); from tests import test_concurrency as t; "
    return subprocess.Popen(
        [sys.executable, "-c", setup + code],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def write_at_the_moment(number):
    """A writer process: `write` with its clock held at MOMENT. It says "ready" on its output
    when it is ready, then waits for a line on its input (the start signal)."""

    def wait_for_start():
        print("ready", flush=True)
        sys.stdin.readline()

    with time_machine.travel(MOMENT, tick=False):
        write(number, wait_for_start)


def migrated_data_folder(tmp_path):
    """A new SQLite data folder with every migration applied, for processes of the real app."""
    data = tmp_path / "data"
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env={**os.environ, "SCI_TRACKER_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=600,  # only against a hang
    )
    assert migrate.returncode == 0, migrate.stderr
    return data


def finish(process):
    # The timeout only stops a hung process; a slow one has all the time it needs.
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return out


@sqlite_only
def test_it_keeps_every_write_from_eight_processes_on_sqlite(tmp_path):
    data = migrated_data_folder(tmp_path)
    finish(python(data, "t.make_people()"))
    writers = [
        python(data, f"t.write_at_the_moment({n})", stdin=subprocess.PIPE) for n in range(WRITERS)
    ]
    # Start them together, once each one says it is ready (a writer that died says nothing, and
    # `finish` shows why).
    for writer in writers:
        if writer.stdout.readline() != "ready\n":
            finish(writer)
    started = time.monotonic()
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        finish(writer)
    took = time.monotonic() - started

    assert json.loads(finish(python(data, "print(__import__('json').dumps(t.tally()))"))) == (
        expected()
    )
    database = sqlite3.connect(data / "db.sqlite3")
    assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    database.close()
    print(f"SQLite: {WRITERS} processes wrote everything in {took:.2f} s")


# PostgreSQL: threads -------------------------------------------------------------------------


@postgresql_only
def test_it_keeps_every_write_from_eight_threads_on_postgresql(transactional_db):
    make_people()
    # No timeout on the start: a slow thread is waited for; one that fails breaks the barrier,
    # so the others stop waiting at once.
    start = threading.Barrier(WRITERS)
    failures = []

    def writer(number):
        try:
            write(number, start.wait)
        except Exception as error:  # reported below, with the writer's number
            start.abort()
            failures.append(f"writer {number}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    started = time.monotonic()
    # time_machine patches the clock for the whole process, so every thread sees MOMENT.
    with time_machine.travel(MOMENT, tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)  # only against a hang
    took = time.monotonic() - started

    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert tally() == expected()
    print(f"PostgreSQL: {WRITERS} threads wrote everything in {took:.2f} s")
