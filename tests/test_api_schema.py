"""schemathesis against the API's own OpenAPI document: every operation, with values that fit the
document and hostile ones that do not, sent with a token of each kind of account. No answer may
be a server error, and each must be one the document describes (its status, content type and
body). Run in-process through the app's WSGI handler; derandomized, so every run sends the same
requests."""

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sci_tracker.api.models import PersonalAccessToken
from sci_tracker.sharing.models import CareAccess
from tests.conftest import make_user
from tests.entries import checkin, dose, pain, spasm, started_medicine

# A read-only token's or a clinician's write is refused (403) before its body is read, so the
# first writes of each operation show it; every write is sent with the tokens that may log.
REFUSED_WRITES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def connection_kept_open():
    """The WSGI handler closes the database connection after each request, as a server must;
    here that would close the test's transaction. Django's test client holds it open the same
    way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


class Way(NamedTuple):
    scope: str
    secret: str
    person: int | None  # the diary the address names (`?person=`); None: the token's own


@dataclass
class Diary:
    ways: list[Way]
    entries: dict[str, int]  # an entry of alice's for each one-entry address
    medicine: int
    due: dict[str, str]  # a scheduled dose of it that is due: its day and time
    refused_writes: list[bool]  # each case of the operation so far: a write? (REFUSED_WRITES)


@pytest.fixture
def diary(db):
    """Alice's diary, an entry of each kind, and a token for each way in: her own that logs
    and that only reads, her carer's and her clinician's (naming her diary)."""
    alice = make_user("alice", time_zone="Pacific/Auckland")
    now = timezone.now()
    pills = started_medicine(alice, ["08:00", "20:00"], alice.local_today() - timedelta(days=3))
    due = {"day": (alice.local_today() - timedelta(days=1)).isoformat(), "time": "08:00"}
    entries = {
        "/spasms/{id}/": spasm(alice, occurred_at=now - timedelta(hours=2), note="mine").pk,
        "/pains/{id}/": pain(alice, occurred_at=now - timedelta(hours=3), intensity=4).pk,
        "/check-ins/{id}/": checkin(alice, alice.local_today()).pk,
        "/doses/{id}/": dose(alice, pills, occurred_at=now - timedelta(hours=1)).pk,
    }
    ways = []
    for name, scope, role in (
        ("alice", "log", None),
        ("alice", "read", None),
        ("cara", "log", "carer"),
        ("dr_okafor", "read", "clinician"),
    ):
        user = alice
        if role is not None:
            user = make_user(name, is_clinician=role == "clinician")
            CareAccess.objects.create(
                person=alice, email=user.email, role=role, member=user, accepted_at=now
            )
        _token, secret = PersonalAccessToken.make(user, f"{scope} token", scope)
        ways.append(Way(scope, secret, None if role is None else alice.pk))
    cache.clear()
    # Hundreds of requests a token: the rate limit (tests/test_api.py) would answer most of them.
    with override_settings(API_TOKEN_REQUEST_LIMIT=10**6):
        yield Diary(ways, entries, pills.pk, due, refused_writes=[])


# The document is made without the database, so it is read once, as the module loads (one test
# per operation). schemathesis.pytest.from_fixture would read it in a test, but reports through
# pytest internals that pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    get_wsgi_application(),
    # Of the methods no operation has, one: the site refuses them all in one place, and
    # tests/test_authorization.py walks each of them on every API address.
    config=SchemathesisConfig.from_dict(
        {"phases": {"coverage": {"unexpected-methods": ["delete"]}}}
    ),
)


@contextmanager
def aimed_at_alice(case, diary: Diary):
    """The case as generated, except that an entry's id or a medicine's (and a due dose's time)
    is one of alice's: the carer's and the clinician's requests reach real entries, as well as
    hostile values."""
    path_parameters, body = case.path_parameters, case.body
    entry = diary.entries.get(case.path.removeprefix("/api/v1"))
    if entry is not None and path_parameters:
        case.path_parameters = {**path_parameters, "id": entry}
    if isinstance(body, dict) and "medicine" in body:
        case.body = {**body, "medicine": diary.medicine}
        if "time" in body:
            case.body |= diary.due
    try:
        yield case
    finally:
        case.path_parameters, case.body = path_parameters, body


@schema.parametrize()
@settings(
    max_examples=6,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_every_operation_as_its_document_says(case, diary):
    write = case.method == "POST"
    diary.refused_writes.append(write)
    for way in diary.ways:
        if way.scope == "read" and way.person is None and not write:
            continue  # reads with alice's read-only token: as with her token that logs
        if way.scope == "read" and write and diary.refused_writes.count(True) > REFUSED_WRITES:
            continue  # refused before the body is read: the first writes show it
        with aimed_at_alice(case, diary) if way.person else nullcontext(case) as sent:
            response = sent.call(
                # Werkzeug's client does not unzip an answer, as an HTTP client does.
                headers={"Authorization": f"Bearer {way.secret}", "Accept-Encoding": "identity"},
                params=None if way.person is None else {"person": way.person},
            )
            sent.validate_response(response, checks=CHECKS)
