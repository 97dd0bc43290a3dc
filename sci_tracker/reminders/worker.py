"""One round of the reminder worker (manage.py send_reminders runs it every minute or so).

For each person with reminders on, each reminder whose moment has come today in their zone
(schedule.due_at) goes out once, unless that day's check-in is done, it is quiet hours, it is
stale (schedule.MAX_LATE), or there is nowhere to send it. "Once" is the database's: a
SentReminder row is inserted before anything is sent, and its UNIQUE constraint lets only one
worker have it, however many run at once. A send that then fails is not tried again: a missed
reminder is better than two.
"""

import logging
from collections import Counter
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sci_tracker.diary.models import CheckIn
from sci_tracker.reminders import channels
from sci_tracker.reminders.models import PushSubscription, ReminderSettings, SentReminder, Slot
from sci_tracker.reminders.schedule import due_at, verdict

logger = logging.getLogger(__name__)
BATCH = 500  # people whose sent reminders and check-ins are read in one query


def claim(user_id: int, slot: int, day: date, now: datetime) -> bool:
    """Take the reminder for sending: True for the one worker whose insert lands."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(user_id=user_id, slot=slot, local_date=day, claimed_at=now)
    except IntegrityError:
        return False
    return True


def message(slot: int) -> dict:
    """What the notification says, and where tapping it goes: today's check-in."""
    if slot == Slot.FIRST:
        title = _("Time for your daily check-in")
    else:
        title = _("Your daily check-in is still waiting")
    return {
        "title": title,
        "body": _("How were spasms and pain today? It takes a minute."),
        "url": reverse("diary:new", args=["checkin"]),
        "tag": "daily-check-in",  # a second reminder replaces the first on the screen
    }


def due_now(now: datetime) -> tuple[list, Counter]:
    """(reminder settings, slot, local day) of every reminder to send now, and the counts of
    those left for later or for good."""
    counts = Counter()
    due = []
    people = (
        ReminderSettings.objects.filter(first_at__isnull=False, user__is_active=True)
        .filter(Q(by_push=True) | Q(by_email=True))
        .select_related("user")
        .order_by("pk")
    )
    for row in people.iterator(chunk_size=BATCH):
        zone = row.user.zone
        local_now = now.astimezone(zone)
        today = local_now.date()
        for slot, at in row.times.items():
            state = verdict(due_at(today, at, zone), now)
            if state != "due":
                counts[state] += 1
            elif row.quiet_at(local_now.time()):
                counts["quiet"] += 1  # waits for the quiet hours' end, while still useful
            else:
                due.append((row, slot, today))
    return due, counts


def not_needed(due: list) -> tuple[set, set]:
    """Of the due reminders, the (user, slot, day) already claimed and the (user, day) with a
    check-in, a query each per BATCH people."""
    claimed, checked_in = set(), set()
    for start in range(0, len(due), BATCH):
        part = due[start : start + BATCH]
        users = {row.user_id for row, _slot, _day in part}
        days = {day for _row, _slot, day in part}
        claimed |= set(
            SentReminder.objects.filter(user_id__in=users, local_date__in=days).values_list(
                "user_id", "slot", "local_date"
            )
        )
        checked_in |= set(
            CheckIn.objects.active()
            .filter(owner_id__in=users, date__in=days)
            .values_list("owner_id", "date")
        )
    return claimed, checked_in


def send_round(now: datetime | None = None) -> Counter:
    """Send every reminder that is due now; returns how many were sent and why others were not."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        due, counts = due_now(now)
        claimed, checked_in = not_needed(due)
        for row, slot, day in due:
            if (row.user_id, slot, day) in claimed:
                counts["already sent"] += 1
            elif (row.user_id, day) in checked_in:
                counts["checked in"] += 1
            else:
                counts[deliver(row, slot, day, now)] += 1
    return counts


def deliver(row: ReminderSettings, slot: int, day: date, now: datetime) -> str:
    user = row.user
    devices = list(PushSubscription.objects.filter(user=user)) if row.by_push else []
    by_email = row.by_email and user.email_confirmed
    if not devices and not by_email:
        return "nowhere to send"
    # Asked again at the last moment: a check-in saved since the round began.
    if CheckIn.objects.active().filter(owner=user, date=day).exists():
        return "checked in"
    if not claim(user.pk, slot, day, now):
        return "already sent"
    text = message(slot)
    channels_used = []
    if sum(channels.send_push(device, text) for device in devices):
        channels_used.append("push")
    if by_email:
        body = f"{text['body']}\n\n{channels.absolute(text['url'])}"
        if channels.send_email(user, text["title"], body):
            channels_used.append("email")
    SentReminder.objects.filter(user=user, slot=slot, local_date=day).update(
        channels=",".join(channels_used)
    )
    logger.info("Reminder %s of user %s for %s: %s", slot, user.pk, day, channels_used or "failed")
    return "sent" if channels_used else "failed"
