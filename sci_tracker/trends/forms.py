"""Which days the trends pages show, read from the URL so a view can be bookmarked or shared."""

from datetime import timedelta

from django import forms
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sci_tracker.diary import closed_past
from sci_tracker.diary.forms import DAY_OUT_OF_RANGE
from sci_tracker.diary.rules import on_calendar
from sci_tracker.trends.aggregates import Period, first_recorded_day

RANGES = [
    ("14d", gettext_lazy("2 weeks"), 14),
    ("30d", gettext_lazy("30 days"), 30),
    ("90d", gettext_lazy("90 days"), 90),
    ("1y", gettext_lazy("1 year"), 365),
    ("all", pgettext_lazy("the whole diary, as a range of dates", "All"), None),
    ("custom", gettext_lazy("Custom dates"), None),
]
RANGE_DAYS = {key: days for key, _label, days in RANGES}
DEFAULT_RANGE = "30d"
MAX_DAYS = 20 * 366  # twenty years: far more than anyone has logged, small enough to draw
FIRST_DAY_SECONDS = 6 * 60 * 60


def first_day(owner):
    """first_recorded_day, kept: the "All" range asks on every view, and the answer reads the
    earliest of every kind of entry. A first day before the recent days (those a change may
    touch without moving the past version on: diary.closed_past) is kept under the past and
    the records versions, which every change that could move it moves on (to a day series'
    day not recent, or to any other record); so logging a spasm, leg pain or a check-in now
    leaves it. A later first day is kept for this version of the diary (any change moves it)."""
    settled = f"first-day:{owner.pk}:{owner.past_version}:{owner.records_version}:{owner.time_zone}"
    current = f"first-day:{owner.pk}:{owner.diary_version}:{owner.time_zone}"
    kept = cache.get_many([settled, current])
    found = kept.get(settled, kept.get(current))
    if found is None:
        found = first_recorded_day(owner) or ""  # "": none recorded, and that is kept too
        is_settled = found and found < closed_past.recent_since()
        cache.set(settled if is_settled else current, found, FIRST_DAY_SECONDS)
    return found or None


class RangeForm(forms.Form):
    """`?range=90d`, or `?range=custom&from=YYYY-MM-DD&to=YYYY-MM-DD` (or just from and to)."""

    range = forms.ChoiceField(choices=[(key, label) for key, label, _ in RANGES], required=False)

    def __init__(self, data, *, owner):
        super().__init__(data)
        # "from" is a Python keyword, so these two fields are added by name.
        self.fields["from"] = forms.DateField(label="From", required=False)
        self.fields["to"] = forms.DateField(label="To", required=False)
        self.owner = owner

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        key = cleaned.get("range") or ("custom" if start or end else DEFAULT_RANGE)
        cleaned["range"] = key
        if key != "custom" or self.errors:
            return cleaned
        if not start:
            self.add_error("from", _("Enter the first day to show."))
        if not end:
            self.add_error("to", _("Enter the last day to show."))
        for name, day in (("from", start), ("to", end)):
            if day and not on_calendar(day):
                self.add_error(name, DAY_OUT_OF_RANGE)
        if start and end and not self.errors:
            if start > end:
                self.add_error("to", _("The last day must be on or after the first day."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("from", _("Choose a range of 20 years or less."))
        return cleaned

    def period(self):
        """The chosen days; the last 30 days when what was asked for is not valid."""
        today = self.owner.local_today()
        key = self.cleaned_data["range"] if self.is_valid() else DEFAULT_RANGE
        if key == "custom":
            return Period(self.cleaned_data["from"], self.cleaned_data["to"])
        if key == "all":
            first = first_day(self.owner) or today
            return Period(max(min(first, today), today - timedelta(days=MAX_DAYS - 1)), today)
        return Period(today - timedelta(days=RANGE_DAYS[key] - 1), today)

    @property
    def chosen(self):
        return self.cleaned_data["range"] if self.is_valid() else DEFAULT_RANGE
