import re
from datetime import date

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sci_tracker.accounts.models import User
from sci_tracker.core.theme import THEME_COLOURS
from sci_tracker.diary.models import CheckIn, PainProblem, SpasmEpisode, Trigger
from tests.conftest import PASSWORD, make_user
from tests.test_safety import profile_data

NEW_PASSWORD = "a brand new passphrase 42"


def sign_up(client, **overrides):
    data = {
        "email": "carol@example.org",
        "display_name": "Carol",
        "time_zone": "Asia/Kolkata",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "uses_app_as": "own",
        **overrides,
    }
    return client.post(reverse("signup"), data, follow=True)


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password}, follow=True)


def test_it_signs_up_an_unconfirmed_account_that_signs_in_with_its_password(client, db):
    response = sign_up(client)
    assert "Check your e-mail" in response.text
    assert "carol@example.org" in response.text
    # Sign-up does not sign in: the account signs in with its password, as any other.
    assert not response.context["user"].is_authenticated
    carol = User.objects.get(email="carol@example.org")
    assert carol.time_zone == "Asia/Kolkata"
    assert carol.injury_level == "unknown"
    assert carol.email_confirmed_at is None
    assert [message.to for message in mail.outbox] == [["carol@example.org"]]
    response = sign_in(client, "carol@example.org")
    assert response.context["user"] == carol
    assert "Hello, Carol" in response.text


def test_it_keeps_what_was_typed_when_sign_up_fails(client, db):
    response = sign_up(client, password2="something else entirely")
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.text
    assert 'value="carol@example.org"' in response.text
    assert 'value="Carol"' in response.text
    assert '<option value="Asia/Kolkata" selected>' in response.text
    # The summary at the top links to the field with the problem.
    assert 'href="#id_password2"' in response.text
    assert not User.objects.exists()


def test_it_makes_no_second_account_for_the_same_address_in_any_case(client, alice):
    response = sign_up(client, email="ALICE@Example.org")
    assert "Check your e-mail" in response.text
    assert User.objects.count() == 1
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert "Someone tried to create" in mail.outbox[0].subject


def test_it_enforces_one_account_per_address_in_the_database(alice):
    with pytest.raises(IntegrityError):
        make_user("ALICE")


def test_it_refuses_an_injury_level_that_does_not_exist_in_the_database(db):
    with pytest.raises(IntegrityError):
        make_user("dan", injury_level="X9")


def test_it_signs_in_with_the_address_in_any_case(client, alice):
    response = sign_in(client, "Alice@EXAMPLE.org")
    assert response.context["user"] == alice
    assert "Hello, Alice" in response.text


def test_it_says_plainly_when_the_password_is_wrong(client, alice):
    response = sign_in(client, "alice@example.org", "wrong password")
    assert "do not match an account" in response.text
    assert 'value="alice@example.org"' in response.text
    assert not response.context["user"].is_authenticated


def test_it_pauses_sign_in_after_five_failures_with_a_clear_message(client, alice):
    for _ in range(4):
        assert sign_in(client, "alice@example.org", "wrong").status_code == 200
    response = sign_in(client, "alice@example.org", "wrong")
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert "for 15 minutes" in response.text
    # Even the right password is refused until the pause ends.
    response = sign_in(client, "alice@example.org")
    assert response.status_code == 429
    assert not response.context["user"].is_authenticated
    # Another account from the same address is not affected.
    make_user("erin")
    assert sign_in(client, "erin@example.org").context["user"].email == "erin@example.org"


def test_it_signs_out_on_post_only(alice_client):
    assert alice_client.get(reverse("logout")).status_code == 405
    response = alice_client.post(reverse("logout"), follow=True)
    assert "You are signed out." in response.text
    assert not response.context["user"].is_authenticated


def test_it_saves_the_profile(alice_client, alice):
    data = {
        "display_name": "Al",
        "time_zone": "Europe/Lisbon",
        "injury_level": "T4",
        "completeness": "C",
        "uses_app_as": "own",
        "theme": "device",
    }
    response = alice_client.post(reverse("profile"), data, follow=True)
    assert "Your profile is saved." in response.text
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone, alice.injury_level, alice.completeness) == (
        "Al",
        "Europe/Lisbon",
        "T4",
        "C",
    )


# Light or dark pages ------------------------------------------------------------------------

DEVICE_SCRIPT = "/static/js/theme.js"


def chosen_mode(html):
    """The mode the server drew the page in: the <html> tag's data-bs-theme, or None."""
    found = re.search(r'<html lang="[\w-]+"(?: data-bs-theme="(\w+)")?>', html)
    assert found, "no <html> tag as base.html writes it"
    return found.group(1)


def theme_colours(html):
    return re.findall(r'<meta name="theme-color" content="(#[0-9a-f]{6})"([^>]*)>', html)


def test_it_follows_the_device_until_the_person_chooses(alice_client, alice):
    visitor = Client()
    for page in (alice_client.get(reverse("home")).text, visitor.get(reverse("login")).text):
        assert chosen_mode(page) is None
        assert DEVICE_SCRIPT in page  # sets the mode from prefers-color-scheme
        assert theme_colours(page) == [
            (THEME_COLOURS["light"], ' media="(prefers-color-scheme: light)"'),
            (THEME_COLOURS["dark"], ' media="(prefers-color-scheme: dark)"'),
        ]
    assert alice.theme == "device"
    profile = alice_client.get(reverse("profile")).text
    assert "Light or dark pages" in profile
    assert re.search(r'<input type="radio"[^>]*value="device"[^>]*checked>', profile)


