"""The profile's pages for personal access tokens: make one (shown once), list, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sci_tracker.api.forms import TokenForm
from sci_tracker.api.models import PersonalAccessToken
from sci_tracker.core.locks import lock_person


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, owner=request.user)
    made = None
    if request.method == "POST":
        with transaction.atomic():
            # Two requests at once take turns, so the second counts the token the first made.
            lock_person(request.user.pk)
            if form.is_valid():
                made = PersonalAccessToken.make(request.user, **form.cleaned_data)
    if made:
        token, secret = made
        # In this response only: the token itself is not kept anywhere.
        response = render(
            request,
            "api/token_made.html",
            {"title": _("Your new token"), "token": token, "secret": secret},
        )
        response["Cache-Control"] = "no-store"
        return response
    context = {
        "title": _("Apps and devices"),
        "form": form,
        "tokens": PersonalAccessToken.objects.for_user(request.user),
        "docs": reverse("api:docs"),
    }
    return render(request, "api/tokens.html", context)


@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(PersonalAccessToken.objects.for_user(request.user).live(), pk=pk)
    if request.method == "POST":
        token.revoke()
        messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
        return redirect("api_tokens")
    return render(
        request, "api/revoke_token.html", {"title": _("Revoke this token?"), "token": token}
    )
