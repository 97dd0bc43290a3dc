"""Playwright driving Debian's Chromium against Django's live server, on a phone-sized screen."""

import os
import threading
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

from tests.conftest import CHROMIUM, PASSWORD

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class OneRequestAtATime:
    """A WSGI app that answers one request at a time, reading each answer whole (a streamed
    download included) before the next request starts."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            response = self.app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()


class CountedRequests:
    """A WSGI app that knows how many requests it is still answering, so that the end of a test
    can wait for them before the tables are emptied."""

    def __init__(self, app):
        self.app = app
        self.changed = threading.Condition()
        self.answering = 0

    def __call__(self, environ, start_response):
        with self.changed:
            self.answering += 1
        try:
            response = self.app(environ, start_response)
        except BaseException:
            self._answered()
            raise
        return _Answer(response, self._answered)

    def _answered(self):
        with self.changed:
            self.answering -= 1
            self.changed.notify_all()

    def wait_until_idle(self, timeout_s: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.answering == 0, timeout_s)


class _Answer:
    """A response whose closing (which the server does once it has sent it, or given up on
    it) counts the request as answered."""

    def __init__(self, response, answered):
        self.response = response
        self.answered = answered

    def __iter__(self):
        return iter(self.response)

    def close(self):
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            if self.answered:
                self.answered, answered = None, self.answered
                answered()


class SharedConnectionServer(ThreadedWSGIServer):
    """The live server, counting the requests it is answering, and answering one at a time when
    its threads share the test's database connection (SQLite in memory: on PostgreSQL each thread
    has its own). Two threads on one SQLite connection can deadlock: one holds the connection's
    mutex inside a query and waits for the GIL to run one of Django's SQL functions in Python,
    while the other holds the GIL and waits for the mutex. Seen as a report page that never
    loaded."""

    def set_app(self, application):
        shared = bool(self.connections_override)
        self.requests = CountedRequests(OneRequestAtATime(application) if shared else application)
        super().set_app(self.requests)


# pytest-django makes its live server from Django's LiveServerThread, which has no other hook.
LiveServerThread.server_class = SharedConnectionServer

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "timezone_id": "Pacific/Auckland"}


@pytest.fixture(autouse=True)
def _every_browser_test_has_the_catalogue(catalogue, request):
    """The live server needs a transactional database: see `catalogue` in tests/conftest.py.

    When the test ends, its browser is closed first (being set up after this fixture) and the
    tables are emptied last (`catalogue` comes before it). In between, the server finishes what
    it was still answering: a page's last requests can outlive the page. On PostgreSQL, a save
    still in its transaction and the emptying's TRUNCATE can lock each other's tables, and the
    database then ends one of them: seen as a test that passed and then could not be flushed."""
    yield
    if "live_server" in request.fixturenames:
        server = request.getfixturevalue("live_server").thread.httpd
        assert server.requests.wait_until_idle(timeout_s=60), "The live server is still answering"


# Every wait here is on a condition (a heading shows, a field is filled), so its timeout only
# stops a hang: a busy machine that takes longer to show the page gives the same verdict. Actions
# keep Playwright's 30 s default; assertions get the same instead of their 5 s one.
expect.set_options(timeout=30_000)


@pytest.fixture
def console_errors(page):
    """Errors the page logs: a test that expects none asserts this list is empty."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


_axe = Axe()


def assert_accessible(page):
    """axe-core finds no WCAG 2.2 A or AA violation on the page as it is now."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def evaluate_loaded(page, script, arg=None):
    """`page.evaluate` once the page's own scripts have run, for a check that reads what they
    define or do (SciQueue, the drafts in storage). Chromium 156.0.8078.114 shows a page, and
    `expect` passes on it, before its scripts and DOMContentLoaded handlers have run; the load
    event comes after them, every time."""
    page.wait_for_load_state()
    return page.evaluate(script, arg)


def wait_until(page, script, arg=None, timeout_s=30):
    """Wait until `script`, evaluated in the page once it has loaded (evaluate_loaded), gives a
    truthy answer. For checks that await (caches, IndexedDB): `page.wait_for_function` takes
    the promise such a check returns as its truthy answer and stops waiting at once. As with
    `expect`, the timeout only stops a hang."""
    deadline = time.monotonic() + timeout_s
    while not evaluate_loaded(page, script, arg):
        assert time.monotonic() < deadline, f"Still false after {timeout_s} s: {script}"
        page.wait_for_timeout(50)


ACTIVE_WORKER = "async () => Boolean((await navigator.serviceWorker.getRegistration())?.active)"


def wait_until_controlled(page):
    """Wait until the service worker controls the page. A worker that activates while the page's
    own load is under way cannot claim it (a claim reaches only pages already running), so a
    page left uncontrolled once the worker is active is loaded again, as a person's next visit
    would be."""
    wait_until(page, ACTIVE_WORKER)
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def sign_in(page, live_server, email, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # Signed in once the page it leads to has loaded: a test's next page.goto would otherwise
    # cancel the sign-in's navigation while its answer (the session, the new CSRF cookie) is
    # still on the way.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def unfold(page, title):
    """Open a folded part of a form by its summary, as a person taps it."""
    fold = page.locator("details", has=page.locator("summary", has_text=title))
    if fold.get_attribute("open") is None:
        page.locator("summary", has_text=title).click()
    expect(fold).to_have_attribute("open", "")
