"""Statements made once a process (core.plain_sql): the account read on every signed-in request
(get_by_pk through UserManager.get) and the pages' reads compiled once (rows_for) answer as the
ORM does."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from sci_tracker.accounts.models import User
from sci_tracker.core import plain_sql
from sci_tracker.diary.models import SpasmEpisode


def test_it_reads_an_account_by_its_key_as_the_orm_does(alice):
    alice.last_login = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC)
    alice.time_zone = "America/New_York"
    alice.save()

    with CaptureQueriesContext(connection) as statements:
        fast = User.objects.get(pk=alice.pk)
    orm = User.objects.filter(pk=alice.pk).get()

    assert len(statements) == 1
    assert "LIMIT" not in statements[0]["sql"]  # not the ORM's get(), which adds LIMIT 21
    for field in User._meta.concrete_fields:
        mine, theirs = getattr(fast, field.attname), getattr(orm, field.attname)
        assert (type(mine), mine) == (type(theirs), theirs), field.name
    assert (fast._state.db, fast._state.adding) == (orm._state.db, False)
    assert fast.zone.key == "America/New_York"


def test_it_says_when_there_is_no_such_account(db):
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=987_654)


def test_it_leaves_every_other_lookup_to_the_orm(alice):
    assert User.objects.get(email=alice.email) == alice
    assert User.objects.get(pk=str(alice.pk)) == alice


def account(owner_id):
    return User.objects.filter(pk=owner_id).values_list("email", "date_joined", "time_zone")


def test_rows_compiled_once_answer_for_each_person_as_the_orm_does(alice, bob):
    """The same values, of the same types, as the ORM gives, and each person's own."""
    for person in (alice, bob, alice):
        assert plain_sql.rows_for(account, owner_id=person.pk) == list(account(person.pk))
    assert plain_sql.rows_for(account, owner_id=987_654) == []


def spasms_between(owner, since, until, first, last):
    """A person's spasms between two moments and on days between two dates (as UTC days)."""
    return (
        SpasmEpisode.objects.filter(owner=owner, occurred_at__gte=since, occurred_at__lt=until)
        .filter(occurred_at__date__gte=first, occurred_at__date__lte=last)
        .values_list("occurred_at", "severity")
        .order_by("occurred_at")
    )


def counted(method, calls: list):
    def wrapper(*args, **kwargs):
        calls.append(1)
        return method(*args, **kwargs)

    return wrapper


def test_dates_and_moments_go_where_the_orm_puts_them(alice, bob, monkeypatch):
    """Each call's moments and dates replace the stand-ins: the rows are those of its own
    window, moments read back as the ORM reads them (aware, in UTC), and the statement is
    compiled by the first call alone."""
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    for n in range(6):
        for person in (alice, bob):
            SpasmEpisode.objects.create(
                owner=person, occurred_at=start + timedelta(days=n), severity=n % 3 + 1
            )
    for since, until, first, last in (
        (start, start + timedelta(days=6), date(2026, 3, 2), date(2026, 3, 4)),
        (start + timedelta(hours=1), start + timedelta(days=3), date(2026, 3, 1), date(2026, 3, 9)),
        (start, start + timedelta(days=9), date(2026, 3, 6), date(2026, 3, 6)),
    ):
        compiled = []
        monkeypatch.setattr(SQLCompiler, "as_sql", counted(SQLCompiler.as_sql, compiled))
        found = plain_sql.rows_for(
            spasms_between, owner=alice.pk, since=since, until=until, first=first, last=last
        )
        monkeypatch.undo()
        assert len(compiled) == (1 if first == date(2026, 3, 2) else 0)
        assert found == list(spasms_between(alice.pk, since, until, first, last))
        assert found  # each window holds some of alice's spasms (and none of bob's)
    assert found == [(datetime(2026, 3, 6, 8, tzinfo=UTC), 3)]


def test_text_goes_where_the_orm_puts_it(alice, bob):
    def by_zone(zone):
        return User.objects.filter(time_zone=zone).values_list("email").order_by("email")

    alice.time_zone = "Pacific/Auckland"
    alice.save()
    assert plain_sql.rows_for(by_zone, zone="Pacific/Auckland") == [(alice.email,)]
    assert plain_sql.rows_for(by_zone, zone=bob.time_zone) == [(bob.email,)]


def test_a_query_whose_sql_is_not_the_same_for_every_value_is_compiled_each_time(alice, bob):
    """A value that is not a parameter of its own (here it is written into text) or that is
    None (IS NULL): rows_for gives the ORM's answer for each call's values, not the
    stand-in's."""

    def named(owner_id):
        return (
            User.objects.filter(pk=alice.pk)
            .annotate(asked=Value(f"#{owner_id}"))
            .values_list("asked")
        )

    assert plain_sql.rows_for(named, owner_id=bob.pk) == [(f"#{bob.pk}",)]
    assert plain_sql.rows_for(named, owner_id=alice.pk) == [(f"#{alice.pk}",)]

    def by_login(moment):
        return User.objects.filter(last_login=moment).values_list("email").order_by("email")

    alice.last_login = datetime(2026, 3, 1, tzinfo=UTC)
    alice.save()
    assert plain_sql.rows_for(by_login, moment=alice.last_login) == [(alice.email,)]
    assert plain_sql.rows_for(by_login, moment=None) == [(bob.email,)]


def test_past_the_most_statements_it_starts_again_from_none(alice, bob, monkeypatch):
    """Shapes may differ with every custom range: the statements kept stay few, and the
    answers stay right when they are made again."""
    monkeypatch.setattr(plain_sql, "MOST_COMPILED", 2)
    monkeypatch.setattr(plain_sql, "_COMPILED", {})

    def by_zone(zone, owner_id):
        return User.objects.filter(pk=owner_id, time_zone=zone).values_list("email")

    for zone in ("Europe/London", "America/Denver", "Pacific/Auckland", "Europe/London"):
        expected = list(by_zone(zone, alice.pk))
        assert plain_sql.rows_for(by_zone, zone, owner_id=alice.pk) == expected
        assert len(plain_sql._COMPILED) <= 2
    assert plain_sql.rows_for(by_zone, "Pacific/Auckland", owner_id=alice.pk) == [(alice.email,)]
