"""The closed past: a person's days before the month two months back, whose day series
(check-ins, spasm and pain day rows) rarely change once the month is over.

A person's `past_version` moves on with every change that may alter the day series of a day
that is not recent; the trends keep the closed part of a long range under that version
(trends.aggregates.daily), so the first view after logging something now reads only the last
months again. Both sides judge with a margin of a month, so a clock a little ahead or a zone
far from UTC never lets a change to a kept day go unseen:

- a change is recent when every day it touches is on or after the first day of the month
  before the one UTC is in (`is_recent`);
- a reader keeps only days before the first day of the month two months before the person's
  own current one (`closed_before`).
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone


def month_start(day: date, months_back: int = 0) -> date:
    """The first day of the month `months_back` months before `day`'s."""
    month = day.year * 12 + day.month - 1 - months_back
    return date(month // 12, month % 12 + 1, 1)


def recent_since(now: datetime | None = None) -> date:
    """The first day a change may touch without moving the closed past on."""
    return month_start((now or timezone.now()).astimezone(UTC).date(), 1)


def is_recent(days: Iterable[date] = (), moments: Iterable[datetime] = ()) -> bool:
    """Whether a change touching these local days and moments leaves the closed past alone.
    A moment's local day may be a day before its UTC date (a zone behind UTC)."""
    since = recent_since()
    return all(day >= since for day in days) and all(
        moment.astimezone(UTC).date() - timedelta(days=1) >= since for moment in moments
    )


def closed_before(today: date) -> date:
    """The first day after the closed past, for a person whose local date is `today`."""
    return month_start(today, 2)
