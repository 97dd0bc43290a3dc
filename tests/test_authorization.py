"""Who may open what: every URL pattern of the project, for every kind of visitor and method.

The patterns come from the URLconf, so a new view is tried here without a change to this file;
a pattern missing from PAGES fails `test_it_knows_who_may_open_every_url_pattern` until someone
says who may open it. For each pattern, each visitor in ROLES sends each method in METHODS, and
the test checks the status against `expected()` and that the body carries no diary text the
visitor may not see.
"""

import json
import re
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from sci_tracker.api.models import PersonalAccessToken
from sci_tracker.diary import medicines
from sci_tracker.diary.models import (
    ADEpisode,
    CareEvent,
    LegPainEntry,
    Medicine,
    MedicineDose,
    PainProblem,
    SpasmEpisode,
    SpasticityWeek,
    Trigger,
)
from sci_tracker.reminders.channels import stop_key
from sci_tracker.reminders.models import PushSubscription, ReminderSettings
from sci_tracker.sharing.access import PERMISSIONS
from sci_tracker.sharing.models import CareAccess, ShareLink
from tests.conftest import make_user
from tests.entries import ad_episode, care, checkin, dose, pain, sciset_week, spasm

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass(frozen=True)
class Page:
    """Who may open a page, and the status each accepted method answers them with: `get` for
    GET and HEAD, `post` for POST (an empty form, so a form page answers 200 with its errors).
    None: the method is refused with 405 before anything else is looked at."""

    who: str
    get: int | None = 200
    post: int | None = None


FORM = {"get": 200, "post": 200}
ACTION = {"get": None, "post": 302}
CONFIRM = {"get": 200, "post": 302}  # a page that asks first, then acts on POST

