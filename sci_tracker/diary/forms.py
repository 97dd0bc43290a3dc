import re
import unicodedata
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from sci_tracker.core.dates import long_day, short_day
from sci_tracker.core.form_words import OwnWords, OwnWordsFormSet
from sci_tracker.diary import say_it
from sci_tracker.diary.catalogue import PAIN_TYPE_GUIDES, learn_more
from sci_tracker.diary.models import (
    DIASTOLIC_RANGE,
    DOSE_EVENT_KINDS,
    MEDICINE_EVENT_KINDS,
    ONE_TAP,
    PAIN_TYPE_TIERS,
    PULSE_RANGE,
    RECALL_PHRASES,
    SYSTOLIC_RANGE,
    WITH_VOLUME,
    ADAction,
    ADCause,
    ADEpisode,
    ADOutcome,
    BloodPressureReading,
    BodyRegion,
    CareArea,
    CareEvent,
    CareEventKind,
    CheckIn,
    DoseStatus,
    EventKind,
    Intervention,
    InterventionUse,
    LegPainEntry,
    MedicineDose,
    PainProblem,
    PainQuality,
    PainSite,
    PainType,
    RedFlag,
    SpasmEpisode,
    SpasmImpact,
    SpasmSeverity,
    TreatmentEvent,
    Trigger,
    diary_changed,
    kinds_of,
)
from sci_tracker.diary.red_flags import offered_flags, symptom_guides
from sci_tracker.diary.rules import (
    EARLIEST_DAY,
    LATEST_DAY,
    QUEUED_TAP_MAX_AGE,
    check_in_day_has_come,
    event_day_near_enough,
    moment_has_come,
    on_calendar,
    queued_tap_in_time,
)

ZERO_TO_TEN = [(n, str(n)) for n in range(11)]

TOO_EARLY = format_lazy(_("Enter a date from {day} on."), day=lazy(long_day, str)(EARLIEST_DAY))
DAY_OUT_OF_RANGE = format_lazy(
    _("Choose a day from {first} to {last}."),
    first=lazy(short_day, str)(EARLIEST_DAY),
    last=lazy(short_day, str)(LATEST_DAY),
)


class Scale(forms.RadioSelect):
    """A 0-10 rating drawn as a row of large buttons (see includes/choice_group.html)."""

    is_scale = True


class TieredRadios(forms.RadioSelect):
    """Radio buttons in tiers, each tier with a heading (see includes/choice_tiers.html)."""

    is_tiered = True


class TieredBoundField(BoundField):
    def tiers(self):
        """(tier heading or None, the tier's radio buttons), in the order of the choices."""
        buttons = {str(button.data["value"]): button for button in self.subwidgets}
        return [
            (heading, [buttons[str(value)] for value, _label in options])
            for heading, options in self.field.tiered_choices
        ]


# The clinician's answer "no type confirmed": a value of its own, so a post that leaves the
# question out is an error, not a silent clearing of the type.
NOT_CONFIRMED = "none"


def pain_type_field(
    label: str, *, help_text: str = "", not_confirmed: bool = False
) -> forms.ChoiceField:
    """The ISCI pain types, grouped in their tiers; `not_confirmed` adds a last button for
    NOT_CONFIRMED."""
    tiered = [
        (heading, [(value, label) for value, label in PainType.choices if value in members])
        for heading, members in PAIN_TYPE_TIERS
    ]
    if not_confirmed:
        tiered.append((None, [(NOT_CONFIRMED, _("Not confirmed"))]))
    field = forms.ChoiceField(
        label=label,
        choices=[(value, text) for _heading, options in tiered for value, text in options],
        error_messages={"required": _("Choose one of the kinds of pain.")},
        widget=TieredRadios,
        help_text=help_text,
        bound_field_class=TieredBoundField,
    )
    field.tiered_choices = tiered
    return field


class Toggles(forms.CheckboxSelectMultiple):
    """Several choices drawn as large toggle buttons."""


class SiteToggles(Toggles):
    """The pain sites: toggle buttons in two columns, with the body map above them (see
    templates/diary/body_map.html), a pointer's shortcut to the same boxes."""

    has_body_map = True


class Toggle(forms.CheckboxInput):
    """A yes-or-no tick drawn as one large toggle button (see includes/toggle.html): a bare
    checkbox is too small a target for a weak grip."""

    is_toggle = True


