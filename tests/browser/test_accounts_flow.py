import re

from django.core import mail
from playwright.sync_api import expect

from sci_tracker.accounts.models import User
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import PASSWORD, make_user


def test_it_signs_up_changes_time_zone_and_signs_out_on_a_phone(
    page, live_server, console_errors, transactional_db
):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Track spasms and leg pain after spinal cord injury"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    # The browser's own zone (this context runs in Auckland) is picked for the person.
    expect(page.get_by_label("Time zone")).to_have_value("Pacific/Auckland")
    assert_accessible(page)

    page.get_by_label("E-mail address").fill("carol@example.org")
    page.get_by_label("Display name").fill("Carol")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill("a different one")
    page.get_by_role("button", name="Create account").click()

    # The error summary takes focus, links to the field, and everything typed is still there.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("didn’t match")
    expect(page.get_by_label("E-mail address")).to_have_value("carol@example.org")
    expect(page.get_by_label("Display name")).to_have_value("Carol")
    assert_accessible(page)

    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    # Sign-up says the same for any address and signs nobody in: a link is on its way.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert_accessible(page)
    carol = User.objects.get(email="carol@example.org")
    assert (carol.time_zone, carol.email_confirmed_at) == ("Pacific/Auckland", None)
    [message] = mail.outbox
    confirm_link = re.search(r"http://\S+/accounts/confirm/\S+/", message.body)[0]

    page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("E-mail address").fill("carol@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Carol")

    # The profile says the address is not confirmed; the link from the e-mail confirms it.
    page.get_by_role("link", name="Profile", exact=True).click()
    expect(page.get_by_text("is not confirmed yet")).to_be_visible()
    assert_accessible(page)
    page.goto(confirm_link)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("carol@example.org is confirmed")).to_be_visible()
    expect(page.get_by_text("is not confirmed yet")).to_have_count(0)
    carol.refresh_from_db()
    assert carol.email_confirmed

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()

    sign_in(page, live_server, "carol@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Carol")

    page.get_by_role("link", name="Profile", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    assert_accessible(page)
    page.get_by_label("Time zone").select_option("America/Denver")
    page.get_by_label("Injury level").select_option("C6")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    carol = User.objects.get(email="carol@example.org")
    assert (carol.time_zone, carol.injury_level) == ("America/Denver", "C6")

    # The device is in Auckland, the profile now says Denver: the page offers to switch back.
    page.get_by_role("button", name="Use this device's time zone").click()
    expect(page.get_by_label("Time zone")).to_have_value("Pacific/Auckland")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()
    assert console_errors == []


def test_it_can_be_used_by_keyboard_alone(page, live_server, transactional_db):
    make_user("dana")
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    # From the main content the links are "Read plain guidance", "Create an account", "Sign in".
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_role("link", name="Sign in")).to_be_focused()
    page.keyboard.press("Enter")
    # The sign-in page puts focus in the e-mail field: type, tab to the password, Enter.
    expect(page.get_by_label("E-mail address")).to_be_focused()
    page.keyboard.type("dana@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dana")


def test_every_account_page_passes_an_accessibility_scan(page, live_server, transactional_db):
    make_user("erin")
    for path in ["/accounts/login/", "/accounts/password/reset/", "/accounts/password/reset/sent/"]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.get_by_role("link", name="try again with another address").click()
    page.get_by_label("E-mail address").fill("erin@example.org")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    sign_in(page, live_server, "erin@example.org")
    for path in ["/accounts/password/", "/accounts/email/", "/accounts/delete/", "/no-such-page/"]:
        page.goto(live_server.url + path)
        assert_accessible(page)

    page.goto(live_server.url + "/accounts/delete/")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account and all my data").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was deleted")
    assert_accessible(page)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and all my data").click()
    expect(page.get_by_text("Your account and everything in it are deleted.")).to_be_visible()
    assert not User.objects.filter(email="erin@example.org").exists()


def test_the_layout_fits_a_small_phone_without_sideways_scrolling(
    page, live_server, transactional_db
):
    page.set_viewport_size({"width": 360, "height": 740})
    make_user("finn")
    sign_in(page, live_server, "finn@example.org")
    for path in ["/", "/accounts/profile/"]:
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
    # Every button and link in the navigation is at least 44 px in each direction.
    for target in page.locator(".site-nav a, .site-nav button").all():
        box = target.bounding_box()
        assert box["width"] >= 44, target.inner_text()
        assert box["height"] >= 44, target.inner_text()
