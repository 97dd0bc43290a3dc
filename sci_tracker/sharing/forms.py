from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sci_tracker.core.addresses import normalise_email
from sci_tracker.core.limits import Limit
from sci_tracker.diary.forms import DAY_OUT_OF_RANGE, TOO_EARLY
from sci_tracker.diary.rules import on_calendar, visit_day_has_come
from sci_tracker.sharing.models import (
    AshworthScore,
    CareAccess,
    MuscleGroup,
    ReviewNote,
    Role,
    ShareLink,
    Side,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Invitations one account may send in a window: each one e-mails an address the sender chose.
INVITATIONS = Limit("invitations", "INVITATION_LIMIT", "INVITATION_WINDOW")


class ShareLinkForm(forms.Form):
    label = ShareLink._meta.get_field("label").formfield()
    lifetime = forms.TypedChoiceField(
        label=gettext_lazy("How long it works"),
        choices=ShareLink.Lifetime.choices,
        coerce=int,
        initial=ShareLink.Lifetime.MONTH,
        widget=forms.RadioSelect,
    )
    shows_from = forms.DateField(
        label=gettext_lazy("First day it shows (optional)"), required=False, widget=DATE_INPUT
    )
    shows_to = forms.DateField(
        label=gettext_lazy("Last day it shows (optional)"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("Leave both dates empty to let the link show any dates."),
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("shows_from"), cleaned.get("shows_to")
        for name, day in (("shows_from", first), ("shows_to", last)):
            if day and not on_calendar(day):
                self.add_error(name, DAY_OUT_OF_RANGE)
                first = last = None
        if first and last and first > last:
            self.add_error("shows_to", _("The last day must be on or after the first day."))
        return cleaned


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Their e-mail address"),
        max_length=CareAccess._meta.get_field("email").max_length,
        help_text=gettext_lazy(
            "They accept with an SCI Tracker account that has confirmed this address."
        ),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("What they may do"), choices=Role.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if email == normalise_email(self.person.email):
            raise ValidationError(_("That is your own address: invite someone else."))
        if CareAccess.objects.for_user(self.person).open().filter(email=email).exists():
            raise ValidationError(
                _("This address already has an invitation or access. End that first to change it.")
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if INVITATIONS.reached(self.person.pk):
            allowed = INVITATIONS.allowed
            hours = round(INVITATIONS.window.total_seconds() / 3600)
            raise ValidationError(
                _(
                    "You have sent %(allowed)d invitations in the last %(hours)d hours, the most "
                    "the app sends for one account. Please try again later; what you typed is kept."
                )
                % {"allowed": allowed, "hours": hours}
            )
        return cleaned

    def sent(self) -> None:
        """Count one invitation against the sender's limit."""
        INVITATIONS.hit(self.person.pk)


class ReviewNoteForm(forms.ModelForm):
    class Meta:
        model = ReviewNote
        fields = ["text"]
        labels = {"text": gettext_lazy("Add a review note")}
        help_texts = {"text": gettext_lazy("The person sees it, dated and with your name.")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class VisitForm(forms.Form):
    """One visit's Modified Ashworth ratings: a choice per muscle group and side."""

    visit_date = forms.DateField(label=gettext_lazy("Date of the visit"), widget=DATE_INPUT)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["visit_date"].initial = person.local_today()
        self.fields["visit_date"].widget.attrs["max"] = person.local_today().isoformat()
        choices = [("", _("Not rated")), *AshworthScore.choices]
        for group, group_label in MuscleGroup.choices:
            for side, side_label in Side.choices:
                self.fields[f"{group}__{side}"] = forms.ChoiceField(
                    label=_("%(muscle_group)s, %(side)s")
                    % {"muscle_group": group_label, "side": side_label.lower()},
                    choices=choices,
                    required=False,
                )

    def rows(self):
        """The fields by muscle group, left then right, for the template's table."""
        return [
            (label, [self[f"{group}__{side}"] for side in Side.values])
            for group, label in MuscleGroup.choices
        ]

    def clean_visit_date(self):
        day = self.cleaned_data["visit_date"]
        if not visit_day_has_come(day, self.person.local_today()):
            raise ValidationError(_("A visit cannot be on a day that has not come yet."))
        if not on_calendar(day):
            raise ValidationError(TOO_EARLY)
        return day

    def clean(self):
        cleaned = super().clean()
        if not self.ratings() and not self.errors:
            raise ValidationError(_("Rate at least one muscle group."))
        return cleaned

    def ratings(self):
        """(muscle group, side, score) for each rated field."""
        found = []
        for name, value in self.cleaned_data.items():
            if "__" in name and value:
                group, side = name.split("__")
                found.append((group, side, value))
        return found
