"""What the app says: counts that read right in the singular and the plural, each clinician
named once, and form errors in the app's own words."""

import re
from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from sci_tracker.diary.models import CheckIn
from sci_tracker.sharing.models import VisitMeasure
from tests.conftest import make_user
from tests.entries import AUCKLAND, at, checkin, pain, spasm
from tests.test_diary import log_pain_with_flags
from tests.test_safety import profile_data
from tests.test_sharing import clinician, grant, signed_in  # noqa: F401 (a fixture)

TODAY = date(2026, 3, 20)
FROZEN = datetime.combine(TODAY, time(12), AUCKLAND)


# Counts ------------------------------------------------------------------------------------


@time_machine.travel(FROZEN, tick=False)
def test_it_says_one_day_one_spasm_and_one_check_in_in_the_singular(alice_client, alice):
    checkin(alice, TODAY, psfs_frequency=2, psfs_severity=1, pain_average=3, pain_worst=4)
    spasm(alice, occurred_at=at(TODAY, 9))
    page = alice_client.get(reverse("trends:overview"), {"range": "14d"}).text
    assert "Average leg pain was 3.0 out of 10 on the 1 day with a rating." in page
    assert "You logged 1 spasm on the 1 day with a record" in page
    assert "Your daily check-in gave a Penn spasm frequency of 2.0 out of 4." in page
    for wrong in ("over the 1 days", "1 spasms", "Your 1 daily check-ins", "Over 1 check-ins"):
        assert wrong not in page


@time_machine.travel(FROZEN, tick=False)
def test_it_says_days_spasms_and_check_ins_in_the_plural(alice_client, alice):
    for day in (TODAY, date(2026, 3, 19)):
        checkin(alice, day, psfs_frequency=2, psfs_severity=1, pain_average=3, pain_worst=4)
        spasm(alice, occurred_at=at(day, 9))
    page = alice_client.get(reverse("trends:overview"), {"range": "14d"}).text
    assert "Average leg pain was 3.0 out of 10 over the 2 days with a rating." in page
    assert "You logged 2 spasms over the 2 days with a record: 1.0 a day" in page
    assert "Your 2 daily check-ins gave a Penn spasm frequency of 2.0 out of 4 on average." in page


@time_machine.travel(FROZEN, tick=False)
def test_it_counts_one_day_in_the_report_and_its_chart(alice_client, alice):
    pain(alice, occurred_at=at(TODAY, 9), intensity=4)
    spasm(alice, occurred_at=at(TODAY, 10))
    page = alice_client.get(reverse("reports:report"), {"range": "30d"}).text
    assert "Average leg pain 4.0 out of 10 on 1 day with a rating" in page
    assert "1 spasm logged on 1 day with a record" in page
    assert "1 days" not in page


@time_machine.travel(FROZEN, tick=False)
def test_it_empties_a_bin_of_one_entry_in_the_singular(alice_client, alice):
    entry = spasm(alice, occurred_at=at(TODAY, 9))
    entry.deleted_at = timezone.now()
    entry.save()
    page = alice_client.post(reverse("diary:empty_bin"), follow=True).text
    assert "The bin is empty: 1 entry deleted for good." in page


# Who rated ---------------------------------------------------------------------------------


@time_machine.travel(FROZEN, tick=False)
def test_it_names_a_clinician_once_when_some_ratings_came_from_a_file(alice, clinician):  # noqa: F811
    grant(alice, clinician, "clinician")
    rating = {"person": alice, "muscle_group": "knee-flexors", "side": "left", "score": "2"}
    VisitMeasure.objects.create(
        author=clinician, author_name="Dr Okafor", visit_date=date(2026, 3, 10), **rating
    )
    VisitMeasure.objects.create(
        author_name="dr  okafor", imported_at=FROZEN, visit_date=date(2026, 2, 10), **rating
    )
    VisitMeasure.objects.create(
        author_name="Dr Forged", imported_at=FROZEN, visit_date=date(2026, 1, 10), **rating
    )
    page = signed_in(alice).get(reverse("trends:overview"), {"range": "90d"}).text
    assert (
        "Rated by Dr Forged (imported from a backup file), Dr Okafor at 3 visits: 0 (no increase"
    ) in page
    assert "okafor (imported" not in page.lower()


# Form errors in the app's own words --------------------------------------------------------

DJANGO_WORDS = (
    "This field is required.",
    "Ensure this value",
    "Select a valid choice",
    "Enter a whole number.",
    "Enter a valid",
)


def errors_of(page: str) -> list[str]:
    return re.findall(r'class="[^"]*(?:invalid-feedback|errorlist)[^"]*"[^>]*>(.*?)</', page, re.S)


