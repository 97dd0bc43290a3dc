"""One change to a diary made of several rows (an entry, its triggers, the things tried): the
diary's version moved on once and the per-day figures counted once, at the end of the change's
own transaction, instead of after every row.

Outside `one_change()` every save moves the version on and recounts its day at once, as before.
Inside, saves only note what they touched (`note_changed`, `note_days`), and the end of the
block does it all, still inside the transaction, so a reader never sees the entry without its
figures. Noting too much costs a recount, never a wrong figure: days are counted again from the
entries, so a row rolled back to a savepoint inside the block changes nothing.
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from sci_tracker.diary import closed_past


@dataclass
class Pending:
    owners: set = field(default_factory=set)
    # (owner id, counted model) -> moments whose local day needs counting again
    moments: dict = field(default_factory=lambda: defaultdict(set))
    # The (owner id, counted model) whose change did more than add (day_figures.recount)
    not_added: set = field(default_factory=set)
    # The owners whose change may alter a day series of the closed past (diary.closed_past)
    closed_past: set = field(default_factory=set)
    # The owners whose change may alter a record other than the day series (diary_changed)
    other_records: set = field(default_factory=set)


_pending: ContextVar[Pending | None] = ContextVar("diary_one_change", default=None)


@contextmanager
def one_change(*, savepoint: bool = True) -> Iterator[None]:
    """A transaction whose diary changes are settled once, at its end (see the module).

    `savepoint=False` inside another transaction: no savepoint of its own, for a caller that
    lets every error end the outer transaction (one round trip each way fewer)."""
    if _pending.get() is not None:  # already inside one: its end settles these too
        with transaction.atomic(savepoint=savepoint):
            yield
        return
    pending = Pending()
    token = _pending.set(pending)
    try:
        with transaction.atomic(savepoint=savepoint):
            yield
            _pending.set(None)  # what settling saves (none today) is settled at once
            settle(pending)
    finally:
        _pending.reset(token)


def note_changed(owner_id: int, closed_past: bool = True, other_records: bool = True) -> bool:
    """Within one_change: remember the owner's diary changed (and whether it may have changed
    the closed past or the other records), and say True (the caller then leaves the versions
    alone). Outside: False."""
    pending = _pending.get()
    if pending is None:
        return False
    pending.owners.add(owner_id)
    if closed_past:
        pending.closed_past.add(owner_id)
    if other_records:
        pending.other_records.add(owner_id)
    return True


def note_days(model, moments: dict[int, set[datetime]], added: bool = False) -> bool:
    """Within one_change: remember the days to count again, {owner id: moments}, and whether
    the change only added to them (`added`), and say True. Outside: False."""
    pending = _pending.get()
    if pending is None:
        return False
    for owner_id, found in moments.items():
        pending.owners.add(owner_id)
        pending.moments[(owner_id, model)] |= found
        if not added:
            pending.not_added.add((owner_id, model))
    return True


def settle(pending: Pending) -> None:
    from sci_tracker.diary import day_figures

    if not pending.owners:
        return
    # One statement moves the versions on, takes the owners' locks and reads their zones.
    past = pending.closed_past | {
        owner_id
        for (owner_id, _model), moments in pending.moments.items()
        if not closed_past.is_recent(moments=moments)
    }
    zones = day_figures.moved_on_and_locked(pending.owners, past, pending.other_records)
    for (owner_id, model), moments in sorted(
        pending.moments.items(), key=lambda item: (item[0][0], item[0][1].__name__)
    ):
        zone = zones[owner_id]
        days = {m.astimezone(zone).date() for m in moments}
        added = (owner_id, model) not in pending.not_added
        day_figures.recount(owner_id, zone, days, [model], added=added)
