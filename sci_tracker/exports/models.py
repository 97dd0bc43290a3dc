import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# An upload not confirmed within a day is forgotten: the person would have to remember what
# it held, and it holds health information that should not linger.
KEPT_FOR = timedelta(days=1)


class PendingImportQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(created_at__gte=timezone.now() - KEPT_FOR)

    def expired(self):
        return self.filter(created_at__lt=timezone.now() - KEPT_FOR)


class PendingImport(models.Model):
    """An upload read and waiting for the person to confirm its preview, so they need not
    upload it again. Deleted when they confirm or cancel, and with the account.

    A row of its own rather than the session: the session is read on every request, and a
    backup can be 20 MB; this row is read only by the preview and the confirmation.
    """

    # A random key: the confirmation form carries it, and nobody can guess another person's.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    restore_profile = models.BooleanField(default=False)
    # When a confirmation began writing it (importer.write.confirm_import): a second one waits.
    started_at = models.DateTimeField(null=True, blank=True)
    # What importer.read.read_upload made of the files: the parsed backup, or the CSV rows.
    payload = models.JSONField()

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import waiting for {self.owner} since {self.created_at:%d %b %Y %H:%M}"

    @property
    def names(self):
        return self.payload.get("names", [])
