"""When a reminder falls due: wall-clock times in a person's zone, right across clock changes.

Pure functions of dates, times and zones (zoneinfo), so the rules are tested on their own:

- A time the clocks skip or go through twice falls due as core.wall_clock.moment_of says (the
  first minute after a gap; the first of the two), and the person's day has one reminder of
  each kind (SentReminder), so it is sent once.
- A reminder is for the person's own day. One that is more than MAX_LATE late (the worker was
  stopped), or whose day has ended, is stale and skipped: a check-in reminder after dinner is
  useful at 21:40, not at 03:00, and tomorrow has its own.
"""

from datetime import date, datetime, time, timedelta, tzinfo

from sci_tracker.core.wall_clock import moment_of

# How late a reminder may still go out, after the worker was down or quiet hours held it.
MAX_LATE = timedelta(hours=3)


def due_at(day: date, at: time, zone: tzinfo) -> datetime:
    """The moment (in UTC) the reminder at local time `at` on the person's `day` falls due."""
    return moment_of(day, at, zone)


def in_quiet_hours(local: time, start: time | None, end: time | None) -> bool:
    """Whether a local time lies in the quiet hours [start, end); they may run past midnight
    (22:00 to 07:00)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def verdict(due: datetime, now: datetime) -> str:
    """ "early" (not yet), "due" (send it now), or "stale" (too late: skip it)."""
    if now < due:
        return "early"
    if now - due > MAX_LATE:
        return "stale"
    return "due"
