import zoneinfo
from datetime import timedelta

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from sci_tracker.accounts.emergency import number_for_zone
from sci_tracker.accounts.models import User, UsesAppAs
from sci_tracker.core.addresses import normalise_email

TIME_ZONE_CHOICES = [
    (zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())
]


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=TIME_ZONE_CHOICES, **kwargs)


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That e-mail address and password do not match an account. "
            "Check both and try again; the password is case-sensitive."
        ),
    }


class ResetPasswordForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        # The one way addresses are compared (Django's own lookup folds case for ASCII only).
        accounts = User.objects.with_email(email).filter(is_active=True)
        return (user for user in accounts if user.has_usable_password())


def uses_app_as_field() -> forms.ChoiceField:
    """Who the account is for, as one radio group (sign-up and profile)."""
    return forms.ChoiceField(
        label=_("Who is this account for?"),
        choices=UsesAppAs.choices,
        initial=UsesAppAs.OWN_DIARY,
        widget=forms.RadioSelect,
        help_text=_(
            "A carer or clinician gets in through an invitation from the person whose diary it "
            "is. Anyone can keep a diary of their own too."
        ),
        error_messages={
            "required": _("Choose who this account is for."),
            "invalid_choice": _("Choose one of the three answers."),
        },
    )


class UsesAppAsMixin:
    """Applies the answer through User.use_app_as, which ticks "I am a clinician" with it."""

    def _post_clean(self):
        super()._post_clean()
        if self.cleaned_data.get("uses_app_as"):
            self.instance.use_app_as(self.cleaned_data["uses_app_as"])


