"""The "Log by voice" page: how to make a phone's voice assistant log a spasm, or send a
dictated sentence to "Say it", with a personal access token. It fills in this site's own
addresses, and a carer's addresses for each person they log for."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sci_tracker.sharing.roles import roles_of


@require_safe
@login_required
def voice(request: HttpRequest) -> HttpResponse:
    spasms = request.build_absolute_uri(reverse("api:spasms"))
    say_it = request.build_absolute_uri(reverse("api:say_it"))
    diaries = [{"name": _("your own diary"), "spasms": spasms, "say_it": say_it}]
    diaries += [
        {
            "name": person.name,
            "spasms": f"{spasms}?person={person.pk}",
            "say_it": f"{say_it}?person={person.pk}",
        }
        for person in roles_of(request.user).helps
    ]
    context = {"title": _("Log by voice"), "diaries": diaries, "tokens": reverse("api_tokens")}
    return render(request, "api/voice.html", context)
