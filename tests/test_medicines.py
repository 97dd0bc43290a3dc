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
from tests.conftest import make_user, text_of
from tests.test_roles import grant

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
    # The words the history, trends and report show come from the facts, kept once.
    assert event.details == ""
    assert event.described == "Baclofen 10 mg, 08:00, 14:00, 20:00"
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


# The pages ------------------------------------------------------------------------------------


def add(client, prefix="", **fields):
    data = {
        "name": "Baclofen",
        "dose": "10",
        "unit": "mg",
        "schedule": "3",
        "times": "",
        "route": "mouth",
        "reason": "spasms",
        "day": "2026-03-14",
        **fields,
    }
    return client.post(f"{prefix}/medicines/add/", data)


@time_machine.travel(MORNING, tick=False)
def test_it_says_what_to_do_on_an_empty_list_and_adds_a_medicine_from_it(alice_client, alice):
    page = alice_client.get("/medicines/")
    assert "No medicines on the list yet." in page.text
    assert 'list="common-medicines"' in alice_client.get("/medicines/add/").text
    response = add(alice_client)
    assert response.status_code == 302
    page = alice_client.get(response["Location"])
    assert "Baclofen is on your list." in page.text
    assert "10 mg, 3 times a day: 08:00, 14:00, 20:00" in page.text
    event = TreatmentEvent.objects.get()
    assert (event.event_kind, event.times, event.date) == (
        "medicine-start",
        ["08:00", "14:00", "20:00"],
        TODAY,
    )


@time_machine.travel(MORNING, tick=False)
def test_it_reads_other_times_typed_any_way_and_says_what_is_wrong(alice_client):
    page = add(alice_client, schedule="custom", times="7:30 22.00, 13:00")
    assert page.status_code == 302
    assert TreatmentEvent.objects.get().times == ["07:30", "13:00", "22:00"]
    again = add(alice_client, name="baclofen")
    assert "Baclofen is on your list already" in again.text
    wrong = add(alice_client, name="Tizanidine", schedule="custom", times="8 o'clock")
    assert "Give each time as hours and minutes, such as 08:00." in wrong.text
    assert Medicine.objects.count() == 1


@time_machine.travel(MORNING, tick=False)
def test_it_changes_and_stops_a_medicine_as_events_from_the_pages(alice_client, alice):
    medicine = baclofen(alice)
    change = alice_client.post(
        f"/medicines/{medicine.pk}/change/",
        {"dose": "15", "schedule": "2", "day": "2026-03-14"},
    )
    assert change.status_code == 302
    stop = alice_client.post(f"/medicines/{medicine.pk}/stop/", {"day": "2026-03-20"})
    assert stop.status_code == 302
    assert list(medicine.events.order_by("pk").values_list("event_kind", "dose", "date")) == [
        ("medicine-start", Decimal("10.000"), TODAY - timedelta(days=10)),
        ("medicine-change", Decimal("15.000"), TODAY),
        ("medicine-stop", None, date(2026, 3, 20)),
    ]
    page = alice_client.get("/medicines/")
    assert "15 mg, 2 times a day: 08:00, 20:00" in page.text
    history = alice_client.get("/entries/?kind=event").text
    assert (
        "<strong>Changed a medicine&#x27;s dose</strong>: Baclofen 15 mg, 08:00, 20:00." in history
    )


@time_machine.travel(MORNING, tick=False)
def test_it_answers_a_due_dose_from_the_log_page_once(alice_client, alice):
    medicine = baclofen(alice)
    log = alice_client.get("/log/")
    assert "Baclofen 08:00: taken" in log.text
    data = {"medicine": medicine.pk, "day": "2026-03-14", "time": "08:00", "next": "/log/"}
    first = alice_client.post("/log/dose-now/", {**data, "status": "taken"})
    second = alice_client.post("/log/dose-now/", {**data, "status": "missed"}, follow=True)
    assert first["Location"] == "/log/"
    assert "Baclofen 08:00 was already saved as taken." in second.text
    assert "Taken at 09:30" in second.text
    assert MedicineDose.objects.get().status == "taken"


