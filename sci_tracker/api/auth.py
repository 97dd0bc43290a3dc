"""Who a request is, what its token may do and how often: the API's side of sharing.access.

A token acts as its owner under the web app's rules (sharing.access.access_for): a carer's
token logs for the person they help, a clinician's reads. Its scope narrows that further: a
read-only token never writes, whoever owns it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from sci_tracker.api.models import PersonalAccessToken
from sci_tracker.core.limits import Limit
from sci_tracker.sharing.access import NO_ACCESS, Access, access_for, record_view

# Requests one token may make in a window; counted in the shared cache, so every worker agrees.
TOKEN_REQUESTS = Limit("api-token-requests", "API_TOKEN_REQUEST_LIMIT", "API_TOKEN_REQUEST_WINDOW")


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`. No session: a page in a browser cannot make the API
    act for whoever is signed in, so the API needs no CSRF token."""

    keyword = b"bearer"

    def authenticate(self, request: Request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Bearer <token>”."))
        try:
            secret = words[1].decode()
        except UnicodeDecodeError:
            secret = ""
        token = PersonalAccessToken.find(secret) if secret else None
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not known, or it was revoked."))
        token.note_use()
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}


class ScopeAllows(BasePermission):
    """A signed-in token; one that writes must have the log scope."""

    def has_permission(self, request: Request, view) -> bool:
        if not hasattr(view, request.method.lower()):
            return True  # the view answers 405, to anyone, before anything else
        token = request.auth
        if not isinstance(token, PersonalAccessToken):
            return False
        if request.method in SAFE_METHODS or token.can_log:
            return True
        self.message = _("This token may only read. Make a token that may log entries.")
        return False


class PerToken(BaseThrottle):
    """At most API_TOKEN_REQUEST_LIMIT requests per token in each API_TOKEN_REQUEST_WINDOW."""

    def allow_request(self, request: Request, view) -> bool:
        token = request.auth
        if not isinstance(token, PersonalAccessToken):
            return True  # refused anyway, with 401
        return TOKEN_REQUESTS.hit(str(token.pk)) <= TOKEN_REQUESTS.allowed

    def wait(self) -> float:
        # The count clears one window after its first hit, which the cache does not say; the
        # whole window is the longest a client may have to wait.
        return TOKEN_REQUESTS.window.total_seconds()


def access_of(request: Request, need: str, page: str) -> Access:
    """The access the token's owner has to the diary the request names: the `person` query
    parameter (a person's id), or the owner's own. No access at all is 404, as on the web (a
    stranger learns nothing); access that does not allow `need` (a clinician logging) is 403."""
    user = request.user
    named = request.query_params.get("person")
    if named in (None, ""):
        person = user
    elif named.isascii() and named.isdigit() and len(named) <= 18:
        person = get_user_model().objects.filter(pk=int(named), is_active=True).first()
    else:
        person = None
    access = access_for(person, user=user) if person is not None else NO_ACCESS
    if not access.allows("read"):
        raise exceptions.NotFound(_("No diary you may open has that id."))
    if not access.allows(need):
        raise exceptions.PermissionDenied(_("You may read this diary, but not log in it."))
    record_view(request, access, page, once_a_day=True)
    return access
