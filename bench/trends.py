"""How fast the trends pages are on years of data: `make bench` (or `python bench/trends.py`).

For SQLite (a temporary folder) and for PostgreSQL (when DATABASE_URL or --database-url names a
server: the bench creates its own database there, h_bench_trends, and drops it after), it makes
people with 1, 10 and 20 years of demo diary (about 4 spasms, 1.3 pain entries and a check-in a
day, with triggers and interventions; with --throughout also the bladder, bowel and skin
programme, three doses a day and a SCI-SET week every week for all the years) and requests every
trends page through Django's full middleware stack with DEBUG off, in one process per database.

Each page is timed against the floor, `/healthz`, requested between the page's own requests in
the same run (page, floor, page, floor...), so a busy machine slows both alike. Three states:
- uncached: the whole cache emptied before each request (a cold cache);
- after logging: a new leg-pain entry saved through the web form (untimed) before each
  request, the first view after logging something now: the diary version moves on, the
  closed past kept under the past version (diary.closed_past) stays;
- cached: repeated views of the same diary version.
Targets (issue 20): uncached and after logging <= 10x the floor, cached <= 5x, at 10 and at
20 years; each page's
SQL query count the same with 1 and 10 years of data (counted on a second view with the cache
emptied: the first view of a diary writes the month rows no page has written yet); a full
leg-pain POST (every field of the web form) in at most 12 queries. A range over a year is
charted a point a month and its overview drawn from its months (trends.months), so a 1-year
diary's whole range is drawn by day and a 10-year one's by month: where the grains differ, the
counts compared are those of a 2-year diary (seeded for this alone) and the 10-year one, the
1-year count printed beside them. Each line says "met" or "NOT met"; the exit status
is 1 when any target is not met.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "h_bench_trends"
YEARS = (1, 10, 20)
# Query counts: 1 against 10 years, or 2 against 10 where the 1-year range has another grain.
COMPARED_YEARS = (1, 10)
COUNTED_YEARS = (1, 2, 10)
TARGET_UNCACHED, TARGET_CACHED, TARGET_POST_QUERIES = 10, 5, 12

# Every trends page: the overview in each of its ranges, the other tabs, and the charts' JSON
# ({1y}/{all}: the from/to query the overview itself sends for that range).
PAGES = [
    *((f"/trends/?range={key}", f"/trends/?range={key}") for key in ("14d", "30d", "90d", "1y")),
    ("/trends/?range=all", "/trends/?range=all"),
    ("/trends/triggers/?range=all", "/trends/triggers/?range=all"),
    ("/trends/triggers/?range=30d", "/trends/triggers/?range=30d"),
    ("/trends/interventions/?range=all", "/trends/interventions/?range=all"),
    ("/trends/data.json (30 days)", "/trends/data.json"),
    ("/trends/data.json 1 year", "/trends/data.json?{1y}"),
    ("/trends/data.json all", "/trends/data.json?{all}"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL server (default: $DATABASE_URL); its database name is replaced by "
        f"{PG_NAME}, made and dropped by the bench. Without one, SQLite only.",
    )
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page and state")
    parser.add_argument("--years", default=",".join(map(str, YEARS)), help="e.g. 1,10,20")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument(
        "--throughout",
        action="store_true",
        help="a heavier diary: the bladder, bowel and skin programme, three doses a day and a "
        "SCI-SET week every week for all the years (seed_demo --throughout), not their last weeks",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # sqlite | a PostgreSQL URL
    return parser.parse_args()


# The parent: one child process per database (settings are read once per process) ----------


def pg_url(server_url: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{PG_NAME}"))


def pg_admin(server_url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(sql)


def main() -> int:
    args = parse_args()
    if args.worker:
        return worker(args)
    targets = []
    if args.only != "postgresql":
        targets.append(("sqlite", "sqlite"))
    if args.only != "sqlite":
        if args.database_url.startswith("postgres"):
            targets.append(("postgresql", pg_url(args.database_url)))
        else:
            print("PostgreSQL skipped: no DATABASE_URL or --database-url naming a server.\n")
    results = {}
    for vendor, target in targets:
        if vendor == "postgresql":
            pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{PG_NAME}"')
            pg_admin(args.database_url, f'CREATE DATABASE "{PG_NAME}"')
        try:
            out = subprocess.run(  # noqa: S603 (this script, with its own arguments)
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    target,
                    "--repeat",
                    str(args.repeat),
                    "--years",
                    args.years,
                    *(["--throughout"] if args.throughout else []),
                ],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
        finally:
            if vendor == "postgresql":
                pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        results[vendor] = json.loads(out.strip().splitlines()[-1])
    return summary(results)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def summary(results: dict) -> int:
    failures = 0
    for vendor, found in results.items():
        print(f"\n== {vendor}: {found['repeat']} requests per page and state, each beside one of")
        print("   the floor (/healthz); median ms, ratio to the floor's median in the same run")
        for years, seeded in found["seeded"].items():
            print(f"   {years} years of demo diary: {seeded}")
        states = (("cold", TARGET_UNCACHED), ("logged", TARGET_UNCACHED), ("cached", TARGET_CACHED))
        row = "{:34} {:>5}" + "  {:>8} {:>6} {:>5} {:7}" * len(states)
        heads = ("uncached", "logged", "cached")
        print(row.format("page", "years", *(p for h in heads for p in (h, "floor", "x", ""))))
        for line in found["timings"]:
            parts = []
            for state, target in states:
                ok = line[f"{state}_ratio"] <= target
                failures += not ok
                parts += [
                    f"{line[f'{state}_ms']:.1f}",
                    f"{line[f'{state}_floor_ms']:.1f}",
                    f"{line[f'{state}_ratio']:.1f}",
                    verdict(ok),
                ]
            print(row.format(line["page"], line["years"], *parts))
        print(
            f"   targets: uncached (a cold cache) and logged (the first view after logging now)"
            f" <= {TARGET_UNCACHED}x, cached <= {TARGET_CACHED}x the floor"
        )
        print("\n   SQL queries per page (uncached, the built-in cache's own left out)")
        for page, counts in found["queries"].items():
            ok, compared = counts_equal(counts)
            failures += not ok
            shown = ", ".join(f"{years} y: {n}" for years, (n, _grain) in counts.items())
            print(f"   {page:34} {shown:28} {compared} equal: {verdict(ok)}")
        post = found["post_queries"]
        failures += post > TARGET_POST_QUERIES
        print(
            f"\n   full leg-pain POST (sites, qualities, triggers, 2 things tried, pain problem, "
            f"type, note...): {post} statements besides BEGIN/COMMIT, "
            f"target <= {TARGET_POST_QUERIES}: {verdict(post <= TARGET_POST_QUERIES)}"
        )
    print(f"\n{'All targets met.' if not failures else f'{failures} targets NOT met.'}")
    return 1 if failures else 0


def counts_equal(counts: dict) -> tuple[bool, str]:
    """Whether a page's query counts are the same for 1 and 10 years (keys as JSON gives them
    back), or for 2 and 10 when the 1-year diary's range is charted at another grain."""
    (one, one_grain), (ten, ten_grain) = counts["1"], counts["10"]
    if one_grain == ten_grain:
        return one == ten, "1 and 10 y"
    return counts["2"][0] == ten, "2 and 10 y"


