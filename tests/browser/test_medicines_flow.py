"""Medicines on a phone: add baclofen three times a day, answer today's doses from the Log page
with one tap each, and find them in the history."""

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import expect

from sci_tracker.diary.models import MedicineDose, TreatmentEvent
from sci_tracker.diary.rules import today_in
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user

ZONE = "Pacific/Auckland"  # the browser's zone too (see conftest)


def test_it_adds_baclofen_and_answers_todays_doses_from_the_log_page(
    page, live_server, transactional_db
):
    # 15:00 today in Auckland, the clock running: 08:00 and 14:00 are due, 20:00 is later.
    afternoon = datetime.combine(today_in(ZONE), time(15, 0), ZoneInfo(ZONE))
    with time_machine.travel(afternoon, tick=True):
        mia = make_user("mia", time_zone=ZONE)
        sign_in(page, live_server, mia.email)
        page.goto(f"{live_server.url}/medicines/")
        expect(page.get_by_text("No medicines on the list yet.")).to_be_visible()
        assert_accessible(page)

        page.get_by_role("link", name="Add a medicine").first.click()
        expect(page.get_by_role("heading", name="Add a medicine")).to_be_visible()
        page.locator("#id_name").fill("Baclofen")
        page.locator("#id_dose").fill("10")
        expect(page.locator("#id_times")).to_be_hidden()  # only for "Other times…"
        page.get_by_text("Other times…", exact=True).click()
        expect(page.locator("#id_times")).to_be_visible()
        page.locator("label", has_text="Three times a day").click()
        page.locator("label", has_text="Spasms and stiffness").click()
        assert_accessible(page)
        page.get_by_role("button", name="Add the medicine").click()
        expect(page.get_by_text("Baclofen is on your list.")).to_be_visible()
        expect(page.get_by_text("10 mg, 3 times a day: 08:00, 14:00, 20:00")).to_be_visible()

        page.goto(f"{live_server.url}/log/")
        expect(page.get_by_role("heading", name="Today’s medicines")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Baclofen 08:00: taken").click()
        expect(page.get_by_text("Baclofen 08:00: taken. Saved.")).to_be_visible()
        page.get_by_role("button", name="Baclofen 14:00: missed").click()
        expect(page.get_by_text("Baclofen 14:00: missed. Saved.")).to_be_visible()
        expect(page.get_by_text("Later today")).to_be_visible()  # 20:00
        assert page.get_by_role("button", name=re.compile("Baclofen 20:00")).count() == 0

        page.goto(f"{live_server.url}/entries/?kind=dose")
        expect(page.get_by_text(re.compile(r"taken at 15:\d\d \(due 08:00\)"))).to_be_visible()
        expect(page.get_by_text("missed (due 14:00)")).to_be_visible()
        assert_accessible(page)

    assert sorted(MedicineDose.objects.values_list("status", flat=True)) == ["missed", "taken"]
    start = TreatmentEvent.objects.get()
    assert (start.event_kind, start.times) == ("medicine-start", ["08:00", "14:00", "20:00"])