@time_machine.travel(MORNING, tick=False)
def test_it_refuses_a_dose_of_someone_elses_medicine_or_a_time_not_scheduled(
    alice_client, alice, bob
):
    theirs = baclofen(bob)
    mine = baclofen(alice)
    sent = {"day": "2026-03-14", "time": "08:00", "status": "taken"}
    alice_client.post("/log/dose-now/", {**sent, "medicine": theirs.pk})
    page = alice_client.post(
        "/log/dose-now/", {**sent, "medicine": mine.pk, "time": "09:00"}, follow=True
    )
    assert "That dose is not on the schedule for that day." in page.text
    assert not MedicineDose.objects.exists()


@time_machine.travel(MORNING, tick=False)
def test_it_logs_an_as_needed_dose_with_a_time_chip(alice_client, alice):
    medicine = baclofen(alice, times=())
    page = alice_client.get("/medicines/as-needed/")
    assert "15 min ago" in page.text
    response = alice_client.post(
        "/medicines/as-needed/", {"medicine": medicine.pk, "when": "15", "amount": "5"}
    )
    assert response.status_code == 302
    dose = MedicineDose.objects.get()
    assert (dose.occurred_at, dose.scheduled_for, dose.amount) == (
        MORNING - timedelta(minutes=15),
        None,
        Decimal("5.000"),
    )


@time_machine.travel(MORNING, tick=False)
def test_a_carer_keeps_the_list_and_logs_doses_under_the_persons_address(client, alice):
    cara = make_user("cara")
    grant(alice, cara, "carer")
    client.force_login(cara)
    prefix = f"/people/{alice.pk}"
    assert "Add a medicine for Alice" in client.get(f"{prefix}/medicines/add/").text
    add(client, prefix)
    medicine = Medicine.objects.get(owner=alice)
    done = client.post(
        f"{prefix}/log/dose-now/",
        {"medicine": medicine.pk, "day": "2026-03-14", "time": "08:00", "status": "missed"},
        follow=True,
    )
    assert "Baclofen 08:00: missed. Saved for Alice." in done.text
    dose = MedicineDose.objects.get()
    assert (dose.owner, dose.logged_by) == (alice, cara)
    assert TreatmentEvent.objects.get().logged_by == cara


@time_machine.travel(MORNING, tick=False)
def test_it_lists_doses_in_the_history_with_a_filter_and_sends_them_to_the_bin_and_back(
    alice_client, alice
):
    medicine = baclofen(alice)
    due = medicines.due_on(alice, TODAY)[0].due
    dose, _made = medicines.answer_due_dose(alice, alice, medicine, due, "taken")
    page = alice_client.get("/entries/?kind=dose")
    assert "taken at 09:30 (due 08:00)" in page.text
    assert "Started a medicine" not in page.text
    alice_client.post(f"/entries/dose/{dose.pk}/delete/")
    assert MedicineDose.objects.get().deleted_at is not None
    assert "Baclofen" in alice_client.get("/entries/bin/").text
    alice_client.post(f"/entries/dose/{dose.pk}/restore/")
    assert MedicineDose.objects.get().deleted_at is None
    edit = alice_client.post(
        f"/entries/dose/{dose.pk}/",
        {"status": "taken", "occurred_local": "2026-03-14T09:00", "version": "3", "amount": ""},
    )
    assert edit.status_code == 302
    assert MedicineDose.objects.get().occurred_at == datetime(2026, 3, 13, 20, 0, tzinfo=UTC)


# Import ---------------------------------------------------------------------------------------


def backup_file(**sections):
    from sci_tracker.exports import backup  # noqa: PLC0415

    data = {
        "format": "sci-tracker-backup",
        "version": backup.VERSION,
        "exported_at": "2026-03-14T09:00:00+13:00",
        "profile": {"email": "old@example.org"},
        "reminders": None,
        **{section.key: [] for section in backup.SECTIONS},
        **sections,
    }
    return data


END = {
    "note": "",
    "note_for_clinician": False,
    "logged_by": None,
    "created_at": "2026-03-01T09:00:00+13:00",
    "updated_at": "2026-03-01T09:00:00+13:00",
    "deleted_at": None,
}
BACLOFEN = {"name": "Baclofen", "unit": "mg", "route": "mouth", "reason": "spasms"}


def dose_item(**fields):
    return {
        "medicine": "Baclofen",
        "status": "taken",
        "occurred_at": "2026-03-10T08:05:00+13:00",
        "scheduled_for": "2026-03-10T08:00:00+13:00",
        "amount": None,
        **END,
        **fields,
    }


