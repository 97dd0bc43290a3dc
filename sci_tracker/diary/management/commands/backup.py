"""manage.py backup PATH: a consistent copy of the SQLite database, taken while the app runs."""

import os
import sqlite3
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sci_tracker.diary.management.sqlite_copy import live_sqlite


class Command(BaseCommand):
    help = (
        "Copy the SQLite database to PATH with SQLite's online backup API: safe while the app "
        "runs. Bring it back with manage.py restore PATH. (PostgreSQL: use pg_dump.)"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to write.")
        parser.add_argument("--force", action="store_true", help="Replace PATH if it exists.")

    def handle(self, *args, path, force, **options):
        live = live_sqlite()
        if path.is_dir():
            raise CommandError(f"{path} is a folder; give a file name.")
        if path.exists() and not force:
            raise CommandError(f"{path} exists already; add --force to replace it.")
        try:
            # Written beside PATH under another name and renamed at the end, so a failed backup
            # never leaves half a file under PATH nor spoils the one --force replaces. mkstemp
            # makes it readable by its owner only: it holds people's health diaries.
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            os.close(handle)
            try:
                copy = sqlite3.connect(temporary)
                try:
                    # One step (pages=-1, the default) copies every page in one read transaction
                    # of the source: in WAL mode, the last committed state, while writers go on.
                    live.backup(copy)
                    # One self-contained file, with no -wal or -shm file beside it.
                    copy.execute("PRAGMA journal_mode=DELETE")
                finally:
                    copy.close()
                os.replace(temporary, path)
            finally:
                Path(temporary).unlink(missing_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up the database to {path} ({size:,} bytes)."))
