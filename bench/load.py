"""How much traffic the app takes under gunicorn: `make bench` (or `python bench/load.py`).

Starts the app under gunicorn on 127.0.0.1 (a free port) with the production settings: DEBUG off,
a 50+ character secret key, ALLOWED_HOSTS 127.0.0.1, SQLite in a temporary data folder, static
files collected into STATIC_ROOT and served by whitenoise. Makes a few people with some months of
demo diary each, signs each one in over HTTP through the real sign-in form, and then keeps a fixed
number of requests in flight (asyncio and httpx; each person makes one request at a time, with no
pause between them) for a fixed time, in three phases:

1. Quick log: each person opens the Log page and taps "Spasm now" (the one-tap POST), over and
   over. The spasm page the POST redirects to is not loaded in this phase (the mixed phase loads
   it); the Log page loaded before the next tap shows the "saved" message, as the browser's next
   page would. A tap within 5 seconds of the person's last one answers with that spasm instead of
   saving a second (the app's double-tap rule), so most taps here save no new row, but each one is
   a write transaction all the same (it holds SQLite's write lock). The new rows are counted.
2. Writes: every request saves a new spasm, as a phone's offline queue sends the taps it kept
   (static/js/queue.js): one POST each, a new client id and a moment of its own (11 s after the
   person's last one, so the double-tap rule never returns an earlier spasm), answered in JSON.
   An answer that is not "saved", or says "duplicate", is an error. Each person's taps take turns
   (the app locks the person's row), so the people write side by side, one request each at a time.
3. Mixed: a day's use in fixed proportions. Out of every ten errands: four quick-log taps (the Log
   page, "Spasm now", the spasm page it redirects to), one leg pain entry, one daily check-in for
   an earlier day (each for a day with none yet: one check-in a day is a database rule, so every
   save succeeds), one check-in for today, which the view answers by opening today's existing one
   (saved again as an edit), two looks at the trends (the page and the data.json it loads) and
   one at the clinician's report. Every redirect after a save is followed, as a browser does.

With --two-servers it runs as a clinic would (docs/deployment.md): two gunicorn servers on two
ports, started with the command of deploy/sci-tracker-web@.service (its workers and threads), one
PostgreSQL database made for the run and dropped after it (--postgres), and Redis for the shared
cache under a key prefix of its own, removed after (--redis). The client sends each request to the
next server in turn, as the proxy's round robin would; one cookie jar per person serves both. Each
phase prints both servers' shares of its requests.

With --floor, instead of the three phases, it measures what the stack itself allows: a
signed-in POST through the whole middleware stack that inserts one row (bench/floor_urls.py,
served only under bench/floor_settings.py), then GET /healthz, each for --seconds.

Prints, for each phase, the requests a second in all and for each page with their median and
95th-percentile latency (as the client sees it, so it includes waiting for a free worker), and the
errors: any status other than 2xx or 3xx, any exception, and any answer that means the request did
not do its job (a redirect to the sign-in page, a form shown again with an error); the first few
are printed in full. It also prints how busy the cores were (the servers, PostgreSQL and Redis, this
client, and anything else running on the machine, which would lower the figures).

Targets, on a 2-core machine: no errors in any phase, and in the quick-log phase the one-tap POST
("Spasm now") at least 100 a second with its 95th percentile under 150 ms. With --two-servers also
at least 200 new rows a second in the writes phase with a 95th percentile under 100 ms, and a
95th percentile under 100 ms over every request of the mixed phase.
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TARGET_RATE = 100  # one-tap POSTs a second, in the quick-log phase
TARGET_P95_MS = 150
TARGET_WRITES = 200  # new rows a second, in the writes phase (two servers)
TARGET_WRITES_P95_MS = 100
TARGET_MIXED_P95_MS = 100  # every request of the mixed phase (two servers)
WEB_UNIT = ROOT / "deploy" / "sci-tracker-web@.service"
SHOWN_ERRORS = 5
WARM_UP_SECONDS = 3

# Gunicorn on 2 cores: the app is CPU-bound Python (SQLite runs inside the worker), so threads add
# little under the GIL and worker processes are what run in parallel. Three sync workers keep both
# cores busy while one of them waits (on SQLite's write lock, or on this client, which shares the
# two cores), as the production command in docs/operations.md does. More only add switching
# between processes, and each keeps its own cache of trends figures (settings.CACHES), so more
# of them compute more.
# Measured on the project's 2-core machine, otherwise idle, 10 s phases: "Spasm now" 140 a second
# with 2 workers, 154 with 3, 156 with 4, but 4 made the mixed phase's 95th percentile worse
# (205 ms against 172 with 3).
WORKERS = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--people", type=int, default=8, help="people signed in")
    parser.add_argument("--days", type=int, default=120, help="days of diary each person has")
    parser.add_argument(
        "--workers",
        type=int,
        help=f"gunicorn worker processes (default {WORKERS}; with --two-servers, the unit's)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="gunicorn threads per worker (default 1; with --two-servers, the unit's)",
    )
    parser.add_argument(
        "--two-servers",
        action="store_true",
        help="two gunicorn servers as deploy/sci-tracker-web@.service runs them, PostgreSQL, Redis",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="instead of the three phases, the stack's own cost: a trivial signed-in POST "
        "(bench/floor_urls.py) and /healthz",
    )
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/sci_tracker_load",
        help="with --two-servers: the run makes a database of this name plus a random ending",
    )
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/0", help="with --two-servers: the shared cache"
    )
    return parser.parse_args()


# The server ------------------------------------------------------------------------------------


def production_environment(scratch, shared=None, floor=False):
    """The server's environment; `shared`: the variables that name PostgreSQL and Redis (else
    SQLite in the data folder and the built-in cache, as configured by default); `floor`: the
    settings that add bench/floor_urls.py's trivial save."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SCI_TRACKER_")}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.floor_settings" if floor else "sci_tracker.settings",
        SCI_TRACKER_DATA_DIR=scratch,
        SCI_TRACKER_SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        SCI_TRACKER_DEBUG="false",
        SCI_TRACKER_ALLOWED_HOSTS=HOST,
        # HTTPS off: this is plain HTTP on localhost with no TLS proxy in front. With it on, every
        # request would be redirected to https:// and the secure cookies never sent back.
        SCI_TRACKER_HTTPS="false",
        SCI_TRACKER_LOG_LEVEL="WARNING",
        **(shared or {}),
    )
    return env


