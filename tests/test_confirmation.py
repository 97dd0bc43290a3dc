"""E-mail confirmation and the rules that hang on it: an invitation goes to the account that
proved it reads mail at the invited address, never to one that merely typed it."""

import importlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core import mail, signing
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from sci_tracker.accounts import confirmation
from sci_tracker.accounts.models import User
from sci_tracker.sharing.models import CareAccess
from tests.conftest import PASSWORD, make_user
from tests.entries import NOW, pain

DOCTOR = "okafor@clinic.example"
SECRET = "ALICE-PRIVATE-WORDS"
LINK = re.compile(r"http://testserver(/accounts/confirm/[^/\s]+/)")


def sign_up(client, email, password=PASSWORD, name="Mallory"):
    data = {
        "email": email,
        "display_name": name,
        "time_zone": "UTC",
        "password1": password,
        "password2": password,
        "uses_app_as": "own",
    }
    return client.post(reverse("signup"), data)


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password}, follow=True)


def link_in(message):
    return LINK.search(message.body)[1]


def invite(client, email, role="clinician"):
    return client.post(
        reverse("sharing:home"), {"invite": "1", "email": email, "role": role}, follow=True
    )


def answer(client, grant, what="accept"):
    return client.post(reverse("sharing:answer_invitation", args=[grant.pk, what]))


def alices_diary(alice):
    # A note she flagged for her clinician: it shows on the report a clinician reads.
    pain(
        alice, occurred_at=timezone.now() - timedelta(hours=2), note=SECRET, note_for_clinician=True
    )


# The takeover -----------------------------------------------------------------------------


def test_it_refuses_an_invitation_to_an_account_that_only_typed_the_address(alice_client, alice):
    alices_diary(alice)
    invite(alice_client, "Okafor@Clinic.example")
    grant = CareAccess.objects.get(person=alice)
    assert grant.email == DOCTOR
    mail.outbox.clear()

    # Someone else signs up with the clinician's address and calls themselves a clinician.
    mallory = Client()
    sign_up(mallory, DOCTOR)
    sign_in(mallory, DOCTOR)
    mallory.post(
        reverse("profile"),
        {
            "display_name": "Dr Okafor",
            "time_zone": "UTC",
            "injury_level": "unknown",
            "completeness": "unknown",
            "uses_app_as": "own",
            "theme": "device",
            "is_clinician": "on",
        },
    )
    account = User.objects.get(email=DOCTOR)
    assert account.is_clinician

    people = mallory.get(reverse("sharing:people"))
    assert "Alice" not in people.text
    assert "is not confirmed yet" in people.text
    assert answer(mallory, grant).status_code == 404
    grant.refresh_from_db()
    assert grant.member is None
    for name in ("trends:overview", "trends:triggers", "reports:report", "trends:data"):
        response = mallory.get(reverse(name, kwargs={"person_id": alice.pk}))
        assert response.status_code == 404, name
        assert SECRET not in response.text
    account.refresh_from_db()
    assert account.email_confirmed_at is None

    # Whoever reads that mailbox can confirm it (the page asks them to only if they asked for
    # it); from then on the account can answer.
    [message] = mail.outbox
    assert message.to == [DOCTOR]
    doctor = Client()
    doctor.post(link_in(message))
    account.refresh_from_db()
    assert account.email_confirmed
    assert "Alice" in mallory.get(reverse("sharing:people")).text
    answer(mallory, grant)
    grant.refresh_from_db()
    assert grant.member == account


def test_it_lets_a_clinician_see_a_patient_only_while_their_address_is_confirmed(
    alice, staff, client
):
    alices_diary(alice)
    doctor = make_user("okafor", is_clinician=True)
    CareAccess.objects.create(
        person=alice, email=doctor.email, role="clinician", member=doctor, accepted_at=NOW
    )
    report = reverse("reports:report", kwargs={"person_id": alice.pk})
    client.force_login(doctor)
    assert SECRET in client.get(report).text

    doctor.email = "Okafor@Elsewhere.example"
    doctor.save()
    doctor.refresh_from_db()
    assert (doctor.email, doctor.email_confirmed_at) == ("okafor@elsewhere.example", None)
    assert client.get(report).status_code == 404
    owner = Client()
    owner.force_login(alice)
    assert "cannot see your diary until they confirm it" in owner.get(reverse("sharing:home")).text


def test_it_hides_invitations_from_an_unconfirmed_account_and_refuses_its_answer(alice, client):
    newcomer = make_user("nina", confirmed=False)
    grant = CareAccess.objects.create(person=alice, email=newcomer.email, role="carer")
    client.force_login(newcomer)
    people = client.get(reverse("sharing:people"))
    assert "Alice" not in people.text
    assert "Send the link again" in people.text
    for what in ("accept", "decline"):
        assert answer(client, grant, what).status_code == 404
    grant.refresh_from_db()
    assert (grant.member, grant.ended_at) == (None, None)


