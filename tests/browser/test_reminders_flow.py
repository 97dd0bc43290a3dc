"""Reminders on a phone: the settings page, and turning notifications on for the device.

The browser's own push service is not reachable from a test, so PushManager.subscribe is
replaced (before the page loads) by one that returns a subscription with keys made here, as a
browser would; everything else is the real page: the service worker registers at
/service-worker.js, permission is asked for, push.js posts the subscription, the server keeps it.
Delivery to a push service and decryption are tested in tests/test_reminders.py.
"""

import json
from datetime import UTC, date, datetime, time

import pytest
from playwright.sync_api import expect

from sci_tracker.reminders import views
from sci_tracker.reminders.models import PushSubscription, ReminderSettings
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user
from tests.entries import checkin
from tests.push_service import PushService
from tests.test_reminders import round_at

ENDPOINT = "https://push.example.net/this-phone"

FAKE_PUSH = """
(() => {
  const subscription = %s;
  let current = null;
  const made = {
    endpoint: subscription.endpoint,
    toJSON: () => subscription,
    unsubscribe: () => { current = null; return Promise.resolve(true); },
  };
  PushManager.prototype.subscribe = function (options) {
    window.__pushKey = options.applicationServerKey;
    current = made;
    return Promise.resolve(made);
  };
  PushManager.prototype.getSubscription = () => Promise.resolve(current);
})();
"""


@pytest.fixture
def rhys(transactional_db):
    return make_user("rhys", time_zone="Europe/London")


def test_it_sets_reminders_on_a_phone(page, live_server, console_errors, rhys):
    sign_in(page, live_server, rhys.email)
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_role("link", name="Reminders to do your daily check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminders")
    expect(page.get_by_text("in your time zone (Europe/London)")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Remind me at").fill("23:15")
    page.get_by_label("Quiet hours from").fill("22:00")
    page.get_by_label("Quiet hours until").fill("07:00")
    page.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_role("alert")).to_contain_text("This time is in your quiet hours")
    expect(page.get_by_label("Quiet hours from")).to_have_value("22:00")
    assert_accessible(page)

    page.get_by_label("Remind me at").fill("20:30")
    page.get_by_label("And again at").fill("21:45")
    page.get_by_text("E-mail", exact=True).click()
    page.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_text("Your reminders are saved.")).to_be_visible()
    row = ReminderSettings.objects.get(user=rhys)
    assert (row.first_at, row.second_at) == (time(20, 30), time(21, 45))
    assert (row.quiet_from, row.quiet_until) == (time(22, 0), time(7, 0))
    assert (row.by_push, row.by_email) == (True, True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    assert console_errors == []


def test_it_turns_notifications_on_and_off_for_this_device(page, live_server, console_errors, rhys):
    with PushService() as service:
        keys = service.device().subscription_json()["keys"]
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(FAKE_PUSH % json.dumps({"endpoint": ENDPOINT, "keys": keys}))
    sign_in(page, live_server, rhys.email)
    page.goto(f"{live_server.url}/reminders/")
    expect(page.get_by_text("Notifications go to 0 devices.")).to_be_visible()
    expect(page.get_by_text("This browser cannot show notifications")).to_be_hidden()

    page.get_by_role("button", name="Get notifications on this device").click()
    expect(page.get_by_role("status").filter(has_text="Notifications are on")).to_have_text(
        "Notifications are on for this device."
    )
    row = PushSubscription.objects.get(user=rhys)
    assert (row.endpoint, row.p256dh, row.auth) == (ENDPOINT, keys["p256dh"], keys["auth"])
    # The page handed the browser the server's public key, and registered the service worker.
    assert page.evaluate("window.__pushKey.length") > 40
    worker = page.evaluate(
        "navigator.serviceWorker.ready.then((r) => r.active && r.active.scriptURL)"
    )
    assert worker == f"{live_server.url}/service-worker.js"
    assert_accessible(page)

    page.reload()
    expect(page.get_by_text("Notifications go to 1 device.")).to_be_visible()
    page.get_by_role("button", name="Get notifications on this device").click()  # subscribe again
    expect(page.get_by_role("button", name="Stop notifications on this device")).to_be_visible()
    page.get_by_role("button", name="Stop notifications on this device").click()
    expect(page.get_by_role("status").filter(has_text="Notifications are off")).to_be_visible()
    assert not PushSubscription.objects.filter(user=rhys).exists()
    assert console_errors == []


def test_a_reminder_reaches_the_device_at_the_chosen_time_and_not_after_a_check_in(
    page, live_server, console_errors, rhys, monkeypatch
):
    """The whole way: the page subscribes (to a fake push service on localhost), the worker
    sends at 20:00 in London, the device decrypts it; after the day's check-in, nothing."""
    monkeypatch.setattr(views, "ENDPOINT_SCHEMES", ("https://", "http://127.0.0.1:"))
    with PushService() as service:
        device = service.device()
        page.context.grant_permissions(["notifications"], origin=live_server.url)
        page.add_init_script(FAKE_PUSH % json.dumps(device.subscription_json()))
        sign_in(page, live_server, rhys.email)
        page.goto(f"{live_server.url}/reminders/")
        page.get_by_label("Remind me at").fill("20:00")
        page.get_by_label("And again at").fill("21:00")
        page.get_by_role("button", name="Save reminders").click()
        expect(page.get_by_text("Your reminders are saved.")).to_be_visible()
        page.get_by_role("button", name="Get notifications on this device").click()
        expect(page.get_by_role("status").filter(has_text="Notifications are on")).to_be_visible()

        day = date(2026, 7, 1)  # British Summer Time: 20:00 is 19:00 UTC
        assert round_at(datetime(2026, 7, 1, 18, 59, tzinfo=UTC))["sent"] == 0
        assert service.received == []
        assert round_at(datetime(2026, 7, 1, 19, 0, tzinfo=UTC))["sent"] == 1
        [message] = service.received
        assert device.decrypt(message.body)["title"] == "Time for your daily check-in"
        assert device.decrypt(message.body)["url"] == "/log/checkin/"

        checkin(rhys, day)
        assert round_at(datetime(2026, 7, 1, 20, 0, tzinfo=UTC))["checked in"] == 1
        assert len(service.received) == 1
    assert console_errors == []