class SharedStores:
    """A PostgreSQL database and a Redis key prefix of the run's own, gone when it ends."""

    def __init__(self, postgres_url, redis_url):
        import psycopg
        import redis

        parts = urlsplit(postgres_url)
        self.name = f"{parts.path.strip('/') or 'sci_tracker_load'}_{uuid.uuid4().hex[:8]}"
        self.server = urlunsplit(parts._replace(path="/postgres"))
        self.prefix = f"sci-tracker-load-{uuid.uuid4().hex[:8]}"
        self.redis = redis.Redis.from_url(redis_url)
        self.redis.ping()
        self.psycopg = psycopg
        self.admin(f'CREATE DATABASE "{self.name}"')
        self.variables = {
            "DATABASE_URL": urlunsplit(parts._replace(path=f"/{self.name}")),
            "SCI_TRACKER_CACHE_URL": redis_url,
            "SCI_TRACKER_CACHE_KEY_PREFIX": self.prefix,
        }

    def admin(self, statement):
        with self.psycopg.connect(self.server, autocommit=True) as link:
            link.execute(statement)

    def remove(self):
        for key in self.redis.scan_iter(match=f"{self.prefix}:*"):
            self.redis.delete(key)
        self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def prepare(env, people, days):
    """Migrates the scratch database, collects the static files into STATIC_ROOT (whitenoise's
    manifest storage needs them there) and makes the people. Returns each one's e-mail address
    with the day before their first check-in, and the demo password."""
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from sci_tracker.diary import demo
    from sci_tracker.diary.models import CheckIn

    assert not settings.DEBUG
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    earlier, made = {}, defaultdict(int)
    for n in range(people):
        outcome = demo.seed_demo(name=f"load{n + 1}", days=days, seed=n + 1)
        first = CheckIn.objects.filter(owner__email=outcome.email).earliest("date").date
        earlier[outcome.email] = first - timedelta(days=1)
        for kind, count in outcome.counts.items():
            made[kind] += count
    print(
        f"{people} people with {days} days of demo diary each (in all: "
        + ", ".join(f"{n:,} {kind}" for kind, n in made.items())
        + ")."
    )
    if connections["default"].vendor == "postgresql":
        # Planner statistics, as a database in use has them (autovacuum gathers them in its own
        # time): without them PostgreSQL guesses one row per person and picks nested loops that
        # made the catalogue's most-used-first query 15 times slower.
        with connections["default"].cursor() as cursor:
            cursor.execute("ANALYZE")
    connections.close_all()  # the server is another process; leave the database to it
    return earlier, demo.DEMO_PASSWORD


