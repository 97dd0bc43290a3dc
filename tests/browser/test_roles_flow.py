"""A carer on a phone: never in the wrong diary, and able to fix what they logged; a new share
link copied, shared or shown as a QR code on a 390 px screen."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import SpasmEpisode
from sci_tracker.sharing.models import CareAccess
from tests.browser.conftest import assert_accessible, sign_in, unfold
from tests.conftest import PASSWORD, make_user


@pytest.fixture
def dee(transactional_db):
    return make_user("dee", time_zone="Pacific/Auckland", injury_level="T4")


@pytest.fixture
def cara(dee):
    carer = make_user("cara", time_zone="Pacific/Auckland")
    CareAccess.objects.create(
        person=dee, email=carer.email, role="carer", member=carer, accepted_at=timezone.now()
    )
    return carer


def test_it_keeps_a_carer_in_the_persons_diary_and_lets_them_fix_their_entry(
    page, live_server, console_errors, dee, cara
):
    sign_in(page, live_server, cara.email)
    people = page.get_by_role("region", name="People you help")
    expect(people.get_by_role("link").first).to_have_text("Log for Dee")
    expect(page.get_by_text("What to do first")).to_have_count(0)
    assert_accessible(page)

    people.get_by_role("link", name="Log for Dee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log for Dee")
    menu = page.get_by_role("navigation", name="Main")
    # No menu link reads as the carer's own Log: the way there names itself.
    expect(menu.get_by_role("link", name="Log", exact=True)).to_have_count(0)
    expect(menu.get_by_role("link", name="History", exact=True)).to_have_count(0)
    expect(menu.get_by_role("link", name="Your own diary")).to_have_attribute("href", "/log/")
    expect(menu.get_by_role("link", name="Log for Dee")).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("^Spasm now for Dee")).click()
    expect(page.get_by_text(re.compile(r"Spasm saved for Dee at \d\d:\d\d\."))).to_be_visible()
    entry = SpasmEpisode.objects.get()
    assert (entry.owner, entry.logged_by) == (dee, cara)
    today = page.get_by_role("region", name="What you logged for Dee today")
    expect(today).to_contain_text("Spasm at")
    assert_accessible(page)

    today.get_by_role("link", name=re.compile("^Open")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: spasm, in Dee’s diary")
    assert_accessible(page)
    unfold(page, "Note")
    page.get_by_role("textbox", name="Note").fill("Calmed after a stretch")
    save = page.get_by_role("button", name="Save to Dee’s diary")
    save.click()
    expect(page.get_by_text("Spasm updated for Dee.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("What you logged for Dee")
    expect(page.get_by_text("Calmed after a stretch")).to_be_visible()
    assert_accessible(page)
    entry.refresh_from_db()
    assert (entry.owner, entry.logged_by, entry.note) == (dee, cara, "Calmed after a stretch")
    assert not SpasmEpisode.objects.filter(owner=cara).exists()
    assert console_errors == []


def test_it_copies_shares_and_shows_a_new_link_on_a_phone(page, live_server, console_errors, dee):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server, dee.email)
    page.get_by_role("link", name="Share with your clinician").click()
    page.get_by_text("Make a share link").click()
    page.get_by_label("Who it is for").fill("Dr Okafor")
    page.get_by_text("7 days", exact=True).click()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", name="Your new link")).to_be_visible()

    box = page.get_by_label("The link for Dr Okafor")
    url = box.input_value()
    assert "/shared/" in url
    # All of it shows on a 390 px screen: it wraps inside its box and the page does not scroll
    # sideways.
    assert box.evaluate(
        "el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)

    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_role("status").filter(has_text="The link is copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    # The share sheet's button shows only where the browser has one.
    has_share_sheet = page.evaluate("typeof navigator.share === 'function'")
    share = page.get_by_role("button", name="Share…")
    if has_share_sheet:
        expect(share).to_be_visible()
    else:
        expect(share).to_be_hidden()

    page.get_by_text("Show a QR code").click()
    code = page.get_by_role("img", name="QR code of the link")
    expect(code).to_be_visible()
    width = code.bounding_box()["width"]
    assert 200 <= width <= 390
    assert_accessible(page)
    assert console_errors == []


def test_it_signs_up_a_carer_who_is_told_how_to_get_an_invitation(
    page, live_server, console_errors, dee
):
    page.goto(f"{live_server.url}/accounts/signup/")
    group = page.get_by_role("group", name="Who is this account for?")
    expect(group.get_by_role("radio", name="For my own diary")).to_be_checked()
    page.get_by_label("E-mail address").fill("sam@example.org")
    page.get_by_label("Display name").fill("Sam")
    group.get_by_text("To help someone I care for").click()
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    expect(page.get_by_text("ask the person you help to invite it")).to_be_visible()
    assert_accessible(page)

    User.objects.filter(email="sam@example.org").update(email_confirmed_at=timezone.now())
    sign_in(page, live_server, "sam@example.org")
    waiting = page.get_by_role("region", name="Waiting for an invitation")
    expect(waiting).to_contain_text("Ask the person you help to invite you from their Sharing")
    expect(page.get_by_text("What to do first")).to_have_count(0)
    expect(page.get_by_role("link", name="Open your profile")).to_have_count(0)
    assert_accessible(page)

    # Dee invites Sam: the invitation takes the place of the wait.
    CareAccess.objects.create(person=dee, email="sam@example.org", role="carer")
    page.reload()
    expect(page.get_by_text("Dee invited you as their carer")).to_be_visible()
    expect(page.get_by_role("region", name="Waiting for an invitation")).to_have_count(0)
    assert_accessible(page)
    assert console_errors == []
