"""What the app says: counts that read right in the singular and the plural, each clinician
named once, and form errors in the app's own words."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sci_tracker.diary.models import CheckIn, Intervention, InterventionUse, Trigger
from sci_tracker.sharing.models import VisitMeasure
from tests.conftest import diary_queries, make_user
from tests.entries import AUCKLAND, at, builtin, checkin, pain, spasm
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
    penn = "a Penn spasm frequency of 2: Full spasms, less than once an hour."
    assert f"Your daily check-in gave {penn}" in page
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
    penn = "a median Penn spasm frequency of 2: Full spasms, less than once an hour."
    assert f"Your 2 daily check-ins gave {penn}" in page


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


# What stands out on the Triggers page ---------------------------------------------------------


def bladder_and_cold_days(person, days=12, start=date(2026, 3, 1)):
    """A full bladder every other day with three spasms and pain 6 (1 spasm and pain 2-3 on
    the others); cold on every third day, which changes nothing."""
    bladder, cold = builtin(Trigger, "full-bladder"), builtin(Trigger, "cold")
    for n in range(days):
        day = start + timedelta(days=n)
        full = n % 2 == 0
        checkin(person, day, pain_average=6 if full else 2 + n % 3 // 2, pain_worst=8)
        for count in range(3 if full else 1):
            episode = spasm(person, occurred_at=at(day, 10 + count))
            if full:
                episode.triggers.add(bladder)
            if n % 3 == 0:
                episode.triggers.add(cold)


TWELVE_DAYS = {"range": "custom", "from": "2026-03-01", "to": "2026-03-12"}


@time_machine.travel(FROZEN, tick=False)
def test_it_opens_the_triggers_page_with_what_stands_out_largest_first(alice_client, alice):
    bladder_and_cold_days(alice)
    page = alice_client.get(reverse("trends:triggers"), TWELVE_DAYS).text
    section = page[page.index("What stands out") : page.index('id="trigger-')]
    pain_line = (
        "Days you logged “Full bladder” went with leg pain 3.7 points higher: 6.0 out of 10, "
        "against 2.3 on days without it."
    )
    spasm_line = (
        "Days you logged “Full bladder” went with 2.0 more spasms: 3.0 a day, against 1.0 on "
        "days without it."
    )
    assert pain_line in section
    assert spasm_line in section
    assert section.index(pain_line) < section.index(spasm_line)  # the larger effect first
    assert "The day after you logged “Full bladder” went with" in section
    assert "Cold" not in section  # the same either way: nothing stands out
    assert "not what caused what" in section
    assert "caused" not in section.replace("not what caused what", "")
    # The tables follow.
    assert page.index("What stands out") < page.index('id="trigger-full-bladder"')


@time_machine.travel(FROZEN, tick=False)
def test_it_hides_what_stands_out_with_too_few_days(alice_client, alice):
    bladder_and_cold_days(alice, days=8)  # 4 days with a full bladder: under the 5 needed
    page = alice_client.get(reverse("trends:triggers"), TWELVE_DAYS).text
    assert "What stands out" not in page
    assert "Not shown: 4 days with it" in page


@time_machine.travel(FROZEN, tick=False)
def test_it_says_when_nothing_stands_out(alice_client, alice):
    cold = builtin(Trigger, "cold")
    for n in range(12):
        day = date(2026, 3, 1) + timedelta(days=n)
        checkin(alice, day, pain_average=3, pain_worst=4)
        episode = spasm(alice, occurred_at=at(day, 9))
        if n % 2:
            episode.triggers.add(cold)
    page = alice_client.get(reverse("trends:triggers"), TWELVE_DAYS).text
    assert "Nothing stands out yet" in page


@time_machine.travel(FROZEN, tick=False)
def test_it_finds_what_stands_out_in_the_same_queries_for_more_triggers(alice_client, alice):
    def queries():
        with CaptureQueriesContext(connection) as done:
            alice_client.get(reverse("trends:triggers"), TWELVE_DAYS)
        return len(diary_queries(done))

    bladder_and_cold_days(alice)
    few = queries()
    for slug in ("uti", "constipation", "tight-clothing", "position-change"):
        for n in range(12):
            day = date(2026, 3, 1) + timedelta(days=n)
            spasm(alice, occurred_at=at(day, 20)).triggers.add(builtin(Trigger, slug))
    assert queries() == few


# Lists that learn: the person's usual items first ---------------------------------------------


@time_machine.travel(FROZEN, tick=False)
def test_it_offers_the_triggers_this_person_uses_first(alice_client, alice, bob):
    def used(person, slug, days_ago, times=1, binned=False):
        for _ in range(times):
            entry = spasm(person, occurred_at=FROZEN - timedelta(days=days_ago))
            entry.triggers.add(builtin(Trigger, slug))
            if binned:
                entry.deleted_at = FROZEN
                entry.save()

    used(alice, "cold", 100, times=5)  # long ago: no longer usual
    used(alice, "wound", 30, times=2)  # 2
    used(alice, "uti", 3)  # lately: counts twice
    used(alice, "uti", 40)  # and once more: 3
    used(alice, "constipation", 2, times=9, binned=True)  # in the bin: not counted
    used(bob, "haemorrhoids", 1, times=9)  # someone else's
    page = alice_client.get(reverse("diary:new", args=["spasm"])).text
    order = [
        page.index(name)
        for name in ("Urinary tract infection", "Wound or cut", "Full bladder", "Constipation")
    ]
    assert order == sorted(order)
    assert page.index("Full bladder") < page.index("Haemorrhoids") < page.index("Cold")


@time_machine.travel(FROZEN, tick=False)
def test_it_offers_what_this_person_tried_first(alice_client, alice):
    entry = pain(alice, occurred_at=FROZEN - timedelta(days=2))
    InterventionUse.objects.create(intervention=builtin(Intervention, "rest"), pain=entry)
    page = alice_client.get(reverse("diary:new", args=["pain"])).text
    select = page[page.index('name="tried-0-intervention"') :]
    options = re.findall(r"<option value=\"\d+\">([^<]+)</option>", select)
    assert options[0] == "Rest"


@time_machine.travel(FROZEN, tick=False)
def test_it_orders_the_lists_in_the_same_queries_for_a_long_diary(alice_client, alice):
    def queries(kind):
        with CaptureQueriesContext(connection) as done:
            assert alice_client.get(reverse("diary:new", args=[kind])).status_code == 200
        return len(diary_queries(done))

    def log(n):
        entry = pain(alice, occurred_at=FROZEN - timedelta(days=n))
        entry.triggers.add(builtin(Trigger, "cold"))
        InterventionUse.objects.create(intervention=builtin(Intervention, "heat"), pain=entry)
        spasm(alice, occurred_at=FROZEN - timedelta(hours=n)).triggers.add(builtin(Trigger, "uti"))

    # One entry of each first: "Same as last time" reads the last one only when there is one.
    log(0)
    few = {kind: queries(kind) for kind in ("spasm", "pain")}
    for n in range(1, 40):
        log(n)
    assert {kind: queries(kind) for kind in ("spasm", "pain")} == few


@pytest.mark.parametrize(("minutes", "words"), [(1, "1 minute,"), (15, "15 minutes,")])
def test_it_says_minute_or_minutes_on_the_pauses(rf, db, minutes, words):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    for template, context in (
        ("registration/locked_out.html", {"by_address": True, "address_limit": 20}),
        ("registration/locked_out.html", {"by_address": False, "failure_limit": 5}),
        ("sharing/too_many.html", {}),
    ):
        context |= {"cooloff_minutes": minutes, "minutes": minutes}
        page = " ".join(render_to_string(template, context, request=request).split())
        assert words in page
        assert f"{minutes} minutes minute" not in page
        if minutes == 1:
            assert "1 minutes" not in page