# The link ---------------------------------------------------------------------------------


def test_it_confirms_the_address_with_the_button_behind_the_link(client, db):
    sign_up(client, "Carol@Example.org", name="Carol")
    carol = User.objects.get()
    assert carol.email == "carol@example.org"
    [message] = mail.outbox
    assert message.subject == "Confirm your e-mail address for SCI Tracker"
    assert message.body.startswith("Please confirm that this e-mail address belongs to you.")
    link = link_in(message)

    # Opening the link shows what it does; a mail scanner that only opens it confirms nothing.
    page = client.get(link)
    assert "Confirm my address" in page.text
    carol.refresh_from_db()
    assert carol.email_confirmed_at is None

    response = client.post(link, follow=True)
    assert "carol@example.org is confirmed" in response.text
    carol.refresh_from_db()
    assert carol.email_confirmed

    # Used once, it does nothing more.
    again = client.get(link)
    assert "This link no longer works" in again.text
    assert "was used already" in again.text
    confirmed_at = carol.email_confirmed_at
    client.post(link)
    carol.refresh_from_db()
    assert carol.email_confirmed_at == confirmed_at


def test_it_refuses_a_link_older_than_three_days(client, db):
    with time_machine.travel(NOW, tick=False) as clock:
        sign_up(client, "carol@example.org")
        link = link_in(mail.outbox[0])
        clock.shift(timedelta(days=3, minutes=1))
        response = client.post(link)
        assert "This link no longer works" in response.text
        assert "has run out" in response.text
        assert User.objects.get().email_confirmed_at is None
        clock.shift(-timedelta(minutes=2))  # just inside the three days, the same link works
        client.post(link)
        assert User.objects.get().email_confirmed_at == NOW + timedelta(
            days=2, hours=23, minutes=59
        )


def test_it_refuses_a_link_once_the_address_has_changed(client, db):
    sign_up(client, "carol@example.org")
    link = link_in(mail.outbox[0])
    carol = User.objects.get()
    carol.email = "carol@elsewhere.example"
    carol.save()
    response = client.post(link)
    assert "This link no longer works" in response.text
    carol.refresh_from_db()
    assert (carol.email, carol.email_confirmed_at) == ("carol@elsewhere.example", None)


def test_it_refuses_a_link_that_was_tampered_with(client, db):
    sign_up(client, "carol@example.org")
    carol = User.objects.get()
    other = make_user("dave", confirmed=False)
    key = confirmation.make_key(carol, carol.email)
    # A link for the other account, signed with any key but ours, or with carol's signature.
    payload = {"user": other.pk, "to": other.email, "state": confirmation.address_state(other)}
    other_salt = signing.dumps(payload, salt="not the app's", compress=True)
    swapped = other_salt.split(":")[0] + ":" + key.split(":", 1)[1]
    for bad in (other_salt, swapped, key[:-2], "x" * 40):
        response = client.post(reverse("confirm_email", args=[bad]))
        assert "This link no longer works" in response.text
    carol.refresh_from_db()
    other.refresh_from_db()
    assert carol.email_confirmed_at is None
    assert other.email_confirmed_at is None


def test_it_sends_the_link_again_but_not_without_end(client, db):
    with override_settings(ACCOUNT_EMAIL_LIMIT=3):
        sign_up(client, "carol@example.org")
        sign_in(client, "carol@example.org")
        profile = client.get(reverse("profile"))
        assert "is not confirmed yet" in profile.text
        assert "(not confirmed yet)" in profile.text
        for _ in range(2):
            response = client.post(reverse("send_confirmation"), follow=True)
            assert "A new link is on its way to carol@example.org" in response.text
        response = client.post(reverse("send_confirmation"), follow=True)
        assert "We have sent several e-mails to that address lately" in response.text
        assert len(mail.outbox) == 3
        # The latest link works, and with it the page no longer nags.
        client.post(link_in(mail.outbox[-1]))
        profile = client.get(reverse("profile"))
        assert "is not confirmed yet" not in profile.text
        assert "(confirmed)" in profile.text
        response = client.post(reverse("send_confirmation"), follow=True)
        assert "is confirmed already" in response.text
        assert len(mail.outbox) == 3


# Sign-up does not tell whether an address is registered -----------------------------------


