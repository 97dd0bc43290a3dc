"""The two ways a reminder reaches a person: Web Push (VAPID, RFC 8030/8291/8292, through
pywebpush) and e-mail with a signed one-click unsubscribe link (RFC 8058)."""

import base64
import json
import logging
from functools import cache

import requests
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from sci_tracker.reminders.models import PushSubscription
from sci_tracker.reminders.schedule import MAX_LATE

logger = logging.getLogger(__name__)

# What a push service answers for a subscription that has ended (the person removed the app,
# cleared the site's data or turned notifications off): the row goes (RFC 8030, section 7.3).
GONE = (404, 410)
# Seconds to wait for a push service or the mail server before giving up on this reminder.
TIMEOUT = 10


# Web Push --------------------------------------------------------------------------------------


@cache
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_raw(private_key.encode())


def vapid() -> Vapid:
    return _vapid(settings.VAPID_PRIVATE_KEY)


def public_key() -> str:
    """The VAPID public key as the browser's PushManager.subscribe() takes it: the uncompressed
    P-256 point, base64url without padding."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    point = vapid().public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def b64url_bytes(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None


def usable_keys(p256dh: str, auth: str) -> bool:
    """Whether a device's keys can encrypt a message (RFC 8291): a point on P-256, uncompressed,
    and a 16-byte authentication secret."""
    from cryptography.hazmat.primitives.asymmetric import ec

    point, secret = b64url_bytes(p256dh), b64url_bytes(auth)
    if point is None or secret is None or len(secret) != 16 or len(point) != 65:
        return False
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return True


def send_push(subscription: PushSubscription, message: dict) -> bool:
    """Send one encrypted message (aes128gcm) to one device. An ended subscription is deleted;
    any other failure is logged and the reminder is not retried (it was claimed)."""
    try:
        webpush(
            subscription.info(),
            json.dumps(message),
            vapid_private_key=vapid(),
            # A new dict each time: pywebpush writes the audience and expiry into it.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            # A phone that is off gets it later, as long as it is still useful.
            ttl=int(MAX_LATE.total_seconds()),
            timeout=TIMEOUT,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE:
            subscription.delete()
            logger.info("Push subscription %s has ended (%s): removed", subscription.pk, status)
        else:
            logger.warning("Push to subscription %s failed: %s", subscription.pk, status or error)
        return False
    except ValueError as error:  # keys that cannot encrypt (usable_keys keeps them out)
        logger.warning("Push subscription %s has unusable keys: %s", subscription.pk, error)
        return False
    except requests.RequestException as error:
        logger.warning("Push service for subscription %s unreachable: %s", subscription.pk, error)
        return False
    return True


# E-mail ----------------------------------------------------------------------------------------

STOP_SALT = "sci_tracker.reminders.stop-email"


def stop_key(user) -> str:
    """The signed part of the link that turns a person's reminder e-mails off. It does not
    expire: an unsubscribe link must keep working (RFC 8058)."""
    return signing.dumps({"user": user.pk}, salt=STOP_SALT)


def stop_key_user_id(key: str) -> int | None:
    try:
        payload = signing.loads(key, salt=STOP_SALT)
    except signing.BadSignature:
        return None
    user_id = payload.get("user") if isinstance(payload, dict) else None
    return user_id if type(user_id) is int else None


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def send_email(user, subject: str, body: str) -> bool:
    stop = absolute(reverse("reminders:stop_email", args=[stop_key(user)]))
    # Outside the f-string, where makemessages finds it.
    stop_words = _("To stop these e-mails, open this link:")
    message = EmailMessage(
        subject,
        f"{body}\n\n{stop_words}\n{stop}\n",
        to=[user.email],
        headers={
            # RFC 2369 and RFC 8058: mail programs show an "Unsubscribe" button that POSTs
            # "List-Unsubscribe=One-Click" to the link, with no cookie and no page.
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    try:
        message.send()
    except OSError as error:  # smtplib's errors are OSErrors; so is a refused connection
        logger.warning("Reminder e-mail to user %s failed: %s", user.pk, error)
        return False
    return True
