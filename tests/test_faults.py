"""Faults during a save: the database drops the connection or the disk fills up part-way.

Each test lets the first write land and makes a later one fail, inside the request's
transaction, then checks what the person sees and that the database holds nothing of it.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.forms.models import BaseInlineFormSet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import (
    Intervention,
    InterventionUse,
    LegPainEntry,
    SpasmEpisode,
    Trigger,
)
from sci_tracker.exports.models import PendingImport
from sci_tracker.sharing.models import AccessRecord, CareAccess
from tests.conftest import PASSWORD, make_user
from tests.entries import builtin

DISK_FULL = OperationalError("database or disk is full")


def fail(*args, **kwargs):
    raise DISK_FULL


def pain_with_something_tried():
    return {
        "when": "now",
        "intensity": "7",
        "pain_type": "neuropathic-below",
        "note": "Typed at 2 a.m. after the spasm woke me",
        "tried-TOTAL_FORMS": "1",
        "tried-INITIAL_FORMS": "0",
        "tried-0-intervention": builtin(Intervention, "stretching").pk,
        "tried-0-effect": "helped-a-little",
        "tried-0-dose": "",
    }


def test_it_keeps_what_was_typed_and_writes_nothing_when_a_save_fails(
    alice_client, alice, monkeypatch
):
    version = alice.diary_version
    # The entry row is written first; saving what was tried then fails.
    monkeypatch.setattr(BaseInlineFormSet, "save", fail)
    response = alice_client.post(reverse("diary:new", args=["pain"]), pain_with_something_tried())
    assert response.status_code == 503
    assert "This was not saved: the database did not answer." in response.text
    assert "Typed at 2 a.m. after the spasm woke me" in response.text
    assert 'value="7" id="id_intensity_7" checked' in response.text
    # No id of the rolled-back row is carried over, so saving again adds the row afresh.
    assert '<input type="hidden" name="tried-0-id" id="id_tried-0-id">' in response.text
    assert not LegPainEntry.objects.exists()
    assert not InterventionUse.objects.exists()
    alice.refresh_from_db()
    assert alice.diary_version == version

    # Once the database answers again, the same form saves as typed.
    monkeypatch.undo()
    again = alice_client.post(reverse("diary:new", args=["pain"]), pain_with_something_tried())
    assert again.status_code == 302
    entry = LegPainEntry.objects.get()
    assert entry.note == "Typed at 2 a.m. after the spasm woke me"
    assert entry.uses.get().effect == "helped-a-little"


def test_it_leaves_an_edited_entry_as_it_was_when_the_save_fails(alice_client, alice, monkeypatch):
    entry = LegPainEntry.objects.create(
        owner=alice, logged_by=alice, occurred_at=timezone.now(), intensity=3, note="Before"
    )
    monkeypatch.setattr(BaseInlineFormSet, "save", fail)
    data = pain_with_something_tried() | {"when": "earlier", "version": str(entry.version)}
    data["occurred_local"] = timezone.localtime(entry.occurred_at, alice.zone).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = alice_client.post(reverse("diary:edit", args=["pain", entry.pk]), data)
    assert response.status_code == 503
    assert "Typed at 2 a.m. after the spasm woke me" in response.text
    entry.refresh_from_db()
    assert (entry.intensity, entry.note) == (3, "Before")
    assert not InterventionUse.objects.exists()


def test_it_rolls_back_the_whole_request_and_says_nothing_was_saved(client, alice, monkeypatch):
    # A carer's one-tap spasm writes the access log first, then the spasm, then the diary
    # version; the last write fails.
    carer = make_user("cara")
    CareAccess.objects.create(
        person=alice, email=carer.email, role="carer", member=carer, accepted_at=timezone.now()
    )
    client.force_login(carer)
    monkeypatch.setattr("sci_tracker.diary.models.entries.diary_changed", fail)
    response = client.post(reverse("diary:spasm_now", kwargs={"person_id": alice.pk}))
    assert response.status_code == 503
    assert "<h1>Not saved</h1>" in response.text
    assert "nothing was saved" in response.text
    assert not SpasmEpisode.objects.exists()
    assert not AccessRecord.objects.filter(person=alice).exists()


def test_it_shows_the_page_without_touching_the_database(client, alice, monkeypatch):
    # When the connection itself is gone, the page must not need it: the template reads no
    # user, no message and no session.
    client.force_login(alice)
    monkeypatch.setattr(SpasmEpisode.objects, "log_now", fail)
    monkeypatch.setattr(User, "name", property(fail))
    response = client.post(reverse("diary:spasm_now"))
    assert response.status_code == 503
    assert "Try again" in response.text


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def test_it_refuses_methods_no_form_sends(alice_client, method):
    response = alice_client.generic(method, reverse("diary:history"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"


def test_it_answers_a_failed_read_with_the_general_error_page(alice, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    def broken(*args, **kwargs):
        raise ValueError("a bug, not the database")

    monkeypatch.setattr("sci_tracker.diary.views.history_page", broken)
    response = client.get(reverse("diary:history"))
    assert response.status_code == 500
    assert "Something went wrong" in response.text


# Failures outside the view: at BEGIN, at COMMIT, and before the view runs -----------------

# The address and the fields of a form that adds an own trigger: a small form with typed text.
OWN_TRIGGER = {
    "add_trigger": "",
    "trigger-name": "Cold wind on the terrace",
    "trigger-category": "temperature",
}


class FormReader(HTMLParser):
    """The forms of a page: their action and their inputs as (name, type, value)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(
                (attrs.get("name"), attrs.get("type"), attrs.get("value", ""))
            )


