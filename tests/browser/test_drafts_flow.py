"""Nothing typed is lost: drafts kept in the browser, and a save sent after the session ended."""

import re

from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from sci_tracker.diary.models import LegPainEntry, SpasmEpisode
from sci_tracker.sharing.models import CareAccess
from tests.browser.conftest import assert_accessible, evaluate_loaded, sign_in, unfold
from tests.browser.test_diary_flow import choose, person
from tests.conftest import PASSWORD
from tests.entries import pain


def drafts_kept(page):
    """The drafts in the browser's storage once static/js/drafts.js has read the server's notes
    (at DOMContentLoaded: see evaluate_loaded)."""
    return evaluate_loaded(
        page, "() => Object.keys(localStorage).filter((key) => key.startsWith('sci-draft:'))"
    )


def test_it_brings_a_pain_draft_back_after_a_reload_and_forgets_it_once_saved(
    page, live_server, console_errors, transactional_db
):
    person("ann")
    sign_in(page, live_server, "ann@example.org")
    page.goto(f"{live_server.url}/log/pain/")
    choose(page, "How bad is the pain?", "6")
    choose(page, "What does it feel like?", "Burning")
    unfold(page, "Note")
    page.get_by_label("Note", exact=True).fill("Woke me at 2 a.m.")

    page.reload()
    note = page.get_by_role("status").filter(has_text="Draft restored")
    expect(note).to_be_visible()
    expect(page.get_by_role("radio", name="6", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Burning")).to_be_checked()
    expect(page.get_by_label("Note", exact=True)).to_have_value("Woke me at 2 a.m.")
    assert_accessible(page)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    assert LegPainEntry.objects.get().note == "Woke me at 2 a.m."
    assert drafts_kept(page) == []

    page.goto(f"{live_server.url}/log/pain/")
    expect(page.get_by_label("Note", exact=True)).to_have_value("")
    expect(page.get_by_text("Draft restored")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Burning")).not_to_be_checked()
    assert console_errors == []


def test_it_discards_a_draft_when_asked_and_forgets_drafts_at_sign_out(
    page, live_server, console_errors, transactional_db
):
    person("ben")
    sign_in(page, live_server, "ben@example.org")
    page.goto(f"{live_server.url}/log/pain/")
    unfold(page, "Note")
    page.get_by_label("Note", exact=True).fill("Not this one")
    page.reload()
    page.get_by_role("button", name="Discard").click()
    expect(page.get_by_label("Note", exact=True)).to_have_value("")
    expect(page.get_by_text("Draft restored")).to_have_count(0)
    page.reload()
    expect(page.get_by_label("Note", exact=True)).to_have_value("")

    unfold(page, "Note")

    page.get_by_label("Note", exact=True).fill("Typed before signing out")
    page.goto(f"{live_server.url}/log/")
    assert len(drafts_kept(page)) == 1
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    assert drafts_kept(page) == []
    # Never a draft of the sign-in form.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill("ben@example.org")
    page.get_by_label("Password").fill("not sent")
    page.reload()
    assert drafts_kept(page) == []
    assert console_errors == []


def test_it_saves_a_pain_entry_sent_after_the_session_ended_once_signed_in_again(
    page, live_server, console_errors, transactional_db
):
    cat = person("cat")
    sign_in(page, live_server, "cat@example.org")
    page.goto(f"{live_server.url}/log/pain/")
    choose(page, "How bad is the pain?", "4")
    unfold(page, "Note")
    page.get_by_label("Note", exact=True).fill("Typed while signed out")
    Session.objects.all().delete()  # the session ends while the form is open

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("status")).to_contain_text("this was not saved yet")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("cat@example.org")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(page.get_by_role("status")).to_contain_text("Leg pain saved.")
    entry = LegPainEntry.objects.get()
    assert (entry.owner, entry.intensity, entry.note) == (cat, 4, "Typed while signed out")
    assert drafts_kept(page) == []
    assert console_errors == []


def test_it_keeps_the_version_a_draft_of_an_edit_was_opened_at(
    page, live_server, console_errors, transactional_db
):
    dan = person("dan")
    entry = pain(dan, note="As logged")
    sign_in(page, live_server, "dan@example.org")
    page.goto(f"{live_server.url}/entries/pain/{entry.pk}/")
    unfold(page, "Note")
    page.get_by_label("Note", exact=True).fill("Typed on the laptop")
    # Changed on the phone while the laptop's draft waits.
    entry.note = "Changed on the phone"
    entry.save_edit(entry.version)

    page.reload()
    expect(page.get_by_text("Draft restored")).to_be_visible()
    expect(page.get_by_label("Note", exact=True)).to_have_value("Typed on the laptop")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This entry was changed on another device"
    )
    entry.refresh_from_db()
    assert entry.note == "Changed on the phone"
    assert len(drafts_kept(page)) == 1  # not saved yet: the draft stays

    page.get_by_role("button", name="Save mine over it").first.click()
    expect(page.get_by_role("status")).to_contain_text("Leg pain updated.")
    entry.refresh_from_db()
    assert entry.note == "Typed on the laptop"
    assert drafts_kept(page) == []
    assert [error for error in console_errors if "409 (Conflict)" not in error] == []


def test_it_keeps_drafts_of_the_profile_pain_problems_and_each_own_list(
    page, live_server, console_errors, transactional_db
):
    eve = person("eve")
    sign_in(page, live_server, "eve@example.org")
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_label("Upper number (systolic)").fill("104")
    page.get_by_label("Medicines").fill("Baclofen 10 mg")
    page.reload()
    expect(page.get_by_text("Draft restored")).to_be_visible()
    expect(page.get_by_label("Upper number (systolic)")).to_have_value("104")
    expect(page.get_by_label("Medicines")).to_have_value("Baclofen 10 mg")
    assert_accessible(page)
    page.get_by_label("Lower number (diastolic)").fill("66")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    eve.refresh_from_db()
    assert (eve.usual_systolic, eve.usual_diastolic, eve.card_medicines) == (
        104,
        66,
        "Baclofen 10 mg",
    )
    assert drafts_kept(page) == []

    page.goto(f"{live_server.url}/log/pain-problems/")
    page.get_by_label("Pain problem 1").fill("Burning feet")
    page.reload()
    expect(page.get_by_label("Pain problem 1")).to_have_value("Burning feet")
    expect(page.get_by_text("Draft restored")).to_be_visible()

    # Two forms on one page: a draft each, and saving one leaves the other's.
    page.goto(f"{live_server.url}/log/my-lists/")
    page.get_by_label("Add a trigger of your own").fill("Cold floor")
    page.get_by_label("Add something you try").fill("Warm socks")
    page.reload()
    expect(page.get_by_text("Draft restored")).to_have_count(2)
    expect(page.get_by_label("Add a trigger of your own")).to_have_value("Cold floor")
    expect(page.get_by_label("Add something you try")).to_have_value("Warm socks")
    assert_accessible(page)
    page.get_by_role("button", name="Add trigger").click()
    expect(page.get_by_role("status").filter(has_text="is added")).to_contain_text(
        "“Cold floor” is added to your list."
    )
    expect(page.get_by_label("Add a trigger of your own")).to_have_value("")
    expect(page.get_by_label("Add something you try")).to_have_value("Warm socks")
    assert len(drafts_kept(page)) == 2  # the pain problems' and the intervention's
    assert console_errors == []


def test_it_keeps_a_clinicians_review_note_as_a_draft(
    page, live_server, console_errors, transactional_db
):
    fay = person("fay")
    doctor = person("okafor", is_clinician=True)
    CareAccess.objects.create(
        person=fay, email=doctor.email, role="clinician", member=doctor, accepted_at=timezone.now()
    )
    sign_in(page, live_server, "okafor@example.org")
    page.goto(f"{live_server.url}/people/{fay.pk}/notes/")
    page.get_by_label("Add a review note").fill("Spasms down since the injection.")
    page.reload()
    expect(page.get_by_text("Draft restored")).to_be_visible()
    expect(page.get_by_label("Add a review note")).to_have_value("Spasms down since the injection.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("status")).to_contain_text("Your note is saved")
    page.wait_for_load_state()  # the trends page's scripts have run
    assert drafts_kept(page) == []
    assert console_errors == []


def test_it_saves_a_spasm_now_tapped_after_the_session_ended_once_signed_in_again(
    page, live_server, console_errors, transactional_db
):
    gus = person("gus")
    sign_in(page, live_server, "gus@example.org")
    page.goto(f"{live_server.url}/log/")
    Session.objects.all().delete()  # the session ends while the Log page is open

    page.get_by_role("button", name=re.compile("^Spasm now")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("status")).to_contain_text("this was not saved yet")
    assert not SpasmEpisode.objects.exists()
    page.get_by_label("E-mail address").fill("gus@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("status")).to_contain_text("Spasm saved at")
    spasm = SpasmEpisode.objects.get()
    assert (spasm.owner, spasm.logged_by) == (gus, gus)
    assert_accessible(page)
    assert console_errors == []
