"""Reminders of a medicine's doses: chosen per medicine on the Reminders page, sent by the same
worker with the same rules as the check-in's (once, quiet hours, stale after MAX_LATE), and not
at all once the dose was tapped Taken or Missed."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from sci_tracker.diary import medicines
from sci_tracker.diary.models import Medicine
from sci_tracker.reminders import worker
from sci_tracker.reminders.models import SentDoseReminder
from tests.conftest import make_user, text_of
from tests.test_reminders import remind, subscribe

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 1)  # summer time in London: 08:00 there is 07:00 UTC


def utc(hour, minute=0, day=DAY):
    return datetime.combine(day, time(hour, minute), UTC)


@pytest.fixture
def lena():
    return make_user("lena", time_zone="Europe/London")


def baclofen(person, times=("08:00", "20:00"), *, reminded=True, name="Baclofen"):
    medicine = medicines.start_medicine(
        person,
        person,
        name=name,
        unit="mg",
        route="mouth",
        reason="spasms",
        dose=Decimal("10"),
        times=list(times),
        day=DAY - timedelta(days=7),
    )
    Medicine.objects.filter(pk=medicine.pk).update(remind=reminded)
    medicine.refresh_from_db()
    return medicine


def round_at(moment):
    with time_machine.travel(moment, tick=False):
        return worker.send_round()


def test_it_reminds_at_each_scheduled_time_once(lena, push_service):
    remind(lena, first=None)  # no check-in reminders: dose reminders need only the channels
    device = push_service.device()
    subscribe(lena, device)
    medicine = baclofen(lena)

    assert round_at(utc(6, 59))["dose sent"] == 0  # 07:59 in London
    assert round_at(utc(7, 1))["dose sent"] == 1
    assert round_at(utc(7, 2))["dose sent"] == 0  # once
    [message] = push_service.received
    assert device.decrypt(message.body) == {
        "title": "Time for Baclofen (08:00)",
        "body": "10 mg. Tap Taken or Missed on the Log page.",
        "url": "/log/",
        "tag": f"dose-{medicine.pk}",
    }
    sent = SentDoseReminder.objects.get()
    assert (sent.medicine, sent.due_at, sent.channels) == (medicine, utc(7), "push")
    assert round_at(utc(19, 5))["dose sent"] == 1  # 20:05: the evening dose
    assert SentDoseReminder.objects.count() == 2


def test_it_sends_none_for_a_dose_already_answered_or_a_medicine_not_chosen(lena, push_service):
    remind(lena, first=None)
    subscribe(lena, push_service.device())
    medicine = baclofen(lena)
    baclofen(lena, name="Tizanidine", reminded=False)
    with time_machine.travel(utc(6, 50), tick=False):
        medicines.answer_due_dose(lena, lena, medicine, utc(7), "taken")

    counts = round_at(utc(7, 1))

    assert counts["dose answered"] == 1
    assert counts["dose sent"] == 0
    assert push_service.received == []
    assert not SentDoseReminder.objects.exists()


def test_it_holds_a_dose_reminder_through_quiet_hours_and_drops_a_stale_one(lena, push_service):
    remind(lena, first=None, quiet=(time(7, 0), time(9, 0)))
    subscribe(lena, push_service.device())
    baclofen(lena, times=("08:00", "12:00"))

    assert round_at(utc(7, 1))["quiet"] == 1  # 08:01, inside the quiet hours
    assert round_at(utc(8, 0))["dose sent"] == 1  # 09:00: they ended, still useful
    # 12:00's dose, with the worker down until 15:30: more than three hours late, skipped (as
    # is 08:00's, reminded of already and never tapped).
    assert round_at(utc(14, 30))["dose stale"] == 2
    assert list(SentDoseReminder.objects.values_list("due_at", flat=True)) == [utc(7)]


def test_it_lets_only_the_first_claim_of_a_dose_reminder_through(lena):
    medicine = baclofen(lena)
    assert worker.claim_dose(lena.pk, medicine.pk, utc(7), utc(7, 1))
    assert not worker.claim_dose(lena.pk, medicine.pk, utc(7), utc(7, 1))
    assert SentDoseReminder.objects.count() == 1


def test_it_chooses_the_medicines_to_be_reminded_of_on_the_reminders_page(client, lena):
    morning = baclofen(lena, reminded=False)
    evening = baclofen(lena, times=("21:00",), reminded=False, name="Tizanidine")
    baclofen(lena, times=(), reminded=False, name="Paracetamol")  # as needed: no times to remind
    client.force_login(lena)

    with time_machine.travel(utc(12), tick=False):
        page = client.get(reverse("reminders:settings"))
        text = text_of(page.content.decode())
        assert "Remind me of each dose of" in text
        assert "Baclofen, at 08:00, 20:00" in text
        assert "Tizanidine, at 21:00" in text
        assert "Paracetamol" not in text
        response = client.post(
            reverse("reminders:settings"),
            {"by_push": "on", "doses": [str(evening.pk)]},
        )
    assert response.status_code == 302
    morning.refresh_from_db()
    evening.refresh_from_db()
    assert (morning.remind, evening.remind) == (False, True)