def resend_form(response):
    reader = FormReader()
    reader.feed(response.text)
    [form] = [form for form in reader.forms if form["action"] == response.request["PATH_INFO"]]
    return form


def resend(client, response, **typed_again):
    """Press "Try again": post the fields the page carried back, with any retyped."""
    form = resend_form(response)
    data = {}
    for name, _type, value in form["inputs"]:
        data.setdefault(name, []).append(typed_again.get(name, value))
    return client.post(form["action"], data)


def database_wrapper():
    return type(connections[DEFAULT_DB_ALIAS])


def fail_at_begin(monkeypatch, message="database is locked"):
    """Starting a transaction fails, as BEGIN IMMEDIATE does when another process has held
    SQLite's write lock past the timeout, or when PostgreSQL has gone away."""
    real = database_wrapper().set_autocommit

    def set_autocommit(self, autocommit, *args, **kwargs):
        if not autocommit:
            raise OperationalError(message)
        return real(self, autocommit, *args, **kwargs)

    monkeypatch.setattr(database_wrapper(), "set_autocommit", set_autocommit)


def fail_at_commit(monkeypatch):
    """COMMIT fails (a full disk, a dropped connection); Django then rolls the transaction back
    for real, so the test sees what a real failed commit leaves: nothing."""

    def commit(self):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(database_wrapper(), "commit", commit)


FAIL_AT = {"begin": fail_at_begin, "commit": fail_at_commit}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("point", FAIL_AT)
def test_it_keeps_what_was_typed_when_the_transaction_fails_to_begin_or_commit(
    alice_client, alice, monkeypatch, point
):
    FAIL_AT[point](monkeypatch)
    response = alice_client.post(reverse("diary:own_items"), OWN_TRIGGER)
    monkeypatch.undo()

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "<h1>Not saved</h1>" in response.text
    assert "nothing was saved" in response.text
    assert "<li>Cold wind on the terrace</li>" in response.text
    assert ("trigger-name", "hidden", "Cold wind on the terrace") in resend_form(response)["inputs"]
    assert not Trigger.objects.filter(owner=alice).exists()

    # Once the database answers again, "Try again" saves it as typed.
    again = resend(alice_client, response)
    assert again.status_code == 302
    assert Trigger.objects.get(owner=alice).name == "Cold wind on the terrace"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("point", FAIL_AT)
def test_it_brings_back_the_entry_form_when_the_transaction_fails_to_begin_or_commit(
    alice_client, alice, monkeypatch, point
):
    version = User.objects.get(pk=alice.pk).diary_version
    FAIL_AT[point](monkeypatch)
    response = alice_client.post(reverse("diary:new", args=["pain"]), pain_with_something_tried())
    monkeypatch.undo()

    assert response.status_code == 503
    assert "This was not saved: the database did not answer." in response.text
    assert "Typed at 2 a.m. after the spasm woke me" in response.text
    assert 'value="7" id="id_intensity_7" checked' in response.text
    assert not LegPainEntry.objects.exists()
    assert not InterventionUse.objects.exists()
    assert User.objects.get(pk=alice.pk).diary_version == version

    again = alice_client.post(reverse("diary:new", args=["pain"]), pain_with_something_tried())
    assert again.status_code == 302
    assert LegPainEntry.objects.get().note == "Typed at 2 a.m. after the spasm woke me"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalogue")
