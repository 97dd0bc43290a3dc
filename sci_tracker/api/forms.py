from django import forms
from django.utils.translation import gettext_lazy as _

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = Scope.choices
        self.fields["scope"].initial = Scope.READ
