"""How My patients holds up for a clinician with many patients: `python bench/patients.py`.

Creates, in a scratch database, a clinician with 5 patients and one with 500 (each patient with
30 days of check-ins, spasms and pain entries, in three time zones, some with red flags, AD
episodes or a pump refill due), then requests My patients for each through Django's full
middleware stack with DEBUG off, in this one process, and prints the median and 95th-percentile
server time as a ratio to a trivial page (the floor), with the page's SQL queries and the access
log rows it wrote.

Targets: the same number of queries for 5 and 500 patients, and one access-log INSERT per view.
Time still grows with the number of patients: the page shows 25 at a time, but sorting by what
needs attention reads 31 days of grouped rows for every one of them (measured on PostgreSQL on
the project's 2-core machine, with tests running beside it: 5 patients 42 ms, 500 patients
548 ms, 30 queries each, sessions and the menu's included). Per-day summaries kept on write
would make that read flat; the ratio is printed for the record.

The scratch database is SQLite in a temporary folder, or PostgreSQL with
`--database-url postgres://...` (that database is emptied and filled): the issue's measurement
is on PostgreSQL.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta

from trends import set_up_django  # the scratch database, as every benchmark here sets it up

ZONES = ["Pacific/Auckland", "America/Denver", "Europe/London"]
DAYS = 30
SIZES = (5, 500)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (default: SQLite)")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page")
    return parser.parse_args()


def fill(clinician, patients, start_at):
    """`patients` people who shared their diary with `clinician`, each with DAYS days."""
    from django.utils import timezone

    from sci_tracker.accounts.models import User
    from sci_tracker.diary import day_figures
    from sci_tracker.diary.models import (
        ADEpisode,
        CheckIn,
        LegPainEntry,
        SpasmEpisode,
        diary_changed,
    )
    from sci_tracker.sharing.models import CareAccess, Role

    now = timezone.now()
    people = User.objects.bulk_create(
        User(
            email=f"p{start_at + n}@example.org",
            display_name=f"Patient {start_at + n}",
            time_zone=ZONES[n % len(ZONES)],
            has_baclofen_pump=n % 7 == 0,
            pump_refill_date=(now + timedelta(days=3)).date() if n % 7 == 0 else None,
        )
        for n in range(patients)
    )
    CareAccess.objects.bulk_create(
        CareAccess(
            person=person,
            email=clinician.email,
            role=Role.CLINICIAN,
            member=clinician,
            accepted_at=now,
        )
        for person in people
    )
    check_ins, spasms, pains, episodes = [], [], [], []
    for n, person in enumerate(people):
        today = now.astimezone(person.zone).date()
        for back in range(DAYS):
            day = today - timedelta(days=back)
            check_ins.append(CheckIn(owner=person, logged_by=person, date=day, psfs_frequency=0))
            moment = datetime.combine(day, datetime.min.time(), person.zone)
            for hour in (8, 13, 23):
                spasms.append(
                    SpasmEpisode(
                        owner=person, logged_by=person, occurred_at=moment + timedelta(hours=hour)
                    )
                )
            pains.append(
                LegPainEntry(
                    owner=person,
                    logged_by=person,
                    occurred_at=moment + timedelta(hours=9),
                    intensity=(n + back) % 11,
                    red_flags=["fever"] if back == 1 and n % 5 == 0 else [],
                )
            )
        if n % 9 == 0:
            episodes.append(
                ADEpisode(
                    owner=person,
                    logged_by=person,
                    occurred_at=now - timedelta(days=2),
                    outcome="settled",
                )
            )
    CheckIn.objects.bulk_create(check_ins, batch_size=2000)
    SpasmEpisode.objects.bulk_create(spasms, batch_size=2000)
    LegPainEntry.objects.bulk_create(pains, batch_size=2000)
    ADEpisode.objects.bulk_create(episodes, batch_size=2000)
    for person in people:
        diary_changed(person.pk)
        day_figures.rebuild(person.pk)  # bulk_create skips the saves that count the days


def measure(client, url, repeat):
    """Median and 95th percentile in ms, the SQL queries of one request, and the access-log
    INSERTs it made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    # Read now: the next request empties the query log (Django's request_started signal).
    query_count = len(queries.captured_queries)
    inserts = sum(
        query["sql"].startswith('INSERT INTO "sharing_accessrecord"')
        for query in queries.captured_queries
    )
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(times), p95, query_count, inserts


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        set_up_django(args.database_url, scratch)
        from django.test import Client

        from sci_tracker.accounts.models import User

        results = {}
        floor_client = Client(SERVER_NAME="localhost")
        floor = measure(floor_client, "/healthz", args.repeat)[0]
        print(f"floor: /healthz {floor:.1f} ms")
        header = ("patients", "ms", "p95", "x floor", "queries", "log INSERTs")
        print("{:>8} {:>9} {:>9} {:>8} {:>8} {:>12}".format(*header))
        start_at = 0
        for size in SIZES:
            clinician = User.objects.create_user(
                email=f"clinician{size}@example.org",
                password=None,  # signed in with force_login
                display_name=f"Dr {size}",
                is_clinician=True,
                email_confirmed_at=datetime.now().astimezone(),
            )
            fill(clinician, size, start_at)
            start_at += size
            client = Client(SERVER_NAME="localhost")
            client.force_login(clinician)
            median, p95, queries, inserts = measure(client, "/people/", args.repeat)
            results[size] = queries
            print(
                f"{size:>8} {median:>9.1f} {p95:>9.1f} {median / floor:>8.1f} "
                f"{queries:>8} {inserts:>12}"
            )
        same = len(set(results.values())) == 1
        print(
            f"Queries for {SIZES[0]} and {SIZES[1]} patients: "
            f"{' and '.join(map(str, results.values()))} ({'the same' if same else 'NOT the same'})"
        )
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
