"""The installable app and logging offline (issue 17): the manifest, the service worker, the
offline page and the kept Log page; one-tap entries sent from the device's queue, saved once
with the moment they were tapped, refused for another account or a moment out of range."""

import json
import struct
import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from sci_tracker.accounts.drafts import SAVED_COOKIE
from sci_tracker.accounts.resume import account_tag
from sci_tracker.core.theme import THEME_COLOURS
from sci_tracker.diary.models import CareEvent, CheckIn, LegPainEntry, SpasmEpisode
from sci_tracker.sharing.models import CareAccess
from tests.conftest import make_user
from tests.entries import NOW, checkin

JSON = {"Accept": "application/json"}


def epoch_ms(moment):
    return int(moment.timestamp() * 1000)


def queued(client, name, user, *, tapped, client_id=None, account=None, person=None, **fields):
    """What static/js/queue.js sends for a tap made offline."""
    kwargs = {"person_id": person.pk} if person else {}
    return client.post(
        reverse(name, kwargs=kwargs),
        {
            "client_id": str(client_id or uuid.uuid4()),
            "tapped_at": str(epoch_ms(tapped)),
            "account": account if account is not None else account_tag(user),
            **fields,
        },
        headers=JSON,
    )


def png_size(path):
    """Width and height from a PNG's header (IHDR), read without an imaging library."""
    with open(path, "rb") as file:
        head = file.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


# The manifest, the worker, the offline page --------------------------------------------------


def test_it_serves_a_manifest_a_phone_can_install_from(client):
    response = client.get(reverse("manifest"))
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "SCI Tracker"
    assert manifest["short_name"] == "SCI Tracker"
    assert (manifest["display"], manifest["scope"], manifest["id"]) == ("standalone", "/", "/")
    assert manifest["start_url"] == "/log/"
    assert manifest["theme_color"] == THEME_COLOURS["light"]  # the page header's, as the meta tag
    assert manifest["background_color"].startswith("#")
    icons = {(icon["sizes"], icon.get("purpose", "any")): icon for icon in manifest["icons"]}
    for size, purpose in (("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")):
        icon = icons[(size, purpose)]
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon
        assert png_size(path) == tuple(int(n) for n in size.split("x"))
    assert [(s["name"], s["url"]) for s in manifest["shortcuts"]] == [
        ("Spasm now", "/log/#spasm-now"),
        ("Daily check-in", "/log/checkin/"),
    ]


def test_it_links_the_manifest_icons_and_theme_colours_from_every_page(alice_client):
    html = alice_client.get(reverse("home")).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in html
    assert png_size(finders.find("icons/apple-touch-icon.png")) == (180, 180)
    light = THEME_COLOURS["light"]
    assert f'name="theme-color" content="{light}" media="(prefers-color-scheme: light)"' in html
    assert 'media="(prefers-color-scheme: dark)"' in html
    assert 'src="/static/js/pwa.js" defer data-worker="/service-worker.js"' in html


@pytest.mark.parametrize("signed_in", [False, True])
def test_it_serves_the_service_worker_from_the_root_for_everyone_alike(client, alice, signed_in):
    if signed_in:
        client.force_login(alice)
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    # Not the private pages' "no-store": the browser asks each time whether it changed.
    assert response["Cache-Control"] == "no-cache"
    first, rest = response.text.split("\n", 1)
    shell = json.loads(first.removeprefix("const SHELL = ").removesuffix(";"))
    assert "/static/css/app.css" in shell["static"]
    assert "/static/js/log_offline.js" in shell["static"]
    assert shell["queue_script"] == "/static/js/queue.js"
    assert (shell["log_page"], shell["log_copy"]) == ("/log/", "/log/offline-copy/")
    assert shell["offline_page"] == "/offline/"
    # One worker for every language: its last resort's words in each, picked by the browser's.
    assert shell["offline_words"] == {"en-gb": "You are offline.", "es": "No tiene conexión."}
    assert "importScripts(SHELL.queue_script)" in rest
    assert 'addEventListener("fetch"' in rest
    assert 'addEventListener("sync"' in rest


