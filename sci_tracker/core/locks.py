"""A person's row locked for the rest of the transaction, so their writes take turns.

One plain statement: a tap takes this lock on every save, and the ORM's query building costs
more CPU than the database's answer (bench/load.py's writes phase)."""

from django.contrib.auth import get_user_model
from django.db import connection


def lock_person(pk: int) -> None:
    """Lock the account `pk` until the transaction ends (PostgreSQL: FOR NO KEY UPDATE, which
    still lets rows that refer to it be written). SQLite's IMMEDIATE transactions hold the
    database's write lock from their start, so there is nothing to add there."""
    features = connection.features
    if not features.has_select_for_update:
        return
    user = get_user_model()._meta
    quote = connection.ops.quote_name
    strength = "NO KEY UPDATE" if features.has_select_for_no_key_update else "UPDATE"
    # Names from the model's metadata, the id a parameter.
    sql = (
        f"SELECT 1 FROM {quote(user.db_table)} "  # noqa: S608
        f"WHERE {quote(user.pk.column)} = %s FOR {strength}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
