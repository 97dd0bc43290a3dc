"""A save sent after the session ended survives the sign-in (sci_tracker.accounts.resume)."""

import re
from datetime import timedelta

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from sci_tracker.accounts.resume import ACCOUNT_COOKIE, RESUME_WITHIN
from sci_tracker.diary.models import CheckIn, LegPainEntry, PainProblem, SpasmEpisode, Trigger
from sci_tracker.sharing.models import CareAccess, ReviewNote, VisitMeasure
from tests.conftest import PASSWORD, make_user
from tests.entries import NOW, pain
from tests.test_edit_conflicts import VERSION
from tests.test_safety import profile_data

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


# The Log page's one-tap spasm, and a "now" kept over the sign-in --------------------------------


def test_it_saves_a_spasm_tapped_after_the_session_ended_at_the_moment_of_the_tap(alice):
    with time_machine.travel(NOW, tick=False) as clock:
        browser = signed_in(alice)
        session_ends()
        tapped = browser.post(reverse("diary:spasm_now"), {"severity": "2"}, follow=True)
        # Back to the Log page after signing in, where the button was.
        log = reverse("diary:quick_log")
        assert tapped.redirect_chain[0][0] == f"{reverse('login')}?next={log}"
        assert "You were signed out, so this was not saved yet." in tapped.text
        assert not SpasmEpisode.objects.exists()

        clock.shift(timedelta(minutes=20))  # found the glasses, then the password
        after = sign_in_again(browser, alice, log)
    spasm = SpasmEpisode.objects.get()
    assert (spasm.owner, spasm.logged_by, spasm.severity) == (alice, alice, 2)
    assert spasm.occurred_at == NOW  # the tap, not the sign-in 20 minutes later
    # 00:30 in Auckland, alice's zone.
    assert "Spasm (moderate) saved at 00:30." in after.text
    assert after.redirect_chain[-1][0] == spasm.get_absolute_url()


def test_it_waits_for_the_page_opened_after_signing_in_not_a_scripts_fetch(alice):
    with time_machine.travel(NOW, tick=False):
        browser = signed_in(alice)
        session_ends()
        browser.post(reverse("diary:spasm_now"), {"severity": "2"})
        log = reverse("diary:quick_log")
        signing_in = {"username": alice.email, "password": PASSWORD, "next": log}
        assert browser.post(f"{reverse('login')}?next={log}", signing_in).status_code == 302
        # The service worker keeps its offline copies before the browser opens the Log page.
        for kept_copy in (reverse("pwa:offline"), reverse("diary:log_offline_copy")):
            fetched = browser.get(kept_copy, headers={"Sec-Fetch-Mode": "same-origin"})
            assert fetched.status_code == 200
        assert not SpasmEpisode.objects.exists()
        after = browser.get(log, headers={"Sec-Fetch-Mode": "navigate"}, follow=True)
    spasm = SpasmEpisode.objects.get()
    assert (spasm.occurred_at, spasm.severity) == (NOW, 2)
    assert "Spasm (moderate) saved at 00:30." in after.text


def test_it_saves_a_carers_earlier_tap_for_the_person_at_its_moment(alice):
    carer = make_user("cara", time_zone="America/Denver")
    CareAccess.objects.create(
        person=alice, email=carer.email, role="carer", member=carer, accepted_at=NOW
    )
    scope = {"person_id": alice.pk}
    with time_machine.travel(NOW, tick=False) as clock:
        browser = signed_in(carer)
        session_ends()
        browser.post(reverse("diary:spasm_now", kwargs=scope), {"minutes_ago": "15"})
        clock.shift(timedelta(minutes=30))
        log = reverse("diary:quick_log", kwargs=scope)
        signed = browser.post(
            f"{reverse('login')}?next={log}",
            {"username": carer.email, "password": PASSWORD, "next": log},
        )
        assert signed["Location"] == log
        # The Log page sends the kept tap, and comes back to itself (the test client's follow
        # would take that for a loop).
        saved = browser.get(log)
        assert saved["Location"] == log
        after = browser.get(log)
    spasm = SpasmEpisode.objects.get()
    assert (spasm.owner, spasm.logged_by) == (alice, carer)
    assert spasm.occurred_at == NOW - timedelta(minutes=15)
    assert "Spasm saved for Alice at 00:15." in after.text