# Everyone, signed in or not.
PUBLIC = {
    "home": Page("public"),
    "healthz": Page("public"),
    # The installable app: the same for everyone, nothing of a diary (sci_tracker.pwa).
    "manifest": Page("public"),
    "service_worker": Page("public"),
    "pwa:offline": Page("public"),
    "javascript_catalogue": Page("public"),
    # The footer's language menu: a POST that sets a cookie (and a signed-in person's profile).
    "set_language": Page("public", **ACTION),
    "logout": Page("public", **ACTION),
    "password_reset": Page("public", **FORM),
    "password_reset_done": Page("public"),
    # The sample token is not a real one: the page says the link is no longer valid.
    "password_reset_confirm": Page("public", **FORM),
    "password_reset_complete": Page("public"),
    "signup_sent": Page("public"),
    # The sample key is not a real one: the page says the link no longer works.
    "confirm_email": Page("public", **FORM),
    "guides:index": Page("public"),
    "guides:page": Page("public"),
    "guides:search": Page("public"),
    # A share link's own address forwards to its trends, where the token is checked.
    "sharing:open": Page("public", get=302),
    # A reminder e-mail's stop link: the signed key in the address is the authority (the sample
    # is alice's), so it answers anyone; GET asks, POST turns her reminder e-mails off.
    "reminders:stop_email": Page("public", get=200, post=200),
    # The API's OpenAPI document and interactive docs: about the API, nothing of a diary.
    "api:schema": Page("public"),
    "api:docs": Page("public"),
}
# The API (sci_tracker.api) answers a personal access token only: to every visitor above, with
# or without a session, 401. test_it_gives_each_token_only_what_the_rule_allows walks it with
# a token of each account. "token": a diary, alice's when the address names her as `person`;
# "token_member": the token's own account. An empty post logs a spasm now (201); a leg pain
# without its intensity or a check-in without its first answer is refused (400).
API_PAGES = {
    "api:profile": Page("token_member"),
    "api:spasms": Page("token", post=201),
    "api:spasm": Page("token"),
    "api:pains": Page("token", post=400),
    "api:pain": Page("token"),
    "api:checkins": Page("token", post=400),
    "api:checkin": Page("token"),
    "api:trends": Page("token"),
    # Posted empty, a dose names no medicine, a due dose not its time either: refused (400).
    "api:doses": Page("token", post=400),
    "api:dose": Page("token"),
    "api:due_doses": Page("token", get=None, post=400),
    "api:medicines": Page("token"),
    # Posted empty, it has no sentence to read: refused (400); it needs the log scope to read.
    "api:say_it": Page("token", get=None, post=400),
}
PAGES = PUBLIC | {
    # "signed_out": a signed-in account is sent home. "member": any signed-in account, about
    # itself. "invitee": only the account the invitation was sent to.
    "signup": Page("signed_out", **FORM),
    "login": Page("signed_out", **FORM),
    "profile": Page("member", **FORM),
    "change_email": Page("member", **FORM),
    "send_confirmation": Page("member", **ACTION),
    "password_change": Page("member", **FORM),
    # The API's personal access tokens of the one signed in; one named by its id is alice's.
    "api_tokens": Page("member", **FORM),
    "api_token_revoke": Page("manage", **CONFIRM),
    "api_voice": Page("member"),
    "delete_account": Page("member", **FORM),
    "import": Page("member", get=302),
    "sharing:people": Page("member"),
    "sharing:answer_invitation": Page("invitee", **ACTION),
    # Diary pages: what the visitor's way in must allow (see sharing.access.PERMISSIONS).
    "diary:quick_log": Page("log"),
    "diary:spasm_now": Page("log", **ACTION),
    # An empty post names no intensity or answer: refused, saving nothing.
    "diary:pain_now": Page("log", get=None, post=400),
    "diary:checkin_now": Page("log", get=None, post=400),
    "diary:care_now": Page("log", get=None, post=400),
    # One's own Log page only, as the service worker keeps it.
    "diary:log_offline_copy": Page("log"),
    "diary:new": Page("log", **FORM),
    # Say it: an empty post is asked for its sentence again; nothing is saved from this page.
    "diary:say_it": Page("log", **FORM),
    "diary:urgent": Page("log"),
    # Medicines: the list and its changes, and the doses, for the person and their carers (the
    # one who gives the medicines keeps the list too). A medicine named by its id is alice's.
    "diary:medicines": Page("log"),
    "diary:add_medicine": Page("log", **FORM),
    "diary:change_medicine": Page("log", **FORM),
    "diary:stop_medicine": Page("log", **FORM),
    # An empty post names no medicine or time: refused, saving nothing.
    "diary:answer_dose": Page("log", get=None, post=400),
    "diary:as_needed": Page("log", **FORM),
    "diary:pain_problems": Page("manage", **FORM),
    "diary:own_items": Page("manage", **FORM),
    # One of alice's own items, named by its id: hers alone (another account's 404, like an
    # entry); a built-in named by slug: everyone hides and shows it in their own lists.
    "diary:rename_item": Page("manage", **FORM),
    "diary:archive_item": Page("manage", **ACTION),
    "diary:bring_back_item": Page("manage", **ACTION),
    "diary:hide_item": Page("manage", **ACTION),
    "diary:show_item": Page("manage", **ACTION),
    # Which parts of the logging forms the one signed in keeps open: about themselves.
    "diary:fold": Page("member", get=None, post=400),
    # Reminders and the devices that get them: about the one signed in. An empty post is not
    # a push subscription (400).
    "reminders:settings": Page("member", **FORM),
    "reminders:add_device": Page("member", get=None, post=400),
    "reminders:remove_device": Page("member", get=None, post=400),
    # A carer's "fix" reaches only the entries they logged: alice's sample entries are cara's.
    "diary:history": Page("fix"),
    "diary:bin": Page("manage"),
    "diary:empty_bin": Page("manage", **CONFIRM),
    "diary:edit": Page("fix", **FORM),
    "diary:delete": Page("fix", **ACTION),
    "diary:restore": Page("fix", **ACTION),
    "trends:overview": Page("read"),
    "trends:triggers": Page("read"),
    "trends:interventions": Page("read"),
    "trends:data": Page("read"),
    "reports:report": Page("read"),
    "reports:pdf": Page("read"),
    # The AD safety card: the person and their carers, the ones who are with them ("log").
    "safety:card": Page("log"),
    "safety:pdf": Page("log"),
    "exports:index": Page("manage"),
    "exports:csv": Page("manage"),
    "exports:backup": Page("manage"),
    "exports:fhir": Page("manage"),
    "exports:import": Page("manage", **FORM),
    # Nothing is waiting to be imported: both methods send the person back to the upload.
    "exports:import_preview": Page("manage", get=302, post=302),
    "sharing:home": Page("manage", **FORM),
    "sharing:revoke_link": Page("manage", **CONFIRM),
    "sharing:end_access": Page("manage", **CONFIRM),
    "sharing:access_log": Page("manage"),
    "sharing:add_note": Page("review", **FORM),
    "sharing:record_visit": Page("review", **FORM),
    "diary:confirm_pain_types": Page("review", **FORM),
}
PAGES |= API_PAGES
# Django's admin has its own sign-in and lets only staff in; see the admin test below.
SEPARATELY_GUARDED = {"admin"}
# Posts that come without a CSRF token by design, and what guards them instead.
CSRF_EXEMPT = {
    # A mail program's one-click unsubscribe (RFC 8058) has no cookie or token; the signed key
    # in the address is the authority, and it can only turn reminder e-mails off.
    "reminders:stop_email",
    # The API reads no cookie, only the token in the Authorization header, which another site
    # cannot make a browser send: a forged post has no credential to ride on.
    *(name for name, page in API_PAGES.items() if page.post),
}


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    params: frozenset

    @property
    def scope(self):
        """Whose diary the address names: one's own, a person's by id, or a link's."""
        if "person_id" in self.params:
            return "person"
        if "token" in self.params and self.name != "password_reset_confirm":
            return "link"
        return "own"

    def __str__(self):
        return self.route


