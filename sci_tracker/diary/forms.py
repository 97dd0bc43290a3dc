from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from sci_tracker.diary.catalogue import PAIN_TYPE_GUIDES, learn_more
from sci_tracker.diary.models import (
    BodyRegion,
    CheckIn,
    EventKind,
    Intervention,
    InterventionUse,
    LegPainEntry,
    PainProblem,
    PainQuality,
    PainSite,
    PainType,
    RedFlag,
    SpasmEpisode,
    SpasmImpact,
    TreatmentEvent,
    Trigger,
)
from sci_tracker.diary.red_flags import symptom_guides

ZERO_TO_TEN = [(n, str(n)) for n in range(11)]


class Scale(forms.RadioSelect):
    """A 0-10 rating drawn as a row of large buttons (see includes/choice_group.html)."""

    is_scale = True


class Toggles(forms.CheckboxSelectMultiple):
    """Several choices drawn as large toggle buttons."""


class Toggle(forms.CheckboxInput):
    """A yes-or-no tick drawn as one large toggle button (see includes/toggle.html): a bare
    checkbox is too small a target for a weak grip."""

    is_toggle = True


def scale_field(label, required=False, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        error_messages={"required": "Choose a number from 0 to 10."},
        choices=ZERO_TO_TEN,
        coerce=int,
        empty_value=None,
        required=required,
        widget=Scale,
        help_text=help_text,
    )


def toggles(choices, label, help_text=""):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=Toggles, help_text=help_text
    )


class ModelToggles(forms.ModelMultipleChoiceField):
    widget = Toggles


# When: "now", "15 min ago", "1 hour ago", or a date and time typed in the person's zone ------

WHEN_CHOICES = [("now", "Now"), ("15", "15 min ago"), ("60", "1 hour ago"), ("earlier", "Earlier…")]


class EntryForm(forms.ModelForm):
    """Shared by every entry form: knows whose diary it is for the choices it offers."""

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)
        if "triggers" in self.fields:
            self.fields["triggers"].queryset = Trigger.objects.available_to(owner)

    def _post_clean(self):
        # The owner takes part in the model's own checks (one check-in per person per day).
        self.instance.owner = self.owner
        super()._post_clean()