def plan_of(owner, data):
    import json  # noqa: PLC0415

    from sci_tracker.exports import importer  # noqa: PLC0415

    payload = {"source": "backup", "names": ["b.json"], "text": json.dumps(data)}
    return importer.plan_import(owner, payload)


@time_machine.travel(MORNING, tick=False)
def test_it_reads_a_version_5_backup_as_having_no_medicines(alice):
    data = backup_file(
        treatment_events=[
            {"date": "2026-03-01", "event_kind": "medicine-start", "details": "baclofen", **END}
        ]
    )
    data["version"] = 5
    del data["medicines"], data["doses"]
    plan = plan_of(alice, data)
    assert plan.errors == []
    assert plan.adding == 1
    assert plan.new_medicines == []


@time_machine.travel(MORNING, tick=False)
def test_it_refuses_doses_and_events_that_break_the_medicine_rules_with_a_reason(alice):
    medicine = baclofen(alice)
    due = medicines.due_on(alice, TODAY - timedelta(days=4))[0]
    medicines.answer_due_dose(alice, alice, medicine, due.due, "taken")
    data = backup_file(
        medicines=[{**BACLOFEN, "unit": "tablets"}],
        treatment_events=[
            {
                "date": "2026-03-02",
                "event_kind": "botox",
                "details": "",
                "medicine": "Baclofen",
                "dose": "10",
                "times": [],
                **END,
            }
        ],
        doses=[
            dose_item(medicine="Tizanidine"),
            dose_item(occurred_at="2026-03-10T08:30:00+13:00"),  # 08:00 answered already
            dose_item(occurred_at="2026-03-11T08:00:00+13:00", amount="0", scheduled_for=None),
            dose_item(occurred_at="2026-03-12T08:00:00+13:00", status="missed", scheduled_for=None),
        ],
    )
    plan = plan_of(alice, data)
    assert plan.adding == 0
    errors = "\n".join(plan.errors)
    assert "event_kind 'botox' is not a medicine's start, change or stop" in errors
    assert "dose is given only with a medicine's start or change" in errors
    assert "medicine 'Tizanidine' is not on your list, nor in the file's medicines" in errors
    assert "is answered already (in your diary)" in errors
    assert "amount '0' is not more than 0" in errors
    assert "break the rule diary_dose_missed_was_scheduled" in errors
    assert "Baclofen is on your list already, as mg, by mouth; yours is kept." in plan.notices


@time_machine.travel(MORNING, tick=False)
def test_it_imports_a_new_medicine_with_its_doses_matched_by_name(alice):
    from sci_tracker.exports import importer  # noqa: PLC0415

    data = backup_file(
        medicines=[BACLOFEN],
        doses=[dose_item(medicine="BACLOFEN"), dose_item(medicine="baclofen", status="missed")],
    )
    plan = plan_of(alice, data)
    # The second answers the same time of the same medicine: one answer per scheduled time.
    assert plan.adding == 1
    assert "the dose of baclofen due at 2026-03-10T08:00:00+13:00 is answered already" in (
        "\n".join(plan.errors)
    )
    importer.run_import(alice, plan)
    assert MedicineDose.objects.get().medicine == Medicine.objects.get(owner=alice)


# FHIR -----------------------------------------------------------------------------------------


