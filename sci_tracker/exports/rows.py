"""The exports' rows as plain values, a chunk at a time.

Ten years of diary are hundreds of thousands of rows; building a model instance for each was
most of an export's time. Each export reads its rows with `.values()` instead, and `Row` gives a
row's values as attributes, as a model instance has them (`row.occurred_at`, `row.logged_by_id`,
`row.problem.name`, `row.triggers.all()`), so the code that turns a row into a CSV line, a
backup item or a FHIR resource is written once and reads either.

What a row names is read with it: a foreign key's fields by a join (`Related`), a list per row
(what was tried, the readings, the triggers) by one more query for the whole export, read in the
rows' own order and dealt out to each chunk as it comes (`Many`, `Tags`, `Dealt`).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import JSONField, QuerySet
from django.db.models.sql.constants import MULTI


class Row:
    """One row's values as attributes, without the cost of a model instance."""

    def __init__(self, values: dict):
        self.__dict__ = values

    @property
    def pk(self):
        return self.id


class Items(list):
    """A row's list of related rows, read as a prefetched manager is: `row.triggers.all()`."""

    def all(self) -> "Items":
        return self


NONE = Items()  # the list of a row that has none (read, never changed)


def row_class(model: type[models.Model], *properties: str) -> type[Row]:
    """A Row with some of the model's own properties (`SpasticityWeek.score`, `CareEvent.area`):
    the property is the model's, so the computation stays in one place."""
    return type(f"{model.__name__}Row", (Row,), {name: getattr(model, name) for name in properties})


# An entry's bookkeeping, which only the backup writes.
BOOKKEEPING = ("owner_id", "created_at", "updated_at", "deleted_at", "version", "client_id")


def concrete(model: type[models.Model]) -> tuple[str, ...]:
    """The names of the model's own columns, foreign keys as `<name>_id`."""
    return tuple(field.attname for field in model._meta.concrete_fields)


