"""manage.py backup and restore (the whole SQLite database; test_backup.py is one person's JSON).

On SQLite each command runs as its own process against a database file in a temporary data
folder, as it would in production (pytest-django's own SQLite database is in memory), and the
tests read that file with sqlite3. On PostgreSQL both commands refuse and point to pg_dump.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# Seconds a command may take: only a guard against a hang, never a measure of speed.
HANG = 600

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's backup and restore; this run is on PostgreSQL, where they refuse",
)


def environment(data_dir):
    """The real settings with only this data folder set, as a deployment would run."""
    keep = ("PATH", "HOME", "LANG")
    return {name: os.environ[name] for name in keep if name in os.environ} | {
        "SCI_TRACKER_DATA_DIR": str(data_dir)
    }


def manage(data_dir, *arguments, input=None):
    """manage.py in a fresh process."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment(data_dir),
        input=input,
        capture_output=True,
        text=True,
        timeout=HANG,
    )


def run(data_dir, *arguments, input=None):
    result = manage(data_dir, *arguments, input=input)
    assert result.returncode == 0, result.stderr
    return result.stdout


def query(database, sql):
    """Rows from the database file, read-only."""
    reader = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return reader.execute(sql).fetchall()
    finally:
        reader.close()


def contents(database):
    """Every table's schema and rows, in rowid order: what the file holds, to compare exactly."""
    tables = query(database, "SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    return {
        name: (sql, query(database, f'SELECT * FROM "{name}" ORDER BY rowid'))  # noqa: S608
        for name, sql in sorted(tables)
    }


def count(database, table, where="TRUE"):
    return query(database, f"SELECT count(*) FROM {table} WHERE {where}")[0][0]  # noqa: S608


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A migrated data folder with 30 days of demo diary, made once and copied for each test."""
    folder = tmp_path_factory.mktemp("seeded")
    run(folder, "migrate", "--no-input", "-v0")
    run(folder, "seed_demo", "--days", "30")
    return folder


@pytest.fixture
def data(seeded, tmp_path):
    return Path(shutil.copytree(seeded, tmp_path / "data"))


CHANGE_THE_DIARY = """
from sci_tracker.accounts.models import User
from sci_tracker.diary.models import CheckIn, LegPainEntry, SpasmEpisode
demo = User.objects.get(email="demo@example.org")
SpasmEpisode.objects.log_now(owner=demo, logged_by=demo)
SpasmEpisode.objects.filter(owner=demo).order_by("pk").first().delete()
LegPainEntry.objects.filter(owner=demo).order_by("pk").last().move_to_bin()
CheckIn.objects.filter(owner=demo).delete()
User.objects.create_user(email="new@example.org")
"""


@sqlite_only
def test_it_backs_up_and_restores_exactly_what_was_there(data, tmp_path):
    database = data / "db.sqlite3"
    copy = tmp_path / "backup.sqlite3"
    before = contents(database)

    out = run(data, "backup", str(copy))

    assert f"Backed up the database to {copy} ({copy.stat().st_size:,} bytes)." in out
    assert contents(copy) == before
    assert query(copy, "PRAGMA integrity_check") == [("ok",)]
    # One file, readable by its owner only, with no -wal or -shm file needed beside it.
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["backup.sqlite3", "data"]
    assert query(copy, "PRAGMA journal_mode") == [("delete",)]

    run(data, "shell", "-c", CHANGE_THE_DIARY)
    assert count(database, "diary_checkin") == 0
    assert count(database, "accounts_user", "email = 'new@example.org'") == 1
    assert contents(database) != before

    out = run(data, "restore", str(copy), "--no-input")

    assert f"Restored {database} from {copy}." in out
    assert contents(database) == before
    assert count(database, "diary_checkin") == 30
    assert count(database, "accounts_user", "email = 'new@example.org'") == 0
    assert query(database, "PRAGMA integrity_check") == [("ok",)]
    assert query(database, "PRAGMA journal_mode") == [("wal",)]


@sqlite_only
def test_it_restores_into_an_empty_data_folder(data, tmp_path):
    copy = tmp_path / "backup.sqlite3"
    run(data, "backup", str(copy))
    fresh = tmp_path / "fresh"

    run(fresh, "restore", str(copy), "--no-input")

    assert contents(fresh / "db.sqlite3") == contents(copy)


WRITE_UNTIL_STOPPED = """
from pathlib import Path
from django.db import transaction
from sci_tracker.accounts.models import User
from sci_tracker.diary.models import LegPainEntry, SpasmEpisode
from django.utils import timezone
demo = User.objects.get(email="demo@example.org")
i = 0
while not Path({stop!r}).exists():
    with transaction.atomic():
        now = timezone.now()
        SpasmEpisode.objects.create(owner=demo, occurred_at=now, note=f"writer {{i}}")
        LegPainEntry.objects.create(owner=demo, occurred_at=now, intensity=3, note=f"writer {{i}}")
    i += 1
    print(i, flush=True)  # transactions committed so far: the test waits on this, not the clock
