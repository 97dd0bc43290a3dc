"""Form errors in the app's own words, in one place.

Django's defaults ("This field is required.", "Ensure this value is less than or equal to 10.",
"Select a valid choice. 7 is not one of the available choices.") read like a machine talking.
`OwnWords` swaps every default message of a form's fields for a plain one just before the form
checks what was sent; a message a form sets itself is kept. Django's own checks (a field's
validators, a model's) look up the field's messages by code, so one table covers them too.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

CHOOSE = _("Choose one of the answers.")
NOT_ON_THE_LIST = _("That answer is not on the list any more. Choose one of those shown.")

# (field class, code) -> message; the first class in a field's MRO that is listed wins.
WORDS: dict[tuple[type, str], str] = {
    (forms.Field, "required"): _("Fill this in."),
    (forms.Field, "invalid"): _("This does not look right. Check it and try again."),
    (forms.ChoiceField, "required"): CHOOSE,
    (forms.ChoiceField, "invalid_choice"): NOT_ON_THE_LIST,
    (forms.MultipleChoiceField, "invalid_list"): NOT_ON_THE_LIST,
    (forms.ModelChoiceField, "required"): CHOOSE,
    (forms.ModelChoiceField, "invalid_choice"): NOT_ON_THE_LIST,
    (forms.ModelMultipleChoiceField, "invalid_choice"): NOT_ON_THE_LIST,
    (forms.ModelMultipleChoiceField, "invalid_pk_value"): NOT_ON_THE_LIST,
    (forms.ModelMultipleChoiceField, "invalid_list"): NOT_ON_THE_LIST,
    (forms.IntegerField, "required"): _("Enter a number."),
    (forms.IntegerField, "invalid"): _("Enter a whole number, such as 3."),
    (forms.FloatField, "invalid"): _("Enter a number, such as 2.5."),
    (forms.DecimalField, "invalid"): _("Enter a number, such as 2.5."),
    (forms.DateField, "required"): _("Enter a date."),
    (forms.DateField, "invalid"): _("Enter a real date, such as 14 March 2026."),
    (forms.DateTimeField, "required"): _("Enter a date and time."),
    (forms.DateTimeField, "invalid"): _("Enter a real date and time, such as 14 March 2026 09:30."),
    (forms.TimeField, "invalid"): _("Enter a time, such as 09:30."),
    (forms.EmailField, "invalid"): _("Enter an e-mail address, such as name@example.org."),
    (forms.BooleanField, "required"): _("Tick this to go on."),
}
# Limits: these come from validators, so Django's field classes carry no default to compare.
LIMITS = {
    "max_value": _("Enter %(limit_value)s or less."),
    "min_value": _("Enter %(limit_value)s or more."),
    "max_length": _("Keep this to %(limit_value)d characters or fewer (it has %(show_value)d)."),
    "min_length": _("Use at least %(limit_value)d characters (it has %(show_value)d)."),
    "step_size": _("Enter a multiple of %(limit_value)s."),
    "max_digits": _("Use at most %(max)s digits."),
    "max_decimal_places": _("Use at most %(max)s digits after the point."),
    "unique": _("This is taken already: choose another."),
    "null_characters_not_allowed": _("Take out the invisible “null” characters."),
}


def _django_default(field: forms.Field, code: str) -> str | None:
    """Django's own message for `code` on this kind of field, or None."""
    for cls in type(field).__mro__:
        message = getattr(cls, "default_error_messages", {}).get(code)
        if message is not None:
            return str(message)
    return None


def own_message(field: forms.Field, code: str) -> str | None:
    for cls in type(field).__mro__:
        if (cls, code) in WORDS:
            return WORDS[(cls, code)]
    return LIMITS.get(code)


def use_own_words(fields: dict[str, forms.Field]) -> None:
    """Swap each field's Django default messages for the app's words, in place."""
    for field in fields.values():
        codes = set(field.error_messages) | set(LIMITS)
        for code in codes:
            current = field.error_messages.get(code)
            if current is not None and str(current) != _django_default(field, code):
                continue  # the form's own words
            message = own_message(field, code)
            if message is not None:
                field.error_messages[code] = message


class OwnWords:
    """Mix into a form (before forms.Form / forms.ModelForm): its errors read in the app's words.
    Applied when the form checks its data, so fields added in __init__ are covered too."""

    def full_clean(self) -> None:
        use_own_words(self.fields)
        super().full_clean()


class OwnWordsFormSet(forms.BaseInlineFormSet):
    """Rows of a form (what was tried, blood-pressure readings) whose own errors read in the
    app's words too."""

    default_error_messages = {
        "missing_management_form": _(
            "This page came back incomplete, so nothing was saved. Reload it and try again."
        ),
        "too_many_forms": ngettext_lazy(
            "Fill in at most %(num)d row.", "Fill in at most %(num)d rows.", "num"
        ),
        "too_few_forms": ngettext_lazy(
            "Fill in at least %(num)d row.", "Fill in at least %(num)d rows.", "num"
        ),
    }