# The child: one database ---------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """The value `fraction` of the way up the sorted values (bench/export.py's latencies)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def set_up_django(database_url: str, scratch: str) -> None:
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{scratch}/bench.sqlite3"
    os.environ["SCI_TRACKER_DATA_DIR"] = scratch
    os.environ["SCI_TRACKER_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sci_tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # As in production: hashed, compressed static files (into the git-ignored staticfiles/).
    call_command("collectstatic", interactive=False, verbosity=0)


def worker(args) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        set_up_django("" if args.worker == "sqlite" else args.worker, scratch)
        from django.conf import settings
        from django.db import connection

        assert not settings.DEBUG
        # Progress goes to stderr: stdout carries the figures to the parent.
        log = lambda text: print(f"[{connection.vendor}] {text}", file=sys.stderr, flush=True)  # noqa: E731
        years = [int(n) for n in args.years.split(",")]
        clients, seeded = {}, {}
        counted = COUNTED_YEARS if set(COMPARED_YEARS) <= set(years) else ()
        for n in sorted({*years, *counted}):
            started = time.perf_counter()
            clients[n], seeded[n] = seeded_client(n, args.throughout)
            log(f"{n} years seeded in {time.perf_counter() - started:.1f} s: {seeded[n]}")
        found = {"repeat": args.repeat, "seeded": seeded, "timings": [], "queries": {}}
        for n in sorted(clients):
            ranges = data_ranges(clients[n])
            for page, url in PAGES:
                url = url.format(**ranges)
                if n in counted:
                    found["queries"].setdefault(page, {})[n] = query_count(clients[n], url)
                if n not in years or n == 1:
                    continue
                figures = timed(clients[n], url, args.repeat)
                found["timings"].append({"page": page, "years": n, **figures})
                log(f"{page} {n} y: {figures}")
        found["post_queries"] = post_query_count(clients[years[0]])
        print(json.dumps(found))
    return 0


def seeded_client(years: int, throughout: bool = False):
    from django.test import Client

    from sci_tracker.accounts.models import User
    from sci_tracker.diary import demo

    outcome = demo.seed_demo(name=f"bench{years}", days=years * 365, throughout=throughout)
    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(email=outcome.email))
    counts = ", ".join(f"{n:,} {kind}" for kind, n in outcome.counts.items())
    return client, counts