def test_it_answers_sign_up_the_same_for_a_new_and_a_taken_address(db):
    first, second = Client(), Client()
    new = sign_up(first, "carol@example.org", password="first password 2026")
    taken = sign_up(second, "CAROL@Example.org ", password="second password 2026")
    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    assert new.status_code == 302
    page_new = first.get(new["Location"])
    page_taken = second.get(taken["Location"])
    assert page_new.status_code == page_taken.status_code == 200
    # The same page but for each visitor's own CSRF token (the footer's language menu is a form).
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", page_new.text) == token.sub("", page_taken.text)
    assert "Check your e-mail" in page_new.text

    carol = User.objects.get()
    assert carol.check_password("first password 2026")
    assert not second.get(reverse("profile")).wsgi_request.user.is_authenticated
    confirm, notice = mail.outbox
    assert confirm.to == notice.to == ["carol@example.org"]
    assert confirm.subject == "Confirm your e-mail address for SCI Tracker"
    assert notice.subject == "Someone tried to create an SCI Tracker account"
    assert "sign in with your password, or reset your password" in notice.body
    assert "/accounts/confirm/" not in notice.body


def test_it_limits_the_emails_sign_up_sends_to_one_address_without_saying_so(db):
    with override_settings(ACCOUNT_EMAIL_LIMIT=2):
        make_user("alice")
        answers = {sign_up(Client(), "alice@example.org").status_code for _ in range(4)}
    assert answers == {302}
    assert len(mail.outbox) == 2


# Changing the address -----------------------------------------------------------------------


def test_it_changes_the_address_only_when_the_link_sent_to_the_new_one_is_opened(
    alice_client, alice
):
    url = reverse("change_email")
    wrong = alice_client.post(url, {"email": "alice@new.example", "password": "not it"})
    assert "That password is not right. Nothing was changed." in wrong.text
    assert 'value="alice@new.example"' in wrong.text
    assert mail.outbox == []

    response = alice_client.post(
        url, {"email": " Alice@New.example", "password": PASSWORD}, follow=True
    )
    assert "We sent a link to alice@new.example" in response.text
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
    assert alice.email_confirmed
    [message] = mail.outbox
    assert message.to == ["alice@new.example"]
    assert message.subject == "Confirm your new e-mail address for SCI Tracker"
    link = link_in(message)

    page = alice_client.get(link)
    assert "asked to use" in page.text
    assert "alice@new.example" in page.text
    response = alice_client.post(link, follow=True)
    assert "e-mail address is now alice@new.example, and it is confirmed" in response.text
    alice.refresh_from_db()
    assert alice.email == "alice@new.example"
    assert alice.email_confirmed
    notice = mail.outbox[-1]
    assert notice.to == ["alice@example.org"]
    assert "alice@new.example" in notice.body

    assert "This link no longer works" in alice_client.post(link).text
    assert not sign_in(Client(), "alice@example.org").context["user"].is_authenticated
    assert sign_in(Client(), "ALICE@new.example").context["user"] == alice


def test_it_says_the_same_when_the_new_address_has_an_account(alice_client, alice, bob):
    response = alice_client.post(
        reverse("change_email"), {"email": "BOB@example.org", "password": PASSWORD}, follow=True
    )
    assert "We sent a link to bob@example.org" in response.text
    [message] = mail.outbox
    assert message.to == ["bob@example.org"]
    assert "exists already, so nothing was changed" in message.body
    assert "/accounts/confirm/" not in message.body
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"


def test_it_keeps_the_address_when_another_account_took_it_before_the_link_was_opened(
    alice_client, alice
):
    alice_client.post(reverse("change_email"), {"email": "new@example.org", "password": PASSWORD})
    link = link_in(mail.outbox[0])
    make_user("new")
    response = alice_client.post(link, follow=True)
    assert "Another account uses new@example.org now" in response.text
    alice.refresh_from_db()
    assert (alice.email, alice.email_confirmed) == ("alice@example.org", True)


def test_it_refuses_to_change_to_the_present_address(alice_client):
    response = alice_client.post(
        reverse("change_email"), {"email": "ALICE@example.org", "password": PASSWORD}
    )
    assert "That is your present address" in response.text
    assert mail.outbox == []


# The one rule on the model, and the admin ------------------------------------------------


def test_it_unconfirms_an_address_that_changes_any_way_but_the_link(alice):
    alice.display_name = "Al"
    alice.save(update_fields=["display_name"])
    alice.refresh_from_db()
    assert alice.email_confirmed
    alice.email = "ALICE@EXAMPLE.ORG"  # the same address, typed otherwise
    alice.save()
    assert alice.email_confirmed
    alice.email = "al@example.org"
    alice.save(update_fields=["email"])
    alice.refresh_from_db()
    assert (alice.email, alice.email_confirmed_at) == ("al@example.org", None)
    alice.confirm_email("al@example.org")
    alice.refresh_from_db()
    assert alice.email_confirmed
    # Read again after another copy changed it, the address it now has is the one stored.
    User.objects.get(pk=alice.pk).confirm_email("al@elsewhere.example")
    alice.refresh_from_db()
    alice.display_name = "Al again"
    alice.save()
    alice.refresh_from_db()
    assert (alice.email, alice.email_confirmed) == ("al@elsewhere.example", True)
    # An object that did not load the address asks the database what it was.
    deferred = User.objects.only("pk", "display_name").get(pk=alice.pk)
    deferred.email = "alice@elsewhere.example"
    deferred.save()
    alice.refresh_from_db()
    assert alice.email_confirmed_at is None


