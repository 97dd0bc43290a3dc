"""Proving that an account's holder reads mail at its address, and the e-mails around it.

An invitation goes to an address, so only an account that proved it owns that address may
accept one. The proof is a signed link (django.core.signing, with its own salt) naming the
account, the address to confirm and the account's address state when the link was made. It
lasts EMAIL_CONFIRMATION_MAX_AGE, and once the account's address or confirmation changes (the
link was used, or the address was changed another way) it no longer matches and does nothing.
Nothing is stored for a link, so a change of address waits only in the link sent to it.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from sci_tracker.accounts.models import User
from sci_tracker.core.addresses import normalise_email
from sci_tracker.core.limits import Limit

logger = logging.getLogger(__name__)
SALT = "sci_tracker.accounts.confirm-email"

# E-mails the app sends about accounts (confirmation links, sign-up notices), per receiving
# address: nobody can flood someone's mailbox through the sign-up or profile pages.
ACCOUNT_EMAILS = Limit("account-emails", "ACCOUNT_EMAIL_LIMIT", "ACCOUNT_EMAIL_WINDOW")


def address_state(user: User) -> str:
    """A digest of what a link must find unchanged: the account's address and whether (and
    when) it was confirmed."""
    confirmed = user.email_confirmed_at.isoformat() if user.email_confirmed_at else ""
    return hashlib.sha256(f"{user.pk}|{user.email}|{confirmed}".encode()).hexdigest()[:32]


def make_key(user: User, address: str) -> str:
    """The signed part of a link that confirms `address` for this account."""
    payload = {"user": user.pk, "to": normalise_email(address), "state": address_state(user)}
    return signing.dumps(payload, salt=SALT, compress=True)


@dataclass(frozen=True)
class Opened:
    """What a link turned out to be: `user` and `address` when it still works, else `problem`
    ("expired" or "used")."""

    user: User | None = None
    address: str = ""
    problem: str = ""

    @property
    def is_change(self) -> bool:
        return self.user is not None and self.address != self.user.email


def open_key(key: str) -> Opened:
    max_age = settings.EMAIL_CONFIRMATION_MAX_AGE
    try:
        payload = signing.loads(key, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        return Opened(problem="expired")
    except signing.BadSignature:
        return Opened(problem="used")
    if not isinstance(payload, dict):
        return Opened(problem="used")
    user = User.objects.filter(pk=payload.get("user"), is_active=True).first()
    if user is None or payload.get("state") != address_state(user):
        return Opened(problem="used")
    return Opened(user=user, address=str(payload.get("to", "")))


def confirm(opened: Opened) -> bool:
    """Confirm the link's address for its account. False when another account took that
    address after the link was sent (only possible for a change of address)."""
    user = opened.user
    old = user.email
    try:
        with transaction.atomic():
            user.confirm_email(opened.address)
    except IntegrityError:
        user.refresh_from_db()
        return False
    if old != user.email:
        tell_old_address(old, user.email)
    return True


def link_for(request: HttpRequest, user: User, address: str) -> str:
    return request.build_absolute_uri(reverse("confirm_email", args=[make_key(user, address)]))


def send(subject: str, body: str, address: str) -> bool:
    """One account e-mail, unless this address had its share of them lately. True if sent."""
    if ACCOUNT_EMAILS.reached(address):
        return False
    ACCOUNT_EMAILS.hit(address)
    try:
        send_mail(subject, body, None, [address])
    except OSError:
        logger.exception("Could not send an account e-mail")
        return False
    return True


def send_confirmation(request: HttpRequest, user: User) -> bool:
    """The link that confirms the account's present address."""
    body = _(
        "Please confirm that this e-mail address belongs to you.\n\n"
        "Someone created an SCI Tracker account with this address, or asked for a new "
        "confirmation link. To confirm it, open this link and press the button on the page "
        "(the link works for %(days)d days):\n%(link)s\n\n"
        "Confirming lets the account accept invitations that people send to this address. "
        "If you did not create an account, do not open the link: without it, the account "
        "can never receive what is shared with this address."
    ) % {"days": max_age_days(), "link": link_for(request, user, user.email)}
    return send(_("Confirm your e-mail address for SCI Tracker"), body, user.email)


def send_change(request: HttpRequest, user: User, address: str) -> bool:
    """The link that moves the account to a new address, sent to that new address. If another
    account holds it already, that address is told so instead, and the page says the same."""
    address = normalise_email(address)
    if User.objects.with_email(address).exists():
        body = _(
            "Someone asked to move an SCI Tracker account to this e-mail address. An account "
            "with this address exists already, so nothing was changed.\n\n"
            "If that was you, sign in to the account that has this address instead. If not, "
            "you can ignore this e-mail."
        )
        return send(_("Your e-mail address and SCI Tracker"), body, address)
    body = _(
        "Please confirm that this e-mail address belongs to you.\n\n"
        "Someone asked to use this address for their SCI Tracker account. To make the change, "
        "open this link and press the button on the page (the link works for %(days)d days):\n"
        "%(link)s\n\n"
        "If you did not ask for this, do not open the link: nothing changes without it."
    ) % {"days": max_age_days(), "link": link_for(request, user, address)}
    return send(_("Confirm your new e-mail address for SCI Tracker"), body, address)


def tell_taken(address: str) -> bool:
    """Sign-up with an address that has an account: the owner hears of it, the page does not
    say it (see accounts.views.sign_up)."""
    body = _(
        "Someone tried to create an SCI Tracker account with this e-mail address, but an "
        "account with this address exists already, so nothing was created.\n\n"
        "If it was you, sign in with your password, or reset your password if you have "
        "forgotten it. If it was not you, you can ignore this e-mail: your account is unchanged."
    )
    return send(_("Someone tried to create an SCI Tracker account"), body, address)


def tell_old_address(old: str, new: str) -> None:
    """A short notice to the address an account just left, so a change nobody asked for is
    noticed."""
    body = _(
        "The e-mail address of your SCI Tracker account was changed from this address to "
        "%(new)s, after a link sent there was opened.\n\n"
        "If you did not ask for this, someone else may know your password: sign in with the "
        "new address and your password and change both, or ask the people who run this SCI "
        "Tracker for help."
    ) % {"new": new}
    try:
        send_mail(_("Your SCI Tracker e-mail address was changed"), body, None, [old])
    except OSError:
        logger.exception("Could not send the notice of a changed address")


def max_age_days() -> int:
    return max(1, round(settings.EMAIL_CONFIRMATION_MAX_AGE.total_seconds() / 86400))
