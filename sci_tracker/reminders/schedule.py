"""When a reminder falls due: wall-clock times in a person's zone, right across clock changes.

Pure functions of dates, times and zones (zoneinfo), so the rules are tested on their own:

- A time the clocks skip (01:30 in London on the last Sunday of March) is sent at the first
  minute that exists after it (02:00 summer time), not an hour late or early.
- A time the clocks go through twice (01:30 on the last Sunday of October) falls due the first
  time; the person's day has one reminder of each kind (SentReminder), so it is sent once.
- A reminder is for the person's own day. One that is more than MAX_LATE late (the worker was
  stopped), or whose day has ended, is stale and skipped: a check-in reminder after dinner is
  useful at 21:40, not at 03:00, and tomorrow has its own.
"""

from datetime import UTC, date, datetime, time, timedelta, tzinfo

# How late a reminder may still go out, after the worker was down or quiet hours held it.
MAX_LATE = timedelta(hours=3)
# The longest a zone's clocks have ever jumped forward at once is a day (Samoa, 2011).
LONGEST_GAP_MINUTES = 24 * 60 + 1


def exists(local: datetime, zone: tzinfo) -> bool:
    """Whether this wall-clock time happens in the zone (not skipped by a clock change)."""
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def due_at(day: date, at: time, zone: tzinfo) -> datetime:
    """The moment (in UTC) the reminder at local time `at` on the person's `day` falls due."""
    local = datetime.combine(day, at.replace(second=0, microsecond=0))
    for _ in range(LONGEST_GAP_MINUTES):
        if exists(local, zone):
            # fold=0: of a time that happens twice, the first.
            return local.replace(tzinfo=zone, fold=0).astimezone(UTC)
        local += timedelta(minutes=1)  # skipped by the clocks: the next minute that is not
    raise ValueError(f"{day} {at} never comes in {zone}")


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
