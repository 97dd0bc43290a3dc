"""Say it on a phone, by keyboard alone: the Log page's box, the reading, then Save it; and a
sentence not understood, kept in the box. Each page passes axe."""

from playwright.sync_api import expect

from sci_tracker.diary.models import LegPainEntry
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user


def test_it_reads_a_sentence_and_saves_it_by_keyboard(
    page, live_server, console_errors, transactional_db
):
    ana = make_user("ana", time_zone="Pacific/Auckland")
    sign_in(page, live_server, "ana@example.org")
    page.goto(f"{live_server.url}/log/")
    box = page.get_by_label("What happened?")
    box.fill("pain 6, burning in both feet, after a transfer")
    assert_accessible(page)
    box.press("Tab")
    page.keyboard.press("Enter")  # "Read it"

    expect(page.get_by_role("heading", level=1)).to_have_text("Say it")
    reading = page.get_by_role("region", name="What was understood")
    expect(reading).to_contain_text("How bad: 6 out of 10")
    expect(reading).to_contain_text("Where: Left foot or toes, Right foot or toes")
    expect(page.get_by_label("What happened?")).to_have_value(
        "pain 6, burning in both feet, after a transfer"
    )
    assert_accessible(page)
    save = page.get_by_role("button", name="Save it")
    save.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text("Leg pain saved.")
    pain = LegPainEntry.objects.get(owner=ana)
    assert (pain.intensity, pain.qualities) == (6, ["burning"])
    assert console_errors == []


def test_a_sentence_not_understood_stays_in_the_box(
    page, live_server, console_errors, transactional_db
):
    make_user("ben", time_zone="Pacific/Auckland")
    sign_in(page, live_server, "ben@example.org")
    page.goto(f"{live_server.url}/log/")
    page.get_by_label("What happened?").fill("burning while gardening")
    page.get_by_role("button", name="Read it").click()

    expect(page.get_by_role("region", name="What was understood")).to_contain_text(
        "Not understood gardening"
    )
    expect(page.get_by_role("button", name="Save it")).to_have_count(0)
    expect(page.get_by_label("What happened?")).to_have_value("burning while gardening")
    assert_accessible(page)
    page.get_by_role("link", name="Finish it in the full form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log leg pain")
    assert_accessible(page)
    assert console_errors == []
