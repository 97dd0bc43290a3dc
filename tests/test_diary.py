from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sci_tracker.diary.models import (
    CheckIn,
    Intervention,
    InterventionUse,
    LegPainEntry,
    PainProblem,
    SpasmEpisode,
    TreatmentEvent,
    Trigger,
)
from tests.conftest import make_user
from tests.entries import NOW, builtin, checkin, pain, spasm

# The database refuses what the forms refuse -----------------------------------------------


@pytest.mark.parametrize(
    ("make", "fields"),
    [
        (checkin, {"psfs_frequency": 5}),
        (checkin, {"psfs_frequency": 0, "psfs_severity": 2}),
        (checkin, {"psfs_frequency": 3}),
        (checkin, {"psfs_frequency": 2, "psfs_severity": 4}),
        (checkin, {"spasticity": 11}),
        (checkin, {"pain_worst": 3, "pain_average": 5}),
        (checkin, {"interference_sleep": 12}),
        (checkin, {"night_wakings": 99}),
        (spasm, {"severity": 4}),
        (spasm, {"severity": 0}),
        (spasm, {"pattern": "wobbly"}),
        (pain, {"intensity": 11}),
        (pain, {"pain_type": "made-up"}),
    ],
)
def test_it_rejects_out_of_range_values_in_the_database(alice, make, fields):
    with pytest.raises(IntegrityError):
        make(alice, **fields)


def test_it_allows_one_check_in_per_person_per_day(alice, bob):
    checkin(alice)
    checkin(bob)  # someone else's same day is fine
    with pytest.raises(IntegrityError):
        checkin(alice)


def test_it_allows_at_most_three_pain_problems(alice):
    for slot in (1, 2, 3):
        PainProblem.objects.create(owner=alice, slot=slot, name=f"Problem {slot}")
    with pytest.raises(IntegrityError):
        PainProblem.objects.create(owner=alice, slot=4, name="Problem 4")


def test_it_ties_an_intervention_use_to_exactly_one_entry(alice):
    stretching = builtin(Intervention, "stretching")
    with pytest.raises(IntegrityError), transaction.atomic():
        InterventionUse.objects.create(intervention=stretching)
    with pytest.raises(IntegrityError):
        InterventionUse.objects.create(
            intervention=stretching, spasm=spasm(alice), pain=pain(alice)
        )


def test_it_loads_the_built_in_catalogue_with_guide_sections(db):
    bladder = builtin(Trigger, "full-bladder")
    assert bladder.category == "bladder"
    assert bladder.guide == "why-spasms-happen#trigger-bladder"
    assert builtin(Intervention, "botulinum-toxin").guide == "managing-spasms#botulinum-toxin"
    assert Trigger.objects.filter(owner=None).count() == 19
    assert not Trigger.objects.filter(owner=None, guide="").exists()
    assert not Intervention.objects.filter(owner=None, guide="").exists()


# Logging --------------------------------------------------------------------------------


def test_it_saves_a_spasm_in_one_tap_with_nothing_guessed(alice_client, alice):
    response = alice_client.post(reverse("diary:spasm_now"), follow=True)
    episode = SpasmEpisode.objects.get()
    # Pattern and severity were not given, so none is stored (issue 16).
    assert (episode.owner, episode.logged_by, episode.severity, episode.pattern) == (
        alice,
        alice,
        None,
        "",
    )
    assert "Spasm saved at" in response.text
    assert response.redirect_chain[-1][0] == reverse("diary:edit", args=["spasm", episode.pk])


