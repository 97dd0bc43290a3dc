"""Spasms in the hours after a late catheterisation, a missed bowel routine, a skin problem or a
missed, late or on-time dose, against the usual rate (trends.by_the_hour).

The diary below is Alice's in Auckland over March and April 2026, across the end of daylight
saving (5 April), so the local hours the rule reads are tested on both sides of a change."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sci_tracker.diary.models import MedicineDose
from sci_tracker.trends import aggregates
from sci_tracker.trends.aggregates import Period
from sci_tracker.trends.by_the_hour import MIN_EVENTS, by_the_hour, recorded_spasms
from tests.conftest import diary_queries, make_user, text_of
from tests.entries import AUCKLAND, care, dose, medicine, spasm

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2026, 3, 1), date(2026, 4, 20))  # 51 days
CATHETER_TIMES = [time(8), time(12), time(16), time(20)]


def at(day, moment, minutes=0):
    return datetime.combine(day, moment, AUCKLAND) + timedelta(minutes=minutes)


def usual_days(owner, days=PERIOD.days):
    """Catheterised at 8, 12, 16 and 20 o'clock, and one spasm at 10:00 and one at 22:00."""
    for day in days:
        for moment in CATHETER_TIMES:
            care(owner, "catheter", occurred_at=at(day, moment))
        spasm(owner, occurred_at=at(day, time(10)))
        spasm(owner, occurred_at=at(day, time(22)))


def figures(owner):
    return by_the_hour(owner, PERIOD, recorded_spasms(aggregates.daily(owner, PERIOD)))


def test_it_counts_the_spasms_after_each_catheterisation_later_than_usual(alice):
    late_days = PERIOD.days[3:9]  # six days, across no change; and one after the change
    late_days.append(date(2026, 4, 10))
    usual_days(alice, [day for day in PERIOD.days if day not in late_days])
    for day in late_days:
        # 08:00, then 14:00 (six hours: two over the usual four), 16:00, 20:00.
        for moment in (time(8), time(14), time(16), time(20)):
            care(alice, "catheter", occurred_at=at(day, moment))
        for minutes in (10, 70, 130):  # three spasms within six hours of 14:00
            spasm(alice, occurred_at=at(day, time(14), minutes))
        spasm(alice, occurred_at=at(day, time(22)))

    found = figures(alice)

    # The usual daytime gap: 4 hours, the night's 12-hour gaps (20:00 to 08:00) left out.
    assert found.usual_gap == pytest.approx(timedelta(hours=4), abs=timedelta(minutes=10))
    late = {after.kind: after for after in found.found}["catheter-late"]
    # Each late one's six hours (14:00 to 20:00) hold its three spasms, not the one at 22:00.
    assert (late.events, late.spasms, late.hours) == (7, 7 * 3, 42)
    # Usual: 44 days of 2 spasms, 7 days of 4, over 51 days, per 6 hours.
    assert found.usual == pytest.approx((44 * 2 + 7 * 4) / 51 / 4)
    assert found.usual_days == 51


def test_it_compares_missed_and_late_doses_with_doses_on_time(alice):
    usual_days(alice)
    baclofen = medicine(alice)
    for n, day in enumerate(PERIOD.days[:30]):
        due = at(day, time(8))
        if n < 6:
            dose(alice, baclofen, scheduled_for=due, occurred_at=due, status="missed")
            for minutes in (30, 90, 150):
                spasm(alice, occurred_at=due + timedelta(minutes=minutes))
        elif n < 11:
            dose(alice, baclofen, scheduled_for=due, occurred_at=due + timedelta(hours=2))
        else:
            dose(alice, baclofen, scheduled_for=due, occurred_at=due + timedelta(minutes=20))
    # An as-needed dose is none of these.
    dose(alice, baclofen, occurred_at=at(PERIOD.days[40], time(9)))

    found = {after.kind: after for after in figures(alice).found}

    assert (found["dose-missed"].events, found["dose-missed"].spasms) == (6, 6 * 4)
    # A late dose's six hours start when it was taken (10:00), so they hold the 10:00 spasm.
    assert (found["dose-late"].events, found["dose-late"].spasms) == (5, 5)
    assert (found["dose-on-time"].events, found["dose-on-time"].spasms) == (19, 19)
    assert "dose-as-needed" not in found


