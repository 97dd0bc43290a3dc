"""The sudden-rise notice on the home page, in a phone's browser: readable, calm, accessible."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user
from tests.test_rise import keep_days


def test_it_shows_the_rise_notice_and_opens_the_red_flags_section(
    page, live_server, console_errors, transactional_db
):
    person = make_user("rhea", time_zone="Pacific/Auckland", injury_level="T4")
    keep_days(person, [1] * 28 + [7, 6, 6], last=person.local_today())
    sign_in(page, live_server, person.email)
    page.goto(f"{live_server.url}/")
    notice = page.get_by_role("region", name="Your spasms have gone up in the last 3 days")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("against your usual 1.0 a day")
    assert page.get_by_role("alert").count() == 0
    assert_accessible(page)
    notice.get_by_role("link", name="Read about a sudden rise in spasms").click()
    expect(page).to_have_url(f"{live_server.url}/guides/red-flags/#sudden-rise-in-spasms")
    expect(page.get_by_role("heading", name="A sudden rise in spasms")).to_be_visible()
    assert console_errors == []