@time_machine.travel(MORNING, tick=False)
def test_it_exports_each_medicine_and_dose_as_valid_fhir(alice):
    from fhir.resources.R4B.bundle import Bundle  # noqa: PLC0415
    from fhir.resources.R4B.medicationadministration import (  # noqa: PLC0415
        MedicationAdministration,
    )
    from fhir.resources.R4B.medicationstatement import MedicationStatement  # noqa: PLC0415

    from sci_tracker.exports import fhir  # noqa: PLC0415

    medicine = baclofen(alice, day=date(2026, 3, 1))
    medicines.change_medicine(
        medicine, alice, dose=Decimal("12.5"), times=["08:00", "20:00"], day=date(2026, 3, 5)
    )
    stopped = medicines.start_medicine(
        alice,
        alice,
        name="Tizanidine",
        unit="tablets",
        route="mouth",
        reason="spasms",
        dose=Decimal("1"),
        times=[],
        day=date(2026, 3, 2),
    )
    medicines.stop_medicine(stopped, alice, day=date(2026, 3, 8))
    due = medicines.due_on(alice, TODAY)
    medicines.answer_due_dose(
        alice, alice, medicine, due[0].due, "taken", at=due[0].due + timedelta(minutes=30)
    )
    late = medicines.due_on(alice, TODAY - timedelta(days=1))
    medicines.answer_due_dose(
        alice, alice, medicine, late[0].due, "taken", at=late[0].due + timedelta(hours=2)
    )
    medicines.answer_due_dose(alice, alice, medicine, late[1].due, "missed")
    medicines.as_needed_dose(
        alice, alice, stopped, MORNING - timedelta(days=7), amount=Decimal("0.5")
    )
    data = fhir.bundle(alice)
    Bundle.model_validate(data)
    found = [entry["resource"] for entry in data["entry"]]
    statements = [r for r in found if r["resourceType"] == "MedicationStatement"]
    given = [r for r in found if r["resourceType"] == "MedicationAdministration"]
    for resource in statements:
        MedicationStatement.model_validate(resource)
    for resource in given:
        MedicationAdministration.model_validate(resource)
    bac, tiz = statements
    assert (bac["status"], bac["effectivePeriod"]) == ("active", {"start": "2026-03-01"})
    assert bac["medicationCodeableConcept"] == {"text": "Baclofen"}
    assert [d["text"] for d in bac["dosage"]] == [
        "10 mg at 08:00, 14:00, 20:00",
        "12.5 mg at 08:00, 20:00",
    ]
    assert bac["dosage"][0]["timing"]["repeat"]["boundsPeriod"] == {
        "start": "2026-03-01",
        "end": "2026-03-04",
    }
    assert bac["dosage"][1]["doseAndRate"][0]["doseQuantity"]["value"] == 12.5
    assert (tiz["status"], tiz["effectivePeriod"]) == (
        "stopped",
        {"start": "2026-03-02", "end": "2026-03-08"},
    )
    assert tiz["dosage"][0]["asNeededBoolean"] is True
    assert tiz["dosage"][0]["doseAndRate"][0]["doseQuantity"]["code"] == "{tablet}"
    assert [(r["status"], r.get("category", {}).get("text")) for r in given] == [
        ("completed", "As needed"),
        ("completed", "Late"),
        ("not-done", None),
        ("completed", "On time"),
    ]
    assert given[2]["statusReason"] == [{"text": "Missed"}]
    assert given[2]["extension"][0]["valueDateTime"] == "2026-03-13T20:00:00+13:00"
    assert given[0]["supportingInformation"] == [{"reference": f"urn:uuid:{tiz['id']}"}]


# Trends and the report ------------------------------------------------------------------------


def two_weeks_of_doses(owner):
    """Baclofen at 08:00 and 20:00 from Monday 2 March: week one all on time but one late, week
    two one missed; and two as-needed doses of paracetamol."""
    from tests.entries import dose  # noqa: PLC0415

    bac = baclofen(owner, day=date(2026, 3, 2), times=("08:00", "20:00"))
    para = medicines.start_medicine(
        owner,
        owner,
        name="Paracetamol",
        unit="tablets",
        route="mouth",
        reason="pain",
        dose=Decimal("2"),
        times=[],
        day=date(2026, 3, 2),
    )
    for offset in range(14):
        day = date(2026, 3, 2) + timedelta(days=offset)
        for due in medicines.due_on(owner, day):
            if offset == 3 and due.time == "20:00":
                dose(owner, bac, scheduled_for=due.due, occurred_at=due.due + timedelta(hours=2))
            elif offset == 9 and due.time == "08:00":
                dose(owner, bac, scheduled_for=due.due, occurred_at=due.due, status="missed")
            else:
                dose(owner, bac, scheduled_for=due.due, occurred_at=due.due + timedelta(minutes=5))
    for offset in (1, 8):
        moment = medicines.due_on(owner, date(2026, 3, 2) + timedelta(days=offset))[0].due
        dose(owner, para, occurred_at=moment + timedelta(hours=5))


@time_machine.travel(datetime(2026, 3, 16, 0, 0, tzinfo=UTC), tick=False)
def test_it_counts_each_medicines_doses_by_week_in_one_query(alice, django_assert_num_queries):
    from sci_tracker.trends.adherence import adherence  # noqa: PLC0415
    from sci_tracker.trends.aggregates import Period  # noqa: PLC0415

    two_weeks_of_doses(alice)
    with django_assert_num_queries(1):
        found = adherence(alice, Period(date(2026, 3, 2), date(2026, 3, 15)))
    bac, para = found
    assert [(w.start, w.on_time, w.late, w.missed, w.as_needed) for w in bac.weeks] == [
        (date(2026, 3, 2), 13, 1, 0, 0),
        (date(2026, 3, 9), 13, 0, 1, 0),
    ]
    assert (para.name, para.as_needed, para.scheduled) == ("Paracetamol", 2, 0)


