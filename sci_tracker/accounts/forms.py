import zoneinfo

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm

from sci_tracker.accounts.models import User

TIME_ZONE_CHOICES = [
    (zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())
]


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=TIME_ZONE_CHOICES, **kwargs)


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail address",
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail address and password do not match an account. "
        "Check both and try again; the password is case-sensitive.",
    }


class ResetPasswordForm(PasswordResetForm):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class SignUpForm(BaseUserCreationForm):
    time_zone = TimeZoneField(
        label="Time zone",
        help_text="Your diary's days follow this zone. We have picked your device's zone.",
    )

    class Meta:
        model = User
        fields = ["email", "display_name", "time_zone"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # app.js sets this to the browser's zone; without JavaScript the server default stays.
        self.fields["time_zone"].widget.attrs["data-browser-time-zone"] = "fill"
        self.fields["password1"].label = "Choose a password"
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()
        self.fields["password2"].label = "Type the password again"
        self.fields["password2"].help_text = ""

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this e-mail address already exists. "
                "Sign in, or reset your password if you have forgotten it."
            )
        return email


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField(
        label="Time zone",
        help_text="Your diary's days start and end at midnight in this zone.",
    )

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "injury_level", "completeness", "is_clinician"]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right. Nothing was deleted.")
        return password
