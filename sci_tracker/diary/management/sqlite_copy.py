"""What manage.py backup and restore share: the app's own SQLite connection, or a refusal.

Both copy with SQLite's online backup API (sqlite3.Connection.backup) rather than the file, so
the copy goes through SQLite's locks and write-ahead log: a backup is one committed state of a
database that may be in use, and a restore replaces the live one in a single write transaction.
"""

from django.core.management.base import CommandError
from django.db import connection


def live_sqlite():
    """The raw sqlite3 connection Django opened with the settings' OPTIONS (WAL, busy timeout),
    so the copy waits its turn behind the app's writers like any request does."""
    if connection.vendor != "sqlite":
        raise CommandError(
            f"The database is {connection.display_name}, not SQLite: back it up with "
            "pg_dump -Fc and bring it back with pg_restore "
            "(docs/operations.md: Backing up the database)."
        )
    connection.ensure_connection()
    return connection.connection
