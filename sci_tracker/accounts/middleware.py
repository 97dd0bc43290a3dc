from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from sci_tracker.core.languages import is_offered


def user_time_zone(get_response):
    """Show and group every date in the signed-in person's own time zone."""

    def middleware(request):
        if request.user.is_authenticated:
            timezone.activate(request.user.zone)
        else:
            timezone.deactivate()
        return get_response(request)

    return middleware


def user_language(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A signed-in person's language is the one on their profile, on every device and every
    request: read from the account that AuthenticationMiddleware loads anyway (no query of its
    own), so a choice made on the phone holds on the laptop at the next page, where a cookie
    set at sign-in would keep the old language until the next sign-in. With no choice on the
    profile (or one no longer offered), LocaleMiddleware's pick stands: the footer menu's
    cookie, else the browser's Accept-Language.

    The cookie follows the profile too, so the pages stay in that language after signing out."""

    def middleware(request: HttpRequest) -> HttpResponse:
        chosen = request.user.language if request.user.is_authenticated else ""
        if chosen and is_offered(chosen):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = get_response(request)
        cookie = settings.LANGUAGE_COOKIE_NAME
        if chosen and is_offered(chosen) and request.COOKIES.get(cookie) != chosen:
            response.set_cookie(
                cookie,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    return middleware


RENEWED_AT = "renewed_at"  # session key: when this session's life last started again


def renewal_interval() -> timedelta:
    """How long a session goes without being written again. A tenth of its life, and a day at
    most: a person in the middle of using the app is never signed out (the session lasts at
    least nine tenths of SESSION_COOKIE_AGE after their last page), while a session is written
    at most once a day, not on every page (SESSION_SAVE_EVERY_REQUEST would write the sessions
    table, and on SQLite take the write lock, for every page anyone opens)."""
    return min(timedelta(seconds=settings.SESSION_COOKIE_AGE) / 10, timedelta(days=1))


def start_session_life(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """At sign-in (the `user_logged_in` signal), which saves the session anyway: so the first
    page after it is not a second write."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT] = timezone.now().timestamp()


def renew_session(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Sliding expiry: a signed-in person's session starts its life again as they use the app.
    Marking it modified makes SessionMiddleware save it with a new expiry and send the cookie
    again with a new Max-Age."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            renewed = request.session.get(RENEWED_AT, 0)
            if now - renewed >= renewal_interval().total_seconds():
                request.session[RENEWED_AT] = now
        return response

    return middleware
