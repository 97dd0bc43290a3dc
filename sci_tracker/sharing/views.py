import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from sci_tracker.sharing import people as people_lists
from sci_tracker.sharing.access import (
    granted,
    person_view,
    record_list_view,
)
from sci_tracker.sharing.forms import InviteForm, ReviewNoteForm, ShareLinkForm, VisitForm
from sci_tracker.sharing.models import (
    AccessRecord,
    AshworthScore,
    CareAccess,
    ReviewNote,
    Role,
    ShareLink,
    VisitMeasure,
)
from sci_tracker.sharing.qr import qr_drawing
from sci_tracker.sharing.roles import roles_of

logger = logging.getLogger(__name__)
ACCESS_LOG_LENGTH = 200
PEOPLE_PER_PAGE = 25


@person_view("manage")
def sharing_home(request, person):
    """The person's sharing settings: links, their care team and who looked lately."""
    link_form = ShareLinkForm(request.POST if "make_link" in request.POST else None)
    invite_form = InviteForm(request.POST if "invite" in request.POST else None, person=person)
    if link_form.is_bound and link_form.is_valid():
        return link_made(request, person, link_form.cleaned_data)
    if invite_form.is_bound and invite_form.is_valid():
        grant = CareAccess.objects.create(person=person, **invite_form.cleaned_data)
        invite_form.sent()
        tell_invitee(request, grant)
        messages.success(
            request,
            _(
                "%(address)s is invited. They accept with an SCI Tracker account that has "
                "confirmed that address; until then the invitation shows below as waiting."
            )
            % {"address": grant.email},
        )
        return redirect("sharing:home")
    context = {
        "title": _("Sharing"),
        "link_form": link_form,
        "invite_form": invite_form,
        "links": ShareLink.objects.for_user(person),
        "team": CareAccess.objects.for_user(person).select_related("member"),
        "records": AccessRecord.objects.filter(person=person)[:10],
    }
    return render(request, "sharing/home.html", context)


def link_made(request, person, chosen):
    """Make the link and show it, in this response only: its token is not kept anywhere."""
    link, token = ShareLink.make(
        person,
        chosen["lifetime"],
        label=chosen["label"],
        shows_from=chosen["shows_from"],
        shows_to=chosen["shows_to"],
    )
    url = request.build_absolute_uri(reverse("sharing:open", args=[token]))
    response = render(
        request,
        "sharing/link_made.html",
        {"title": _("Your new link"), "link": link, "url": url, "qr": qr_drawing(url)},
    )
    response["Cache-Control"] = "no-store"
    return response


def tell_invitee(request: HttpRequest, grant: CareAccess) -> None:
    """An e-mail to say where to accept. The invitation stands even if the e-mail fails.

    The subject and first lines are the app's own words: the sender's display name is free text
    (it could read "Your hospital: sign in here"), so it comes later, marked as what the sender
    calls themselves."""
    sender = grant.person
    where = request.build_absolute_uri(reverse("sharing:people"))
    role = _("clinician") if grant.role == Role.CLINICIAN else _("carer")
    if sender.email_confirmed:
        who = _(
            "The account that sent it calls itself “%(name)s” and uses the address %(address)s."
        )
    else:
        who = _(
            "The account that sent it calls itself “%(name)s” and gives the address "
            "%(address)s, which it has not confirmed."
        )
    body = _(
        "Someone who keeps a diary in SCI Tracker, an app for people living with a spinal cord "
        "injury, invited this e-mail address to see their diary as their %(role)s.\n\n"
        "%(who)s\n\n"
        "To accept, sign in (or create an account) with this e-mail address, confirm the "
        "address with the link we send you, then answer the invitation here:\n%(where)s\n\n"
        "If you do not know this person or were not expecting this, ignore this e-mail: "
        "nothing is shared until you accept."
    ) % {
        "role": role,
        # On one line, whatever was typed: a name must not add lines of its own to the e-mail.
        "who": who % {"name": " ".join(sender.name.split()), "address": sender.email},
        "where": where,
    }
    try:
        send_mail(_("An invitation to SCI Tracker"), body, None, [grant.email])
    except OSError:
        logger.exception("Could not send the invitation e-mail for access %s", grant.pk)


@person_view("manage")
def revoke_link(request, person, pk):
    link = get_object_or_404(ShareLink.objects.for_user(person), pk=pk)
    if request.method == "POST":
        link.revoke()
        messages.success(request, _("The link “%(link)s” no longer works.") % {"link": link})
        return redirect("sharing:home")
    return render(
        request,
        "sharing/confirm.html",
        {
            "title": _("Revoke this link?"),
            "message": _(
                "“%(link)s” will stop working at once, for anyone who has it. "
                "You can make a new link at any time."
            )
            % {"link": link},
            "button": _("Revoke the link"),
        },
    )


