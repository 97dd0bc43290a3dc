"""What a request costs in SQL queries: a full leg-pain entry, a spasm from the offline queue,
and the trends pages and the logging forms whatever the length of the diary (bench/trends.py
and bench/load.py time them)."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sci_tracker.accounts.models import User
from sci_tracker.accounts.resume import account_tag
from sci_tracker.diary import demo
from sci_tracker.diary.models import (
    Intervention,
    LegPainEntry,
    PainDay,
    PainProblem,
    PainTriggerDay,
    SpasmDay,
    SpasmEpisode,
    Trigger,
)
from tests.conftest import diary_queries
from tests.entries import NOW, builtin, event

# The session, the account, the form's choices (pain problems, triggers, what was tried: once
# for every row), the entry, its triggers, its uses, the version moved on, the day's figures
# deleted and counted again, its trigger days counted over theirs (a new entry only adds: see
# diary.day_figures). bench/trends.py's target is 12.
FULL_PAIN_POST_QUERIES = 12
# The session, the account, the person's lock (on PostgreSQL), the tap's id looked up, a double
# tap looked for, the spasm, the version moved on, and the day's figures, its hours' and its
# trigger days' each counted over the rows there (no delete first: a new spasm only adds).
SPASM_NOW_POST_QUERIES = 10
# Transaction control: SQLite's backend logs its BEGIN and COMMIT as queries, PostgreSQL's
# (psycopg's autocommit off, then commit) does not. Left out so the count is the same on both.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT")


def statements(captured) -> list:
    return [q["sql"] for q in captured if not q["sql"].startswith(TRANSACTION_CONTROL)]


def full_pain_entry(problem):
    """The web form's leg-pain entry with every field filled."""
    return {
        "when": "15",
        "intensity": "7",
        "problem": problem.pk,
        "sites": ["left-foot", "right-foot"],
        "qualities": ["burning", "tingling"],
        "pain_type": "neuropathic-below",
        "triggers": [builtin(Trigger, "full-bladder").pk, builtin(Trigger, "cold").pk],
        "red_flags": [],
        "note": "Worse after the bus ride",
        "note_for_clinician": "on",
        "tried-TOTAL_FORMS": "2",
        "tried-INITIAL_FORMS": "0",
        "tried-0-intervention": builtin(Intervention, "stretching").pk,
        "tried-0-effect": "helped-a-little",
        "tried-0-dose": "",
        "tried-1-intervention": builtin(Intervention, "baclofen").pk,
        "tried-1-effect": "not-sure",
        "tried-1-dose": "10 mg",
    }