def test_it_unconfirms_an_address_changed_in_the_admin(client, staff, alice):
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    page = client.get(url)
    assert "E-mail address confirmed" in page.text
    assert 'name="email_confirmed_at"' not in page.text  # shown, not editable
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data |= {
        "email": "Alice@Other.example",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    alice.refresh_from_db()
    assert (alice.email, alice.email_confirmed_at) == ("alice@other.example", None)


def test_it_refuses_in_the_admin_an_address_another_account_holds_in_another_spelling(
    client, staff, alice
):
    client.force_login(staff)
    url = reverse("admin:accounts_user_add")
    data = {"email": " STAFF@example.org", "usable_password": "true"}
    data |= {"password1": "a long enough one 2026", "password2": "a long enough one 2026"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already exists" in response.text
    assert User.objects.filter(email="staff@example.org").count() == 1


# Addresses compared one way ---------------------------------------------------------------


def test_it_matches_addresses_beyond_ascii_in_any_case(client, alice):
    ana = User.objects.create_user(
        email="Ana@B\u00dcCHER.example", password=PASSWORD, email_confirmed_at=timezone.now()
    )
    assert ana.email == "ana@b\u00fccher.example"
    assert sign_in(client, " ANA@B\u00dcCHER.EXAMPLE").context["user"] == ana
    grant = CareAccess.objects.create(person=alice, email="ANA@b\u00dccher.example", role="carer")
    assert grant.email == "ana@b\u00fccher.example"
    assert list(CareAccess.objects.pending_for(ana)) == [grant]
    client.post(reverse("password_reset"), {"email": "ana@B\u00dcCHER.example"})
    assert mail.outbox[-1].to == ["ana@b\u00fccher.example"]


def test_the_migrations_store_existing_addresses_normalised(alice, bob):
    User.objects.filter(pk=alice.pk).update(email=" Alice@Example.ORG")
    User.objects.filter(pk=bob.pk).update(email="alice@example.org\u00a0")  # the same, once
    grant = CareAccess.objects.create(person=alice, email="x@example.org", role="carer")
    CareAccess.objects.filter(pk=grant.pk).update(email="X@\uff25xample.org")
    importlib.import_module(
        "sci_tracker.accounts.migrations.0004_email_confirmation"
    ).normalise_addresses(apps, None)
    importlib.import_module(
        "sci_tracker.sharing.migrations.0003_normalise_invited_addresses"
    ).normalise_addresses(apps, None)
    alice.refresh_from_db()
    bob.refresh_from_db()
    grant.refresh_from_db()
    assert alice.email == "alice@example.org"
    assert bob.email == "alice@example.org\u00a0"  # left for the staff: it would clash
    assert grant.email == "x@example.org"


# Invitations: limited per sender, and worded by the app --------------------------------------


def test_it_limits_invitations_per_sender_and_keeps_what_was_typed(alice_client, alice, bob):
    with override_settings(INVITATION_LIMIT=2):
        for n in range(2):
            assert "is invited" in invite(alice_client, f"friend{n}@example.org").text
        response = invite(alice_client, "third@example.org", role="carer")
        assert "You have sent 2 invitations in the last 24 hours" in response.text
        assert 'value="third@example.org"' in response.text
        assert CareAccess.objects.filter(person=alice).count() == 2
        assert len(mail.outbox) == 2
        # The limit is the sender's: another person invites as usual.
        bobs = Client()
        bobs.force_login(bob)
        assert "is invited" in invite(bobs, "third@example.org").text


@pytest.mark.parametrize("confirmed", [True, False])
def test_it_opens_the_invitation_email_in_its_own_words(alice_client, alice, confirmed):
    alice.display_name = "Your hospital\nSign in at evil.example"
    if not confirmed:
        alice.email_confirmed_at = None
    alice.save()
    invite(alice_client, DOCTOR)
    [message] = mail.outbox
    assert message.subject == "An invitation to SCI Tracker"
    lines = message.body.splitlines()
    assert lines[0].startswith("Someone who keeps a diary in SCI Tracker")
    assert "as their clinician" in lines[0]
    named = [line for line in lines if "hospital" in line]
    assert named == [
        "The account that sent it calls itself \u201cYour hospital Sign in at evil.example\u201d "
        + (
            "and uses the address alice@example.org."
            if confirmed
            else "and gives the address alice@example.org, which it has not confirmed."
        )
    ]
    assert message.body.index("hospital") > message.body.index("invited this e-mail address")
