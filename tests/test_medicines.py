"""Medicines: starting, changing and stopping one (its treatment events), the regimen on a day,
the doses due today and their one-tap answers, as-needed doses, and the pages that do it."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
import time_machine

from sci_tracker.diary import medicines
from sci_tracker.diary.medicines import MedicineRefused
from sci_tracker.diary.models import Medicine, MedicineDose, TreatmentEvent

pytestmark = pytest.mark.django_db

# 14 March 2026 in Auckland (UTC+13): alice's day; 09:30 there.
TODAY = date(2026, 3, 14)
MORNING = datetime(2026, 3, 13, 20, 30, tzinfo=UTC)


def baclofen(owner, day=TODAY - timedelta(days=10), times=("08:00", "14:00", "20:00")):
    return medicines.start_medicine(
        owner,
        owner,
        name="Baclofen",
        unit="mg",
        route="mouth",
        reason="spasms",
        dose=Decimal("10"),
        times=list(times),
        day=day,
    )


def test_it_starts_a_medicine_with_its_start_event_holding_dose_and_times(alice):
    medicine = baclofen(alice)
    event = TreatmentEvent.objects.get(medicine=medicine)
    assert (event.event_kind, event.date, event.dose, event.times) == (
        "medicine-start",
        TODAY - timedelta(days=10),
        Decimal("10"),
        ["08:00", "14:00", "20:00"],
    )
    assert event.details == "Baclofen 10 mg, 08:00, 14:00, 20:00"
    assert event.owner == alice
    assert event.logged_by == alice


def test_it_reads_the_regimen_in_force_on_each_day_from_the_events(alice):
    medicine = baclofen(alice, day=date(2026, 3, 1))
    medicines.change_medicine(
        medicine, alice, dose=Decimal("15"), times=["08:00", "20:00"], day=date(2026, 3, 5)
    )
    medicines.stop_medicine(medicine, alice, day=date(2026, 3, 10))
    assert medicines.regimen_on(medicine, date(2026, 2, 28)) is None
    assert medicines.regimen_on(medicine, date(2026, 3, 4)).dose == Decimal("10")
    assert medicines.regimen_on(medicine, date(2026, 3, 5)).times == ("08:00", "20:00")
    assert medicines.regimen_on(medicine, date(2026, 3, 10)) is None
    # Started again: a start event, not a change.
    event = medicines.change_medicine(
        medicine, alice, dose=Decimal("5"), times=[], day=date(2026, 3, 12)
    )
    assert event.event_kind == "medicine-start"
    assert medicines.regimen_on(medicine, date(2026, 3, 12)).as_needed
    state = medicines.state_on(medicine, date(2026, 3, 11))
    assert (state.started, state.stopped, state.current) == (
        date(2026, 3, 1),
        date(2026, 3, 10),
        False,
    )


def test_it_refuses_to_stop_a_medicine_not_taken_that_day(alice):
    medicine = baclofen(alice, day=date(2026, 3, 10))
    with pytest.raises(MedicineRefused):
        medicines.stop_medicine(medicine, alice, day=date(2026, 3, 9))
    assert medicine.events.count() == 1


def test_it_ignores_a_binned_event_when_reading_the_regimen(alice):
    medicine = baclofen(alice, day=date(2026, 3, 1))
    stop = medicines.stop_medicine(medicine, alice, day=date(2026, 3, 10))
    stop.move_to_bin()
    assert medicines.regimen_on(Medicine.objects.get(), date(2026, 3, 12)).dose == Decimal("10")


@time_machine.travel(MORNING, tick=False)
def test_it_lists_todays_due_doses_with_their_answers_in_three_queries(
    alice, django_assert_num_queries
):
    medicine = baclofen(alice)
    other = medicines.start_medicine(
        alice,
        alice,
        name="Oxybutynin",
        unit="mg",
        route="mouth",
        reason="bladder",
        dose=Decimal("5"),
        times=["07:00"],
        day=TODAY,
    )
    first = medicines.due_on(alice, TODAY)[1]
    medicines.answer_due_dose(alice, alice, medicine, first.due, "taken")
    with django_assert_num_queries(3):
        due = medicines.due_on(alice, TODAY)
    assert [(d.medicine.name, d.time, d.answer and d.answer.status) for d in due] == [
        ("Oxybutynin", "07:00", None),
        ("Baclofen", "08:00", "taken"),
        ("Baclofen", "14:00", None),
        ("Baclofen", "20:00", None),
    ]
    assert due[0].medicine == other
    assert due[1].due == datetime(2026, 3, 13, 19, 0, tzinfo=UTC)


@time_machine.travel(MORNING, tick=False)
def test_it_answers_a_due_dose_once_whatever_is_tapped_again(alice):
    medicine = baclofen(alice)
    due = medicines.due_on(alice, TODAY)[0].due
    dose, made = medicines.answer_due_dose(alice, alice, medicine, due, "taken")
    again, made_again = medicines.answer_due_dose(alice, alice, medicine, due, "missed")
    assert (made, made_again, again.pk) == (True, False, dose.pk)
    assert MedicineDose.objects.get().status == "taken"
    assert MedicineDose.objects.get().occurred_at == MORNING


@time_machine.travel(MORNING, tick=False)
def test_it_keeps_a_missed_dose_at_its_due_time_and_refuses_one_not_due_or_not_scheduled(alice):
    medicine = baclofen(alice)
    due = medicines.due_on(alice, TODAY)
    dose, _made = medicines.answer_due_dose(alice, alice, medicine, due[0].due, "missed")
    assert dose.occurred_at == due[0].due
    with pytest.raises(MedicineRefused):  # 20:00, ten hours ahead
        medicines.answer_due_dose(alice, alice, medicine, due[2].due, "taken")
    with pytest.raises(MedicineRefused):  # not a scheduled time
        medicines.answer_due_dose(
            alice, alice, medicine, due[0].due + timedelta(minutes=1), "taken"
        )
    assert MedicineDose.objects.count() == 1


def test_it_saves_an_as_needed_dose_once_per_device_id(alice):
    medicine = baclofen(alice, times=())
    sent = uuid4()
    when = MORNING - timedelta(hours=1)
    first, made = medicines.as_needed_dose(alice, alice, medicine, when, client_id=sent)
    second, made_again = medicines.as_needed_dose(alice, alice, medicine, when, client_id=sent)
    assert (made, made_again, first.pk) == (True, False, second.pk)
    assert list(MedicineDose.objects.with_timing().values_list("timing", flat=True)) == [
        "as-needed"
    ]
