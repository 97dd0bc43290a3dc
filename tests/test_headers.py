"""The headers on responses made before or around a view, and the data folder's permissions.

The authorization walker checks the headers on every URL pattern, visitor and method; here are
the answers no URL pattern gives: a wrong Host, a missing CSRF token, a lockout, a 429 for link
guesses, the "Not saved" 503 and a 500.
"""

import gzip
import json
import stat
import subprocess
import sys
from pathlib import Path

from django.test import Client, override_settings
from django.urls import reverse

from tests.test_authorization import assert_safe_headers
from tests.test_settings import ROOT, start_django


def fail(*args, **kwargs):
    from django.db import OperationalError

    raise OperationalError("disk I/O error")


def crash(*args, **kwargs):
    raise RuntimeError("a bug, not the database")


def test_it_sends_the_safe_headers_with_a_wrong_host(db):
    response = Client().get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert_safe_headers(response, "wrong host")
    with override_settings(SECURE_SSL_REDIRECT=True):
        # SecurityMiddleware itself asks for the host to redirect to HTTPS, and fails.
        response = Client().get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert_safe_headers(response, "wrong host, HTTPS redirect")


def test_it_sends_the_safe_headers_with_every_refusal(alice, monkeypatch):
    answers = {}
    answers["405"] = Client().generic("DELETE", "/")
    answers["404"] = Client().get("/no-such-page/")
    answers["403 csrf"] = Client(enforce_csrf_checks=True).post(reverse("login"), {})
    with override_settings(SHARE_LINK_GUESS_LIMIT=1):
        guesser = Client()
        guesser.get(reverse("trends:overview", kwargs={"token": "x" * 43}))
        answers["429 link"] = guesser.get(reverse("trends:overview", kwargs={"token": "y" * 43}))
    signing_in = Client()
    for _ in range(5):
        answers["429 lockout"] = signing_in.post(
            reverse("login"), {"username": alice.email, "password": "wrong"}
        )
    owner = Client(raise_request_exception=False)
    owner.force_login(alice)
    monkeypatch.setattr("sci_tracker.diary.models.entries.diary_changed", fail)
    answers["503"] = owner.post(reverse("diary:spasm_now"))
    # A database error on a page is a 503 too ("Not available right now"); a bug is a 500.
    monkeypatch.setattr("sci_tracker.diary.views.history_page", crash)
    answers["500"] = owner.get(reverse("diary:history"))
    statuses = {name: response.status_code for name, response in answers.items()}
    assert statuses == {
        "405": 405,
        "404": 404,
        "403 csrf": 403,
        "429 link": 429,
        "429 lockout": 429,
        "503": 503,
        "500": 500,
    }
    for name, response in answers.items():
        assert_safe_headers(response, name)
    # Pages for a signed-in person are never stored, an error page included.
    for name in ("503", "500"):
        assert answers[name]["Cache-Control"] == "private, no-store", name


def test_it_keeps_private_pages_out_of_every_cache(alice_client, db):
    assert alice_client.get("/")["Cache-Control"] == "private, no-store"
    assert alice_client.get(reverse("trends:data"))["Cache-Control"] == "private, no-store"
    assert "Cache-Control" not in Client().get(reverse("guides:index"))  # public, signed out


GZIP = {"Accept-Encoding": "gzip"}
FNAME = 0x08  # the gzip header's flag for a file name: where Django puts its random padding


def test_it_sends_pages_and_exports_gzipped_with_random_padding(alice_client, db):
    page = alice_client.get(reverse("trends:overview"), {"range": "all"}, headers=GZIP)
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    assert "<h1" in gzip.decompress(page.content).decode()
    # Django's BREACH mitigation: a random-length "file name" in each body's header, so the
    # compressed size no longer tells an attacker how well a guess matched a secret on the page.
    assert page.content[3] & FNAME
    exported = alice_client.get(reverse("exports:fhir"), headers=GZIP)  # a streamed download
    assert exported["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(exported.streaming_content))
    assert json.loads(body)["resourceType"] == "Bundle"
    plain = alice_client.get(reverse("trends:overview"), {"range": "all"})
    assert "Content-Encoding" not in plain  # only when the browser asks
    assert "<h1" in plain.content.decode()


def mode(path):
    return stat.S_IMODE(Path(path).stat().st_mode)


SHOW_MODES = """
import os, stat
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:  # a write, so SQLite has its -wal and -shm files open
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    for name in ("", "db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", "secret_key"):
        path = settings.DATA_DIR / name
        print(name or "folder", oct(stat.S_IMODE(path.stat().st_mode)))
"""


def modes_after(data_dir):
    migrated = start_django(data_dir, "migrate --noinput")
    assert migrated.returncode == 0, migrated.stderr
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW_MODES],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SCI_TRACKER_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    rows = [line.split() for line in shown.stdout.splitlines()]
    return {row[0]: row[1] for row in rows if len(row) == 2 and row[1].startswith("0o")}


def test_it_makes_the_data_folder_and_database_private(tmp_path):
    data_dir = tmp_path / "data"
    assert modes_after(data_dir) == {
        "folder": "0o700",
        "db.sqlite3": "0o600",
        "db.sqlite3-wal": "0o600",
        "db.sqlite3-shm": "0o600",
        "secret_key": "0o600",
    }


def test_it_narrows_a_data_folder_left_open(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    (data_dir / "db.sqlite3").touch(mode=0o644)
    (data_dir / "db.sqlite3").chmod(0o644)
    assert (mode(data_dir), mode(data_dir / "db.sqlite3")) == (0o755, 0o644)
    assert set(modes_after(data_dir).values()) == {"0o700", "0o600"}
    assert (mode(data_dir), mode(data_dir / "db.sqlite3")) == (0o700, 0o600)
