"""What the database holds to for medicines, doses and the bladder, bowel and skin programme,
whatever writes to it (forms, importer, bulk_create): the rules live in constraints, and what
on time, late and missed mean is worked out in one query."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sci_tracker.diary.models import CareEvent, MedicineDose, TreatmentEvent
from sci_tracker.diary.schedules import DoseTimes, due_at
from tests.entries import NOW, care, dose, medicine

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_it_names_each_dose_on_time_late_missed_or_as_needed_in_one_query(
    alice, django_assert_num_queries
):
    baclofen = medicine(alice)
    due = NOW
    dose(alice, baclofen, scheduled_for=due, occurred_at=due + timedelta(minutes=60))
    dose(
        alice,
        baclofen,
        scheduled_for=due + timedelta(hours=8),
        occurred_at=due + timedelta(hours=9, seconds=1),
    )
    dose(
        alice,
        baclofen,
        scheduled_for=due + timedelta(hours=16),
        occurred_at=due + timedelta(hours=16),
        status="missed",
    )
    dose(alice, baclofen, occurred_at=due + timedelta(hours=20), amount=Decimal("5"))
    with django_assert_num_queries(1):
        timings = list(
            MedicineDose.objects.for_user(alice)
            .with_timing()
            .order_by("occurred_at")
            .values_list("timing", flat=True)
        )
    assert timings == ["on-time", "late", "missed", "as-needed"]


def test_it_answers_each_scheduled_time_once_but_again_after_the_first_went_to_the_bin(alice):
    baclofen = medicine(alice)
    first = dose(alice, baclofen, scheduled_for=NOW)
    refused(lambda: dose(alice, baclofen, scheduled_for=NOW, status="missed"))
    first.move_to_bin()
    dose(alice, baclofen, scheduled_for=NOW, status="missed")
    assert MedicineDose.objects.active().get().status == "missed"


def test_it_refuses_a_missed_dose_with_no_scheduled_time_and_a_dose_of_nothing(alice):
    baclofen = medicine(alice)
    refused(lambda: dose(alice, baclofen, status="missed"))
    refused(lambda: dose(alice, baclofen, amount=Decimal(0)))
    refused(lambda: dose(alice, baclofen, status="skipped", scheduled_for=NOW))
    assert not MedicineDose.objects.exists()


def test_it_keeps_one_medicine_of_a_name_per_person_whatever_the_case(alice, bob):
    medicine(alice, "Baclofen")
    refused(lambda: medicine(alice, "BACLOFEN"))
    medicine(bob, "baclofen")
    refused(lambda: medicine(alice, "Tizanidine", unit="bucket"))


def test_it_lets_only_a_medicines_start_or_change_give_a_dose(alice):
    baclofen = medicine(alice)
    day = date(2026, 3, 1)

    def event(kind, **fields):
        return TreatmentEvent.objects.create(owner=alice, date=day, event_kind=kind, **fields)

    event("medicine-start", medicine=baclofen, dose=Decimal("10"), times=["08:00", "20:00"])
    event("medicine-stop", medicine=baclofen)
    refused(lambda: event("botox", medicine=baclofen))
    refused(lambda: event("medicine-stop", medicine=baclofen, dose=Decimal("10")))
    refused(lambda: event("medicine-change", dose=Decimal("10")))
    assert list(baclofen.events.values_list("event_kind", flat=True).order_by("pk")) == [
        "medicine-start",
        "medicine-stop",
    ]


@pytest.mark.parametrize(
    "times",
    [
        ["8:00"],
        ["08:00", "08:00"],
        ["20:00", "08:00"],
        ["24:00"],
        "08:00",
        [f"{h:02}:00" for h in range(13)],
    ],
)
def test_it_refuses_a_schedule_that_is_not_distinct_times_in_order(times):
    with pytest.raises(ValidationError):
        DoseTimes()(times)


def test_it_puts_a_dose_due_in_the_hour_the_clocks_skip_at_the_first_minute_after_it():
    london = ZoneInfo("Europe/London")
    # 29 March 2026: 01:00 becomes 02:00 in London; 01:30 does not exist that day. As for the
    # reminders (core.wall_clock): the first minute that exists after it.
    assert due_at(date(2026, 3, 29), "01:30", london) == datetime(2026, 3, 29, 2, 0, tzinfo=london)
    assert due_at(date(2026, 3, 28), "01:30", london) == datetime(2026, 3, 28, 1, 30, tzinfo=UTC)
    # Summer time from then on: 08:00 is 07:00 UTC.
    assert due_at(date(2026, 3, 30), "08:00", london) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_it_keeps_each_care_detail_to_the_kinds_it_describes(alice):
    care(alice, "catheter", volume_ml=400)
    care(alice, "bowel-routine", bowel_result="good")
    care(alice, "skin-check", checked_by="carer")
    care(alice, "skin-problem", site="heel", stage="2")
    care(alice, "skin-healed", site="heel")
    refused(lambda: care(alice, "bowel-routine", volume_ml=400))
    refused(lambda: care(alice, "catheter", volume_ml=3001))
    refused(lambda: care(alice, "catheter", bowel_result="good"))
    refused(lambda: care(alice, "leak", checked_by="self"))
    refused(lambda: care(alice, "skin-check", site="heel"))
    refused(lambda: care(alice, "skin-healed", site="heel", stage="2"))
    refused(lambda: care(alice, "skin-problem", stage="5"))
    refused(lambda: care(alice, "sneeze"))
    assert CareEvent.objects.count() == 5
    assert [event.area for event in CareEvent.objects.order_by("pk")] == [
        "bladder",
        "bowel",
        "skin",
        "skin",
        "skin",
    ]
