"""The safety profile and the AD safety card in a phone's browser: filled in, shown, printed."""

import pytest
from playwright.sync_api import expect

from sci_tracker.accounts.models import User
from tests.browser.conftest import assert_accessible, sign_in, unfold
from tests.conftest import make_user
from tests.test_report import pdf_page_count

MM = 96 / 25.4  # CSS pixels in a millimetre


@pytest.fixture
def tess(transactional_db):
    return make_user("tess", time_zone="Pacific/Auckland", injury_level="T4", completeness="C")


def test_it_fills_in_the_safety_profile_and_prints_the_card(
    page, live_server, console_errors, tess
):
    sign_in(page, live_server, tess.email)
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.get_by_role("heading", name="Safety")).to_be_visible()
    assert_accessible(page)

    # A mistake is explained, and what was typed stays.
    page.get_by_label("Upper number (systolic)").fill("100")
    page.get_by_label("Medicines").fill("Baclofen 10 mg three times a day")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter both numbers of your usual blood pressure, or leave both empty."
    )
    expect(page.get_by_label("Medicines")).to_have_value("Baclofen 10 mg three times a day")
    assert_accessible(page)

    page.get_by_label("Lower number (diastolic)").fill("65")
    page.get_by_text("I have an intrathecal baclofen pump").click()
    page.get_by_label("Emergency contact's name").fill("Sam Taylor")
    page.get_by_label("Their phone number").fill("+64 21 555 0100")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    tess.refresh_from_db()
    assert (tess.usual_systolic, tess.usual_diastolic, tess.has_baclofen_pump) == (100, 65, True)

    page.get_by_role("link", name="AD safety card").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your AD safety card")
    card = page.locator(".ad-card")
    expect(card).to_contain_text("Injury level: T4, AIS C")
    expect(card).to_contain_text("100/65 mmHg")
    expect(card).to_contain_text("Sam Taylor, +64 21 555 0100")
    expect(card).to_contain_text("Sit me up straight and lower my legs.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)

    # Printed: the card alone, two bank-card faces side by side, everything on them.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_text("Print it", exact=True)).to_be_hidden()
    for face in page.locator(".ad-card-face").all():
        box = face.bounding_box()
        assert round(box["width"] / MM, 1) == 85.6
        assert round(box["height"] / MM, 1) == 54.0
        # Nothing spills over the edge of the card.
        assert face.evaluate("face => face.scrollHeight <= face.clientHeight")
    expect(card).to_contain_text("If it does not come down, call the emergency number.")
    expect(card).to_contain_text("spinal cord injury, possible autonomic dysreflexia")
    printed = page.pdf(format="A4")
    assert pdf_page_count(printed) == 1
    page.emulate_media(media="screen")
    assert console_errors == []


def test_it_shows_the_pump_reminder_and_the_card_from_the_urgent_advice(
    page, live_server, console_errors, tess
):
    today = tess.local_today()
    User.objects.filter(pk=tess.pk).update(
        has_baclofen_pump=True, pump_refill_date=today, usual_systolic=100, usual_diastolic=65
    )
    sign_in(page, live_server, tess.email)
    expect(page.get_by_role("heading", name="Your baclofen pump")).to_be_visible()
    expect(page.get_by_text("The refill is due today")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/log/pain/")
    page.get_by_role("group", name="How bad is the pain?").get_by_text("6", exact=True).click()
    unfold(page, "Other symptoms right now")
    page.get_by_text("Pounding headache, flushing or sweating above the injury", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Your symptoms need attention")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Show the AD safety card to whoever is helping").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your AD safety card")

    page.goto(f"{live_server.url}/guides/red-flags/")
    box = page.get_by_role("complementary", name="In your diary: your AD safety card")
    expect(box).to_be_visible()
    assert_accessible(page)
    box.get_by_role("link", name="Open your AD safety card").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your AD safety card")
    assert console_errors == []
