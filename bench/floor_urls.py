"""The app's URLs plus /bench/floor/, the least a signed-in save can do: the whole middleware
stack (session, CSRF, the user, the POST's transaction) around one INSERT, answered in JSON.
Only `bench/load.py --floor` serves it (through bench/floor_settings.py); the app never does."""

import secrets

from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from sci_tracker.urls import (  # noqa: F401 (the error pages, as the app's URLconf has them)
    handler400,
    handler403,
    handler404,
    handler500,
)
from sci_tracker.urls import urlpatterns as app_urlpatterns


@require_POST
@login_required
def floor(request: HttpRequest) -> JsonResponse:
    # A row in a small table with no rules of the app's: the key is not a session's (a hyphen).
    Session.objects.create(
        session_key=f"floor-{secrets.token_hex(8)}", session_data="", expire_date=timezone.now()
    )
    return JsonResponse({"saved": True})


urlpatterns = [path("bench/floor/", floor), *app_urlpatterns]