def test_it_leaves_an_edited_entry_as_it_was_when_the_commit_fails(
    alice_client, alice, monkeypatch
):
    entry = LegPainEntry.objects.create(
        owner=alice, logged_by=alice, occurred_at=timezone.now(), intensity=3, note="Before"
    )
    data = pain_with_something_tried() | {"when": "earlier", "version": str(entry.version)}
    data["occurred_local"] = timezone.localtime(entry.occurred_at, alice.zone).strftime(
        "%Y-%m-%dT%H:%M"
    )
    fail_at_commit(monkeypatch)
    response = alice_client.post(reverse("diary:edit", args=["pain", entry.pk]), data)
    monkeypatch.undo()
    assert response.status_code == 503
    assert "Typed at 2 a.m. after the spasm woke me" in response.text
    entry.refresh_from_db()
    assert (entry.intensity, entry.note) == (3, "Before")


def fail_to_read_the_session(monkeypatch):
    monkeypatch.setattr(SessionStore, "load", fail_with("server closed the connection"))


def fail_to_look_up_the_account(monkeypatch):
    monkeypatch.setattr(ModelBackend, "get_user", fail_with("server closed the connection"))


def fail_with(message):
    def failing(*args, **kwargs):
        raise OperationalError(message)

    return failing


BEFORE_THE_VIEW = {
    "session": fail_to_read_the_session,
    # The account is looked up where it is first needed: the time-zone middleware.
    "account": fail_to_look_up_the_account,
}


def browser(user):
    """A client that checks CSRF as a browser's requests are checked, with its token."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(user)
    page = client.get(reverse("diary:own_items"))
    return client, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize("point", BEFORE_THE_VIEW)
def test_it_keeps_what_was_typed_when_the_database_fails_before_the_view(alice, monkeypatch, point):
    client, token = browser(alice)
    BEFORE_THE_VIEW[point](monkeypatch)
    response = client.post(reverse("diary:own_items"), OWN_TRIGGER | {"csrfmiddlewaretoken": token})
    monkeypatch.undo()

    assert response.status_code == 503
    assert "<h1>Not saved</h1>" in response.text
    assert "<li>Cold wind on the terrace</li>" in response.text
    # The token the browser sent, which passes the check when it is sent again.
    assert ("csrfmiddlewaretoken", "hidden", token) in resend_form(response)["inputs"]
    assert not Trigger.objects.filter(owner=alice).exists()
    assert resend(client, response).status_code == 302
    assert Trigger.objects.get(owner=alice).name == "Cold wind on the terrace"


def test_it_never_turns_a_forged_post_into_a_form_that_passes_the_csrf_check(alice, monkeypatch):
    # The failure comes before the CSRF check: a post from another site, without the token,
    # must not come back with a valid one for the person to press "Try again" on.
    client, token = browser(alice)
    fail_to_read_the_session(monkeypatch)
    response = client.post(reverse("diary:own_items"), OWN_TRIGGER)
    monkeypatch.undo()
    assert response.status_code == 503
    assert token not in response.text
    assert ("csrfmiddlewaretoken", "hidden", "") in resend_form(response)["inputs"]
    assert resend(client, response).status_code == 403
    assert not Trigger.objects.filter(owner=alice).exists()


def fail_to_check_the_password(monkeypatch):
    monkeypatch.setattr(ModelBackend, "authenticate", fail_with("server closed the connection"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("failure", [fail_at_begin, fail_to_check_the_password])
def test_it_never_writes_a_password_into_the_not_saved_page(alice, monkeypatch, failure):
    client = Client(raise_request_exception=False)
    failure(monkeypatch)
    response = client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    monkeypatch.undo()
    assert response.status_code == 503
    assert PASSWORD not in response.text
    inputs = resend_form(response)["inputs"]
    assert ("username", "hidden", alice.email) in inputs
    assert ("password", "password", "") in inputs
    assert "type it again" in response.text
    # Typed again, the password signs in.
    signed_in = resend(client, response, password=PASSWORD)
    assert signed_in.status_code == 302
    assert client.get(reverse("profile")).status_code == 200


def test_it_answers_a_page_with_503_when_the_database_is_down(alice, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    fail_to_read_the_session(monkeypatch)
    response = client.get(reverse("diary:history") + "?kind=spasm")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "<h1>Not available right now</h1>" in response.text
    assert 'href="/entries/?kind=spasm"' in response.text


def test_it_answers_a_failed_read_in_a_view_with_503(alice, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    monkeypatch.setattr("sci_tracker.diary.views.history_page", fail)
    response = client.get(reverse("diary:history"))
    assert response.status_code == 503
    assert "<h1>Not available right now</h1>" in response.text


def test_it_never_links_try_again_to_another_host(alice, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    fail_to_read_the_session(monkeypatch)
    response = client.get("/", PATH_INFO="//evil.example/entries/")
    assert response.status_code == 503
    assert 'href="//evil.example' not in response.text
    assert 'href="/evil.example/entries/"' in response.text


# /healthz: a database that cannot write ------------------------------------------------------


def test_it_reports_a_writable_database_and_leaves_no_row(client, db):
    sessions = Session.objects.count()
    writes = []

    def record(execute, sql, params, many, context):
        writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert any(sql.startswith('INSERT INTO "django_session"') for sql in writes)
    assert Session.objects.count() == sessions


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("database is locked", "locked"),
        ("canceling statement due to lock timeout", "locked"),
        ("attempt to write a readonly database", "read-only"),
        ("cannot execute INSERT in a read-only transaction", "read-only"),
        ("database or disk is full", "full"),
        ("could not extend file: No space left on device", "full"),
        ("disk I/O error", "failed"),
    ],
)
def test_it_reports_a_database_that_cannot_write(client, db, message, reason):
    def refuse_writes(execute, sql, params, many, context):
        if sql.startswith("INSERT"):
            raise OperationalError(message)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_writes):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "error",
        "database": "cannot write",
        "reason": reason,
    }
    assert not Session.objects.filter(session_key__startswith="healthz-").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own wait for the lock")
def test_it_puts_back_the_usual_wait_for_the_write_lock(client, db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        usual = cursor.fetchone()[0]
        assert client.get(reverse("healthz")).status_code == 200
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == usual == 20_000


# Another app process, with the settings as deployed (a SQLite file, a 20-second wait for the
# write lock): it asks /healthz once for each line it reads.
HEALTH_CHECK_PROCESS = """
import sys
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", "sessions", verbosity=0)
print("ready", flush=True)
for line in sys.stdin:
    response = Client().get("/healthz", HTTP_HOST="localhost")
    print(response.status_code, response.content.decode(), flush=True)
