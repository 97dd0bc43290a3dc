"""Share links, clinicians and carers: who may see and write what, and the access log."""

import hashlib
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sci_tracker.diary.models import LegPainEntry, SpasmEpisode
from sci_tracker.sharing.access import access_for
from sci_tracker.sharing.models import (
    AccessRecord,
    CareAccess,
    ReviewNote,
    ShareLink,
    VisitMeasure,
)
from tests.conftest import make_user
from tests.entries import NOW, at, checkin, event, pain, spasm
from tests.test_pages import ALL_NAMES

TODAY = date(2026, 3, 15)  # NOW in Auckland, alice's zone


def link_token(response):
    return re.search(r"/shared/([A-Za-z0-9_-]+)/", response.text).group(1)


def grant(person, member, role):
    return CareAccess.objects.create(
        person=person,
        email=member.email,
        role=role,
        member=member,
        accepted_at=timezone.now(),
    )


@pytest.fixture
def clinician(db):
    return make_user("dr_okafor", is_clinician=True)


@pytest.fixture
def carer(db):
    return make_user("cara")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def alices_pain(alice):
    """A pain entry of 7 with a note only alice's data has."""
    return pain(alice, intensity=7, occurred_at=at(TODAY, 9), note="Alice's own words")


# Share links -------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_makes_a_link_shown_once_and_stores_only_its_hash(alice_client, alice):
    response = alice_client.post(
        reverse("sharing:home"),
        {"make_link": "1", "label": "Dr Okafor", "lifetime": "30"},
    )
    assert response.status_code == 200
    assert "Copy it now" in response.text
    assert response["Cache-Control"] == "no-store"
    token = link_token(response)
    assert len(token) >= 43  # 32 random bytes: 256 bits
    link = ShareLink.objects.get(person=alice)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ShareLink.objects.filter(pk=link.pk).values().get())
    assert link.expires_at == NOW + timedelta(days=30)
    # The sharing page lists it afterwards, without the token.
    page = alice_client.get(reverse("sharing:home"))
    assert "Dr Okafor" in page.text
    assert token not in page.text


def test_it_keeps_what_was_typed_when_the_link_form_is_wrong(alice_client, alice):
    response = alice_client.post(
        reverse("sharing:home"),
        {
            "make_link": "1",
            "label": "For the spasm clinic",
            "lifetime": "30",
            "shows_from": "2026-03-10",
            "shows_to": "2026-03-01",
        },
    )
    assert "The last day must be on or after the first day." in response.text
    assert 'value="For the spasm clinic"' in response.text
    assert not ShareLink.objects.exists()


def test_it_refuses_a_lifetime_other_than_7_30_or_90_days(alice_client, alice):
    response = alice_client.post(reverse("sharing:home"), {"make_link": "1", "lifetime": "365"})
    assert "Select a valid choice" in response.text
    assert not ShareLink.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_shows_trends_through_a_link_without_an_account_and_logs_the_view(alice):
    alices_pain(alice)
    link, token = ShareLink.make(alice, 7, label="Dr Okafor")
    visitor = Client()
    response = visitor.get(reverse("sharing:open", args=[token]), follow=True)
    assert response.status_code == 200
    assert "Alice: trends" in response.text
    assert "through a share link, read-only" in response.text
    data = visitor.get(reverse("trends:data", kwargs={"token": token})).json()
    assert 7 in data["pain"]["worst"]
    record = AccessRecord.objects.get(person=alice, page="Trends: overview")
    assert record.link == link
    assert record.viewer is None
    assert record.page == "Trends: overview"
    assert record.via == f"Share link (\u201cDr Okafor\u201d, made {NOW:%-d %b %Y})"
    # Alice reads it in her access log.
    log = signed_in(alice).get(reverse("sharing:access_log"))
    assert "Share link (\u201cDr Okafor\u201d" in log.text
    assert "Trends: overview" in log.text