def test_it_lets_the_worker_and_manifest_in_under_the_content_security_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(
        (part.strip() + " ").split(" ", 1) for part in policy.split(";") if part.strip()
    )
    assert directives["worker-src"].strip() == "'self'", policy
    assert directives["manifest-src"].strip() == "'self'", policy
    assert "'unsafe-inline'" not in directives["script-src"], policy  # still no inline script


def test_it_shows_an_offline_page_that_points_to_the_log_page(client):
    response = client.get(reverse("pwa:offline"))
    assert "<h1>You are offline</h1>" in response.text
    assert (
        "Spasm now, Leg pain now, the check-in, the bladder, bowel and skin buttons and today’s "
        "doses can still be logged on the Log page" in response.text
    )


# The Log page and its kept copy --------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("kept", ["diary:log_offline_copy", "pwa:offline"])
def test_it_leaves_a_waiting_message_to_the_next_page_not_a_page_the_worker_keeps(
    alice_client, alice, kept
):
    """The worker fetches its copies at any moment, between a save's redirect and the page it
    leads to too: a copy neither shows the message nor uses it up."""
    alice_client.post(reverse("diary:spasm_now"))  # leaves "Spasm saved" for the next page
    copy = alice_client.get(reverse(kept), headers={"Sec-Fetch-Mode": "same-origin"})
    assert copy.status_code == 200
    assert "Spasm saved" not in copy.text
    assert 'class="messages"' not in copy.text
    page = alice_client.get(reverse("diary:quick_log"), headers={"Sec-Fetch-Mode": "navigate"})
    assert "Spasm saved at 00:30" in page.text


@time_machine.travel(NOW, tick=False)
def test_it_keeps_nothing_of_the_diary_in_the_log_page_copy(alice_client, alice):
    checkin(alice, day=alice.local_today())
    copy = alice_client.get(reverse("diary:log_offline_copy"))
    assert copy["Cache-Control"] == "private, no-store"  # kept by the worker, not by a cache
    assert copy["SCI-Tracker-Account"] == account_tag(alice)  # whose copy, for the worker
    assert "<h1>Log</h1>" in copy.text
    assert "Done today" not in copy.text
    assert 'action="/log/checkin-now/"' in copy.text  # its day is not known offline
    page = alice_client.get(reverse("diary:quick_log"))
    assert "Done today: open to change it" in page.text
    assert 'action="/log/checkin-now/"' not in page.text
    assert page["Cache-Control"] == "private, no-store"


def test_it_never_keeps_a_carers_log_page_for_offline(alice):
    cara = make_user("cara")
    CareAccess.objects.create(person=alice, email=cara.email, role="carer", member=cara)
    client = Client()
    client.force_login(cara)
    # No such address for someone else's diary: the copy is always one's own.
    response = client.get(f"/people/{alice.pk}/log/offline-copy/")
    assert response.status_code == 404


def test_it_offers_leg_pain_and_the_first_check_in_question_on_the_log_page(alice_client, alice):
    html = alice_client.get(reverse("diary:quick_log")).text
    tag = account_tag(alice)
    assert f'data-account="{tag}"' in html
    # Spasm, leg pain, the check-in's first question, and bladder, bowel and skin.
    assert html.count(f'<input type="hidden" name="account" value="{tag}">') == 4
    for value in range(11):
        assert f'name="intensity" value="{value}"' in html
    assert "In the past 24 hours, how often did you have spasms?" in html
    assert 'name="psfs_frequency" value="4"' in html


# Saving a tap --------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_saves_leg_pain_now_from_the_log_page(alice_client, alice):
    response = alice_client.post(reverse("diary:pain_now"), {"intensity": "7"}, follow=True)
    pain = LegPainEntry.objects.get(owner=alice)
    assert (pain.intensity, pain.occurred_at, pain.logged_by, pain.client_id) == (
        7,
        NOW,
        alice,
        None,
    )
    assert "Leg pain 7/10 saved at 00:30" in response.text
    assert response.redirect_chain[-1][0] == pain.get_absolute_url()


