"""The per-day figures (SpasmDay, PainDay) kept in step with the entries they add up.

Every figure is counted again from the entries, never nudged up or down: a save recounts the
local day the entry left and the day it is on now, in the save's own transaction, so the rows
are exactly what grouping the entries would give. Paths that write many entries at once without
save() (an import, the demo diary) and a change of the person's time zone, which moves every
entry's local day, rebuild the person's rows whole. `manage.py rebuild_day_figures` does the
same for everyone, and a test holds the rows equal to a fresh count over random diaries.

A day is the owner's local date in their current zone; night is 22:00 to 06:00 local time (a
02:00 spasm counts on the day it happened, in that day's night figure). SpasmHour splits each
day's spasms by local hour, for the hours of the day over long ranges; SpasmTriggerDay and
PainTriggerDay count each day's entries by the triggers they name, for the triggers page.

A change that only adds (a new entry, a trigger added to one) can only raise a day's figures,
so the day's fresh count is written over its rows where the table has one row per key (an
upsert), without deleting them first: one statement a table instead of two on every new entry.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum, UniqueConstraint

from sci_tracker.core import plain_sql
from sci_tracker.core.local_time import LocalDate, LocalHour
from sci_tracker.diary import closed_past, one_change
from sci_tracker.diary.models import (
    LegPainEntry,
    PainDay,
    PainTriggerDay,
    SpasmDay,
    SpasmEpisode,
    SpasmHour,
    SpasmTriggerDay,
)

NIGHT_HOURS = (22, 23, 0, 1, 2, 3, 4, 5)
NIGHT = Q(local_hour__gte=NIGHT_HOURS[0]) | Q(local_hour__lt=NIGHT_HOURS[-1] + 1)

# The entries counted, and the fields whose change can move a figure: a save that writes only
# other fields (a severity tapped after "Spasm now", a note) recounts nothing.
COUNTED = (SpasmEpisode, LegPainEntry)
COUNTED_FIELDS = frozenset({"occurred_at", "deleted_at", "intensity", "problem", "owner"})
BATCH = 1000


def bounds(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The local days first to last as aware datetimes [from, until)."""
    return (
        datetime.combine(first, time(), zone),
        datetime.combine(last + timedelta(days=1), time(), zone),
    )


def _counted(model, owner_id: int, since: datetime, until: datetime):
    """The person's active entries of `model` (spasms or pain) from `since` until `until`."""
    return model.objects.filter(
        owner_id=owner_id, deleted_at__isnull=True, occurred_at__gte=since, occurred_at__lt=until
    )


def spasm_rows(owner_id: int, zone: tzinfo, since: datetime, until: datetime):
    """Counted from the entries: per local day, the active spasms and those at night."""
    span = (zone, since, until)
    return (
        _counted(SpasmEpisode, owner_id, since, until)
        .annotate(day=LocalDate("occurred_at", *span), local_hour=LocalHour("occurred_at", *span))
        .values("day")
        .annotate(episodes=Count("id"), night=Count("id", filter=NIGHT))
        .order_by()
    )


def hour_rows(owner_id: int, zone: tzinfo, since: datetime, until: datetime):
    """Counted from the entries: per local day and local hour, the active spasms."""
    span = (zone, since, until)
    return (
        _counted(SpasmEpisode, owner_id, since, until)
        .annotate(day=LocalDate("occurred_at", *span), hour=LocalHour("occurred_at", *span))
        .values("day", "hour")
        .annotate(episodes=Count("id"))
        .order_by()
    )


def pain_rows(owner_id: int, zone: tzinfo, since: datetime, until: datetime):
    """Counted from the entries: per local day and pain problem, the sum, count and highest of
    the active leg-pain ratings."""
    return (
        _counted(LegPainEntry, owner_id, since, until)
        .annotate(day=LocalDate("occurred_at", zone, since, until))
        .values("day", "problem")
        .annotate(total=Sum("intensity"), entries=Count("id"), worst=Max("intensity"))
        .order_by()
    )


def trigger_rows(model):
    """The count of `model`'s (spasms' or pain entries') days by trigger: per local day and
    trigger, the active entries that named it."""

    def rows(owner_id: int, zone: tzinfo, since: datetime, until: datetime):
        return (
            _counted(model, owner_id, since, until)
            .filter(triggers__isnull=False)
            .annotate(day=LocalDate("occurred_at", zone, since, until), trigger=F("triggers"))
            .values("day", "trigger")
            .annotate(entries=Count("id"))
            .order_by()
        )

    return rows


