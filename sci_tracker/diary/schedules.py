"""A medicine's schedule: times of day, each "HH:MM" in the person's zone (none: as needed).

The one home of what a schedule may hold and of when its doses fall due, for the models, the
forms, the importer and the one-tap doses alike.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from sci_tracker.core.wall_clock import moment_of

# A taken dose more than this after its scheduled time was taken late.
LATE_AFTER = timedelta(hours=1)
# More scheduled times than this in a day is a typo.
MOST_TIMES_A_DAY = 12
HOUR_MINUTE = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


@deconstructible
class DoseTimes:
    """Validates a schedule: a sorted list of distinct "HH:MM" times of day (empty: as needed)."""

    def __call__(self, times):
        if not isinstance(times, list) or not all(
            isinstance(moment, str) and HOUR_MINUTE.fullmatch(moment) for moment in times
        ):
            raise ValidationError(_("Give each time as hours and minutes, such as 08:00."))
        if len(set(times)) != len(times):
            raise ValidationError(_("Each time can be given once."))
        if len(times) > MOST_TIMES_A_DAY:
            raise ValidationError(_("At most %(most)d times a day.") % {"most": MOST_TIMES_A_DAY})
        if times != sorted(times):
            raise ValidationError(_("Give the times in order through the day."))

    def __eq__(self, other):
        return isinstance(other, DoseTimes)


def due_at(day: date, moment: str, zone: ZoneInfo) -> datetime:
    """The instant a dose scheduled at `moment` ("HH:MM") on `day` falls due in `zone`, as every
    time of day the app keeps (core.wall_clock: a time the clocks skip is the first minute
    after the gap)."""
    hours, minutes = (int(part) for part in moment.split(":"))
    return moment_of(day, time(hours, minutes), zone)
