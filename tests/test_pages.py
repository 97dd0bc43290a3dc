import json
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from sci_tracker.accounts import confirmation
from sci_tracker.api.models import PersonalAccessToken
from sci_tracker.diary.models import Medicine, SpasmEpisode, Trigger
from sci_tracker.reminders.channels import stop_key
from sci_tracker.sharing.models import CareAccess, ShareLink
from tests.conftest import make_user
from tests.test_authorization import PAGES

# Who may open each page, from the one table the authorization walker checks in full.
PUBLIC = {name for name, page in PAGES.items() if page.who == "public" and page.get == 200}
SIGNED_OUT_ONLY = {name for name, page in PAGES.items() if page.who == "signed_out"}
POST_ONLY = {name for name, page in PAGES.items() if page.get is None}
# The API answers a personal access token only (tests/test_api.py): 401 to a session.
TOKEN_ONLY = {name for name, page in PAGES.items() if page.who.startswith("token")}
# Opens with a share link's token, account or not: it forwards to the trends the link shows.
SHARE_LINK_ONLY = {"sharing:open"}


@pytest.fixture
def url_kwargs(alice):
    """Sample arguments for the URL patterns that take some: alice's own entries, her share
    link and invitation, and a patient who gave her (a clinician) access."""
    spasm = SpasmEpisode.objects.create(
        owner=alice, logged_by=alice, occurred_at=timezone.now(), red_flags=["fever"]
    )
    entry = {"kind": "spasm", "pk": spasm.pk}
    own_item = {
        "items": "triggers",
        "pk": Trigger.objects.create(owner=alice, slug="x", name="X").pk,
    }
    builtin_item = {"items": "triggers", "slug": "cold"}
    medicine = {
        "pk": Medicine.objects.create(owner=alice, name="Baclofen", unit="mg", reason="spasms").pk
    }
    link, token = ShareLink.make(alice, 7)
    invited = CareAccess.objects.create(person=alice, email="carol@example.org", role="carer")
    alice.is_clinician = True
    alice.save()
    patient = make_user("pat")
    CareAccess.objects.create(
        person=patient,
        email=alice.email,
        role="clinician",
        member=alice,
        accepted_at=link.created_at,
    )
    return {
        "sharing:revoke_link": {"pk": link.pk},
        "sharing:end_access": {"pk": invited.pk},
        "sharing:answer_invitation": {"pk": invited.pk, "answer": "accept"},
        "sharing:add_note": {"person_id": patient.pk},
        "sharing:record_visit": {"person_id": patient.pk},
        "diary:confirm_pain_types": {"person_id": patient.pk},
        "sharing:open": {"token": token},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "confirm_email": {"key": confirmation.make_key(alice, "alice@new.example")},
        "reminders:stop_email": {"key": stop_key(alice)},
        "diary:new": {"kind": "pain"},
        "diary:edit": entry,
        "diary:delete": entry,
        "diary:restore": entry,
        "diary:urgent": entry,
        "guides:page": {"slug": "red-flags"},
        "exports:csv": {"name": "spasms"},
        "diary:rename_item": own_item,
        "diary:archive_item": own_item,
        "diary:bring_back_item": own_item,
        "diary:hide_item": builtin_item,
        "diary:show_item": builtin_item,
        "diary:change_medicine": medicine,
        "diary:stop_medicine": medicine,
        "api_token_revoke": {"pk": PersonalAccessToken.make(alice, "Phone", "log")[0].pk},
        **{name: {"pk": spasm.pk} for name in ("api:spasm", "api:pain", "api:checkin", "api:dose")},
    }


def named_patterns(resolver=None, namespace=""):
    """Every named URL of the project outside the admin, found by walking the URLconf."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from named_patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


ALL_NAMES = sorted(set(named_patterns()))


def h1_count(html):
    return len(re.findall(r"<h1[\s>]", html))


@pytest.mark.parametrize("name", ALL_NAMES)
def test_it_renders_every_named_url_for_a_visitor(client, url_kwargs, name):
    response = client.get(reverse(name, kwargs=url_kwargs.get(name)))
    if name in POST_ONLY:
        assert response.status_code in (302, 405)
    elif name in TOKEN_ONLY:
        assert response.status_code == 401
    elif name in SHARE_LINK_ONLY:
        assert response.status_code == 302
        assert response["Location"].startswith("/shared/")
    elif name in PUBLIC or name in SIGNED_OUT_ONLY:
        assert response.status_code == 200
        if response["Content-Type"].startswith("text/html"):
            assert h1_count(response.text) == 1
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ALL_NAMES)
def test_it_renders_every_named_url_for_a_member(alice_client, url_kwargs, name):
    response = alice_client.get(reverse(name, kwargs=url_kwargs.get(name)), follow=True)
    if name in POST_ONLY:
        assert response.status_code == 405
        return
    if name in TOKEN_ONLY:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    if name in SIGNED_OUT_ONLY:
        assert response.redirect_chain[-1][0] == reverse("home")
    if response["Content-Type"].startswith("text/html"):
        assert h1_count(response.text) == 1


def test_it_explains_the_app_to_a_visitor(client, db):
    response = client.get("/")
    assert "Track spasms and leg pain after spinal cord injury" in response.text
    assert 'href="/accounts/signup/"' in response.text
    assert 'href="/accounts/login/"' in response.text


def test_it_tells_a_new_member_what_to_do_first(alice_client, alice):
    alice.injury_level = "unknown"
    alice.save()
    response = alice_client.get("/")
    assert "Hello, Alice" in response.text
    assert "What to do first" in response.text
    assert "your injury level is not set yet" in response.text
    assert "Pacific/Auckland" in response.text


@time_machine.travel(datetime(2026, 3, 14, 11, 30, tzinfo=UTC), tick=False)
def test_it_shows_today_in_each_persons_own_time_zone(client, alice, bob):
    # 11:30 UTC is already the 15th in Auckland (UTC+13) and still the 14th in Denver (UTC-6).
    client.force_login(alice)
    assert "Sunday 15 March 2026" in client.get(reverse("profile")).text
    client.force_login(bob)
    assert "Saturday 14 March 2026" in client.get(reverse("profile")).text


def test_it_answers_the_health_check_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_it_reports_an_unreachable_database_in_the_health_check(client, db, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("sci_tracker.core.health.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["status"] == "error"


def test_it_sends_strict_security_headers(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_has_no_inline_script_or_style_in_any_page(client, alice, url_kwargs):
    pages = [reverse(name, kwargs=url_kwargs.get(name)) for name in ALL_NAMES]
    client.force_login(alice)
    for url in pages:
        response = client.get(url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html, url
        assert " style=" not in html, url


def test_it_lets_staff_into_the_admin_and_keeps_others_out(client, staff, alice):
    client.force_login(alice)
    assert client.get("/admin/").status_code == 302
    client.force_login(staff)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 200
    assert "alice@example.org" in response.text


def test_it_has_a_migration_for_every_model_change(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
