"""Who is using the app: a person keeping their own diary, a carer, a clinician, or several.

The home page and the menu ask this, so each shows first what this account comes to do: a carer
"Log for <name>", a clinician My patients, a person their own Log. The answer follows from the
account's grants and entries, so it changes as they do; before any of those, from what the
account said it is for (User.uses_app_as, asked at sign-up): a carer or clinician waiting for an
invitation is told how to get one, not given a new diary's first steps.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sci_tracker.accounts.models import UsesAppAs
from sci_tracker.core import plain_sql
from sci_tracker.diary.models import ENTRY_MODELS
from sci_tracker.sharing.models import CareAccess, Role, invited_address


@dataclass
class Roles:
    user: object
    helps: list = field(default_factory=list)  # people this account is a carer for
    patients: list = field(default_factory=list)  # people this account is a clinician for
    pending: list = field(default_factory=list)  # invitations waiting for an answer

    @property
    def is_carer(self) -> bool:
        return bool(self.helps)

    @property
    def is_clinician(self) -> bool:
        return bool(self.user.is_clinician)

    @cached_property
    def keeps_diary(self) -> bool:
        """Whether the account keeps a diary of its own: anyone who is neither carer nor
        clinician and said the account is for their own diary (a new person starts with an
        empty one), or anyone with an entry."""
        helper = self.is_carer or self.is_clinician or self.pending
        if not helper and self.user.uses_app_as == UsesAppAs.OWN_DIARY:
            return True
        return any(model.objects.for_user(self.user).exists() for model in ENTRY_MODELS.values())

    @property
    def waiting_as(self) -> str:
        """The role ("carer" or "clinician") of an account made to help others that nobody has
        invited yet (nor let in): its home page says how to get an invitation. Else empty."""
        use = self.user.uses_app_as
        if use == UsesAppAs.OWN_DIARY or self.helps or self.patients or self.pending:
            return ""
        return use

    @property
    def people_title(self) -> str:
        """The name of the page that lists the people this account has access to."""
        if self.is_clinician and not self.is_carer:
            return _("My patients")
        if self.is_carer and not self.is_clinician:
            return _("People you help")
        if self.is_clinician:
            return _("My patients and people you help")
        return _("People you help")

    @property
    def shows_people(self) -> bool:
        """Whether the menu links to that page."""
        return self.is_carer or self.is_clinician or bool(self.patients) or bool(self.pending)


def _any_grant(member: int, address: str | None = None) -> QuerySet:
    return CareAccess.objects.standing_and_pending(member, address).values_list("pk")[:1]


def roles_of(user) -> Roles:
    """The account's roles: its standing access and its open invitations."""
    roles = Roles(user)
    if not user.is_authenticated:
        return roles
    address = invited_address(user)
    # Most accounts keep their own diary and have none: asking that with a statement compiled
    # once (core.plain_sql.rows_for) is cheap, where the rows with their people (every column
    # of the account, in name order) are not, and the menu asks on every page.
    asked = {"member": user.pk} if address is None else {"member": user.pk, "address": address}
    if not plain_sql.rows_for(_any_grant, **asked):
        return roles
    grants = CareAccess.objects.standing_and_pending(user.pk, address)
    for grant in grants.select_related("person").order_by("person__display_name", "pk"):
        if grant.member_id is None:
            roles.pending.append(grant)
        elif grant.role == Role.CARER:
            roles.helps.append(grant.person)
        elif user.is_clinician and user.email_confirmed:  # as sharing.access.access_for
            roles.patients.append(grant.person)
    return roles