def test_it_counts_after_a_missed_bowel_routine_and_a_skin_problem_found(alice):
    usual_days(alice)
    for day in PERIOD.days[:MIN_EVENTS]:
        care(alice, "bowel-missed", occurred_at=at(day, time(7)))
        care(alice, "skin-problem", occurred_at=at(day, time(19)), site="heel", stage="1")
    found = {after.kind: after for after in figures(alice).found}
    # 07:00 to 13:00 holds the 10:00 spasm; 19:00 to 01:00 holds the 22:00 one.
    assert (found["bowel-missed"].events, found["bowel-missed"].spasms) == (MIN_EVENTS, MIN_EVENTS)
    assert (found["skin-problem"].events, found["skin-problem"].spasms) == (MIN_EVENTS, MIN_EVENTS)


def test_it_shows_nothing_on_too_few_events_or_too_few_days(alice):
    usual_days(alice)
    for day in PERIOD.days[: MIN_EVENTS - 1]:
        care(alice, "bowel-missed", occurred_at=at(day, time(7)))
    assert figures(alice).found == []

    # Enough events, but only ten days with a record.
    cy = make_user("cy", time_zone="Pacific/Auckland")
    usual_days(cy, PERIOD.days[:10])
    for day in PERIOD.days[:10]:
        care(cy, "bowel-missed", occurred_at=at(day, time(7)))
    found = figures(cy)
    assert (found.found, found.usual_days) == ([], 10)


def test_it_leaves_out_what_is_in_the_bin_and_other_peoples_diaries(alice, bob):
    usual_days(alice)
    for day in PERIOD.days[:MIN_EVENTS]:
        care(alice, "bowel-missed", occurred_at=at(day, time(7)))
        care(bob, "bowel-missed", occurred_at=at(day, time(7)))
        spasm(bob, occurred_at=at(day, time(8)))
    binned = care(alice, "bowel-missed", occurred_at=at(PERIOD.days[20], time(7)))
    binned.move_to_bin()
    spasm(alice, occurred_at=at(PERIOD.days[0], time(9))).move_to_bin()
    found = {after.kind: after for after in figures(alice).found}
    assert (found["bowel-missed"].events, found["bowel-missed"].spasms) == (MIN_EVENTS, MIN_EVENTS)


def test_it_says_in_a_sentence_only_what_is_strong(alice):
    usual_days(alice)
    baclofen = medicine(alice)
    for n, day in enumerate(PERIOD.days[:40]):
        due = at(day, time(8))
        missed = n < 10
        dose(
            alice,
            baclofen,
            scheduled_for=due,
            occurred_at=due,
            status="missed" if missed else "taken",
        )
        if missed:
            for minutes in (30, 90, 150):
                spasm(alice, occurred_at=due + timedelta(minutes=minutes))
    found = figures(alice)
    assert [after.kind for after in found.strong()] == ["dose-missed"]
    (sentence,) = found.sentences()
    assert sentence.startswith("Spasms came more often in the 6 hours after a missed dose: 4.0")
    assert sentence.endswith("(10 events).")


def test_it_reads_a_month_or_a_year_in_the_same_queries(alice):
    def queries():
        by_day = aggregates.daily(alice, PERIOD)
        with CaptureQueriesContext(connection) as done:
            by_the_hour(alice, PERIOD, recorded_spasms(by_day))
        return len(diary_queries(done))

    usual_days(alice, PERIOD.days[:MIN_EVENTS])
    for day in PERIOD.days[:MIN_EVENTS]:
        care(alice, "skin-problem", occurred_at=at(day, time(19)))
    few = queries()
    usual_days(alice, PERIOD.days[MIN_EVENTS:])
    baclofen = medicine(alice)
    for day in PERIOD.days[MIN_EVENTS:]:
        dose(alice, baclofen, scheduled_for=at(day, time(8)), occurred_at=at(day, time(8)))
        care(alice, "skin-problem", occurred_at=at(day, time(19)))
    # The care events, the spasms after them, the doses.
    assert queries() == few == 3


