"""Counted limits (guesses, sign-in attempts, invitations) kept in the shared cache.

The cache is the store every app process and server shares (see CACHES in settings), so a limit
holds the same however many workers answer. A window starts at the first hit and lasts its full
length; the count clears when it ends.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    """At most `allowed` hits for one subject (an address, an account) in one window. `allowed`
    and `window` name settings, read at each use so a test or deployment can change them."""

    name: str
    allowed_setting: str
    window_setting: str

    @property
    def allowed(self) -> int:
        return getattr(settings, self.allowed_setting)

    @property
    def window(self) -> timedelta:
        return getattr(settings, self.window_setting)

    def key(self, subject: str) -> str:
        # Hashed, so an address or e-mail never sits in the cache as it was typed.
        digest = hashlib.sha256(str(subject).encode()).hexdigest()[:32]
        return f"limit:{self.name}:{digest}"

    def hits(self, subject: str) -> int:
        return cache.get(self.key(subject), 0)

    def reached(self, subject: str) -> bool:
        return self.hits(subject) >= self.allowed

    def hit(self, subject: str) -> int:
        """Count one hit and return the count so far in this window."""
        key = self.key(subject)
        seconds = self.window.total_seconds()
        # add() starts the window and incr() keeps its expiry, so the count clears one window
        # after the first hit, whatever comes later.
        cache.add(key, 0, seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # the window closed between the two calls
            cache.add(key, 1, seconds)
            return 1
        if count == 1:
            # Redis makes a missing key, without expiry, if it expires just before INCR: give
            # every new count its window, so none can outlive it.
            cache.touch(key, seconds)
        return count

    def reset(self, subject: str) -> None:
        cache.delete(self.key(subject))
