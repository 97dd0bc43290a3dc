"""Errors under /api/ as JSON: a phone shortcut or script reads `detail`, never an HTML page.

Django REST framework answers what its views refuse (401, 403, 404, 429, a 400 by field) as
JSON already; these are the answers made outside its views: an address no view has, a method
the site refuses, a server error and the database's 503. The site's handlers and middleware ask
`wants_json` and answer with `json_error`.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _

API_PREFIX = "/api/"

NOT_FOUND = _("Nothing here: no such address or entry.")
BAD_REQUEST = _("The request could not be read.")
FORBIDDEN = _("Not allowed.")
SERVER_ERROR = _("Something went wrong on the server. Nothing was saved; try again later.")
METHOD_NOT_ALLOWED = _("This address does not take that method.")
DATABASE_DOWN = _("The database is not available just now. Nothing was saved; try again.")


def wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": str(detail)}, status=status)
