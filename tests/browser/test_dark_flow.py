"""Dark pages on a phone: every page a visitor, the person, their carer, their clinician and a
share link's holder can open passes axe in dark mode, and the profile's choice of light or dark
wins over the device's setting, from the next page on."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from sci_tracker.accounts.models import User
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user
from tests.entries import fill_days
from tests.test_authorization import PAGES, PATTERNS, ROLES, address, expected
from tests.test_authorization import world as world  # the walker's visitors and diary

DARK_PAGE = "rgb(33, 37, 41)"  # Bootstrap's dark --bs-body-bg
LIGHT_PAGE = "rgb(255, 255, 255)"
DARK_RING = "rgb(139, 185, 254)"  # --focus-ring in dark mode (app.css)
SVG_TEXT_FILL = "getComputedStyle(document.querySelector('.report-svg text')).fill"


def mode(page):
    return page.evaluate("document.documentElement.getAttribute('data-bs-theme')")


def page_colour(page):
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


# The API's interactive docs are Swagger UI's own light page, for developers, not an app page
# that follows the person's theme; test_api_docs_flow.py scans it.
NOT_THEMED = {"api:docs"}


def pages_for(role, world):
    """Every address the authorization walker (tests/test_authorization.py) gives this visitor
    a page at: GET answered 200."""
    for pattern in PATTERNS:
        if pattern.name in NOT_THEMED:
            continue
        rule = PAGES.get(pattern.name)
        if rule is not None and expected(rule, pattern, role, "GET") == 200:
            yield pattern.name, address(pattern, role, world)


# The walker's visitors who see pages (everyone but the ones turned away), and the pages each
# way in is for, all of which must be seen dark (so the walker's list was not empty).
MUST_SEE = {
    "anonymous": {"login", "signup", "guides:page"},
    "owner": {"profile", "diary:new", "diary:history", "trends:overview", "safety:card"},
    "carer": {"diary:quick_log", "safety:card", "trends:overview"},
    "clinician_with_access": {"reports:report", "sharing:add_note", "diary:confirm_pain_types"},
    "live_link": {"trends:overview", "reports:report"},
}


# One test per visitor: each scans dozens of pages, and apart they can run side by side.
@pytest.mark.parametrize("visitor", MUST_SEE)
def test_every_page_passes_an_accessibility_scan_in_dark_mode(
    page, live_server, console_errors, world, visitor
):
    alice = world["accounts"]["alice"]
    # Enough of a diary for the charts, the heat map and the report, and an AD card to show.
    User.objects.filter(pk=alice.pk).update(
        injury_level="T4", usual_systolic=100, usual_diastolic=65, emergency_contact_name="Sam"
    )
    alice.refresh_from_db()
    fill_days(alice, alice.local_today() - timedelta(days=2), 30)
    page.emulate_media(color_scheme="dark")
    role = next(r for r in ROLES if r.name == visitor)
    if role.account:
        sign_in(page, live_server, world["accounts"][role.account].email)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    seen = set()
    for name, path in pages_for(role, world):
        url = live_server.url + path
        # Files (CSV, JSON, PDF) are downloads, not pages.
        if "text/html" not in page.request.get(url).headers["content-type"]:
            continue
        page.goto(url)
        assert mode(page) == "dark", url
        assert page_colour(page) == DARK_PAGE, url
        if page.locator("[data-chart]").count():
            expect(page.locator('[data-chart="pain"]')).to_have_attribute("data-drawn", "yes")
        # What axe does not read: the report's SVG charts, their text light on the dark page.
        if page.locator(".report-svg").count():
            assert page.evaluate(SVG_TEXT_FILL) == "rgb(233, 236, 239)", url
        assert_accessible(page)
        seen.add(name)
    assert MUST_SEE[visitor] <= seen
    assert console_errors == []


def choose_mode(page, label):
    page.get_by_role("group", name="Light or dark pages").get_by_text(label, exact=True).click()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")


@pytest.fixture
def dee(transactional_db):
    person = make_user("dee", time_zone="Pacific/Auckland", injury_level="T4")
    fill_days(person, person.local_today(), 20)
    return person


def test_the_profile_choice_wins_over_the_device(page, live_server, console_errors, dee):
    page.emulate_media(color_scheme="dark")
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/accounts/profile/")
    # "Same as this device" at first: a dark device, dark pages.
    choices = page.get_by_role("group", name="Light or dark pages")
    expect(choices.get_by_role("radio", name="Same as this device")).to_be_checked()
    assert (mode(page), page_colour(page)) == ("dark", DARK_PAGE)

    choose_mode(page, "Light")
    assert User.objects.get(pk=dee.pk).theme == "light"
    # On the next page load, light on the dark device, with the choice shown.
    assert (mode(page), page_colour(page)) == ("light", LIGHT_PAGE)
    expect(choices.get_by_role("radio", name="Light")).to_be_checked()
    assert_accessible(page)
    page.goto(f"{live_server.url}/trends/")
    assert (mode(page), page_colour(page)) == ("light", LIGHT_PAGE)
    expect(page.locator("script[src*='theme.js']")).to_have_count(0)

    page.emulate_media(color_scheme="light")
    page.goto(f"{live_server.url}/accounts/profile/")
    choose_mode(page, "Dark")
    assert User.objects.get(pk=dee.pk).theme == "dark"
    assert (mode(page), page_colour(page)) == ("dark", DARK_PAGE)
    expect(choices.get_by_role("radio", name="Dark")).to_be_checked()
    assert_accessible(page)
    page.reload()
    assert (mode(page), page_colour(page)) == ("dark", DARK_PAGE)
    # A form with errors: the summary (an alert), the sticky Save bar in the page's colour, and
    # a chip's focus ring in the dark mode's light blue (axe judges neither bar nor ring).
    page.goto(f"{live_server.url}/log/event/")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)
    expect(page.locator(".save-bar")).to_have_css("background-color", DARK_PAGE)
    for _ in range(10):  # past the summary's links, to the first chip
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.btn-check')"):
            break
    chip = page.locator(".btn-check:focus-visible + .btn")
    expect(chip).to_have_count(1)
    expect(chip).to_have_css("outline-color", DARK_RING)
    # Paper stays light whatever the screen shows: the page, the report's charts, the AD card.
    for path in ("/accounts/profile/", "/report/", "/safety-card/"):
        page.goto(live_server.url + path)
        assert page_colour(page) == DARK_PAGE
        page.emulate_media(media="print")
        assert page_colour(page) == LIGHT_PAGE, path
        assert page.evaluate("getComputedStyle(document.body).color") == "rgb(33, 37, 41)"
        if path == "/report/":
            assert page.evaluate(SVG_TEXT_FILL) == "rgb(33, 37, 41)"
        if path == "/safety-card/":
            face = page.locator(".ad-card-face").first
            expect(face).to_have_css("background-color", LIGHT_PAGE)
        page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/accounts/profile/")

    # Back to the device's setting: the page follows the device, even as it changes.
    choose_mode(page, "Same as this device")
    assert (mode(page), page_colour(page)) == ("light", LIGHT_PAGE)
    page.goto(f"{live_server.url}/trends/")
    hollow = page.locator('[data-chart="pain"] .trend-mk-diamond .u-marker')
    expect(hollow).to_have_css("background-color", LIGHT_PAGE)
    page.emulate_media(color_scheme="dark")
    # The device's change reaches the page as an event: waited for, not raced.
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert page_colour(page) == DARK_PAGE
    # The charts are drawn again in the dark colours: the hollow points are the page's colour.
    expect(hollow).to_have_css("background-color", DARK_PAGE)
    assert_accessible(page)
    assert console_errors == []
