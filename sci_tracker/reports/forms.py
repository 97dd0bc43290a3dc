"""Which days the report covers: the trends' RangeForm, kept to what fits one visit."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sci_tracker.reports.report import MAX_DAYS
from sci_tracker.trends.forms import RANGES, RangeForm

# The trends' presets a report offers: "All" could reach back years, past MAX_DAYS.
REPORT_RANGES = [(key, label) for key, label, days in RANGES if days and days <= MAX_DAYS]


class ReportRangeForm(RangeForm):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD` (or `?range=90d`); the last 30 days without either, or
    when what was asked for is not valid."""

    def __init__(self, data, *, owner):
        super().__init__(data, owner=owner)
        self.fields["range"].choices = [*REPORT_RANGES, ("custom", gettext_lazy("Custom dates"))]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        chosen = cleaned.get("range") == "custom" and start and end and not self.errors
        if chosen and (end - start).days + 1 > MAX_DAYS:
            self.add_error(
                "from", _("Choose a range of a year or less: a report covers one visit.")
            )
        return cleaned
