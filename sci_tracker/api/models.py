"""Personal access tokens: how a phone shortcut or a script reaches the API as its owner.

Only a SHA-256 hash of each token is stored (as for share links): the token itself is shown once,
when it is made. A token is named for its device, scoped (read, or read and log) and revocable;
it acts as its owner under the web app's own access rules (sharing.access). Tokens are
credentials, not diary data: no backup, export or import carries them, and they go with the
account (CASCADE).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from sci_tracker.core.choice_labels import quick_choice_labels

# Every token starts with this, so a token pasted somewhere it should not be is easy to spot.
TOKEN_START = "sct_"  # noqa: S105 - a marker at the start of every token, not a secret
# How many characters of a token the profile shows to tell tokens apart (never enough to use).
SHOWN_LENGTH = len(TOKEN_START) + 6
# last_used_at is written at most this often: not one write for every request of a busy client.
LAST_USED_STEP = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Scope(models.TextChoices):
    READ = "read", _("Read only")
    LOG = "log", _("Read and log entries")


class TokenQuerySet(models.QuerySet):
    def for_user(self, user) -> TokenQuerySet:
        return self.filter(owner=user)

    def live(self) -> TokenQuerySet:
        return self.filter(revoked_at__isnull=True)


@quick_choice_labels
class PersonalAccessToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("device or use"), max_length=60)
    scope = models.CharField(_("what it may do"), max_length=8, choices=Scope.choices)
    shown = models.CharField(max_length=SHOWN_LENGTH, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=Scope.values), name="api_token_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.shown}…)"

    @classmethod
    def make(cls, owner, name: str, scope: str) -> tuple[PersonalAccessToken, str]:
        """A new token and its secret; the secret is never stored, so this is its only chance."""
        secret = TOKEN_START + secrets.token_urlsafe(32)
        token = cls.objects.create(
            owner=owner,
            name=name,
            scope=scope,
            shown=secret[:SHOWN_LENGTH],
            token_hash=hash_token(secret),
        )
        return token, secret

    @classmethod
    def find(cls, secret: str) -> PersonalAccessToken | None:
        """The live token of an active account that `secret` is, or None."""
        digest = hash_token(secret)
        token = (
            cls.objects.live()
            .filter(token_hash=digest, owner__is_active=True)
            .select_related("owner")
            .first()
        )
        # The lookup already matched the hash; compared again in constant time all the same.
        if token is None or not constant_time_compare(token.token_hash, digest):
            return None
        return token

    @classmethod
    def room_for_another(cls, owner) -> bool:
        """Whether `owner` holds fewer live tokens than API_TOKENS_PER_ACCOUNT."""
        return cls.objects.for_user(owner).live().count() < settings.API_TOKENS_PER_ACCOUNT

    @property
    def can_log(self) -> bool:
        return self.scope == Scope.LOG

    def note_use(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_STEP:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
