"""Lists that learn on a 390x844 phone (issue 16): hide a built-in trigger, rename and archive an
own item on My lists; the spasm and leg-pain forms stop offering them, while an old entry still
shows its item and keeps it when edited."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from sci_tracker.diary.models import HiddenTrigger, Intervention, LegPainEntry, Trigger
from tests.browser.conftest import PHONE, assert_accessible, sign_in, unfold
from tests.conftest import make_user
from tests.entries import pain


def big_enough(locator):
    """A target a weak grip can hit: at least 44 px high, and on the phone's screen width."""
    box = locator.bounding_box()
    return box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_it_hides_renames_and_archives_items_and_forms_stop_offering_them(
    page, live_server, console_errors, transactional_db
):
    cleo = make_user("cleo", time_zone="Pacific/Auckland")
    bus = Trigger.objects.create(owner=cleo, slug="bus-ride", name="Bus ride", category="movement")
    walk = Intervention.objects.create(owner=cleo, slug="short-walk", name="Short walk")
    cold = Trigger.objects.get(owner=None, slug="cold")
    old = pain(cleo, occurred_at=timezone.now() - timedelta(days=2), intensity=6)
    old.triggers.add(cold, bus)
    old.uses.create(intervention=walk, effect="helped-a-little")

    sign_in(page, live_server, "cleo@example.org")
    page.goto(f"{live_server.url}/log/my-lists/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your triggers and what you try")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Hide the built-in "Cold".
    cold_row = page.locator("#builtin-triggers-cold")
    hide = cold_row.get_by_role("button", name="Hide “Cold”")
    assert big_enough(hide)
    hide.click()
    expect(page.get_by_role("status")).to_contain_text("“Cold” is hidden from your forms")
    expect(cold_row.get_by_role("button", name="Show again “Cold”")).to_be_visible()
    assert HiddenTrigger.objects.filter(person=cleo, trigger=cold).exists()
    assert_accessible(page)

    # Rename the own trigger; an empty name is refused in the app's words.
    rename = page.locator(f"#item-triggers-{bus.pk}").get_by_role("link", name="Rename “Bus ride”")
    assert big_enough(rename)
    rename.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rename “Bus ride”")
    page.get_by_label("New name").fill("  ")
    page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_role("alert")).to_contain_text("Fill this in.")
    assert_accessible(page)
    page.get_by_label("New name").fill("Cold")  # the built-in just hidden
    page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "That is a built-in one you hid: choose “Show again” under “Built-in” instead."
    )
    page.get_by_label("New name").fill("Bumpy bus ride")
    page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_role("status")).to_contain_text(
        "“Bus ride” is now called “Bumpy bus ride”, on your old entries too."
    )

    # Archive it, and the own intervention too.
    page.locator(f"#item-triggers-{bus.pk}").get_by_role(
        "button", name="Archive “Bumpy bus ride”"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("“Bumpy bus ride” is archived")
    expect(page.get_by_role("button", name="Bring back “Bumpy bus ride”")).to_be_visible()
    page.get_by_role("button", name="Archive “Short walk”").click()
    expect(page.get_by_role("status")).to_contain_text("“Short walk” is archived")
    assert_accessible(page)
    bus.refresh_from_db()
    walk.refresh_from_db()
    assert (bus.name, bus.archived, walk.archived) == ("Bumpy bus ride", True, True)

    # A new spasm and a new bout of leg pain offer none of the three.
    for kind, heading in (("spasm", "Log a spasm"), ("pain", "Log leg pain")):
        page.goto(f"{live_server.url}/log/{kind}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        unfold(page, "What might have set it off?")
        expect(page.get_by_role("checkbox", name="Full bladder")).to_be_visible()
        expect(page.get_by_role("checkbox", name="Cold", exact=True)).to_have_count(0)
        expect(page.get_by_role("checkbox", name="Bumpy bus ride")).to_have_count(0)
        unfold(page, "What did you try?")
        first_try = page.get_by_role("group", name="Thing tried 1")
        options = first_try.get_by_label("What did you try?").locator("option")
        expect(options.filter(has_text="Stretching or range of motion")).to_have_count(1)
        expect(options.filter(has_text="Short walk")).to_have_count(0)

    # The old entry still shows them, and its edit keeps them ticked and chosen.
    page.get_by_role("navigation").get_by_role("link", name="History").click()
    entry = page.get_by_role("listitem").filter(has_text="Leg pain 6/10")
    expect(entry).to_contain_text("Bumpy bus ride")
    expect(entry).to_contain_text("Cold")
    expect(entry).to_contain_text("Short walk")
    entry.get_by_role("link", name=re.compile("^Open")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: leg pain")
    unfold(page, "What might have set it off?")
    expect(page.get_by_role("checkbox", name="Cold", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Bumpy bus ride")).to_be_checked()
    unfold(page, "What did you try?")
    chosen = page.get_by_role("group", name="Thing tried 1").get_by_label("What did you try?")
    expect(chosen.locator("option:checked")).to_have_text("Short walk")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Leg pain updated.")
    old = LegPainEntry.objects.get(pk=old.pk)
    assert set(old.triggers.values_list("slug", flat=True)) == {"cold", "bus-ride"}
    assert list(old.uses.values_list("intervention__name", flat=True)) == ["Short walk"]

    # Show "Cold" again: it is offered once more.
    page.goto(f"{live_server.url}/log/my-lists/")
    page.get_by_role("button", name="Show again “Cold”").click()
    expect(page.get_by_role("status")).to_contain_text("“Cold” is back in your forms.")
    page.goto(f"{live_server.url}/log/spasm/")
    unfold(page, "What might have set it off?")
    expect(page.get_by_role("checkbox", name="Cold", exact=True)).to_be_visible()
    assert console_errors == []
