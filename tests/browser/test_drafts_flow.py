"""Nothing typed is lost: drafts kept in the browser, and a save sent after the session ended."""

from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from sci_tracker.diary.models import LegPainEntry
from tests.browser.conftest import assert_accessible, sign_in, unfold
from tests.browser.test_diary_flow import choose, person
from tests.entries import pain


def drafts_kept(page):
    return page.evaluate(
        "() => Object.keys(localStorage).filter((key) => key.startsWith('sci-draft:'))"
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
