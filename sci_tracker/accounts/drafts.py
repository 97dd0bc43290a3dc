"""What static/js/drafts.js needs from the server to keep a form's draft in the browser.

The script keeps what is typed in a diary form in the browser's storage, under the account and
the form's address, until the form is saved or the draft discarded. Two things only the server
knows: that a form was accepted (a signed-in POST answered with a redirect; a form with errors
comes back as a page), and that the account signed out here. Each is noted in the session and
told to the script by the next page (`includes/drafts.html`, through the context processor).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from sci_tracker.accounts.resume import account_tag

SAVED = "drafts_saved"  # session key: addresses of forms accepted since the last page
FORGET = "drafts_forget"  # session key: the account that signed out here


def note_saves(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """After ResumeSave in MIDDLEWARE, so a save sent again after signing in counts too."""

    def middleware(request: HttpRequest) -> HttpResponse:
        was = request.user.is_authenticated
        tag = account_tag(request.user) if was else ""
        response = get_response(request)
        if request.user.is_authenticated:
            # A form accepted by this account (not the sign-in itself): a redirect, where a form
            # with errors comes back as a page.
            if was and request.method == "POST" and response.status_code in (301, 302, 303):
                saved = [*request.session.get(SAVED, []), request.get_full_path()]
                request.session[SAVED] = saved[-10:]
        elif was:  # signed out (or the account deleted) just now: its drafts go
            request.session[FORGET] = tag
        return response

    return middleware


def drafts(request: HttpRequest) -> dict[str, Any]:
    """Context processor: whose drafts this page may keep, and which to drop."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None:
        return {}
    return {
        "drafts": {
            "account": account_tag(user) if user.is_authenticated else "",
            "saved": " ".join(session.pop(SAVED, [])),
            "forget": session.pop(FORGET, ""),
        }
    }
