"""Sharing in a phone's browser: a link opened in another browser, and a clinician's review."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from sci_tracker.sharing.models import AccessRecord, ReviewNote
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user
from tests.entries import fill_days
from tests.test_report import pdf_page_count


@pytest.fixture
def dee(transactional_db):
    person = make_user("dee", time_zone="Pacific/Auckland", injury_level="T4")
    fill_days(person, person.local_today(), 40)
    return person


@pytest.fixture
def other_browser(browser, browser_context_args):
    """A second browser with nobody signed in: the clinician's computer."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def test_it_shares_a_link_that_opens_in_another_browser(
    page, other_browser, live_server, console_errors, dee
):
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_role("link", name="Sharing: links, clinicians, carers and who looked").click()
    expect(page.get_by_text("You have no share links yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_text("Make a share link").click()
    page.get_by_label("Who it is for").fill("Dr Okafor")
    page.get_by_text("7 days", exact=True).click()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", name="Your new link")).to_be_visible()
    assert_accessible(page)
    url = page.get_by_label("The link for Dr Okafor").input_value()
    assert "/shared/" in url

    other_browser.goto(url)
    expect(other_browser.get_by_role("heading", name="Dee: trends")).to_be_visible()
    expect(other_browser.get_by_text("through a share link, read-only")).to_be_visible()
    expect(other_browser.locator('[data-chart="pain"]')).to_have_attribute("data-drawn", "yes")
    expect(other_browser.get_by_role("link", name="Log")).to_have_count(0)
    assert_accessible(other_browser)
    other_browser.get_by_role("link", name="Report for these dates").click()
    expect(other_browser.get_by_role("img", name="Leg pain")).to_be_visible()
    assert_accessible(other_browser)
    with other_browser.expect_download() as download:
        other_browser.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename.startswith("sci-tracker-report-")
    assert pdf_page_count(Path(download.value.path()).read_bytes()) <= 2

    page.get_by_role("link", name="Done").click()
    expect(page.get_by_text("Works", exact=True)).to_be_visible()
    page.get_by_role("link", name="Revoke Dr Okafor").click()
    page.get_by_role("button", name="Revoke the link").click()
    expect(page.get_by_text("no longer works")).to_be_visible()
    other_browser.reload()
    expect(
        other_browser.get_by_role("heading", name="This link is no longer valid")
    ).to_be_visible()
    assert AccessRecord.objects.filter(person=dee, link__isnull=False).exists()
    assert console_errors == []


def test_it_lets_a_clinician_review_a_patient_who_sees_the_note(
    page, other_browser, live_server, console_errors, dee
):
    doctor = make_user("okafor", is_clinician=True)
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/sharing/")
    page.get_by_text("Invite a clinician or carer").click()
    page.get_by_label("Their e-mail address").fill(doctor.email)
    page.get_by_text("Clinician: sees your trends").click()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("not accepted yet")).to_be_visible()

    sign_in(other_browser, live_server, doctor.email)
    # The invitation shows on the home page too; the menu's My patients has it as well.
    expect(other_browser.get_by_text("Dee invited you as their clinician")).to_be_visible()
    assert_accessible(other_browser)
    other_browser.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My patients"
    ).click()
    assert_accessible(other_browser)
    other_browser.get_by_role("button", name="Accept Dee’s invitation").click()
    expect(other_browser.get_by_text("You now have access to Dee’s diary.")).to_be_visible()
    expect(other_browser.get_by_text("The last 7 days, against the 7 before")).to_be_visible()
    assert_accessible(other_browser)
    other_browser.get_by_role("link", name="Trends for Dee").click()
    expect(other_browser.get_by_role("heading", name="Dee: trends")).to_be_visible()
    expect(other_browser.locator('[data-chart="pain"]')).to_have_attribute("data-drawn", "yes")
    assert_accessible(other_browser)
    other_browser.get_by_role("link", name="Add a review note").click()
    other_browser.get_by_label("Add a review note").fill("Fewer night spasms: keep stretching.")
    other_browser.get_by_role("button", name="Save the note").click()
    expect(other_browser.get_by_text("Your note is saved")).to_be_visible()
    assert ReviewNote.objects.filter(person=dee, author=doctor).count() == 1

    page.goto(f"{live_server.url}/trends/")
    expect(page.get_by_text("Fewer night spasms: keep stretching.")).to_be_visible()
    page.goto(f"{live_server.url}/sharing/")
    expect(page.get_by_text("Clinician account: Okafor").first).to_be_visible()
    assert_accessible(page)
    assert console_errors == []