def count_rows():
    """Entries in the database now (in a thread of its own: Django's ORM is not async)."""
    from django.db import connection

    from sci_tracker.diary.models import CheckIn, LegPainEntry, SpasmEpisode

    try:
        return {
            "spasms": SpasmEpisode.objects.count(),
            "leg pain entries": LegPainEntry.objects.count(),
            "check-ins": CheckIn.objects.count(),
        }
    finally:
        connection.close()


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_options(args):
    """gunicorn's options after the app, and a description. With --two-servers, those of the
    documented unit's ExecStart (the port is put in later), as a clinic runs it."""
    if not args.two_servers:
        workers = args.workers or WORKERS
        threads = args.threads or 1
        options = [f"--workers={workers}", f"--threads={threads}"]
        # Gunicorn 27 opens a control socket in ~/.gunicorn by default; this run needs none,
        # and must not take the place of another server's.
        options.append("--no-control-socket")
        return options, f"{workers} workers" + (f", {threads} threads each" if threads > 1 else "")
    line = next(line for line in WEB_UNIT.read_text().splitlines() if line.startswith("ExecStart="))
    command = shlex.split(line.removeprefix("ExecStart="))
    options = command[command.index("sci_tracker.wsgi") + 1 :]
    for name in ("workers", "threads"):
        value = getattr(args, name)
        if value is not None:
            options[options.index(f"--{name}") + 1] = str(value)
    return options, "as " + WEB_UNIT.name + ": " + " ".join(options)


def start_server(env, port, options, log):
    command = [
        *(sys.executable, "-m", "gunicorn", "sci_tracker.wsgi"),
        *(option.replace("%i", str(port)) for option in options),
        f"--chdir={ROOT}",
    ]
    if not any(option.startswith("--bind") for option in options):
        command.append(f"--bind={HOST}:{port}")
    # A process group of its own, so that stopping it stops every worker too.
    return subprocess.Popen(  # noqa: S603
        command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop_server(server):
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wait_until_up(server, base_url, log_path):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode}):\n{tail(log_path)}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within 30 s:\n{tail(log_path)}")


def tail(path, lines=30):
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


class CpuMeter:
    """Cores kept busy, from /proc (Linux): by the servers' processes, by PostgreSQL and Redis
    (every process of theirs on the machine, whoever it serves), by this client, and by
    everything else. Elsewhere it measures nothing."""

    STORES = {"postgres", "redis-server"}

    def __init__(self, server_pids):
        self.server_pids = set(server_pids)
        self.ticks = os.sysconf("SC_CLK_TCK")

    def read(self):
        try:
            fields = [int(n) for n in Path("/proc/stat").read_text().split()[1:9]]
        except (OSError, ValueError):
            return None
        machine = sum(fields) - fields[3] - fields[4]  # all but idle and waiting for the disk
        own = os.times()
        server, stores = self.process_seconds()
        return machine / self.ticks, server, stores, own.user + own.system

    def process_seconds(self):
        server = stores = 0
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                name, stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)
            except OSError:
                continue  # gone meanwhile
            stat = stat.split()
            ticks = int(stat[11]) + int(stat[12])
            if int(stat[2]) in self.server_pids:  # a server's process group
                server += ticks
            elif name.split("(", 1)[1] in self.STORES:
                stores += ticks
        return server / self.ticks, stores / self.ticks

    def since(self, before, seconds):
        after = self.read()
        if before is None or after is None:
            return None
        machine, server, stores, client = (
            (now - then) / seconds for now, then in zip(after, before, strict=True)
        )
        other = max(0.0, machine - server - stores - client)
        return {"server": server, "stores": stores, "client": client, "other": other}


