"""The one place that answers: may this account or link see this person's data, and may it write?

Every view of a person's diary goes through `person_view`, which asks `access_for`. A URL names
the person in one of three ways: not at all (your own diary), `person_id` (a clinician or carer
signed in with their own account) or `token` (a share link, no account needed).
"""

from dataclasses import dataclass
from datetime import datetime, time
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render

from sci_tracker.core.client import client_address
from sci_tracker.core.limits import Limit
from sci_tracker.sharing.models import AccessRecord, CareAccess, Role, ShareLink

# What each way in may do. "log" adds entries, "fix" lists, changes, bins and restores entries
# (the person's all of them, a carer's only those the carer logged: see Access.fixable),
# "review" adds review notes and visit measures, "manage" is everything else: the whole
# history, the bin, sharing settings, exports.
PERMISSIONS = {
    "own": {"read", "log", "fix", "manage"},
    Role.CLINICIAN: {"read", "review"},
    Role.CARER: {"read", "log", "fix"},
    "link": {"read"},
}
SAFE_METHODS = ("GET", "HEAD")
SCOPE_KWARGS = ("person_id", "token")


@dataclass(frozen=True)
class Access:
    person: object = None
    way: str = ""  # a key of PERMISSIONS, or "" for no access at all
    link: ShareLink | None = None
    grant: CareAccess | None = None

    def allows(self, need):
        return need in PERMISSIONS.get(self.way, ())

    @property
    def is_own(self):
        return self.way == "own"

    @property
    def sees_clinic_records(self) -> bool:
        """Review notes and visit measures: for the person and their clinicians, not for carers
        or share links (a note is between the person and their care team)."""
        return self.is_own or self.allows("review")

    @property
    def can_log(self) -> bool:
        return self.allows("log")

    @property
    def someone_elses(self) -> bool:
        """A signed-in account in another person's diary (as their carer or clinician), where
        the menu must say whose diary each link opens."""
        return self.grant is not None

    def fixable(self, entries):
        """Of the person's `entries` (a queryset), those this way in may see in the history,
        change, bin and restore: all of them for the person, only the ones a carer logged
        for the carer, none for anyone else."""
        if self.is_own:
            return entries
        if self.allows("fix") and self.grant is not None:
            return entries.filter(logged_by=self.grant.member_id)
        return entries.none()

    @property
    def shown_days(self):
        """The first and last day a share link shows, either of them None when not limited."""
        if self.link is None:
            return None, None
        return self.link.shows_from, self.link.shows_to

    def describe(self):
        """How this way in reads in the person's access log."""
        if self.link is not None:
            made = f"{self.link.created_at:%-d %b %Y}"
            named = f"“{self.link.label}”, " if self.link.label else ""
            return f"Share link ({named}made {made})"
        if self.grant is not None:
            member = self.grant.member
            return f"{self.grant.role_name} account: {member.name} <{member.email}>"
        return "Your own account"


NO_ACCESS = Access()


def access_for(person, *, user=None, link=None):
    """The rule itself. A link reads one person's data while it lives; an account reads its own
    data, or another person's once that person's invitation was accepted and not ended."""
    if link is not None:
        if link.person_id == person.pk and link.is_live:
            return Access(person, "link", link=link)
        return NO_ACCESS
    if user is None or not user.is_authenticated:
        return NO_ACCESS
    if user.pk == person.pk:
        return Access(person, "own")
    grant = CareAccess.objects.active().filter(person=person, member=user).first()
    if grant is None:
        return NO_ACCESS
    return granted(grant, user)


def granted(grant: CareAccess, user) -> Access:
    """The access an active grant gives `user`, its member (for a list of grants read at once)."""
    if grant.role == Role.CLINICIAN and not (user.is_clinician and user.email_confirmed):
        # An account that stopped calling itself a clinician's, or whose address is no longer
        # proven (changed in the admin, say), loses the role until it is both again.
        return NO_ACCESS
    return Access(grant.person, grant.role, grant=grant)


def scope_kwargs(request):
    """The URL arguments that name whose diary this is, to carry over into links on the page."""
    match = request.resolver_match
    return {key: match.kwargs[key] for key in SCOPE_KWARGS if match and key in match.kwargs}


# Unknown tokens from one address; only misses count, so a valid link is never refused.
LINK_GUESSES = Limit("share-link-guesses", "SHARE_LINK_GUESS_LIMIT", "SHARE_LINK_GUESS_WINDOW")


def link_gone(request, status):
    return render(request, "sharing/link_gone.html", status=status)


def open_link(request, token):
    """The access a share link gives, or the response to send instead."""
    link = ShareLink.objects.by_token(token)
    if link is None:
        address = client_address(request)
        if LINK_GUESSES.reached(address):
            minutes = int(LINK_GUESSES.window.total_seconds() // 60)
            return None, render(request, "sharing/too_many.html", {"minutes": minutes}, status=429)
        LINK_GUESSES.hit(address)
        return None, link_gone(request, 404)
    if not link.is_live:
        return None, link_gone(request, 410)
    return access_for(link.person, link=link), None


def record_view(request, access, page, *, once_a_day=False):
    """Note in the person's access log that someone else looked. `once_a_day`: not again for
    the same viewer (account or link) and page on the same day of the person's, so data that
    a chart loads again and again is one line, not hundreds."""
    if access.is_own or not page:
        return
    viewer = request.user if request.user.is_authenticated else None
    if once_a_day:
        since = datetime.combine(access.person.local_today(), time(), access.person.zone)
        same = AccessRecord.objects.filter(person=access.person, page=page, at__gte=since)
        if same.filter(viewer=viewer, link=access.link).exists():
            return
    AccessRecord.objects.create(
        person=access.person,
        viewer=viewer,
        link=access.link,
        via=access.describe(),
        page=page,
    )


def record_list_view(request, accesses: list[Access], page: str) -> None:
    """Note in each person's access log that this account looked at a list of people (My
    patients): one row each, written in one INSERT whatever the number of people."""
    AccessRecord.objects.bulk_create(
        AccessRecord(
            person=access.person,
            viewer=request.user,
            link=None,
            via=access.describe(),
            page=page,
        )
        for access in accesses
        if not access.is_own
    )


def person_view(need, page="", *, once_a_day=False):
    """Wraps a view `view(request, person, ...)` of one person's data. `need` is what the view
    does ("read", "log", "review" or "manage"); `page` names it in the access log (blank: not
    logged, only for pages nobody else can open); `once_a_day` as for record_view. Without
    access the answer is 404, the same as for a person who does not exist, so nothing is given
    away."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, person_id=None, token=None, **kwargs):
            if need == "read" and request.method not in SAFE_METHODS:
                return HttpResponseNotAllowed(SAFE_METHODS)
            if token is not None:
                access, refusal = open_link(request, token)
                if refusal is not None:
                    return refusal
            elif not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            elif person_id is None:
                access = access_for(request.user, user=request.user)
            else:
                person = get_user_model().objects.filter(pk=person_id, is_active=True).first()
                access = access_for(person, user=request.user) if person else NO_ACCESS
            if not access.allows(need):
                raise Http404
            request.access = access
            record_view(request, access, page, once_a_day=once_a_day)
            return view(request, access.person, *args, **kwargs)

        return wrapped

    return decorator