@time_machine.travel(NOW, tick=False)
def test_it_logs_a_full_leg_pain_entry_with_what_was_tried(alice_client, alice):
    problem = PainProblem.objects.create(owner=alice, slot=1, name="Burning feet")
    stretching = builtin(Intervention, "stretching")
    baclofen = builtin(Intervention, "baclofen")
    data = {
        "when": "15",
        "intensity": "7",
        "problem": problem.pk,
        "sites": ["left-foot", "right-foot"],
        "qualities": ["burning"],
        "pain_type": "neuropathic-below",
        "triggers": [builtin(Trigger, "full-bladder").pk, builtin(Trigger, "cold").pk],
        "note": "Worse after the bus ride",
        "tried-TOTAL_FORMS": "2",
        "tried-INITIAL_FORMS": "0",
        "tried-0-intervention": stretching.pk,
        "tried-0-effect": "helped-a-little",
        "tried-0-dose": "",
        "tried-1-intervention": baclofen.pk,
        "tried-1-effect": "not-sure",
        "tried-1-dose": "10 mg",
    }
    response = alice_client.post(reverse("diary:new", args=["pain"]), data, follow=True)
    assert "Leg pain saved." in response.text
    entry = LegPainEntry.objects.get()
    assert entry.occurred_at == datetime(2026, 3, 14, 11, 15, tzinfo=UTC)
    assert (entry.intensity, entry.problem, entry.pain_type) == (7, problem, "neuropathic-below")
    assert entry.sites == ["left-foot", "right-foot"]
    assert {t.slug for t in entry.triggers.all()} == {"full-bladder", "cold"}
    assert {(u.intervention.slug, u.dose, u.effect) for u in entry.uses.all()} == {
        ("stretching", "", "helped-a-little"),
        ("baclofen", "10 mg", "not-sure"),
    }
    assert entry.logged_by == alice
    assert "Leg pain 7/10" in response.text
    assert "Burning feet" in response.text


def test_it_keeps_everything_typed_when_the_pain_form_has_an_error(alice_client):
    data = {
        "when": "earlier",
        "occurred_local": "",
        "intensity": "6",
        "qualities": ["tingling"],
        "note": "Typed at 2 a.m.",
        "pain_type": "unknown",
        "tried-TOTAL_FORMS": "0",
        "tried-INITIAL_FORMS": "0",
    }
    response = alice_client.post(reverse("diary:new", args=["pain"]), data)
    assert response.status_code == 200
    assert "Enter the date and time, or pick “Now”." in response.text
    assert 'href="#id_occurred_local"' in response.text
    assert 'value="6" id="id_intensity_6" checked' in response.text
    assert 'value="tingling" id="id_qualities_1" checked' in response.text
    assert "Typed at 2 a.m." in response.text
    assert not LegPainEntry.objects.exists()


