from django import forms
from django.utils.translation import gettext_lazy as _

from sci_tracker.accounts.forms import BigToggle
from sci_tracker.diary import medicines
from sci_tracker.diary.models import Medicine
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

    # The medicines taken at set times today: a reminder of each dose of those ticked.
    doses = forms.ModelMultipleChoiceField(
        label=_("Remind me of each dose of"),
        queryset=Medicine.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "At each time the medicine is due, on the channels below, unless you have "
            "already tapped Taken or Missed."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        today = user.local_today()
        times = {}  # the medicines taken at set times today, with those times
        for medicine in medicines.current_on(user, today):
            regimen = medicines.regimen_on(medicine, today)
            if regimen.times:
                times[medicine.pk] = regimen.times
        field = self.fields["doses"]
        field.queryset = Medicine.objects.filter(pk__in=times).order_by("name")
        field.label_from_instance = lambda medicine: (
            _("%(medicine)s, at %(times)s")
            % {
                "medicine": medicine.name,
                "times": medicines.schedule_words(times[medicine.pk]),
            }
        )
        field.initial = [medicine.pk for medicine in field.queryset if medicine.remind]

    def save(self, commit=True):
        settings = super().save(commit)
        chosen = {medicine.pk for medicine in self.cleaned_data["doses"]}
        offered = self.fields["doses"].queryset
        offered.exclude(pk__in=chosen).update(remind=False)
        offered.filter(pk__in=chosen).update(remind=True)
        return settings

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

    @property
    def medicine_fields(self):
        return self.section(("doses",))