def url_patterns(resolver=None, prefix="", namespace="", params=frozenset()):
    """Every URL pattern of the project, with its full route and all its parameters."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        found = params | set(entry.pattern.converters)
        if isinstance(entry, URLResolver):
            if entry.namespace in SEPARATELY_GUARDED:
                continue
            yield from url_patterns(entry, route, entry.namespace or namespace, found)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Pattern(name or f"(unnamed) {route}", route, frozenset(found))


PATTERNS = sorted(set(url_patterns()), key=str)


@dataclass(frozen=True)
class Role:
    name: str
    account: str | None = None  # a key of the `world` fixture's accounts
    link: str | None = None  # which of alice's share links the visitor holds

    @property
    def way(self):
        """How this visitor reaches alice's diary (see sharing.access)."""
        return {"owner": "own", "clinician_with_access": "clinician", "carer": "carer"}.get(
            self.name, ""
        )


ROLES = [
    Role("anonymous"),
    Role("owner", "alice"),
    Role("another_user", "bob"),
    Role("clinician_without_access", "dr_lee"),
    Role("clinician_with_access", "dr_okafor"),
    Role("carer", "cara"),
    Role("live_link", link="live"),
    Role("expired_link", link="expired"),
    Role("revoked_link", link="revoked"),
]
INVITEE = "clinician_without_access"  # alice's invitation waits for this account's answer
MADE_UP_TOKEN = "x" * 43


def private_text(name):
    """Words only this account's diary holds."""
    return f"PRIVATE-{name.upper()}"


