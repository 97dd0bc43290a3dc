"""A save sent after the session ended is kept, and saved once the same account signs in.

A person leaves a form open past the end of their session (or the session ended on another
device: a password change, a sign-out there) and presses Save. Django sends them to sign in, and
what they typed was gone. Here, in three steps:

1. A POST to one of the RESUMABLE pages from a visitor who is not signed in is kept in a new
   anonymous session, with the account this browser last signed in as (ACCOUNT_COOKIE, an opaque
   keyed hash), and the visitor is sent to sign in. It has passed the CSRF check already: the CSRF
   cookie outlives the session (CSRF_USE_SESSIONS is off), so a forged cross-site post is refused
   before it gets here and is never kept. A fetch answered after it, sent with the session
   that ended, does not delete the new session's cookie (keep_session_cookie).
2. Signing in keeps session data (Django's `login` cycles the key). If the account is the one
   that sent the form, the kept form is marked for it; any other account drops it unread.
3. The page opened after signing in (a script's fetch does not count) is the form's own
   address (the sign-in's `next`; for a button that only posts, such as "Spasm now", the page it
   sits on: BACK_TO). There the kept POST goes to the view again, as if just sent, under the
   view's usual rules: the form carries the version it was opened at, so an entry changed
   elsewhere meanwhile shows the edit-conflict page; a form with errors comes back with
   everything typed. A "now" in it means the moment it was sent (`sent_at`), not the sign-in: a
   spasm tapped at 02:10 is saved at 02:10.

What is kept lives in the database's sessions table, so it is kept for RESUME_WITHIN at most;
later, the browser's draft of the form (static/js/drafts.js) still has it. Passwords and files
are never kept.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from sci_tracker.middleware import AtomicWrites

# Every form where typed work could be lost, and none with a password (those are never kept,
# see _keepable): the diary's entry forms (new entries of every kind, AD readings included, and
# edits), the Log page's one-tap spasm, the profile with its safety profile, the pain problems,
# the person's own lists, and a clinician's confirmed pain types, review note and visit
# measures. Each is safe to send once more: it adds what was typed, or sets it again.
RESUMABLE = {
    "diary:new",
    "diary:edit",
    "diary:spasm_now",
    "diary:pain_problems",
    "diary:own_items",
    "diary:rename_item",
    "diary:confirm_pain_types",
    "profile",
    "sharing:add_note",
    "sharing:record_visit",
}
# A button that only posts has no page of its own to come back to: the page it sits on.
BACK_TO = {"diary:spasm_now": "diary:quick_log"}
RESUME_WITHIN = 60 * 60  # seconds: a "now" in the form is saved at most this late
SESSION_KEY = "resume_save"
ACCOUNT_COOKIE = "sci_tracker_account"
ACCOUNT_COOKIE_AGE = 400 * 24 * 60 * 60  # the most a browser keeps a cookie
_SALT = "sci_tracker.accounts.resume"


def account_tag(user: Any) -> str:
    """Names an account to this server only: an id no one can read or forge."""
    return salted_hmac(_SALT, str(user.pk)).hexdigest()[:32]


def _resumable(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None:
        return False
    # A share link (token) never writes; a person_id page is a carer's, kept the same way.
    return match.view_name in RESUMABLE and "token" not in match.kwargs


def _keepable(request: HttpRequest) -> bool:
    return not request.FILES and not any("password" in name.lower() for name in request.POST)


def _back_to(request: HttpRequest) -> str:
    """The page to come back to after signing in: the form's own, or the button's page."""
    match = request.resolver_match
    page = BACK_TO.get(match.view_name)
    return reverse(page, kwargs=match.kwargs) if page else request.get_full_path()


def sent_at(request: HttpRequest) -> datetime:
    """When the form was sent: now, or for a save kept over a sign-in, the moment it was kept,
    which is what a "now" (or "15 min ago") in it meant."""
    return getattr(request, "resumed_from", None) or timezone.now()


def keep(request: HttpRequest) -> HttpResponse:
    """Step 1: keep the sent form for the account that had this browser, then ask to sign in."""
    tag = request.COOKIES.get(ACCOUNT_COOKIE, "")
    back = _back_to(request)
    if tag and _keepable(request):
        request.session[SESSION_KEY] = {
            "path": request.get_full_path(),
            "path_info": request.path_info,
            "back": back,
            "data": [
                [name, value]
                for name, values in request.POST.lists()
                if name != "csrfmiddlewaretoken"
                for value in values
            ],
            "account": tag,
            "at": time.time(),
        }
        # Health data in an anonymous session: gone within the hour if no one signs in.
        request.session.set_expiry(RESUME_WITHIN)
        messages.info(
            request,
            _(
                "You were signed out, so this was not saved yet. Sign in and it will be "
                "saved: we keep it for an hour."
            ),
        )
    return redirect_to_login(back)


def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Step 2 (the `user_logged_in` signal): mark what was kept for this account, or drop it."""
    if request is None or not hasattr(request, "session"):
        return
    kept = request.session.get(SESSION_KEY)
    if kept is None:
        return
    # Back to the usual session length (step 1 shortened it, and cycle_key kept that).
    request.session.set_expiry(None)
    fresh = time.time() - kept.get("at", 0) < RESUME_WITHIN
    if fresh and constant_time_compare(kept.get("account", ""), account_tag(user)):
        kept["for"] = user.pk
        request.session[SESSION_KEY] = kept
    else:
        del request.session[SESSION_KEY]