def sqlite_moment(value):
    """SQLite's text of a UTC moment as an aware datetime: what Django's converter makes of it
    (the database's zone is UTC), in one step."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


REMEMBERED_AT_MOST = 64  # distinct values kept per column: memory stays flat


class Remembered(dict):
    """A column's values converted once per distinct value: a diary repeats a few JSON lists
    (a spasm's regions) and two booleans thousands of times. `remembered[value]` is a lookup in
    C for a value met before. A column whose values seldom repeat (a SCI-SET week's answers)
    keeps only its first REMEMBERED_AT_MOST: else it would hold every row of the diary."""

    def __init__(self, convert):
        super().__init__()
        self.convert = convert

    def __missing__(self, value):
        converted = self.convert(value)
        if len(self) < REMEMBERED_AT_MOST:
            self[value] = converted
        return converted


def converter(convs: list, expression, connection):
    """One column's conversion from the database's value, as Django's own converters do it. A
    JSON text (text on both databases) and SQLite's 0 or 1 are converted once per distinct
    value (rows only read what they get, so they may share one list)."""
    if (
        connection.vendor == "sqlite"
        and convs == [connection.ops.convert_datetimefield_value]
        and settings.USE_TZ
        and connection.timezone == UTC
    ):
        return sqlite_moment

    def convert(value):
        for each in convs:
            value = each(value, expression, connection)
        return value

    repeated = isinstance(getattr(expression, "output_field", None), JSONField) or (
        connection.vendor == "sqlite" and convs == [connection.ops.convert_booleanfield_value]
    )
    return Remembered(convert).__getitem__ if repeated else convert


def value_chunks(rows: QuerySet, size: int) -> Iterator[list[dict]]:
    """`rows` (a .values() queryset) as lists of at most `size` dicts: one query, read `size`
    rows at a time, converted as .values() converts them, a column at a time (fewer steps of
    Python per value than a row at a time)."""
    compiler = rows.query.get_compiler(using=rows.db)
    results = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=size)
    columns = [select[0] for select in compiler.select[: compiler.col_count]]
    names = [*rows.query.extra_select, *rows.query.values_select, *rows.query.annotation_select]
    conversions = [
        (index, converter(convs, expression, compiler.connection))
        for index, (convs, expression) in compiler.get_converters(columns).items()
    ]
    for raw in results:
        if conversions:
            by_column = list(zip(*raw, strict=True))
            for index, convert in conversions:
                by_column[index] = map(convert, by_column[index])
            raw = zip(*by_column, strict=True)
        yield [dict(zip(names, row, strict=True)) for row in raw]


def following(rows: QuerySet, link: str) -> list[str]:
    """The order of `rows`, for the rows of another model that point at them by `link`. It must
    end with the primary key: then each row has its own place, the same in both queries."""
    order = list(rows.query.order_by)
    if not order or order[-1].lstrip("-") not in ("pk", rows.model._meta.pk.name):
        raise ValueError(f"{rows.model.__name__} rows with lists must be ordered by pk last.")
    return [f"-{link}__{name[1:]}" if name[0] == "-" else f"{link}__{name}" for name in order]


class Dealt:
    """(row id, item) pairs read in the order of the rows they belong to, dealt out to each
    chunk of rows as it comes: one query for a whole export, memory flat, no list of ids."""

    def __init__(self, name: str, pairs: Iterator[tuple]):
        self.name = name
        self.pairs = iter(pairs)
        self.head = None
        self.started = False  # no query for the lists of no rows

    def deal(self, chunk: list[Row]) -> None:
        if not self.started:
            self.started = True
            self.head = next(self.pairs, None)
        name, pairs, head = self.name, self.pairs, self.head
        for row in chunk:
            if head is None or head[0] != row.id:
                row.__dict__[name] = NONE
                continue
            items = Items()
            while head is not None and head[0] == row.id:
                items.append(head[1])
                head = next(pairs, None)
            row.__dict__[name] = items
        self.head = head

    def check_done(self) -> None:
        """Every pair was dealt: one left over means the two orders differ (a bug, not data)."""
        if self.head is not None:
            raise RuntimeError(f"The {self.name} were not read in the order of their rows.")


@dataclass(frozen=True)
class Related:
    """A foreign key read by a join: `row.<name>` is a Row of `fields`, or None."""

    name: str
    fields: tuple[str, ...]
    kind: type[Row] = Row

    def lookups(self) -> list[str]:
        return [f"{self.name}__{field}" for field in self.fields]

    @cached_property
    def key(self) -> str:
        return f"{self.name}_id"

    def attach(self, values: dict, seen: dict) -> None:
        """row.<name> from the joined values; one Row per account, problem or medicine, since
        a diary names the same few thousands of times (`seen`: those met so far)."""
        key = values[self.key]
        if key is None:
            values[self.name] = None
            return
        found = seen.get(key)
        if found is None:
            found = seen[key] = self.kind(
                {field: values[f"{self.name}__{field}"] for field in self.fields}
            )
        values[self.name] = found


@dataclass(frozen=True)
class Many:
    """The rows of another model that point at each row (`row.<name>.all()`), in `order`."""

    name: str  # the reverse relation's name on the row's model: "uses", "readings"
    fields: tuple[str, ...]
    order: tuple[str, ...] = ("pk",)
    related: tuple[Related, ...] = ()

    def pairs(self, rows: QuerySet, size: int) -> Iterator[tuple]:
        """(row id, item) for every item of `rows`, in their order, then in `order`."""
        link = rows.model._meta.get_field(self.name).field
        lookups = [*self.fields, *(name for r in self.related for name in r.lookups())]
        items = link.model.objects.filter(**{f"{link.name}__in": rows.values("pk")})
        items = items.order_by(*following(rows, link.name), *self.order)
        seen = {related: {} for related in self.related}
        for chunk in value_chunks(items.values(link.attname, *lookups), size):
            for values in chunk:
                owner = values.pop(link.attname)
                for related in self.related:
                    related.attach(values, seen[related])
                yield owner, Row(values)


@dataclass(frozen=True)
class Tags:
    """A many-to-many list (the triggers): `row.<name>.all()` are Rows of the items' `fields`."""

    name: str
    fields: tuple[str, ...]
    kind: type[Row] = Row

    def pairs(self, rows: QuerySet, size: int) -> Iterator[tuple]:
        """(row id, item) for every link of `rows`, in their order; one Row per item named,
        since a diary names the same few triggers thousands of times."""
        field = rows.model._meta.get_field(self.name)
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = field.remote_field.through.objects.filter(**{f"{source}__in": rows.values("pk")})
        links = links.order_by(*following(rows, source), "pk")
        lookups = [f"{target}__{name}" for name in self.fields]
        seen = {}
        for owner, key, *values in links.values_list(
            f"{source}_id", f"{target}_id", *lookups
        ).iterator(chunk_size=size):
            item = seen.get(key)
            if item is None:
                item = seen[key] = self.kind(dict(zip(self.fields, values, strict=True)))
            yield owner, item


@dataclass(frozen=True)
class Read:
    """How to read one export's rows: the queryset (filtered and ordered), its own columns,
    the foreign keys read with it and the lists read for each chunk."""

    rows: QuerySet
    related: tuple[Related, ...] = ()
    many: tuple[Many | Tags, ...] = ()
    kind: type[Row] = Row
    fields: tuple[str, ...] | None = None  # None: every column of the model...
    leave_out: tuple[str, ...] = ()  # ...but these
    # More rows of the model, read in the same query (UNION ALL) and in the order of `rows`:
    # for rows found two ways, each by its own index, where an OR would read them slower.
    # Rows without lists only.
    union_with: tuple[QuerySet, ...] = ()

    def chunks(self, size: int) -> Iterator[list[Row]]:
        """The rows, `size` at a time (or the model's ROWS_AT_A_TIME, if fewer: its rows are
        heavy): one query for the rows and one for each list, both read a chunk at a time."""
        model = self.rows.model
        size = min(size, getattr(model, "ROWS_AT_A_TIME", size))
        own = [name for name in self.fields or concrete(model) if name not in self.leave_out]
        lookups = [*own, *(name for related in self.related for name in related.lookups())]
        related = [(related, {}) for related in self.related]
        lists = [Dealt(many.name, many.pairs(self.rows, size)) for many in self.many]
        for found in value_chunks(self.values(lookups), size):
            for values in found:
                for each, seen in related:
                    each.attach(values, seen)
            chunk = [self.kind(values) for values in found]
            for dealt in lists:
                dealt.deal(chunk)
            yield chunk
        for dealt in lists:
            dealt.check_done()

    def values(self, lookups: list[str]) -> QuerySet:
        """The rows' `lookups`, one query: the union's parts unordered, the whole in order."""
        if not self.union_with:
            return self.rows.values(*lookups)
        parts = [part.order_by().values(*lookups) for part in self.union_with]
        first = self.rows.order_by().values(*lookups)
        return first.union(*parts, all=True).order_by(*self.rows.query.order_by)
