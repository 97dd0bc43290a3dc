"""The footer's language menu: Django's set_language (the cookie that keeps a visitor's choice),
and for a signed-in person the choice saved on the profile too, so every device follows it
(accounts.middleware.user_language)."""

from django.conf import settings
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.views import i18n
from django.views.decorators.http import require_POST

from sci_tracker.core.languages import is_offered


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = i18n.set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and is_offered(code) and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    return response


def follow_profile(form: ModelForm, response: HttpResponse) -> HttpResponse:
    """After the profile is saved: "Same as this browser" forgets the menu's cookie as well,
    which would otherwise keep the language chosen before."""
    if "language" in form.changed_data and not form.instance.language:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
