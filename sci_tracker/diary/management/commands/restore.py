"""manage.py restore PATH: put a copy made by manage.py backup back as the app's database."""

import sqlite3
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from sci_tracker.diary.management.sqlite_copy import live_sqlite
from sci_tracker.diary.models import CheckIn, LegPainEntry, SpasmEpisode, TreatmentEvent

# The first 16 bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"


class Command(BaseCommand):
    help = (
        "Replace the SQLite database with PATH, a copy made by manage.py backup, after checking "
        "it. Everything written since that copy is lost. (PostgreSQL: use pg_restore.)"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file to bring back.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, path, interactive, **options):
        live = live_sqlite()
        backup = open_checked(path)
        try:
            applied = set(backup.execute("SELECT app, name FROM django_migrations"))
            known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
            if applied - known:
                raise CommandError(
                    f"{path} was made by a newer SCI Tracker (migrations unknown here: "
                    f"{describe(applied - known)}); upgrade the app first. Nothing was changed."
                )
            database = connection.settings_dict["NAME"]
            if interactive:
                try:
                    answer = input(
                        f"This replaces everything in {database} with {path}; whatever was "
                        "written since that backup is lost. Type 'yes' to go on: "
                    )
                except EOFError:  # no one to ask, e.g. run from cron without --no-input
                    answer = ""
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled; nothing was changed.")
            # The backup API again, not a file copy: the live database is rewritten in one write
            # transaction through SQLite's locks and WAL, so the app's connections wait for it
            # and then see all of the backup, never a mix, and no file is swapped under them.
            backup.backup(live)
        except sqlite3.Error as error:
            raise CommandError(f"Restore failed ({error}); nothing was changed.") from None
        finally:
            backup.close()
        self.stdout.write(self.style.SUCCESS(f"Restored {database} from {path}."))
        if known - applied:
            self.stdout.write(
                f"The backup predates {len(known - applied)} migration(s): run manage.py migrate."
            )
        if not settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
            # The built-in cache is a table in this database and came back with it; any other
            # holds trends by diary version, and the restore wound those versions back.
            self.stdout.write(
                "Empty the app's cache (its Redis database) now: it holds trends by diary "
                "version, and the restore wound those versions back."
            )


def open_checked(path):
    """A read-only connection to `path`, once it proves to be a sound SCI Tracker database."""
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    if header != SQLITE_HEADER:
        raise CommandError(f"{path} is not an SQLite database. Nothing was changed.")
    # Read-only, so checking a file can never change it.
    backup = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in backup.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise CommandError(
                f"{path} is damaged (integrity_check: {'; '.join(problems[:3])}). "
                "Nothing was changed."
            )
        tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master")}
        # The accounts and the four kinds of entry, there since the first migration (so an
        # older backup passes: not every kind in ENTRY_MODELS, as AD episodes came later), and
        # the record of which migrations the file has had.
        models = [get_user_model(), SpasmEpisode, LegPainEntry, CheckIn, TreatmentEvent]
        ours = ["django_migrations", *(model._meta.db_table for model in models)]
        missing = [table for table in ours if table not in tables]
        if missing:
            raise CommandError(
                f"{path} is not an SCI Tracker backup: it lacks the tables "
                f"{', '.join(missing)}. Nothing was changed."
            )
    except sqlite3.DatabaseError as error:
        backup.close()
        raise CommandError(f"{path} is damaged ({error}). Nothing was changed.") from None
    except CommandError:
        backup.close()
        raise
    return backup


def describe(migrations):
    return ", ".join(f"{app}.{name}" for app, name in sorted(migrations))
