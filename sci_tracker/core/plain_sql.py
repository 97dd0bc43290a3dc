"""The few statements every tap (and every signed-in request) runs, written once a process from
the models' metadata.

Building a query through the ORM (filters, lookups, compiling) costs more CPU than the
database's answer to a one-row lookup by index; these lookups ran on every tap (bench/load.py's
writes phase), and the account's on every request. Names come from the models' metadata and
every value is a parameter, converted as the ORM converts it (`db_value`), so SQLite and
PostgreSQL compare what the ORM would.
"""

from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from django.db import connection, connections
from django.db.models import Model, QuerySet


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


@cache
def _by_pk(model: type[Model], alias: str) -> tuple[str, list[str], list[tuple[int, list, Any]]]:
    """The statement that reads a row of `model` by its key, the fields' attribute names, and
    for each column that needs them the converters the ORM would apply (as
    SQLCompiler.get_converters finds them: the database's own, then the field's)."""
    target = connections[alias]
    meta = model._meta
    quote = target.ops.quote_name
    fields = meta.concrete_fields
    sql = (
        f"SELECT {', '.join(quote(field.column) for field in fields)} "  # noqa: S608
        f"FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"
    )
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(meta.db_table)
        found = target.ops.get_db_converters(column) + column.get_db_converters(target)
        if found:
            converters.append((position, found, column))
    return sql, [field.attname for field in fields], converters


def get_by_pk(model: type[Model], pk: Any, alias: str) -> Model:
    """The row of `model` with key `pk`, as `model.objects.get(pk=pk)` gives it (DoesNotExist
    when there is none), read with a statement made once a process."""
    sql, names, converters = _by_pk(model, alias)
    target = connections[alias]
    value = model._meta.pk.get_db_prep_value(pk, target)
    with target.cursor() as cursor:
        cursor.execute(sql, [value])
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    row = list(row)
    for position, found, column in converters:
        for converter in found:
            row[position] = converter(row[position], column, target)
    return model.from_db(alias, names, row)


# A person's id that no account has, for statements compiled once a process (here and in
# diary.day_figures): where it stands among the parameters, each person's own id goes.
OWNER_STAND_IN = -7_654_321
_COMPILED: dict = {}
# The shapes (a zone's offsets over a period) may differ with every custom range: past this many
# statements the process starts again from none rather than keep them all.
MOST_COMPILED = 2_000


def _stand_in(value: Any, number: int) -> Any:
    """A value of `value`'s kind that no diary holds, the `number`th of its kind: a query built
    with it shows where the real value goes among the parameters. TypeError for other kinds."""
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return datetime(1, 1, 1, tzinfo=UTC) + timedelta(minutes=number)
    if isinstance(value, date):
        return date(1, 1, 1) + timedelta(days=number)
    if isinstance(value, int) and not isinstance(value, bool):
        return OWNER_STAND_IN - number
    if isinstance(value, str):
        return f"stand-in {number} {OWNER_STAND_IN}"
    raise TypeError(f"no stand-in for a {type(value).__name__}")


def _as_sent(value: Any) -> Any:
    """`value` as the ORM sends a date or moment to this database (text on SQLite, moments in
    UTC); other values as they are."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _compiled(build: Callable[..., QuerySet], shape: tuple, values: dict) -> tuple | None:
    """The SQL of `build(*shape, **stand-ins)`, which parameter takes which value, and the
    converters of its columns; None when the SQL is not the same for every value (a stand-in
    is not a parameter of its own, or shows in the text of the statement or of another
    parameter)."""
    try:
        stand_ins = {name: _stand_in(value, n) for n, (name, value) in enumerate(values.items())}
    except TypeError:
        return None
    compiler = build(*shape, **stand_ins).query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    sent = {name: _as_sent(value) for name, value in stand_ins.items()}
    places = []
    for param in params:
        names = [
            name for name, value in sent.items() if type(param) is type(value) and param == value
        ]
        places.append(names[0] if names else None)
    for name, value in sent.items():
        text = str(value)
        if name not in places or text in sql:
            return None
        if any(
            text in str(param) for param, place in zip(params, places, strict=True) if place is None
        ):
            return None
    columns = [select[0] for select in compiler.select[: compiler.col_count]]
    return sql, places, params, compiler.get_converters(columns)


def rows_for(build: Callable[..., QuerySet], *shape: Hashable, **values: Any) -> list[tuple]:
    """The rows `build(*shape, **values)` (a .values_list() query) answers, converted as the
    ORM converts them. Its SQL is compiled once a process (for `build` and `shape`, on this
    database) with a stand-in for each value, then run with each call's own values: building
    and compiling a query through the ORM costs several times what the database takes to
    answer a page's small reads. The values are ids, text, dates and moments (not None); the
    shape is what else the SQL depends on (a zone and its offsets), passed as it is. A query
    whose SQL is not the same for every value is compiled each time."""
    if any(value is None for value in values.values()):  # IS NULL: other SQL
        return list(build(*shape, **values))
    kinds = tuple(type(value) for value in values.values())
    cache_key = (build, shape, connection.alias, tuple(values), kinds)
    found = _COMPILED.get(cache_key)
    if found is None:
        if len(_COMPILED) >= MOST_COMPILED:
            _COMPILED.clear()
        found = _COMPILED[cache_key] = _compiled(build, shape, values) or ()
    if not found:
        return list(build(*shape, **values))
    sql, places, params, converters = found
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                param if name is None else _as_sent(values[name])
                for param, name in zip(params, places, strict=True)
            ],
        )
        rows = cursor.fetchall()
    if not converters:
        return [tuple(row) for row in rows]
    converted = []
    for row in rows:
        row = list(row)
        for position, (found_converters, expression) in converters.items():
            for convert in found_converters:
                row[position] = convert(row[position], expression, connection)
        converted.append(tuple(row))
    return converted
