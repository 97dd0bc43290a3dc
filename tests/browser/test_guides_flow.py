"""The guides in a phone's browser: found by search, read with a screen reader's landmarks, opened
from a half-filled diary form without losing it, and printed."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from sci_tracker.diary.models import Trigger
from tests.browser.conftest import assert_accessible, sign_in, unfold
from tests.conftest import make_user
from tests.entries import builtin, event, fill_days, spasm


def test_it_finds_a_section_by_search_and_opens_it(page, live_server, console_errors):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Guides").first.click()
    expect(page.get_by_role("heading", name="Guides", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("searchbox", name="Search the guides").fill("pressure sore")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("mention “pressure sore”")
    assert_accessible(page)
    page.get_by_role("link", name="Leg pain after SCI: causes: Pressure sores").click()
    expect(page).to_have_url(re.compile(r"/guides/leg-pain-causes/#pressure-sores$"))
    expect(page.get_by_role("heading", name="Pressure sores")).to_be_in_viewport()
    # A screen reader can jump between the page's headings and to its table of contents.
    expect(page.get_by_role("navigation", name="On this page")).to_be_visible()
    assert page.get_by_role("heading", level=2).count() >= 7
    assert_accessible(page)

    # Every page's footer leads to the red flags.
    page.get_by_role("link", name="Red flags: when to get help now").last.click()
    expect(page.get_by_role("heading", name="Red flags: when to get help now")).to_be_visible()
    expect(page.get_by_role("heading", name="Autonomic dysreflexia")).to_be_visible()
    assert_accessible(page)
    assert console_errors == []


def test_it_shows_the_readers_own_figures_beside_a_section(page, live_server, console_errors):
    erin = make_user("erin", time_zone="Pacific/Auckland", injury_level="T4")
    today = erin.local_today()
    fill_days(erin, today, 120)
    event(erin, today - timedelta(days=90))
    sore = builtin(Trigger, "pressure-injury")
    spasm(erin, occurred_at=timezone.now()).triggers.add(sore)

    page.goto(f"{live_server.url}/guides/managing-spasms/#botulinum-toxin")
    expect(page.get_by_text("In your diary")).to_have_count(0)  # not signed in: no figures

    sign_in(page, live_server, erin.email)
    page.goto(f"{live_server.url}/guides/managing-spasms/#botulinum-toxin")
    name = "In your diary: your last botulinum toxin injection"
    box = page.get_by_role("complementary", name=name)
    expect(box).to_be_visible()
    expect(box.get_by_role("row", name=re.compile(r"^Spasms per day"))).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/guides/leg-pain-causes/#pressure-sores")
    box = page.get_by_role("complementary", name="In your diary: skin triggers, last 30 days")
    expect(box).to_contain_text("Pressure injury or sore: 1")
    assert_accessible(page)
    assert console_errors == []


def test_it_opens_learn_more_in_a_new_tab_and_keeps_the_form(page, live_server, console_errors):
    fay = make_user("fay", time_zone="Pacific/Auckland", injury_level="C6")
    sign_in(page, live_server, fay.email)
    page.goto(f"{live_server.url}/log/pain/")
    unfold(page, "Note")
    page.get_by_label("Note", exact=True).fill("Burning at the ankles after the long drive")
    unfold(page, "What might have set it off?")
    page.get_by_text("Learn more about these triggers").click()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=re.compile(r"^Cold")).click()
    guide = opened.value
    expect(guide).to_have_url(re.compile(r"/guides/why-spasms-happen/#trigger-cold$"))
    expect(guide.get_by_role("heading", name="Cold")).to_be_in_viewport()
    # The form is still there, with what was typed.
    expect(page.get_by_label("Note", exact=True)).to_have_value(
        "Burning at the ankles after the long drive"
    )
    assert_accessible(page)
    assert console_errors == []


def test_it_prints_the_words_without_the_menus(page, live_server):
    page.goto(f"{live_server.url}/guides/managing-leg-pain/")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Managing leg pain", level=1)).to_be_visible()
    notice = page.get_by_text("General information, not medical advice.", exact=True)
    expect(notice).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    expect(page.get_by_role("navigation", name="On this page")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
