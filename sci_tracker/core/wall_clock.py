"""Wall-clock times in a person's zone as moments, right across clock changes: the one rule
for every time of day the app keeps (reminders, a medicine's scheduled times).

- A time the clocks skip (01:30 in London on the last Sunday of March) is the first minute that
  exists after it (02:00 summer time), not an hour late or early.
- A time the clocks go through twice (01:30 on the last Sunday of October) is the first time.
"""

from datetime import UTC, date, datetime, time, timedelta, tzinfo

# The longest a zone's clocks have ever jumped forward at once is a day (Samoa, 2011).
LONGEST_GAP_MINUTES = 24 * 60 + 1


def exists(local: datetime, zone: tzinfo) -> bool:
    """Whether this wall-clock time happens in the zone (not skipped by a clock change)."""
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def moment_of(day: date, at: time, zone: tzinfo) -> datetime:
    """The moment (in UTC) the local time `at` on `day` comes in `zone`."""
    local = datetime.combine(day, at.replace(second=0, microsecond=0))
    for _ in range(LONGEST_GAP_MINUTES):
        if exists(local, zone):
            # fold=0: of a time that happens twice, the first.
            return local.replace(tzinfo=zone, fold=0).astimezone(UTC)
        local += timedelta(minutes=1)  # skipped by the clocks: the next minute that is not
    raise ValueError(f"{day} {at} never comes in {zone}")