@pytest.fixture
def world(db):
    """Alice, whose diary every person and link address names, and the others, each with a
    diary of their own so that a page showing the wrong one is caught."""
    accounts = {
        "alice": make_user("alice", time_zone="Pacific/Auckland"),
        "bob": make_user("bob"),
        "dr_lee": make_user("dr_lee", is_clinician=True),
        "dr_okafor": make_user("dr_okafor", is_clinician=True),
        "cara": make_user("cara"),
    }
    yesterday = timezone.now() - timedelta(days=1)
    for name, user in accounts.items():
        words = private_text(name)
        trigger = Trigger.objects.create(owner=user, slug=f"own-{name}", name=f"{words} trigger")
        entry = spasm(user, occurred_at=yesterday, note=words, red_flags=["fever"])
        entry.triggers.add(trigger)
        pain(user, occurred_at=yesterday, note=f"{words} flagged", note_for_clinician=True)
        ad_episode(user, [(yesterday, 170, 100, 50)], occurred_at=yesterday, note=f"{words} AD")
        sciset_week(user, yesterday.date(), ratings={1: -1}, note=f"{words} SCI-SET")
        care(user, "skin-problem", occurred_at=yesterday, site="heel", note=f"{words} skin")
        pills = medicines.start_medicine(
            user,
            user,
            name=f"{words} pills",
            unit="mg",
            route="mouth",
            reason="spasms",
            dose=Decimal("10"),
            times=["08:00"],
            day=yesterday.date() - timedelta(days=2),
        )
        dose(user, pills, occurred_at=yesterday, note=f"{words} dose")
    # Everyone's reminders at a time of their own, and a device that gets them.
    for number, (name, user) in enumerate(accounts.items()):
        ReminderSettings.objects.create(user=user, first_at=time(6, 10 + number), by_email=True)
        PushSubscription.objects.create(
            user=user, endpoint=f"https://push.example.net/{name}", p256dh="key", auth="secret"
        )
    alice = accounts["alice"]
    # Logged by her carer, so the carer's way to change them is walked (tests/test_roles.py
    # shows that a carer gets 404 on an entry the person logged).
    for model in (SpasmEpisode, ADEpisode, SpasticityWeek, CareEvent, MedicineDose):
        model.objects.filter(owner=alice).update(logged_by=accounts["cara"])
    now = timezone.now()
    for member, role in (("dr_okafor", "clinician"), ("cara", "carer")):
        CareAccess.objects.create(
            person=alice,
            email=accounts[member].email,
            role=role,
            member=accounts[member],
            accepted_at=now,
        )
    invitation = CareAccess.objects.create(
        person=alice, email=accounts["dr_lee"].email, role="clinician"
    )
    links = {}
    for kind in ("live", "expired", "revoked"):
        links[kind] = ShareLink.make(alice, 7, label=f"{kind} link")
    expired, _ = links["expired"]
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=now - timedelta(minutes=1))
    links["revoked"][0].revoke()
    # A pain problem, so the clinician's pain-type form has a question an empty post leaves out.
    PainProblem.objects.create(owner=alice, slot=3, name=f"{private_text('alice')} feet")
    token, _secret = PersonalAccessToken.make(alice, "Phone", "log")
    entry = SpasmEpisode.objects.get(owner=alice)
    own_trigger = Trigger.objects.get(owner=alice)
    samples = {
        "person_id": alice.pk,
        "kind": "spasm",
        "pk": entry.pk,
        "name": "spasms",
        "slug": "red-flags",
        "answer": "accept",
        "items": "triggers",
    }
    by_name = {
        "sharing:revoke_link": {"pk": links["live"][0].pk},
        "sharing:end_access": {"pk": CareAccess.objects.get(member=accounts["cara"]).pk},
        "sharing:answer_invitation": {"pk": invitation.pk},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "confirm_email": {"key": "not-a-real-key"},
        **{
            name: {"pk": own_trigger.pk}
            for name in ("diary:rename_item", "diary:archive_item", "diary:bring_back_item")
        },
        **{
            name: {"pk": Medicine.objects.get(owner=alice).pk}
            for name in ("diary:change_medicine", "diary:stop_medicine")
        },
        "api_token_revoke": {"pk": token.pk},
        "api:pain": {"pk": LegPainEntry.objects.get(owner=alice).pk},
        "api:checkin": {"pk": checkin(alice, timezone.localdate(yesterday, alice.zone)).pk},
        "api:dose": {"pk": MedicineDose.objects.get(owner=alice).pk},
        "diary:hide_item": {"slug": "cold"},
        "diary:show_item": {"slug": "cold"},
        "reminders:stop_email": {"key": stop_key(alice)},
    }
    return {"accounts": accounts, "links": links, "samples": samples, "by_name": by_name}


