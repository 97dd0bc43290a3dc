"""The few statements every tap runs, written once a process from the models' metadata.

Building a query through the ORM (filters, lookups, compiling) costs more CPU than the
database's answer to a one-row lookup by index; on the write path these lookups ran on every
tap (bench/load.py's writes phase). Names come from the models' metadata and every value is a
parameter, converted as the ORM converts it (`db_value`), so SQLite and PostgreSQL compare what
the ORM would.
"""

from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model


def db_value(model: type[Model], field: str, value: Any) -> Any:
    """`value` as the ORM sends it to the database for `model.field` (a UUID as 32 hex digits
    and a moment as UTC text on SQLite, themselves on PostgreSQL)."""
    return model._meta.get_field(field).get_db_prep_value(value, connection)


@cache
def _columns(model: type[Model], vendor: str, names: tuple[str, ...]) -> tuple[str, ...]:
    quote = connection.ops.quote_name
    return tuple(quote(model._meta.get_field(name).column) for name in names)


def columns(model: type[Model], *names: str) -> tuple[str, ...]:
    """The quoted columns of these fields (`pk` for the primary key), and then the table."""
    meta = model._meta
    names = tuple(meta.pk.name if name == "pk" else name for name in names)
    return (*_columns(model, connection.vendor, names), connection.ops.quote_name(meta.db_table))


def first_pk(sql: str, params: list) -> int | None:
    """The first column of the first row `sql` answers, or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else row[0]