# Committed for real, as in production: the entry's transaction is the request's own, not a
# savepoint inside a test's.
@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW, tick=False)
def test_it_saves_a_full_leg_pain_entry_in_at_most_12_queries(catalogue, alice, client):
    client.force_login(alice)
    problem = PainProblem.objects.create(owner=alice, slot=1, name="Burning feet")
    client.get(reverse("diary:history"))  # the session is read, as on any later request
    version = User.objects.get(pk=alice.pk).diary_version
    data = full_pain_entry(problem)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("diary:new", args=["pain"]), data)

    sent = statements(queries.captured_queries)
    assert len(sent) <= FULL_PAIN_POST_QUERIES, "\n".join(sent)
    assert response.status_code == 302
    entry = LegPainEntry.objects.get()
    assert (entry.intensity, entry.problem, entry.note_for_clinician) == (7, problem, True)
    assert {t.slug for t in entry.triggers.all()} == {"full-bladder", "cold"}
    assert {(u.intervention.slug, u.dose, u.effect) for u in entry.uses.all()} == {
        ("stretching", "", "helped-a-little"),
        ("baclofen", "10 mg", "not-sure"),
    }
    # The day's figures were counted in the same request, and the version moved on once.
    day = entry.occurred_at.astimezone(alice.zone).date()
    assert list(PainDay.objects.values_list("day", "problem", "total", "entries", "worst")) == [
        (day, problem.pk, 7, 1, 7)
    ]
    assert set(PainTriggerDay.objects.values_list("day", "trigger__slug", "entries")) == {
        (day, "full-bladder", 1),
        (day, "cold", 1),
    }
    assert User.objects.get(pk=alice.pk).diary_version == version + 1


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW, tick=False)
def test_it_saves_a_queued_spasm_in_at_most_10_queries(alice, client):
    # What the offline queue sends (static/js/queue.js), as the load bench's writes phase does.
    client.force_login(alice)
    client.get(reverse("diary:history"))
    version = User.objects.get(pk=alice.pk).diary_version
    tapped = NOW - timedelta(minutes=3)
    tap = uuid.uuid4()

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("diary:spasm_now"),
            {
                "client_id": str(tap),
                "tapped_at": str(int(tapped.timestamp() * 1000)),
                "account": account_tag(alice),
            },
            headers={"Accept": "application/json"},
        )

    sent = statements(queries.captured_queries)
    assert len(sent) <= SPASM_NOW_POST_QUERIES, "\n".join(sent)
    assert response.json()["saved"] is True
    assert response.json()["duplicate"] is False
    spasm = SpasmEpisode.objects.get()
    assert (spasm.client_id, spasm.occurred_at, spasm.severity) == (tap, tapped, None)
    day = tapped.astimezone(alice.zone).date()
    assert list(SpasmDay.objects.values_list("day", "episodes")) == [(day, 1)]
    assert User.objects.get(pk=alice.pk).diary_version == version + 1


@time_machine.travel(NOW, tick=False)
def test_it_refuses_an_intervention_not_offered_without_saving(alice_client, alice, bob):
    problem = PainProblem.objects.create(owner=alice, slot=1, name="Burning feet")
    theirs = Intervention.objects.create(owner=bob, slug="bobs", name="Bob's own")
    data = full_pain_entry(problem) | {"tried-1-intervention": theirs.pk}
    response = alice_client.post(reverse("diary:new", args=["pain"]), data)
    assert response.status_code == 200
    assert "That answer is not on the list any more." in response.text
    assert not LegPainEntry.objects.exists()
    assert not PainDay.objects.exists()


TRENDS_PAGES = [
    *(f"/trends/?range={key}" for key in ("14d", "30d", "90d", "1y", "all")),
    "/trends/triggers/?range=all",
    "/trends/triggers/?range=30d",
    "/trends/interventions/?range=all",
    "/trends/data.json",
    "/trends/data.json?from=2022-01-01&to=2026-03-14",
]


@time_machine.travel(NOW, tick=False)
def test_it_reads_every_trends_page_in_as_many_queries_for_3_years_as_for_2(db, client):
    # Two years, not one: a year's whole range is charted by day, longer ones by month.
    from django.core.cache import cache

    from sci_tracker.trends.models import MonthDays, MonthFigures, MonthTried, MonthTriggers

    counts = {}
    for years in (2, 3):
        outcome = demo.seed_demo(name=f"years{years}", days=365 * years)
        client.force_login(User.objects.get(email=outcome.email))
        for url in TRENDS_PAGES:
            # The first view after a change to an old day: nothing kept, in the cache or in
            # the closed past's month rows (trends.month_days and the tables of its rule).
            cache.clear()
            for table in (MonthDays, MonthFigures, MonthTried, MonthTriggers):
                table.objects.all().delete()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            counts.setdefault(url, {})[years] = len(diary_queries(queries))
    assert {url: found[2] for url, found in counts.items()} == {
        url: found[3] for url, found in counts.items()
    }


