"""How fast the trends pages are on years of data: `make bench` (or `python bench/trends.py`).

Creates, in a scratch database, one person with 1 year and one with 10 years of demo diary (about
4 spasms, 1.3 pain entries and a check-in a day, with triggers and interventions), then requests
each page through Django's full middleware stack with DEBUG off, in this one process, and prints
the median and 95th-percentile server time of each, as a ratio to a trivial page (the floor),
with its SQL query count.

Targets: the same query count for 1 and 10 years of data, at most 12 a page, and
/trends/data.json for all 10 years under 10x the floor. Each page is timed twice: repeated, as a
person or clinician looking again sees it (the figures are cached per diary version), and with the
cache emptied before each request, as the first view after a new entry sees it. The target is
checked on the repeated figure; the first-view figure is printed beside it.

The scratch database is SQLite in a temporary folder, or PostgreSQL with
`--database-url postgres://...` (that database is emptied and filled).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_QUERIES = 12
TARGET_DATA_RATIO = 10


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (default: SQLite)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    return parser.parse_args()


def set_up_django(database_url, scratch):
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ["SCI_TRACKER_DATA_DIR"] = scratch
    os.environ["SCI_TRACKER_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sci_tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from sci_tracker.diary.catalogue import sync_catalogue
    from sci_tracker.diary.models import Intervention, Trigger

    sync_catalogue(Trigger, Intervention)  # flush empties the catalogue the migrations loaded
    # As in production: hashed, compressed static files (into the git-ignored staticfiles/).
    call_command("collectstatic", interactive=False, verbosity=0)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(client, url, repeat, before=None):
    """Median and 95th percentile, in ms, of `repeat` requests; `before` runs, untimed, before
    each one."""
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), percentile(times, 0.95)


# A page that only reads opens a transaction for one thing: the built-in cache storing its
# figures (a savepoint inside a test's transaction).
CACHE_TRANSACTION = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


def measure(client, url, repeat):
    """Server time of GET url with nothing cached and with the trends cache warm, and the SQL
    queries it runs on the diary with nothing cached. The built-in cache's own queries (a few
    reads and writes of its table, the same for every page, none with Redis) are left out."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sci_tracker.core.models import CACHE_TABLE

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read now: the next request empties the query log (Django's request_started signal).
    query_count = sum(
        CACHE_TABLE not in query["sql"] and not query["sql"].startswith(CACHE_TRANSACTION)
        for query in queries.captured_queries
    )
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    for _ in range(3):  # warm up
        client.get(url)
    return {
        "cold": timed(client, url, repeat, before=cache.clear),
        "cached": timed(client, url, repeat),
        "queries": query_count,
    }


PAGES = [
    ("floor: /healthz", "/healthz"),
    ("home", "/"),
    ("/trends/ 1 year", "/trends/?range=1y"),
    ("/trends/ all", "/trends/?range=all"),
    ("data.json 1 year", "/trends/data.json?{1y}"),
    ("data.json all", "/trends/data.json?{all}"),
    ("/trends/triggers/ 1 year", "/trends/triggers/?range=1y"),
    ("/trends/interventions/ all", "/trends/interventions/?range=all"),
]
COLUMNS = "{:27} {:>8} {:>8} {:>8} {:>7} {:>9} {:>8} {:>7} {:>7}"


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        set_up_django(args.database_url, scratch)
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        from sci_tracker.accounts.models import User
        from sci_tracker.diary import demo

        assert not settings.DEBUG
        people = {}
        for label, days in [("1 year", 365), ("10 years", 3650)]:
            started = time.perf_counter()
            outcome = demo.seed_demo(name=f"bench{days}", days=days)
            counts = ", ".join(f"{n:,} {kind}" for kind, n in outcome.counts.items())
            print(f"{label} of data: {counts} ({time.perf_counter() - started:.1f} s)")
            client = Client(SERVER_NAME="localhost")
            client.force_login(User.objects.get(email=outcome.email))
            people[label] = client

        print(
            f"\n{connection.vendor}, DEBUG off, {args.repeat} timed requests per page and state, "
            "server time through the full middleware stack.\n'cold': the trends cache emptied "
            "before each request (the first view after a change); 'cached': repeated views."
        )
        header = COLUMNS.format(
            "page", "data", "cold ms", "p95", "x floor", "cached ms", "p95", "x floor", "queries"
        )
        print(header)
        print("-" * len(header))
        results = {}
        for label, client in people.items():
            ranges = data_ranges(client)
            floor = None
            for page, url in PAGES:
                figures = measure(client, url.format(**ranges), args.repeat)
                (cold, cold_p95), (cached, cached_p95) = figures["cold"], figures["cached"]
                floor = floor or cached
                results[(page, label)] = (cold / floor, cached / floor, figures["queries"])
                row = [cold, cold_p95, cold / floor, cached, cached_p95, cached / floor]
                print(
                    COLUMNS.format(
                        page,
                        label,
                        *(
                            f"{value:.2f}" if n % 3 != 2 else f"{value:.1f}"
                            for n, value in enumerate(row)
                        ),
                        figures["queries"],
                    )
                )
        print()
        verdicts = check_targets(results, [page for page, _ in PAGES[1:]])
        print("\n".join(verdicts))
        return 1 if any(line.startswith("FAIL") for line in verdicts) else 0


def data_ranges(client):
    """The from/to query strings the trends page itself sends for 1 year and for everything."""
    import re

    urls = {}
    for key in ("1y", "all"):
        html = client.get(f"/trends/?range={key}").content.decode()
        query = re.search(r'data-trends-src="[^"?]*\?([^"]*)"', html).group(1)
        urls[key] = query.replace("&amp;", "&")
    return urls


def check_targets(results, pages):
    lines = []
    for page in pages:
        one, ten = results[(page, "1 year")][2], results[(page, "10 years")][2]
        ok = one == ten and ten <= TARGET_QUERIES
        lines.append(
            f"{'PASS' if ok else 'FAIL'} {page}: {one} queries with 1 year of data, {ten} with 10 "
            f"(target: equal, at most {TARGET_QUERIES})"
        )
    cold, cached, _ = results[("data.json all", "10 years")]
    lines.append(
        f"{'PASS' if cached < TARGET_DATA_RATIO else 'FAIL'} data.json for all 10 years, "
        f"repeated: {cached:.1f}x the floor (target: under {TARGET_DATA_RATIO}x)"
    )
    # Not a target, but printed so nobody mistakes the cached figure for the whole story.
    lines.append(
        f"INFO data.json for all 10 years, first request after a change (nothing cached): "
        f"{cold:.1f}x the floor"
    )
    return lines


if __name__ == "__main__":
    sys.exit(main())
