"""When a diary entry can be: the one home of each rule about its time and day.

The forms (diary, visits, trends, share links) and the importer all call these, so a rule is
written once and judged the same way wherever an entry comes from. Each takes the moment or the
day and "now" or "today" as arguments: "today" is a day in the diary owner's own zone, and the
caller says which zone that is (the importer uses the zone the diary will have once the import
has restored the profile, not the one the account has before it).
"""

import zoneinfo
from datetime import date, datetime, timedelta, tzinfo

from django.utils import timezone

# The days a diary, a share link or a range of trends can name: far enough back for any life,
# and far enough from the ends of Python's calendar (years 1 and 9999) that no day, moved into
# any time zone or a few weeks on, falls off it.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)

# A time a few minutes ahead is a clock that runs fast; more than that is a typo.
FUTURE_GRACE = timedelta(minutes=5)
# A tap queued on a device while offline is saved with the moment it was tapped, if that moment
# is at most this old when it reaches the server: a week covers a weekend away from signal, and
# a phone whose clock or queue is far off is refused rather than written into the wrong week.
QUEUED_TAP_MAX_AGE = timedelta(days=7)
# A planned injection or refill can be entered ahead, but not years ahead by a slip.
EVENTS_AHEAD = timedelta(days=366)


def today_in(zone: str | tzinfo, now: datetime | None = None) -> date:
    """The day it is in a zone (a name such as "Pacific/Auckland", or a tzinfo)."""
    if isinstance(zone, str):
        zone = zoneinfo.ZoneInfo(zone)
    return timezone.localdate(now or timezone.now(), timezone=zone)


def on_calendar(day: date) -> bool:
    """Whether a day lies in the range every page can show (EARLIEST_DAY to LATEST_DAY)."""
    return EARLIEST_DAY <= day <= LATEST_DAY


def moment_has_come(moment: datetime, now: datetime | None = None) -> bool:
    """A spasm or bout of pain happened at `moment`: not in the future, give or take the
    grace."""
    return moment <= (now or timezone.now()) + FUTURE_GRACE


def queued_tap_in_time(tapped: datetime, now: datetime | None = None) -> bool:
    """A tap queued offline: not in the future (FUTURE_GRACE covers a device clock a little
    fast), and not older than QUEUED_TAP_MAX_AGE."""
    now = now or timezone.now()
    return now - QUEUED_TAP_MAX_AGE <= tapped <= now + FUTURE_GRACE


def check_in_day_has_come(day: date, today: date) -> bool:
    """A check-in looks back on a day: it cannot be for a day that has not come yet."""
    return day <= today


def week_day_has_come(day: date, today: date) -> bool:
    """A week's SCI-SET answers look back on the 7 days to `day`: that day must have come."""
    return day <= today


def visit_day_has_come(day: date, today: date) -> bool:
    """A clinic visit's ratings are recorded on or after the visit, never before it."""
    return day <= today


def event_day_near_enough(day: date, today: date) -> bool:
    """A treatment event may be planned ahead, up to EVENTS_AHEAD from today."""
    return day <= today + EVENTS_AHEAD
