"""Site-wide rules for requests: the headers every response carries, which methods reach a
view, and how a write fails safely."""

import logging
import re

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from sci_tracker.core.json_errors import DATABASE_DOWN, METHOD_NOT_ALLOWED, json_error, wants_json

ALLOWED_METHODS = ("GET", "HEAD", "POST")
PRIVATE = "private, no-store"  # health information: never kept by a browser or proxy cache
logger = logging.getLogger(__name__)

# Seconds a browser or client is asked to wait before trying again after a 503.
RETRY_AFTER = 10
# Fields of a formset's bookkeeping and of the page itself: carried back, but not shown.
BOOKKEEPING = re.compile(r".*-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS|csrfmiddlewaretoken|next")
# Values the app itself put in the form (choices, ids, dates): carried back, not shown.
MACHINE_VALUE = re.compile(r"[a-z0-9_.:@+-]*")
PASSWORD_LABELS = {
    "old_password": _("Your current password"),
    "new_password1": _("New password"),
    "new_password2": _("New password again"),
    "password1": _("Password"),
    "password2": _("Password again"),
}


def shows_private_data(request):
    """A diary page (sharing.access.person_view sets `request.access`), or any page for a
    signed-in visitor (their name, their figures). The session cookie says so without asking
    the database, which may be the thing that failed. A static file (WhiteNoise answers before
    the session is read, so there is no `request.user`) keeps its long cache life."""
    if hasattr(request, "access"):
        return True
    return hasattr(request, "user") and settings.SESSION_COOKIE_NAME in request.COOKIES


def security_headers(get_response):
    """Near the top of MIDDLEWARE (under Django's X-Frame-Options), so that every response
    carries these headers however it was made: a 405 from allowed_methods, a 400 for an unknown
    Host, a CSRF 403, a lockout or 429, a 503 "not saved" and a 500 included. SecurityMiddleware
    adds nosniff too, but not to a response made when it fails itself. A private page is never
    stored by a cache."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        shared = getattr(response, "same_for_everyone", False)  # see sci_tracker.pwa.views
        private = shows_private_data(request) and not shared
        if private and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = PRIVATE
        return response

    return middleware


def allowed_methods(get_response):
    """Only what links and HTML forms send. PUT, DELETE, OPTIONS and the rest are refused here,
    so no view can answer one by accident."""

    def middleware(request):
        if request.method not in ALLOWED_METHODS:
            if wants_json(request):
                refused = json_error(405, METHOD_NOT_ALLOWED)
                refused["Allow"] = ", ".join(ALLOWED_METHODS)
                return refused
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return get_response(request)

    return middleware


class AtomicWrites:
    """Every POST is one transaction: a save that fails part-way, because the database dropped
    the connection or the disk is full, leaves nothing half-written. The person then sees a page
    that says nothing was saved and sends what they typed again with one button, instead of a
    bare server error. That holds when the failure comes at the start of the transaction (the
    write lock is held too long, the server is gone), inside the view, or at the commit, after
    the view had already answered.

    Reads are left out: on SQLite a transaction takes the write lock, and reads need none. A view
    marked with Django's `transaction.non_atomic_requests` is left out too: the import upload,
    which parses a large file before it writes a single row, and the diary's entry pages, which
    keep their own transaction so that any failure brings back the form itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or not self.wants_transaction(request):
            return self.get_response(request)
        try:
            with transaction.atomic():
                request.in_write_transaction = True
                return self.get_response(request)
        except DatabaseError as error:
            # BEGIN or COMMIT failed: the view's own failures were answered inside. A failed
            # commit was rolled back by Django, so the view's answer (often a redirect that
            # says "saved") must not reach the person.
            logger.error("A save could not begin or commit", exc_info=error)
            return database_fault_response(request)

    @staticmethod
    def wants_transaction(request):
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return False
        return DEFAULT_DB_ALIAS not in getattr(view, "_non_atomic_requests", set())

    def process_exception(self, request, exception):
        if request.method != "POST" or not isinstance(exception, DatabaseError):
            return None
        logger.error("A save failed and was rolled back", exc_info=exception)
        if getattr(request, "in_write_transaction", False):
            # Answering swallows the exception, so the rollback must be asked for. (A view left
            # out of the request's transaction has none to mark.)
            transaction.set_rollback(True)
        return database_fault_response(request)


def database_fault_response(request: HttpRequest) -> HttpResponse:
    """The 503 page for a database that failed: for a form, "Not saved" with everything that
    was sent carried back, to send again with one button; for a page, "try again".

    It is drawn without the database and without the request's context processors, because
    the connection, the session or the account lookup may be what failed. Under /api/, JSON."""
    if wants_json(request):
        response = json_error(503, DATABASE_DOWN)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    if request.method == "POST":
        html = render_to_string("not_saved.html", _resend_form(request))
    else:
        html = render_to_string("database_unavailable.html", {"again": _same_address(request)})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def _resend_form(request: HttpRequest) -> dict:
    """The sent fields, to put back in a form that posts them again to the same address.
    Passwords are never written into the page: their boxes come back empty, as do files."""
    try:
        data, files = request.POST, request.FILES
    except Exception:  # An unreadable body: there is nothing to carry back.
        logger.warning("The body of a failed save could not be read again", exc_info=True)
        data, files = {}, {}
    fields, shown, passwords = [], [], []
    for name in data:
        if name == "csrfmiddlewaretoken":
            continue
        if "password" in name.lower():
            passwords.append((name, PASSWORD_LABELS.get(name, _("Password"))))
            continue
        for value in data.getlist(name):
            fields.append((name, value))
            typed = not BOOKKEEPING.fullmatch(name) and not MACHINE_VALUE.fullmatch(value)
            if typed and value.strip():
                shown.append(value)
    return {
        "action": _same_address(request),
        "fields": fields,
        "shown": shown,
        "passwords": passwords,
        "files": list(files),
        "csrf_token": _csrf_token(request, data),
    }


def _csrf_token(request: HttpRequest, data) -> str:
    """The token for sending again. Once this request passed the CSRF check, a fresh one (the
    view may have rotated the cookie, as signing in does). Before the check, only the token the
    browser sent: a forged cross-site post must not come back as a form that passes."""
    if getattr(request, "csrf_processing_done", False):
        return get_token(request)
    return data.get("csrfmiddlewaretoken", "")


def _same_address(request: HttpRequest) -> str:
    """This request's path and query, never read as another host ("//host/...")."""
    return "/" + request.get_full_path().lstrip("/")