@time_machine.travel(NOW, tick=False)
def test_it_widens_the_all_range_at_once_for_an_earlier_entry(alice_client, alice):
    from tests.entries import spasm

    spasm(alice, occurred_at=NOW.replace(year=2025))
    assert "from=2025-03-15" in alice_client.get("/trends/?range=all").text  # Auckland's day
    spasm(alice, occurred_at=NOW.replace(year=2024))  # the first day is kept per diary version
    assert "from=2024-03-15" in alice_client.get("/trends/?range=all").text
    # Another record before it (not one of the day series, whose change to an old day alone
    # moves the past version on) widens it too.
    event(alice, NOW.date().replace(year=2023))
    assert "from=2023-03-14" in alice_client.get("/trends/?range=all").text


@time_machine.travel(NOW, tick=False)
def test_logging_now_leaves_a_settled_first_day_kept(alice_client, alice, monkeypatch):
    from sci_tracker.trends import forms
    from tests.entries import spasm

    spasm(alice, occurred_at=NOW.replace(year=2025))
    assert "from=2025-03-15" in alice_client.get("/trends/?range=all").text
    read = []
    monkeypatch.setattr(forms, "first_recorded_day", lambda owner: read.append(owner) or None)
    spasm(alice, occurred_at=NOW)  # logged now: the diary version moves on, the others stay
    assert "from=2025-03-15" in alice_client.get("/trends/?range=all").text
    assert read == []


@time_machine.travel(NOW, tick=False)
def test_a_recent_first_day_is_kept_for_one_version_of_the_diary(alice_client, alice):
    from tests.entries import spasm

    spasm(alice, occurred_at=NOW - timedelta(days=2))
    assert "from=2026-03-13" in alice_client.get("/trends/?range=all").text
    spasm(alice, occurred_at=NOW - timedelta(days=5))  # a recent day: the past version stays
    assert "from=2026-03-10" in alice_client.get("/trends/?range=all").text


def diary_with(owner, count, hours_back=0):
    """`count` spasms and leg pain entries, each with a trigger and something tried, an hour
    apart, from `hours_back` hours before NOW."""
    from datetime import timedelta

    from sci_tracker.diary.models import InterventionUse
    from tests.entries import pain, spasm

    for n in range(count):
        moment = NOW - timedelta(hours=hours_back + n + 1)
        entry = spasm(owner, occurred_at=moment)
        entry.triggers.add(builtin(Trigger, "cold"))
        InterventionUse.objects.create(intervention=builtin(Intervention, "heat"), spasm=entry)
        entry = pain(owner, occurred_at=moment)
        InterventionUse.objects.create(intervention=builtin(Intervention, "stretching"), pain=entry)


@time_machine.travel(NOW, tick=False)
def test_it_draws_the_logging_pages_in_as_many_queries_for_30_entries_as_for_1(
    catalogue, alice, alice_client
):
    counts = {}
    for total, more in ((1, 1), (30, 29)):
        diary_with(alice, more, hours_back=total - more)
        newest = SpasmEpisode.objects.filter(owner=alice).latest("occurred_at")
        pages = ["/log/", "/log/spasm/", "/log/pain/", f"/entries/spasm/{newest.pk}/"]
        for url in pages:
            key = url if "/entries/" not in url else "/entries/spasm/<id>/"
            with CaptureQueriesContext(connection) as queries:
                response = alice_client.get(url)
            assert response.status_code == 200, url
            counts.setdefault(key, {})[total] = len(diary_queries(queries))
    assert {url: found[1] for url, found in counts.items()} == {
        url: found[30] for url, found in counts.items()
    }


@time_machine.travel(NOW, tick=False)
def test_it_reads_the_things_tried_once_for_every_row_of_the_form(catalogue, alice, alice_client):
    diary_with(alice, 3)
    with CaptureQueriesContext(connection) as queries:
        text = alice_client.get("/log/pain/").text
    # Two empty rows of what was tried, each offering the catalogue, most used first.
    assert text.count('<option value="" selected>Choose…</option>') == 2
    by_use = [
        sql
        for sql in statements(queries)
        if '"recent_uses"' in sql and 'FROM "diary_intervention"' in sql
    ]
    assert len(by_use) == 1  # one read of the interventions by use, not one a row
    assert not [sql for sql in by_use if "COUNT(*)" in sql]
