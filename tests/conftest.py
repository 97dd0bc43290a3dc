"""Named users and the test-wide settings, in one place."""

import faulthandler
import os
import re
import sys
from pathlib import Path

import pytest
from _pytest.nodeid import NodeId
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone, translation
from pytest_django.plugin import blocking_manager_key

from sci_tracker.accounts.models import User
from sci_tracker.core.models import CACHE_TABLE
from sci_tracker.diary.catalogue import sync_catalogue
from sci_tracker.diary.models import Intervention, Trigger
from sci_tracker.env import built_in_cache
from tests.push_service import PushService

PASSWORD = "correct horse battery staple"
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_TESTS = Path(__file__).parent / "browser"
BROWSER_SKIP_LINE = (
    f"Browser tests skipped: Chromium not found at {CHROMIUM}. "
    "Install it (apt-get install chromium) to run them; REQUIRE_BROWSER=1 makes this an error."
)


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    # A fast hasher keeps sign-ups quick; plain static storage needs no collectstatic first.
    # The built-in cache, whatever SCI_TRACKER_CACHE_URL says: clearing a Redis empties all of it.
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES=built_in_cache(CACHE_TABLE),
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


# A process frozen whole (two threads deadlocked, one of them holding the GIL) runs no Python,
# so pytest-timeout (600 s, pyproject.toml) cannot fail its test. faulthandler's watchdog is a
# thread of C: after this long it prints every thread's stack and ends the process, and the run
# reports that test instead of waiting out CI's own limit.
FROZEN_AFTER_S = 900


@pytest.fixture(autouse=True)
def _end_a_frozen_process():
    faulthandler.dump_traceback_later(FROZEN_AFTER_S, exit=True, file=sys.__stderr__)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def _site_language():
    # A request leaves its language active in the thread (LocaleMiddleware activates it and
    # nothing resets it): a later test that builds a page or a report without a request would
    # find the last request's language instead of the site's.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache(request):
    # Test databases reuse primary keys after a rollback, so a cached figure could outlive its
    # user. The built-in cache is a table in the database, so a test without the database has
    # no cache to clear (and may not open it).
    if "_django_db_helper" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")
        cache.clear()


def diary_queries(captured):
    """The queries of a CaptureQueriesContext less the built-in cache's own (a few, the same
    for every page, and none at all with Redis): what a page costs in reads of the diary."""
    return [
        query
        for query in captured.captured_queries
        if "sci_tracker_cache" not in query["sql"] and "SAVEPOINT" not in query["sql"]
    ]


def text_of(html: str) -> str:
    """A page as a person reads it: tags gone, spaces collapsed, quotes as typed."""
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(text.replace("&#x27;", "'").replace("&quot;", '"').split())


def make_user(name, *, confirmed=True, **fields):
    """An account named `name`@example.org; `confirmed=False` for one whose address is not
    proven yet (as after sign-up)."""
    if confirmed:
        fields.setdefault("email_confirmed_at", timezone.now())
    return User.objects.create_user(
        email=f"{name}@example.org", password=PASSWORD, display_name=name.title(), **fields
    )


@pytest.fixture
def tara(db):
    """A T4 injury, with a usual blood pressure of 110/70 (low, as is common after a high SCI)."""
    return make_user(
        "tara",
        time_zone="Europe/London",
        injury_level="T4",
        usual_systolic=110,
        usual_diastolic=70,
    )


@pytest.fixture
def push_service():
    """A fake push service on localhost (tests/push_service.py) that keeps what it receives."""
    with PushService() as service:
        yield service


@pytest.fixture
def catalogue(transactional_db):
    """The built-in triggers and interventions for a test that commits for real: the data
    migration loaded them, and pytest_runtest_teardown below loads them again after every
    test that empties the tables."""


def commits_for_real(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(item.fixturenames)
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that committed for real has emptied every table, the built-in catalogue
    (which the other tests take from the data migration) goes back. pytest-django runs such
    tests after the others in one process, but pytest-xdist gives each process its tests a file
    at a time, so other files' tests can follow."""
    result = yield
    # With no test next, the session's own teardown has just removed the test database.
    if nextitem is not None and commits_for_real(item):
        with item.config.stash[blocking_manager_key].unblock():
            sync_catalogue(Trigger, Intervention)
    return result


@pytest.fixture
def alice(db):
    """A person with a high injury, far east of UTC."""
    return make_user("alice", time_zone="Pacific/Auckland", injury_level="C6", completeness="B")


@pytest.fixture
def bob(db):
    """A person with a low injury, west of UTC."""
    return make_user("bob", time_zone="America/Denver", injury_level="L1", completeness="D")


@pytest.fixture
def staff(db):
    return make_user("staff", is_staff=True, is_superuser=True)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


browser_skipped_key = pytest.StashKey[bool]()


def own_node_ids(items: list[pytest.Item]) -> None:
    """schemathesis names each operation's test ("test_x[GET /api/v1/check-ins/]"), but on
    pytest 9.2 every one of them keeps the function's node id. pytest-xdist schedules tests by
    node id, and ran one of the 17 operations in silence; each gets the id its name gives."""
    for item in items:
        if not item.nodeid.endswith(f"::{item.name}"):
            item._id = NodeId.parse(f"{item._id.path}::{item.name}")


def pytest_collection_modifyitems(config, items):
    own_node_ids(items)
    browser_items = [item for item in items if BROWSER_TESTS in item.path.parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if not browser_items or CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}: apt-get install chromium"
        )
    skip = pytest.mark.skip(reason="Chromium not installed")
    for item in browser_items:
        item.add_marker(skip)
    config.stash[browser_skipped_key] = True


def pytest_terminal_summary(terminalreporter, config):
    if config.stash.get(browser_skipped_key, False):
        terminalreporter.write_line(BROWSER_SKIP_LINE, yellow=True, bold=True)


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
