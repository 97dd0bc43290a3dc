"""The trends pages in a phone's browser: the charts draw, and everything reads without them."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user
from tests.entries import checkin, fill_days, sciset_week

CHARTS = ["pain", "spasms", "interference", "hours"]


@pytest.fixture
def dee(transactional_db):
    person = make_user("dee", time_zone="Pacific/Auckland", injury_level="T4")
    fill_days(person, person.local_today(), 40)
    return person


def test_it_draws_every_chart_on_a_phone(page, live_server, console_errors, dee):
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/trends/?range=90d")
    for chart in CHARTS:
        container = page.locator(f'[data-chart="{chart}"]')
        expect(container).to_have_attribute("data-drawn", "yes")
        expect(container.locator("canvas").first).to_be_visible()
        box = container.bounding_box()
        assert 300 <= box["width"] <= 390  # the chart fits the phone's width
    assert page.locator(".trend-chart-error").count() == 0
    assert_accessible(page)
    # The numbers behind a chart, for a screen reader or a printout.
    page.get_by_text("Leg pain as a table").click()
    expect(page.get_by_role("cell", name="6").first).to_be_visible()
    assert console_errors == []


def test_it_keeps_the_range_in_the_address_and_on_every_page(
    page, live_server, console_errors, dee
):
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/trends/")
    page.get_by_role("link", name="2 weeks").click()
    expect(page).to_have_url(f"{live_server.url}/trends/?range=14d")
    expect(page.get_by_text("(14 days)")).to_be_visible()
    expect(page.locator('[data-chart="pain"]')).to_have_attribute("data-drawn", "yes")

    page.get_by_role("navigation", name="Trends pages").get_by_role("link", name="Triggers").click()
    expect(page).to_have_url(f"{live_server.url}/trends/triggers/?range=14d")
    expect(page.get_by_role("heading", name="Cold")).to_be_visible()
    expect(page.get_by_text("not what causes what")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Trends pages").get_by_role(
        "link", name="What helped"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/trends/interventions/?range=14d")
    expect(page.get_by_role("row", name="Heat 14")).to_be_visible()
    assert_accessible(page)

    # Custom dates: a mistake is explained, with what was typed kept.
    today = dee.local_today()
    page.get_by_text("Custom dates").click()
    page.get_by_label("From", exact=True).fill(today.isoformat())
    page.get_by_label("To", exact=True).fill((today - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Show these dates").click()
    expect(
        page.get_by_text("The last day must be on or after the first day.").first
    ).to_be_visible()
    expect(page.get_by_label("From", exact=True)).to_have_value(today.isoformat())
    assert_accessible(page)
    assert console_errors == []


def test_it_sums_up_the_week_on_the_home_page(page, live_server, console_errors, dee):
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Your last 7 days")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Spasms per day")).click()
    expect(page).to_have_url(f"{live_server.url}/trends/?range=14d#spasms")
    assert console_errors == []


def test_it_reads_without_javascript(browser, live_server, dee):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/trends/?range=30d")
    expect(page.get_by_text("Average leg pain was 3.0 out of 10")).to_be_visible()
    page.get_by_text("Spasms as a table").click()
    expect(page.get_by_role("table").filter(has_text="Penn frequency")).to_be_visible()
    expect(page.locator(".heatmap td.heat-6").first).to_have_text("6")
    assert page.locator('[data-chart="pain"] canvas').count() == 0
    context.close()


def test_it_draws_the_spasticity_rating_and_night_wakings(
    page, live_server, console_errors, transactional_db
):
    person = make_user("eve", time_zone="Pacific/Auckland", injury_level="T4")
    today = person.local_today()
    for n in range(20):
        checkin(person, today - timedelta(days=n), spasticity=n % 10, night_wakings=n % 3)
    sign_in(page, live_server, person.email)
    page.goto(f"{live_server.url}/trends/?range=30d")
    for chart in ["spasticity", "night-wakings"]:
        container = page.locator(f'[data-chart="{chart}"]')
        expect(container).to_have_attribute("data-drawn", "yes")
        expect(container.locator("canvas").first).to_be_visible()
    expect(page.get_by_text("Spasms or pain woke you on 13 nights of the 20")).to_be_visible()
    page.get_by_text("Spasticity rating as a table").click()
    expect(page.get_by_role("table").filter(has_text="7-day average").first).to_be_visible()
    assert page.locator(".trend-chart-error").count() == 0
    assert_accessible(page)
    assert console_errors == []


def test_it_says_what_to_do_before_any_spasticity_rating(
    page, live_server, console_errors, transactional_db
):
    person = make_user("fay", time_zone="Pacific/Auckland", injury_level="T4")
    sign_in(page, live_server, person.email)
    page.goto(f"{live_server.url}/trends/")
    rating = page.locator("#spasticity")
    expect(rating.get_by_text("Nothing to draw yet.")).to_be_visible()
    rating.get_by_role("link", name="daily check-in").click()
    expect(page).to_have_url(f"{live_server.url}/log/checkin/")
    page.go_back()
    assert_accessible(page)
    assert console_errors == []


def test_it_opens_the_triggers_page_with_what_stands_out(
    page, live_server, console_errors, transactional_db, catalogue
):
    from tests.test_words import TWELVE_DAYS, bladder_and_cold_days

    fay = make_user("fay", time_zone="Pacific/Auckland", injury_level="T4")
    bladder_and_cold_days(fay)
    sign_in(page, live_server, fay.email)
    query = "&".join(f"{key}={value}" for key, value in TWELVE_DAYS.items())
    page.goto(f"{live_server.url}/trends/triggers/?{query}")
    standouts = page.get_by_role("region", name="What stands out")
    expect(standouts).to_contain_text("went with leg pain 3.7 points higher")
    assert_accessible(page)
    standouts.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"#trigger-full-bladder$"))
    assert console_errors == []


def test_it_draws_the_weekly_sci_set_line_within_a_phone(page, live_server, console_errors, dee):
    today = dee.local_today()
    for weeks_back, rating in ((3, -2), (2, -1), (1, 0), (0, 2)):
        sciset_week(dee, today - timedelta(days=7 * weeks_back), ratings={1: rating, 2: rating})
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/trends/?range=30d")
    section = page.locator("#sci-set")
    section.scroll_into_view_if_needed()
    line = section.locator("svg")
    expect(line).to_be_visible()
    box = line.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390  # the line fits the phone's width
    expect(section.get_by_text("spasticity was helpful on the whole.").first).to_be_visible()
    expect(section.get_by_role("img")).to_have_accessible_name(re.compile("SCI-SET"))
    assert_accessible(page)
    assert console_errors == []


def test_it_draws_a_range_of_years_a_point_a_month(page, live_server, console_errors, dee):
    checkin(dee, dee.local_today() - timedelta(days=500), pain_average=4)
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/trends/?range=all")
    for chart in CHARTS:
        expect(page.locator(f'[data-chart="{chart}"]')).to_have_attribute("data-drawn", "yes")
    assert page.locator(".trend-chart-error").count() == 0
    pain = page.locator('[data-chart="pain"]')
    expect(pain.get_by_text("Monthly average", exact=True)).to_be_visible()
    expect(pain.get_by_text("7-day average")).to_have_count(0)
    assert console_errors == []
