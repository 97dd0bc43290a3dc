"""Reminders to do the daily check-in and to take each dose of a medicine: what a person chose,
the devices that get them, and the record that each one went out once.

This app may use accounts and diary; they never import it (no cycles).
"""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sci_tracker.core.choice_labels import quick_choice_labels
from sci_tracker.reminders.schedule import in_quiet_hours


class Slot(models.IntegerChoices):
    """Which of a person's two daily reminders."""

    FIRST = 1, _("first reminder")
    SECOND = 2, _("second reminder")


class ReminderSettings(models.Model):
    """One person's reminder choices. Times are wall-clock times in the person's own zone
    (User.time_zone), so 20:00 stays 20:00 across the clock changes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    first_at = models.TimeField(
        _("remind me at"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no reminders."),
    )
    second_at = models.TimeField(
        _("and again at"),
        null=True,
        blank=True,
        help_text=_("A second reminder the same day, if the check-in is still not done."),
    )
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_until = models.TimeField(
        _("quiet hours until"),
        null=True,
        blank=True,
        help_text=_("No reminder arrives in these hours, not even a late one."),
    )
    by_push = models.BooleanField(
        _("notifications on my devices"),
        default=True,
        help_text=_("On the phones and computers where you turned them on below."),
    )
    by_email = models.BooleanField(_("e-mail"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(second_at__isnull=True) | Q(first_at__isnull=False),
                name="reminders_settings_second_needs_first",
            ),
            models.CheckConstraint(
                condition=Q(second_at__isnull=True) | ~Q(second_at=models.F("first_at")),
                name="reminders_settings_two_different_times",
            ),
            # Both ends or neither, and not the same: a quiet time of no length (or all day)
            # is a mistake, not a choice.
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | (
                    Q(quiet_from__isnull=False, quiet_until__isnull=False)
                    & ~Q(quiet_from=models.F("quiet_until"))
                ),
                name="reminders_settings_quiet_hours_whole",
            ),
        ]

    def __str__(self):
        return f"Reminders of {self.user}"

    @property
    def times(self) -> dict[int, time]:
        """{slot: local time} of the reminders that are on."""
        chosen = {Slot.FIRST: self.first_at, Slot.SECOND: self.second_at}
        return {slot: at for slot, at in chosen.items() if at is not None}

    def quiet_at(self, local: time) -> bool:
        return in_quiet_hours(local, self.quiet_from, self.quiet_until)

    def clean(self):
        super().clean()
        errors = self.rule_errors()
        if errors:
            raise ValidationError(errors)

    def rule_errors(self) -> dict:
        """The rules in words a person can act on (the CHECKs above hold the same ones)."""
        errors = {}
        if self.second_at is not None and self.first_at is None:
            errors["first_at"] = _("Choose the time of the first reminder, or clear the second.")
        elif self.second_at is not None and self.second_at == self.first_at:
            errors["second_at"] = _("Choose a different time from the first reminder.")
        if (self.quiet_from is None) != (self.quiet_until is None):
            missing = "quiet_until" if self.quiet_until is None else "quiet_from"
            errors[missing] = _("Give both ends of the quiet hours, or leave both empty.")
        elif self.quiet_from is not None and self.quiet_from == self.quiet_until:
            errors["quiet_until"] = _("Quiet hours must end at a different time than they start.")
        else:
            for name, at in self.times.items():
                field = "first_at" if name == Slot.FIRST else "second_at"
                if field not in errors and self.quiet_at(at):
                    errors[field] = _(
                        "This time is in your quiet hours: choose another, or change them."
                    )
        return errors


class PushSubscription(models.Model):
    """One browser on one device that agreed to get notifications (the Push API's
    PushSubscription). The keys are the device's secrets: they never leave this server."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    # The push service's address for this device; a device has one per site and key.
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)  # the device's P-256 public key, base64url
    auth = models.CharField(max_length=100)  # its 16-byte authentication secret, base64url
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Push subscription {self.pk} of {self.user}"

    def info(self) -> dict:
        """As pywebpush takes it (the shape of PushSubscription.toJSON())."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@quick_choice_labels
class SentReminder(models.Model):
    """A reminder claimed for sending: at most one per person, reminder and local day. The row
    is written before anything is sent, so of two workers the second finds it taken (the
    constraint, not timing, makes it once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    slot = models.PositiveSmallIntegerField(choices=Slot.choices)
    local_date = models.DateField(help_text=_("The person's day the reminder was for."))
    claimed_at = models.DateTimeField()
    channels = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("Where it went: push and/or email, filled in once sent."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "slot", "local_date"], name="reminders_sent_once_a_day"
            ),
        ]

    def __str__(self):
        return f"Reminder {self.slot} of {self.user} for {self.local_date}"


class SentDoseReminder(models.Model):
    """A reminder of one scheduled dose claimed for sending: at most one per medicine and time
    it is due, claimed before anything is sent, as SentReminder."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_dose_reminders"
    )
    medicine = models.ForeignKey(
        "diary.Medicine", on_delete=models.CASCADE, related_name="sent_reminders"
    )
    due_at = models.DateTimeField(help_text=_("When the dose it reminded of was due."))
    claimed_at = models.DateTimeField()
    channels = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("Where it went: push and/or email, filled in once sent."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["medicine", "due_at"], name="reminders_dose_sent_once"),
        ]

    def __str__(self):
        return f"Reminder of {self.medicine_id} due {self.due_at:%Y-%m-%d %H:%M}"


# The demo account (manage.py seed_demo): an evening reminder with quiet hours at night, by
# notification only (its address is at example.org, where no mail is read). Nothing is sent
# until someone signed in as the demo turns notifications on for their device.
DEMO_REMINDERS = {
    "first_at": time(20, 0),
    "second_at": time(21, 30),
    "quiet_from": time(22, 0),
    "quiet_until": time(7, 0),
    "by_push": True,
    "by_email": False,
}


def demo_reminders(sender, user, **kwargs) -> None:
    ReminderSettings.objects.update_or_create(user=user, defaults=DEMO_REMINDERS)
    PushSubscription.objects.filter(user=user).delete()  # a re-seeded demo starts with none