def address(pattern, role, world):
    kwargs = {key: world["samples"].get(key) for key in pattern.params}
    if pattern.scope == "link":
        kwargs["token"] = world["links"][role.link][1] if role.link else MADE_UP_TOKEN
    kwargs |= world["by_name"].get(pattern.name, {})
    url = reverse(pattern.name, kwargs=kwargs)
    assert resolve(url).route == pattern.route, f"{url} is not an address of {pattern}"
    return url


def expected(page, pattern, role, method):
    """The status the rule gives; `allowed` says whether alice's diary may be in the body."""
    if method not in ("GET", "HEAD", "POST"):
        return 405
    ok = page.get if method in ("GET", "HEAD") else page.post
    if ok is None:
        return 405
    if page.who == "public":
        return ok
    if page.who == "signed_out":
        return 302 if role.account else ok
    if page.who.startswith("token"):
        return 401  # a session or a share link is no token
    if pattern.scope == "link":
        if role.link in ("expired", "revoked"):
            return 410
        if role.link is None:
            return 404  # a visitor without a link can only guess one
        return ok if page.who == "read" else 404
    if role.account is None:
        return 302  # to the sign-in page first
    if page.who == "member":
        return ok
    if page.who == "invitee":
        return ok if role.name == INVITEE else 404
    if pattern.scope == "own":
        # Everyone's own diary; an entry, link or access named by its id is alice's.
        return ok if "pk" not in pattern.params or role.name == "owner" else 404
    return ok if page.who in PERMISSIONS.get(role.way, ()) else 404


def sent_to_sign_in(page, pattern, role):
    return (
        role.account is None
        and page.who not in ("public", "signed_out")
        and (pattern.scope != "link")
    )


def sees_alices_diary(page, pattern, role, status):
    if role.name == "owner":
        return True
    return pattern.scope in ("person", "link") and status < 300


def client_for(role, world, **options):
    client = Client(**options)
    if role.account:
        client.force_login(world["accounts"][role.account])
    return client


def send(client, method, url):
    """One request, rolled back afterwards so that every visitor finds the same world, and with
    the visitor's session put back in case the last request signed it out."""
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    cache.clear()  # the share-link guess counter, and trends cached for a diary version
    with transaction.atomic():
        response = client.generic(method, url)
        transaction.set_rollback(True)
    if session is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session.value
    return response


def forms_without_csrf_token(html):
    forms = re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.DOTALL | re.IGNORECASE)
    posting = [form for form in forms if re.search(r'method="post"', form, flags=re.IGNORECASE)]
    return [form[:80] for form in posting if 'name="csrfmiddlewaretoken"' not in form]


def assert_safe_headers(response, where):
    """What every response carries, whatever its status (see sci_tracker.middleware)."""
    assert response.get("X-Frame-Options") == "DENY", where
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert "frame-ancestors 'none'" in response.get("Content-Security-Policy", ""), where


def test_it_knows_who_may_open_every_url_pattern():
    unknown = sorted(pattern.name for pattern in PATTERNS if pattern.name not in PAGES)
    assert not unknown, f"Say who may open these in PAGES (or PUBLIC): {unknown}"
    assert len(PATTERNS) >= 60
    scopes = {pattern.scope for pattern in PATTERNS}
    assert scopes == {"own", "person", "link"}