def test_it_refuses_a_time_in_the_future(alice_client):
    data = {"when": "earlier", "occurred_local": "2099-01-01T10:00", "pattern": "jerky"}
    data |= {"severity": "2", "tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    response = alice_client.post(reverse("diary:new", args=["spasm"]), data)
    assert "That time is in the future." in response.text
    assert not SpasmEpisode.objects.exists()


@time_machine.travel(datetime(2026, 3, 14, 12, 0, tzinfo=UTC), tick=False)
def test_it_files_a_spasm_at_half_past_midnight_under_the_new_local_day(client, db):
    # Kiritimati is UTC+14: 00:30 on the 15th there is 10:30 UTC on the 14th.
    kiri = make_user("kiri", time_zone="Pacific/Kiritimati")
    client.force_login(kiri)
    data = {"when": "earlier", "occurred_local": "2026-03-15T00:30", "pattern": "jerky"}
    data |= {"severity": "2", "tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    client.post(reverse("diary:new", args=["spasm"]), data)
    episode = SpasmEpisode.objects.get()
    assert episode.occurred_at == datetime(2026, 3, 14, 10, 30, tzinfo=UTC)
    history = client.get(reverse("diary:history")).text
    assert "Sunday 15 March 2026" in history
    assert "Saturday 14 March 2026" not in history
    assert "at 00:30" in history


@time_machine.travel(NOW, tick=False)
def test_it_dates_a_new_check_in_today_in_the_persons_zone(alice_client):
    response = alice_client.get(reverse("diary:new", args=["checkin"]))
    assert 'value="2026-03-15"' in response.text  # Auckland is already on the 15th


def check_in_data(**overrides):
    return {
        "date": "2026-03-14",
        "psfs_frequency": "2",
        "psfs_severity": "2",
        "spasticity": "5",
        "pain_worst": "6",
        "pain_average": "4",
        "interference_activities": "3",
        "interference_mood": "2",
        "interference_sleep": "7",
        "night_wakings": "2",
        "note": "",
        **overrides,
    }


@time_machine.travel(NOW, tick=False)
def test_it_saves_a_daily_check_in_for_yesterday(alice_client, alice):
    response = alice_client.post(
        reverse("diary:new", args=["checkin"]), check_in_data(), follow=True
    )
    assert "Daily check-in saved." in response.text
    saved = CheckIn.objects.get()
    assert (saved.date, saved.psfs_frequency, saved.psfs_severity) == (date(2026, 3, 14), 2, 2)
    assert (saved.pain_worst, saved.pain_average, saved.night_wakings) == (6, 4, 2)
    assert saved.recall_window == "24h"


@time_machine.travel(NOW, tick=False)
def test_it_drops_the_severity_when_there_were_no_spasms(alice_client):
    alice_client.post(reverse("diary:new", args=["checkin"]), check_in_data(psfs_frequency="0"))
    assert CheckIn.objects.get().psfs_severity is None


@time_machine.travel(NOW, tick=False)
def test_it_asks_for_the_severity_when_there_were_spasms(alice_client):
    response = alice_client.post(
        reverse("diary:new", args=["checkin"]), check_in_data(psfs_severity="")
    )
    assert "Say how strong the spasms were." in response.text
    assert 'value="6" id="id_pain_worst_6" checked' in response.text
    assert not CheckIn.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_refuses_an_average_above_the_worst_pain(alice_client):
    response = alice_client.post(
        reverse("diary:new", args=["checkin"]), check_in_data(pain_worst="3", pain_average="5")
    )
    assert "The average cannot be higher than the worst pain of the day." in response.text


@time_machine.travel(NOW, tick=False)
def test_it_opens_the_existing_check_in_for_a_day_that_has_one(alice_client, alice):
    existing = checkin(alice, day=date(2026, 3, 14))
    response = alice_client.get(reverse("diary:new", args=["checkin"]) + "?date=2026-03-14")
    assert response.status_code == 302
    assert response["Location"] == reverse("diary:edit", args=["checkin", existing.pk])
    response = alice_client.post(reverse("diary:new", args=["checkin"]), check_in_data())
    assert "You already have a check-in for 14 March 2026." in response.text
    assert CheckIn.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_check_in_for_a_day_still_to_come(alice_client):
    response = alice_client.post(
        reverse("diary:new", args=["checkin"]), check_in_data(date="2026-03-16")
    )
    assert "A check-in cannot be for a day that has not come yet." in response.text


def test_it_edits_an_entry_and_keeps_who_logged_it(alice_client, alice):
    episode = spasm(alice)
    data = {"when": "earlier", "occurred_local": "2026-03-15T00:30", "pattern": "clonus"}
    data |= {"severity": "3", "regions": ["trunk"], "tried-TOTAL_FORMS": "0"}
    data |= {"tried-INITIAL_FORMS": "0", "version": str(episode.version)}
    response = alice_client.post(
        reverse("diary:edit", args=["spasm", episode.pk]), data, follow=True
    )
    assert "Spasm updated." in response.text
    episode.refresh_from_db()
    assert (episode.pattern, episode.severity, episode.regions) == ("clonus", 3, ["trunk"])
    assert episode.logged_by == alice


def test_it_logs_a_treatment_event(alice_client, alice):
    data = {"date": "2026-02-01", "event_kind": "botox", "details": "Both calves, 200 units"}
    response = alice_client.post(reverse("diary:new", args=["event"]), data, follow=True)
    assert "Treatment event saved." in response.text
    event = TreatmentEvent.objects.get()
    assert (event.owner, event.event_kind, event.date) == (alice, "botox", date(2026, 2, 1))
    assert "Botulinum toxin injection" in response.text


# Red flags ------------------------------------------------------------------------------


def log_pain_with_flags(client, flags):
    data = {"when": "now", "intensity": "5", "pain_type": "unknown", "red_flags": flags}
    data |= {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    return client.post(reverse("diary:new", args=["pain"]), data, follow=True)


def test_it_warns_of_autonomic_dysreflexia_for_an_injury_at_t6_or_above(alice_client):
    response = log_pain_with_flags(alice_client, ["ad-signs"])  # alice: C6
    assert LegPainEntry.objects.get().red_flags == ["ad-signs"]
    assert "autonomic dysreflexia" in response.text
    assert "call your emergency number" in response.text


def test_it_gives_other_advice_for_the_same_symptoms_below_t6(client, bob):
    client.force_login(bob)  # bob: L1
    response = log_pain_with_flags(client, ["ad-signs"])
    assert LegPainEntry.objects.get().red_flags == ["ad-signs"]
    assert "autonomic dysreflexia" not in response.text
    assert "Get medical advice today" in response.text


def test_it_treats_an_unknown_injury_level_as_at_risk(client, db):
    client.force_login(make_user("una"))
    assert "autonomic dysreflexia" in log_pain_with_flags(client, ["ad-signs"]).text


def test_it_points_a_swollen_leg_and_chest_pain_to_urgent_care(alice_client):
    response = log_pain_with_flags(alice_client, ["leg-swollen", "chest"])
    assert "blood clot (deep vein thrombosis)" in response.text
    assert "pulmonary embolism" in response.text
    # The most urgent comes first.
    assert response.text.index("Call your emergency number now") < response.text.index(
        "deep vein thrombosis"
    )


# History, bin and undo -----------------------------------------------------------------


def test_it_lists_the_history_newest_first_across_kinds(alice_client, alice):
    spasm(alice, occurred_at=datetime(2026, 3, 10, 9, tzinfo=UTC))
    pain(alice, occurred_at=datetime(2026, 3, 12, 9, tzinfo=UTC), intensity=8)
    checkin(alice, day=date(2026, 3, 11), psfs_frequency=1, psfs_severity=1)
    text = alice_client.get(reverse("diary:history")).text
    assert (
        text.index("Leg pain 8/10") < text.index("<strong>Check-in") < text.index("Spasm</strong>")
    )


def test_it_shows_what_to_do_when_the_history_is_empty(alice_client):
    text = alice_client.get(reverse("diary:history")).text
    assert "Nothing logged yet." in text


def test_it_filters_the_history(alice_client, alice):
    bladder = builtin(Trigger, "full-bladder")
    first = spasm(alice, occurred_at=datetime(2026, 3, 1, 9, tzinfo=UTC), pattern="clonus")
    first.triggers.add(bladder)
    spasm(alice, occurred_at=datetime(2026, 3, 5, 9, tzinfo=UTC), pattern="stiffness")
    later_pain = pain(alice, occurred_at=datetime(2026, 3, 6, 9, tzinfo=UTC), intensity=9)
    InterventionUse.objects.create(intervention=builtin(Intervention, "heat"), pain=later_pain)
    url = reverse("diary:history")

    text = alice_client.get(url, {"kind": "spasm"}).text
    assert "clonus" in text
    assert "Leg pain 9/10" not in text
    text = alice_client.get(url, {"trigger": "full-bladder"}).text
    assert "clonus" in text
    assert "sustained stiffness" not in text
    text = alice_client.get(url, {"from": "2026-03-04", "to": "2026-03-05"}).text
    assert "sustained stiffness" in text
    assert "clonus" not in text
    assert "Leg pain 9/10" not in text
    text = alice_client.get(url, {"intervention": "heat"}).text
    assert "Leg pain 9/10" in text
    assert "sustained stiffness" not in text
    text = alice_client.get(url, {"trigger": "cold"}).text
    assert "Nothing matches this filter." in text


def test_it_pages_the_history(alice_client, alice):
    for day in range(1, 31):
        spasm(alice, occurred_at=datetime(2026, 1, day, 9, tzinfo=UTC))
    first_page = alice_client.get(reverse("diary:history")).text
    assert first_page.count('class="entry entry-spasm"') == 25
    assert "Friday 30 January 2026" in first_page
    assert "page=2" in first_page
    second_page = alice_client.get(reverse("diary:history"), {"page": 2}).text
    assert second_page.count('class="entry entry-spasm"') == 5
    assert "Thursday 1 January 2026" in second_page


def test_it_moves_an_entry_to_the_bin_with_undo(alice_client, alice):
    episode = spasm(alice)
    response = alice_client.post(reverse("diary:delete", args=["spasm", episode.pk]), follow=True)
    assert "Spasm moved to the bin." in response.text
    assert "Undo" in response.text
    episode.refresh_from_db()
    assert episode.deleted_at is not None
    assert "Spasm</strong>" not in response.text.split("moved to the bin")[1]

    response = alice_client.post(reverse("diary:restore", args=["spasm", episode.pk]), follow=True)
    assert "Spasm restored." in response.text
    episode.refresh_from_db()
    assert episode.deleted_at is None


def test_it_restores_from_the_bin_page_and_empties_it_only_when_confirmed(alice_client, alice):
    kept, binned = spasm(alice), pain(alice)
    binned.move_to_bin()
    checkin(alice).move_to_bin()
    bin_page = alice_client.get(reverse("diary:bin")).text
    assert "Leg pain 5/10" in bin_page
    assert "Spasm</strong>" not in bin_page

    confirm = alice_client.get(reverse("diary:empty_bin")).text
    assert "This deletes the 2 entries in the bin for good." in confirm
    assert LegPainEntry.objects.filter(pk=binned.pk).exists()

    alice_client.post(reverse("diary:restore", args=["pain", binned.pk]))
    response = alice_client.post(reverse("diary:empty_bin"), follow=True)
    assert "The bin is empty: 1 entry deleted for good." in response.text
    assert not CheckIn.objects.exists()
    assert LegPainEntry.objects.filter(pk=binned.pk, deleted_at=None).exists()
    assert SpasmEpisode.objects.filter(pk=kept.pk).exists()


def test_it_keeps_a_binned_check_in_there_if_its_day_has_a_new_one(alice_client, alice):
    old = checkin(alice)
    old.move_to_bin()
    checkin(alice, psfs_frequency=1, psfs_severity=1)
    response = alice_client.post(reverse("diary:restore", args=["checkin", old.pk]), follow=True)
    assert "stays in the bin" in response.text
    old.refresh_from_db()
    assert old.deleted_at is not None


# Own lists and pain problems ----------------------------------------------------------


def test_it_adds_a_persons_own_trigger_seen_by_nobody_else(client, alice, bob):
    client.force_login(alice)
    data = {"trigger-name": "Bumpy bus ride", "trigger-category": "movement", "add_trigger": ""}
    response = client.post(reverse("diary:own_items"), data, follow=True)
    assert "“Bumpy bus ride” is added to your list." in response.text
    trigger = Trigger.objects.get(owner=alice)
    assert trigger.slug == "bumpy-bus-ride"
    assert "Bumpy bus ride" in client.get(reverse("diary:new", args=["spasm"])).text
    client.force_login(bob)
    assert "Bumpy bus ride" not in client.get(reverse("diary:new", args=["spasm"])).text


def test_it_refuses_a_duplicate_of_a_built_in_trigger(alice_client):
    data = {"trigger-name": "cold", "trigger-category": "temperature", "add_trigger": ""}
    response = alice_client.post(reverse("diary:own_items"), data)
    assert "That is already on your list." in response.text
    assert 'value="cold"' in response.text


def test_it_names_pain_problems_and_keeps_entries_when_renamed(alice_client, alice):
    url = reverse("diary:pain_problems")
    alice_client.post(url, {"slot_1": "Burning feet", "slot_2": "Aching hip", "slot_3": ""})
    feet = PainProblem.objects.get(owner=alice, slot=1)
    entry = pain(alice, problem=feet)
    # Swap the two names: both problems keep their identity and entries.
    response = alice_client.post(
        url, {"slot_1": "Aching hip", "slot_2": "Burning feet"}, follow=True
    )
    assert "Your pain problems are saved." in response.text
    entry.refresh_from_db()
    assert entry.problem.slot == 1
    assert entry.problem.name == "Aching hip"
    assert PainProblem.objects.filter(owner=alice).count() == 2


def test_it_refuses_two_pain_problems_with_one_name(alice_client, alice):
    response = alice_client.post(
        reverse("diary:pain_problems"), {"slot_1": "Feet", "slot_2": "feet", "slot_3": ""}
    )
    assert "Give each pain problem a different name." in response.text
    assert not PainProblem.objects.exists()


# Privacy ---------------------------------------------------------------------------------


def entry_urls(entry):
    kind = entry.kind
    return [
        ("get", reverse("diary:edit", args=[kind, entry.pk])),
        ("post", reverse("diary:edit", args=[kind, entry.pk])),
        ("post", reverse("diary:delete", args=[kind, entry.pk])),
        ("post", reverse("diary:restore", args=[kind, entry.pk])),
        ("get", reverse("diary:urgent", args=[kind, entry.pk])),
    ]


def test_it_checks_ownership_of_every_entry_view(client, alice, bob):
    entries = [
        spasm(alice, note="alice's secret spasm"),
        pain(alice, note="alice's secret pain"),
        checkin(alice, note="alice's secret check-in"),
        TreatmentEvent.objects.create(owner=alice, date=date(2026, 1, 1), event_kind="botox"),
    ]
    client.force_login(bob)
    for entry in entries:
        for method, url in entry_urls(entry):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (method, url)
            assert "secret" not in response.text
    for model in (SpasmEpisode, LegPainEntry, CheckIn, TreatmentEvent):
        assert model.objects.filter(owner=alice, deleted_at=None).count() == 1
    assert "secret" not in client.get(reverse("diary:history")).text
    assert "secret" not in client.get(reverse("diary:bin")).text


def test_it_sends_visitors_to_sign_in_from_every_entry_view(client, alice):
    episode = spasm(alice)
    urls = [url for _, url in entry_urls(episode)]
    urls += [reverse("diary:quick_log"), reverse("diary:history"), reverse("diary:bin")]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), url
    client.post(reverse("diary:delete", args=["spasm", episode.pk]))
    episode.refresh_from_db()
    assert episode.deleted_at is None


def test_it_offers_only_the_persons_own_pain_problems_and_catalogue(alice_client, alice, bob):
    bobs = PainProblem.objects.create(owner=bob, slot=1, name="Bob's knee")
    Intervention.objects.create(owner=bob, slug="bobs-trick", name="Bob's trick")
    text = alice_client.get(reverse("diary:new", args=["pain"])).text
    assert "Bob's knee" not in text
    assert "Bob's trick" not in text
    data = {"when": "now", "intensity": "4", "pain_type": "unknown", "problem": bobs.pk}
    data |= {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    response = alice_client.post(reverse("diary:new", args=["pain"]), data)
    assert "That answer is not on the list any more" in response.text
    assert not LegPainEntry.objects.exists()


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        ("spasm", "Log a spasm"),
        ("pain", "Log leg pain"),
        ("checkin", "Daily check-in"),
        ("event", "Log a treatment event"),
    ],
)
def test_it_shows_a_form_for_each_kind_of_entry(alice_client, kind, heading):
    response = alice_client.get(reverse("diary:new", args=[kind]))
    assert f"<h1>{heading}</h1>" in response.text


def test_it_has_no_form_for_an_unknown_kind(alice_client):
    assert alice_client.get("/log/nonsense/").status_code == 404
    assert alice_client.get("/entries/nonsense/1/").status_code == 404


def test_it_counts_a_shaky_double_tap_on_spasm_now_as_one_spasm(alice_client, alice):
    # The clock moves only when the test moves it, so a slow machine cannot spread the taps.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        alice_client.post(reverse("diary:spasm_now"))
        clock.shift(timedelta(seconds=4))
        alice_client.post(reverse("diary:spasm_now"))
        assert SpasmEpisode.objects.filter(owner=alice).count() == 1
        clock.shift(timedelta(seconds=30))
        alice_client.post(reverse("diary:spasm_now"))
    assert SpasmEpisode.objects.filter(owner=alice).count() == 2


def test_it_only_follows_a_next_page_on_this_site_after_restoring(alice_client, alice):
    episode = spasm(alice)
    episode.move_to_bin()
    url = reverse("diary:restore", args=["spasm", episode.pk])
    response = alice_client.post(url, {"next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("diary:history")
    episode.move_to_bin()
    response = alice_client.post(url, {"next": reverse("diary:bin")})
    assert response["Location"] == reverse("diary:bin")


def test_it_refuses_an_own_trigger_whose_slug_matches_a_built_in_one(alice_client, alice):
    data = {"trigger-name": "Full-bladder", "trigger-category": "bladder", "add_trigger": ""}
    response = alice_client.post(reverse("diary:own_items"), data)
    assert "That is already on your list." in response.text
    assert not Trigger.objects.filter(owner=alice).exists()


def test_it_sends_an_entry_without_red_flags_from_the_urgent_page_to_the_entry(alice_client, alice):
    episode = spasm(alice)
    response = alice_client.get(reverse("diary:urgent", args=["spasm", episode.pk]))
    assert response["Location"] == reverse("diary:edit", args=["spasm", episode.pk])


def test_it_offers_no_blank_choice_for_what_happened(alice_client):
    text = alice_client.get(reverse("diary:new", args=["event"])).text
    assert "---------" not in text
    assert "Botulinum toxin injection" in text


def test_it_reads_the_history_in_the_same_number_of_queries_however_long(
    alice_client, alice, django_assert_max_num_queries
):
    def add_entries(count):
        problem, _ = PainProblem.objects.get_or_create(owner=alice, slot=1, name="Feet")
        for n in range(count):
            moment = datetime(2026, 1, 1, 9, tzinfo=UTC) + timedelta(hours=n)
            spasm(alice, occurred_at=moment).triggers.add(builtin(Trigger, "cold"))
            entry = pain(alice, occurred_at=moment, problem=problem)
            InterventionUse.objects.create(intervention=builtin(Intervention, "heat"), pain=entry)

    add_entries(2)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(reverse("diary:history"))
    add_entries(20)
    with django_assert_max_num_queries(len(few)):
        text = alice_client.get(reverse("diary:history")).text
    assert text.count('class="entry entry-') == 25


def test_it_reads_the_bin_in_the_same_number_of_queries_however_full(
    alice_client, alice, django_assert_max_num_queries
):
    def bin_entries(count):
        for n in range(count):
            moment = datetime(2026, 1, 1, 9, tzinfo=UTC) + timedelta(hours=n)
            episode = spasm(alice, occurred_at=moment)
            episode.triggers.add(builtin(Trigger, "cold"))
            InterventionUse.objects.create(
                intervention=builtin(Intervention, "heat"), spasm=episode
            )
            episode.move_to_bin()

    bin_entries(2)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(reverse("diary:bin"))
    bin_entries(10)
    with django_assert_max_num_queries(len(few)):
        text = alice_client.get(reverse("diary:bin")).text
    assert text.count('Tried: <a href="/guides/managing-leg-pain/#heat">Heat</a>') == 12


def test_it_flags_a_note_for_the_clinician_with_one_large_toggle(alice_client):
    page = alice_client.get(reverse("diary:new", args=["spasm"]))
    assert 'class="btn-check" name="note_for_clinician"' in page.text
    assert "Show this note to my clinician" in page.text
    data = {"when": "now", "pattern": "jerky", "severity": "2", "note": "Ask about the night"}
    data |= {"note_for_clinician": "on", "tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    alice_client.post(reverse("diary:new", args=["spasm"]), data)
    entry = SpasmEpisode.objects.get()
    assert entry.note_for_clinician
    edit = alice_client.get(entry.get_absolute_url())
    assert 'id="id_note_for_clinician" checked' in edit.text