@person_view("manage")
def end_access(request, person, pk):
    grant = get_object_or_404(CareAccess.objects.for_user(person).open(), pk=pk)
    who = grant.member.name if grant.member else grant.email
    if request.method == "POST":
        grant.end()
        messages.success(request, _("%(who)s no longer has access to your diary.") % {"who": who})
        return redirect("sharing:home")
    waiting = grant.member is None
    return render(
        request,
        "sharing/confirm.html",
        {
            "title": (
                _("Cancel this invitation?")
                if waiting
                else _("End %(who)s’s access?") % {"who": who}
            ),
            "message": (
                _("%(who)s will no longer be able to accept it. You can invite them again later.")
                if waiting
                else _(
                    "%(who)s will no longer be able to see your diary. Notes they wrote stay "
                    "with you. You can invite them again later."
                )
            )
            % {"who": who},
            "button": _("Cancel the invitation") if waiting else _("End their access"),
        },
    )


@require_safe
@person_view("manage")
def access_log(request, person):
    records = AccessRecord.objects.filter(person=person)[:ACCESS_LOG_LENGTH]
    return render(
        request,
        "sharing/access_log.html",
        {"title": _("Who looked at your diary"), "records": records, "limit": ACCESS_LOG_LENGTH},
    )


@require_safe
@never_cache
@login_required
def people(request):
    """My patients / People you help: the people who gave this account access, and invitations
    to answer."""
    grants = CareAccess.objects.active().filter(member=request.user)
    grants = grants.select_related("person", "member")
    accesses = [granted(grant, request.user) for grant in grants]
    readable = [access for access in accesses if access.allows("read")]
    record_list_view(request, readable, gettext_noop("My patients list"))
    rows = people_lists.summaries([access.grant for access in readable])
    show = request.GET.get("show", "")
    shown, filters = people_lists.filtered(rows, show)
    # Most in need of attention first, a page at a time: a long list stays quick to render.
    page = Paginator(shown, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    pending = CareAccess.objects.pending_for(request.user).select_related("person")
    return render(
        request,
        "sharing/people.html",
        {
            "title": roles_of(request.user).people_title,
            "people": page.object_list,
            "page": page,
            "show": next((f.key for f in filters if f.chosen), ""),
            "everyone": len(rows),
            "filters": filters,
            "pending": pending,
        },
    )


@require_POST
@login_required
def answer_invitation(request, pk, answer):
    if answer not in ("accept", "decline"):
        raise Http404
    grant = get_object_or_404(CareAccess.objects.pending_for(request.user), pk=pk)
    if answer == "decline":
        grant.end()
        messages.success(
            request, _("You declined %(name)s’s invitation.") % {"name": grant.person.name}
        )
    elif grant.role == Role.CLINICIAN and not request.user.is_clinician:
        messages.error(
            request,
            _(
                "This invitation is for a clinician. Tick “I am a clinician” in your "
                "profile first, then accept it."
            ),
        )
    else:
        grant.accept(request.user)
        messages.success(
            request,
            _("You now have access to %(name)s’s diary.") % {"name": grant.person.name},
        )
    # Answered on the home page: back there, where the person they now help shows first.
    return redirect("home" if request.POST.get("back") == "home" else "sharing:people")


def review_section(person):
    """Where a clinician lands after writing: the patient's trends, at the review panel."""
    return reverse("trends:overview", kwargs={"person_id": person.pk}) + "#review"


@person_view("review", page=gettext_noop("Review note form"))
def add_note(request, person):
    form = ReviewNoteForm(request.POST or None)
    if form.is_valid():
        ReviewNote.objects.create(
            person=person,
            author=request.user,
            author_name=request.user.name,
            text=form.cleaned_data["text"],
        )
        messages.success(
            request,
            _("Your note is saved; %(name)s sees it on their trends.") % {"name": person.name},
        )
        return redirect(review_section(person))
    return render(
        request,
        "sharing/note_form.html",
        {
            "title": _("A review note for %(name)s") % {"name": person.name},
            "form": form,
            "submit_label": _("Save the note"),
        },
    )


@person_view("review", page=gettext_noop("Visit measures"))
def record_visit(request, person):
    form = VisitForm(request.POST or None, person=person)
    if form.is_valid():
        day = form.cleaned_data["visit_date"]
        with transaction.atomic():
            for group, side, score in form.ratings():
                VisitMeasure.objects.update_or_create(
                    person=person,
                    visit_date=day,
                    muscle_group=group,
                    side=side,
                    defaults={
                        "score": score,
                        "author": request.user,
                        "author_name": request.user.name,
                        "imported_at": None,  # rated again here: no longer the file's
                    },
                )
        messages.success(
            request,
            _("Modified Ashworth ratings for %(day)s are saved.")
            % {"day": date_format(day, "DATE_FORMAT")},
        )
        return redirect(review_section(person))
    return render(
        request,
        "sharing/visit.html",
        {
            "title": _("Visit measures for %(name)s") % {"name": person.name},
            "form": form,
            "scores": AshworthScore.choices,
        },
    )


@require_safe
def open_link(request, token):
    """A share link's own address: it opens the trends (the check happens there)."""
    return redirect("trends:overview", token=token)