def test_it_reads_the_spasms_only_over_the_hours_after_the_events_it_shows(alice, monkeypatch):
    """The spasms after the care events are read only for a kind with MIN_EVENTS events, and
    only over those events' hours: years of spasms before the first are not read."""
    from sci_tracker.trends import by_the_hour as module

    read, spasm_moments = [], module._spasm_moments
    monkeypatch.setattr(
        module,
        "_spasm_moments",
        lambda owner, since, until: (
            read.append((since, until)) or spasm_moments(owner, since, until)
        ),
    )
    usual_days(alice)
    for day in PERIOD.days[: MIN_EVENTS - 1]:
        care(alice, "bowel-missed", occurred_at=at(day, time(7)))
    by_day = aggregates.daily(alice, PERIOD)
    with CaptureQueriesContext(connection) as done:
        found = by_the_hour(alice, PERIOD, recorded_spasms(by_day))
    assert found.found == []
    # Too few to show: the read runs over no time (the same queries whatever the diary holds).
    ((since, until),) = read
    assert since == until
    assert len(diary_queries(done)) == 3

    read.clear()
    care(alice, "bowel-missed", occurred_at=at(PERIOD.days[-2], time(7)))
    found = {after.kind: after for after in figures(alice).found}
    assert read == [(at(PERIOD.days[0], time(7)), at(PERIOD.days[-2], time(13)))]
    # Each routine missed is followed by the 10:00 spasm.
    assert (found["bowel-missed"].events, found["bowel-missed"].spasms) == (MIN_EVENTS, MIN_EVENTS)


def strong_missed_doses(owner):
    """Forty days of a dose at 8:00, missed on the last ten with three spasms in the hours after
    (so the home page's last five weeks hold them all)."""
    usual_days(owner)
    baclofen = medicine(owner)
    for n, day in enumerate(PERIOD.days[-40:]):
        due = at(day, time(8))
        missed = n >= 30
        dose(
            owner,
            baclofen,
            scheduled_for=due,
            occurred_at=due,
            status="missed" if missed else "taken",
        )
        if missed:
            for minutes in (30, 90, 150):
                spasm(owner, occurred_at=due + timedelta(minutes=minutes))


def test_it_shows_the_figures_on_the_triggers_page_and_the_strong_one_on_home_and_report(
    alice, alice_client
):
    strong_missed_doses(alice)
    last_day = at(PERIOD.end, time(23))
    with time_machine.travel(last_day, tick=False):
        page = alice_client.get(
            reverse("trends:triggers"),
            {"range": "custom", "from": PERIOD.start, "to": PERIOD.end},
        )
        home = alice_client.get(reverse("home"))
        report = alice_client.get(
            reverse("reports:report"),
            {"range": "custom", "from": PERIOD.start, "to": PERIOD.end},
        )
    text = text_of(page.content.decode())
    assert "In the hours after bladder, bowel, skin and medicine events" in text
    assert "A missed dose 4.0 10 events, 60 hours" in text
    assert "A dose taken on time 1.0 30 events, 180 hours" in text
    assert "A usual time 0.6 51 days with a record" in text
    expected = "Spasms came more often in the 6 hours after a missed dose: 4.0 on average"
    assert expected in text
    for response in (home, report):
        assert expected in text_of(response.content.decode())


def test_it_says_what_to_log_when_there_is_not_enough(alice_client):
    page = alice_client.get(reverse("trends:triggers"))
    assert "Not enough yet to compare. Log catheterisations" in page.content.decode()


def test_it_counts_in_the_databases_own_sql_without_calling_back_into_python(alice):
    """On SQLite, Django writes time arithmetic as calls into Python functions (django_...),
    which hold the connection while they wait for Python; the test server shares it between
    threads, and one such query stalled the others. These queries use plain SQL instead."""
    usual_days(alice, PERIOD.days[:3])
    baclofen = medicine(alice)
    dose(
        alice,
        baclofen,
        scheduled_for=at(PERIOD.days[0], time(8)),
        occurred_at=at(PERIOD.days[0], time(10)),
    )
    with CaptureQueriesContext(connection) as done:
        figures(alice)
        list(MedicineDose.objects.with_timing().values_list("timing", flat=True))
    assert [query["sql"] for query in done if "django_" in query["sql"]] == []
