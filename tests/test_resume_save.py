"""A save sent after the session ended survives the sign-in (sci_tracker.accounts.resume)."""

from datetime import timedelta

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from sci_tracker.accounts.resume import ACCOUNT_COOKIE
from sci_tracker.diary.models import CheckIn, LegPainEntry
from tests.conftest import PASSWORD
from tests.entries import NOW, pain
from tests.test_edit_conflicts import VERSION

PAIN = {
    "when": "now",
    "intensity": "6",
    "qualities": ["burning"],
    "pain_type": "unknown",
    "note": "Typed at 2 a.m.",
    "tried-TOTAL_FORMS": "0",
    "tried-INITIAL_FORMS": "0",
}


def signed_in(user, client=None):
    """A browser that signed in with the form, as a person does (so it has the account cookie)."""
    client = client or Client()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def session_ends():
    """Every session ends at once: expired, or ended from another device."""
    Session.objects.all().delete()


def sign_in_again(client, user, next_page):
    return client.post(
        f"{reverse('login')}?next={next_page}",
        {"username": user.email, "password": PASSWORD, "next": next_page},
        follow=True,
    )


def test_it_saves_a_new_entry_sent_after_the_session_ended_once_signed_in_again(alice):
    browser = signed_in(alice)
    form = reverse("diary:new", args=["pain"])
    session_ends()

    sent = browser.post(form, PAIN, follow=True)
    assert sent.redirect_chain[0][0] == f"{reverse('login')}?next={form}"
    assert "You were signed out, so this was not saved yet." in sent.text
    assert not LegPainEntry.objects.exists()

    after = sign_in_again(browser, alice, form)
    assert "Leg pain saved." in after.text
    entry = LegPainEntry.objects.get()
    assert (entry.owner, entry.logged_by, entry.intensity) == (alice, alice, 6)
    assert (entry.qualities, entry.note) == (["burning"], "Typed at 2 a.m.")
    # Sent once: opening the form again shows it empty and saves nothing more.
    assert "Typed at 2 a.m." not in browser.get(form).text
    assert LegPainEntry.objects.count() == 1


def test_it_saves_a_check_in_sent_after_the_session_expired(alice):
    with time_machine.travel(NOW, tick=False) as clock:
        browser = signed_in(alice)
        clock.shift(timedelta(days=30))  # past any session's life
        form = reverse("diary:new", args=["checkin"])
        browser.post(form, {"date": "2026-04-13", "psfs_frequency": "0", "note": "Calm day"})
        assert not CheckIn.objects.exists()
        sign_in_again(browser, alice, form)
    checkin = CheckIn.objects.get()
    assert (checkin.date.isoformat(), checkin.note) == ("2026-04-13", "Calm day")


def test_it_uses_nothing_kept_when_another_account_signs_in(alice, bob):
    browser = signed_in(alice)
    form = reverse("diary:new", args=["pain"])
    session_ends()
    browser.post(form, PAIN)

    after = sign_in_again(browser, bob, form)
    assert not LegPainEntry.objects.exists()
    assert "Typed at 2 a.m." not in after.text
    # Not later either, when alice signs in on this browser again.
    browser.post(reverse("logout"))
    sign_in_again(browser, alice, form)
    assert not LegPainEntry.objects.exists()


def test_it_shows_the_form_with_everything_typed_when_the_kept_save_has_an_error(alice):
    browser = signed_in(alice)
    form = reverse("diary:new", args=["pain"])
    session_ends()
    browser.post(form, PAIN | {"when": "earlier", "occurred_local": ""})

    after = sign_in_again(browser, alice, form)
    assert after.redirect_chain[-1][0] == form
    assert "Enter the date and time, or pick “Now”." in after.text
    assert 'value="burning" id="id_qualities_0" checked' in after.text
    assert "Typed at 2 a.m." in after.text
    assert not LegPainEntry.objects.exists()


def test_it_keeps_the_edit_conflict_rule_for_an_edit_sent_after_the_session_ended(alice):
    entry = pain(alice, note="First")
    browser = signed_in(alice)
    edit = reverse("diary:edit", args=["pain", entry.pk])
    opened = VERSION.search(browser.get(edit).text).group(1)
    session_ends()
    # Changed on the phone meanwhile.
    entry.note = "From the phone"
    entry.save_edit(entry.version)
    browser.post(
        edit,
        PAIN
        | {"when": "earlier", "occurred_local": "2026-03-15T00:30"}
        | {
            "note": "From the laptop",
            "version": opened,
        },
    )

    after = sign_in_again(browser, alice, edit)
    assert after.status_code == 409
    assert "This entry was changed on another device" in after.text
    assert "From the laptop" in after.text
    entry.refresh_from_db()
    assert entry.note == "From the phone"


def test_it_saves_an_edit_sent_after_the_session_ended_when_nothing_changed_meanwhile(alice):
    entry = pain(alice, note="First")
    browser = signed_in(alice)
    edit = reverse("diary:edit", args=["pain", entry.pk])
    opened = VERSION.search(browser.get(edit).text).group(1)
    session_ends()
    browser.post(
        edit,
        PAIN
        | {"when": "earlier", "occurred_local": "2026-03-15T00:30"}
        | {
            "note": "From the laptop",
            "version": opened,
        },
    )
    sign_in_again(browser, alice, edit)
    entry.refresh_from_db()
    assert entry.note == "From the laptop"


def test_it_keeps_nothing_sent_from_another_site(alice):
    browser = signed_in(alice)
    session_ends()
    browser.handler.enforce_csrf_checks = True  # a form on another site sends no token
    response = browser.post(reverse("diary:new", args=["pain"]), PAIN)
    assert response.status_code == 403
    browser.handler.enforce_csrf_checks = False
    sign_in_again(browser, alice, reverse("diary:new", args=["pain"]))
    assert not LegPainEntry.objects.exists()


def test_it_keeps_a_save_for_an_hour_only(alice):
    with time_machine.travel(NOW, tick=False) as clock:
        browser = signed_in(alice)
        form = reverse("diary:new", args=["pain"])
        session_ends()
        browser.post(form, PAIN)
        clock.shift(timedelta(minutes=61))
        after = sign_in_again(browser, alice, form)
    assert not LegPainEntry.objects.exists()
    assert "Typed at 2 a.m." not in after.text


def test_it_forgets_the_account_of_a_browser_signed_out_of(alice):
    browser = signed_in(alice)
    assert browser.cookies[ACCOUNT_COOKIE].value
    browser.post(reverse("logout"))
    assert not browser.cookies[ACCOUNT_COOKIE].value
    form = reverse("diary:new", args=["pain"])
    sent = browser.post(form, PAIN, follow=True)
    assert "this was not saved yet" not in sent.text
    sign_in_again(browser, alice, form)
    assert not LegPainEntry.objects.exists()
