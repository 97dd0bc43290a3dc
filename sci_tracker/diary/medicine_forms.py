"""The forms of the medicine pages: add a medicine, change its dose or times, stop it, answer a
due dose from the Log page, and log an as-needed dose. What a schedule may hold is
diary.schedules' rule; these forms only read what was typed and say what is wrong in words."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sci_tracker.core.form_words import OwnWords
from sci_tracker.diary.forms import (
    DAY_OUT_OF_RANGE,
    TOO_EARLY,
    WHEN_CHOICES,
    LocalDateTimeField,
    TapForm,
    Writing,
)
from sci_tracker.diary.models import (
    DoseStatus,
    DoseUnit,
    Medicine,
    MedicineReason,
    MedicineRoute,
)
from sci_tracker.diary.models.medicines import COMMON_MEDICINES
from sci_tracker.diary.rules import event_day_near_enough, moment_has_come, on_calendar
from sci_tracker.diary.schedules import HOUR_MINUTE, DoseTimes

# The usual schedules as one tap each; "custom" reads the times typed.
SCHEDULES = {
    "1": ["08:00"],
    "2": ["08:00", "20:00"],
    "3": ["08:00", "14:00", "20:00"],
    "4": ["08:00", "12:00", "16:00", "20:00"],
    "as-needed": [],
}
SCHEDULE_CHOICES = [
    ("1", _("Once a day (08:00)")),
    ("2", _("Twice a day (08:00, 20:00)")),
    ("3", _("Three times a day (08:00, 14:00, 20:00)")),
    ("4", _("Four times a day (08:00, 12:00, 16:00, 20:00)")),
    ("as-needed", _("As needed")),
    ("custom", _("Other times…")),
]
A_TIME = re.compile(r"([01]?\d|2[0-3])[:.h]?([0-5]\d)")
LARGEST_DOSE = Decimal("999999.999")


def read_times(typed: str) -> list[str]:
    """ "8:00, 14.30 20:00" as ["08:00", "14:30", "20:00"]: any separators, sorted."""
    parts = [part for part in re.split(r"[\s,;]+", typed.strip()) if part]
    times = []
    for part in parts:
        match = A_TIME.fullmatch(part)
        if match is None:
            raise ValidationError(_("Give each time as hours and minutes, such as 08:00."))
        times.append(f"{int(match[1]):02}:{match[2]}")
    times.sort()
    DoseTimes()(times)
    return times


def schedule_of(times: list[str]) -> tuple[str, str]:
    """The (schedule choice, typed times) that show a stored list of times."""
    for key, preset in SCHEDULES.items():
        if preset == list(times):
            return key, ""
    return "custom", " ".join(times)


def dose_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Dose each time"),
        min_value=Decimal("0.001"),
        max_value=LARGEST_DOSE,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )


class ScheduleForm(OwnWords, forms.Form):
    """The dose and the times: shared by adding a medicine and changing one."""

    dose = dose_field()
    schedule = forms.ChoiceField(
        label=_("When is it taken?"), choices=SCHEDULE_CHOICES, widget=forms.RadioSelect
    )
    times = forms.CharField(
        label=_("Times of day (for “Other times…”)"),
        required=False,
        max_length=120,
        help_text=_("Hours and minutes, such as 07:30 13:00 22:00."),
    )
    day = forms.DateField(
        label=_("From which day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, owner: Any, writer: Any = None, **kwargs: Any):
        self.owner = owner
        self.writing = Writing(owner, writer)
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = owner.local_today()
        if self.writing.for_someone:
            self.fields["day"].help_text = self.writing.zone_help(_("The day"))

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if not on_calendar(day):
            raise ValidationError(TOO_EARLY)
        if not event_day_near_enough(day, self.owner.local_today()):
            raise ValidationError(_("Enter a date within the next year."))
        return day

    def clean(self) -> dict:
        cleaned = super().clean()
        schedule = cleaned.get("schedule")
        if schedule == "custom":
            try:
                cleaned["dose_times"] = read_times(cleaned.get("times", ""))
            except ValidationError as error:
                self.add_error("times", error)
            else:
                if not cleaned["dose_times"]:
                    self.add_error("times", _("Enter the times, or choose “As needed”."))
        elif schedule:
            cleaned["dose_times"] = SCHEDULES[schedule]
        return cleaned


class AddMedicineForm(ScheduleForm):
    name = forms.CharField(
        label=_("Medicine"),
        max_length=80,
        widget=forms.TextInput(attrs={"list": "common-medicines", "autocomplete": "off"}),
        help_text=_("Pick from the list as you type, or write any other name."),
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=DoseUnit.choices, initial="mg")
    route = forms.ChoiceField(
        label=_("How is it taken?"),
        choices=MedicineRoute.choices,
        initial="mouth",
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("What is it for?"), choices=MedicineReason.choices, widget=forms.RadioSelect
    )

    field_order = ["name", "dose", "unit", "schedule", "times", "route", "reason", "day"]
    common = COMMON_MEDICINES

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Fill this in."))
        existing = Medicine.objects.filter(owner=self.owner, name__iexact=name).first()
        if existing is not None:
            raise ValidationError(
                self.writing.says(
                    _("%(medicine)s is on your list already: change or restart it there."),
                    _("%(medicine)s is on %(name)s’s list already: change or restart it there."),
                    medicine=existing.name,
                )
            )
        return name


class ChangeMedicineForm(ScheduleForm):
    pass


class StopMedicineForm(OwnWords, forms.Form):
    day = forms.DateField(
        label=_("Stopped on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("No doses are due from this day on."),
    )

    def __init__(self, *args: Any, owner: Any, **kwargs: Any):
        self.owner = owner
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = owner.local_today()

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if not on_calendar(day):
            raise ValidationError(TOO_EARLY)
        if not event_day_near_enough(day, self.owner.local_today()):
            raise ValidationError(_("Enter a date within the next year."))
        return day


class DueDoseForm(TapForm):
    """What a "Taken" or "Missed" button of a due dose sends: which medicine, which day and
    scheduled time, and the answer."""

    medicine = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    day = forms.DateField()
    time = forms.RegexField(regex=rf"^{HOUR_MINUTE.pattern}$")  # diary.schedules' one form
    status = forms.ChoiceField(choices=DoseStatus.choices)

    def clean_day(self) -> date:
        # A day the calendar pages never show has no dose due, and its moment can lie before
        # the first one Python can hold (0001-01-01 08:00 in Auckland is still year 0 in UTC).
        day = self.cleaned_data["day"]
        if not on_calendar(day):
            raise ValidationError(DAY_OUT_OF_RANGE)
        return day


class AsNeededDoseForm(OwnWords, forms.Form):
    """An as-needed dose: which medicine, when (time chips), and the amount if not the usual."""

    medicine = forms.ModelChoiceField(
        label=_("Which medicine?"), queryset=Medicine.objects.none(), widget=forms.RadioSelect
    )
    when = forms.ChoiceField(
        label=_("When was it taken?"), choices=WHEN_CHOICES, initial="now", widget=forms.RadioSelect
    )
    occurred_local = LocalDateTimeField(
        label=_("Date and time (for “Earlier…”)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    amount = forms.DecimalField(
        label=_("Amount, if not the usual dose"),
        required=False,
        min_value=Decimal("0.001"),
        max_value=LARGEST_DOSE,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )

    def __init__(
        self, *args: Any, owner: Any, medicines: list[Medicine], writer: Any = None, **kwargs: Any
    ):
        self.owner = owner
        self.writing = Writing(owner, writer)
        super().__init__(*args, **kwargs)
        self.fields["medicine"].queryset = Medicine.objects.filter(
            pk__in=[medicine.pk for medicine in medicines]
        )
        self.writing.local_field(self.fields["occurred_local"])
        self.fields["occurred_local"].help_text = self.writing.zone_help(_("The time it was taken"))
        if len(medicines) == 1:
            self.fields["medicine"].initial = medicines[0].pk

    def clean(self) -> dict:
        cleaned = super().clean()
        when = cleaned.get("when")
        if when == "earlier":
            moment = cleaned.get("occurred_local")
            if moment is None:
                self.add_error("occurred_local", _("Enter the date and time, or pick “Now”."))
            elif not moment_has_come(moment):
                self.add_error("occurred_local", _("That time is in the future."))
            elif not on_calendar(moment.date()):
                self.add_error("occurred_local", TOO_EARLY)
            else:
                cleaned["moment"] = moment
        elif when:
            minutes = 0 if when == "now" else int(when)
            cleaned["moment"] = timezone.now() - timedelta(minutes=minutes)
        return cleaned