def _send_again(request: HttpRequest, kept: dict) -> None:
    """Step 3: this GET of the form's address becomes the POST that was kept."""
    data = QueryDict(mutable=True)
    for name, value in kept["data"]:
        data.appendlist(name, value)
    data._mutable = False
    if kept.get("path_info", request.path_info) != request.path_info:
        # Signed in back to the button's page (BACK_TO): the POST goes to the button's address.
        # Nothing has resolved the address yet, so the view is the button's.
        request.path = request.path[: -len(request.path_info) or None] + kept["path_info"]
        request.path_info = kept["path_info"]
        request.META["PATH_INFO"] = kept["path_info"]
    request.resumed_from = datetime.fromtimestamp(kept["at"], UTC)
    request.method = "POST"
    request.META["REQUEST_METHOD"] = "POST"
    request.POST = data
    request._files = MultiValueDict()
    # The kept POST passed the CSRF check when it was sent; its token belongs to the session
    # that ended (signing in rotates it), so it is not checked again.
    request.csrf_processing_done = True


def _opened_as_page(request: HttpRequest) -> bool:
    """A page the person opened: browsers say so (Sec-Fetch-Mode: navigate), and a request that
    says nothing is taken as one. A script's or the service worker's fetch that arrives first
    after signing in (the offline copies it keeps) neither sends the kept save nor drops it."""
    return request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate"


def keep_session_cookie(get_response):
    """Before SessionMiddleware in MIDDLEWARE, to see its answer. A request sent with a session
    that has ended deletes the session's cookie in its answer. A fetch by a script or the
    service worker, sent just before a save was kept, can be answered just after it: it would
    delete the new session's cookie, and the kept save with it. Only a page the person opens
    deletes the cookie; the next one does, if it is still stale."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
        if cookie is not None and cookie["max-age"] == 0 and not _opened_as_page(request):
            del response.cookies[settings.SESSION_COOKIE_NAME]
        return response

    return middleware


def keep_csrf_cookie(get_response):
    """Before CsrfViewMiddleware in MIDDLEWARE, to see its answer. Django sends the CSRF cookie
    again with every answer that used it, to renew its expiry. A fetch by a script or the
    service worker (the offline copies it keeps), sent just before signing in, can be answered
    just after it: that answer would put back the cookie signing in replaced, and the next form
    the person sends would be refused. A fetch's answer never sends again the cookie its request
    brought; a page's does, and so does any answer that sets a new one."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
        brought = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        if cookie is not None and cookie.value == brought and not _opened_as_page(request):
            del response.cookies[settings.CSRF_COOKIE_NAME]
        return response

    return middleware


class ResumeSave:
    """Near the end of MIDDLEWARE: after the session, the account and messages. Also names the
    account in ACCOUNT_COOKIE while it is signed in, and forgets it at sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        resent = False
        if signed_in and SESSION_KEY in request.session and _opened_as_page(request):
            # The first page after signing in decides: the form's own address sends it.
            kept = request.session.pop(SESSION_KEY)
            if (
                kept.get("for") == request.user.pk
                and request.method == "GET"
                and kept.get("back", kept["path"]) == request.get_full_path()
            ):
                _send_again(request, kept)
                resent = True
        if resent and AtomicWrites.wants_transaction(request):
            # This began as a GET, so AtomicWrites (earlier in MIDDLEWARE) gave it no
            # transaction: the POST it has become gets one here, as every POST does.
            response = AtomicWrites(self.get_response)(request)
        else:
            response = self.get_response(request)
        self._name_account(request, response, signed_in)
        return response

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        """Here and not in __call__: CsrfViewMiddleware.process_view, earlier in MIDDLEWARE, has
        refused a forged post by now."""
        if request.method == "POST" and not request.user.is_authenticated and _resumable(request):
            return keep(request)
        return None

    @staticmethod
    def _name_account(request: HttpRequest, response: HttpResponse, was_signed_in: bool) -> None:
        user = request.user
        if user.is_authenticated:
            tag = account_tag(user)
            if request.COOKIES.get(ACCOUNT_COOKIE) != tag:
                response.set_cookie(
                    ACCOUNT_COOKIE,
                    tag,
                    max_age=ACCOUNT_COOKIE_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        elif was_signed_in:  # signed out just now, here: this browser is no one's any more
            response.delete_cookie(ACCOUNT_COOKIE, samesite="Lax")