@pytest.mark.parametrize("pattern", PATTERNS, ids=str)
def test_it_gives_each_visitor_only_what_the_rule_allows(world, pattern):
    page = PAGES[pattern.name]
    others = {private_text(name) for name in world["accounts"]}
    for role in ROLES:
        url = address(pattern, role, world)
        client = client_for(role, world)
        for method in METHODS:
            response = send(client, method, url)
            want = expected(page, pattern, role, method)
            where = f"{role.name} {method} {url}"
            assert response.status_code == want, f"{where}: {response.status_code}, not {want}"
            if want == 302 and sent_to_sign_in(page, pattern, role):
                assert response["Location"].startswith(reverse("login")), where
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8", errors="replace")
            allowed = {private_text(role.account)} if role.account else set()
            if sees_alices_diary(page, pattern, role, response.status_code):
                allowed.add(private_text("alice"))
            for words in others - allowed:
                assert words not in text, f"{where} shows {words}"
            if method == "GET" and "text/html" in response.get("Content-Type", ""):
                assert not forms_without_csrf_token(text), where
            assert_safe_headers(response, where)
            if page.who not in ("public", "signed_out") and response.status_code == 200:
                kept = {part.strip() for part in response["Cache-Control"].split(",")}
                assert {"private", "no-store"} <= kept, where


API_PATTERNS = [pattern for pattern in PATTERNS if pattern.name in API_PAGES]
SCOPES = ("read", "log")


def expected_by_token(page, pattern, role, scope, method, whose):
    """The status the rule gives a token of `role`'s account with `scope`, at an address of
    the token's own diary (`whose` "own") or of alice's (`whose` "alice", as `?person=`)."""
    if method not in ("GET", "HEAD", "POST"):
        return 405
    ok = page.get if method in ("GET", "HEAD") else page.post
    if ok is None:
        return 405
    if method == "POST" and scope == "read":
        return 403  # the scope first, whoever's diary it names
    if page.who == "token_member" or role.name == "owner":
        return ok
    if whose == "own":
        # Everyone's own diary; an entry named by its id is alice's.
        return 404 if "pk" in pattern.params else ok
    if not role.way:
        return 404  # nothing given away about a diary one may not open
    need = "read" if method in ("GET", "HEAD") else "log"
    return ok if need in PERMISSIONS[role.way] else 403


@pytest.mark.parametrize("pattern", API_PATTERNS, ids=str)
def test_it_gives_each_token_only_what_the_rule_allows(world, pattern):
    page = PAGES[pattern.name]
    alice = world["accounts"]["alice"]
    others = {private_text(name) for name in world["accounts"]}
    for role in [role for role in ROLES if role.account]:
        me = world["accounts"][role.account]
        for scope in SCOPES:
            _token, secret = PersonalAccessToken.make(me, f"{scope} token", scope)
            client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            for whose in ("own", "alice"):
                url = address(pattern, role, world)
                if whose == "alice":
                    url += f"?person={alice.pk}"
                for method in METHODS:
                    response = send(client, method, url)
                    want = expected_by_token(page, pattern, role, scope, method, whose)
                    where = f"{role.name} ({scope} token) {method} {url}"
                    assert response.status_code == want, f"{where}: {response.status_code}"
                    allowed = {private_text(role.account)}
                    if (whose == "alice" or role.name == "owner") and response.status_code < 300:
                        allowed.add(private_text("alice"))
                    for words in others - allowed:
                        assert words not in response.text, f"{where} shows {words}"
                    assert_safe_headers(response, where)
                    # Refusals too: JSON with a `detail`, never an HTML page.
                    assert response["Content-Type"] == "application/json", where
                    if response.status_code >= 400 and method != "HEAD":
                        assert "detail" in response.json() or want == 400, where
                    if response.status_code == 200:
                        kept = {part.strip() for part in response["Cache-Control"].split(",")}
                        assert {"private", "no-store"} <= kept, where


