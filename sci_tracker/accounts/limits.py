"""How hard sign-in is to guess or flood, in one place: what django-axes counts a failure
against, the limit per address of origin, and the throttle on every form that checks a password.

- One lockout per account, whatever spelling of the address was typed: axes keys on the address
  as `normalise_email` writes it, so "ALICE@example.org " and "alice@example.org" share one
  count, and a success with one spelling cannot clear the lock another spelling set.
- One limit per address of origin, across every account, with a higher threshold: someone who
  tries a few passwords on many accounts is stopped too. A success does not clear it, so signing
  in to one's own account does not buy more guesses at others.
- One throttle on password checks per address and minute, before the password is hashed: each
  check costs about a quarter of a second of CPU, so a flood would slow every page for everyone.

The visitor's address comes from `client_address`, which knows the trusted proxies. The counts
live in the shared cache (see settings.CACHES), so they hold across every worker and server.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sci_tracker.core.addresses import normalise_email
from sci_tracker.core.client import client_address
from sci_tracker.core.limits import Limit

# Failed sign-ins from one address over any accounts, in the lockout's cool-off time.
FAILED_SIGN_INS = Limit("failed-sign-ins", "SIGN_IN_ADDRESS_FAILURE_LIMIT", "AXES_COOLOFF_TIME")
# Posts of a password from one address, to any of the forms below, in a minute.
PASSWORD_CHECKS = Limit("password-checks", "PASSWORD_CHECK_LIMIT", "PASSWORD_CHECK_WINDOW")
# Every view that hashes a password a visitor sends: it checks one, or sets a new one.
PASSWORD_VIEWS = frozenset(
    {
        "login",
        "admin:login",
        "password_change",
        "admin:password_change",
        "delete_account",
        "signup",
    }
)
# AccessAttempt.username holds 255 characters; case-folding can lengthen an address a little.
USERNAME_LENGTH = 255


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account a sign-in attempt is counted against (AXES_USERNAME_CALLABLE)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    typed = (credentials or {}).get(field)
    if typed is None:
        typed = getattr(request, "POST", {}).get(field)
    if not isinstance(typed, str):
        return None
    return normalise_email(typed)[:USERNAME_LENGTH]


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler (AXES_HANDLER), plus the limit per address of origin."""

    def is_locked(self, request, credentials=None) -> bool:
        if FAILED_SIGN_INS.reached(request.axes_ip_address):
            request.sign_in_paused_for_address = True
            return True
        return super().is_locked(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        FAILED_SIGN_INS.hit(request.axes_ip_address)
        if FAILED_SIGN_INS.reached(request.axes_ip_address):
            request.sign_in_paused_for_address = True
            request.axes_locked_out = True
            request.axes_credentials = credentials


class PasswordCheckThrottle:
    """Refuses a password post past the limit with 429, before the view runs and so before any
    password is hashed. Placed after the authentication middleware, so the page can render."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method != "POST" or request.resolver_match.view_name not in PASSWORD_VIEWS:
            return None
        if PASSWORD_CHECKS.hit(client_address(request)) <= PASSWORD_CHECKS.allowed:
            return None
        context = {"allowed": PASSWORD_CHECKS.allowed}
        return render(request, "registration/too_many_tries.html", context, status=429)
