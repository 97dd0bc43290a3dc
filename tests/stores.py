"""App processes started by a test, and the database and cache they share: a scratch SQLite
file or a PostgreSQL database made for the test, and the built-in cache or Redis under its own
prefix."""

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = ["database", "redis"]


def base_environment(**variables):
    """Only what a deployment would set: the test's own variables stay out."""
    keep = ("PATH", "HOME", "LANG")
    environment = {name: os.environ[name] for name in keep if name in os.environ}
    return environment | {"SCI_TRACKER_SECRET_KEY": "a-test-key-" + "k3Y9w" * 10} | variables


def manage(environment, *command, timeout=300):
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# Seconds a request or a server may take: only a guard against a hang, never a measure, so a
# busy machine that starts gunicorn slowly gives the same verdict as an idle one.
HANG = 300


@contextmanager
def gunicorn(environment: dict[str, str], options: Sequence[str] = ()) -> Iterator[str]:
    """gunicorn serving the app with `environment` (and gunicorn's `options`, no --bind);
    yields its base URL.

    The test opens the listening socket and hands it to gunicorn, so a request sent before
    gunicorn is ready waits in the socket's queue until it is: nothing to poll, and no guess at
    how long a busy machine takes to start it. A server that fails to start closes the socket,
    so the first request fails at once instead of waiting."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sci_tracker.wsgi",
            "--bind",
            f"fd://{listener.fileno()}",
            *options,
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=[listener.fileno()],
    )
    listener.close()  # gunicorn has its own copy
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=HANG)


class Database:
    """A database for processes outside the test: SQLite in `folder`, or on a PostgreSQL run
    a new database on the same server, dropped at the end."""

    def __init__(self, folder):
        self.folder = folder
        self.postgresql = connection.vendor == "postgresql"
        if self.postgresql:
            import psycopg

            self.psycopg = psycopg
            found = connection.settings_dict
            self.name = f"{found['NAME']}_servers_{uuid.uuid4().hex[:8]}"
            self.server = {
                "host": found["HOST"] or "127.0.0.1",
                "port": found["PORT"] or 5432,
                "user": found["USER"],
                "password": found["PASSWORD"],
            }
            self.admin(f'CREATE DATABASE "{self.name}"')

    def admin(self, statement):
        with self.psycopg.connect(dbname="postgres", autocommit=True, **self.server) as link:
            link.execute(statement)

    @property
    def variables(self):
        variables = {"SCI_TRACKER_DATA_DIR": str(self.folder)}
        if self.postgresql:
            user = quote(self.server["user"] or "", safe="")
            password = quote(self.server["password"] or "", safe="")
            login = f"{user}:{password}" if password else user
            variables["DATABASE_URL"] = (
                f"postgres://{login}@{self.server['host']}:{self.server['port']}/{self.name}"
            )
        return variables

    def drop(self):
        if self.postgresql:
            self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def redis_or_skip():
    """Redis for the test, or a skip when none answers; REQUIRE_REDIS=1 makes that a failure."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        message = f"Redis not reachable at {REDIS_URL}: {error}"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {message}")
        pytest.skip(message)


def cache_variables(kind):
    """The variables that choose the cache: nothing for the built-in one, else Redis with a
    prefix no one else uses (the Redis is shared)."""
    if kind == "database":
        return {}
    redis_or_skip()
    prefix = f"sci-tracker-test-{uuid.uuid4().hex}"
    return {"SCI_TRACKER_CACHE_URL": REDIS_URL, "SCI_TRACKER_CACHE_KEY_PREFIX": prefix}


def forget(variables):
    """Remove a test's keys from Redis, and only its keys."""
    prefix = variables.get("SCI_TRACKER_CACHE_KEY_PREFIX")
    if prefix:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
