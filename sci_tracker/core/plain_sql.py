"""The few statements every tap (and every signed-in request) runs, written once a process from
the models' metadata.

Building a query through the ORM (filters, lookups, compiling) costs more CPU than the
database's answer to a one-row lookup by index; these lookups ran on every tap (bench/load.py's
writes phase), and the account's on every request. Names come from the models' metadata and
every value is a parameter, converted as the ORM converts it (`db_value`), so SQLite and
PostgreSQL compare what the ORM would.
"""

from collections.abc import Callable, Hashable
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
_ONE_ROW: dict = {}


def one_row_for(key: Hashable, build: Callable[[int], QuerySet], owner_id: int) -> tuple | None:
    """The row `build(owner_id)` (a .values_list() query) answers, converted as the ORM converts
    it, or None. Its SQL is compiled once a process (for `key`, on this database) with a stand-in
    for the person and then run with each person's id: for a query of many subqueries,
    compiling took several times longer than the database's answer. Only for queries whose SQL
    is the same for every person (no time zone in it), with no parameter besides the person's
    id that equals the stand-in."""
    found = _ONE_ROW.get((key, connection.alias))
    if found is None:
        compiler = build(OWNER_STAND_IN).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        places = [param == OWNER_STAND_IN and type(param) is int for param in params]
        if not any(places):  # the person's id is not a parameter: compile it each time
            return build(owner_id).first()
        columns = [select[0] for select in compiler.select[: compiler.col_count]]
        found = _ONE_ROW[(key, connection.alias)] = (
            sql,
            places,
            params,
            compiler.get_converters(columns),
        )
    sql, places, params, converters = found
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [owner_id if mine else p for p, mine in zip(params, places, strict=True)]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for position, (found_converters, expression) in converters.items():
        for convert in found_converters:
            row[position] = convert(row[position], expression, connection)
    return tuple(row)
