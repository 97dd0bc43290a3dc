from django import forms
from django.utils.translation import gettext_lazy as _

from sci_tracker.accounts.forms import BigToggle
from sci_tracker.reminders.models import ReminderSettings

# A phone shows its own time picker for type="time"; the value is always HH:MM.
TIME = forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M")


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = ["first_at", "second_at", "quiet_from", "quiet_until", "by_push", "by_email"]
        widgets = {
            "first_at": TIME,
            "second_at": TIME,
            "quiet_from": TIME,
            "quiet_until": TIME,
            "by_push": BigToggle,
            "by_email": BigToggle,
        }
        error_messages = {
            name: {"invalid": _("Enter a time as hours and minutes, as in 20:30.")}
            for name in ("first_at", "second_at", "quiet_from", "quiet_until")
        }

    time_fields = ("first_at", "second_at")
    quiet_fields = ("quiet_from", "quiet_until")
    channel_fields = ("by_push", "by_email")

    def section(self, names):
        return [self[name] for name in names]

    @property
    def times(self):
        return self.section(self.time_fields)

    @property
    def quiet(self):
        return self.section(self.quiet_fields)

    @property
    def channels(self):
        return self.section(self.channel_fields)
