"""The installable app: the web app manifest, the service worker (with the list of what it keeps
for offline use), and the page it shows for what it cannot serve offline.

None of these holds anything of a diary, so they are the same for everyone: they say so
(`response.same_for_everyone`), and the site's "private, no-store" rule for signed-in visitors
(sci_tracker.middleware.security_headers) leaves their caching headers alone.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sci_tracker.core.theme import THEME_COLOURS

# On the kept Log page: the account it was drawn for (accounts.resume.account_tag, opaque).
ACCOUNT_HEADER = "SCI-Tracker-Account"
SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "js" / "service-worker.js"
# What the worker keeps so that the Log page works offline: the page's CSS, scripts and icons
# (hashed names, asked of the storage each time, so a new deploy is picked up by a new worker).
SHELL_STATIC = [
    "vendor/bootstrap/bootstrap.min.css",
    "css/app.css",
    "js/app.js",
    "js/drafts.js",
    "js/chips.js",
    "js/fast_entry.js",
    "js/queue.js",
    "js/log_offline.js",
    "js/pwa.js",
    "favicon.svg",
    "icons/icon-192.png",
    "icons/apple-touch-icon.png",
]


def _shared(response: HttpResponse, cache_control: str) -> HttpResponse:
    response["Cache-Control"] = cache_control
    response.same_for_everyone = True
    return response


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: what a phone needs to put the app on its home screen."""
    log = reverse("diary:quick_log")
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    shortcut_icon = [{"src": static("icons/icon-192.png"), "sizes": "192x192"}]
    data = {
        "id": "/",
        "name": "SCI Tracker",
        "short_name": "SCI Tracker",
        "description": _("A private diary of spasms and leg pain after a spinal cord injury."),
        "lang": get_language(),
        "start_url": log,
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOURS["light"],
        "background_color": "#ffffff",  # the splash screen's, as the light page
        "icons": icons,
        "shortcuts": [
            {
                "name": _("Spasm now"),
                "short_name": _("Spasm now"),
                "description": _("The Log page, at the Spasm now button"),
                "url": f"{log}#spasm-now",
                "icons": shortcut_icon,
            },
            {
                "name": _("Daily check-in"),
                "short_name": _("Check-in"),
                "description": _("Today's check-in"),
                "url": reverse("diary:new", kwargs={"kind": "checkin"}),
                "icons": shortcut_icon,
            },
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/manifest+json; charset=utf-8",
    )
    return _shared(response, "public, max-age=3600")


@cache
def _kept_worker_source() -> str:
    return SERVICE_WORKER.read_text(encoding="utf-8")


def _worker_source() -> str:
    """Read once per process, or every time while developing (an edit shows at once)."""
    if settings.DEBUG:
        return SERVICE_WORKER.read_text(encoding="utf-8")
    return _kept_worker_source()


def offline_words() -> dict[str, str]:
    """ "You are offline." in each language the app speaks, by language code."""
    words = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words[code] = _("You are offline.")
    return words


def shell() -> dict:
    """What the worker keeps for offline use, by the names this deploy serves them under, and
    the addresses it treats apart (the Log page and its offline copy, the one-tap forms)."""
    log = reverse("diary:quick_log")
    return {
        "static": [static(name) for name in SHELL_STATIC],
        "static_prefix": settings.STATIC_URL,
        "catalogue": reverse("javascript_catalogue"),
        "queue_script": static("js/queue.js"),
        "offline_page": reverse("pwa:offline"),
        "log_page": log,
        "log_copy": reverse("diary:log_offline_copy"),
        "account_header": ACCOUNT_HEADER,
        # The words of the last resort (no network, and the offline page not kept yet), in each
        # language: one worker serves every page, so it picks by the browser's language.
        "offline_words": offline_words(),
        # The one-tap forms, own or a carer's (/people/<id>/log/...): their address ends so.
        "taps": [
            reverse(name).removeprefix(log)
            for name in (
                "diary:spasm_now",
                "diary:pain_now",
                "diary:checkin_now",
                "diary:care_now",
                "diary:answer_dose",
            )
        ],
    }


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/service-worker.js at the site's root, so that its scope is the whole site,
    after one line that gives it the shell (above). The shell names files by their hashes, so a
    deploy that changes any of them changes the worker, and the browser installs the new one."""
    body = f"const SHELL = {json.dumps(shell())};\n{_worker_source()}"
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # no-cache: the browser asks every time whether the worker changed.
    return _shared(response, "no-cache")


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """Kept by the worker, and shown for any page it cannot serve offline."""
    request.kept_offline = True  # see accounts.drafts.drafts
    return render(request, "pwa/offline.html", {"title": _("You are offline")})
