"""A sudden rise in spasms: the one rule for when the home page says so.

A sudden, unexplained rise in spasms is often the first sign of a problem below the injury that
the person cannot feel (a bladder infection, constipation, a pressure sore, a broken bone). The
rule is meant to be quiet: it speaks only on enough diary, and only when the last days stand well
clear of the person's own usual. docs/using.md ("A sudden rise in spasms") gives it in plain words.

- Days are the person's local days (aggregates.daily). The recent days are the last 3: today so
  far and the 2 before. The usual is the 28 days before those.
- Only days the person kept the diary count: a day with a check-in or any spasm or leg-pain entry
  (daily() gives such a day a spasm count, 0 when no spasm was logged, and other days None).
- Spasms logged: a rise when the mean a day over the recent days kept is at least twice the usual
  mean AND at least 3 a day above it. Twice is a change a person notices whatever their usual;
  the 3 a day keeps small numbers (1 a day to 2) from counting.
- Penn spasm frequency (0-4, from the check-ins): an ordered scale, so it is compared by median,
  never by mean. A rise when the recent median is at least 2 categories above the usual median.
  One category is within ordinary day-to-day change, and no smallest meaningful change is known
  for the scale; so a usual of 3 or 4 cannot show a Penn rise (the spasm count still can).
  With an even number of answers the recent median is the lower middle one and the usual median
  the higher, so a tie never makes a rise; the recent median is then the level reached on at
  least 2 of the recent days.
- Too little data, nothing said: each measure needs at least 2 of the 3 recent days and at least
  14 of the 28 usual days (kept days for the count, check-ins for the Penn scale).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean, median_high, median_low
from typing import TYPE_CHECKING

from sci_tracker.diary.models import CheckIn
from sci_tracker.trends.aggregates import Daily, Period, daily

if TYPE_CHECKING:
    from sci_tracker.accounts.models import User

RECENT_DAYS = 3
USUAL_DAYS = 28
MIN_RECENT_DAYS = 2
MIN_USUAL_DAYS = 14
SPASM_RATIO = 2  # recent mean at least this many times the usual mean...
SPASM_MARGIN = 3  # ...and at least this many spasms a day above it
PENN_STEPS = 2  # recent median at least this many categories above the usual median


@dataclass(frozen=True)
class Measured:
    """One measure's recent figure against the usual, with the days behind each."""

    recent: float
    usual: float
    recent_days: int
    usual_days: int


@dataclass(frozen=True)
class SuddenRise:
    """What rose: the spasms logged a day (means), the Penn frequency (medians), or both."""

    recent: Period
    usual: Period
    spasms: Measured | None
    penn: Measured | None

    @property
    def penn_recent_label(self) -> str:
        return penn_label(self.penn.recent) if self.penn else ""

    @property
    def penn_usual_label(self) -> str:
        return penn_label(self.penn.usual) if self.penn else ""


def penn_label(answer: float) -> str:
    """The scale's own words for an answer, e.g. "3: Spasms more than once an hour"."""
    return str(CheckIn.Frequency(int(answer)).label)


def periods(today: date) -> tuple[Period, Period]:
    """The recent days (ending today) and the usual days just before them."""
    recent = Period(today - timedelta(days=RECENT_DAYS - 1), today)
    usual = Period(recent.start - timedelta(days=USUAL_DAYS), recent.start - timedelta(days=1))
    return recent, usual


def read_period(today: date) -> Period:
    """Every day the rule reads: the usual days and the recent ones."""
    recent, usual = periods(today)
    return Period(usual.start, recent.end)


def _enough(recent: list, usual: list) -> bool:
    return len(recent) >= MIN_RECENT_DAYS and len(usual) >= MIN_USUAL_DAYS


def spasm_count_rise(recent_counts: list, usual_counts: list) -> Measured | None:
    """The spasms-a-day rule on day counts (None for a day not kept)."""
    recent = [count for count in recent_counts if count is not None]
    usual = [count for count in usual_counts if count is not None]
    if not _enough(recent, usual):
        return None
    recent_mean, usual_mean = fmean(recent), fmean(usual)
    if recent_mean >= SPASM_RATIO * usual_mean and recent_mean - usual_mean >= SPASM_MARGIN:
        return Measured(recent_mean, usual_mean, len(recent), len(usual))
    return None


def penn_rise(recent_answers: list, usual_answers: list) -> Measured | None:
    """The Penn frequency rule on daily answers, 0-4 (None for a day without a check-in)."""
    recent = [answer for answer in recent_answers if answer is not None]
    usual = [answer for answer in usual_answers if answer is not None]
    if not _enough(recent, usual):
        return None
    recent_median, usual_median = median_low(recent), median_high(usual)
    if recent_median - usual_median >= PENN_STEPS:
        return Measured(recent_median, usual_median, len(recent), len(usual))
    return None


def sudden_rise(by_day: Daily, today: date) -> SuddenRise | None:
    """The rise in the person's spasms, or None when there is none or too little data to tell.

    `by_day` holds the person's day-by-day figures for (at least) read_period(today)."""
    recent, usual = periods(today)
    recent_days, usual_days = by_day.window(recent), by_day.window(usual)
    spasms = spasm_count_rise(recent_days.spasms, usual_days.spasms)
    penn = penn_rise(recent_days.psfs_frequency, usual_days.psfs_frequency)
    if spasms is None and penn is None:
        return None
    return SuddenRise(recent, usual, spasms, penn)


def days_read(owner: "User") -> Daily:
    """Every day the rule reads, up to the person's local today: three grouped queries. The home
    page's week-on-week cards read their fortnight from these days too."""
    return daily(owner, read_period(owner.local_today()))


def sudden_rise_for(owner: "User", by_day: Daily | None = None) -> SuddenRise | None:
    """The rule on the person's own diary, up to their local today (`by_day`: days_read)."""
    return sudden_rise(by_day or days_read(owner), owner.local_today())