def test_it_refuses_writes_through_a_link(alice):
    _, token = ShareLink.make(alice, 7)
    visitor = Client()
    response = visitor.post(reverse("trends:overview", kwargs={"token": token}))
    assert response.status_code == 405
    # The diary's write views have no share-link address at all.
    assert visitor.post(f"/shared/{token}/log/spasm-now/").status_code == 404
    assert not SpasmEpisode.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_refuses_an_expired_or_revoked_link_with_a_plain_page(alice):
    alices_pain(alice)
    revoked, revoked_token = ShareLink.make(alice, 7)
    revoked.revoke()
    expired, expired_token = ShareLink.make(alice, 7)
    visitor = Client()

    def assert_refused(token):
        response = visitor.get(reverse("trends:overview", kwargs={"token": token}))
        assert response.status_code == 410
        assert "This link is no longer valid" in response.text
        assert "Alice" not in response.text
        assert "data-trends-src" not in response.text
        assert visitor.get(reverse("trends:data", kwargs={"token": token})).status_code == 410

    assert_refused(revoked_token)
    with time_machine.travel(NOW + timedelta(days=7, seconds=1), tick=False):
        assert_refused(expired_token)
    assert not AccessRecord.objects.exists()


def test_it_answers_404_to_a_made_up_token_and_slows_guessing(db):
    visitor = Client()
    with override_settings(SHARE_LINK_GUESS_LIMIT=3):
        for n in range(3):
            response = visitor.get(reverse("trends:overview", kwargs={"token": f"guess{n}"}))
            assert response.status_code == 404
            assert "This link is no longer valid" in response.text
        response = visitor.get(reverse("trends:overview", kwargs={"token": "guess4"}))
    assert response.status_code == 429
    assert "Too many tries" in response.text


def test_it_lets_a_good_link_through_after_the_guess_limit(alice):
    _, token = ShareLink.make(alice, 7)
    visitor = Client()
    with override_settings(SHARE_LINK_GUESS_LIMIT=2):
        for n in range(3):
            visitor.get(reverse("trends:overview", kwargs={"token": f"wrong{n}"}))
        assert visitor.get(reverse("trends:overview", kwargs={"token": "wrong"})).status_code == 429
        # A clinician behind the same address as a guesser still opens the link they were sent.
        assert visitor.get(reverse("trends:overview", kwargs={"token": token})).status_code == 200


def test_it_counts_guesses_per_visitor_behind_a_trusted_proxy(db):
    def guess(forwarded_for):
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for).get(
            reverse("trends:overview", kwargs={"token": "wrong"})
        )

    with override_settings(SHARE_LINK_GUESS_LIMIT=2, TRUSTED_PROXIES=1):
        for _ in range(3):
            guess("203.0.113.7")
        assert guess("203.0.113.7").status_code == 429
        # A forged entry left of the proxy's own is not believed: still the same visitor.
        assert guess("198.51.100.1, 203.0.113.7").status_code == 429
        assert guess("203.0.113.8").status_code == 404
    with override_settings(SHARE_LINK_GUESS_LIMIT=2, TRUSTED_PROXIES=0):
        # Trusting no proxy, every visitor counts as the proxy's own address.
        for _ in range(2):
            guess("203.0.113.9")
        assert guess("203.0.113.10").status_code == 429


@time_machine.travel(NOW, tick=False)
def test_it_shows_only_the_days_a_link_allows(alice):
    pain(alice, intensity=9, occurred_at=at(date(2026, 3, 1), 9))
    pain(alice, intensity=4, occurred_at=at(date(2026, 3, 10), 9))
    _, token = ShareLink.make(alice, 7, shows_from=date(2026, 3, 5), shows_to=date(2026, 3, 12))
    visitor = Client()
    data = visitor.get(
        reverse("trends:data", kwargs={"token": token}), {"from": "2026-01-01", "to": "2026-03-15"}
    ).json()
    assert (data["from"], data["to"]) == ("2026-03-05", "2026-03-12")
    assert 9 not in data["pain"]["worst"]
    assert 4 in data["pain"]["worst"]
    page = visitor.get(reverse("trends:overview", kwargs={"token": token}), {"range": "1y"})
    assert "This link shows from 5 Mar 2026 up to 12 Mar 2026 only." in page.text