def test_it_drops_a_tap_kept_longer_than_an_hour_and_opens_the_log_page(alice):
    with time_machine.travel(NOW, tick=False) as clock:
        browser = signed_in(alice)
        session_ends()
        tapped = browser.post(reverse("diary:spasm_now"))
        # Signing in leads back to the Log page, not to the button's address (POST only).
        assert tapped["Location"] == f"{reverse('login')}?next={reverse('diary:quick_log')}"
        clock.shift(timedelta(seconds=RESUME_WITHIN + 60))
        after = sign_in_again(browser, alice, reverse("diary:quick_log"))
    assert not SpasmEpisode.objects.exists()
    assert after.status_code == 200
    assert after.redirect_chain[-1][0] == reverse("diary:quick_log")


def test_it_saves_a_now_in_a_kept_form_at_the_moment_it_was_sent(alice):
    with time_machine.travel(NOW, tick=False) as clock:
        browser = signed_in(alice)
        form = reverse("diary:new", args=["pain"])
        session_ends()
        browser.post(form, PAIN | {"when": "15"})
        clock.shift(timedelta(minutes=40))
        sign_in_again(browser, alice, form)
    assert LegPainEntry.objects.get().occurred_at == NOW - timedelta(minutes=15)


# Every other form where typed work could be lost ---------------------------------------------


def kept_and_saved(browser, user, url, data):
    """Send `data` to `url` after the session ended, sign in again, and return the page."""
    session_ends()
    sent = browser.post(url, data, follow=True)
    assert "You were signed out, so this was not saved yet." in sent.text
    signed = browser.post(
        f"{reverse('login')}?next={url}",
        {"username": user.email, "password": PASSWORD, "next": url},
    )
    assert signed["Location"] == url
    # A form that comes back to its own page after saving would look like a loop to the test
    # client's follow: the page after signing in is opened as a browser does.
    return browser.get(url, follow=True)


def test_it_saves_the_profile_and_safety_profile_sent_after_the_session_ended(alice):
    browser = signed_in(alice)
    data = profile_data(alice, display_name="Alice K", usual_systolic=104, usual_diastolic=66)
    data |= {"card_medicines": "Baclofen 10 mg"}
    after = kept_and_saved(browser, alice, reverse("profile"), data)
    assert "Your profile is saved." in after.text
    alice.refresh_from_db()
    assert (alice.display_name, alice.usual_systolic, alice.usual_diastolic) == ("Alice K", 104, 66)
    assert alice.card_medicines == "Baclofen 10 mg"


def test_it_saves_pain_problems_and_own_lists_sent_after_the_session_ended(alice):
    browser = signed_in(alice)
    url = reverse("diary:pain_problems")
    data = {"slot_1": "Burning feet", "slot_2": "", "slot_3": ""}
    after = kept_and_saved(browser, alice, url, data)
    assert "Your pain problems are saved." in after.text
    assert list(PainProblem.objects.filter(owner=alice).values_list("name", flat=True)) == [
        "Burning feet"
    ]
    url = reverse("diary:own_items")
    data = {"add_trigger": "", "trigger-name": "Cold floor", "trigger-category": "other"}
    after = kept_and_saved(browser, alice, url, data)
    assert "“Cold floor” is added to your list." in after.text
    assert Trigger.objects.filter(owner=alice, name="Cold floor").exists()
    item = Trigger.objects.get(owner=alice, name="Cold floor")
    url = reverse("diary:rename_item", kwargs={"items": "triggers", "pk": item.pk})
    after = kept_and_saved(browser, alice, url, {"name": "Cold tiles"})
    assert "“Cold floor” is now called “Cold tiles”, on your old entries too." in after.text
    item.refresh_from_db()
    assert item.name == "Cold tiles"


