"""Who is using the app: a carer in a person's diary always sees whose diary they write to, and
finds, changes and bins the entries they logged there; the home page and menu fit each role."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import LegPainEntry, SpasmEpisode
from sci_tracker.sharing.models import CareAccess, ShareLink
from sci_tracker.sharing.qr import QUIET_ZONE, qr_drawing
from tests.conftest import PASSWORD, diary_queries, make_user
from tests.entries import NOW, pain, spasm


@pytest.fixture
def carer(db):
    return make_user("cara")


@pytest.fixture
def clinician(db):
    return make_user("dr_okafor", is_clinician=True)


def grant(person, member, role):
    return CareAccess.objects.create(
        person=person, email=member.email, role=role, member=member, accepted_at=timezone.now()
    )


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def menu_links(html):
    """(text, href) of every link in the main menu, as a person reads them."""
    nav = re.search(r'<nav class="container site-nav" aria-label="Main">(.*?)</nav>', html, re.S)
    links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', nav.group(1), re.S)
    return [
        (" ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split()), href) for href, text in links
    ]


def heading(html):
    return unescape(re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).strip()


def buttons(html):
    """The page's own buttons: those in <main>, not the footer's language menu."""
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    found = re.findall(r'<button type="submit"[^>]*>(.*?)</button>', main, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split()) for text in found]


def pain_data(**fields):
    data = {"when": "now", "intensity": "6", "pain_type": "unknown"}
    data |= {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    return data | fields


# Whose diary ---------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_names_the_person_on_every_logging_page_a_carer_opens(alice, carer):
    grant(alice, carer, "carer")
    client = signed_in(carer)
    scope = {"person_id": alice.pk}
    log = client.get(reverse("diary:quick_log", kwargs=scope)).text
    assert heading(log) == "Log for Alice"
    assert "Spasm now for Alice Saves to Alice’s diary at once" in buttons(log)
    titles = {
        "spasm": "Log a spasm for Alice",
        "pain": "Log leg pain for Alice",
        "checkin": "Daily check-in for Alice",
        "event": "Log a treatment event for Alice",
        "ad": "Log an autonomic dysreflexia episode for Alice",  # alice: C6
    }
    for kind, title in titles.items():
        page = client.get(reverse("diary:new", kwargs={**scope, "kind": kind})).text
        assert heading(page) == title, kind
        assert f"<title>{title} · SCI Tracker</title>" in unescape(page), kind
        assert buttons(page)[-1] == "Save to Alice’s diary", kind


def test_it_keeps_the_plain_words_in_the_persons_own_diary(alice_client):
    log = alice_client.get(reverse("diary:quick_log")).text
    assert heading(log) == "Log"
    assert "Spasm now Saves at once; add details after" in buttons(log)
    assert buttons(alice_client.get(reverse("diary:new", args=["pain"])).text)[-1] == "Save"
    assert [text for text, _ in menu_links(log)][:4] == ["SCI Tracker", "Log", "History", "Trends"]


def test_it_points_a_carers_menu_into_the_persons_diary(alice, carer):
    grant(alice, carer, "carer")
    spasm(carer)  # the carer keeps a diary of their own too
    client = signed_in(carer)
    own_log, own_history = reverse("diary:quick_log"), reverse("diary:history")
    for url in (
        reverse("diary:quick_log", kwargs={"person_id": alice.pk}),
        reverse("diary:new", kwargs={"person_id": alice.pk, "kind": "pain"}),
        reverse("diary:history", kwargs={"person_id": alice.pk}),
        reverse("trends:overview", kwargs={"person_id": alice.pk}),
    ):
        links = dict(menu_links(client.get(url).text))
        assert links["Log for Alice"] == f"/people/{alice.pk}/log/", url
        assert links["What you logged for Alice"] == f"/people/{alice.pk}/entries/", url
        assert links["Alice’s trends"] == f"/people/{alice.pk}/trends/", url
        # The one way back to the carer's own diary says so.
        assert [text for text, href in links.items() if href in (own_log, own_history)] == [
            "Your own diary"
        ], url
        assert "Log" not in links, url
        assert "History" not in links, url
        assert "People you help" not in links, url  # the banner has it: a shorter menu
    # In their own diary the menu is their own again.
    links = dict(menu_links(client.get(own_log).text))
    assert links["People you help"] == reverse("sharing:people")
    assert links["Log"] == own_log
    assert links["History"] == own_history


def test_it_says_your_own_diary_to_a_clinician_and_a_signed_in_link_holder(alice, clinician, bob):
    grant(alice, clinician, "clinician")
    page = signed_in(clinician).get(reverse("trends:overview", kwargs={"person_id": alice.pk}))
    links = dict(menu_links(page.text))
    assert "Log for Alice" not in links
    assert "Log" not in links
    assert links["Your own diary"] == reverse("diary:quick_log")
    assert f'<a href="{reverse("sharing:people")}">My patients</a>' in page.text  # the banner
    # Someone signed in who opens a share link is in the link's diary, not their own.
    _link, token = ShareLink.make(alice, 7)
    page = signed_in(bob).get(reverse("trends:overview", kwargs={"token": token}))
    links = dict(menu_links(page.text))
    assert "Log" not in links
    assert "History" not in links
    assert links["Your own diary"] == reverse("diary:quick_log")


@time_machine.travel(NOW, tick=False)
def test_it_saves_spasm_now_from_inside_the_persons_diary_to_the_person(alice, carer):
    grant(alice, carer, "carer")
    client = signed_in(carer)
    response = client.post(reverse("diary:spasm_now", kwargs={"person_id": alice.pk}), follow=True)
    assert "Spasm saved for Alice at 00:30." in response.text
    entry = SpasmEpisode.objects.get()
    assert (entry.owner, entry.logged_by) == (alice, carer)
    assert heading(response.text) == "Log for Alice"


# What the carer logged ----------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_lets_a_carer_see_and_fix_what_they_logged_for_the_person(alice, carer):
    grant(alice, carer, "carer")
    pain(alice, intensity=3, note="ALICE-OWN")  # alice's own entry stays out of the carer's lists
    client = signed_in(carer)
    scope = {"person_id": alice.pk}
    client.post(reverse("diary:new", kwargs={**scope, "kind": "pain"}), pain_data(note="CARA"))
    entry = LegPainEntry.objects.get(logged_by=carer)
    assert (entry.owner, entry.intensity) == (alice, 6)

    log = client.get(reverse("diary:quick_log", kwargs=scope)).text
    assert "What you logged for Alice today" in log
    assert "Leg pain 6/10" in log
    assert "CARA" in log
    assert "ALICE-OWN" not in log
    edit_url = reverse("diary:edit", kwargs={**scope, "kind": "pain", "pk": entry.pk})
    assert f'href="{edit_url}"' in log
    history = client.get(reverse("diary:history", kwargs=scope)).text
    assert heading(history) == "What you logged for Alice"
    assert "CARA" in history
    assert "ALICE-OWN" not in history
    assert f'href="{edit_url}"' in history

    page = client.get(edit_url).text
    assert heading(page) == "Edit: leg pain, in Alice’s diary"
    assert "Save to Alice’s diary" in buttons(page)
    data = pain_data(intensity="4", note="CARA fixed", version=str(entry.version))
    data |= {"when": "earlier", "occurred_local": "2026-03-14T10:00"}
    response = client.post(edit_url, data, follow=True)
    assert "Leg pain updated for Alice." in response.text
    entry.refresh_from_db()
    assert (entry.owner, entry.logged_by, entry.intensity, entry.note) == (
        alice,
        carer,
        4,
        "CARA fixed",
    )

    delete_url = reverse("diary:delete", kwargs={**scope, "kind": "pain", "pk": entry.pk})
    response = client.post(delete_url, {"version": str(entry.version)}, follow=True)
    assert response.redirect_chain[-1][0] == (
        f"{reverse('diary:history', kwargs=scope)}?binned=pain-{entry.pk}"
    )
    assert "Leg pain moved to the bin." in response.text
    entry.refresh_from_db()
    assert entry.deleted_at is not None
    restore_url = reverse("diary:restore", kwargs={**scope, "kind": "pain", "pk": entry.pk})
    assert f'action="{restore_url}"' in response.text
    client.post(restore_url)
    entry.refresh_from_db()
    assert entry.deleted_at is None
    assert LegPainEntry.objects.get(note="ALICE-OWN").deleted_at is None


def test_it_keeps_each_carer_to_the_entries_they_logged(alice, carer, bob, clinician):
    grant(alice, carer, "carer")
    grant(alice, clinician, "clinician")
    other_carer = make_user("colin")
    grant(alice, other_carer, "carer")
    theirs = spasm(alice, logged_by=other_carer, note="COLIN")
    mine = spasm(alice, logged_by=carer, note="CARA")
    client = signed_in(carer)
    scope = {"person_id": alice.pk, "kind": "spasm"}
    for entry in (theirs, spasm(alice, note="ALICE-OWN")):
        for name in ("diary:edit", "diary:urgent"):
            assert client.get(reverse(name, kwargs={**scope, "pk": entry.pk})).status_code == 404
        for name in ("diary:delete", "diary:restore"):
            assert client.post(reverse(name, kwargs={**scope, "pk": entry.pk})).status_code == 404
    assert "COLIN" not in client.get(reverse("diary:history", kwargs={"person_id": alice.pk})).text
    # A stranger and the clinician get 404 on the carer's entry, as on a person who is not there.
    for outsider in (bob, clinician):
        other = signed_in(outsider)
        assert other.get(reverse("diary:edit", kwargs={**scope, "pk": mine.pk})).status_code == 404
        assert (
            other.post(reverse("diary:delete", kwargs={**scope, "pk": mine.pk})).status_code == 404
        )
        history = reverse("diary:history", kwargs={"person_id": alice.pk})
        assert other.get(history).status_code == 404
    assert SpasmEpisode.objects.filter(deleted_at__isnull=False).count() == 0


# A carer's words and times -----------------------------------------------------------------


def page_words(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@time_machine.travel(NOW, tick=False)
def test_it_names_the_person_in_every_question_a_carer_reads(alice, carer):
    grant(alice, carer, "carer")
    client = signed_in(carer)
    scope = {"person_id": alice.pk}
    pages = {
        kind: page_words(client.get(reverse("diary:new", kwargs={**scope, "kind": kind})).text)
        for kind in ("spasm", "pain", "checkin", "event", "ad")
    }
    for kind, words in pages.items():
        assert "Show this note to Alice’s clinician" in words, kind
        assert "Flagged notes are listed in the report for Alice’s clinician." in words, kind
        assert "my clinician" not in words.lower(), kind
        assert "your clinician" not in words.lower(), kind
    for kind in ("spasm", "pain"):
        assert "Tick any Alice has. The app will tell you what to do next." in pages[kind]
        assert "What was tried?" in pages[kind]
        assert "What did you try?" not in pages[kind]
        assert "in Alice’s time zone: Pacific/Auckland (yours is UTC)" in pages[kind]
    assert "Not one of Alice’s pain problems" in pages["pain"]
    assert "Your own guess" not in pages["pain"]
    checkin_words = pages["checkin"]
    assert "In the past 24 hours, how often did Alice have spasms?" in checkin_words
    assert "In the past 24 hours, how many times did spasms or pain wake Alice?" in checkin_words
    assert "Leave this if Alice had none." in checkin_words
    assert " did you " not in checkin_words
    # The person's own forms keep speaking to them.
    own = page_words(signed_in(alice).get(reverse("diary:new", args=["spasm"])).text)
    assert "Show this note to my clinician" in own
    assert "What did you try?" in own
    assert "In your own time zone." in own
    own = page_words(signed_in(alice).get(reverse("diary:new", args=["checkin"])).text)
    assert "In the past 24 hours, how often did you have spasms?" in own


@time_machine.travel(NOW, tick=False)
def test_it_names_the_person_on_the_urgent_advice_a_carer_reads(alice, carer):
    grant(alice, carer, "carer")
    client = signed_in(carer)
    url = reverse("diary:new", kwargs={"person_id": alice.pk, "kind": "spasm"})
    response = client.post(url, {"when": "now", "red_flags": ["chest"], **TRIED_NONE}, follow=True)
    assert heading(response.text) == "Alice’s symptoms need attention"
    assert "<title>Alice’s symptoms need attention · SCI Tracker</title>" in unescape(response.text)
    assert "The advice below speaks to Alice" in page_words(response.text)
    response = signed_in(alice).post(
        reverse("diary:new", args=["spasm"]),
        {"when": "now", "red_flags": ["chest"], **TRIED_NONE},
        follow=True,
    )
    assert heading(response.text) == "Your symptoms need attention"
    assert "The advice below speaks to" not in response.text


TRIED_NONE = {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}


@pytest.fixture
def far_carer(alice):
    """A carer in Denver for Alice in Auckland: at NOW it is the 14th there, the 15th here."""
    carer = make_user("cara", time_zone="America/Denver")
    grant(alice, carer, "carer")
    return carer


@time_machine.travel(NOW, tick=False)
def test_it_reads_a_carers_typed_times_in_the_persons_zone(alice, far_carer):
    client = signed_in(far_carer)
    scope = {"person_id": alice.pk}
    # 00:10 on the 15th in Auckland is 11:10 UTC on the 14th: 20 minutes ago. Read in Denver
    # it would be hours ahead, and refused as in the future.
    earlier = {"when": "earlier", "occurred_local": "2026-03-15T00:10"}
    at = datetime(2026, 3, 14, 11, 10, tzinfo=UTC)
    spasm_url = reverse("diary:new", kwargs={**scope, "kind": "spasm"})
    form = page_words(client.get(spasm_url).text)
    assert (
        "The time it happened, in Alice’s time zone: Pacific/Auckland (yours is America/Denver)."
        in form
    )
    assert client.post(spasm_url, {**earlier, **TRIED_NONE}).status_code == 302
    saved = SpasmEpisode.objects.get(owner=alice)
    assert saved.occurred_at == at
    pain_url = reverse("diary:new", kwargs={**scope, "kind": "pain"})
    assert client.post(pain_url, pain_data(**earlier)).status_code == 302
    assert LegPainEntry.objects.get(owner=alice).occurred_at == at

    # The edit page shows the saved time in Alice's zone, and keeps it when sent back.
    edit_url = reverse("diary:edit", kwargs={**scope, "kind": "spasm", "pk": saved.pk})
    edit = client.get(edit_url).text
    assert 'value="2026-03-15T00:10"' in edit
    assert "At 00:10" in page_words(edit)
    data = {**earlier, "occurred_local": "2026-03-15T00:05", "version": str(saved.version)}
    assert client.post(edit_url, {**data, **TRIED_NONE}).status_code == 302
    saved.refresh_from_db()
    assert saved.occurred_at == datetime(2026, 3, 14, 11, 5, tzinfo=UTC)

    # The day of a check-in and an event is Alice's day too: the 15th has come in Auckland.
    checkin_url = reverse("diary:new", kwargs={**scope, "kind": "checkin"})
    checkin_form = page_words(client.get(checkin_url).text)
    assert "The day it is about, in Alice’s time zone: Pacific/Auckland" in checkin_form
    response = client.post(checkin_url, {"date": "2026-03-15", "psfs_frequency": "0"})
    assert response.status_code == 302
    event_url = reverse("diary:new", kwargs={**scope, "kind": "event"})
    response = client.post(event_url, {"date": "2026-03-15", "event_kind": "botox"})
    assert response.status_code == 302

    # "15 min ago" from the Log page, and the carer's list of today: in Alice's time.
    quick = reverse("diary:spasm_now", kwargs=scope)
    response = client.post(quick, {"minutes_ago": "15"}, follow=True)
    assert "Spasm saved for Alice at 00:15." in response.text
    log = page_words(response.text)
    assert "Spasm at 00:15" in log
    assert "Spasm at 00:05" in log


@time_machine.travel(NOW, tick=False)
def test_it_names_the_persons_zone_in_a_carers_clock_change_message(alice, far_carer):
    # 02:30 on 5 April 2026 came twice in Auckland (summer time ended at 03:00).
    with time_machine.travel(datetime(2026, 4, 6, 0, 0, tzinfo=UTC), tick=False):
        url = reverse("diary:new", kwargs={"person_id": alice.pk, "kind": "spasm"})
        data = {"when": "earlier", "occurred_local": "2026-04-05T02:30", **TRIED_NONE}
        response = signed_in(far_carer).post(url, data)
    assert response.status_code == 200
    assert "02:30 came twice that night in Alice’s time zone: the clocks went back." in page_words(
        response.text
    )
    assert not SpasmEpisode.objects.exists()


# Home and menu for each role -----------------------------------------------------------------

FIRST_STEPS = "What to do first"


def main_text(html):
    main = re.search(r'<main id="main"[^>]*>(.*?)</main>', html, re.S).group(1)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_it_opens_a_carers_home_with_log_for_each_person_they_help(alice, bob, carer):
    grant(alice, carer, "carer")
    grant(bob, carer, "carer")
    client = signed_in(carer)
    home = client.get(reverse("home")).text
    text = main_text(home)
    assert text.startswith("Hello, Cara People you help Alice Log for Alice")
    assert text.index("Log for Alice") < text.index("Bob Log for Bob")
    assert f'href="/people/{alice.pk}/log/">Log for Alice' in home
    assert f'href="/people/{bob.pk}/log/">Log for Bob' in home
    # Leg pain in one tap, in the person's diary, never the carer's own.
    assert f'href="/people/{alice.pk}/log/pain/">Leg pain now for Alice' in home
    assert f'href="/people/{bob.pk}/log/pain/">Leg pain now for Bob' in home
    assert f'href="{reverse("diary:new", args=["pain"])}"' not in home
    assert FIRST_STEPS not in text
    assert "You can keep a diary of your own here too. Your own diary" in text
    assert dict(menu_links(home))["People you help"] == reverse("sharing:people")
    people = client.get(reverse("sharing:people")).text
    assert heading(people) == "People you help"
    assert "<title>People you help · SCI Tracker</title>" in people


def test_it_points_a_clinicians_home_to_my_patients(alice, clinician):
    grant(alice, clinician, "clinician")
    client = signed_in(clinician)
    home = client.get(reverse("home")).text
    text = main_text(home)
    assert "My patients 1 person shares their diary with you. Open My patients" in text
    assert FIRST_STEPS not in text
    assert f'href="{reverse("sharing:people")}">Open My patients' in home
    assert heading(client.get(reverse("sharing:people")).text) == "My patients"


def test_it_gives_a_person_the_first_steps_and_a_way_to_share(alice_client):
    home = alice_client.get(reverse("home")).text
    assert FIRST_STEPS in main_text(home)
    assert f'href="{reverse("sharing:home")}">Share with your clinician' in home
    assert "People you help" not in home


def sign_up_as(client, name, use):
    data = {"email": f"{name}@example.org", "display_name": name.title(), "time_zone": "UTC"}
    data |= {"password1": PASSWORD, "password2": PASSWORD, "uses_app_as": use}
    return client.post(reverse("signup"), data, follow=True)


def test_it_signs_up_a_clinician_without_the_patients_first_steps(client, db):
    sent = sign_up_as(client, "dr_new", "clinician")
    assert "ask your patients to invite it as their clinician" in main_text(sent.text)
    account = User.objects.get(email="dr_new@example.org")
    assert (account.uses_app_as, account.is_clinician) == ("clinician", True)
    client.force_login(account)
    text = main_text(client.get(reverse("home")).text)
    assert FIRST_STEPS not in text
    assert "0 people share their diary with you." in text
    assert (
        "Waiting for an invitation Ask your patients to invite you from their Sharing page, as "
        "their clinician, with your e-mail address dr_new@example.org" in text
    )


def test_it_tells_a_new_carer_how_to_get_an_invitation_not_to_set_up_an_injury(client, db):
    sent = sign_up_as(client, "cara_new", "carer")
    assert "ask the person you help to invite it as their carer" in main_text(sent.text)
    account = User.objects.get(email="cara_new@example.org")
    assert (account.uses_app_as, account.is_clinician) == ("carer", False)
    client.force_login(account)
    text = main_text(client.get(reverse("home")).text)
    assert (
        "Waiting for an invitation Ask the person you help to invite you from their Sharing "
        "page, as their carer, with your e-mail address cara_new@example.org" in text
    )
    # Not confirmed yet: no invitation reaches the account until it is.
    assert "First confirm your e-mail address with the link we sent you" in text
    assert FIRST_STEPS not in text
    assert "injury level" not in text
    assert "You can keep a diary of your own here too." in text


def test_it_keeps_a_new_persons_first_steps(client, db):
    sent = sign_up_as(client, "pat", "own")
    assert "keep your diary before you confirm" in main_text(sent.text)
    account = User.objects.get(email="pat@example.org")
    assert account.uses_app_as == "own"
    client.force_login(account)
    text = main_text(client.get(reverse("home")).text)
    assert FIRST_STEPS in text
    assert "Waiting for an invitation" not in text


def test_it_replaces_the_wait_with_the_invitation_then_the_person(alice, db):
    carer = make_user("cara", uses_app_as="carer")
    client = signed_in(carer)
    assert "Waiting for an invitation" in main_text(client.get(reverse("home")).text)
    assert "First confirm" not in main_text(client.get(reverse("home")).text)
    invitation = CareAccess.objects.create(person=alice, email=carer.email, role="carer")
    text = main_text(client.get(reverse("home")).text)
    assert "Alice invited you as their carer" in text
    assert "Waiting for an invitation" not in text
    invitation.member, invitation.accepted_at = carer, timezone.now()
    invitation.save()
    home = client.get(reverse("home")).text
    assert f'href="/people/{alice.pk}/log/">Log for Alice' in home
    assert "Waiting for an invitation" not in main_text(home)
    assert FIRST_STEPS not in main_text(home)


def test_it_asks_who_the_account_is_for_as_one_radio_group(client, db):
    page = client.get(reverse("signup")).text
    assert "Who is this account for?" in page
    assert re.search(r'name="uses_app_as" value="own" id="[^"]+" checked', page)
    for use in ("carer", "clinician"):
        assert f'name="uses_app_as" value="{use}"' in page
    refused = sign_up_as(client, "odd", "nurse")
    assert "Choose one of the three answers." in refused.text
    assert not User.objects.filter(email="odd@example.org").exists()


def test_it_changes_who_the_account_is_for_on_the_profile(alice):
    client = signed_in(alice)
    assert 'name="uses_app_as" value="own"' in client.get(reverse("profile")).text
    data = {"display_name": "Alice", "time_zone": "UTC", "injury_level": "C6"}
    data |= {"completeness": "B", "uses_app_as": "clinician", "theme": "device"}
    client.post(reverse("profile"), data)
    alice.refresh_from_db()
    # "As a clinician" ticks "I am a clinician": people can invite the account as one.
    assert (alice.uses_app_as, alice.is_clinician) == ("clinician", True)
    data |= {"uses_app_as": "carer", "is_clinician": "on"}
    client.post(reverse("profile"), data)
    alice.refresh_from_db()
    assert (alice.uses_app_as, alice.is_clinician) == ("carer", True)


def test_it_shows_and_answers_invitations_on_the_home_page(alice, bob, carer):
    invitation = CareAccess.objects.create(person=alice, email=carer.email, role="carer")
    CareAccess.objects.create(person=bob, email=carer.email, role="carer")
    client = signed_in(carer)
    home = client.get(reverse("home")).text
    text = main_text(home)
    assert "Invitations Alice invited you as their carer" in text
    assert "Bob invited you as their carer" in text
    assert FIRST_STEPS not in text  # a carer who signed up for an invitation
    accept = reverse("sharing:answer_invitation", args=[invitation.pk, "accept"])
    response = client.post(accept, {"back": "home"}, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "You now have access to Alice’s diary." in response.text
    assert f'href="/people/{alice.pk}/log/">Log for Alice' in response.text
    invitation.refresh_from_db()
    assert invitation.member == carer


def test_it_keeps_invitations_off_an_unconfirmed_accounts_home(alice, db):
    unproven = make_user("cara", confirmed=False)
    CareAccess.objects.create(person=alice, email=unproven.email, role="carer")
    assert "Alice" not in signed_in(unproven).get(reverse("home")).text


# Sharing from home ---------------------------------------------------------------------------


def drawn_modules(drawing):
    """The dark modules the SVG path paints, as (x, y) of the QR matrix."""
    dark = set()
    for x, y, run in re.findall(r"M(\d+) (\d+)\.5h(\d+)", drawing.path):
        dark |= {(int(x) + i - QUIET_ZONE, int(y) - QUIET_ZONE) for i in range(int(run))}
    return dark


def test_it_draws_the_qr_code_module_for_module(db):
    import segno  # noqa: PLC0415 (as in sharing/qr.py)

    url = "https://sci.example.org/shared/" + "A" * 43 + "/"
    drawing = qr_drawing(url)
    matrix = segno.make(url, error="m", micro=False).matrix
    assert drawing.size == len(matrix) + 2 * QUIET_ZONE
    assert drawn_modules(drawing) == {
        (x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    }
    assert re.fullmatch(r"(M\d+ \d+\.5h\d+)+", drawing.path)


def test_it_gives_a_new_link_a_copy_button_a_share_sheet_and_a_qr_code(alice_client):
    response = alice_client.post(
        reverse("sharing:home"), {"make_link": "1", "label": "Dr <b>O", "lifetime": "7"}
    )
    page = response.text
    url = re.search(r'<textarea [^>]*id="share-url"[^>]*>([^<]+)</textarea>', page).group(1)
    assert url.startswith("http://testserver/shared/")
    # The buttons wait hidden for share.js, which shows each only where it works.
    assert re.search(r'<button type="button" [^>]*data-copy="share-url"[^>]*hidden>Copy', page)
    assert re.search(r'<button type="button" [^>]*data-share="share-url"[^>]*hidden>Share', page)
    assert '<script src="/static/js/share.js" defer></script>' in page
    assert "<script>" not in page
    drawing = qr_drawing(url)
    assert f'<path d="{drawing.path}"' in page
    assert f'viewBox="0 0 {drawing.size} {drawing.size}"' in page
    assert "Dr &lt;b&gt;O" in page
    assert "Dr <b>O" not in page


def test_it_shows_a_carers_home_in_the_same_few_queries_for_1_or_5_people(db, carer):
    client = signed_in(carer)

    def queries():
        with CaptureQueriesContext(connection) as done:
            assert client.get(reverse("home")).status_code == 200
        return len(diary_queries(done))

    grant(make_user("p0"), carer, "carer")
    one = queries()
    for number in range(1, 5):
        grant(make_user(f"p{number}"), carer, "carer")
    assert queries() == one
    assert "Log for P4" in client.get(reverse("home")).text
