"""The pages that belong to no app: home, the health check, and the server error page."""

import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sci_tracker.core import json_errors
from sci_tracker.core.health import database_problem
from sci_tracker.diary.medicines import due_on
from sci_tracker.middleware import database_fault_response
from sci_tracker.safety.card import pump_reminders
from sci_tracker.trends.rise import days_read, sudden_rise_for
from sci_tracker.trends.views import home_summary


@require_safe
def home(request):
    context = {"summary": None}
    if request.user.is_authenticated:
        # The days are read once, for the rise rule and the cards (their fortnight lies within).
        by_day = days_read(request.user)
        context["summary"] = home_summary(request.user, by_day)
        context["rise"] = sudden_rise_for(request.user, by_day)
        context["pump_reminders"] = pump_reminders(request.user)
        context["due_doses"] = due_on(request.user, request.user.local_today())
        context["back"] = request.get_full_path()
    return render(request, "home.html", context)


@require_safe
@never_cache
def healthz(request):
    """For a load balancer or monitor: 200 only when the app can write to its database."""
    problem = database_problem()
    if problem is not None:
        return JsonResponse({"status": "error", **problem}, status=503)
    return JsonResponse({"status": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, except when the database failed (before the view, at a commit, or
    reading a page): then 503 and the page that keeps what was sent (see
    database_fault_response)."""
    # Django calls this while it handles the exception, so the exception is at hand.
    if isinstance(sys.exc_info()[1], DatabaseError):
        return database_fault_response(request)
    if json_errors.wants_json(request):
        return json_errors.json_error(500, json_errors.SERVER_ERROR)
    return defaults.server_error(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if json_errors.wants_json(request):
        return json_errors.json_error(404, json_errors.NOT_FOUND)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if json_errors.wants_json(request):
        return json_errors.json_error(400, json_errors.BAD_REQUEST)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if json_errors.wants_json(request):
        return json_errors.json_error(403, json_errors.FORBIDDEN)
    return defaults.permission_denied(request, exception)