# What each counted model's days are kept in: each table, the count that fills it and the
# columns that count fills, in order.
DAY_ROWS = {
    SpasmEpisode: (
        (SpasmDay, spasm_rows, ("day", "episodes", "night")),
        (SpasmHour, hour_rows, ("day", "hour", "episodes")),
        (SpasmTriggerDay, trigger_rows(SpasmEpisode), ("day", "trigger", "entries")),
    ),
    LegPainEntry: (
        (PainDay, pain_rows, ("day", "problem", "total", "entries", "worst")),
        (PainTriggerDay, trigger_rows(LegPainEntry), ("day", "trigger", "entries")),
    ),
}


def _write(owner_id: int, kept_in: tuple, rows) -> None:
    """The counted `rows` (dicts) into `kept_in`'s table, for a rebuild."""
    day_model, _count, names = kept_in
    attnames = {name: day_model._meta.get_field(name).attname for name in names}
    day_model.objects.bulk_create(
        (
            day_model(owner_id=owner_id, **{attnames[name]: row[name] for name in names})
            for row in rows
        ),
        batch_size=BATCH,
    )


def _insert_counted(
    owner_id: int,
    zone: tzinfo,
    kept_in: tuple,
    since: datetime,
    until: datetime,
    over: bool = False,
) -> None:
    """INSERT ... SELECT: the count goes from the entries into the day rows in one statement,
    without coming through Python. `kept_in` is one of DAY_ROWS' (table, count, columns).
    `over`: written over the rows already there with the same key (see upsert_key)."""
    sql, params = _counted_statement(kept_in, zone, owner_id, since, until, over)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def upsert_key(day_model) -> tuple[str, ...] | None:
    """The fields that make a row of `day_model` one of a kind (its unique constraint), or None
    when it has none (PainDay: a pain problem deleted leaves rows with none beside the day's
    own), so a fresh count cannot be written over its rows."""
    for constraint in day_model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.fields:
            return tuple(constraint.fields)
    return None


# Stand-ins for the values that change from one recount to the next, unlike any real value.
_OWNER, _SINCE, _UNTIL = (
    plain_sql.OWNER_STAND_IN,
    datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=UTC),
    datetime(1901, 3, 4, 5, 6, 7, 8, tzinfo=UTC),
)
# (table, zone name) -> the statement and its parameters: each a stand-in's name, or a value.
_STATEMENTS: dict = {}


def _counted_statement(
    kept_in: tuple, zone: tzinfo, owner_id: int, since: datetime, until: datetime, over: bool
):
    """The INSERT ... SELECT and its parameters. On PostgreSQL the statement for a table and a
    zone is the same whatever the person and days, so it is compiled once a process with
    stand-ins, whose places then take each recount's values: compiling it took more CPU than
    running it. On SQLite the statement itself follows the daylight-saving changes within the
    days counted (core.local_time), so it is compiled every time."""
    if connection.vendor != "postgresql":
        return _compile_counted(kept_in, zone, owner_id, since, until, over)
    key = (kept_in[0], str(zone), over)
    if key not in _STATEMENTS:
        sql, params = _compile_counted(kept_in, zone, _OWNER, _SINCE, _UNTIL, over)
        places = [_stand_in(param) for param in params]
        if {"owner", "since", "until"} - {name for name, _value in places}:
            # not as expected
            return _compile_counted(kept_in, zone, owner_id, since, until, over)
        _STATEMENTS[key] = sql, places
    sql, places = _STATEMENTS[key]
    values = {"owner": owner_id, "since": since, "until": until}
    return sql, [values[name] if name else value for name, value in places]


def _stand_in(param) -> tuple[str, object]:
    """("owner", None) for the owner's stand-in (and so on), ("", param) for any other."""
    for name, stand_in in (("owner", _OWNER), ("since", _SINCE), ("until", _UNTIL)):
        if type(param) is type(stand_in) and param == stand_in:
            return name, None
    return "", param


def _compile_counted(
    kept_in: tuple, zone: tzinfo, owner_id: int, since: datetime, until: datetime, over: bool
):
    day_model, rows, names = kept_in
    select, params = rows(owner_id, zone, since, until).query.sql_with_params()
    quote = connection.ops.quote_name
    column = {name: day_model._meta.get_field(name).column for name in ("owner", *names)}
    # Names from the models' own metadata, values as parameters.
    sql = (
        f"INSERT INTO {quote(day_model._meta.db_table)} ({', '.join(map(quote, column.values()))}) "  # noqa: S608
        f"SELECT %s, {', '.join(map(quote, names))} FROM ({select}) counted"
    )
    if over:
        key = upsert_key(day_model)
        counts = [quote(column[name]) for name in names if name not in key]
        # "WHERE true": SQLite's grammar needs a WHERE before ON CONFLICT after a SELECT.
        sql += (
            f" WHERE true ON CONFLICT ({', '.join(quote(column[name]) for name in key)})"
            f" DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in counts)}"
        )
    return sql, [owner_id, *params]