@time_machine.travel(FROZEN, tick=False)
def test_it_says_what_is_wrong_with_a_check_in_in_its_own_words(alice_client, alice):
    sent = {
        "date": "",
        "psfs_frequency": "9",
        "spasticity": "11",
        "night_wakings": "lots",
        "pain_worst": "-1",
    }
    page = alice_client.post(reverse("diary:new", args=["checkin"]), sent).text
    assert not CheckIn.objects.exists()
    for words in DJANGO_WORDS:
        assert words not in page
    assert "Enter a date." in page
    assert "That answer is not on the list any more. Choose one of those shown." in page
    assert "Enter a whole number, such as 3." in page
    assert 'value="lots"' in page  # what was typed is kept


@time_machine.travel(FROZEN, tick=False)
def test_it_says_what_is_wrong_with_a_spasm_in_its_own_words(alice_client, alice):
    sent = {
        "when": "earlier",
        "occurred_local": "yesterday",
        "triggers": ["999999"],
        "tried-TOTAL_FORMS": "1",
        "tried-INITIAL_FORMS": "0",
        "tried-0-dose": "a lot",
        "tried-0-intervention": "",
    }
    page = alice_client.post(reverse("diary:new", args=["spasm"]), sent).text
    for words in DJANGO_WORDS:
        assert words not in page
    assert "That answer is not on the list any more. Choose one of those shown." in page


def test_it_keeps_a_form_s_own_message_and_fills_in_limits():
    from django import forms

    from sci_tracker.core.form_words import OwnWords

    class Sample(OwnWords, forms.Form):
        count = forms.IntegerField(max_value=10)
        name = forms.CharField(max_length=3, error_messages={"required": "Name it."})

    form = Sample({"count": "11", "name": ""})
    assert form.errors == {"count": ["Enter 10 or less."], "name": ["Name it."]}
    form = Sample({"count": "1", "name": "long"})
    assert form.errors == {"name": ["Keep this to 3 characters or fewer (it has 4)."]}


# The urgent advice page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "number"),
    [
        ("Pacific/Auckland", "111"),
        ("Europe/London", "999"),
        ("Europe/Paris", "112"),
        ("America/Denver", "911"),
        ("America/Toronto", "911"),
        ("Australia/Sydney", "000"),
        ("Asia/Tokyo", "112"),
    ],
)
def test_it_offers_to_call_the_usual_number_for_the_time_zone(client, db, zone, number):
    person = make_user("una", time_zone=zone)
    client.force_login(person)
    page = log_pain_with_flags(client, ["chest"]).text
    assert f'href="tel:{number}"' in page
    assert f"Call {number}</a>" in page
    assert f"The usual emergency number for your time zone ({zone})" in page
    assert f'href="{reverse("profile")}">your profile</a>' in page


def test_it_calls_the_number_set_on_the_profile(alice_client, alice):
    alice.emergency_number = "+64 (0) 111"
    alice.save()
    page = log_pain_with_flags(alice_client, ["fever"]).text
    assert 'href="tel:+640111"' in page
    assert "Call +64 (0) 111</a>" in page
    assert "Your emergency number, from" in page


def test_it_shows_no_success_banner_above_urgent_advice(alice_client):
    page = log_pain_with_flags(alice_client, ["chest"]).text
    assert "alert-success" not in page
    assert "Leg pain saved." not in page
    assert "Your leg pain is saved in your diary." in page
    # An entry without a red flag still says so in a banner.
    page = log_pain_with_flags(alice_client, []).text
    assert "alert-success" in page


def test_it_sets_and_clears_the_emergency_number_on_the_profile(alice_client, alice):
    page = alice_client.get(reverse("profile")).text
    assert "Leave it empty to use 111, the usual number for your time zone" in page
    sent = profile_data(alice, emergency_number=" 999 ")
    assert alice_client.post(reverse("profile"), sent).status_code == 302
    alice.refresh_from_db()
    assert alice.emergency_number == "999"
    refused = alice_client.post(reverse("profile"), profile_data(alice, emergency_number="ring"))
    assert "Enter the number with digits, as in 999 or 112." in refused.text
    assert 'value="ring"' in refused.text
    alice.refresh_from_db()
    assert alice.emergency_number == "999"


def test_it_offers_a_carer_the_person_s_number_without_a_banner(alice, bob):
    grant(alice, bob, "carer")  # bob lives in Denver, alice in Auckland
    data = {"when": "now", "intensity": "5", "pain_type": "unknown", "red_flags": ["chest"]}
    data |= {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    url = reverse("diary:new", kwargs={"person_id": alice.pk, "kind": "pain"})
    page = signed_in(bob).post(url, data, follow=True).text
    assert 'href="tel:111"' in page
    assert "Alice’s emergency number: they can change it on their profile." in page
    assert "The leg pain is saved in Alice’s diary." in page
    assert "alert-success" not in page
