"""The Log page's one-tap entries (a spasm, leg pain, the check-in's first question), sent now or
from the device's offline queue (static/js/queue.js).

A queued tap carries three things a tap sent at once does not (diary.forms.TapForm): the id the
device gave it, the moment it was tapped and the account it was made under. The id makes sending
idempotent: the queue sends again whatever it heard no answer to, so a tap that reaches the
server twice is saved once, and the second send answers with the entry saved the first time. The
moment is the time saved (rules.queued_tap_in_time says how old it may be). The account is
checked against the one signed in: a queue left on a shared device by someone else is never
saved into the diary of whoever signs in next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from sci_tracker.accounts.resume import account_tag
from sci_tracker.core import plain_sql
from sci_tracker.core.dates import long_day
from sci_tracker.core.locks import lock_person
from sci_tracker.diary.models import CareEvent, CheckIn, Entry, LegPainEntry, SpasmEpisode
from sci_tracker.diary.one_change import one_change


@dataclass(frozen=True)
class Tap:
    """A tap's bookkeeping, as TapForm cleaned it."""

    client_id: UUID | None
    tapped_at: datetime
    account: str

    @classmethod
    def from_form(cls, cleaned: dict[str, Any], sent_at: datetime) -> Tap:
        """`sent_at`: when the form was sent (accounts.resume.sent_at), the moment of a tap
        that was not queued."""
        return cls(
            cleaned.get("client_id"),
            cleaned.get("tapped_at") or sent_at,
            cleaned.get("account", ""),
        )


class TapRefused(Exception):
    """Not saved, with the reason the page shows."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def check_account(account: str, user: Any) -> None:
    """A tap made under another account (`account`, its tag: blank for a page without
    JavaScript) is refused, whatever it says and whoever's diary it names."""
    if account and not constant_time_compare(account, account_tag(user)):
        raise TapRefused(
            _(
                "Not saved: this was logged on this device under another account. Sign in "
                "with that account to send it."
            ),
            status=403,
        )


def save_once(
    model: type[Entry],
    owner: Any,
    tap: Tap,
    make: Callable[[], Entry],
    *,
    savepoint: bool = True,
):
    """(entry, made): the entry the tap's id already saved, or a new one from `make`.

    The person's row is locked first (as SpasmQuerySet.log_now does), so two sends of one tap
    at once take turns and the second finds the first's entry; the unique constraint on
    (owner, client_id) holds it whatever happens. One change (diary.one_change): the version
    moved on and the day counted once, at the end. `savepoint=False` when nothing `make` raises
    is caught by the caller (a refusal is, so the check-in keeps its savepoint)."""
    with one_change(savepoint=savepoint):
        lock_person(owner.pk)
        if tap.client_id is not None:
            saved = saved_by_client_id(model, owner, tap.client_id)
            if saved is not None:
                return saved, False
        return make(), True


def saved_by_client_id(model: type[Entry], owner: Any, client_id: UUID) -> Entry | None:
    """The person's entry that the device's id `client_id` saved, if any: one plain statement
    (core.plain_sql), as every queued tap asks it; the entry is read only when there is one."""
    pk, owner_column, client_column, table = plain_sql.columns(model, "pk", "owner", "client_id")
    # Names from the model's metadata, values as parameters.
    pk = plain_sql.first_pk(
        f"SELECT {pk} FROM {table} WHERE {owner_column} = %s AND {client_column} = %s "  # noqa: S608
        f"ORDER BY {pk} LIMIT 1",
        [owner.pk, plain_sql.db_value(model, "client_id", client_id)],
    )
    return None if pk is None else model.objects.get(pk=pk)


def save_spasm(owner: Any, logged_by: Any, tap: Tap, severity: int | None, minutes_ago: int):
    return save_once(
        SpasmEpisode,
        owner,
        tap,
        lambda: SpasmEpisode.objects.log_now(
            owner=owner,
            logged_by=logged_by,
            severity=severity,
            minutes_ago=minutes_ago,
            tapped_at=tap.tapped_at,
            client_id=tap.client_id,
            locked=True,
        ),
        savepoint=False,
    )


def save_pain(owner: Any, logged_by: Any, tap: Tap, intensity: int):
    return save_once(
        LegPainEntry,
        owner,
        tap,
        lambda: LegPainEntry.objects.create(
            owner=owner,
            logged_by=logged_by,
            occurred_at=tap.tapped_at,
            intensity=intensity,
            client_id=tap.client_id,
        ),
        savepoint=False,
    )


def save_care(
    owner: Any, logged_by: Any, tap: Tap, event: str, minutes_ago: int, volume_ml: int | None
):
    """A bladder, bowel or skin event from the Log page's buttons, at the tap's moment (less the
    minutes of the time chip picked)."""
    return save_once(
        CareEvent,
        owner,
        tap,
        lambda: CareEvent.objects.create(
            owner=owner,
            logged_by=logged_by,
            occurred_at=tap.tapped_at - timedelta(minutes=minutes_ago),
            event=event,
            volume_ml=volume_ml,
            client_id=tap.client_id,
        ),
        savepoint=False,
    )


def save_check_in(owner: Any, logged_by: Any, tap: Tap, frequency: int, severity: int | None):
    """The check-in of the day the tap was made on, in the person's zone. A day that has one
    already keeps it: the answer is refused, saying where to change it."""

    def make() -> CheckIn:
        day = timezone.localdate(tap.tapped_at, timezone=owner.zone)
        if CheckIn.objects.for_user(owner).active().filter(date=day).exists():
            raise TapRefused(
                _(
                    "Not saved: there is already a check-in for %(day)s. Open it from the "
                    "history to change it."
                )
                % {"day": long_day(day)},
                status=409,
            )
        return CheckIn.objects.create(
            owner=owner,
            logged_by=logged_by,
            date=day,
            psfs_frequency=frequency,
            psfs_severity=severity,
            client_id=tap.client_id,
        )

    return save_once(CheckIn, owner, tap, make)
