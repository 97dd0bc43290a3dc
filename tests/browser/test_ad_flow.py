"""An autonomic dysreflexia episode logged on a phone: three readings, marked against the usual."""

import re
from datetime import UTC, datetime, timedelta

import time_machine
from playwright.sync_api import expect

from sci_tracker.diary.models import ADEpisode
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user


def reading(page, number, systolic, diastolic, pulse=""):
    row = page.get_by_role("group", name=f"Reading {number}")
    row.get_by_label("Upper (systolic)").fill(systolic)
    row.get_by_label("Lower (diastolic)").fill(diastolic)
    row.get_by_label("Pulse (if taken)").fill(pulse)
    return row


def test_it_logs_an_episode_with_three_readings_and_marks_the_raised_ones(
    page, live_server, console_errors, transactional_db
):
    tia = make_user(
        "tia",
        time_zone="Pacific/Auckland",
        injury_level="T4",
        usual_systolic=110,
        usual_diastolic=70,
    )
    sign_in(page, live_server, "tia@example.org")
    page.get_by_role("link", name="Log", exact=True).click()
    page.get_by_role("link", name=re.compile("^An autonomic dysreflexia episode")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Log an autonomic dysreflexia episode"
    )
    expect(page.get_by_text("Usual blood pressure: 110/70 mmHg.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("group", name="What may have set it off?").get_by_text(
        "Bladder or catheter", exact=True
    ).click()
    done = page.get_by_role("group", name="What was done?")
    done.get_by_text("Sat up", exact=True).click()
    done.get_by_text("Checked the catheter or emptied the bladder", exact=True).click()
    page.get_by_role("group", name="How it ended").get_by_text("Settled", exact=True).click()
    # One empty row at a time: the next comes with "Add a reading".
    expect(page.get_by_role("group", name="Reading 2")).to_be_hidden()
    reading(page, 1, "165", "95", "52")
    page.get_by_role("button", name="Add a reading").click()
    expect(
        page.get_by_role("group", name="Reading 2").get_by_label("Upper (systolic)")
    ).to_be_focused()
    second = reading(page, 2, "130", "135")  # the numbers the wrong way round
    # A reload brings back both rows from the draft, the second shown again.
    page.reload()
    expect(
        page.get_by_role("group", name="Reading 2").get_by_label("Lower (diastolic)")
    ).to_have_value("135")
    expect(page.get_by_role("group", name="Reading 3")).to_be_hidden()
    page.get_by_role("button", name="Add a reading").click()
    reading(page, 3, "129", "80", "60")
    # Every row is in use: the button gives way to how to add more.
    expect(page.get_by_role("button", name="Add a reading")).to_be_hidden()
    expect(page.get_by_text("Need more rows?")).to_be_visible()
    page.get_by_role("button", name="Save").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please check the blood-pressure readings")
    expect(summary).to_contain_text("The lower number must be below the upper number.")
    assert_accessible(page)
    expect(
        page.get_by_role("group", name="Reading 3").get_by_label("Pulse (if taken)")
    ).to_have_value("60")
    second.get_by_label("Lower (diastolic)").fill("85")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(page.get_by_role("status")).to_contain_text("Autonomic dysreflexia episode saved.")
    entry = page.get_by_role("listitem").filter(has_text="Autonomic dysreflexia episode")
    expect(entry).to_contain_text("May have been set off by: bladder or catheter")
    readings = entry.get_by_role("listitem")
    expect(readings).to_have_count(3)
    expect(readings.nth(0)).to_contain_text("165/95 mmHg, pulse 52 Raised")
    expect(readings.nth(1)).to_contain_text("130/85 mmHg Raised")
    expect(readings.nth(2)).to_have_text(re.compile(r"129/80 mmHg, pulse 60$"))
    assert_accessible(page)

    episode = ADEpisode.objects.get(owner=tia)
    assert episode.causes == ["bladder"]
    assert episode.actions == ["sat-up", "bladder"]
    assert list(episode.readings.values_list("systolic", "diastolic", "pulse")) == [
        (165, 95, 52),
        (130, 85, None),
        (129, 80, 60),
    ]
    assert console_errors == []


def test_a_draft_kept_a_minute_earlier_brings_back_no_empty_reading_rows(
    page, live_server, transactional_db
):
    # Every new row's time is filled in to the minute the page is made; a draft kept in the
    # minute before brings back that earlier time, which is not a reading typed.
    with time_machine.travel(datetime(2026, 5, 4, 9, 54, 1, tzinfo=UTC), tick=True) as clock:
        make_user("uma", time_zone="Pacific/Auckland", injury_level="T4")
        sign_in(page, live_server, "uma@example.org")
        page.goto(f"{live_server.url}/log/ad/")
        reading(page, 1, "165", "95")
        clock.shift(timedelta(minutes=1))
        page.reload()

        first = page.get_by_role("group", name="Reading 1")
        expect(first.get_by_label("Upper (systolic)")).to_have_value("165")
        expect(first.get_by_label("Time taken")).to_have_value("2026-05-04T21:54")
        # The rows after it wait for "Add a reading", as they did before the reload.
        expect(page.get_by_role("group", name="Reading 2")).to_be_hidden()
        expect(page.get_by_role("group", name="Reading 3")).to_be_hidden()
        expect(page.get_by_role("button", name="Add a reading")).to_be_visible()