def scale_field(label, required=False, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        error_messages={"required": _("Choose a number from 0 to 10.")},
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


class ReadOnce(forms.ModelChoiceField):
    """A choice field whose choices are read once (`found`: a dict, None to read as Django does,
    one query for the value sent): the forms of a formset share one, and a form that reads its
    choices for other reasons looks the value sent up among them."""

    found: dict | None = None

    def share(self, found: dict) -> None:
        """Read the choices once for every form given the same `found`: the list is kept there,
        and the widget draws each form's select from it."""
        self.found = found
        self.widget.choices = self.choices

    def _get_choices(self):
        if self.found is None:
            return super()._get_choices()
        if "choices" not in self.found:
            # iter(): list() of the iterator itself would count the rows first (one more query).
            self.found["choices"] = list(iter(super()._get_choices()))
        return self.found["choices"]

    choices = property(_get_choices, forms.ModelChoiceField.choices.fset)

    def to_python(self, value):
        if self.found is None or value in self.empty_values:
            return super().to_python(value)
        if "by_pk" not in self.found:
            # The choices read already (the widget's) hold each item: no second query for them.
            read = self.found.get("choices")
            self.found["by_pk"] = (
                {str(option.value): option.instance for option, _label in read if option}
                if read is not None
                else {str(item.pk): item for item in self.queryset}
            )
        try:
            return self.found["by_pk"][str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class ModelToggles(forms.ModelMultipleChoiceField):
    widget = Toggles

    def _check_values(self, value):
        # An id past the database's 64-bit integers is no choice. Django looks the ids up with
        # IN (...), where SQLite fails on such a number instead of finding nothing.
        for pk in value:
            try:
                outside = not -(2**63) <= int(str(pk)) < 2**63
            except ValueError:
                outside = False  # not a number at all: Django says so itself
            if outside:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


# When: "now", "15 min ago", "1 hour ago", or a date and time typed in the person's zone ------

WHEN_CHOICES = [
    ("now", _("Now")),
    ("15", _("15 min ago")),
    ("60", _("1 hour ago")),
    ("earlier", _("Earlier…")),
]
# An entry being changed keeps the time it was saved with, shown on a chip of its own, until
# another time is picked: "Earlier…" ticked would read as if the time were the person's guess.
AS_SAVED = "saved"


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the diary owner's zone, whoever types it (a carer's own zone may
    differ), with plain words for a time that the clocks skipped (going forward) or went through
    twice (going back), which Django refuses.

    The form sets `zone` to the owner's; `zone_words` names it in the messages ("your time
    zone", or "Ana’s time zone" for a carer)."""

    zone = None  # None: the active zone (Django's own rule)
    zone_words = _("your time zone")

    def _in_zone(self):
        return timezone.override(self.zone) if self.zone else nullcontext()

    def prepare_value(self, value):
        with self._in_zone():
            return super().prepare_value(value)

    def to_python(self, value):
        with self._in_zone():
            try:
                return super().to_python(value)
            except ValidationError as error:
                if error.code != "ambiguous_timezone":
                    raise
                typed = error.params["datetime"]
                local = typed.replace(tzinfo=timezone.get_current_timezone())
                # The offset before the change (fold 0) is the smaller one in a gap, larger in
                # a repeat; the same on both sides means something else went wrong.
                before = local.replace(fold=0).utcoffset()
                after = local.replace(fold=1).utcoffset()
                if before == after:
                    raise
        words = {"time": f"{typed:%H:%M}", "zone": self.zone_words}
        if before < after:
            message = _(
                "There was no %(time)s that night in %(zone)s: the clocks went forward. Enter "
                "the time the clock showed, or pick “Now”."
            )
        else:
            message = _(
                "%(time)s came twice that night in %(zone)s: the clocks went back. Enter a time "
                "just before or after it, or pick “Now”."
            )
        raise ValidationError(message % words, code="ambiguous_timezone")


def seen_version(sent: object) -> int | None:
    """The version of an entry a page says it was opened at, or None for a missing or garbled
    one: ASCII digits only, and few enough to fit the column."""
    text = sent.strip() if isinstance(sent, str) else ""
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


class SeenVersionField(forms.Field):
    """The version of the entry an edit page was opened at, sent back hidden. It never refuses:
    a missing or garbled one is None, and a save from it is shown next to the saved entry for
    the person to choose (see diary.views), never simply written."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return seen_version(value)


class Writing:
    """Whose diary a form writes to, and who is writing: the person, or someone else (a carer),
    for whom the questions name the person ("Ana’s clinician", not "my clinician") and say in
    whose time zone times are read, when it is not the writer's own."""

    def __init__(self, owner, writer=None):
        self.owner = owner
        self.writer = writer
        self.for_someone = writer is not None and writer.pk != owner.pk
        self.other_zone = self.for_someone and writer.time_zone != owner.time_zone

    def says(self, own, for_someone, **words):
        """The words for the person, or (with %(name)s) for someone writing for them: for a
        label or a message, which are escaped where they are drawn."""
        if self.for_someone:
            return for_someone % {"name": self.owner.name, **words}
        return own % words if words else own

    def helps(self, own, for_someone, **words) -> SafeString:
        """As `says`, for a help text, which crispy draws unescaped (as Django's own forms do):
        the person's name (and any other word) is escaped here."""
        safe = {name: conditional_escape(value) for name, value in words.items()}
        if self.for_someone:
            text = for_someone % {"name": conditional_escape(self.owner.name), **safe}
        else:
            text = own % safe if safe else own
        return mark_safe(text)  # noqa: S308 - the app's own words, every value escaped above

    def zone_words(self):
        """The zone times are typed in, as the messages name it."""
        return self.says(_("your time zone"), _("%(name)s’s time zone"))

    def zone_help(self, what):
        """A help text that says which zone `what` ("The time it happened") is in: the
        writer's own, or the person's, named with both zones, when a carer's zone differs."""
        if self.other_zone:
            return self.helps(
                "",
                _("%(what)s, in %(name)s’s time zone: %(zone)s (yours is %(yours)s)."),
                what=what,
                zone=self.owner.time_zone.replace("_", " "),
                yours=self.writer.time_zone.replace("_", " "),
            )
        return self.helps(_("In your own time zone."), _("In %(name)s’s time zone."))

    def local_field(self, field):
        """A LocalDateTimeField made to read in the owner's zone."""
        field.zone = self.owner.zone
        field.zone_words = self.zone_words()


class EntryForm(OwnWords, forms.ModelForm):
    """Shared by every entry form: knows whose diary it is for the choices it offers, and who
    writes (`writer`: a carer gets questions that name the person; see Writing).

    An edit page carries the version of the entry it was opened at, so a save can tell that the
    entry changed since (Entry.save_edit).
    """

    version = SeenVersionField()

    def __init__(self, *args, owner, writer=None, sent_at=None, **kwargs):
        self.owner = owner
        self.writing = Writing(owner, writer)
        self.sent_at = sent_at  # None: now
        super().__init__(*args, **kwargs)
        if "triggers" in self.fields:
            # The person's usual triggers first (diary.models.CatalogueQuerySet.by_use); hidden
            # and archived ones only where this entry already names them.
            keep = self.instance.triggers.values_list("pk", flat=True) if self.instance.pk else ()
            self.fields["triggers"].queryset = Trigger.objects.by_use(owner, keep)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        if "note_for_clinician" in self.fields and self.writing.for_someone:
            flag = self.fields["note_for_clinician"]
            flag.label = self.writing.says("", _("Show this note to %(name)s’s clinician"))
            flag.help_text = self.writing.helps(
                "", _("Flagged notes are listed in the report for %(name)s’s clinician.")
            )
        if "date" in self.fields and self.writing.for_someone:
            self.fields["date"].help_text = self.writing.zone_help(_("The day it is about"))

    def _post_clean(self):
        # The owner takes part in the model's own checks (one check-in per person per day).
        self.instance.owner = self.owner
        super()._post_clean()


class TimedEntryForm(EntryForm):
    """What spasm and pain forms share: when it happened, triggers and red-flag symptoms."""

    when = forms.ChoiceField(
        label=_("When"), choices=WHEN_CHOICES, initial="now", widget=forms.RadioSelect
    )
    occurred_local = LocalDateTimeField(
        label=_("Date and time (for “Earlier…”)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("In your own time zone."),
    )
    triggers = ModelToggles(
        queryset=Trigger.objects.none(), required=False, label=_("What might have set it off?")
    )
    red_flags = toggles(
        RedFlag.choices,
        _("Other symptoms right now"),
        help_text=_("Tick any you have. The app will tell you what to do next."),
    )

    field_order = ["when", "occurred_local"]

    def _save_m2m(self):
        """A new entry's triggers in one INSERT (Django's set() first reads, twice, the links an
        entry just made cannot have). The entry's own save moved the diary version on."""
        chosen = self.cleaned_data.get("triggers")
        if not (self.creating and "triggers" in self.fields and chosen):
            return super()._save_m2m()
        del self.cleaned_data["triggers"]
        try:
            super()._save_m2m()
        finally:
            self.cleaned_data["triggers"] = chosen
        links = type(self.instance).triggers.through
        entry = f"{self.instance._meta.model_name}_id"
        links.objects.bulk_create(
            [links(**{entry: self.instance.pk, "trigger_id": trigger.pk}) for trigger in chosen]
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Typed in the person's zone, whoever types it; the help says which zone that is.
        self.writing.local_field(self.fields["occurred_local"])
        self.fields["occurred_local"].help_text = self.writing.zone_help(_("The time it happened"))
        # Whether this form makes the entry (its triggers can then be written in one go).
        self.creating = self.instance.pk is None
        if "triggers" in self.fields:  # an AD episode asks for its causes instead
            # Read when the page is drawn: a post that saves draws nothing.
            names = self.fields["triggers"].queryset.values_list("name", "guide")
            self.fields["triggers"].learn_more = SimpleLazyObject(
                lambda: learn_more(_("these triggers"), names)
            )
        if "red_flags" in self.fields:
            flags = offered_flags(self.owner, self.instance.red_flags or ())
            self.fields["red_flags"].choices = [(flag.value, flag.label) for flag in flags]
            self.fields["red_flags"].learn_more = learn_more(
                _("these symptoms"), symptom_guides(flags)
            )
            self.fields["red_flags"].help_text = self.writing.helps(
                self.fields["red_flags"].help_text,
                _("Tick any %(name)s has. The app will tell you what to do next."),
            )
        if self.instance.pk:
            saved = timezone.localtime(self.instance.occurred_at, self.owner.zone)
            self.fields["when"].choices = [
                (AS_SAVED, saved_time_label(saved, self.owner)),
                *WHEN_CHOICES,
            ]
            self.initial["when"] = AS_SAVED
            self.initial["occurred_local"] = saved

    def clean(self):
        cleaned = super().clean()
        when = cleaned.get("when")
        if when == AS_SAVED:
            pass  # the instance keeps its time
        elif when == "earlier":
            moment = cleaned.get("occurred_local")
            if moment is None:
                self.add_error("occurred_local", _("Enter the date and time, or pick “Now”."))
            elif not moment_has_come(moment):
                self.add_error("occurred_local", _("That time is in the future."))
            elif not on_calendar(moment.date()):
                self.add_error("occurred_local", TOO_EARLY)
            else:
                self.instance.occurred_at = moment
        elif when:
            minutes = 0 if when == "now" else int(when)
            self.instance.occurred_at = (self.sent_at or timezone.now()) - timedelta(
                minutes=minutes
            )
        return cleaned


class TapForm(forms.Form):
    """What a one-tap form of the Log page carries besides its answer when the tap was queued
    on the device (static/js/queue.js): the device's id for it, the moment it was tapped (UTC,
    milliseconds since 1970) and the account it was made under. A tap sent straight from the
    page carries none of them, and is saved now."""

    client_id = forms.UUIDField(required=False)
    tapped_at = forms.IntegerField(required=False, min_value=0, max_value=10**14)
    account = forms.CharField(required=False, max_length=64)
    said_in_words = ("tapped_at",)  # errors a person can make, shown to them as they are

    def clean_tapped_at(self):
        milliseconds = self.cleaned_data["tapped_at"]
        if milliseconds is None:
            return None
        tapped = datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
        if not queued_tap_in_time(tapped):
            days = QUEUED_TAP_MAX_AGE.days
            raise ValidationError(
                _(
                    "Not saved: this was tapped more than %(days)d days ago, or the device's "
                    "clock is wrong. Log it again with its time on the full form."
                )
                % {"days": days}
            )
        return tapped


class QuickSpasmForm(TapForm):
    """What a one-tap button on the Log page sends: the severity tapped (none: not given) and
    how long ago (none: now)."""

    severity = forms.TypedChoiceField(
        choices=SpasmSeverity.choices, coerce=int, empty_value=None, required=False
    )
    minutes_ago = forms.TypedChoiceField(
        choices=[(0, "0"), (15, "15"), (60, "60")], coerce=int, empty_value=0, required=False
    )


class QuickPainForm(TapForm):
    """The Log page's "Leg pain now": how bad, 0-10, in one tap; the rest can be added after."""

    intensity = forms.TypedChoiceField(choices=ZERO_TO_TEN, coerce=int)


def volume_field(required: bool = False) -> forms.IntegerField:
    """Millilitres, typed with a number pad; the range is the model's rule (CareEvent.clean)."""
    return forms.IntegerField(
        label=_("Volume in ml, if measured"),
        required=required,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter the volume as a whole number of ml, such as 400.")},
    )


class QuickCareForm(TapForm):
    """The Log page's bladder, bowel and skin buttons: which was done (the button tapped), how
    long ago (the time chips) and, for a catheterisation, the volume if it was measured."""

    event = forms.ChoiceField(choices=[(kind, kind) for kind in ONE_TAP])
    minutes_ago = forms.TypedChoiceField(
        choices=[(0, "0"), (15, "15"), (60, "60")], coerce=int, empty_value=0, required=False
    )
    volume_ml = volume_field()
    said_in_words = ("tapped_at", "volume_ml")

    def clean(self):
        cleaned = super().clean()
        event, volume = cleaned.get("event"), cleaned.get("volume_ml")
        if event and volume is not None and event not in WITH_VOLUME:
            # The buttons share one form: a volume typed, then the wrong button tapped.
            self.add_error(
                "volume_ml",
                _(
                    "Not saved: a volume goes with a catheterisation. Tap “Catheterised or "
                    "emptied” to save it with the volume, or clear it."
                ),
            )
        elif event:
            # The model's own rules, so a tap is judged as the full form and an import are.
            try:
                CareEvent(event=event, volume_ml=volume).clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.add_error(name, messages)
        return cleaned


class QuickCheckInForm(TapForm):
    """The check-in's first question (the Penn Spasm Frequency Scale: how often, and how
    strong when there were any), from the Log page; the rest of the check-in can follow."""

    psfs_frequency = forms.TypedChoiceField(choices=CheckIn.Frequency.choices, coerce=int)
    psfs_severity = forms.TypedChoiceField(
        choices=CheckIn.Severity.choices, coerce=int, empty_value=None, required=False
    )
    said_in_words = ("tapped_at", "psfs_severity")

    def clean(self):
        cleaned = super().clean()
        frequency = cleaned.get("psfs_frequency")
        if frequency == 0:
            cleaned["psfs_severity"] = None
        elif frequency is not None and cleaned.get("psfs_severity") is None:
            self.add_error("psfs_severity", _("Say how strong the spasms were."))
        return cleaned


def saved_time_label(saved: datetime, owner) -> str:
    """The chip of an entry's saved time: "At 14:05", with the day when it is not today."""
    if saved.date() == owner.local_today():
        return _("At %(time)s") % {"time": f"{saved:%H:%M}"}
    return _("At %(time)s on %(day)s") % {"time": f"{saved:%H:%M}", "day": short_day(saved)}


class SpasmForm(TimedEntryForm):
    regions = toggles(BodyRegion.choices, _("Where"))
    impacts = toggles(SpasmImpact.choices, _("Did it help or get in the way?"))

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
        # Optional, and "not given" unless picked: no blank button, just none picked.
        for name in ("pattern", "severity", "duration"):
            self.fields[name].choices = [
                choice for choice in self.fields[name].choices if choice[0] not in ("", None)
            ]


def pain_type_learn_more():
    return learn_more(
        _("these kinds of pain"),
        ((label, PAIN_TYPE_GUIDES[value]) for value, label in PainType.choices),
    )


class PainForm(TimedEntryForm):
    intensity = scale_field(_("How bad is the pain? (0 none, 10 worst imaginable)"), required=True)
    sites = forms.MultipleChoiceField(
        label=_("Where"), choices=PainSite.choices, required=False, widget=SiteToggles
    )
    qualities = toggles(PainQuality.choices, _("What does it feel like?"))

    class Meta:
        model = LegPainEntry
        field_classes = {"problem": ReadOnce}
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
            "note": forms.Textarea(attrs={"rows": 3}),
            "note_for_clinician": Toggle,
        }

    pain_type = pain_type_field(
        _("What kind of pain do you think it is?"),
        help_text=_(
            "Your own guess, in the groups of the ISCI pain classification. A clinician you "
            "share with can confirm the kind for a pain problem; it is kept apart."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = PainProblem.objects.filter(owner=self.owner)
        # The same list, read once, checks the choice sent and writes the help texts below.
        self.fields["problem"].found = {}
        problems = self.fields["problem"].queryset
        self.fields["pain_type"].learn_more = pain_type_learn_more()
        self.fields["pain_type"].help_text = self.writing.helps(
            self.fields["pain_type"].help_text,
            _(
                "A guess, in the groups of the ISCI pain classification. A clinician %(name)s "
                "shares with can confirm the kind for a pain problem; it is kept apart."
            ),
        )
        # Beside the guess, what a clinician confirmed for each problem (kept apart from it).
        confirmed = [problem for problem in problems if problem.confirmed_type]
        if confirmed:
            # A help text is drawn unescaped: the names typed by people are escaped here.
            self.fields["pain_type"].help_text = self.writing.helps(
                _("%(help)s Confirmed by a clinician: %(types)s."),
                _("%(help)s Confirmed by a clinician: %(types)s."),
                help=self.fields["pain_type"].help_text,
                types="; ".join(
                    f"{problem.name}: {problem.confirmed_type_label} ({problem.confirmed_by_shown})"
                    for problem in confirmed
                ),
            )
        self.fields["problem"].empty_label = self.writing.says(
            _("Not one of my pain problems"), _("Not one of %(name)s’s pain problems")
        )
        if not problems:
            self.fields["problem"].help_text = _(
                "Name up to three pain problems to follow each one."
            )


# The check-in's questions, each after the recall phrase of the stored window ("In the past
# 24 hours, ..."). Activities, mood and sleep are the app's own daily questions about pain or
# spasms: not the ISCI Pain Basic Data Set's, which ask about pain alone over a week.
CHECK_IN_QUESTIONS = {
    "psfs_frequency": _("%(recall)s, how often did you have spasms?"),
    "psfs_severity": _("%(recall)s, how strong were the spasms, if you had any?"),
    "spasticity": _(
        "%(recall)s, how bad were your stiffness and spasms overall? (0 none, 10 worst)"
    ),
    "pain_worst": _("%(recall)s, how bad was your worst leg pain? (0 none, 10 worst imaginable)"),
    "pain_average": _("%(recall)s, how bad was your leg pain on average?"),
    "interference_activities": _(
        "%(recall)s, how much did pain or spasms get in the way of your daily activities? "
        "(0 not at all, 10 completely)"
    ),
    "interference_mood": _("%(recall)s, how much did pain or spasms affect your mood?"),
    "interference_sleep": _("%(recall)s, how much did pain or spasms affect your sleep?"),
    "night_wakings": _("%(recall)s, how many times did spasms or pain wake you?"),
}
# The same questions asked of someone who answers for the person (a carer): they name them.
CHECK_IN_QUESTIONS_FOR = {
    "psfs_frequency": _("%(recall)s, how often did %(name)s have spasms?"),
    "psfs_severity": _("%(recall)s, how strong were %(name)s’s spasms, if they had any?"),
    "spasticity": _(
        "%(recall)s, how bad were %(name)s’s stiffness and spasms overall? (0 none, 10 worst)"
    ),
    "pain_worst": _(
        "%(recall)s, how bad was %(name)s’s worst leg pain? (0 none, 10 worst imaginable)"
    ),
    "pain_average": _("%(recall)s, how bad was %(name)s’s leg pain on average?"),
    "interference_activities": _(
        "%(recall)s, how much did pain or spasms get in the way of %(name)s’s daily "
        "activities? (0 not at all, 10 completely)"
    ),
    "interference_mood": _("%(recall)s, how much did pain or spasms affect %(name)s’s mood?"),
    "interference_sleep": _("%(recall)s, how much did pain or spasms affect %(name)s’s sleep?"),
    "night_wakings": _("%(recall)s, how many times did spasms or pain wake %(name)s?"),
}
APPS_OWN_DAILY_ITEM = _("One of the app’s own daily questions, not from a published scale.")


class CheckInForm(EntryForm):
    psfs_frequency = forms.TypedChoiceField(
        choices=CheckIn.Frequency.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Penn Spasm Frequency Scale."),
    )
    psfs_severity = forms.TypedChoiceField(
        choices=CheckIn.Severity.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    spasticity = scale_field("")
    pain_worst = scale_field("")
    pain_average = scale_field("")
    interference_activities = scale_field("", help_text=APPS_OWN_DAILY_ITEM)
    interference_mood = scale_field("", help_text=APPS_OWN_DAILY_ITEM)
    interference_sleep = scale_field("", help_text=APPS_OWN_DAILY_ITEM)

    class Meta:
        model = CheckIn
        fields = ["date", *CheckIn.ANSWERS, "note", "note_for_clinician"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "night_wakings": forms.NumberInput(attrs={"min": 0, "max": 50, "inputmode": "numeric"}),
            "note": forms.Textarea(attrs={"rows": 3}),
            "note_for_clinician": Toggle,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = self.owner.local_today().isoformat()
        recall = RECALL_PHRASES[self.instance.recall_window]
        for name, question in CHECK_IN_QUESTIONS.items():
            self.fields[name].label = self.writing.says(
                question, CHECK_IN_QUESTIONS_FOR[name], recall=recall
            )
        self.fields["psfs_severity"].help_text = self.writing.helps(
            _("Leave this if you had none."), _("Leave this if %(name)s had none.")
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not check_in_day_has_come(day, self.owner.local_today()):
            raise ValidationError(_("A check-in cannot be for a day that has not come yet."))
        if not on_calendar(day):
            raise ValidationError(TOO_EARLY)
        clash = (
            CheckIn.objects.for_user(self.owner)
            .active()
            .filter(date=day)
            .exclude(pk=self.instance.pk)
        )
        if clash.exists():
            raise ValidationError(
                self.writing.says(
                    _(
                        "You already have a check-in for %(day)s. Open it from your history to "
                        "change it."
                    ),
                    _("%(name)s already has a check-in for %(day)s."),
                    day=long_day(day),
                )
            )
        return day

    def clean_night_wakings(self):
        value = self.cleaned_data["night_wakings"]
        if value is not None and value > 50:
            raise ValidationError(_("Enter a number from 0 to 50."))
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
        if not event_day_near_enough(day, self.owner.local_today()):
            raise ValidationError(_("Enter a date within the next year."))
        if not on_calendar(day):
            raise ValidationError(TOO_EARLY)
        return day

    def clean_event_kind(self):
        # A medicine's start, change or stop stays one (the database holds to it too); its
        # dose and times are changed on the Medicines page.
        kind = self.cleaned_data["event_kind"]
        instance = self.instance
        if instance.medicine_id is not None and kind not in MEDICINE_EVENT_KINDS:
            raise ValidationError(
                _("This is an event of %(medicine)s: it stays a start, change or stop.")
                % {"medicine": instance.medicine.name}
            )
        if instance.dose is not None and kind not in DOSE_EVENT_KINDS:
            raise ValidationError(
                _("To stop %(medicine)s, use “Stop” on the Medicines page.")
                % {"medicine": instance.medicine.name}
            )
        return kind


class InterventionUseForm(OwnWords, forms.ModelForm):
    class Meta:
        model = InterventionUse
        fields = ["intervention", "dose", "effect"]
        field_classes = {"intervention": ReadOnce}

    def __init__(self, *args, owner, writer=None, read_once=None, **kwargs):
        """`read_once`: a dict the formset's forms share, so their choices are read once."""
        super().__init__(*args, **kwargs)
        keep = [self.instance.intervention_id] if self.instance.intervention_id else []
        if read_once is None:
            self.fields["intervention"].queryset = Intervention.objects.by_use(owner, keep)
        else:  # forms that keep different items read their own
            found = read_once.setdefault(tuple(keep), {})
            if "queryset" not in found:  # built once too: its subqueries take a while to build
                found["queryset"] = Intervention.objects.by_use(owner, keep)
            self.fields["intervention"].queryset = found["queryset"]
        self.fields["intervention"].label = Writing(owner, writer).says(
            _("What did you try?"), _("What was tried?")
        )
        self.fields["intervention"].empty_label = _("Choose…")
        if read_once is not None:  # after the empty label, which the choices list begins with
            self.fields["intervention"].share(found)
        self.fields["intervention"].error_messages["required"] = _(
            "Choose what you tried, or clear the dose and effect."
        )
        self.fields["effect"].label = _("Did it help?")
        # Chips, not a native select: one tap for a weak grip (issue 16).
        self.fields["effect"].widget = forms.RadioSelect(choices=self.fields["effect"].choices)
        self.fields["effect"].choices = [c for c in self.fields["effect"].choices if c[0]]


class InterventionFormSet(OwnWordsFormSet):
    def save_new_objects(self, commit=True):
        """What was tried, added in one INSERT, not one a row."""
        if commit:
            self.saved_forms = []  # what save(commit=False) sets up; uses have no m2m to save
        made = super().save_new_objects(commit=False)
        if commit and made:
            InterventionUse.objects.bulk_create(made)
            # bulk_create calls no save(): the uses judged as one would be (all on one entry).
            diary_changed(
                self.instance.owner_id,
                made[0].may_change_closed_past(),
                InterventionUse.changes_other_records,
            )
        return made


def intervention_formset(parent_model):
    return forms.inlineformset_factory(
        parent_model,
        InterventionUse,
        form=InterventionUseForm,
        formset=InterventionFormSet,
        fk_name="spasm" if parent_model is SpasmEpisode else "pain",
        extra=2,
        max_num=10,
        # Django would build (and draw again) up to 1,000 more forms than max_num for a post that
        # asks for them: seconds of work for one request. More than 10 is refused instead.
        absolute_max=10,
        can_delete=True,
    )


class ADEpisodeForm(TimedEntryForm):
    """An autonomic dysreflexia episode: when it started, causes, what was done, how it ended.
    Its blood-pressure readings come in their own formset (ReadingForm)."""

    # The causes and the AD-specific steps take the place of the spasm and pain questions.
    triggers = None
    red_flags = None
    causes = toggles(ADCause.choices, _("What may have set it off?"))
    actions = toggles(
        ADAction.choices,
        _("What was done?"),
        help_text=_(
            "First: sit up, lower the legs, loosen anything tight; then check bladder and bowel."
        ),
    )

    class Meta:
        model = ADEpisode
        fields = ["causes", "actions", "outcome", "note", "note_for_clinician"]
        widgets = {
            "outcome": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "note_for_clinician": Toggle,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when"].label = _("When did it start?")
        # A required radio group needs no "---------" option.
        self.fields["outcome"].choices = ADOutcome.choices
        self.fields["outcome"].error_messages["required"] = _("Say how the episode ended.")


# The guide section a skin problem points to: what a pressure sore is and what to do on finding a
# mark (never a diagnosis: the stage is the person's or the nurse's own reading).
PRESSURE_SORES_GUIDE = "leg-pain-causes#pressure-sores"
# The details each area's form asks for; every detail its kinds may carry, so the model's rules
# (CareEvent.clean) always name a field the form shows.
CARE_DETAILS = {
    CareArea.BLADDER: ("volume_ml",),
    CareArea.BOWEL: ("bowel_result",),
    CareArea.SKIN: ("checked_by", "site", "stage"),
}


def care_area(wanted: str, entry: CareEvent) -> str:
    """The area a bladder, bowel or skin form is about: a saved event's own, else the one asked
    for (?area=), else none (every kind and detail is offered)."""
    if entry.pk is not None:
        return entry.area
    return wanted if wanted in CareArea.values else ""


class CareEventForm(TimedEntryForm):
    """A bladder, bowel or skin event: what happened and when, with the details its kind may
    carry. `area` narrows the kinds and details to one part of the programme."""

    triggers = None
    red_flags = None
    volume_ml = volume_field()

    class Meta:
        model = CareEvent
        fields = [
            "event",
            "volume_ml",
            "bowel_result",
            "checked_by",
            "site",
            "stage",
            "note",
            "note_for_clinician",
        ]
        widgets = {
            "event": forms.RadioSelect,
            "bowel_result": forms.RadioSelect,
            "checked_by": forms.RadioSelect,
            "site": forms.RadioSelect,
            "stage": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "note_for_clinician": Toggle,
        }

    field_order = ["event", "when", "occurred_local"]

    def __init__(self, *args, area: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        if area:
            self.fields["event"].choices = kinds_of(area)
            for other, details in CARE_DETAILS.items():
                if other != area:
                    for name in details:
                        del self.fields[name]
        else:
            self.fields["event"].choices = CareEventKind.choices
        self.fields["event"].label = _("What happened?")
        self.fields["event"].error_messages["required"] = _("Choose what happened.")
        # Optional, and "not given" unless picked: no blank button, just none picked.
        for name in ("bowel_result", "checked_by", "site", "stage"):
            if name in self.fields:
                self.fields[name].choices = [
                    choice for choice in self.fields[name].choices if choice[0] != ""
                ]
        says = self.writing.says
        labels = {
            "volume_ml": (_("Volume in ml, if measured"), None),
            "bowel_result": (_("Result (for a routine done)"), None),
            "checked_by": (
                _("Who checked? (for a skin check)"),
                _("Who checked %(name)s’s skin? (for a skin check)"),
            ),
            "site": (_("Where on the body? (for a skin problem)"), None),
            "stage": (_("Stage, if a nurse or doctor told you"), _("Stage, if known")),
        }
        for name, (own, for_someone) in labels.items():
            if name in self.fields:
                self.fields[name].label = says(own, for_someone or own)
        if "checked_by" in self.fields and self.writing.for_someone:
            # "Me" would be the carer: the person is named instead.
            self.fields["checked_by"].choices = [
                (value, says("", _("%(name)s"))) if value == "self" else (value, label)
                for value, label in self.fields["checked_by"].choices
            ]
        if "volume_ml" in self.fields:
            self.fields["volume_ml"].help_text = _(
                "For a catheterisation or a leak; leave it empty if not measured."
            )
        if "site" in self.fields:
            self.fields["site"].help_text = _(
                "On finding a mark: keep all weight off it and tell the care team."
            )
        if "stage" in self.fields:
            self.fields["stage"].help_text = _(
                "Only if you know it: the app does not judge a sore. Leave it empty otherwise."
            )
            self.fields["stage"].learn_more = learn_more(
                _("pressure sores"), [(_("Pressure sores"), PRESSURE_SORES_GUIDE)]
            )


def reading_number(label, limits, required=True, missing=""):
    low, high = limits
    message = _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": missing,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class ReadingForm(OwnWords, forms.ModelForm):
    """One blood-pressure reading: the time it was taken (in the person's zone), the two
    numbers and the pulse. A new row counts as filled in once a number is typed: its time is
    filled in ahead, to now."""

    NUMBERS = ("systolic", "diastolic", "pulse")

    taken_local = LocalDateTimeField(
        label=_("Time taken"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    systolic = reading_number(
        _("Upper (systolic)"), SYSTOLIC_RANGE, missing=_("Enter the upper number.")
    )
    diastolic = reading_number(
        _("Lower (diastolic)"), DIASTOLIC_RANGE, missing=_("Enter the lower number.")
    )
    pulse = reading_number(_("Pulse (if taken)"), PULSE_RANGE, required=False)

    class Meta:
        model = BloodPressureReading
        fields = ["systolic", "diastolic", "pulse"]

    def __init__(self, *args, owner, writer=None, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)
        writing = Writing(owner, writer)
        writing.local_field(self.fields["taken_local"])
        if writing.other_zone:
            self.fields["taken_local"].help_text = writing.zone_help(_("The time it was taken"))
        if self.instance.pk:
            self.initial["taken_local"] = timezone.localtime(self.instance.taken_at, owner.zone)
        else:
            now = timezone.localtime(timezone.now(), owner.zone)
            self.initial["taken_local"] = now.replace(second=0, microsecond=0)

    def has_changed(self):
        if self.instance.pk:
            return super().has_changed()
        return any(name in self.changed_data for name in self.NUMBERS)

    def clean(self):
        cleaned = super().clean()
        moment = cleaned.get("taken_local")
        if moment is None:
            if "taken_local" not in self.errors:
                self.add_error("taken_local", _("Enter the date and time of the reading."))
        elif not moment_has_come(moment):
            self.add_error("taken_local", _("That time is in the future."))
        elif not on_calendar(moment.date()):
            self.add_error("taken_local", TOO_EARLY)
        else:
            self.instance.taken_at = moment
        return cleaned


def reading_formset():
    return forms.inlineformset_factory(
        ADEpisode,
        BloodPressureReading,
        form=ReadingForm,
        formset=OwnWordsFormSet,
        fk_name="episode",
        extra=3,
        max_num=20,
        absolute_max=20,  # as for what was tried: more rows than this are refused
        can_delete=True,
    )


class DoseForm(EntryForm):
    """The edit page of a dose in the history: taken or missed, when, the amount, a note. A dose
    is logged from the medicine pages (diary.medicines), not from a form of this kind."""

    occurred_local = LocalDateTimeField(
        label=_("When it was taken"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = MedicineDose
        fields = ["status", "amount", "note", "note_for_clinician"]
        widgets = {
            "status": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "note_for_clinician": Toggle,
        }

    field_order = ["status", "occurred_local", "amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = DoseStatus.choices
        self.writing.local_field(self.fields["occurred_local"])
        self.fields["occurred_local"].help_text = self.writing.zone_help(
            _("For a dose taken; a missed one keeps the time it was due")
        )
        if self.instance.pk:
            self.initial["occurred_local"] = timezone.localtime(
                self.instance.occurred_at, self.owner.zone
            )

    def clean(self):
        cleaned = super().clean()
        status, moment = cleaned.get("status"), cleaned.get("occurred_local")
        if status == "missed":
            if self.instance.scheduled_for is None:
                self.add_error("status", _("An as-needed dose is taken or not logged at all."))
            else:
                self.instance.occurred_at = self.instance.scheduled_for  # the time it was due
        elif moment is None:
            self.add_error("occurred_local", _("Enter the date and time it was taken."))
        elif not moment_has_come(moment):
            self.add_error("occurred_local", _("That time is in the future."))
        elif not on_calendar(moment.date()):
            self.add_error("occurred_local", TOO_EARLY)
        else:
            self.instance.occurred_at = moment
        return cleaned


ENTRY_FORMS = {
    "spasm": SpasmForm,
    "pain": PainForm,
    "checkin": CheckInForm,
    "event": EventForm,
    "ad": ADEpisodeForm,
    "care": CareEventForm,
    "dose": DoseForm,
}
INTERVENTION_FORMSETS = {
    "spasm": intervention_formset(SpasmEpisode),
    "pain": intervention_formset(LegPainEntry),
}
READING_FORMSET = reading_formset()


def starts_visibly(name):
    """A name that starts with an invisible character (a zero-width space, a direction mark)
    looks the same as one without it; and save_pain_problems parks each name as a zero-width
    space and its slot while it renames them, so "\u200b2" typed for slot 1 would clash."""
    if name and unicodedata.category(name[0]) == "Cf":
        raise ValidationError(_("Start the name with a letter, number or sign you can see."))


class PainProblemsForm(OwnWords, forms.Form):
    """Names for up to three pain problems, one field per slot; a blank field frees the slot."""

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)
        names = dict(PainProblem.objects.filter(owner=owner).values_list("slot", "name"))
        for slot in (1, 2, 3):
            self.fields[f"slot_{slot}"] = forms.CharField(
                label=format_lazy(_("Pain problem {slot}"), slot=slot),
                max_length=60,
                required=False,
                initial=names.get(slot, ""),
                validators=[starts_visibly],
            )

    def clean(self):
        cleaned = super().clean()
        names = [name.strip().lower() for name in cleaned.values() if name and name.strip()]
        if len(names) != len(set(names)):
            raise ValidationError(_("Give each pain problem a different name."))
        return cleaned


class ConfirmPainTypesForm(OwnWords, forms.Form):
    """A clinician's confirmed ISCI pain type for each of the person's pain problems."""

    def __init__(self, *args, problem_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.problem_types = problem_types
        for found in problem_types:
            problem = found.problem
            field = pain_type_field(
                _("Pain problem %(slot)s: %(name)s") % {"slot": problem.slot, "name": problem.name},
                not_confirmed=True,
                help_text=(
                    _("The person’s latest guess: %(guess)s.") % {"guess": found.guess_label}
                    if found.guess
                    else _("No guess logged with this problem yet.")
                ),
            )
            field.initial = problem.confirmed_type or NOT_CONFIRMED
            field.learn_more = pain_type_learn_more()
            self.fields[f"problem_{problem.slot}"] = field

    def confirmed(self):
        """(problem, the type chosen for it: "" for none) for each problem."""
        chosen = [
            (found.problem, self.cleaned_data[f"problem_{found.problem.slot}"])
            for found in self.problem_types
        ]
        return [(problem, "" if value == NOT_CONFIRMED else value) for problem, value in chosen]


TAKEN = _("That is already on your list.")
TAKEN_ARCHIVED = _("You have that one archived: bring it back under “Archived” instead.")
TAKEN_HIDDEN = _("That is a built-in one you hid: choose “Show again” under “Built-in” instead.")


class OwnItemForm(OwnWords, forms.ModelForm):
    """A person's own trigger or intervention, added to the built-in list; or, with an
    instance, renamed (its slug stays, so exports and filters still find it)."""

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)

    class Meta:
        fields = ["name", "category"]

    def slug_for(self, name):
        # A name grows when made plain ("㍱" is "hpa"): cut the slug to what the column holds.
        longest = self._meta.model._meta.get_field("slug").max_length
        return slugify(name)[:longest].strip("-_")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        slug = self.slug_for(name)
        if not slug:
            raise ValidationError(_("Use at least one letter or number."))
        others = self._meta.model.objects.available_to(self.owner).exclude(pk=self.instance.pk)
        same = others.filter(name__iexact=name).first()
        if same is None and self.instance.pk is None:
            # A new item's slug must be free among the built-in items too: filters and exports
            # use it. A renamed own item keeps its slug, so a later one may find it taken.
            same = others.filter(owner=None, slug=slug).first()
        if same is None:
            return name
        if same.archived:
            raise ValidationError(TAKEN_ARCHIVED)
        if same.is_builtin and same.hidings.filter(person=self.owner).exists():
            raise ValidationError(TAKEN_HIDDEN)
        raise ValidationError(TAKEN)

    def free_slug(self, name):
        """The name's slug, or (when an own item renamed since holds it) one with a number."""
        base = self.slug_for(name)
        longest = self._meta.model._meta.get_field("slug").max_length
        stem = base[: longest - 10]  # what every numbered slug of this name starts with
        mine = self._meta.model.objects.filter(owner=self.owner, slug__startswith=stem)
        taken = set(mine.values_list("slug", flat=True))
        slug, number = base, 1
        while slug in taken:
            number += 1
            suffix = f"-{number}"
            slug = base[: longest - len(suffix)] + suffix
        return slug

    def save(self, commit=True):
        if self.instance.pk is None:
            self.instance.owner = self.owner
            self.instance.slug = self.free_slug(self.cleaned_data["name"])
        return super().save(commit)


class OwnTriggerForm(OwnItemForm):
    class Meta(OwnItemForm.Meta):
        model = Trigger
        labels = {"name": _("Add a trigger of your own")}


class OwnInterventionForm(OwnItemForm):
    class Meta(OwnItemForm.Meta):
        model = Intervention
        labels = {"name": _("Add something you try")}


class RenameTriggerForm(OwnTriggerForm):
    class Meta(OwnTriggerForm.Meta):
        fields = ["name"]
        labels = {"name": _("New name")}


class RenameInterventionForm(OwnInterventionForm):
    class Meta(OwnInterventionForm.Meta):
        fields = ["name"]
        labels = {"name": _("New name")}


RENAME_FORMS = {Trigger: RenameTriggerForm, Intervention: RenameInterventionForm}


class SayItForm(OwnWords, forms.Form):
    """The Log page's Say it box: one sentence, read by diary.say_it."""

    text = forms.CharField(
        label=_("What happened?"),
        max_length=say_it.MAX_LENGTH,
        error_messages={"required": _("Say or type what happened, then read it.")},
    )

    def __init__(self, *args, owner, writer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = Writing(owner, writer).says(
            _("What happened?"), _("What happened to %(name)s?")
        )
