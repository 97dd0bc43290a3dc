"""Two app servers, one database, one cache: every limit and cached figure holds across both.

Two gunicorn processes on two ports answer in turn, as two servers behind a load balancer
would. They share a database (a scratch SQLite file, or on a PostgreSQL run a PostgreSQL
database) and a cache: the built-in one in that database, or Redis under a prefix of its own.
Nothing here depends on how fast the servers are: the windows are long, and a request sent
before a server is ready waits for it (see `gunicorn`).
"""

import json
import re
import uuid

import httpx
import pytest

from tests.stores import (
    CACHES,
    HANG,
    Database,
    base_environment,
    cache_variables,
    forget,
    gunicorn,
    manage,
)

GUESSES = 6  # share-link guesses allowed from one address, in total
PASSWORD = "two servers, one password"


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two-servers")
    database = Database(folder / "data")
    environment = base_environment(
        **database.variables,
        SCI_TRACKER_STATIC_ROOT=str(folder / "static"),
        SCI_TRACKER_SHARE_LINK_GUESS_LIMIT=str(GUESSES),
        # The lockout's windows outlast any test run, however slow the machine.
        SCI_TRACKER_LOGIN_COOLOFF_MINUTES="600",
        # Sign-in here is about the lockout; the per-minute throttle has its own tests.
        SCI_TRACKER_PASSWORD_CHECKS_PER_MINUTE="1000",
    )
    try:
        manage(environment, "migrate", "--no-input")
        manage(environment, "collectstatic", "--no-input")
        yield environment
    finally:
        database.drop()


@pytest.fixture(scope="module", params=CACHES)
def servers(request, shared_database):
    variables = cache_variables(request.param)
    environment = shared_database | variables
    try:
        with gunicorn(environment) as a, gunicorn(environment) as b:
            yield environment, [a, b]
    finally:
        forget(variables)


SEED = """
import json
from sci_tracker.accounts.models import User
from sci_tracker.sharing.models import ShareLink
email, password = json.loads(ARGUMENTS)
person = User.objects.create_user(email=email, password=password, display_name="Sam")
link, token = ShareLink.make(person, days=30)
print(json.dumps([token]))
"""


def seed(environment, email):
    """A person with a password and a live share link, made outside either server."""
    code = SEED.replace("ARGUMENTS", repr(json.dumps([email, PASSWORD])))
    result = manage(environment, "shell", "-c", code)
    return json.loads(result.stdout.strip().splitlines()[-1])[0]


@pytest.fixture
def person(servers):
    environment, _ = servers
    email = f"sam-{uuid.uuid4().hex[:8]}@example.org"
    return email, seed(environment, email)


@pytest.fixture
def visitor():
    # One cookie jar for both servers, as one browser behind one load balancer.
    with httpx.Client(timeout=HANG, follow_redirects=False) as client:
        yield client


def csrf_token(visitor, url):
    page = visitor.get(url)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def sign_in(visitor, base, email, password):
    token = csrf_token(visitor, f"{base}/accounts/login/")
    data = {"username": email, "password": password, "csrfmiddlewaretoken": token}
    return visitor.post(f"{base}/accounts/login/", data=data)


def test_it_allows_the_share_link_guesses_once_across_both_servers(servers, person, visitor):
    _, (a, b) = servers
    _, token = person
    answers = [
        visitor.get(f"{(a, b)[n % 2]}/shared/not-a-real-token-{n}/trends/").status_code
        for n in range(GUESSES + 2)
    ]
    assert answers == [404] * GUESSES + [429, 429]
    # The real link still opens on both: only misses are counted.
    for base in (a, b):
        assert visitor.get(f"{base}/shared/{token}/trends/").status_code == 200


def test_it_holds_a_sign_in_lockout_made_on_one_server_on_the_other(servers, person, visitor):
    _, (a, b) = servers
    email, _ = person
    local, domain = email.split("@")
    for spelling in [email, email.upper(), f" {local.title()}@{domain} ", email, email.upper()]:
        answer = sign_in(visitor, a, spelling, "a wrong guess")
    assert answer.status_code == 429
    for spelling in [email, f"{local}@{domain.upper()}"]:
        answer = sign_in(visitor, b, spelling, PASSWORD)
        assert answer.status_code == 429
        assert "Sign-in paused" in answer.text
        assert "sessionid" not in visitor.cookies


def test_it_shows_on_one_server_what_was_saved_through_the_other(servers, person, visitor):
    _, (a, b) = servers
    email, token = person

    def spasms_today():
        data = visitor.get(f"{b}/shared/{token}/trends/data.json").json()
        return data["spasms"]["count"][-1] or 0

    assert spasms_today() == 0
    assert spasms_today() == 0  # now cached on the shared cache
    assert sign_in(visitor, a, email, PASSWORD).status_code == 302
    token_a = csrf_token(visitor, f"{a}/log/")
    saved = visitor.post(f"{a}/log/spasm-now/", data={"csrfmiddlewaretoken": token_a})
    assert saved.status_code == 302
    assert spasms_today() == 1