# The client -----------------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TRENDS_SRC = re.compile(r'data-trends-src="([^"]+)"')
DATE_VALUE = re.compile(r'name="date" value="([0-9-]+)"')
# The version an edit page was opened at: the save sends it back, as a browser would.
VERSION_VALUE = re.compile(r'name="version" value="(\d+)"')
FIELD_ERROR = re.compile(r'<p class="field-error" id="id_(\w+)_error">([^<]+)</p>')
SPASM_PAGE = re.compile(r"^/entries/spasm/\d+/$")
CHECKIN_PAGE = re.compile(r"^/entries/checkin/\d+/$")


class Failed(Exception):
    """A request that did not do its job (already recorded); the errand stops there."""


class Phase:
    def __init__(self, name):
        self.name = name
        self.times = defaultdict(list)
        self.errors = []
        self.error_count = 0
        self.new_spasms = 0
        self.started = self.ended = 0.0
        self.cpu = self.rows = None
        self.shares = Counter()  # requests sent to each server

    def record(self, label, ms, error=None):
        self.times[label].append(ms)
        if error:
            self.fail(error)

    def fail(self, error):
        self.error_count += 1
        if len(self.errors) < SHOWN_ERRORS:
            self.errors.append(error)

    @property
    def seconds(self):
        return self.ended - self.started


class Balancer:
    """Each request to the next server in turn, as a proxy's round robin sends them."""

    def __init__(self, base_urls):
        self.base_urls = base_urls
        self.sent = 0

    def next(self):
        self.sent += 1
        return self.base_urls[self.sent % len(self.base_urls)]


# Writes: a queued tap's moment, this far after the person's last one (more than the 5-second
# double-tap window), so every one saves a new spasm; the first ones a day ago.
WRITE_SPACING = timedelta(seconds=11)


