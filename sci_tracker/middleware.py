"""Site-wide rules for requests: the headers every response carries, which methods reach a
view, and how a write fails safely."""

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import Resolver404, resolve

ALLOWED_METHODS = ("GET", "HEAD", "POST")
PRIVATE = "private, no-store"  # health information: never kept by a browser or proxy cache
logger = logging.getLogger(__name__)


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
        if shows_private_data(request) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = PRIVATE
        return response

    return middleware


def allowed_methods(get_response):
    """Only what links and HTML forms send. PUT, DELETE, OPTIONS and the rest are refused here,
    so no view can answer one by accident."""

    def middleware(request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return get_response(request)

    return middleware


class AtomicWrites:
    """Every POST is one transaction: a save that fails part-way, because the database dropped
    the connection or the disk is full, leaves nothing half-written. The person then sees a page
    that says nothing was saved, instead of a bare server error.

    Reads are left out: on SQLite a transaction takes the write lock, and reads need none. A view
    marked with Django's `transaction.non_atomic_requests` is left out too (the import upload,
    which parses a large file before it writes a single row)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or not self.wants_transaction(request):
            return self.get_response(request)
        with transaction.atomic():
            return self.get_response(request)

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
        # Answering swallows the exception, so the rollback must be asked for.
        transaction.set_rollback(True)
        # The page needs no database: the connection may be the thing that failed.
        return render(request, "not_saved.html", status=503)