def test_it_saves_a_clinicians_note_measures_and_pain_types_after_the_session_ended(alice):
    doctor = make_user("okafor", is_clinician=True)
    CareAccess.objects.create(
        person=alice, email=doctor.email, role="clinician", member=doctor, accepted_at=NOW
    )
    PainProblem.objects.create(owner=alice, slot=1, name="Burning feet")
    scope = {"person_id": alice.pk}
    browser = signed_in(doctor)
    kept_and_saved(browser, doctor, reverse("sharing:add_note", kwargs=scope), {"text": "Better"})
    assert ReviewNote.objects.get(person=alice).text == "Better"
    day = alice.local_today().isoformat()
    data = {"visit_date": day, "hip-flexors__left": "2"}
    kept_and_saved(browser, doctor, reverse("sharing:record_visit", kwargs=scope), data)
    assert VisitMeasure.objects.get(person=alice).score == "2"
    url = reverse("diary:confirm_pain_types", kwargs=scope)
    kept_and_saved(browser, doctor, url, {"problem_1": "neuropathic-below"})
    assert PainProblem.objects.get(owner=alice).confirmed_type == "neuropathic-below"


def test_it_keeps_the_save_when_a_fetch_sent_before_it_answers_after_it(alice):
    """The worker's fetch of its offline copies, sent with the session that just ended, can
    arrive after the kept save's answer: its answer must not delete the new session's cookie,
    which holds the kept save."""
    with time_machine.travel(NOW, tick=False):
        browser = signed_in(alice)
        ended = browser.cookies[settings.SESSION_COOKIE_NAME].value
        session_ends()
        browser.post(reverse("diary:spasm_now"), {"severity": "2"})
        for kept_copy in (reverse("pwa:offline"), reverse("diary:log_offline_copy")):
            late = browser.get(
                kept_copy,
                headers={"Sec-Fetch-Mode": "same-origin"},
                HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={ended}",
            )
            assert late.status_code in (200, 302)
        log = reverse("diary:quick_log")
        after = sign_in_again(browser, alice, log)
    spasm = SpasmEpisode.objects.get()
    assert (spasm.occurred_at, spasm.severity) == (NOW, 2)
    assert "Spasm (moderate) saved at 00:30." in after.text


def csrf_token_of(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_a_fetch_sent_before_signing_in_never_puts_back_the_old_csrf_cookie(alice):
    """The worker's fetch of its offline copies, sent with the CSRF cookie signing in then
    replaced, can be answered after the page that follows: its answer must not put the old
    cookie back, or the next form the person sends is refused."""
    browser = Client(enforce_csrf_checks=True)
    login = browser.get(reverse("login"))
    before = browser.cookies[settings.CSRF_COOKIE_NAME].value
    signing_in = {"username": alice.email, "password": PASSWORD}
    signed = browser.post(
        reverse("login"), {**signing_in, "csrfmiddlewaretoken": csrf_token_of(login)}
    )
    assert signed.status_code == 302
    after = browser.cookies[settings.CSRF_COOKIE_NAME].value
    assert after != before  # signing in replaced it
    log = browser.get(reverse("diary:quick_log"), headers={"Sec-Fetch-Mode": "navigate"})
    for kept_copy in (reverse("pwa:offline"), reverse("diary:log_offline_copy")):
        late = browser.get(
            kept_copy,
            headers={"Sec-Fetch-Mode": "same-origin"},
            HTTP_COOKIE=f"{settings.CSRF_COOKIE_NAME}={before}",
        )
        assert late.status_code in (200, 302)
    assert browser.cookies[settings.CSRF_COOKIE_NAME].value == after
    sent = browser.post(
        reverse("diary:spasm_now"), {"severity": "2", "csrfmiddlewaretoken": csrf_token_of(log)}
    )
    assert sent.status_code == 302
    assert SpasmEpisode.objects.get().severity == 2


def test_a_page_still_renews_the_csrf_cookie_and_a_fetch_without_one_gets_one(alice):
    browser = signed_in(alice)
    kept = browser.cookies[settings.CSRF_COOKIE_NAME].value
    page = browser.get(reverse("diary:quick_log"), headers={"Sec-Fetch-Mode": "navigate"})
    assert page.cookies[settings.CSRF_COOKIE_NAME].value == kept  # renewed, as Django does
    fresh = Client().get(reverse("pwa:offline"), headers={"Sec-Fetch-Mode": "same-origin"})
    assert fresh.cookies[settings.CSRF_COOKIE_NAME].value  # a new one: it had none