@time_machine.travel(NOW, tick=False)
def test_it_revokes_a_link_after_asking(alice_client, alice):
    link, token = ShareLink.make(alice, 30, label="Old clinic")
    confirm = alice_client.get(reverse("sharing:revoke_link", args=[link.pk]))
    assert "Revoke this link?" in confirm.text
    link.refresh_from_db()
    assert link.revoked_at is None
    alice_client.post(reverse("sharing:revoke_link", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at == NOW
    assert Client().get(reverse("trends:overview", kwargs={"token": token})).status_code == 410


def test_it_lets_nobody_else_revoke_a_link(alice, bob):
    link, _ = ShareLink.make(alice, 30)
    response = signed_in(bob).post(reverse("sharing:revoke_link", args=[link.pk]))
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


# Clinicians ---------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_invites_a_clinician_who_accepts_and_sees_the_patient(alice_client, alice, bob):
    alices_pain(alice)
    spasm(alice, occurred_at=at(TODAY, 8))
    response = alice_client.post(
        reverse("sharing:home"),
        {"invite": "1", "email": "Bob@Example.org", "role": "clinician"},
        follow=True,
    )
    assert "bob@example.org is invited" in response.text
    assert "not accepted yet" in response.text
    assert mail.outbox[-1].to == ["bob@example.org"]
    assert "/people/" in mail.outbox[-1].body
    invitation = CareAccess.objects.get(person=alice)

    bobs = signed_in(bob)
    people = bobs.get(reverse("sharing:people"))
    assert "Alice" in people.text
    assert "first tick \u201cI am a clinician\u201d" in people.text
    # Not a clinician's account yet: accepting is refused, nothing is granted.
    answer = reverse("sharing:answer_invitation", args=[invitation.pk, "accept"])
    bobs.post(answer)
    invitation.refresh_from_db()
    assert invitation.member is None
    assert bobs.get(reverse("trends:overview", kwargs={"person_id": alice.pk})).status_code == 404

    bob.is_clinician = True
    bob.save()
    bobs.post(answer)
    invitation.refresh_from_db()
    assert invitation.member == bob
    people = bobs.get(reverse("sharing:people"))
    assert "Last entry: 15 Mar 2026" in people.text
    assert "The last 7 days, against the 7 before" in people.text
    trends = bobs.get(reverse("trends:overview", kwargs={"person_id": alice.pk}))
    assert trends.status_code == 200
    assert "as their clinician, read-only" in trends.text
    assert AccessRecord.objects.filter(person=alice, viewer=bob, page="Trends: overview").exists()
    assert (
        "Clinician account: Bob &lt;bob@example.org&gt;"
        in alice_client.get(reverse("sharing:home")).text
    )


def test_it_refuses_a_clinician_without_access(alice, clinician):
    alices_pain(alice)
    client = signed_in(clinician)
    for name in ("trends:overview", "trends:triggers", "trends:interventions", "trends:data"):
        response = client.get(reverse(name, kwargs={"person_id": alice.pk}))
        assert response.status_code == 404
        assert "Alice's own words" not in response.text
    assert client.get(reverse("sharing:add_note", args=[alice.pk])).status_code == 404
    assert not AccessRecord.objects.exists()


def test_it_refuses_a_stranger_and_a_made_up_person(alice, bob):
    alices_pain(alice)
    client = signed_in(bob)
    for person_id in (alice.pk, alice.pk + 1000):
        for name in ("trends:overview", "diary:quick_log"):
            response = client.get(reverse(name, kwargs={"person_id": person_id}))
            assert response.status_code == 404
    assert (
        Client().get(reverse("trends:overview", kwargs={"person_id": alice.pk})).status_code == 302
    )


def test_it_keeps_a_clinician_read_only(alice, clinician):
    grant(alice, clinician, "clinician")
    client = signed_in(clinician)
    log = {"person_id": alice.pk}
    assert client.post(reverse("diary:spasm_now", kwargs=log)).status_code == 404
    response = client.post(reverse("diary:new", kwargs={**log, "kind": "pain"}), {"intensity": 5})
    assert response.status_code == 404
    assert client.post(reverse("trends:overview", kwargs=log)).status_code == 405
    assert not SpasmEpisode.objects.exists()
    assert not LegPainEntry.objects.exists()


def test_it_ends_access_when_the_person_says_so(alice_client, alice, clinician):
    access = grant(alice, clinician, "clinician")
    client = signed_in(clinician)
    url = reverse("trends:overview", kwargs={"person_id": alice.pk})
    assert client.get(url).status_code == 200
    assert (
        "End Dr_Okafor\u2019s access?"
        in alice_client.get(reverse("sharing:end_access", args=[access.pk])).text
    )
    alice_client.post(reverse("sharing:end_access", args=[access.pk]))
    assert client.get(url).status_code == 404
    assert "Alice" not in client.get(reverse("sharing:people")).text


def test_it_drops_the_clinician_role_with_the_clinician_tick(alice, clinician):
    grant(alice, clinician, "clinician")
    clinician.is_clinician = False
    clinician.save()
    assert not access_for(alice, user=clinician).allows("read")


@time_machine.travel(NOW, tick=False)
def test_it_shows_the_person_a_clinicians_review_note(alice, clinician):
    grant(alice, clinician, "clinician")
    client = signed_in(clinician)
    url = reverse("sharing:add_note", args=[alice.pk])
    empty = client.post(url, {"text": ""})
    assert "This field is required." in empty.text
    client.post(url, {"text": "Spasms down since the botox. <b>Keep</b> stretching."})
    note = ReviewNote.objects.get(person=alice)
    assert (note.author, note.author_name) == (clinician, "Dr_Okafor")
    page = signed_in(alice).get(reverse("trends:overview"))
    assert "Spasms down since the botox. &lt;b&gt;Keep&lt;/b&gt; stretching." in page.text
    assert "Dr_Okafor</strong>, 15 Mar 2026" in page.text


@time_machine.travel(NOW, tick=False)
def test_it_records_modified_ashworth_ratings_as_visit_markers(alice, clinician):
    grant(alice, clinician, "clinician")
    client = signed_in(clinician)
    url = reverse("sharing:record_visit", args=[alice.pk])
    nothing = client.post(url, {"visit_date": "2026-03-15"})
    assert "Rate at least one muscle group." in nothing.text
    future = client.post(url, {"visit_date": "2026-03-16", "knee-flexors__left": "1+"})
    assert "A visit cannot be on a day that has not come yet." in future.text
    assert 'value="1+" selected' in future.text
    client.post(
        url,
        {
            "visit_date": "2026-03-12",
            "knee-flexors__left": "1+",
            "ankle-plantarflexors__right": "3",
        },
    )
    assert set(VisitMeasure.objects.values_list("muscle_group", "side", "score")) == {
        ("knee-flexors", "left", "1+"),
        ("ankle-plantarflexors", "right", "3"),
    }
    alices = signed_in(alice)
    page = alices.get(reverse("trends:overview"))
    assert "Knee flexors, left" in page.text
    data = alices.get(reverse("trends:data")).json()
    assert {
        "date": "2026-03-12",
        "kind": "visit",
        "label": "Clinic visit",
        "details": "Modified Ashworth ratings by Dr_Okafor",
    } in data["events"]


def test_it_hides_review_notes_from_a_share_link(alice, clinician):
    ReviewNote.objects.create(person=alice, author=clinician, author_name="Dr", text="Private")
    _, token = ShareLink.make(alice, 7)
    page = Client().get(reverse("trends:overview", kwargs={"token": token}))
    assert "Private" not in page.text
    assert "Add a review note" not in page.text


# Carers -----------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_lets_a_carer_log_for_the_person(alice, carer):
    grant(alice, carer, "carer")
    client = signed_in(carer)
    log = {"person_id": alice.pk}
    page = client.get(reverse("diary:quick_log", kwargs=log))
    assert "Log for Alice" in page.text
    assert "Name your pain problems" not in page.text
    response = client.post(reverse("diary:spasm_now", kwargs=log), follow=True)
    assert "Spasm saved for Alice at 00:30." in response.text
    client.post(
        reverse("diary:new", kwargs={**log, "kind": "pain"}),
        {
            "intensity": "6",
            "when": "now",
            "pain_type": "unknown",
            "tried-TOTAL_FORMS": "0",
            "tried-INITIAL_FORMS": "0",
        },
    )
    spasm_entry = SpasmEpisode.objects.get()
    pain_entry = LegPainEntry.objects.get()
    for entry in (spasm_entry, pain_entry):
        assert (entry.owner, entry.logged_by) == (alice, carer)
    history = signed_in(alice).get(reverse("diary:history"))
    assert "Logged by Cara" in history.text
    assert not SpasmEpisode.objects.filter(owner=carer).exists()


@time_machine.travel(NOW, tick=False)
def test_it_shows_a_carer_the_urgent_advice_for_what_they_logged(alice, carer):
    grant(alice, carer, "carer")
    client = signed_in(carer)
    response = client.post(
        reverse("diary:new", kwargs={"person_id": alice.pk, "kind": "pain"}),
        {
            "intensity": "6",
            "when": "now",
            "pain_type": "unknown",
            "red_flags": ["leg-swollen"],
            "tried-TOTAL_FORMS": "0",
            "tried-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(f"/people/{alice.pk}/entries/pain/")
    assert "Alice’s symptoms need attention" in response.text


def test_it_keeps_a_carer_out_of_the_sharing_settings_and_the_persons_own_entries(alice, carer):
    grant(alice, carer, "carer")
    link, _ = ShareLink.make(alice, 30)
    team = CareAccess.objects.create(person=alice, email="x@example.org", role="clinician")
    entry = spasm(alice, note="ALICE-ONLY")
    client = signed_in(carer)
    assert client.post(reverse("sharing:revoke_link", args=[link.pk])).status_code == 404
    assert client.post(reverse("sharing:end_access", args=[team.pk])).status_code == 404
    assert client.post(reverse("diary:delete", args=["spasm", entry.pk])).status_code == 404
    scope = {"person_id": alice.pk, "kind": "spasm", "pk": entry.pk}
    assert client.post(reverse("diary:delete", kwargs=scope)).status_code == 404
    assert client.get(reverse("diary:edit", kwargs=scope)).status_code == 404
    assert client.get(f"/people/{alice.pk}/entries/bin/").status_code == 404
    # Their list of what they logged for alice leaves out what alice logged herself.
    listed = client.get(f"/people/{alice.pk}/entries/")
    assert "You have not logged anything for Alice yet." in listed.text
    assert "ALICE-ONLY" not in listed.text
    assert client.get(f"/people/{alice.pk}/sharing/").status_code == 404
    # Their own Sharing page is theirs, with nothing of alice's on it.
    assert "Alice" not in client.get(reverse("sharing:home")).text
    link.refresh_from_db()
    team.refresh_from_db()
    entry.refresh_from_db()
    assert link.revoked_at is None
    assert team.ended_at is None
    assert entry.deleted_at is None


def test_it_refuses_an_invitation_meant_for_another_address(alice, bob, carer):
    invitation = CareAccess.objects.create(person=alice, email=carer.email, role="carer")
    response = signed_in(bob).post(
        reverse("sharing:answer_invitation", args=[invitation.pk, "accept"])
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.member is None


def test_it_refuses_to_invite_yourself_or_the_same_address_twice(alice_client, alice):
    own = alice_client.post(
        reverse("sharing:home"), {"invite": "1", "email": "ALICE@example.org", "role": "carer"}
    )
    assert "That is your own address" in own.text
    CareAccess.objects.create(person=alice, email="cara@example.org", role="carer")
    again = alice_client.post(
        reverse("sharing:home"), {"invite": "1", "email": "cara@example.org", "role": "clinician"}
    )
    assert "already has an invitation or access" in again.text
    assert CareAccess.objects.count() == 1


def test_it_says_what_to_do_when_nobody_shared_yet(client, bob):
    client.force_login(bob)
    assert (
        "Nobody has shared their diary with you yet" in client.get(reverse("sharing:people")).text
    )
    assert "You have no share links yet." in client.get(reverse("sharing:home")).text


def test_it_does_not_log_the_persons_own_views(alice_client, alice):
    checkin(alice)
    alice_client.get(reverse("trends:overview"))
    assert not AccessRecord.objects.exists()


# Every address of someone else's diary ----------------------------------------------------

SAMPLE_KWARGS = {"kind": "spasm"}
REVIEW_VIEWS = {"sharing:add_note", "sharing:record_visit", "diary:confirm_pain_types"}


def person_addresses(scope):
    """Every named URL that takes `scope` ({"person_id": ...} or {"token": ...}), from the
    URLconf, so a new view is tried here without a change to this test."""
    found = {}
    for name in ALL_NAMES:
        for extra in ({}, SAMPLE_KWARGS):
            try:
                found[name] = reverse(name, kwargs={**scope, **extra})
                break
            except NoReverseMatch:
                continue
    return found


def test_it_refuses_every_write_to_a_clinician_but_notes_and_measures(alice, clinician):
    grant(alice, clinician, "clinician")
    addresses = person_addresses({"person_id": alice.pk})
    assert "trends:overview" in addresses
    assert "diary:spasm_now" in addresses
    client = signed_in(clinician)
    for name, url in addresses.items():
        response = client.post(url, {"intensity": "5", "when": "now", "pain_type": "unknown"})
        if name in REVIEW_VIEWS:
            assert response.status_code == 200, name  # the form again: nothing was filled in
        else:
            assert response.status_code in (404, 405), name
    assert not SpasmEpisode.objects.exists()
    assert not LegPainEntry.objects.exists()


def test_it_refuses_every_address_to_a_stranger(alice, bob):
    alices_pain(alice)
    client = signed_in(bob)
    for name, url in person_addresses({"person_id": alice.pk}).items():
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (404, 405), name
            assert b"Alice's own words" not in response.content


def test_it_lets_a_link_only_read(alice):
    alices_pain(alice)
    _, token = ShareLink.make(alice, 7)
    visitor = Client()
    addresses = person_addresses({"token": token})
    assert {"trends:overview", "reports:report", "reports:pdf"} <= set(addresses)
    for name, url in addresses.items():
        assert visitor.post(url).status_code in (404, 405), name
    assert LegPainEntry.objects.count() == 1


# A link's window: every page keeps to the link's dates -----------------------------------------


def pain_days(person, first, last, intensity):
    day = first
    while day <= last:
        pain(person, intensity=intensity, occurred_at=at(day, 9))
        day += timedelta(days=1)


@time_machine.travel(NOW, tick=False)
def test_it_compares_before_and_after_an_event_only_inside_a_links_dates(alice):
    pain_days(alice, date(2026, 2, 1), date(2026, 2, 28), 9)  # before the link's first day
    pain_days(alice, date(2026, 3, 1), date(2026, 3, 14), 2)
    event(alice, date(2026, 3, 3))  # botox: 4 weeks before against weeks 2 to 12 after
    _, token = ShareLink.make(alice, 7, shows_from=date(2026, 3, 1), shows_to=TODAY)
    visitor = Client()
    page = visitor.get(reverse("trends:interventions", kwargs={"token": token}))
    [item] = page.context["before_after"]
    label, pain_average = item.measures[0]
    assert label.startswith("Leg pain")
    assert (pain_average.without_days, pain_average.shown) == (2, False)  # 1 and 2 March only
    assert (item.before.start, item.after.end) == (date(2026, 3, 1), TODAY)
    assert "1 Mar 2026 to 2 Mar 2026 against 10 Mar 2026 to 15 Mar 2026" in page.text
    assert "This link shows only part of these weeks" in page.text
    assert "Feb 2026" not in page.text
    assert "9.0" not in page.text
    # The 7-day means start on the link's first day too, in the JSON and on the page.
    data = visitor.get(reverse("trends:data", kwargs={"token": token})).json()
    assert data["from"] == "2026-03-01"
    assert data["pain"]["average_7d"][0] == 2
    assert set(data["pain"]["average_7d"]) == {2}
    overview = visitor.get(reverse("trends:overview", kwargs={"token": token}))
    assert {row["pain_average_7d"] for row in overview.context["table"]} == {2}
    # The report's "previous period" (13 to 28 February) lies outside the link: not read.
    report = visitor.get(reverse("reports:report", kwargs={"token": token}))
    headline = report.context["report"].headlines[0]
    assert (headline.this, headline.previous, headline.previous_days) == (2, None, 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, (date(2026, 1, 2), date(2026, 1, 31))),  # the last 30 days the link shows
        ({"range": "90d"}, (date(2026, 1, 1), date(2026, 1, 31))),
        (
            {"range": "custom", "from": "2025-12-01", "to": "2025-12-10"},
            (date(2026, 1, 1), date(2026, 1, 10)),
        ),
        (
            {"range": "custom", "from": "2026-01-20", "to": "2026-02-20"},
            (date(2026, 1, 20), date(2026, 1, 31)),
        ),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_it_shows_the_same_days_of_a_link_on_trends_and_report(alice, query, expected):
    _, token = ShareLink.make(alice, 7, shows_from=date(2026, 1, 1), shows_to=date(2026, 1, 31))
    visitor = Client()
    scope = {"token": token}
    shown = {}
    for name in ("trends:overview", "trends:triggers", "trends:interventions"):
        period = visitor.get(reverse(name, kwargs=scope), query).context["period"]
        shown[name] = (period.start, period.end)
    report = visitor.get(reverse("reports:report", kwargs=scope), query).context["report"]
    shown["reports:report"] = (report.period.start, report.period.end)
    json_query = {key: query[key] for key in ("from", "to") if key in query}
    if query.get("range") == "90d":
        json_query = {"from": "2025-12-16", "to": "2026-03-15"}
    data = visitor.get(reverse("trends:data", kwargs=scope), json_query).json()
    shown["trends:data"] = (date.fromisoformat(data["from"]), date.fromisoformat(data["to"]))
    assert set(shown.values()) == {expected}, shown


def test_it_logs_chart_data_reads_once_a_day_per_viewer(alice, clinician):
    grant(alice, clinician, "clinician")
    link, token = ShareLink.make(alice, 30)
    doctor, visitor = signed_in(clinician), Client()
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            for reader, scope in ((doctor, {"person_id": alice.pk}), (visitor, {"token": token})):
                assert reader.get(reverse("trends:data", kwargs=scope)).status_code == 200
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        doctor.get(reverse("trends:data", kwargs={"person_id": alice.pk}))
    records = AccessRecord.objects.filter(person=alice, page="Trends: chart data")
    assert {(r.viewer_id, r.link_id, r.at) for r in records} == {
        (clinician.pk, None, NOW),
        (None, link.pk, NOW),
        (clinician.pk, None, NOW + timedelta(days=1)),
    }
    # Alice's own reads are not logged at all.
    signed_in(alice).get(reverse("trends:data"))
    assert AccessRecord.objects.filter(person=alice).count() == 3


# Notes and ratings brought in from a file ------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_marks_notes_and_ratings_from_a_backup_as_imported(alice, clinician):
    from tests.test_import import confirm, measure_item, minimal_backup, note_item, upload

    grant(alice, clinician, "clinician")
    ReviewNote.objects.create(person=alice, author=clinician, author_name="Dr Okafor", text="Mine")
    owner = signed_in(alice)
    day = "2026-03-01"
    data = minimal_backup(
        review_notes=[note_item(author_name="Dr Forged", text="Stop the baclofen.")],
        visit_measures=[measure_item(author_name="Dr Forged", visit_date=day)],
    )
    upload(owner, {"backup.json": data})
    confirm(owner)
    note = ReviewNote.objects.get(text="Stop the baclofen.")
    measure = VisitMeasure.objects.get(person=alice)
    assert (note.author, note.imported_at) == (None, NOW)
    assert (measure.author, measure.imported_at) == (None, NOW)
    assert ReviewNote.objects.get(text="Mine").imported_at is None
    # Alice and her clinician both read that the file, not an account, says who wrote them.
    for reader, scope in ((owner, {}), (signed_in(clinician), {"person_id": alice.pk})):
        page = reader.get(reverse("trends:overview", kwargs=scope), {"range": "30d"})
        assert "Dr Forged (imported from a backup file)" in page.text
        # The day in the reader's own zone: 15 March for Alice in Auckland, 14th in Denver.
        assert re.search(
            r"brought in on 1[45] Mar 2026, not written here by a clinician", page.text
        )
        assert "1 Mar 2026 (imported)" in page.text
        assert "Rated by Dr Forged (imported from a backup file) at a visit" in page.text
        assert "<strong>Dr Okafor</strong>, " in page.text  # a real one reads as before
        data = reader.get(reverse("trends:data", kwargs=scope)).json()
        [visit] = [item for item in data["events"] if item["kind"] == "visit"]
        assert visit["details"].endswith("Dr Forged (imported from a backup file)")
    # The clinician rating that muscle again makes it theirs.
    signed_in(clinician).post(
        reverse("sharing:record_visit", kwargs={"person_id": alice.pk}),
        {"visit_date": day, "hip-flexors__left": "2"},
    )
    measure.refresh_from_db()
    assert (measure.author, measure.imported_at, measure.score) == (clinician, None, "2")