@time_machine.travel(NOW, tick=False)
def test_it_saves_the_first_check_in_question_for_today(alice_client, alice):
    alice_client.post(reverse("diary:checkin_now"), {"psfs_frequency": "2", "psfs_severity": "1"})
    saved = CheckIn.objects.get(owner=alice)
    assert (saved.date, saved.psfs_frequency, saved.psfs_severity) == (date(2026, 3, 15), 2, 1)
    # No spasms: no strength to give. Some spasms: how strong is needed.
    CheckIn.objects.all().delete()
    alice_client.post(reverse("diary:checkin_now"), {"psfs_frequency": "0", "psfs_severity": "3"})
    assert CheckIn.objects.get().psfs_severity is None
    CheckIn.objects.all().delete()
    response = alice_client.post(reverse("diary:checkin_now"), {"psfs_frequency": "3"}, follow=True)
    assert "Say how strong the spasms were." in response.text
    assert not CheckIn.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_saves_a_queued_tap_at_the_moment_it_was_tapped(alice_client, alice):
    tapped = NOW - timedelta(hours=5, milliseconds=250)
    response = queued(alice_client, "diary:spasm_now", alice, tapped=tapped, severity="3")
    assert response.status_code == 200
    assert response.json() == {
        "saved": True,
        "duplicate": False,
        "message": "Spasm (severe) saved at 19:29. Add details below if you like, or leave "
        "it there.",
    }
    assert response["Cache-Control"] == "private, no-store"
    spasm = SpasmEpisode.objects.get(owner=alice)
    assert (spasm.occurred_at, spasm.severity) == (tapped, 3)
    # A chip's "15 min ago" counts back from the tap, not from the send.
    queued(alice_client, "diary:spasm_now", alice, tapped=tapped, minutes_ago="15")
    assert SpasmEpisode.objects.order_by("occurred_at").first().occurred_at == tapped - timedelta(
        minutes=15
    )
    # A queued answer leaves no message for a later page: the queue says it where it runs.
    assert "saved at" not in alice_client.get(reverse("home")).text


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("name", "fields", "model"),
    [
        ("diary:spasm_now", {}, SpasmEpisode),
        ("diary:pain_now", {"intensity": "4"}, LegPainEntry),
        ("diary:checkin_now", {"psfs_frequency": "1", "psfs_severity": "1"}, CheckIn),
        ("diary:care_now", {"event": "catheter", "volume_ml": "300"}, CareEvent),
    ],
)
def test_it_saves_a_tap_sent_twice_once(alice_client, alice, name, fields, model):
    tap = uuid.uuid4()
    tapped = NOW - timedelta(minutes=30)
    first = queued(alice_client, name, alice, tapped=tapped, client_id=tap, **fields)
    # Sent again later (the first answer never reached the phone): the same entry answers.
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        again = queued(alice_client, name, alice, tapped=tapped, client_id=tap, **fields)
    assert (first.status_code, again.status_code) == (200, 200)
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert first.json()["message"] == again.json()["message"]
    saved = model.objects.get(owner=alice)
    assert saved.client_id == tap
    # Another person's diary may hold the same id: it is unique per person and kind.
    bob = make_user("bob")
    bob_client = Client()
    bob_client.force_login(bob)
    assert queued(bob_client, name, bob, tapped=tapped, client_id=tap, **fields).json()["saved"]
    assert model.objects.filter(client_id=tap).count() == 2