@pytest.mark.parametrize("pattern", API_PATTERNS, ids=str)
def test_it_lets_a_revoked_token_or_a_closed_accounts_token_open_nothing(world, pattern):
    alice, cara = world["accounts"]["alice"], world["accounts"]["cara"]
    revoked, revoked_secret = PersonalAccessToken.make(alice, "Old phone", "log")
    revoked.revoke()
    _token, closed_secret = PersonalAccessToken.make(cara, "Phone", "log")
    cara.is_active = False
    cara.save(update_fields=["is_active"])
    for secret in (revoked_secret, closed_secret):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        for whose in ("", f"?person={alice.pk}"):
            url = address(pattern, ROLES[1], world) + whose
            # The token is judged first, before the method (DRF authenticates, then dispatches).
            for method in ("GET", "POST"):
                response = send(client, method, url)
                assert response.status_code == 401, f"{method} {url}: {response.status_code}"
                assert response.json() == {"detail": "This token is not known, or it was revoked."}
                assert private_text("alice") not in response.text


# The entry pages again, on an autonomic dysreflexia episode (a form with its own formset of
# readings). Not the urgent page: an episode has no red-flag ticks, so it forwards to the entry.
ENTRY_PATTERNS = [
    pattern for pattern in PATTERNS if "kind" in pattern.params and pattern.name != "diary:urgent"
]


@pytest.mark.parametrize("pattern", ENTRY_PATTERNS, ids=str)
def test_it_gives_each_visitor_only_what_the_rule_allows_on_an_ad_episode(world, pattern):
    episode = ADEpisode.objects.get(owner=world["accounts"]["alice"])
    world["samples"] |= {"kind": "ad", "pk": episode.pk}
    test_it_gives_each_visitor_only_what_the_rule_allows(world, pattern)


# The entry pages again, on a bladder, bowel or skin event (its form narrowed to its own area).
@pytest.mark.parametrize("pattern", ENTRY_PATTERNS, ids=str)
def test_it_gives_each_visitor_only_what_the_rule_allows_on_a_care_event(world, pattern):
    event = CareEvent.objects.get(owner=world["accounts"]["alice"])
    world["samples"] |= {"kind": "care", "pk": event.pk}
    test_it_gives_each_visitor_only_what_the_rule_allows(world, pattern)


# The bin and undo again, on a week of SCI-SET answers: it has no page to change it yet
# (diary:edit and diary:new answer 404 for its kind, to everyone), but it goes to the bin and back.
@pytest.mark.parametrize(
    "pattern",
    [pattern for pattern in ENTRY_PATTERNS if pattern.name in ("diary:delete", "diary:restore")],
    ids=str,
)
def test_it_gives_each_visitor_only_what_the_rule_allows_on_a_sci_set_week(world, pattern):
    week = SpasticityWeek.objects.get(owner=world["accounts"]["alice"])
    world["samples"] |= {"kind": "sciset", "pk": week.pk}
    test_it_gives_each_visitor_only_what_the_rule_allows(world, pattern)


# The edit page, the bin and undo again, on a dose of a medicine (logged from the medicine pages:
# diary:new has no page for one).
@pytest.mark.parametrize(
    "pattern",
    [
        pattern
        for pattern in ENTRY_PATTERNS
        if pattern.name in ("diary:edit", "diary:delete", "diary:restore")
    ],
    ids=str,
)
def test_it_gives_each_visitor_only_what_the_rule_allows_on_a_dose(world, pattern):
    taken = MedicineDose.objects.get(owner=world["accounts"]["alice"])
    world["samples"] |= {"kind": "dose", "pk": taken.pk}
    test_it_gives_each_visitor_only_what_the_rule_allows(world, pattern)