"""


def wait_until_committed(writer, transactions):
    """Read the writer's reports until it has committed more than `transactions`, however long
    that takes on a busy machine. A writer that stops early ends its output, and fails here."""
    for line in writer.stdout:
        if line.strip().isdigit() and int(line) > transactions:  # shell may say more first
            return
    raise AssertionError(f"the writer stopped after fewer than {transactions + 1} transactions")


def written(database, table):
    """The numbers of the writer's entries in `table`."""
    notes = query(database, f"SELECT note FROM {table} WHERE note LIKE 'writer %'")  # noqa: S608
    return sorted(int(note.split()[1]) for (note,) in notes)


def diary_version(database):
    return query(database, "SELECT diary_version FROM accounts_user")[0][0]


@sqlite_only
def test_it_backs_up_one_committed_state_while_the_app_writes(data, tmp_path):
    database = data / "db.sqlite3"
    start_version = diary_version(database)
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", WRITE_UNTIL_STOPPED.format(stop=str(stop))],
        cwd=ROOT,
        env=environment(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_committed(writer, 19)
        copies = [tmp_path / f"backup-{n}.sqlite3" for n in range(3)]
        for copy in copies:
            run(data, "backup", str(copy))
        # Still writing after the last backup (while the backups ran, a busy machine may not have
        # given it a turn at all): wait for one more transaction than the last backup holds.
        wait_until_committed(writer, len(written(copies[-1], "diary_spasmepisode")))
    finally:
        stop.touch()
        _, errors = writer.communicate(timeout=HANG)
    assert writer.returncode == 0, errors

    taken = []
    for copy in copies:
        assert query(copy, "PRAGMA integrity_check") == [("ok",)]
        spasms = written(copy, "diary_spasmepisode")
        # A committed state: transactions 0 to k-1 whole (a spasm and a bout of pain each, and
        # two diary versions), nothing of any later one.
        assert spasms == list(range(len(spasms)))
        assert written(copy, "diary_legpainentry") == spasms
        assert diary_version(copy) == start_version + 2 * len(spasms)
        taken.append(len(spasms))
    # Taken while the writer wrote: after its first 20 transactions and before its last.
    assert 20 <= taken[0] <= taken[1] <= taken[2] < len(written(database, "diary_spasmepisode"))
    print(f"backups taken after {taken} of {len(written(database, 'diary_spasmepisode'))} writes")


def not_a_database(path):
    path.write_text("date,spasms\n2026-03-01,4\n")


def no_tables_of_ours(path):
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (text TEXT)")
    other.close()


@sqlite_only
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (not_a_database, "is not an SQLite database. Nothing was changed."),
        (no_tables_of_ours, "is not an SCI Tracker backup: it lacks the tables django_migrations"),
    ],
    ids=["a-csv-file", "another-database"],
)
def test_it_refuses_to_restore_a_file_that_is_not_a_backup(data, tmp_path, make, message):
    database = data / "db.sqlite3"
    before = contents(database)
    path = tmp_path / "other"
    make(path)

    result = manage(data, "restore", str(path), "--no-input")

    assert result.returncode == 1
    assert f"CommandError: {path} {message}" in result.stderr
    assert contents(database) == before


def overwrite_two_pages(path):
    damaged = bytearray(path.read_bytes())
    damaged[8192:16384] = b"\xff" * 8192  # pages 3 and 4, whatever they hold
    path.write_bytes(damaged)


