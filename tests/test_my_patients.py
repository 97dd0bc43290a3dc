"""My patients for a clinician with many patients: what needs attention first, filters, the same
number of queries for 3 or 12 people, and one access-log write per view of the list."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sci_tracker.sharing.models import AccessRecord, CareAccess, Role
from tests.conftest import make_user, text_of
from tests.entries import AUCKLAND, ad_episode, checkin, event, pain, spasm

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 20)
NOW = datetime.combine(TODAY, time(12), AUCKLAND)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def doctor(client):
    doctor = make_user("okafor", is_clinician=True)
    client.force_login(doctor)
    return doctor


def patient(doctor, name, zone="Pacific/Auckland", **fields):
    person = make_user(name, time_zone=zone, **fields)
    CareAccess.objects.create(
        person=person, email=doctor.email, role=Role.CLINICIAN, member=doctor, accepted_at=NOW
    )
    return person


def local(day, hour, person):
    return datetime.combine(day, time(hour), person.zone)


def steady(person, days=30, spasms_a_day=1):
    """A month of check-ins and a spasm or more a day, up to today."""
    for n in range(days):
        day = TODAY - timedelta(days=n)
        checkin(person, day, psfs_frequency=1, psfs_severity=1, pain_average=3, pain_worst=4)
        for hour in range(spasms_a_day):
            spasm(person, occurred_at=local(day, 8 + hour, person))


def names_in_order(response):
    """The people listed, by the headings of their cards, in the order shown."""
    return re.findall(r'<h2 class="h4">([^<]+)</h2>', response.text)


def test_it_puts_who_needs_attention_first_with_each_reason_in_words(client, doctor):
    ana = patient(doctor, "ana")  # a red flag this week
    steady(ana)
    pain(ana, occurred_at=local(TODAY - timedelta(days=2), 9, ana), red_flags=["fever"])
    ben = patient(doctor, "ben", zone="America/Denver")  # nothing to flag
    steady(ben)
    cat = patient(doctor, "cat")  # an AD episode, and a sudden rise in spasms
    steady(cat)
    for n in range(3):
        for hour in range(10, 16):
            spasm(cat, occurred_at=local(TODAY - timedelta(days=n), hour, cat))
    ad_episode(cat, occurred_at=local(TODAY - timedelta(days=1), 15, cat))
    dev = patient(  # a pump refill due, and 13 weeks since a botulinum toxin injection
        doctor, "dev", has_baclofen_pump=True, pump_refill_date=TODAY + timedelta(days=3)
    )
    steady(dev)
    event(dev, TODAY - timedelta(weeks=13))
    eve = patient(doctor, "eve")  # nothing for ten days
    steady(eve, days=20)
    for entry in eve.spasmepisode_entries.filter(
        occurred_at__gte=local(TODAY - timedelta(days=9), 0, eve)
    ):
        entry.delete()
    eve.checkin_entries.filter(date__gte=TODAY - timedelta(days=9)).delete()

    page = client.get(reverse("sharing:people"))

    assert names_in_order(page) == ["Cat", "Ana", "Dev", "Eve", "Ben"]
    text = text_of(page.text)
    assert "1 entry with a red-flag symptom in the last 7 days" in text
    assert "Autonomic dysreflexia episode on 19 Mar" in text
    assert "Sudden rise in spasms" in text
    assert "Pump refill due 23 Mar" in text
    assert "13 weeks since the last botulinum toxin injection" in text
    assert "No entries for 7 days" in text
    assert "Last entry: 10 Mar 2026" in text  # Eve's

    attention = client.get(reverse("sharing:people"), {"show": "attention"})
    assert names_in_order(attention) == ["Cat", "Ana", "Dev", "Eve"]
    assert 'aria-current="page">Needs attention (4)' in attention.text
    assert names_in_order(client.get(reverse("sharing:people"), {"show": "due"})) == ["Dev"]
    # A filter that does not exist shows everyone.
    assert len(names_in_order(client.get(reverse("sharing:people"), {"show": "x"}))) == 5


def test_it_says_so_when_nobody_matches_a_filter(client, doctor):
    steady(patient(doctor, "ana"))
    steady(patient(doctor, "ben"))
    page = client.get(reverse("sharing:people"), {"show": "red-flag"})
    assert "Nobody on your list matches this filter." in text_of(page.text)
    assert names_in_order(page) == []


def test_it_reads_3_or_12_patients_in_the_same_queries_and_logs_the_view_in_one_insert(
    client, doctor
):
    def view():
        with CaptureQueriesContext(connection) as done:
            response = client.get(reverse("sharing:people"))
        assert response.status_code == 200
        inserts = [q for q in done if q["sql"].startswith('INSERT INTO "sharing_accessrecord"')]
        return len(done), len(inserts)

    zones = ["Pacific/Auckland", "America/Denver", "Europe/London"]
    for n in range(3):
        person = patient(doctor, f"p{n}", zone=zones[n % 3])
        steady(person, days=10, spasms_a_day=2)
        ad_episode(person, occurred_at=local(TODAY, 7, person))
    few, few_inserts = view()
    for n in range(3, 12):
        person = patient(doctor, f"p{n}", zone=zones[n % 3])
        steady(person, days=10, spasms_a_day=2)
        event(person, TODAY - timedelta(weeks=12))
    many, many_inserts = view()

    assert many == few
    assert few_inserts == many_inserts == 1
    assert AccessRecord.objects.filter(viewer=doctor, page="My patients list").count() == 3 + 12


def test_it_lists_and_logs_no_one_whose_access_has_lapsed(client, doctor):
    ana = patient(doctor, "ana")
    ben = patient(doctor, "ben")
    CareAccess.objects.filter(person=ben).update(ended_at=NOW)
    page = client.get(reverse("sharing:people"))
    assert names_in_order(page) == ["Ana"]
    assert list(AccessRecord.objects.values_list("person", flat=True)) == [ana.pk]

    doctor.is_clinician = False  # a clinician's grant needs a clinician's account
    doctor.save()
    assert names_in_order(client.get(reverse("sharing:people"))) == []
    assert AccessRecord.objects.count() == 1


def test_it_shows_a_long_list_a_page_at_a_time_keeping_the_filter(client, doctor):
    for n in range(27):
        person = patient(doctor, f"person{n:02}")
        if n >= 2:  # two with entries, the rest quiet for a week
            continue
        spasm(person, occurred_at=local(TODAY, 8, person))
    first = client.get(reverse("sharing:people"), {"show": "quiet"})
    assert len(names_in_order(first)) == 25
    assert "Page 1 of 2" not in text_of(first.text)  # 25 quiet people: one page
    everyone = client.get(reverse("sharing:people"))
    assert "Page 1 of 2" in text_of(everyone.text)
    assert 'href="?show=&amp;page=2"' in everyone.text
    second = client.get(reverse("sharing:people"), {"page": 2})
    # The quiet ones first (by name), then the two with entries.
    assert names_in_order(second) == ["Person00", "Person01"]
