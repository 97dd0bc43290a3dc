"""Fast entry (issue 16): one-tap spasms with a severity and a time, "not given" for what
nobody chose, the saved time on the edit page, and "Something urgent?"."""

import csv
import io
import json
import re
from datetime import timedelta
from html import unescape as html_unescape

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from sci_tracker.diary.last_time import usual_interventions
from sci_tracker.diary.models import FoldState, Intervention, PainSite, SpasmEpisode, Trigger
from sci_tracker.sharing.models import CareAccess
from tests.conftest import make_user
from tests.entries import NOW, builtin, pain, spasm


def checked_value(html, name):
    """The value of the ticked radio button called `name` on a page."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


# The database ------------------------------------------------------------------------------


def test_it_stores_a_spasm_with_pattern_and_severity_not_given(alice):
    episode = spasm(alice)
    episode.refresh_from_db()
    assert (episode.pattern, episode.severity) == ("", None)
    assert str(episode) == "Spasm"


@pytest.mark.parametrize(
    "fields", [{"severity": 0}, {"severity": 4}, {"pattern": "wobbly"}, {"pattern": " "}]
)
def test_it_refuses_a_severity_or_pattern_outside_the_choices(alice, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        spasm(alice, **fields)


# One tap -----------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("severity", "label"), [("1", "mild"), ("2", "moderate"), ("3", "severe")])
def test_it_logs_a_spasm_now_with_the_severity_tapped(alice_client, alice, severity, label):
    response = alice_client.post(reverse("diary:spasm_now"), {"severity": severity}, follow=True)
    episode = SpasmEpisode.objects.get()
    assert (episode.severity, episode.pattern, episode.occurred_at) == (int(severity), "", NOW)
    assert f"Spasm ({label}) saved at 00:30" in response.text  # Auckland: UTC+13


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("minutes", [15, 60])
def test_it_logs_a_spasm_minutes_ago_in_one_tap(alice_client, alice, minutes):
    alice_client.post(reverse("diary:spasm_now"), {"minutes_ago": str(minutes), "severity": "3"})
    episode = SpasmEpisode.objects.get()
    assert episode.occurred_at == NOW - timedelta(minutes=minutes)
    assert episode.severity == 3


@time_machine.travel(NOW, tick=False)
def test_it_takes_a_severity_tapped_right_after_spasm_now_as_the_same_spasm(alice_client):
    alice_client.post(reverse("diary:spasm_now"))
    alice_client.post(reverse("diary:spasm_now"), {"severity": "2"})
    assert list(SpasmEpisode.objects.values_list("severity", flat=True)) == [2]


@time_machine.travel(NOW, tick=False)
def test_it_keeps_a_spasm_an_hour_ago_apart_from_one_now(alice_client):
    alice_client.post(reverse("diary:spasm_now"))
    alice_client.post(reverse("diary:spasm_now"), {"minutes_ago": "60"})
    assert SpasmEpisode.objects.count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"severity": "4"},
        {"severity": "0"},
        {"severity": "mild"},
        {"minutes_ago": "30"},
        {"minutes_ago": "-15"},
        {"minutes_ago": "9" * 40},
        {"severity": "\x00"},
    ],
)
def test_it_refuses_a_one_tap_spasm_it_does_not_know_and_writes_nothing(alice_client, data):
    response = alice_client.post(reverse("diary:spasm_now"), data)
    assert response.status_code == 400
    assert not SpasmEpisode.objects.exists()


def test_it_logs_a_spasm_with_a_severity_for_the_person_a_carer_helps(alice):
    cara = make_user("cara")
    CareAccess.objects.create(
        person=alice, email=cara.email, role="carer", member=cara, accepted_at=NOW
    )
    client = Client()
    client.force_login(cara)
    log = {"person_id": alice.pk}
    response = client.post(
        reverse("diary:spasm_now", kwargs=log), {"severity": "1", "minutes_ago": "15"}, follow=True
    )
    episode = SpasmEpisode.objects.get()
    assert (episode.owner, episode.logged_by, episode.severity) == (alice, cara, 1)
    assert "Spasm (mild) saved for Alice at" in response.text


# The Log page and the page after -------------------------------------------------------------


def test_it_offers_severity_and_time_chips_on_the_log_page(alice_client):
    html = alice_client.get(reverse("diary:quick_log")).text
    assert 'name="severity" value="1"' in html
    assert 'name="severity" value="3"' in html
    assert checked_value(html, "minutes_ago") == "0"
    assert 'name="minutes_ago" value="15"' in html
    assert "Something urgent?" in html
    assert reverse("diary:new", args=["spasm"]) + "?urgent=1#id_red_flags" in html


@time_machine.travel(NOW, tick=False)
def test_it_shows_the_time_logged_after_spasm_now_not_earlier(alice_client):
    response = alice_client.post(reverse("diary:spasm_now"), follow=True)
    html = response.text
    assert checked_value(html, "when") == "saved"
    assert "At 00:30" in html
    assert checked_value(html, "when") != "earlier"


def test_it_names_the_day_of_a_time_saved_on_another_day(alice_client, alice):
    episode = spasm(alice, occurred_at=NOW - timedelta(days=3))
    html = alice_client.get(reverse("diary:edit", args=["spasm", episode.pk])).text
    assert "At 00:30 on 12 Mar 2026" in html


@time_machine.travel(NOW + timedelta(hours=2), tick=False)
def test_it_keeps_the_saved_time_when_details_are_added(alice_client, alice):
    episode = spasm(alice, occurred_at=NOW)
    data = {
        "version": str(episode.version),
        "when": "saved",
        "pattern": "clonus",
        "tried-TOTAL_FORMS": "0",
        "tried-INITIAL_FORMS": "0",
    }
    alice_client.post(reverse("diary:edit", args=["spasm", episode.pk]), data)
    episode.refresh_from_db()
    assert (episode.occurred_at, episode.pattern, episode.severity) == (NOW, "clonus", None)


def test_it_refuses_the_saved_time_chip_on_a_new_entry(alice_client):
    data = {"when": "saved", "tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    response = alice_client.post(reverse("diary:new", args=["spasm"]), data)
    assert response.status_code == 200
    assert not SpasmEpisode.objects.exists()


def test_it_shows_severity_not_given_in_the_history(alice_client, alice):
    spasm(alice)
    spasm(alice, pattern="clonus", severity=3)
    html = alice_client.get(reverse("diary:history")).text
    assert "severity not given" in html
    assert "clonus (rhythmic jerking), severe" in html


@pytest.mark.parametrize("kind", ["spasm", "pain"])
def test_it_links_something_urgent_to_the_forms_own_red_flags(alice_client, kind):
    html = alice_client.get(reverse("diary:new", args=[kind])).text
    assert 'href="#id_red_flags"' in html
    assert 'id="id_red_flags"' in html


@pytest.mark.parametrize("kind", ["checkin", "event", "ad"])
def test_it_links_something_urgent_from_other_forms_to_a_spasms_red_flags(alice_client, kind):
    html = alice_client.get(reverse("diary:new", args=[kind])).text
    assert reverse("diary:new", args=["spasm"]) + "?urgent=1#id_red_flags" in html


# Where the data goes ----------------------------------------------------------------------


def test_it_exports_not_given_as_empty_csv_cells(alice_client, alice):
    spasm(alice)
    response = alice_client.get(reverse("exports:csv", args=["spasms"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert (rows[0]["pattern"], rows[0]["severity"]) == ("", "")


# Folds ------------------------------------------------------------------------------------


def fold_open(html, key):
    tag = re.search(rf'<details[^>]*data-fold="{key}"[^>]*>', html)
    assert tag, f"no fold {key}"
    return " open" in tag.group(0)


def test_it_folds_the_optional_parts_of_a_new_form(alice_client):
    html = alice_client.get(reverse("diary:new", args=["pain"])).text
    for key in ("pain-kind", "pain-triggers", "pain-tried", "pain-red_flags", "pain-note"):
        assert not fold_open(html, key)
    # The common path stays out of the folds.
    assert html.index('name="intensity"') < html.index('data-fold="pain-kind"')


def test_it_remembers_a_fold_open_for_the_person_who_opened_it(alice_client, alice, bob):
    response = alice_client.post(reverse("diary:fold"), {"fold": "pain-triggers", "open": "1"})
    assert response.status_code == 204
    assert FoldState.objects.get(user=alice).open_parts == {"pain-triggers": True}
    html = alice_client.get(reverse("diary:new", args=["pain"])).text
    assert fold_open(html, "pain-triggers")
    assert not fold_open(html, "pain-tried")
    alice_client.post(reverse("diary:fold"), {"fold": "pain-triggers", "open": "0"})
    assert not fold_open(
        alice_client.get(reverse("diary:new", args=["pain"])).text, "pain-triggers"
    )
    alice_client.post(reverse("diary:fold"), {"fold": "spasm-note", "open": "1"})
    # Bob's forms are his own.
    client = Client()
    client.force_login(bob)
    assert not fold_open(client.get(reverse("diary:new", args=["spasm"])).text, "spasm-note")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"fold": "pain-triggers"},
        {"fold": "nope", "open": "1"},
        {"fold": "x" * 5000, "open": "1"},
    ],
)
def test_it_refuses_a_fold_it_does_not_know(alice_client, alice, data):
    assert alice_client.post(reverse("diary:fold"), data).status_code == 400
    assert not FoldState.objects.exists()


def test_it_opens_the_red_flags_for_something_urgent(alice_client):
    html = alice_client.get(reverse("diary:new", args=["spasm"]) + "?urgent=1").text
    assert fold_open(html, "spasm-red_flags")
    assert not fold_open(html, "spasm-triggers")


def test_it_opens_a_fold_with_an_error_or_a_stored_answer(alice_client, alice):
    episode = spasm(alice, note="Kept", duration="seconds")
    html = alice_client.get(reverse("diary:edit", args=["spasm", episode.pk])).text
    assert fold_open(html, "spasm-note")
    assert fold_open(html, "spasm-more")
    assert not fold_open(html, "spasm-triggers")
    data = {
        "when": "now",
        "triggers": "999999",
        "tried-TOTAL_FORMS": "0",
        "tried-INITIAL_FORMS": "0",
    }
    html = alice_client.post(reverse("diary:new", args=["spasm"]), data).text
    assert fold_open(html, "spasm-triggers")


def test_it_puts_save_in_a_bar_of_its_own_on_every_form(alice_client):
    for kind in ("spasm", "pain", "checkin", "event", "ad"):
        html = alice_client.get(reverse("diary:new", args=[kind])).text
        assert re.search(r'<div class="save-bar">\s*<button type="submit"', html), kind


# Same as last time ---------------------------------------------------------------------------


def test_it_offers_the_last_entrys_triggers_and_what_was_tried(alice_client, alice, bob):
    older = spasm(alice, occurred_at=NOW - timedelta(days=2))
    older.triggers.add(builtin(Trigger, "cold"))
    last = spasm(alice, occurred_at=NOW - timedelta(days=1))
    last.triggers.add(builtin(Trigger, "full-bladder"), builtin(Trigger, "cold"))
    last.uses.create(intervention=builtin(Intervention, "stretching"), dose="5 min", effect="worse")
    binned = spasm(alice, occurred_at=NOW)
    binned.triggers.add(builtin(Trigger, "skin-irritation"))
    binned.move_to_bin()
    html = alice_client.get(reverse("diary:new", args=["spasm"])).text
    cold, bladder = builtin(Trigger, "cold").pk, builtin(Trigger, "full-bladder").pk
    assert f'data-same-triggers="{cold} {bladder}"' in html
    stretching = builtin(Intervention, "stretching").pk
    tried = json.loads(html_unescape(re.search(r'data-same-tried="([^"]*)"', html).group(1)))
    assert tried == [{"intervention": stretching, "dose": "5 min", "effect": "worse"}]
    # Not on pain, where nothing was logged; not on an edit; not in Bob's diary.
    assert "data-same-" not in alice_client.get(reverse("diary:new", args=["pain"])).text
    edit = alice_client.get(reverse("diary:edit", args=["spasm", last.pk])).text
    assert "data-same-" not in edit
    client = Client()
    client.force_login(bob)
    assert "data-same-" not in client.get(reverse("diary:new", args=["spasm"])).text


@time_machine.travel(NOW, tick=False)
def test_it_orders_the_usual_things_tried_by_this_persons_use(alice_client, alice, bob):
    stretching, heat, baclofen, cold_pack = (
        builtin(Intervention, slug) for slug in ("stretching", "heat", "baclofen", "cold-pack")
    )
    for _ in range(2):
        spasm(alice).uses.create(intervention=heat)
    spasm(alice).uses.create(intervention=stretching)
    pain(alice).uses.create(intervention=heat)
    for _ in range(5):
        spasm(bob).uses.create(intervention=baclofen)  # Bob's use is not Alice's
    # "Usual" looks back a year, and leaves out entries in the bin.
    for _ in range(3):
        spasm(alice, occurred_at=NOW - timedelta(days=366)).uses.create(intervention=cold_pack)
    for _ in range(3):
        pain(alice, deleted_at=NOW).uses.create(intervention=baclofen)
    assert usual_interventions(alice) == [heat, stretching]
    html = alice_client.get(reverse("diary:new", args=["pain"])).text
    chips = re.findall(r'data-intervention="(\d+)"', html)
    assert chips == [str(heat.pk), str(stretching.pk)]
    # Each row's "Did it help?" is a group of chips, "Not sure yet" until one is tapped.
    assert checked_value(html, "tried-0-effect") == "not-sure"


# Where it hurts: the body map ------------------------------------------------------------------


def sites_fieldset(html):
    return re.search(r'<fieldset[^>]*id="id_sites".*?</fieldset>', html, re.S).group(0)


def test_it_draws_every_pain_site_on_a_front_and_a_back_view_inside_the_where_list(alice_client):
    html = alice_client.get(reverse("diary:new", args=["pain"])).text
    where = sites_fieldset(html)
    body_map = re.search(r"<div[^>]*data-body-map[^>]*>.*?</svg>", where, re.S).group(0)
    # Each site once on each view, and each a box of the list beside it.
    regions = re.findall(r'data-site="([^"]+)"', body_map)
    assert sorted(regions) == sorted(PainSite.values * 2)
    assert regions[:12] != regions[12:]  # from behind, the sides swap places
    for value in PainSite.values:
        assert f'type="checkbox" class="btn-check" name="sites" value="{value}"' in where
    # Each view named, each leg labelled with its side.
    texts = [html_unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", body_map)]
    assert texts == ["Front", "Right", "Left", "Back", "Left", "Right"]
    # A pointer's shortcut only: hidden from assistive technology, no tab stops, and hidden
    # until its script shows it (without JavaScript the list alone does the work).
    assert re.search(r'<div class="body-map" data-body-map hidden>', body_map)
    assert '<svg viewBox="0 0 360 294" aria-hidden="true" focusable="false">' in body_map
    assert "tabindex" not in body_map
    assert "<a " not in body_map
    assert re.search(r'<script src="[^"]*js/body_map[^"]*\.js" defer>', html)


def test_it_keeps_the_body_map_to_the_pain_form(alice_client, alice):
    for kind in ("spasm", "checkin"):
        html = alice_client.get(reverse("diary:new", args=[kind])).text
        assert "data-body-map" not in html
        assert "body_map" not in html
    # Editing a pain entry: the map shows, its sites ticked in the list it draws from.
    entry = pain(alice, sites=["left-knee"])
    html = alice_client.get(reverse("diary:edit", args=["pain", entry.pk])).text
    assert "data-body-map" in sites_fieldset(html)
    assert 'name="sites" value="left-knee" id="id_sites_4" checked' in html


# Leg pain from home ------------------------------------------------------------------------------


def test_it_offers_leg_pain_now_on_a_persons_home_with_or_without_entries(alice_client, alice):
    pain_form = reverse("diary:new", args=["pain"])
    first_steps = alice_client.get(reverse("home")).text
    assert "What to do first" in first_steps
    assert f'href="{pain_form}">Leg pain now</a>' in first_steps
    with time_machine.travel(NOW, tick=False):
        spasm(alice)
        home = alice_client.get(reverse("home")).text
    assert "What to do first" not in home
    assert f'href="{reverse("diary:quick_log")}">Log now</a>' in home
    assert f'href="{pain_form}">Leg pain now</a>' in home
