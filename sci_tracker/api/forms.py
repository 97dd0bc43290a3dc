from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sci_tracker.api.models import PersonalAccessToken, Scope


class TokenForm(forms.ModelForm):
    class Meta:
        model = PersonalAccessToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}
        help_texts = {
            "name": _("The phone, shortcut or program that will use it, such as “My phone”."),
            "scope": _(
                "A token that may log can add entries to your diary, and to the diaries of the "
                "people you help as their carer. Either kind reads what your account may read."
            ),
        }

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = Scope.choices
        self.fields["scope"].initial = Scope.READ

    def clean(self) -> dict:
        cleaned = super().clean()
        if not PersonalAccessToken.room_for_another(self.owner):
            most = settings.API_TOKENS_PER_ACCOUNT
            raise forms.ValidationError(
                ngettext(
                    "You already have %(most)d working token, the most an account may have. "
                    "Revoke one you no longer use, then make this one.",
                    "You already have %(most)d working tokens, the most an account may have. "
                    "Revoke one you no longer use, then make this one.",
                    most,
                )
                % {"most": most},
                code="too_many_tokens",
            )
        return cleaned