@time_machine.travel(datetime(2026, 3, 16, 0, 0, tzinfo=UTC), tick=False)
def test_it_shows_adherence_on_the_trends_page_and_a_line_on_the_report(alice_client, alice):
    two_weeks_of_doses(alice)
    query = "?range=custom&from=2026-03-02&to=2026-03-15"
    trends = alice_client.get(f"/trends/{query}").text
    assert "Medicines: doses by week" in trends
    assert "Baclofen</strong>: 27 of 28 scheduled doses taken (1 late, 1 missed)" in trends
    assert "<td>9 Mar 2026</td><td>13</td><td>0</td><td>1</td><td>0</td>" in trends
    # The report's medicine list: each medicine with its regimen, then how it was taken.
    report = text_of(alice_client.get(f"/report/{query}").text)
    assert (
        "Baclofen 10 mg, 08:00, 20:00; since 2 Mar 2026, for spasms and stiffness. "
        "27 of 28 scheduled doses taken (1 late, 1 missed)." in report
    )
    assert (
        "Paracetamol 2 tablets, as needed; since 2 Mar 2026, for other pain. 2 as-needed doses."
        in report
    )


@time_machine.travel(datetime(2026, 3, 16, 0, 0, tzinfo=UTC), tick=False)
def test_it_counts_doses_by_month_on_the_trends_page_over_more_than_a_year(alice_client, alice):
    two_weeks_of_doses(alice)
    trends = alice_client.get("/trends/?range=custom&from=2025-01-01&to=2026-03-15").text
    assert "Medicines: doses by month" in trends
    assert "Baclofen</strong>: 27 of 28 scheduled doses taken (1 late, 1 missed)" in trends
    # The two weeks' doses in one row: March 2026.
    assert "<td>March 2026</td><td>26</td><td>1</td><td>1</td><td>0</td>" in trends
    assert "Week from" not in trends


@time_machine.travel(MORNING, tick=False)
def test_it_keeps_a_medicines_event_one_of_its_kinds_on_the_event_page(alice_client, alice):
    medicine = baclofen(alice)
    start = medicine.events.get()
    page = alice_client.post(
        f"/entries/event/{start.pk}/",
        {"date": start.date.isoformat(), "event_kind": "botox", "version": start.version},
    )
    assert "This is an event of Baclofen: it stays a start, change or stop." in page.text
    stop = alice_client.post(
        f"/entries/event/{start.pk}/",
        {"date": start.date.isoformat(), "event_kind": "medicine-stop", "version": start.version},
    )
    assert "To stop Baclofen, use “Stop” on the Medicines page." in stop.text
    assert TreatmentEvent.objects.get().event_kind == "medicine-start"


@time_machine.travel(MORNING, tick=False)
def test_it_offers_todays_doses_on_the_home_page_in_the_same_queries_for_more_medicines(
    alice_client, alice
):
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from tests.conftest import diary_queries  # noqa: PLC0415
    from tests.entries import fill_days  # noqa: PLC0415

    fill_days(alice, TODAY, 3)  # the home page's cards need a diary to show

    def queries(url):
        with CaptureQueriesContext(connection) as done:
            response = alice_client.get(url)
        return response, len(diary_queries(done))

    baclofen(alice)
    home, one = queries("/")
    assert "Baclofen 08:00: taken" in home.text
    _log, one_log = queries("/log/")
    for name in ("Tizanidine", "Gabapentin", "Oxybutynin"):
        medicines.start_medicine(
            alice,
            alice,
            name=name,
            unit="mg",
            route="mouth",
            reason="spasms",
            dose=Decimal("5"),
            times=["07:00", "09:00"],
            day=TODAY,
        )
    home, four = queries("/")
    assert "Oxybutynin 09:00: missed" in home.text
    assert four == one
    assert queries("/log/")[1] == one_log


