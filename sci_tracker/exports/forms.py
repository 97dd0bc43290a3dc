from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from sci_tracker.exports.importer import MAX_UPLOAD_BYTES, UploadRejected, read_upload


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one file input; cleans to a list."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned = []
        for one in files:
            cleaned.append(super().clean(one, initial))
        return cleaned


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Your backup file, or your CSV files"),
        help_text=lazy(
            lambda: (
                _(
                    "The backup (.json) on its own, or any of the CSV files from the export "
                    "page, chosen together. Up to %(megabytes)d MB in all."
                )
                % {"megabytes": MAX_UPLOAD_BYTES // 1024 // 1024}
            ),
            str,
        )(),
        error_messages={"required": _("Choose the backup file or the CSV files to import.")},
        widget=MultipleFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )
    restore_profile = forms.BooleanField(
        label=_("Also restore my profile settings"),
        required=False,
        help_text=_(
            "From a backup only: your name, time zone, injury level, completeness, "
            "whether you are a clinician, and the safety profile (usual blood pressure, baclofen "
            "pump, emergency contact, medicines) and your reminders. Left as they are if this is "
            "not ticked."
        ),
    )

    def clean_files(self):
        try:
            self.payload = read_upload(self.cleaned_data["files"])
        except UploadRejected as rejected:
            raise forms.ValidationError(str(rejected)) from None
        return self.cleaned_data["files"]
