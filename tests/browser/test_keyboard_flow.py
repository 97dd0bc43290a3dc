"""Keyboard and switch users: focus always visible and in view; Enter, arrows and Space in every
group of chips (templates/includes/choice_group.html, static/js/chips.js)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sci_tracker.diary.models import Intervention, LegPainEntry, SpasmEpisode
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
    assert_accessible(page)  # every fold open, at this size
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


def arrow_to(page, target, key="ArrowRight", limit=15):
    """Press an arrow key until `target` (a radio or checkbox) has focus."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press(key)
    expect(target).to_be_focused()


def test_it_logs_a_quick_spasm_and_a_full_leg_pain_entry_by_keyboard_alone(
    page, live_server, console_errors, transactional_db
):
    """No clicks: Tab and Shift+Tab, arrows, Space and Enter, from the home page on."""
    page.emulate_media(reduced_motion="reduce")
    kim = person("kim")
    earlier = SpasmEpisode.objects.create(
        owner=kim, logged_by=kim, occurred_at=timezone.now() - timedelta(days=2)
    )
    earlier.uses.create(intervention=Intervention.objects.get(owner=None, slug="stretching"))
    sign_in(page, live_server, "kim@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Kim")

    # The quick log: "Log" in the menu, 15 minutes ago by the arrows, then a severity.
    log = page.get_by_role("navigation").get_by_role("link", name="Log", exact=True)
    tab_to(page, log)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log")
    spasm_form = page.locator("form[data-quick-spasm]")  # the care buttons have chips too
    tab_to(page, spasm_form.get_by_role("radio", name="Now"))
    page.keyboard.press("ArrowRight")
    expect(spasm_form.get_by_role("radio", name="15 min ago")).to_be_checked()
    expect(page.get_by_role("button", name=re.compile("^Spasm 15 min ago"))).to_be_visible()
    moderate = page.get_by_role("button", name="Moderate", exact=True)
    tab_to(page, moderate)
    assert_accessible(page)  # the severity step, as the keyboard reaches it
    before = timezone.now()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: spasm")
    expect(page.get_by_role("status")).to_contain_text("Spasm (moderate) saved at")
    spasm = SpasmEpisode.objects.filter(owner=kim).latest("pk")
    assert (spasm.severity, spasm.pattern) == (2, "")
    assert abs((before - spasm.occurred_at).total_seconds() - 15 * 60) < 60

    # Home by the brand link, then Leg pain now.
    brand = page.get_by_role("link", name="SCI Tracker")
    tab_to(page, brand)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Kim")
    tab_to(page, page.get_by_role("main").get_by_role("link", name="Leg pain now"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log leg pain")

    # Intensity 6 by the arrows (the browser's radios pick as they move).
    intensity = page.get_by_role("group", name="How bad is the pain?")
    tab_to(page, intensity.get_by_role("radio").first)
    six = intensity.get_by_role("radio", name="6", exact=True)
    arrow_to(page, six)
    expect(six).to_be_checked()
    # Where: the list, not the map (no tab stop there); arrows move, Space ticks.
    page.keyboard.press("Tab")
    where = page.get_by_role("group", name="Where")
    expect(where.get_by_role("checkbox", name="Left hip or buttock")).to_be_focused()
    foot = where.get_by_role("checkbox", name="Left foot or toes")
    arrow_to(page, foot)
    page.keyboard.press("Space")
    expect(foot).to_be_checked()
    # The map shows it for anyone looking on.
    assert page.locator("[data-site='left-foot']").first.evaluate(
        "element => element.classList.contains('is-picked')"
    )
    # What it feels like: Enter on a chip ticks it.
    burning = page.get_by_role("checkbox", name="Burning")
    tab_to(page, burning)
    page.keyboard.press("Enter")  # ticks, never sends the half-filled form
    expect(burning).to_be_checked()
    triggers_summary = page.locator("summary", has_text="What might have set it off?")
    tab_to(page, triggers_summary)
    page.keyboard.press("Shift+Tab")  # one step back, to the fold above
    expect(page.locator("summary", has_text="Which pain problem")).to_be_focused()
    page.keyboard.press("Tab")
    expect(triggers_summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("details[data-fold='pain-triggers']")).to_have_attribute("open", "")
    bladder = page.get_by_role("checkbox", name="Full bladder")
    tab_to(page, bladder)
    page.keyboard.press("Space")
    expect(bladder).to_be_checked()

    # What was tried: the usual one by Enter, its effect by the arrows.
    tab_to(page, page.locator("summary", has_text="What did you try?"))
    page.keyboard.press("Space")
    usual = page.get_by_role("group", name="Your usual ones: tap to add")
    stretching = usual.get_by_role("button", name="Stretching or range of motion")
    tab_to(page, stretching)
    page.keyboard.press("Enter")
    first = page.get_by_role("group", name="Thing tried 1")
    expect(first.get_by_role("radio", name="Not sure yet")).to_be_focused()
    helped = first.get_by_role("radio", name="Helped a little")
    arrow_to(page, helped)
    expect(helped).to_be_checked()
    assert_accessible(page)

    save = page.get_by_role("button", name="Save", exact=True)
    tab_to(page, save)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(
        page.get_by_text(re.compile(r"Leg pain 6/10 at \d\d:\d\d: left foot or toes; burning\."))
    ).to_be_visible()
    pain = LegPainEntry.objects.get(owner=kim)
    assert (pain.intensity, pain.sites, pain.qualities) == (6, ["left-foot"], ["burning"])
    assert [t.slug for t in pain.triggers.all()] == ["full-bladder"]
    assert list(pain.uses.values_list("intervention__slug", "effect")) == [
        ("stretching", "helped-a-little")
    ]
    assert console_errors == []