@time_machine.travel(MORNING, tick=False)
def test_it_saves_a_queued_dose_tap_once_with_the_moment_it_was_tapped(alice_client, alice):
    import json  # noqa: PLC0415

    from sci_tracker.accounts.resume import account_tag  # noqa: PLC0415

    medicine = baclofen(alice)
    assert 'data-queue-kind="dose"' in alice_client.get("/log/").text  # queued when offline
    tapped = MORNING - timedelta(minutes=50)  # 08:40 in Auckland, sent now
    sent = {
        "medicine": medicine.pk,
        "day": "2026-03-14",
        "time": "08:00",
        "status": "taken",
        "client_id": str(uuid4()),
        "tapped_at": int(tapped.timestamp() * 1000),
        "account": account_tag(alice),
    }
    answers = [
        json.loads(
            alice_client.post("/log/dose-now/", sent, HTTP_ACCEPT="application/json").content
        )
        for _ in range(2)
    ]
    assert [answer["duplicate"] for answer in answers] == [False, True]
    assert answers[0]["message"] == "Baclofen 08:00: taken. Saved."
    assert MedicineDose.objects.get().occurred_at == tapped
    # Sent while the page thought it was online and met no network: the worker queues it too.
    shell = alice_client.get("/service-worker.js").content.decode().split("\n", 1)[0]
    assert '"dose-now/"' in shell


@time_machine.travel(MORNING, tick=False)
def test_it_shows_a_dose_changed_on_another_device_beside_the_one_typed(alice_client, alice):
    medicine = baclofen(alice)
    due = medicines.due_on(alice, TODAY)[0].due
    dose, _made = medicines.answer_due_dose(alice, alice, medicine, due, "taken")
    opened = dose.version
    dose.note = "From the phone"
    dose.save()
    page = alice_client.post(
        f"/entries/dose/{dose.pk}/",
        {
            "status": "missed",
            "occurred_local": "2026-03-14T08:00",
            "amount": "",
            "note": "From the laptop",
            "version": opened,
        },
    )
    assert page.status_code == 409
    assert "From the phone" in page.text
    assert "From the laptop" in page.text
    assert MedicineDose.objects.get().status == "taken"


@time_machine.travel(MORNING, tick=False)
def test_it_says_when_a_medicine_stopped_starts_or_was_never_started(alice_client, alice):
    stopped = baclofen(alice, day=date(2026, 3, 1))
    medicines.stop_medicine(stopped, alice, day=date(2026, 3, 10))
    Medicine.objects.filter(pk=stopped.pk).update(name="Tizanidine")
    baclofen(alice, day=date(2026, 3, 20))
    never = medicines.start_medicine(
        alice,
        alice,
        name="Gabapentin",
        unit="mg",
        route="mouth",
        reason="nerve-pain",
        dose=Decimal("300"),
        times=["08:00"],
        day=date(2026, 3, 1),
    )
    never.events.get().move_to_bin()  # its start went to the bin
    page = alice_client.get("/medicines/").text
    assert "Stopped 10 Mar 2026" in page
    assert "Starts 20 Mar 2026" in page
    assert "Not started" in page
    assert "Taking now" not in page


@time_machine.travel(MORNING, tick=False)
def test_it_offers_todays_doses_on_the_home_page_before_there_is_a_week_to_sum_up(
    alice_client, alice
):
    baclofen(alice)
    home = alice_client.get("/").text
    assert "What to do first" in home
    assert "Baclofen 08:00: taken" in home


@time_machine.travel(MORNING, tick=False)
def test_it_keeps_a_dose_marked_missed_at_the_time_it_was_due(alice_client, alice):
    medicine = baclofen(alice)
    due = medicines.due_on(alice, TODAY)[0].due
    dose, _made = medicines.answer_due_dose(alice, alice, medicine, due, "taken")
    page = alice_client.post(
        f"/entries/dose/{dose.pk}/",
        {"status": "missed", "occurred_local": "", "amount": "", "version": dose.version},
    )
    assert page.status_code == 302
    dose.refresh_from_db()
    assert (dose.status, dose.occurred_at) == ("missed", due)
    extra = medicines.as_needed_dose(alice, alice, medicine, MORNING)[0]
    refused = alice_client.post(
        f"/entries/dose/{extra.pk}/",
        {"status": "missed", "occurred_local": "", "amount": "", "version": extra.version},
    )
    assert "An as-needed dose is taken or not logged at all." in refused.text
