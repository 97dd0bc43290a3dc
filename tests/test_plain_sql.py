"""The account read on every signed-in request, with a statement made once a process
(core.plain_sql.get_by_pk through UserManager.get): the same account the ORM reads."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from sci_tracker.accounts.models import User
from sci_tracker.core import plain_sql


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


def test_a_row_compiled_once_answers_for_each_person_as_the_orm_does(alice, bob):
    """core.plain_sql.one_row_for: the same values, of the same types, as the ORM gives."""

    def account(owner_id):
        return User.objects.filter(pk=owner_id).values_list("email", "date_joined", "time_zone")

    for person in (alice, bob, alice):
        assert plain_sql.one_row_for(account, account, person.pk) == account(person.pk).get()
    assert plain_sql.one_row_for(account, account, 987_654) is None


def test_a_query_without_the_person_among_its_parameters_is_compiled_each_time(alice, bob):
    """No parameter to put the person's id in (here it is text): one_row_for gives the ORM's
    answer for this person, not the stand-in's."""

    def named(owner_id):
        return (
            User.objects.filter(pk=alice.pk)
            .annotate(asked=Value(f"#{owner_id}"))
            .values_list("asked")
        )

    assert plain_sql.one_row_for(named, named, bob.pk) == (f"#{bob.pk}",)
    assert plain_sql.one_row_for(named, named, alice.pk) == (f"#{alice.pk}",)
