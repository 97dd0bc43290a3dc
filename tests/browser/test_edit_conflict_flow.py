"""Two tabs editing one entry: the second save gets the comparison, usable by keyboard."""

from datetime import date

from playwright.sync_api import expect

from sci_tracker.diary.models import CheckIn
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_diary_flow import person, tab_to


def test_it_shows_a_stale_save_both_versions_and_saves_mine_by_keyboard(
    page, live_server, console_errors, transactional_db
):
    ann = person("ann")
    entry = CheckIn.objects.create(
        owner=ann, logged_by=ann, date=date(2026, 3, 1), psfs_frequency=0, note="Before"
    )
    sign_in(page, live_server, "ann@example.org")
    url = f"{live_server.url}/entries/checkin/{entry.pk}/"
    tablet = page.context.new_page()
    page.goto(url)
    tablet.goto(url)

    page.get_by_role("textbox", name="Note").fill("From the phone")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Daily check-in updated.")

    tablet.get_by_role("textbox", name="Note").fill("From the tablet")
    tablet.get_by_role("button", name="Save").click()

    expect(tablet.get_by_role("heading", level=1)).to_have_text(
        "This entry was changed on another device"
    )
    message = tablet.get_by_role("alert")
    expect(message).to_be_focused()
    expect(message).to_contain_text("Not saved: this entry changed since you opened it")
    table = tablet.get_by_role("table", name="The answers that differ")
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Question", "Saved now", "What you typed (not saved)"]
    )
    expect(table.get_by_role("row").nth(1)).to_have_text("Note From the phone From the tablet")
    expect(tablet.get_by_role("textbox", name="Note")).to_have_value("From the tablet")
    assert_accessible(tablet)
    entry.refresh_from_db()
    assert entry.note == "From the phone"

    # From the message, the next stop for Tab is the choice; Enter makes it.
    save_mine = tablet.get_by_role("button", name="Save mine over it").first
    tab_to(tablet, save_mine, limit=3)
    expect(
        tablet.get_by_role("link", name="Keep the saved one (discard mine)").first
    ).to_be_visible()
    tablet.keyboard.press("Enter")

    expect(tablet.get_by_role("status")).to_contain_text("Daily check-in updated.")
    entry.refresh_from_db()
    assert (entry.note, entry.version) == ("From the tablet", 3)
    assert console_errors == []
