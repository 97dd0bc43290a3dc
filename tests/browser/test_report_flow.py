"""The clinician's report in a phone's browser, and printed by Chromium on A4 and Letter."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user
from tests.test_report import dense_diary, everything_the_report_lists, pdf_page_count


@pytest.fixture
def dee(transactional_db):
    person = make_user("dee", time_zone="Pacific/Auckland", injury_level="T4", completeness="C")
    dense_diary(person, person.local_today(), 180)
    return person


def test_it_shows_the_report_and_prints_it_on_two_pages(page, live_server, console_errors, dee):
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/report/?range=90d")
    expect(page.get_by_role("heading", name="Spasm and leg pain report")).to_be_visible()
    expect(page.get_by_role("img", name="Leg pain")).to_be_visible()
    expect(page.get_by_role("img", name="Spasms logged per day")).to_be_visible()
    expect(page.get_by_text("use your browser's Print command")).to_be_visible()
    box = page.get_by_role("img", name="Leg pain").bounding_box()
    assert box["width"] <= 390  # the chart fits the phone's width
    # Wide tables scroll in their own boxes: the page never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)

    for paper in ("A4", "Letter"):
        printed = page.pdf(format=paper)
        assert printed.startswith(b"%PDF")
        assert pdf_page_count(printed) == 2, paper

    # Custom dates: a mistake is explained and the last 30 days are shown meanwhile.
    today = dee.local_today()
    page.get_by_text("Choose the dates").click()
    page.get_by_label("From", exact=True).fill(today.isoformat())
    page.get_by_label("To", exact=True).fill((today - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Show these dates").click()
    expect(
        page.get_by_text("The last day must be on or after the first day.").first
    ).to_be_visible()
    expect(page.get_by_text("Showing the last 30 days instead.")).to_be_visible()
    assert_accessible(page)
    assert console_errors == []


@pytest.fixture
def eve(transactional_db):
    person = make_user("eve", time_zone="Pacific/Auckland", injury_level="T4", completeness="C")
    everything_the_report_lists(person, 90, person.local_today())
    return person


def test_it_prints_every_item_of_a_dense_report_on_two_pages(
    page, live_server, console_errors, eve
):
    sign_in(page, live_server, eve.email)
    page.goto(f"{live_server.url}/report/?range=90d")
    for heading in (
        "Each pain problem",
        "Medicines, and how they were taken",
        "Last botulinum toxin injection",
        "From the care team",
        "Autonomic dysreflexia episodes",
        "Red-flag symptoms logged",
    ):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    for paper in ("A4", "Letter"):
        assert pdf_page_count(page.pdf(format=paper)) == 2, paper
    # A wide screen sets the short sections side by side, as the print does.
    page.set_viewport_size({"width": 1280, "height": 900})
    injection = page.locator(".report-injection").bounding_box()
    weekly = page.locator(".report-sci-set").bounding_box()
    assert weekly["x"] > injection["x"] + injection["width"] - 1
    assert_accessible(page)
    assert console_errors == []
