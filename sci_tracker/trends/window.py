"""The days a reader may see of a person's diary, and the days a page shows them.

A share link may be limited to dates (ShareLink.shows_from and shows_to); an account sees every
day. Every page reachable by a link (the trends pages, their JSON, the report and its PDF) asks
`Window.place` for its days and reads no day outside the window: not for a 7-day mean, a
"previous period" or the weeks before and after a treatment event either. Keeping the rule here,
once, is what keeps those pages in agreement.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sci_tracker.trends.aggregates import Period


@dataclass(frozen=True)
class Window:
    """The first and last day a reader may see; None for no limit on that side."""

    first: date | None = None
    last: date | None = None

    @classmethod
    def of(cls, access) -> "Window":
        """The window of an `Access` (sharing.access): a link's dates, or no limit."""
        first, last = access.shown_days
        return cls(first, last)

    @property
    def limited(self) -> bool:
        return self.first is not None or self.last is not None

    def clip(self, period: Period) -> Period | None:
        """The part of `period` inside the window, or None when none of it is."""
        start = max(period.start, self.first) if self.first else period.start
        end = min(period.end, self.last) if self.last else period.end
        if start > end:
            return None
        return period if (start, end) == (period.start, period.end) else Period(start, end)

    def place(self, requested: Period) -> Period:
        """The days a page shows when `requested` is asked for: the part inside the window; a
        range wholly outside it becomes as many days at the window's nearer end (at most the
        whole window)."""
        inside = self.clip(requested)
        if inside is not None:
            return inside
        span = timedelta(days=requested.length - 1)
        if self.last and requested.start > self.last:  # all after the window: end at its end
            start = self.last - span
            return Period(max(start, self.first) if self.first else start, self.last)
        end = self.first + span  # all before the window: start at its start
        return Period(self.first, min(end, self.last) if self.last else end)

    def key(self) -> str:
        """For cache keys: figures read through a window differ from unlimited ones."""
        return f"{self.first or ''}~{self.last or ''}"


EVERY_DAY = Window()
