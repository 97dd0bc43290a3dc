"""What static/js/drafts.js needs from the server to keep a form's draft in the browser.

The script keeps what is typed in a diary form in the browser's storage, under the account and
the form's address, until the form is saved or the draft discarded. Two things only the server
knows: that a form was accepted (a signed-in POST answered with a redirect; a form with errors
comes back as a page), and that the account signed out here. Each goes to the next page in a
short-lived cookie (not the session: no database write for it), which the page tells the script
(`includes/drafts.html`, through the context processor) and then drops.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sci_tracker.accounts.resume import account_tag

SAVED_COOKIE = "sci_tracker_draft_saved"  # the address of the form just accepted
FORGET_COOKIE = "sci_tracker_drafts_forget"  # the account just signed out of here
COOKIE_AGE = 5 * 60  # seconds: long enough to reach the next page


def _tell(response: HttpResponse, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def note_saves(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """After ResumeSave in MIDDLEWARE, so a save sent again after signing in counts too."""

    def middleware(request: HttpRequest) -> HttpResponse:
        was = request.user.is_authenticated
        tag = account_tag(request.user) if was else ""
        response = get_response(request)
        if getattr(request, "drafts_told", False):  # this page passed them on
            for name in (SAVED_COOKIE, FORGET_COOKIE):
                if name in request.COOKIES:
                    response.delete_cookie(name, samesite="Lax")
        if request.user.is_authenticated:
            # A form accepted by this account (not the sign-in itself): a redirect, where a form
            # with errors comes back as a page.
            if was and request.method == "POST" and response.status_code in (301, 302, 303):
                _tell(response, SAVED_COOKIE, request.get_full_path())
        elif was:  # signed out (or the account deleted) just now: its drafts go
            _tell(response, FORGET_COOKIE, tag)
        return response

    return middleware


def drafts(request: HttpRequest) -> dict[str, Any]:
    """Context processor: whose drafts this page may keep, and which to drop."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    # A page the service worker keeps (sci_tracker.pwa) is shown again later: it must neither
    # carry nor use up a note meant for the next page.
    kept = getattr(request, "kept_offline", False)
    saved = "" if kept else request.COOKIES.get(SAVED_COOKIE, "")
    forget = "" if kept else request.COOKIES.get(FORGET_COOKIE, "")
    if saved or forget:
        request.drafts_told = True
    return {
        "drafts": {
            "account": account_tag(user) if user.is_authenticated else "",
            "saved": saved,
            "forget": forget,
        }
    }