class TimedEntryForm(EntryForm):
    """What spasm and pain forms share: when it happened, triggers and red-flag symptoms."""

    when = forms.ChoiceField(
        label="When", choices=WHEN_CHOICES, initial="now", widget=forms.RadioSelect
    )
    occurred_local = forms.DateTimeField(
        label="Date and time (for “Earlier…”)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="In your own time zone.",
    )
    triggers = ModelToggles(
        queryset=Trigger.objects.none(), required=False, label="What might have set it off?"
    )
    red_flags = toggles(
        RedFlag.choices,
        "Other symptoms right now",
        help_text="Tick any you have. The app will tell you what to do next.",
    )

    field_order = ["when", "occurred_local"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["triggers"].learn_more = learn_more(
            "these triggers", self.fields["triggers"].queryset.values_list("name", "guide")
        )
        self.fields["red_flags"].learn_more = learn_more("these symptoms", symptom_guides())
        if self.instance.pk:
            self.initial["when"] = "earlier"
            self.initial["occurred_local"] = timezone.localtime(self.instance.occurred_at)

    def clean(self):
        cleaned = super().clean()
        when = cleaned.get("when")
        if when == "earlier":
            moment = cleaned.get("occurred_local")
            if moment is None:
                self.add_error("occurred_local", "Enter the date and time, or pick “Now”.")
            elif moment > timezone.now() + timedelta(minutes=5):
                self.add_error("occurred_local", "That time is in the future.")
            else:
                self.instance.occurred_at = moment
        elif when:
            minutes = 0 if when == "now" else int(when)
            self.instance.occurred_at = timezone.now() - timedelta(minutes=minutes)
        return cleaned


class SpasmForm(TimedEntryForm):
    regions = toggles(BodyRegion.choices, "Where")
    impacts = toggles(SpasmImpact.choices, "Did it help or get in the way?")

    class Meta:
        model = SpasmEpisode
        fields = [
            "pattern",
            "severity",
            "regions",
            "duration",
            "impacts",
            "triggers",
            "red_flags",
            "note",
            "note_for_clinician",
        ]
        widgets = {
            "pattern": forms.RadioSelect,
            "severity": forms.RadioSelect,
            "duration": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "note_for_clinician": Toggle,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "How long" is optional: no blank button, just none picked.
        self.fields["duration"].choices = [
            choice for choice in self.fields["duration"].choices if choice[0]
        ]


class PainForm(TimedEntryForm):
    intensity = scale_field("How bad is the pain? (0 none, 10 worst imaginable)", required=True)
    sites = toggles(PainSite.choices, "Where")
    qualities = toggles(PainQuality.choices, "What does it feel like?")

    class Meta:
        model = LegPainEntry
        fields = [
            "intensity",
            "problem",
            "sites",
            "qualities",
            "pain_type",
            "triggers",
            "red_flags",
            "note",
            "note_for_clinician",
        ]
        widgets = {
            "pain_type": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "note_for_clinician": Toggle,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        problems = PainProblem.objects.filter(owner=self.owner)
        self.fields["problem"].queryset = problems
        self.fields["pain_type"].learn_more = learn_more(
            "these kinds of pain",
            ((label, PAIN_TYPE_GUIDES[value]) for value, label in PainType.choices),
        )
        self.fields["problem"].empty_label = "Not one of my pain problems"
        if not problems:
            self.fields["problem"].help_text = "Name up to three pain problems to follow each one."


class CheckInForm(EntryForm):
    psfs_frequency = forms.TypedChoiceField(
        label="In the past 24 hours, how often did you have spasms?",
        choices=CheckIn.Frequency.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Penn Spasm Frequency Scale.",
    )
    psfs_severity = forms.TypedChoiceField(
        label="If you had spasms: how strong were they?",
        choices=CheckIn.Severity.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="Leave this if you had none.",
    )
    spasticity = scale_field("How bad was your stiffness and spasms overall? (0 none, 10 worst)")
    pain_worst = scale_field("Your worst leg pain today (0 none, 10 worst imaginable)")
    pain_average = scale_field("Your average leg pain today")
    interference_activities = scale_field(
        "How much did pain or spasms get in the way of daily activities? "
        "(0 not at all, 10 completely)"
    )
    interference_mood = scale_field("How much did they affect your mood?")
    interference_sleep = scale_field("How much did they affect your sleep?")

    class Meta:
        model = CheckIn
        fields = [
            "date",
            "psfs_frequency",
            "psfs_severity",
            "spasticity",
            "pain_worst",
            "pain_average",
            "interference_activities",
            "interference_mood",
            "interference_sleep",
            "night_wakings",
            "note",
            "note_for_clinician",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "night_wakings": forms.NumberInput(attrs={"min": 0, "max": 50, "inputmode": "numeric"}),
            "note": forms.Textarea(attrs={"rows": 3}),
            "note_for_clinician": Toggle,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = self.owner.local_today().isoformat()
        self.fields["night_wakings"].label = "How many times did spasms or pain wake you?"

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > self.owner.local_today():
            raise ValidationError("A check-in cannot be for a day that has not come yet.")
        clash = (
            CheckIn.objects.for_user(self.owner)
            .active()
            .filter(date=day)
            .exclude(pk=self.instance.pk)
        )
        if clash.exists():
            raise ValidationError(
                f"You already have a check-in for {day:%-d %B %Y}. Open it from your history "
                "to change it."
            )
        return day

    def clean_night_wakings(self):
        value = self.cleaned_data["night_wakings"]
        if value is not None and value > 50:
            raise ValidationError("Enter a number from 0 to 50.")
        return value


class EventForm(EntryForm):
    class Meta:
        model = TreatmentEvent
        fields = ["date", "event_kind", "details", "note", "note_for_clinician"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "event_kind": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "note_for_clinician": Toggle,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A required radio group needs no "---------" option.
        self.fields["event_kind"].choices = EventKind.choices

    def clean_date(self):
        day = self.cleaned_data["date"]
        # A planned injection or refill can be entered ahead, but not years ahead by a slip.
        if day > self.owner.local_today() + timedelta(days=366):
            raise ValidationError("Enter a date within the next year.")
        return day


class InterventionUseForm(forms.ModelForm):
    class Meta:
        model = InterventionUse
        fields = ["intervention", "dose", "effect"]

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = Intervention.objects.available_to(owner)
        self.fields["intervention"].label = "What did you try?"
        self.fields["intervention"].empty_label = "Choose…"
        self.fields["intervention"].error_messages["required"] = (
            "Choose what you tried, or clear the dose and effect."
        )
        self.fields["effect"].label = "Did it help?"


def intervention_formset(parent_model):
    return forms.inlineformset_factory(
        parent_model,
        InterventionUse,
        form=InterventionUseForm,
        fk_name="spasm" if parent_model is SpasmEpisode else "pain",
        extra=2,
        max_num=10,
        can_delete=True,
    )


ENTRY_FORMS = {"spasm": SpasmForm, "pain": PainForm, "checkin": CheckInForm, "event": EventForm}
INTERVENTION_FORMSETS = {
    "spasm": intervention_formset(SpasmEpisode),
    "pain": intervention_formset(LegPainEntry),
}


class PainProblemsForm(forms.Form):
    """Names for up to three pain problems, one field per slot; a blank field frees the slot."""

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)
        names = dict(PainProblem.objects.filter(owner=owner).values_list("slot", "name"))
        for slot in (1, 2, 3):
            self.fields[f"slot_{slot}"] = forms.CharField(
                label=f"Pain problem {slot}",
                max_length=60,
                required=False,
                initial=names.get(slot, ""),
            )

    def clean(self):
        cleaned = super().clean()
        names = [name.strip().lower() for name in cleaned.values() if name and name.strip()]
        if len(names) != len(set(names)):
            raise ValidationError("Give each pain problem a different name.")
        return cleaned


class OwnItemForm(forms.ModelForm):
    """A person's own trigger or intervention, added to the built-in list."""

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)

    class Meta:
        fields = ["name", "category"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        slug = slugify(name)
        if not slug:
            raise ValidationError("Use at least one letter or number.")
        existing = self._meta.model.objects.available_to(self.owner)
        # The slug must be free among the built-in items too: filters and exports use it.
        if existing.filter(Q(name__iexact=name) | Q(slug=slug)).exists():
            raise ValidationError("That is already on your list.")
        return name

    def save(self, commit=True):
        self.instance.owner = self.owner
        self.instance.slug = slugify(self.cleaned_data["name"])
        return super().save(commit)


class OwnTriggerForm(OwnItemForm):
    class Meta(OwnItemForm.Meta):
        model = Trigger
        labels = {"name": "Add a trigger of your own"}


class OwnInterventionForm(OwnItemForm):
    class Meta(OwnItemForm.Meta):
        model = Intervention
        labels = {"name": "Add something you try"}