@time_machine.travel(NOW, tick=False)
def test_it_dates_a_queued_check_in_by_the_day_it_was_tapped_in_the_persons_zone(
    alice_client, alice
):
    # 23:30 on 14 March in Auckland, sent at 00:30 on the 15th.
    tapped = NOW - timedelta(hours=1)
    fields = {"psfs_frequency": "2", "psfs_severity": "2"}
    queued(alice_client, "diary:checkin_now", alice, tapped=tapped, **fields)
    assert CheckIn.objects.get(owner=alice).date == date(2026, 3, 14)
    # That day has its check-in now: another answer for it is refused, saying where to go.
    response = queued(alice_client, "diary:checkin_now", alice, tapped=tapped, **fields)
    assert response.status_code == 409
    assert response.json() == {
        "saved": False,
        "error": "Not saved: there is already a check-in for 14 March 2026. Open it from the "
        "history to change it.",
    }
    assert CheckIn.objects.count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("tapped", "saved"),
    [
        (NOW - timedelta(days=7), True),
        (NOW - timedelta(days=7, seconds=1), False),
        (NOW + timedelta(minutes=5), True),  # a device clock a little fast
        (NOW + timedelta(minutes=5, seconds=1), False),
    ],
)
def test_it_takes_a_tapped_time_only_from_the_last_seven_days(alice_client, alice, tapped, saved):
    response = queued(alice_client, "diary:pain_now", alice, tapped=tapped, intensity="5")
    assert LegPainEntry.objects.exists() is saved
    if not saved:
        assert response.status_code == 400
        assert response.json()["error"] == (
            "Not saved: this was tapped more than 7 days ago, or the device's clock is wrong. "
            "Log it again with its time on the full form."
        )


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_tap_queued_under_another_account(alice_client, alice):
    bob = make_user("bob")
    response = queued(alice_client, "diary:spasm_now", alice, tapped=NOW, account=account_tag(bob))
    assert response.status_code == 403
    assert response.json()["error"].startswith(
        "Not saved: this was logged on this device under another account."
    )
    assert not SpasmEpisode.objects.exists()
    # Sent as a page (no JSON asked), the refusal is said on the Log page.
    response = alice_client.post(
        reverse("diary:pain_now"), {"intensity": "3", "account": "not-this-one"}, follow=True
    )
    assert "under another account" in response.text
    assert not LegPainEntry.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_saves_a_carers_queued_tap_in_the_persons_diary_under_the_carers_account(alice):
    cara = make_user("cara")
    CareAccess.objects.create(
        person=alice, email=cara.email, role="carer", member=cara, accepted_at=NOW
    )
    client = Client()
    client.force_login(cara)
    tapped = NOW - timedelta(minutes=3)
    # Made under alice's account (a shared phone), sent while cara is signed in: refused.
    refused = queued(
        client, "diary:pain_now", cara, tapped=tapped, account=account_tag(alice), person=alice
    )
    assert refused.status_code == 403
    response = queued(client, "diary:pain_now", cara, tapped=tapped, person=alice, intensity="8")
    assert response.json()["message"] == "Leg pain 8/10 saved for Alice at 00:27."
    pain = LegPainEntry.objects.get()
    assert (pain.owner, pain.logged_by, pain.occurred_at) == (alice, cara, tapped)


def test_it_sends_a_queued_tap_to_sign_in_when_the_session_ended(client, alice):
    response = client.post(
        reverse("diary:pain_now"), {"intensity": "2", "account": account_tag(alice)}, headers=JSON
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not LegPainEntry.objects.exists()


def test_it_tells_the_next_page_whose_queue_to_empty_after_signing_out(alice_client, alice):
    response = alice_client.post(reverse("logout"), follow=True)
    assert f'data-forget="{account_tag(alice)}"' in response.text


@pytest.mark.parametrize("kept", ["diary:log_offline_copy", "pwa:offline"])
def test_it_keeps_the_drafts_notes_out_of_the_pages_the_worker_keeps(alice_client, alice, kept):
    """A kept page is shown again later: it must not replay "this form was saved" or "this
    account signed out", nor use those notes up before the page they are meant for."""
    alice_client.cookies[SAVED_COOKIE] = "/log/pain/"
    response = alice_client.get(reverse(kept))
    assert 'data-saved=""' in response.text
    assert SAVED_COOKIE not in response.cookies  # not deleted: still there for the next page
    assert 'data-saved="/log/pain/"' in alice_client.get(reverse("home")).text
