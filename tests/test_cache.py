"""The cache every process shares: chosen by SCI_TRACKER_CACHE_URL, and exact under load.

The built-in cache is a table in the database; its `incr` locks the row, so counts taken by many
processes at once are exact (Django's own database cache reads and writes back, and loses some).
"""

import json
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from sci_tracker.core.limits import Limit
from sci_tracker.core.models import CacheEntry
from sci_tracker.env import env_caches
from tests.stores import CACHES, ROOT, Database, base_environment, cache_variables, forget, manage
from tests.test_settings import start_django

PROCESSES = 4
HITS = 40  # per process

WORKER = """
import json, os, sys, time
from pathlib import Path
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "sci_tracker.settings"
django.setup()
from sci_tracker.core.limits import Limit
from sci_tracker.core.models import CacheEntry
limit = Limit("concurrency", "SHARE_LINK_GUESS_LIMIT", "SHARE_LINK_GUESS_WINDOW")
folder, number, hits = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
(folder / f"ready-{number}").touch()
deadline = time.monotonic() + 120
while not (folder / "go").exists() and time.monotonic() < deadline:
    time.sleep(0.005)
print(json.dumps([limit.hit("203.0.113.9") for _ in range(hits)]))
"""


@pytest.mark.parametrize("kind", CACHES)
def test_it_counts_every_hit_from_many_processes_exactly(tmp_path, kind):
    database = Database(tmp_path)
    variables = cache_variables(kind)
    environment = base_environment(**database.variables, **variables)
    try:
        manage(environment, "migrate", "--no-input")
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(tmp_path), str(n), str(HITS)],
                cwd=ROOT,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(PROCESSES)
        ]
        # Start them together once every one is ready, so their hits overlap.
        deadline = time.monotonic() + 120
        while len(list(tmp_path.glob("ready-*"))) < PROCESSES and time.monotonic() < deadline:
            time.sleep(0.05)
        (tmp_path / "go").touch()
        counts = []
        for worker in workers:
            out, err = worker.communicate(timeout=300)
            assert worker.returncode == 0, err
            counts += json.loads(out)
    finally:
        forget(variables)
        database.drop()
    # Every hit was counted once: each one saw a different count, and none was lost.
    assert sorted(counts) == list(range(1, PROCESSES * HITS + 1))


def test_it_keeps_a_count_in_the_built_in_cache(db):
    limit = Limit("example", "SHARE_LINK_GUESS_LIMIT", "SHARE_LINK_GUESS_WINDOW")
    assert [limit.hit("x") for _ in range(3)] == [1, 2, 3]
    assert limit.hits("x") == 3
    assert cache.decr(limit.key("x")) == 2
    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-set")
    limit.reset("x")
    assert limit.hits("x") == 0


def test_it_gives_a_count_made_by_a_late_incr_its_window(db, monkeypatch):
    limit = Limit("example", "SHARE_LINK_GUESS_LIMIT", "SHARE_LINK_GUESS_WINDOW")

    def late_incr(key, delta=1, version=None):
        # What Redis does when the key expires between Django's EXISTS and INCR: a new count
        # of 1 that never expires.
        cache.set(key, delta, None)
        return delta

    monkeypatch.setattr(cache, "incr", late_incr)
    with time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=UTC), tick=False):
        assert limit.hit("x") == 1
        assert CacheEntry.objects.get().expires <= timezone.now() + limit.window


def test_it_chooses_redis_or_the_built_in_cache(monkeypatch):
    monkeypatch.delenv("SCI_TRACKER_CACHE_URL", raising=False)
    monkeypatch.setenv("SCI_TRACKER_CACHE_KEY_PREFIX", "clinic-a")
    built_in = env_caches("SCI_TRACKER_CACHE_URL", "SCI_TRACKER_CACHE_KEY_PREFIX", "t")["default"]
    assert built_in["BACKEND"] == "sci_tracker.core.cache.SharedDatabaseCache"
    assert (built_in["LOCATION"], built_in["KEY_PREFIX"]) == ("t", "clinic-a")
    monkeypatch.setenv("SCI_TRACKER_CACHE_URL", "rediss://:secret@cache.internal:6380/2")
    chosen = env_caches("SCI_TRACKER_CACHE_URL", "SCI_TRACKER_CACHE_KEY_PREFIX", "t")["default"]
    assert chosen["BACKEND"] == "sci_tracker.core.cache.RedisCache"
    assert chosen["LOCATION"] == "rediss://:secret@cache.internal:6380/2"


@pytest.mark.parametrize(
    "url",
    [
        "memcached://127.0.0.1:11211",
        "redis://",
        "redis://127.0.0.1:port/0",
        "redis://127.0.0.1:6379/first",
        "127.0.0.1:6379",
    ],
)
def test_it_refuses_a_cache_url_it_cannot_use(monkeypatch, url):
    monkeypatch.setenv("SCI_TRACKER_CACHE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="SCI_TRACKER_CACHE_URL must"):
        env_caches("SCI_TRACKER_CACHE_URL", "SCI_TRACKER_CACHE_KEY_PREFIX", "t")


def test_it_stops_start_up_on_a_bad_cache_url(tmp_path):
    result = start_django(tmp_path, SCI_TRACKER_CACHE_URL="redis//127.0.0.1")
    assert result.returncode != 0
    assert "SCI_TRACKER_CACHE_URL must be a Redis URL" in result.stderr
