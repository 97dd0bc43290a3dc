"""The app as deployed: gunicorn with the production settings of `.env.example`, behind a proxy
that terminates HTTPS, answering real HTTP requests."""

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.stores import HANG, gunicorn

ROOT = Path(__file__).resolve().parent.parent
HOST = "tracker.example.org"
PASSWORD = "a long production password"


def example_settings():
    """The variables `.env.example` sets, less those that need other servers: the database is
    SQLite in a scratch folder and e-mail is printed."""
    found = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            found[name] = value
    for name in [name for name in found if name.startswith("SCI_TRACKER_EMAIL")]:
        del found[name]
    del found["DATABASE_URL"]
    return found


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    keep = ("PATH", "HOME", "LANG")
    environment = {name: os.environ[name] for name in keep if name in os.environ}
    environment |= example_settings() | {
        "SCI_TRACKER_SECRET_KEY": "a-long-random-production-key-" + "x7Qp2" * 10,
        "SCI_TRACKER_DATA_DIR": str(folder / "data"),
        "SCI_TRACKER_STATIC_ROOT": str(folder / "static"),
    }

    def manage(*command):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
            timeout=300,
        )

    manage("migrate", "--no-input")
    manage("collectstatic", "--no-input")
    manage(
        "shell",
        "-c",
        "from sci_tracker.accounts.models import User; User.objects.create_user("
        f"email='pat@example.org', password='{PASSWORD}', display_name='Pat')",
    )
    with gunicorn(environment) as base:
        yield base


def proxied(base):
    """A client as the proxy forwards it: the public host name, and the request came by HTTPS."""
    return httpx.Client(
        base_url=base,
        headers={"Host": HOST, "X-Forwarded-Proto": "https"},
        follow_redirects=False,
        timeout=HANG,
    )


def cookie_attributes(response, name):
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")


def test_it_sends_the_security_headers_on_a_real_response(production):
    with proxied(production) as client:
        response = client.get("/accounts/login/")
    assert response.status_code == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert {"secure", "samesite"} <= cookie_attributes(response, "csrftoken")


def cookie_value(response, name):
    return response.headers["set-cookie"].split(f"{name}=", 1)[1].split(";", 1)[0]


def test_it_signs_in_with_a_secure_http_only_session_cookie(production):
    # The cookies are Secure, so the client, which really speaks plain HTTP to the app behind
    # the proxy, would not send them back by itself: each request carries them by hand.
    with proxied(production) as client:
        form = client.get("/accounts/login/")
        csrf = cookie_value(form, "csrftoken")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        response = client.post(
            "/accounts/login/",
            data={"username": "pat@example.org", "password": PASSWORD}
            | {"csrfmiddlewaretoken": token},
            headers={
                "Cookie": f"csrftoken={csrf}",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}/accounts/login/",
            },
        )
        assert response.status_code == 302, response.text[:500]
        assert {"secure", "httponly", "samesite", "path"} <= cookie_attributes(
            response, "sessionid"
        )
        session = re.search(r"sessionid=([^;]+)", str(response.headers.get_list("set-cookie")))
        home = client.get("/", headers={"Cookie": f"sessionid={session.group(1)}"})
        assert "Hello, Pat" in home.text
        assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_it_sends_plain_http_to_https(production):
    response = httpx.get(
        f"{production}/", headers={"Host": HOST}, follow_redirects=False, timeout=HANG
    )
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{HOST}/"


def test_it_serves_static_files_compressed_with_hashed_names(production):
    with proxied(production) as client:
        page = client.get("/accounts/login/")
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.text).group(1)
        # With a session cookie too: a static file is not a private page.
        headers = {"Accept-Encoding": "gzip", "Cookie": "sessionid=anything"}
        response = client.get(stylesheet, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
