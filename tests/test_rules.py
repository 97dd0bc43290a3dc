"""When an entry can be (diary/rules.py): each rule judged alike by the forms and the import."""

import json
from datetime import UTC, date, datetime, timedelta

import time_machine

from sci_tracker.diary import rules
from sci_tracker.diary.forms import CheckInForm, EventForm
from sci_tracker.exports import importer
from sci_tracker.sharing.forms import VisitForm
from sci_tracker.sharing.models import VisitMeasure
from tests.test_import import checkin_item, event_item, measure_item, minimal_backup

# 11:30 UTC on 14 March 2026: already the 15th in Auckland, still the 14th in Denver.
NOW = datetime(2026, 3, 14, 11, 30, tzinfo=UTC)


def test_it_draws_each_line_where_the_rule_says():
    assert rules.today_in("Pacific/Auckland", NOW) == date(2026, 3, 15)
    assert rules.today_in("America/Denver", NOW) == date(2026, 3, 14)
    assert rules.moment_has_come(NOW + timedelta(minutes=5), NOW)
    assert not rules.moment_has_come(NOW + timedelta(minutes=5, seconds=1), NOW)
    today = date(2026, 3, 15)
    assert rules.check_in_day_has_come(today, today)
    assert not rules.check_in_day_has_come(today + timedelta(days=1), today)
    assert rules.visit_day_has_come(today, today)
    assert not rules.visit_day_has_come(today + timedelta(days=1), today)
    assert rules.event_day_near_enough(today + timedelta(days=366), today)
    assert not rules.event_day_near_enough(today + timedelta(days=367), today)
    assert rules.on_calendar(date(1900, 1, 1))
    assert rules.on_calendar(date(2999, 12, 31))
    assert not rules.on_calendar(date(1899, 12, 31))


def imported_days(owner, **sections):
    """The days of the check-ins, events and visits an import would add."""
    payload = {"source": "backup", "names": ["b.json"], "text": minimal_backup(**sections).decode()}
    plan = importer.plan_import(owner, json.loads(json.dumps(payload)))
    days = [row.values["date"] for row in plan.to_add]
    return days + [values["visit_date"] for values in plan.clinician_add[VisitMeasure]]


@time_machine.travel(NOW, tick=False)
def test_it_judges_a_day_alike_in_the_forms_and_the_import(alice):
    """Alice is in Auckland, where it is the 15th: both take the 15th and refuse the 16th."""
    checkin_form = {"psfs_frequency": "0", "recall_window": "24h"}
    for day, allowed in (("2026-03-15", True), ("2026-03-16", False)):
        form = CheckInForm({"date": day, **checkin_form}, owner=alice)
        assert form.is_valid() == allowed, form.errors
        visit = VisitForm({"visit_date": day, "hip-flexors__left": "1"}, person=alice)
        assert visit.is_valid() == allowed, visit.errors
        found = imported_days(
            alice, check_ins=[checkin_item(date=day)], visit_measures=[measure_item(visit_date=day)]
        )
        assert found == ([date.fromisoformat(day)] * 2 if allowed else [])
    for day, allowed in (("2027-03-16", True), ("2027-03-17", False)):
        form = EventForm({"date": day, "event_kind": "botox"}, owner=alice)
        assert form.is_valid() == allowed, form.errors
        found = imported_days(alice, treatment_events=[event_item(date=day)])
        assert found == ([date.fromisoformat(day)] if allowed else [])