@pytest.mark.parametrize("mode", ["dark", "light"])
def test_it_draws_every_page_in_the_mode_the_person_chose(alice_client, alice, mode):
    response = alice_client.post(reverse("profile"), profile_data(alice, theme=mode), follow=True)
    assert "Your profile is saved." in response.text
    alice.refresh_from_db()
    assert alice.theme == mode
    for url in (reverse("profile"), reverse("home"), reverse("trends:overview")):
        page = alice_client.get(url).text
        assert chosen_mode(page) == mode, url
        assert DEVICE_SCRIPT not in page  # drawn by the server: nothing to wait for
        assert theme_colours(page) == [(THEME_COLOURS[mode], "")]
    profile = alice_client.get(reverse("profile")).text
    assert re.search(rf'<input type="radio"[^>]*value="{mode}"[^>]*checked>', profile)


@pytest.mark.parametrize(
    ("sent", "error"),
    [("sepia", "Select a valid choice."), ("", "This field is required."), (None, "required")],
)
def test_it_refuses_a_mode_it_does_not_offer(alice_client, alice, sent, error):
    data = profile_data(alice, theme=sent, display_name="Al")  # None: not sent at all
    response = alice_client.post(reverse("profile"), data)
    assert response.status_code == 200
    assert error in response.text
    alice.refresh_from_db()
    assert (alice.display_name, alice.theme) == ("Alice", "device")


def test_the_database_refuses_a_mode_it_does_not_offer(alice):
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=alice.pk).update(theme="sepia")


def test_it_refuses_an_unknown_time_zone_and_keeps_the_rest(alice_client, alice):
    data = {
        "display_name": "Al",
        "time_zone": "Mars/Base",
        "injury_level": "T4",
        "completeness": "C",
        "uses_app_as": "own",
        "theme": "device",
    }
    response = alice_client.post(reverse("profile"), data)
    assert "Select a valid choice." in response.text
    assert 'value="Al"' in response.text
    assert '<option value="T4" selected>' in response.text
    alice.refresh_from_db()
    assert alice.time_zone == "Pacific/Auckland"


@pytest.mark.parametrize(
    ("level", "at_risk"),
    [("C6", True), ("T1", True), ("T6", True), ("T7", False), ("L1", False), ("unknown", True)],
)
def test_it_knows_when_autonomic_dysreflexia_is_a_risk(level, at_risk):
    assert User(injury_level=level).ad_risk is at_risk


def test_it_changes_the_password_and_signs_out_other_devices(client, alice):
    other_device = client.__class__()
    other_device.force_login(alice)
    client.force_login(alice)
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(reverse("password_change"), data, follow=True)
    assert "Your password is changed." in response.text
    assert response.context["user"] == alice
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert other_device.get(reverse("profile")).status_code == 302


def test_it_resets_a_forgotten_password_by_email(client, alice):
    response = client.post(reverse("password_reset"), {"email": "ALICE@example.org"}, follow=True)
    assert "Check your e-mail" in response.text
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(form_page.redirect_chain[-1][0], data, follow=True)
    assert "Your password is reset" in response.text
    assert sign_in(client, "alice@example.org", NEW_PASSWORD).context["user"] == alice


def test_it_sends_no_email_for_an_unknown_address_but_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your e-mail" in response.text
    assert mail.outbox == []


def test_it_explains_a_used_reset_link(client, alice):
    response = client.get("/accounts/password/reset/MQ/bad-token/")
    assert "This reset link no longer works" in response.text


def test_it_deletes_the_account_only_with_the_right_password(alice_client, alice):
    response = alice_client.post(reverse("delete_account"), {"password": "not it"})
    assert "That password is not right. Nothing was deleted." in response.text
    assert User.objects.filter(pk=alice.pk).exists()


def rows_pointing_at(user):
    """Every row of every model that refers to this user through a foreign key."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                count = model.objects.filter(**{field.name: user.pk}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


def test_it_deletes_every_row_of_the_account(client, alice, bob):
    episode = SpasmEpisode.objects.create(owner=alice, logged_by=alice, occurred_at=timezone.now())
    episode.triggers.add(Trigger.objects.create(owner=alice, slug="own", name="My own"))
    PainProblem.objects.create(owner=alice, slot=1, name="Feet")
    CheckIn.objects.create(owner=alice, logged_by=alice, date=date(2026, 1, 1), psfs_frequency=0)
    assert len(rows_pointing_at(alice)) >= 4
    sign_in(client, "alice@example.org", "a wrong guess")
    sign_in(client, "alice@example.org")
    other_device = client.__class__()
    other_device.force_login(alice)
    other_device.force_login(bob)  # bob's own session on another device stays
    bob_device = client.__class__()
    bob_device.force_login(bob)
    assert AccessLog.objects.filter(username="alice@example.org").exists()

    response = client.post(reverse("delete_account"), {"password": PASSWORD}, follow=True)

    assert "Your account and everything in it are deleted." in response.text
    assert not response.context["user"].is_authenticated
    assert not User.objects.filter(pk=alice.pk).exists()
    assert rows_pointing_at(alice) == {}
    assert not AccessLog.objects.filter(username__iexact="alice@example.org").exists()
    assert not AccessAttempt.objects.filter(username__iexact="alice@example.org").exists()
    sessions = [session.get_decoded().get("_auth_user_id") for session in Session.objects.all()]
    assert str(alice.pk) not in sessions
    assert str(bob.pk) in sessions
    assert bob_device.get(reverse("profile")).status_code == 200
