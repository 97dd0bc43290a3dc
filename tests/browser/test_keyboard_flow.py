"""Keyboard and switch users: focus always visible and in view; Enter, arrows and Space in every
group of chips (templates/includes/choice_group.html, static/js/chips.js)."""

import pytest
from playwright.sync_api import expect

from sci_tracker.diary.models import LegPainEntry
from tests.browser.conftest import PHONE, assert_accessible, sign_in
from tests.browser.test_diary_flow import person, tab_to

DESKTOP = {"width": 1280, "height": 800}

# Where focus is, as a person sees it: a chip's input is hidden, its label button shows it.
FOCUS = """() => {
  const focused = document.activeElement;
  const shown = focused.matches("input.btn-check") ? focused.labels[0] : focused;
  const box = shown.getBoundingClientRect();
  const style = getComputedStyle(shown);
  return {
    name: focused.id || focused.name || focused.textContent.trim().slice(0, 40),
    inForm: !!focused.closest("form#entry-form"),
    inView: box.top >= 0 && box.bottom <= window.innerHeight,
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    body: focused === document.body,
  };
}"""


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_it_keeps_every_tab_stop_of_the_pain_form_in_view_with_a_visible_ring(
    page, live_server, console_errors, transactional_db, screen
):
    page.set_viewport_size(screen)
    # The end of the scroll, not a frame of a smooth one (Bootstrap scrolls smoothly otherwise).
    page.emulate_media(reduced_motion="reduce")
    person("ann")
    sign_in(page, live_server, "ann@example.org")
    page.goto(f"{live_server.url}/log/pain/")
    # Every folded part open, so the walk meets every field of the form.
    page.evaluate("() => document.querySelectorAll('details.fold').forEach((d) => (d.open = true))")
    stops, hidden = 0, []
    for _ in range(150):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["body"]:
            break
        if not focus["inForm"]:
            continue
        stops += 1
        if not (focus["inView"] and focus["ring"]):
            hidden.append(focus)
    assert stops > 40  # the whole form was walked
    assert hidden == []
    assert console_errors == []


def test_it_toggles_a_chip_with_enter_and_moves_with_arrows_without_sending_the_form(
    page, live_server, console_errors, transactional_db
):
    page.emulate_media(reduced_motion="reduce")
    person("ben")
    sign_in(page, live_server, "ben@example.org")
    form = f"{live_server.url}/log/pain/"
    page.goto(form)

    burning = page.get_by_role("checkbox", name="Burning")
    tab_to(page, burning)
    group = page.get_by_role("group", name="What does it feel like?")
    hint = group.get_by_text("Keys: arrows move between choices; Space or Enter ticks or unticks")
    expect(hint).to_be_visible()
    expect(group).to_have_accessible_description(
        "Keys: arrows move between choices; Space or Enter ticks or unticks one."
    )
    assert_accessible(page)

    page.keyboard.press("Enter")
    expect(burning).to_be_checked()
    expect(burning).to_be_focused()
    page.keyboard.press("Enter")
    expect(burning).not_to_be_checked()
    assert page.url == form
    expect(page.get_by_role("alert")).to_have_count(0)  # no "what needs fixing": nothing sent

    # Arrows move along the checkboxes (round at the ends); Space ticks.
    chips = group.get_by_role("checkbox")
    page.keyboard.press("ArrowRight")
    expect(chips.nth(1)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(chips.last).to_be_focused()
    page.keyboard.press("Home")
    expect(chips.first).to_be_focused()
    page.keyboard.press("Space")
    expect(chips.first).to_be_checked()

    # A scale of radios: the browser's arrows pick; Enter picks too, and sends nothing.
    six = page.get_by_role("radio", name="6", exact=True)
    tab_to_group = page.get_by_role("group", name="How bad is the pain?").get_by_role("radio")
    tab_to_group.first.focus()
    page.keyboard.press("ArrowRight")
    expect(tab_to_group.nth(1)).to_be_checked()
    six.focus()
    page.keyboard.press("Enter")
    expect(six).to_be_checked()
    assert page.url == form
    assert not LegPainEntry.objects.exists()
    assert console_errors == []