class SignUpForm(UsesAppAsMixin, BaseUserCreationForm):
    time_zone = TimeZoneField(
        label=_("Time zone"),
        help_text=_("Your diary's days follow this zone. We have picked your device's zone."),
    )
    # Asked here, so a carer's or clinician's first home page says how to get an invitation
    # instead of a new diary's first steps (it can be changed in the profile later).
    uses_app_as = uses_app_as_field()

    class Meta:
        model = User
        fields = ["email", "display_name", "time_zone", "uses_app_as"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # app.js sets this to the browser's zone; without JavaScript the server default stays.
        self.fields["time_zone"].widget.attrs["data-browser-time-zone"] = "fill"
        self.fields["password1"].label = _("Choose a password")
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()
        self.fields["password2"].label = _("Type the password again")
        self.fields["password2"].help_text = ""

    def _get_validation_exclusions(self):
        # Whether the address has an account must not show on the page (see save), so the
        # model's uniqueness checks on it are left out here; the database still holds the rule.
        return {*super()._get_validation_exclusions(), "email"}

    def save(self, commit: bool = True) -> User | None:
        """The new, unconfirmed account, or None when the address has one already. Either way
        the password is hashed, so both answers take the same time."""
        if User.objects.with_email(self.instance.email).exists():
            make_password(self.cleaned_data["password1"])
            return None
        try:
            with transaction.atomic():
                return super().save(commit)
        except IntegrityError:  # someone signed up with the same address a moment earlier
            return None


class BigToggle(forms.CheckboxInput):
    """A yes-or-no tick drawn as one large toggle button (includes/toggle.html), as on the
    diary's forms."""

    is_toggle = True


ABOUT_FIELDS = [
    "display_name",
    "time_zone",
    "uses_app_as",
    "injury_level",
    "completeness",
    "is_clinician",
]
SAFETY_FIELDS = [
    "usual_systolic",
    "usual_diastolic",
    "has_baclofen_pump",
    "pump_refill_date",
    "pump_alarm_date",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_number",
    "card_medicines",
]
APPEARANCE_FIELDS = ["language", "theme"]


class LanguageSelect(forms.Select):
    """The profile's language menu: each language is named in its own language ("Español"), so
    its option says so, and a screen reader reads the name as its speakers say it."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = value
        return option


PUMP_DATES = ("pump_refill_date", "pump_alarm_date")
# A refill or alarm date further than this from today is a slip of the year.
PUMP_DATES_WITHIN = timedelta(days=366)


class ProfileForm(UsesAppAsMixin, forms.ModelForm):
    """Who you are, and the safety profile (what the AD card and the pump reminders show)."""

    time_zone = TimeZoneField(
        label=_("Time zone"),
        help_text=_("Your diary's days start and end at midnight in this zone."),
    )
    uses_app_as = uses_app_as_field()
    emergency_contact_phone = forms.RegexField(
        label=_("Their phone number"),
        required=False,
        max_length=User._meta.get_field("emergency_contact_phone").max_length,
        # Digits with the signs people write between them; at least three digits.
        regex=r"^[+(]*[0-9](?:[ ()./-]*[0-9]){2,}$",
        error_messages={
            "invalid": _("Enter a phone number with digits, as in +44 20 7946 0000."),
        },
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    emergency_number = forms.RegexField(
        label=_("Emergency number"),
        required=False,
        max_length=User._meta.get_field("emergency_number").max_length,
        # Digits, a leading + and the signs people write between them; 911, 000, +44 ...
        regex=r"^[+(]*[0-9](?:[ ()./-]*[0-9]){1,}$",
        strip=True,
        error_messages={
            "invalid": _("Enter the number with digits, as in 999 or 112."),
        },
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    class Meta:
        model = User
        fields = [*ABOUT_FIELDS, *SAFETY_FIELDS, *APPEARANCE_FIELDS]
        labels = {
            "usual_systolic": _("Upper number (systolic)"),
            "usual_diastolic": _("Lower number (diastolic)"),
            "emergency_contact_name": _("Emergency contact's name"),
            "card_medicines": _("Medicines"),
        }
        help_texts = {
            "usual_systolic": _(
                "Your blood pressure on an ordinary day, in mmHg. After a high injury it is "
                "often low, 90 to 110. Both numbers, or leave both empty."
            ),
            "usual_diastolic": "",
            "emergency_contact_name": _("Someone who knows you and your injury."),
            "pump_refill_date": _("The next refill your pump team booked."),
        }
        widgets = {
            "usual_systolic": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "usual_diastolic": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "has_baclofen_pump": BigToggle,
            "pump_refill_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "pump_alarm_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "emergency_contact_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "card_medicines": forms.Textarea(attrs={"rows": 3}),
            "theme": forms.RadioSelect,
            "language": LanguageSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        usual = number_for_zone(self.instance.time_zone)
        self.fields["emergency_number"].help_text = _(
            "The number the urgent advice page offers to call. Leave it empty to use %(usual)s, "
            "the usual number for your time zone (it follows the zone if you change it)."
        ) % {"usual": usual}

    def about_fields(self):
        return [self[name] for name in ABOUT_FIELDS]

    def safety_fields(self):
        return [self[name] for name in SAFETY_FIELDS]

    def appearance_fields(self):
        return [self[name] for name in APPEARANCE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        today = self.instance.local_today()
        for name in PUMP_DATES:
            day = cleaned.get(name)
            if day and abs(day - today) > PUMP_DATES_WITHIN:
                self.add_error(name, _("Enter a date within a year of today."))
        if not cleaned.get("has_baclofen_pump"):
            # Unticking the pump clears the dates it had. A date typed anew without the tick
            # is more likely a forgotten tick: the model's rule asks which one was meant.
            for name in PUMP_DATES:
                if name in cleaned and cleaned[name] == self.initial.get(name):
                    cleaned[name] = None
        return cleaned


class ChangeEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "We send a link to the new address. Your account keeps its present address until "
            "that link is opened."
        ),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if email == self.user.email:
            raise forms.ValidationError(_("That is your present address: type the new one."))
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not right. Nothing was changed."))
        return password


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not right. Nothing was deleted."))
        return password
