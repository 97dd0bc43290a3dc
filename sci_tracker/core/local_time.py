"""A person's local date and hour of a stored moment, worked out by the database itself.

TruncDate and ExtractHour with a zone run as SQL on PostgreSQL (`AT TIME ZONE`). On SQLite, Django
calls back into Python for every row, which takes about half a second for ten years of spasms.
Over a known span of time a zone has only a few UTC offsets, changing at its daylight-saving
transitions, so on SQLite these expressions pick the offset with a CASE over those transitions and
let SQLite's own date functions apply it.
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.db.models import DateField, Func, IntegerField
from django.db.models.functions import ExtractHour, TruncDate

STEP = timedelta(hours=6)  # no zone changes its offset twice within six hours


@lru_cache(maxsize=256)
def _year_offsets(zone, year):
    """The zone's (UTC moment from which it applies, offset) changes within one UTC year."""
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    current = moment.astimezone(zone).utcoffset()
    changes = []
    while moment < end:
        following = moment + STEP
        offset = following.astimezone(zone).utcoffset()
        if offset != current:
            # Narrow the change down to the second between the two samples.
            low, high = int(moment.timestamp()), int(following.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == current:
                    low = middle
                else:
                    high = middle
            high = datetime.fromtimestamp(high, UTC)
            changes.append((high, offset))
            current = offset
        moment = following
    return tuple(changes)


def offsets_between(zone, since, until):
    """The zone's offset at `since`, then each (moment, new offset) change before `until`."""
    first = since.astimezone(zone).utcoffset()
    changes = tuple(
        change
        for year in range(since.astimezone(UTC).year, until.astimezone(UTC).year + 1)
        for change in _year_offsets(zone, year)
        if since < change[0] < until
    )
    return first, changes


def _modifier(offset):
    return f"{int(offset.total_seconds()) // 60:+d} minutes"


def _stored(moment):
    # How Django stores an aware datetime in SQLite: naive UTC text, compared as text.
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


class _LocalSpan:
    """What both expressions share: the zone and the span of time the rows come from, or the
    zone's offsets over that span (offsets_between's) when the caller has them: a statement
    compiled once for moments that stand in for the span's (core.plain_sql.rows_for)."""

    def __init__(self, expression, zone, since=None, until=None, *, offsets=None, **extra):
        super().__init__(expression, tzinfo=zone, **extra)
        self.span = (since, until)
        self.offsets = offsets

    def offset_sql(self, field_sql, field_params):
        first, changes = self.offsets or offsets_between(self.tzinfo, *self.span)
        return _pick_offset(field_sql, field_params, first, changes)


def _pick_offset(field_sql, field_params, first, changes):
    """SQL for the offset in force at field_sql: a binary search over the changes, so ten
    years of daylight saving cost each row about five comparisons, not twenty."""
    if not changes:
        return "%s", [_modifier(first)]
    middle = len(changes) // 2
    moment, offset = changes[middle]
    before_sql, before_params = _pick_offset(field_sql, field_params, first, changes[:middle])
    after_sql, after_params = _pick_offset(field_sql, field_params, offset, changes[middle + 1 :])
    sql = f"(CASE WHEN {field_sql} < %s THEN {before_sql} ELSE {after_sql} END)"
    return sql, [*field_params, _stored(moment), *before_params, *after_params]


class LocalDate(_LocalSpan, TruncDate):
    """The local date, in `zone`, of moments between `since` and `until`."""

    def as_sqlite(self, compiler, connection):
        field_sql, field_params = compiler.compile(self.lhs)
        offset_sql, offset_params = self.offset_sql(field_sql, field_params)
        return f"date({field_sql}, {offset_sql})", [*field_params, *offset_params]


class LocalHour(_LocalSpan, ExtractHour):
    """The local hour (0-23), in `zone`, of moments between `since` and `until`."""

    def as_sqlite(self, compiler, connection):
        field_sql, field_params = compiler.compile(self.lhs)
        offset_sql, offset_params = self.offset_sql(field_sql, field_params)
        sql = f"CAST(strftime('%%H', {field_sql}, {offset_sql}) AS INTEGER)"
        return sql, [*field_params, *offset_params]


class _ByOwner(Func):
    """The same for the rows of several people at once, each row read in its owner's zone:
    `zones` maps each owner's id to their zone, and every row's owner must be among them. The
    SQL picks the zone by owner with one CASE branch per zone (not per person), so its size
    follows the number of zones, and the number of queries stays one."""

    output_field = None

    def __init__(self, expression, owner, zones: dict, since, until):
        super().__init__(expression, owner)
        self.zones = zones
        self.span = (since, until)

    def _by_zone(self):
        owners = {}
        for owner_id, zone in sorted(self.zones.items()):
            owners.setdefault(zone, []).append(owner_id)
        return owners.items()

    def _choice(self, owner_sql, owner_params, branch):
        """CASE WHEN owner IN (...) THEN <branch(zone)> ... END, with its parameters."""
        parts, params = [], []
        for zone, owner_ids in self._by_zone():
            sql, branch_params = branch(zone)
            marks = ", ".join(["%s"] * len(owner_ids))
            parts.append(f"WHEN {owner_sql} IN ({marks}) THEN {sql}")
            params += [*owner_params, *owner_ids, *branch_params]
        return f"(CASE {' '.join(parts)} END)", params

    def _local(self, compiler, connection):
        """PostgreSQL: the moment as local wall time (`AT TIME ZONE` the owner's zone)."""
        (field_sql, field_params), (owner_sql, owner_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        zone_sql, zone_params = self._choice(
            owner_sql, owner_params, lambda zone: ("%s", [zone.key])
        )
        return f"({field_sql} AT TIME ZONE {zone_sql})", [*field_params, *zone_params]

    def _offset(self, compiler, connection):
        """SQLite: the moment's SQL and the modifier that moves it to the owner's zone."""
        (field_sql, field_params), (owner_sql, owner_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )

        def offset(zone):
            first, changes = offsets_between(zone, *self.span)
            return _pick_offset(field_sql, field_params, first, changes)

        offset_sql, offset_params = self._choice(owner_sql, owner_params, offset)
        return field_sql, field_params, offset_sql, offset_params


class LocalDateByOwner(_ByOwner):
    """The local date of each row's moment, in its owner's zone."""

    output_field = DateField()

    def as_sql(self, compiler, connection):
        sql, params = self._local(compiler, connection)
        return f"({sql})::date", params

    def as_sqlite(self, compiler, connection):
        field_sql, field_params, offset_sql, offset_params = self._offset(compiler, connection)
        return f"date({field_sql}, {offset_sql})", [*field_params, *offset_params]


class LocalHourByOwner(_ByOwner):
    """The local hour (0-23) of each row's moment, in its owner's zone."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection):
        sql, params = self._local(compiler, connection)
        return f"EXTRACT(HOUR FROM {sql})::integer", params

    def as_sqlite(self, compiler, connection):
        field_sql, field_params, offset_sql, offset_params = self._offset(compiler, connection)
        sql = f"CAST(strftime('%%H', {field_sql}, {offset_sql}) AS INTEGER)"
        return sql, [*field_params, *offset_params]