class Person:
    """One signed-in person: their own cookies (one jar for every server), one request at a
    time."""

    def __init__(self, balancer, email, first_new_checkin, seed):
        self.email = email
        self.balancer = balancer
        self.client = httpx.AsyncClient(timeout=30)
        self.rng = random.Random(seed)  # noqa: S311 (made-up ratings, not secrets)
        self.token = None
        self.next_checkin_day = first_new_checkin
        self.last_spasm = None
        self.next_tap = datetime.now(UTC) - timedelta(days=1)

    async def request(self, phase, label, method, url, expect=(200,), goes_to=None, **kwargs):
        """One timed request. Fails unless the status is one of `expect`, if it redirects to the
        sign-in page, or if `goes_to` is given and a redirect goes anywhere else."""
        base_url = self.balancer.next()
        phase.shares[base_url] += 1
        started = time.perf_counter()
        try:
            response = await self.client.request(method, base_url + url, **kwargs)
        except httpx.HTTPError as error:
            problem = f"{type(error).__name__}: {error}"
            response = None
        ms = (time.perf_counter() - started) * 1000
        if response is not None:
            problem = self.problem(response, method, expect, goes_to)
        if problem:
            problem = f"{method} {url} as {self.email}: {problem}"
            phase.record(label, ms, problem)
            raise Failed(problem)
        phase.record(label, ms)
        return response

    @staticmethod
    def problem(response, method, expect, goes_to):
        location = response.headers.get("location", "")
        if response.status_code in expect:
            if "/accounts/login/" in location:
                return f"redirected to the sign-in page ({location})"
            if location and goes_to and not goes_to.match(location):
                return f"redirected to {location}"
            return None
        problem = f"status {response.status_code}"
        if response.status_code == 200 and method == "POST":
            errors = FIELD_ERROR.findall(response.text)
            said = "; ".join(f"{field}: {text.strip()}" for field, text in errors[:3])
            return f"{problem}, the form came back: {said or response.text[:300]!r}"
        if response.is_redirect:
            return f"{problem} to {location}"
        return f"{problem}: {response.text[:300]!r}"

    def form(self, **fields):
        return {"csrfmiddlewaretoken": self.token, **fields}

    async def sign_in(self, password, phase):
        page = await self.request(phase, "GET /accounts/login/", "GET", "/accounts/login/")
        self.token = TOKEN.search(page.text).group(1)
        response = await self.request(
            phase,
            "POST /accounts/login/",
            "POST",
            "/accounts/login/",
            expect=(302,),
            data=self.form(username=self.email, password=password),
        )
        if response.headers["location"] != "/" or "sessionid" not in self.client.cookies:
            raise SystemExit(f"{self.email} was not signed in: {response.headers}")
        # Signing in makes a new CSRF secret; the Log page's form carries a token for it.
        await self.log_page(phase)

    # Errands: what a person does, one request after another -------------------------------------

    async def log_page(self, phase):
        page = await self.request(phase, "GET /log/", "GET", "/log/")
        self.token = TOKEN.search(page.text).group(1)

    async def tap_spasm_now(self, phase, follow):
        response = await self.request(
            phase,
            "POST /log/spasm-now/",
            "POST",
            "/log/spasm-now/",
            expect=(302,),
            goes_to=SPASM_PAGE,
            data=self.form(),
        )
        location = response.headers["location"]
        if location != self.last_spasm:
            phase.new_spasms += 1
            self.last_spasm = location
        if follow:
            await self.request(phase, "GET /entries/spasm/<id>/", "GET", location)

    async def write_spasm(self, phase):
        """A spasm from the device's offline queue: one POST, answered in JSON."""
        self.next_tap += WRITE_SPACING
        response = await self.request(
            phase,
            "POST /log/spasm-now/ (queued)",
            "POST",
            "/log/spasm-now/",
            headers={"Accept": "application/json", "X-CSRFToken": self.token},
            data={
                "client_id": str(uuid.uuid4()),
                "tapped_at": str(int(self.next_tap.timestamp() * 1000)),
            },
        )
        answer = response.json()
        if not answer.get("saved") or answer.get("duplicate"):
            phase.fail(f"POST /log/spasm-now/ (queued) as {self.email}: answered {answer}")
            raise Failed(answer)
        phase.new_spasms += 1

    async def floor_save(self, phase):
        """The least a signed-in save can do (bench/floor_urls.py): one INSERT, JSON back."""
        response = await self.request(
            phase,
            "POST /bench/floor/",
            "POST",
            "/bench/floor/",
            headers={"Accept": "application/json", "X-CSRFToken": self.token},
        )
        if not response.json().get("saved"):
            phase.fail(f"POST /bench/floor/ as {self.email}: answered {response.text[:300]!r}")
            raise Failed(response.text)

    async def healthz(self, phase):
        await self.request(phase, "GET /healthz", "GET", "/healthz")

    async def save_leg_pain(self, phase):
        fields = self.form(
            when="now",
            intensity=str(self.rng.randint(2, 8)),
            sites=["left-foot", "right-foot"],
            qualities=["burning"],
            pain_type="neuropathic-below",
            note="Saved by the load benchmark.",
            **empty_formset("tried"),
        )
        response = await self.request(
            phase, "POST /log/pain/", "POST", "/log/pain/", expect=(302,), data=fields
        )
        await self.request(phase, "GET /entries/", "GET", response.headers["location"])

    async def quick_log(self, phase, follow=True):
        await self.log_page(phase)
        await self.tap_spasm_now(phase, follow)

    async def leg_pain(self, phase):
        await self.request(phase, "GET /log/pain/", "GET", "/log/pain/")
        await self.save_leg_pain(phase)

    async def checkin_earlier_day(self, phase):
        day = self.next_checkin_day  # a day with no check-in yet (one a day is a database rule)
        self.next_checkin_day -= timedelta(days=1)
        url = f"/log/checkin/?date={day.isoformat()}"
        await self.request(phase, "GET /log/checkin/?date=", "GET", url)
        await self.save_checkin(phase, "POST /log/checkin/", url, day)

    async def checkin_today(self, phase):
        # The demo diary has today's check-in already, so the view redirects to it, to change.
        response = await self.request(
            phase,
            "GET /log/checkin/ (today)",
            "GET",
            "/log/checkin/",
            expect=(200, 302),
            goes_to=CHECKIN_PAGE,
        )
        if response.status_code == 200:  # the day turned over during the run: none yet today
            day = date.fromisoformat(DATE_VALUE.search(response.text).group(1))
            await self.save_checkin(phase, "POST /log/checkin/", "/log/checkin/", day)
            return
        location = response.headers["location"]
        page = await self.request(phase, "GET /entries/checkin/<id>/", "GET", location)
        day = date.fromisoformat(DATE_VALUE.search(page.text).group(1))
        version = VERSION_VALUE.search(page.text).group(1)
        await self.save_checkin(phase, "POST /entries/checkin/<id>/", location, day, version)

    async def save_checkin(self, phase, label, url, day, version=None):
        fields = self.form(
            date=day.isoformat(),
            psfs_frequency="2",
            psfs_severity="1",
            spasticity="4",
            pain_worst=str(self.rng.randint(4, 8)),
            pain_average="3",
            interference_activities="3",
            interference_mood="2",
            interference_sleep="4",
            night_wakings="1",
            note="Saved by the load benchmark.",
        )
        if version is not None:
            fields["version"] = version
        response = await self.request(phase, label, "POST", url, expect=(302,), data=fields)
        await self.request(phase, "GET /entries/", "GET", response.headers["location"])

    async def trends(self, phase):
        page = await self.request(phase, "GET /trends/", "GET", "/trends/")
        src = TRENDS_SRC.search(page.text).group(1).replace("&amp;", "&")
        await self.request(phase, "GET /trends/data.json", "GET", src)

    async def report(self, phase):
        await self.request(phase, "GET /report/", "GET", "/report/")


