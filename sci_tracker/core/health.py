"""Whether the database can take a write now, for /healthz.

Answering "SELECT 1" proves only that the database can be read: a SQLite file whose write lock
another process holds, a read-only file or a server in read-only mode all answer it while every
save fails. So the check writes a row inside a transaction it then rolls back, waiting only a
moment for the write lock, so a monitor hears about a stuck lock at once instead of after the
20-second wait a save is allowed.
"""

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# How long the check waits for another writer's lock before it calls the database locked.
LOCK_WAIT_MS = 1000
# What a failed write's message says, in the words of SQLite and PostgreSQL, and what to call it.
REASONS = (
    (("locked", "lock timeout", "busy"), "locked"),
    (("readonly", "read-only", "read only"), "read-only"),
    (("full", "no space"), "full"),
)


def database_problem() -> dict[str, str] | None:
    """None when the database can be read and written now; otherwise what is wrong, as
    {"database": "unreachable"} or {"database": "cannot write", "reason": ...}."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return {"database": "unreachable"}
    try:
        _write_and_roll_back()
    except DatabaseError as error:
        logger.exception("Health check: the database could not take a write")
        return {"database": "cannot write", "reason": _reason(error)}
    return None


def _write_and_roll_back() -> None:
    with _short_lock_wait(), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Local to this transaction: the settings go with the rollback.
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{LOCK_WAIT_MS}"])
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)", [f"{2 * LOCK_WAIT_MS}"]
                )
        # A real row in a real table, so the write goes through the same checks a save does;
        # the key cannot be a session's (they are 32 letters and digits, no hyphen).
        Session.objects.create(
            session_key=f"healthz-{secrets.token_hex(8)}",
            session_data="",
            expire_date=timezone.now(),
        )
        transaction.set_rollback(True)


@contextmanager
def _short_lock_wait() -> Iterator[None]:
    """On SQLite, wait at most LOCK_WAIT_MS for the write lock, then put back the usual wait."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        usual = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {usual:d}")


def _reason(error: DatabaseError) -> str:
    message = str(error).lower()
    for words, reason in REASONS:
        if any(word in message for word in words):
            return reason
    return "failed"