def test_it_has_no_page_to_log_or_change_a_sci_set_week_for_anyone(world):
    week = SpasticityWeek.objects.get(owner=world["accounts"]["alice"])
    for name in ("alice", "cara"):
        client = Client()
        client.force_login(world["accounts"][name])
        person = {} if name == "alice" else {"person_id": week.owner_id}
        assert (
            client.get(reverse("diary:new", kwargs={**person, "kind": "sciset"})).status_code == 404
        )
        edit = reverse("diary:edit", kwargs={**person, "kind": "sciset", "pk": week.pk})
        assert client.get(edit).status_code == 404
        assert client.post(edit, {}).status_code == 404


@pytest.mark.parametrize(
    "pattern",
    [
        pattern
        for pattern in PATTERNS
        if PAGES[pattern.name].post and pattern.name not in CSRF_EXEMPT
    ],
    ids=str,
)
def test_it_refuses_a_post_without_the_csrf_token(world, pattern):
    page = PAGES[pattern.name]
    # Someone the rule lets in, so that only the missing token stops the request.
    role = next(
        role
        for role in ROLES
        if expected(page, pattern, role, "POST") == page.post
        and not sent_to_sign_in(page, pattern, role)
    )
    client = client_for(role, world, enforce_csrf_checks=True)
    response = client.post(address(pattern, role, world), {})
    assert response.status_code == 403, f"{role.name} POST {pattern}"
    assert "<h1>Please try again</h1>" in response.text


def test_it_shows_the_private_words_where_they_belong(world):
    """The leak check above is only worth something if the words do show where they may."""
    alice = world["accounts"]["alice"]
    words = private_text("alice")
    owner = Client()
    owner.force_login(alice)
    for url in ("/entries/", "/trends/triggers/", "/report/", "/export/spasms.csv"):
        response = owner.get(url)
        body = b"".join(response) if response.streaming else response.content
        assert words in body.decode(), url
    clinician = Client()
    clinician.force_login(world["accounts"]["dr_okafor"])
    assert words in clinician.get(f"/people/{alice.pk}/report/").text
    visitor = Client()
    assert words in visitor.get(f"/shared/{world['links']['live'][1]}/trends/triggers/").text


def alices_reminders():
    row = ReminderSettings.objects.get(user__email="alice@example.org")
    return (row.first_at, row.by_email, PushSubscription.objects.filter(user=row.user).count())


@pytest.mark.parametrize("role", [role for role in ROLES if role.account], ids=lambda r: r.name)
def test_it_keeps_reminders_and_devices_to_their_owner(world, role):
    """Every address of the reminders names no one: it is always the visitor's own."""
    before = alices_reminders()
    me = world["accounts"][role.account]
    client = client_for(role, world)
    page = client.get(reverse("reminders:settings")).text
    mine = ReminderSettings.objects.get(user=me).first_at.strftime("%H:%M")
    assert f'value="{mine}"' in page
    assert "Notifications go to 1 device." in page
    if role.name != "owner":
        assert 'value="06:10"' not in page  # alice's
        client.post(reverse("reminders:settings"), {"first_at": "09:00"})
        client.post(
            reverse("reminders:remove_device"),
            json.dumps({"endpoint": "https://push.example.net/alice"}),
            content_type="application/json",
        )
        client.post(reverse("reminders:stop_email", args=[stop_key(me)]))
        assert alices_reminders() == before
        assert ReminderSettings.objects.get(user=me).first_at == time(9, 0)
        assert ReminderSettings.objects.get(user=me).by_email is False
    assert PushSubscription.objects.filter(endpoint="https://push.example.net/alice").exists()


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.name)
def test_it_keeps_everyone_but_staff_out_of_the_admin(world, staff, role):
    client = client_for(role, world)
    for url in ("/admin/", "/admin/accounts/user/", "/admin/diary/spasmepisode/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    client.force_login(staff)
    assert client.get("/admin/diary/spasmepisode/").status_code == 200