def data_ranges(client) -> dict:
    """The from/to query strings the trends page itself sends for 1 year and for everything."""
    urls = {}
    for key in ("1y", "all"):
        html = client.get(f"/trends/?range={key}").content.decode()
        query = re.search(r'data-trends-src="[^"?]*\?([^"]*)"', html).group(1)
        urls[key] = query.replace("&amp;", "&")
    return urls


def get(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def timed(client, url: str, repeat: int) -> dict:
    """Median ms of the page and of the floor requested after each of its requests, uncached
    (the cache emptied, untimed, before each), after logging (a new entry, untimed, before
    each) and cached."""
    from django.core.cache import cache

    figures = {}
    for state, before in (
        ("cold", cache.clear),
        ("logged", lambda: log_now(client)),
        ("cached", None),
    ):
        for _ in range(2):  # warm up
            get(client, url)
        pages, floors = [], []
        for _ in range(repeat):
            if before:
                before()
            pages.append(get(client, url))
            floors.append(get(client, "/healthz"))
        page, floor = statistics.median(pages), statistics.median(floors)
        figures |= {f"{state}_ms": page, f"{state}_floor_ms": floor, f"{state}_ratio": page / floor}
    return figures


def log_now(client) -> None:
    """A leg-pain entry logged now through the web form, with what the form asks for."""
    from django.urls import reverse

    data = {
        "when": "now",
        "intensity": "4",
        "pain_type": "unknown",
        "tried-TOTAL_FORMS": "0",
        "tried-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("diary:new", args=["pain"]), data)
    if response.status_code != 302:
        raise SystemExit(f"logging a leg-pain entry answered {response.status_code}")


# A page that only reads opens a transaction for one thing: the built-in cache storing its
# figures (a savepoint inside a test's transaction).
CACHE_TRANSACTION = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


def query_count(client, url: str) -> tuple[int, str | None]:
    """The SQL queries of GET url with nothing cached, less the built-in cache's own (a few
    reads and writes of its table, the same for every page, none with Redis), and the grain it
    is drawn at: the charts' JSON's, or for the overview that of the JSON it sends for (a range
    over a year is drawn from its months, trends.months), None for another page. Counted on a
    view after a first one: the first view of a diary writes the month rows that no other page
    has written yet, which depends on the pages viewed before it."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sci_tracker.core.models import CACHE_TABLE

    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = sum(
        CACHE_TABLE not in query["sql"] and not query["sql"].startswith(CACHE_TRANSACTION)
        for query in queries.captured_queries
    )
    if response["Content-Type"].startswith("application/json"):
        return count, response.json()["grain"]
    data = re.search(r'data-trends-src="([^"]*)"', response.content.decode())
    if data is None:
        return count, None
    return count, client.get(data.group(1).replace("&amp;", "&")).json()["grain"]


def post_query_count(client) -> int:
    """Every query of a leg-pain entry sent from the web form with every field filled."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from sci_tracker.accounts.models import User
    from sci_tracker.diary.models import Intervention, LegPainEntry, PainProblem, Trigger

    person = User.objects.get(pk=client.session["_auth_user_id"])
    problem = PainProblem.objects.filter(owner=person).first() or PainProblem.objects.create(
        owner=person, slot=1, name="Burning feet"
    )
    offered = list(Intervention.objects.filter(owner=None).order_by("pk")[:2])
    data = {
        "when": "15",
        "intensity": "7",
        "problem": problem.pk,
        "sites": ["left-foot", "right-foot"],
        "qualities": ["burning"],
        "pain_type": "neuropathic-below",
        "triggers": [t.pk for t in Trigger.objects.filter(owner=None).order_by("pk")[:2]],
        "note": "Worse after the bus ride",
        "note_for_clinician": "on",
        "tried-TOTAL_FORMS": "2",
        "tried-INITIAL_FORMS": "0",
        "tried-0-intervention": offered[0].pk,
        "tried-0-effect": "helped-a-little",
        "tried-0-dose": "",
        "tried-1-intervention": offered[1].pk,
        "tried-1-effect": "not-sure",
        "tried-1-dose": "10 mg",
    }
    before = LegPainEntry.objects.filter(owner=person).count()
    client.get("/")  # the session read once, as on any later request
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("diary:new", args=["pain"]), data)
    if (
        response.status_code != 302
        or LegPainEntry.objects.filter(owner=person).count() != before + 1
    ):
        raise SystemExit(f"the leg-pain POST was not saved ({response.status_code})")
    # SQLite's backend logs the transaction's BEGIN and COMMIT, PostgreSQL's does not: left
    # out, so the figure is the same on both (tests/test_query_counts.py counts the same way).
    return sum(
        not query["sql"].startswith(("BEGIN", "COMMIT")) for query in queries.captured_queries
    )


if __name__ == "__main__":
    sys.exit(main())