def recount(
    owner_id: int, zone: tzinfo, days: Iterable[date], models=COUNTED, added: bool = False
) -> None:
    """Count these local days of the person's again from their entries (of `models`: the
    spasms, the pain entries or both). The caller holds the owner's lock (locked_zones).
    `added`: the change only added (see the module), so tables with an upsert_key take the
    fresh count over their rows instead of a delete and an insert."""
    days = sorted(set(days))
    if not days:
        return
    # Two far-apart days (an entry moved by months) are counted apart, not across the months
    # between them; the usual case is one day, or two side by side.
    runs, run = [], [days[0]]
    for day in days[1:]:
        if day - run[-1] > timedelta(days=1):
            runs.append(run)
            run = []
        run.append(day)
    runs.append(run)
    with transaction.atomic(savepoint=False):
        for kept_in in (kept_in for model in models for kept_in in DAY_ROWS[model]):
            over = added and upsert_key(kept_in[0]) is not None
            if not over:
                _delete_days(kept_in[0], owner_id, days)
            for run in runs:
                _insert_counted(owner_id, zone, kept_in, *bounds(run[0], run[-1], zone), over)


def _delete_days(day_model, owner_id: int, days: list[date]) -> None:
    """The person's rows of these days gone: one plain statement (core.plain_sql), as the
    ORM's delete() costs more to build than to run."""
    owner_column, day_column, table = plain_sql.columns(day_model, "owner", "day")
    marks = ", ".join(["%s"] * len(days))
    # Names from the model's metadata, values as parameters.
    sql = f"DELETE FROM {table} WHERE {owner_column} = %s AND {day_column} IN ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [owner_id, *(plain_sql.db_value(day_model, "day", d) for d in days)])


def locked_zones(owner_ids) -> dict:
    """{owner id: zone}, with the owners' rows locked until the transaction ends.

    Counting a day again is delete-then-insert: two transactions doing it for the same day at
    once would each miss the other's new entry and both insert a row. On PostgreSQL the lock
    makes them take turns (the second then sees the first's commit); SQLite's IMMEDIATE
    transactions take turns already. In pk order, so two locks never wait on each other."""
    rows = (
        get_user_model()
        .objects.select_for_update(no_key=True)
        .filter(pk__in=owner_ids)
        .order_by("pk")
        .values_list("pk", "time_zone")
    )
    return {owner_id: ZoneInfo(name) for owner_id, name in rows}


def moved_on_and_locked(owner_ids, closed_past=frozenset(), other_records=frozenset()) -> dict:
    """{owner id: zone} for these owners, with each one's diary version moved on (see
    diary_changed), the past version too for those in `closed_past`, the records version for
    those in `other_records`, and their rows locked until the transaction ends, as locked_zones
    does: one UPDATE ... RETURNING a person, in pk order, so two never wait on each other."""
    zones = {}
    with connection.cursor() as cursor:
        for owner_id in sorted(owner_ids):
            sql = _moved_on_sql(owner_id in closed_past, owner_id in other_records)
            cursor.execute(sql, [owner_id])
            row = cursor.fetchone()
            if row is not None:
                zones[owner_id] = ZoneInfo(row[0])
    return zones


def _moved_on_sql(past: bool, records: bool) -> str:
    user = get_user_model()._meta
    quote = connection.ops.quote_name
    names = [
        "diary_version",
        *(["past_version"] if past else []),
        *(["records_version"] if records else []),
    ]
    moved = ", ".join(f"{c} = {c} + 1" for c in (quote(user.get_field(n).column) for n in names))
    zone = quote(user.get_field("time_zone").column)
    # Names from the model's metadata, the id a parameter.
    return (
        f"UPDATE {quote(user.db_table)} SET {moved} "  # noqa: S608
        f"WHERE {quote(user.pk.column)} = %s RETURNING {zone}"
    )


def past_moved_on(owner_id: int) -> None:
    """The person's past version moved on (diary.closed_past): a change outside one_change
    recounted a day that is not recent."""
    get_user_model().objects.filter(pk=owner_id).update(past_version=F("past_version") + 1)