def empty_formset(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


MIXED = [
    (Person.quick_log, 4),
    (Person.leg_pain, 1),
    (Person.checkin_earlier_day, 1),
    (Person.checkin_today, 1),
    (Person.trends, 2),
    (Person.report, 1),
]


def mixed_errands(n):
    """The mixed phase's errands in fixed proportions, shuffled, round and round."""
    rng = random.Random(n)  # noqa: S311
    while True:
        errands = [errand for errand, weight in MIXED for _ in range(weight)]
        rng.shuffle(errands)
        yield from errands


def quick_log_errands(n):
    while True:
        yield lambda person, phase: person.quick_log(phase, follow=False)


def write_errands(n):
    while True:
        yield Person.write_spasm


def floor_errands(n):
    while True:
        yield Person.floor_save


def healthz_errands(n):
    while True:
        yield Person.healthz


async def run_phase(phase, people, args, seconds, errands_for, cpu_meter):
    """`args.concurrency` loops, each a person doing errands back to back until time is up (the
    errand under way is finished). With more loops than people, some people have two."""
    deadline = time.perf_counter() + seconds

    async def loop(n):
        person = people[n % len(people)]
        for errand in errands_for(n):
            if time.perf_counter() >= deadline:
                return
            try:
                await errand(person, phase)
            except Failed:
                pass  # recorded; the next errand starts afresh
            except Exception as error:  # a page not as expected (no form on it): count it, go on
                name = getattr(errand, "__name__", "errand")
                phase.fail(f"{name} as {person.email}: {type(error).__name__}: {error}")

    before = await asyncio.to_thread(count_rows)
    cpu = cpu_meter.read()
    phase.started = time.perf_counter()
    await asyncio.gather(*(loop(n) for n in range(args.concurrency)))
    phase.ended = time.perf_counter()
    phase.cpu = cpu_meter.since(cpu, phase.seconds)
    after = await asyncio.to_thread(count_rows)
    phase.rows = {kind: after[kind] - before[kind] for kind in after}
    return phase


async def drive(base_urls, earlier, password, args, cpu_meter):
    balancer = Balancer(base_urls)
    people = [
        Person(balancer, email, day, seed=n) for n, (email, day) in enumerate(earlier.items())
    ]
    try:
        started = time.perf_counter()
        sign_in = Phase("sign-in")
        try:
            await asyncio.gather(*(person.sign_in(password, sign_in) for person in people))
        except Failed as error:
            raise SystemExit(f"Could not sign in: {error}") from None
        print(
            f"Signed in {len(people)} people through the sign-in form "
            f"({time.perf_counter() - started:.1f} s)."
        )
        if args.floor:
            warm_up = Phase("warm-up")
            await run_phase(warm_up, people, args, WARM_UP_SECONDS, floor_errands, cpu_meter)
            floor = Phase("floor, a signed-in POST that saves one row (bench/floor_urls.py)")
            await run_phase(floor, people, args, args.seconds, floor_errands, cpu_meter)
            health = Phase("floor, GET /healthz (no session read; a write rolled back)")
            await run_phase(health, people, args, args.seconds, healthz_errands, cpu_meter)
            return floor, health
        # Uncounted: every worker loads its templates and the people's trends once.
        warm_up = Phase("warm-up")
        await run_phase(warm_up, people, args, WARM_UP_SECONDS, mixed_errands, cpu_meter)
        if warm_up.error_count:
            print(f"Errors while warming up (not counted below): {warm_up.error_count}")
            for error in warm_up.errors:
                print(f"  {error}")
        quick = Phase("1, quick log (the Log page, then Spasm now; its redirect not followed)")
        await run_phase(quick, people, args, args.seconds, quick_log_errands, cpu_meter)
        writes = Phase("2, writes (a new spasm in every request, as a phone's queue sends them)")
        await run_phase(writes, people, args, args.seconds, write_errands, cpu_meter)
        mixed = Phase("3, mixed (a day's use; every redirect followed)")
        await run_phase(mixed, people, args, args.seconds, mixed_errands, cpu_meter)
        return quick, writes, mixed
    finally:
        for person in people:
            await person.client.aclose()


# Figures ---------------------------------------------------------------------------------------

QUICK_LOG_POST = "POST /log/spasm-now/"
COLUMNS = "{:32} {:>7} {:>7} {:>10} {:>8}"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def figures(times, seconds):
    """Count, a second, median and 95th percentile (ms)."""
    if not times:
        return 0, 0.0, float("nan"), float("nan")
    return len(times), len(times) / seconds, statistics.median(times), percentile(times, 0.95)


def quick_log_posts(phase):
    return figures(phase.times[QUICK_LOG_POST], phase.seconds)


def row(label, values):
    count, rate, median, p95 = values
    return COLUMNS.format(label, count, f"{rate:.1f}", f"{median:.1f}", f"{p95:.1f}")


def print_phase(phase):
    print(f"\nPhase {phase.name}: {phase.seconds:.1f} s")
    header = COLUMNS.format("request", "count", "per s", "median ms", "p95 ms")
    print(header)
    print("-" * len(header))
    for label in sorted(phase.times):
        print(row(label, figures(phase.times[label], phase.seconds)))
    print("-" * len(header))
    every = [ms for times in phase.times.values() for ms in times]
    print(row("all requests", figures(every, phase.seconds)))
    if phase.rows:
        print(
            "Rows written: "
            + ", ".join(f"{n:,} {kind}" for kind, n in phase.rows.items())
            + f"; one-tap POSTs that saved a new spasm: {phase.new_spasms:,} (the others came "
            "within 5 s of the person's last one)."
        )
    if phase.cpu:
        cpu = phase.cpu
        per_request = cpu["server"] * phase.seconds / max(1, len(every)) * 1000
        print(
            f"Cores busy (of {os.cpu_count()}): server {cpu['server']:.2f}, PostgreSQL and Redis "
            f"{cpu['stores']:.2f}, this client {cpu['client']:.2f}, everything else "
            f"{cpu['other']:.2f}"
            + (" (other work was running: the figures are low)" if cpu["other"] > 0.2 else "")
            + f". Server CPU per request: {per_request:.1f} ms."
        )
    if len(phase.shares) > 1:
        total = sum(phase.shares.values())
        print(
            "Servers' shares of the requests: "
            + ", ".join(
                f"{base_url} {n:,} ({n / total:.1%})"
                for base_url, n in sorted(phase.shares.items())
            )
        )
    print(f"Errors: {phase.error_count}")
    for error in phase.errors:
        print(f"  {error}")


WRITE_POST = "POST /log/spasm-now/ (queued)"


def all_requests(phase):
    every = [ms for times in phase.times.values() for ms in times]
    return figures(every, phase.seconds)


def verdict(met, text):
    return f"{'met' if met else 'NOT met'}: {text}"


def verdicts(quick, writes, mixed, two_servers):
    _, rate, _, p95 = quick_log_posts(quick)
    errors = quick.error_count + writes.error_count + mixed.error_count
    lines = [
        verdict(
            rate >= TARGET_RATE and p95 < TARGET_P95_MS,
            f"{QUICK_LOG_POST} in the quick-log phase: {rate:.1f} a second, 95th percentile "
            f"{p95:.1f} ms (target: at least {TARGET_RATE} a second, 95th percentile under "
            f"{TARGET_P95_MS} ms)",
        ),
        verdict(errors == 0, f"errors in the three phases: {errors} (target: none)"),
    ]
    _, _, _, write_p95 = figures(writes.times[WRITE_POST], writes.seconds)
    write_rate = writes.new_spasms / writes.seconds if writes.seconds else 0.0
    written = (
        f"new rows in the writes phase: {write_rate:.1f} a second, 95th percentile "
        f"{write_p95:.1f} ms, errors {writes.error_count}"
    )
    _, _, _, mixed_p95 = all_requests(mixed)
    mixed_said = f"every request of the mixed phase: 95th percentile {mixed_p95:.1f} ms"
    if two_servers:
        lines.append(
            verdict(
                write_rate >= TARGET_WRITES
                and write_p95 < TARGET_WRITES_P95_MS
                and writes.error_count == 0,
                f"{written} (target: at least {TARGET_WRITES} a second, 95th percentile under "
                f"{TARGET_WRITES_P95_MS} ms, no errors)",
            )
        )
        lines.append(
            verdict(
                mixed_p95 < TARGET_MIXED_P95_MS,
                f"{mixed_said} (target: under {TARGET_MIXED_P95_MS} ms)",
            )
        )
    else:
        lines.append(f"info: {written} (targets for two servers: --two-servers)")
        lines.append(f"info: {mixed_said}")
    _, mixed_rate, _, mixed_tap_p95 = quick_log_posts(mixed)
    lines.append(
        f"info: {QUICK_LOG_POST} in the mixed phase: {mixed_rate:.1f} a second, 95th percentile "
        f"{mixed_tap_p95:.1f} ms"
    )
    return lines


def main():
    args = parse_args()
    # `kill` stops a run as Ctrl+C does, through the `finally` that stops the servers.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    stores = SharedStores(args.postgres, args.redis) if args.two_servers else None
    try:
        with tempfile.TemporaryDirectory() as scratch:
            phases = run(args, scratch, stores)
    finally:
        if stores:
            stores.remove()
    for phase in phases:
        print_phase(phase)
    print()
    if args.floor:
        return 0
    lines = verdicts(*phases, args.two_servers)
    print("\n".join(lines))
    met = not any(line.startswith("NOT met") for line in lines)
    print("Targets met." if met else "Targets NOT met.")
    return 0 if met else 1


def run(args, scratch, stores):
    env = production_environment(scratch, stores.variables if stores else None, args.floor)
    earlier, password = prepare(env, args.people, args.days)
    options, described = server_options(args)
    count = 2 if args.two_servers else 1
    ports = [free_port() for _ in range(count)]
    base_urls = [f"http://{HOST}:{port}" for port in ports]
    servers = []
    try:
        for port, base_url in zip(ports, base_urls, strict=True):
            log_path = Path(scratch) / f"gunicorn-{port}.log"
            with open(log_path, "w") as log:
                servers.append(start_server(env, port, options, log))
            wait_until_up(servers[-1], base_url, log_path)
        where = "PostgreSQL, Redis" if stores else "SQLite"
        print(
            f"gunicorn at {', '.join(base_urls)} ({described}) on {os.cpu_count()} cores, "
            f"{where}, DEBUG off; {args.concurrency} requests in flight, {args.seconds:g} s a "
            "phase."
        )
        meter = CpuMeter(server.pid for server in servers)
        return asyncio.run(drive(base_urls, earlier, password, args, meter))
    finally:
        for server in servers:
            stop_server(server)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("Stopped before the end (and so are the servers, if they had started).")