def point_an_index_at_another_column(path):
    # The file reads well, but the index no longer matches its table.
    backup = sqlite3.connect(path)
    backup.execute("PRAGMA writable_schema = ON")
    backup.execute(
        "UPDATE sqlite_master SET sql = replace(sql, 'occurred_at', 'note') "
        "WHERE name = 'diary_spasm_owner_time'"
    )
    backup.commit()
    backup.close()


@sqlite_only
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (overwrite_two_pages, "is damaged (database disk image is malformed)"),
        (point_an_index_at_another_column, "is damaged (integrity_check: "),
    ],
    ids=["overwritten-pages", "index-not-matching-its-table"],
)
def test_it_refuses_to_restore_a_damaged_backup(data, tmp_path, damage, message):
    database = data / "db.sqlite3"
    copy = tmp_path / "backup.sqlite3"
    run(data, "backup", str(copy))
    damage(copy)
    before = contents(database)

    result = manage(data, "restore", str(copy), "--no-input")

    assert result.returncode == 1
    assert f"CommandError: {copy} {message}" in result.stderr
    assert "Nothing was changed." in result.stderr
    assert contents(database) == before


@sqlite_only
def test_it_says_to_migrate_after_an_older_backup_and_refuses_a_newer_one(data, tmp_path):
    database = data / "db.sqlite3"
    older, newer = tmp_path / "older.sqlite3", tmp_path / "newer.sqlite3"
    run(data, "backup", str(older))
    run(data, "backup", str(newer))
    for path, change in [
        (older, "DELETE FROM django_migrations WHERE name = '0003_is_clinician'"),
        (newer, "INSERT INTO django_migrations VALUES (99, 'diary', '0099_later', '2030-01-01')"),
    ]:
        backup = sqlite3.connect(path)
        backup.execute(change)
        backup.commit()
        backup.close()
    before = contents(database)

    refused = manage(data, "restore", str(newer), "--no-input")

    assert refused.returncode == 1
    assert (
        f"{newer} was made by a newer SCI Tracker (migrations unknown here: diary.0099_later); "
        "upgrade the app first. Nothing was changed." in refused.stderr
    )
    assert contents(database) == before

    out = run(data, "restore", str(older), "--no-input")

    assert "The backup predates 1 migration(s): run manage.py migrate." in out
    assert contents(database) == contents(older)


@sqlite_only
def test_it_restores_nothing_unless_told_yes(data, tmp_path):
    database = data / "db.sqlite3"
    copy = tmp_path / "backup.sqlite3"
    run(data, "backup", str(copy))
    run(data, "shell", "-c", CHANGE_THE_DIARY)
    changed = contents(database)

    result = manage(data, "restore", str(copy), input="no\n")

    assert "Type 'yes' to go on:" in result.stdout
    assert result.returncode == 1
    assert "Restore cancelled; nothing was changed." in result.stderr
    assert contents(database) == changed


@sqlite_only
def test_it_replaces_an_existing_file_only_with_force(data, tmp_path):
    copy = tmp_path / "backup.sqlite3"
    copy.write_text("an older backup")

    result = manage(data, "backup", str(copy))

    assert result.returncode == 1
    assert f"CommandError: {copy} exists already; add --force to replace it." in result.stderr
    assert copy.read_text() == "an older backup"

    run(data, "backup", str(copy), "--force")

    assert contents(copy) == contents(data / "db.sqlite3")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["backup.sqlite3", "data"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's refusal; this run is on SQLite, where the commands work",
)
@pytest.mark.parametrize(
    ("command", "tool"), [("backup", "pg_dump -Fc"), ("restore", "pg_restore")]
)
def test_it_points_to_pg_dump_and_pg_restore_on_postgresql(tmp_path, command, tool):
    path = tmp_path / "backup.sqlite3"
    if command == "restore":
        path.write_text("anything")

    with pytest.raises(CommandError, match="not SQLite: back it up with pg_dump -Fc") as refusal:
        call_command(command, str(path), "--no-input" if command == "restore" else "--force")

    assert tool in str(refusal.value)
    assert "docs/operations.md: Backing up the database" in str(refusal.value)
    assert sorted(tmp_path.iterdir()) == ([path] if command == "restore" else [])