"""


def test_it_reports_a_held_sqlite_write_lock_without_waiting_for_it(tmp_path):
    # A real SQLite file and a real lock, held by another process (this one) for as long as
    # the check runs: the check must give up after its own short wait and say "locked".
    environment = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"} | {
        "SCI_TRACKER_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sci_tracker.settings",
    }
    check = subprocess.Popen(
        [sys.executable, "-c", HEALTH_CHECK_PROCESS],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert check.stdout.readline() == "ready\n"
        holder = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        check.stdin.write("check\n")
        check.stdin.flush()
        locked = check.stdout.readline().split(" ", 1)
        holder.execute("ROLLBACK")
        check.stdin.write("check\n")
        check.stdin.flush()
        free = check.stdout.readline().split(" ", 1)
        holder.close()
    finally:
        check.stdin.close()
        check.wait(timeout=60)
    assert locked[0] == "503"
    assert json.loads(locked[1]) == {
        "status": "error",
        "database": "cannot write",
        "reason": "locked",
    }
    assert free[0] == "200"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's lock_timeout")
def test_it_reports_a_held_postgresql_lock_without_waiting_for_it(client, db):
    import psycopg

    settings_dict = connection.settings_dict
    other = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        password=settings_dict["PASSWORD"] or None,
    )
    try:
        with other.transaction():
            other.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")
            response = client.get(reverse("healthz"))
    finally:
        other.close()
    assert response.status_code == 503
    assert json.loads(response.content)["reason"] == "locked"
    assert client.get(reverse("healthz")).status_code == 200


def test_it_asks_for_the_file_again_when_an_import_upload_cannot_be_kept(
    alice_client, alice, monkeypatch
):
    # The upload keeps its own transaction (it is not one of the request's), and a failure to
    # keep it answers as any other save does.
    backup = b"".join(alice_client.get(reverse("exports:backup")).streaming_content)
    monkeypatch.setattr("sci_tracker.exports.importer.keep_pending", fail)
    response = alice_client.post(
        reverse("exports:import"),
        {"files": SimpleUploadedFile("backup.json", backup), "restore_profile": "on"},
    )
    assert response.status_code == 503
    assert "<h1>Not saved</h1>" in response.text
    inputs = resend_form(response)["inputs"]
    assert ("files", "file", "") in inputs
    assert ("restore_profile", "hidden", "on") in inputs
    assert "choose it again" in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert not PendingImport.objects.exists()
