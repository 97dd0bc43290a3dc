"""One round of the reminder worker (manage.py send_reminders runs it every minute or so): the
daily check-in reminders, then the dose reminders (below).

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

from sci_tracker.core.languages import language_for
from sci_tracker.diary import medicines
from sci_tracker.diary.models import CheckIn, MedicineDose
from sci_tracker.reminders import channels
from sci_tracker.reminders.models import (
    PushSubscription,
    ReminderSettings,
    SentDoseReminder,
    SentReminder,
    Slot,
)
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
        for row, dose in doses_due_now(now, counts):
            counts[deliver_dose(row, dose, now)] += 1
    return counts


def reachable(row: ReminderSettings) -> tuple[list, bool]:
    """The person's devices (if they chose notifications) and whether e-mail may go."""
    devices = list(PushSubscription.objects.filter(user=row.user)) if row.by_push else []
    return devices, row.by_email and row.user.email_confirmed


def send(row: ReminderSettings, devices: list, by_email: bool, text: dict) -> list[str]:
    """Send `text` on every channel the person chose; the channels it went out on."""
    channels_used = []
    if sum(channels.send_push(device, text) for device in devices):
        channels_used.append("push")
    if by_email:
        body = f"{text['body']}\n\n{channels.absolute(text['url'])}"
        if channels.send_email(row.user, text["title"], body):
            channels_used.append("email")
    return channels_used


def deliver(row: ReminderSettings, slot: int, day: date, now: datetime) -> str:
    user = row.user
    devices, by_email = reachable(row)
    if not devices and not by_email:
        return "nowhere to send"
    # Asked again at the last moment: a check-in saved since the round began.
    if CheckIn.objects.active().filter(owner=user, date=day).exists():
        return "checked in"
    if not claim(user.pk, slot, day, now):
        return "already sent"
    # In the person's language: the profile's choice (no request here to take one from).
    with translation.override(language_for(user)):
        channels_used = send(row, devices, by_email, message(slot))
    SentReminder.objects.filter(user=user, slot=slot, local_date=day).update(
        channels=",".join(channels_used)
    )
    logger.info("Reminder %s of user %s for %s: %s", slot, user.pk, day, channels_used or "failed")
    return "sent" if channels_used else "failed"


# Doses: a reminder at each scheduled time of a medicine the person asked to be reminded of
# (Medicine.remind), with the same rules: quiet hours hold it, MAX_LATE makes it stale, and a
# database constraint (SentDoseReminder) makes it once. One answered (taken or missed) needs none.


def doses_due_now(now: datetime, counts: Counter) -> list:
    """(settings, DueDose) of every dose reminder to send now; counts those left out."""
    due = []
    people = (
        ReminderSettings.objects.filter(user__is_active=True, user__medicines__remind=True)
        .filter(Q(by_push=True) | Q(by_email=True))
        .select_related("user")
        .distinct()
        .order_by("pk")
    )
    for row in people.iterator(chunk_size=BATCH):
        local_now = now.astimezone(row.user.zone)
        for dose in medicines.due_on(row.user, local_now.date()):
            if not dose.medicine.remind:
                continue
            state = verdict(dose.due, now)
            if dose.answer is not None:
                counts["dose answered"] += 1
            elif state != "due":
                counts[f"dose {state}"] += 1
            elif row.quiet_at(local_now.time()):
                counts["quiet"] += 1
            else:
                due.append((row, dose))
    return due


def claim_dose(user_id: int, medicine_id: int, due: datetime, now: datetime) -> bool:
    """Take the dose reminder for sending: True for the one worker whose insert lands."""
    try:
        with transaction.atomic():
            SentDoseReminder.objects.create(
                user_id=user_id, medicine_id=medicine_id, due_at=due, claimed_at=now
            )
    except IntegrityError:
        return False
    return True


def dose_message(dose) -> dict:
    """What a dose reminder says; a tap opens the Log page, where Taken and Missed are."""
    return {
        "title": _("Time for %(medicine)s (%(time)s)")
        % {"medicine": dose.medicine.name, "time": dose.time},
        "body": _("%(dose)s. Tap Taken or Missed on the Log page.")
        % {"dose": medicines.dose_words(dose.medicine, dose.regimen.dose)},
        "url": reverse("diary:quick_log"),
        "tag": f"dose-{dose.medicine.pk}",  # a later dose of it replaces this one on the screen
    }


def deliver_dose(row: ReminderSettings, dose, now: datetime) -> str:
    devices, by_email = reachable(row)
    if not devices and not by_email:
        return "nowhere to send"
    # Asked again at the last moment: a tap saved since the round began.
    answered = MedicineDose.objects.active().filter(medicine=dose.medicine, scheduled_for=dose.due)
    if answered.exists():
        return "dose answered"
    if not claim_dose(row.user_id, dose.medicine.pk, dose.due, now):
        return "already sent"
    with translation.override(language_for(row.user)):
        channels_used = send(row, devices, by_email, dose_message(dose))
    SentDoseReminder.objects.filter(medicine=dose.medicine, due_at=dose.due).update(
        channels=",".join(channels_used)
    )
    logger.info(
        "Dose reminder of medicine %s due %s: %s", dose.medicine.pk, dose.due, channels_used
    )
    return "dose sent" if channels_used else "failed"
