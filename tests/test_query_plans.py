"""A person's pages cost what their own diary costs, whatever the other diaries on the server
hold: what was tried is found from the person's entries, by their (owner, time) index, never by
reading a table every person writes to and filtering it afterwards.

Read from SQLite's query plans, which follow the query and the indexes alone. PostgreSQL's
follow its statistics and read a small table whole on purpose, so a plan there proves nothing
about a large one; docs/development.md ("Costs that follow one diary") has the figures.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sci_tracker.diary.last_time import usual_interventions
from sci_tracker.diary.models import Intervention
from sci_tracker.exports.csv_files import tried_rows
from sci_tracker.trends.aggregates import Period, daily_over, intervention_stats
from tests.entries import builtin, pain, spasm

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plans follow the query alone (see above)"
)


def plans(read) -> list[str]:
    """Each line of the plan of every SELECT that `read()` runs."""
    with CaptureQueriesContext(connection) as queries:
        read()
    lines = []
    for query in queries.captured_queries:
        if query["sql"].startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                lines += [row[3] for row in cursor.fetchall()]
    assert lines, "nothing was read"
    return lines


@pytest.mark.parametrize(
    "read",
    [
        lambda person: usual_interventions(person),
        lambda person: intervention_stats(
            person, Period(person.local_today() - timedelta(days=29), person.local_today())
        ),
        lambda person: [row for chunk in tried_rows(person).chunks(100) for row in chunk],
    ],
    ids=["usual chips", "interventions page and report", "tried.csv"],
)
def test_what_was_tried_is_read_from_the_persons_own_entries(alice, bob, read):
    heat, stretching = (builtin(Intervention, slug) for slug in ("heat", "stretching"))
    for person in (alice, bob):
        spasm(person).uses.create(intervention=heat)
        pain(person).uses.create(intervention=stretching)
    found = plans(lambda: read(alice))
    # The catalogue itself is read whole (it is small, and everyone's by design); every other
    # table is searched by an index.
    scans = [
        line for line in found if line.startswith("SCAN") and line != "SCAN diary_intervention"
    ]
    assert scans == [], "\n".join(found)
    # The uses are looked up by the person's entries, not by the item (whose uses are everyone's).
    uses = [line for line in found if "diary_interventionuse" in line]
    assert uses, "\n".join(found)
    assert all("(spasm_id=?" in line or "(pain_id=?" in line for line in uses), "\n".join(found)


@pytest.mark.parametrize("periods", [1, 2, 8])
def test_the_days_of_a_range_or_of_event_windows_are_read_as_ranges_of_the_day_index(
    alice, periods
):
    """A range's days, or the windows around treatment events years apart (daily_over with
    several periods), are each a range of the (owner, day) index: never every day the person
    ever logged, filtered afterwards."""
    today = alice.local_today()
    asked = [
        Period(today - timedelta(days=400 * n + 30), today - timedelta(days=400 * n))
        for n in reversed(range(periods))
    ]
    found = plans(lambda: daily_over(alice, asked))
    tables = ("diary_checkin", "diary_spasmday", "diary_painday")
    reads = [line for line in found if any(table in line for table in tables)]
    assert len(reads) == 3 * periods, "\n".join(found)
    assert all(
        line.startswith("SEARCH") and ("day>? AND day<?" in line or "date>? AND date<?" in line)
        for line in reads
    ), "\n".join(found)
