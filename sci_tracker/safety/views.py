"""The AD safety card as a page (which prints as a wallet-size card) and as a PDF.

Who may open it: the person, and a carer they gave access to (the card is for whoever is with
them), through the same `person_view` rule as the urgent advice ("log"). A clinician's access
and share links read the diary, not this: they get 404, as a stranger does, and so does
everyone for a person without an AD risk.
"""

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_safe

from sci_tracker.reports import pdf
from sci_tracker.safety.card import AD_IN_ONE_LINE, STEPS, WHAT_TO_SAY, card_for
from sci_tracker.sharing.access import person_view, scope_kwargs

logger = logging.getLogger(__name__)
NO_STORE = "private, no-store"


def card_context(request: HttpRequest, person) -> dict:
    card = card_for(person)
    if card is None:
        raise Http404("No AD safety card for this person.")
    scope = scope_kwargs(request)
    return {
        "title": _("AD safety card"),
        "card": card,
        "ad_in_one_line": AD_IN_ONE_LINE,
        "steps": STEPS,
        "what_to_say": WHAT_TO_SAY,
        "is_own": request.access.is_own,
        "page_url": reverse("safety:card", kwargs=scope),
        "pdf_url": reverse("safety:pdf", kwargs=scope),
        "profile_url": f"{reverse('profile')}#safety",
    }


@require_safe
@person_view("log", page=gettext_noop("AD safety card"))
def card(request: HttpRequest, person) -> HttpResponse:
    response = render(request, "safety/card.html", card_context(request, person))
    response["Cache-Control"] = NO_STORE
    return response


@require_safe
@person_view("log", page=gettext_noop("AD safety card PDF"))
def card_pdf(request: HttpRequest, person) -> HttpResponse:
    context = card_context(request, person)
    html = render_to_string("safety/card_pdf.html", context, request=request)
    try:
        body = pdf.render_pdf(html)
    except pdf.PdfUnavailable as problem:
        logger.warning("Safety card PDF unavailable: %s", problem)
        response = render(
            request,
            "safety/pdf_unavailable.html",
            {"title": _("PDF not available"), "page_url": context["page_url"]},
            status=503,
        )
        response["Cache-Control"] = NO_STORE
        return response
    return HttpResponse(
        body,
        content_type="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="ad-safety-card.pdf"',
            "Cache-Control": NO_STORE,
        },
    )