def rebuild(owner_id: int) -> None:
    """The person's rows made again from all their entries, in their zone as stored now."""
    with transaction.atomic():
        zone = locked_zones([owner_id])[owner_id]
        past_moved_on(owner_id)  # every day may change
        tables = [kept_in for model in COUNTED for kept_in in DAY_ROWS[model]]
        for day_model, _count, _names in tables:
            day_model.objects.filter(owner_id=owner_id).delete()
        found = [
            model.objects.filter(owner_id=owner_id, deleted_at__isnull=True).aggregate(
                since=Min("occurred_at"), until=Max("occurred_at")
            )
            for model in COUNTED
        ]
        moments = [moment for span in found for moment in span.values() if moment is not None]
        if not moments:
            return
        since, until = min(moments), max(moments) + timedelta(seconds=1)
        for kept_in in tables:
            counted = kept_in[1](owner_id, zone, since, until)
            _write(owner_id, kept_in, counted.iterator(chunk_size=BATCH))


# Keeping step with saves (connected in apps.py) ------------------------------------------------


def _counts_change(update_fields) -> bool:
    return update_fields is None or bool(COUNTED_FIELDS & set(update_fields))


def note_day_before(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save: remember the local day the entry is on before this save (it may move)."""
    instance._days_counted_before = None
    if raw or instance._state.adding or not _counts_change(update_fields):
        return
    instance._days_counted_before = (
        sender._base_manager.filter(pk=instance.pk).values_list("occurred_at", "owner_id").first()
    )


def recount_after_save(
    sender, instance, created=False, raw=False, update_fields=None, **kwargs
) -> None:
    """post_save: recount the day the entry left and the day it is on, for each owner."""
    if raw or not _counts_change(update_fields):
        return
    # to_python: a moment given as text is saved as such, and stays text on the instance.
    moment = sender._meta.get_field("occurred_at").to_python(instance.occurred_at)
    moments = {instance.owner_id: {moment}}
    before = getattr(instance, "_days_counted_before", None)
    if before is not None:
        moments.setdefault(before[1], set()).add(before[0])
    _recount_moments(sender, moments, added=created)


def recount_after_links(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """m2m_changed of an entry's triggers: recount the days of the entries whose triggers
    changed. A web form's new entry writes its links itself, without this signal, before the
    end of its change counts its day (diary.one_change)."""
    entry_model = next(m for m in COUNTED if m.triggers.through is sender)
    if reverse and action in ("pre_remove", "pre_clear"):
        # trigger.spasms.clear(): which entries lose it is known only before.
        entries = entry_model._base_manager.filter(triggers=instance)
        if pk_set is not None:
            entries = entries.filter(pk__in=pk_set)
        instance._entries_unlinked = list(entries.values_list("owner_id", "occurred_at"))
        return
    if not action.startswith("post_"):
        return
    if not reverse:
        found = [(instance.owner_id, instance.occurred_at)]
    elif action == "post_add":
        found = entry_model._base_manager.filter(pk__in=pk_set).values_list(
            "owner_id", "occurred_at"
        )
    else:
        found = getattr(instance, "_entries_unlinked", [])
    moments = {}
    for owner_id, moment in found:
        moments.setdefault(owner_id, set()).add(
            entry_model._meta.get_field("occurred_at").to_python(moment)
        )
    if moments:
        _recount_moments(entry_model, moments, added=action == "post_add")


def _recount_moments(model, moments: dict, added: bool) -> None:
    """Recount the local days of these {owner id: moments} for `model`'s tables: at the end of
    the change when inside one (diary.one_change), else now."""
    if one_change.note_days(model, moments, added=added):
        return  # counted once, at the end of the change
    with transaction.atomic():
        zones = locked_zones(moments)
        for owner_id, found in moments.items():
            zone = zones[owner_id]
            days = {moment.astimezone(zone).date() for moment in found}
            recount(owner_id, zone, days, [model], added=added)
            if not closed_past.is_recent(moments=found):
                past_moved_on(owner_id)


def note_zone_before(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save of an account: remember its stored zone, when this save may change it."""
    instance._zone_before = None
    if raw or instance._state.adding:
        return
    if update_fields is not None and "time_zone" not in update_fields:
        return
    instance._zone_before = (
        sender._base_manager.filter(pk=instance.pk).values_list("time_zone", flat=True).first()
    )


def rebuild_after_zone_change(sender, instance, raw=False, **kwargs) -> None:
    """post_save of an account: a new zone moves every entry's local day."""
    before = getattr(instance, "_zone_before", None)
    if not raw and before is not None and before != instance.time_zone:
        rebuild(instance.pk)
