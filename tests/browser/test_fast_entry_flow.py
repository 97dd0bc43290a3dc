"""Fast entry on a 390x844 phone (issue 16): taps from home, Save in reach, folds that stay as
the person left them, and "Something urgent?" straight to the red flags."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from sci_tracker.diary import medicines
from sci_tracker.diary.models import FoldState, Intervention, LegPainEntry, SpasmEpisode, Trigger
from tests.browser.conftest import PHONE, assert_accessible, sign_in, unfold
from tests.conftest import make_user

ZONE = "Pacific/Auckland"  # the browser's zone too (see conftest)


def person(name, **fields):
    return make_user(name, time_zone=ZONE, **fields)


class Taps:
    """Counts the taps a person makes, from the home page on."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def tap(self, locator):
        locator.click()
        self.count += 1


def in_view(page, locator):
    """The whole of it is on the screen, without scrolling."""
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_it_logs_a_spasm_now_in_two_taps_from_home(
    page, live_server, console_errors, transactional_db
):
    amy = person("amy")
    sign_in(page, live_server, "amy@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Amy")
    taps = Taps(page)
    taps.tap(page.get_by_role("navigation").get_by_role("link", name="Log"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log")
    assert_accessible(page)
    taps.tap(page.get_by_role("button", name=re.compile("^Spasm now")))

    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: spasm")
    assert taps.count <= 2
    spasm = SpasmEpisode.objects.get(owner=amy)
    assert (spasm.pattern, spasm.severity) == ("", None)  # nothing guessed
    # The page after shows the time it was logged, ticked; not "Earlier…".
    saved_at = timezone.localtime(spasm.occurred_at, amy.zone)
    expect(page.get_by_role("radio", name=f"At {saved_at:%H:%M}")).to_be_checked()
    expect(page.get_by_role("radio", name="Earlier…")).not_to_be_checked()
    expect(page.get_by_label("Date and time (for “Earlier…”)")).to_be_hidden()
    assert in_view(page, page.get_by_role("button", name="Save"))
    assert_accessible(page)
    assert console_errors == []


def test_it_logs_a_spasm_15_minutes_ago_with_a_severity_in_three_taps(
    page, live_server, console_errors, transactional_db
):
    bea = person("bea")
    sign_in(page, live_server, "bea@example.org")
    taps = Taps(page)
    taps.tap(page.get_by_role("navigation").get_by_role("link", name="Log"))
    # The spasm's chip (the bladder, bowel and skin buttons have chips of their own).
    taps.tap(page.locator("form[data-quick-spasm]").get_by_text("15 min ago", exact=True))
    # The big button says what it will save.
    expect(page.get_by_role("button", name=re.compile("^Spasm 15 min ago"))).to_be_visible()
    assert_accessible(page)
    before = timezone.now()
    taps.tap(page.get_by_role("button", name="Severe", exact=True))

    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: spasm")
    expect(page.get_by_role("status")).to_contain_text("Spasm (severe) saved at")
    assert taps.count <= 3
    spasm = SpasmEpisode.objects.get(owner=bea)
    assert spasm.severity == 3
    assert abs((before - spasm.occurred_at).total_seconds() - 15 * 60) < 60
    expect(page.get_by_role("radio", name="Severe", exact=True)).to_be_checked()
    assert_accessible(page)
    assert console_errors == []


def test_it_keeps_save_in_reach_on_every_form(page, live_server, console_errors, transactional_db):
    # Offered the AD episode form too, with the usual blood pressure set (the safety profile).
    cy = person("cy", injury_level="C6", usual_systolic=110, usual_diastolic=70)
    # One medicine taken as needed, so the as-needed dose form has one to offer.
    medicines.start_medicine(
        cy,
        cy,
        name="Paracetamol",
        unit="tablets",
        route="mouth",
        reason="pain",
        dose=Decimal("2"),
        times=[],
        day=cy.local_today(),
    )
    sign_in(page, live_server, "cy@example.org")
    heights = {}
    forms = {
        **{kind: (f"/log/{kind}/", "Save") for kind in ("spasm", "pain", "checkin", "event", "ad")},
        **{area: (f"/log/care/?area={area}", "Save") for area in ("bladder", "bowel", "skin")},
        "medicine": ("/medicines/add/", "Add the medicine"),
        "as-needed dose": ("/medicines/as-needed/", "Save the dose"),
    }
    for kind, (address, button) in forms.items():
        page.goto(f"{live_server.url}{address}")
        save = page.get_by_role("button", name=button, exact=True)
        assert in_view(page, save), kind
        heights[kind] = page.evaluate("document.querySelector('main form').offsetHeight")
        assert_accessible(page)
        # Every fold open at once: the whole form, as a person who keeps them open sees it.
        shut = page.locator("details.fold:not([open]) > summary")
        for _ in range(shut.count()):
            shut.first.click()
        expect(shut).to_have_count(0)
        assert_accessible(page)
        # Scrolled to the end and back, Save stays on the screen.
        page.mouse.wheel(0, 1500)
        assert in_view(page, save), kind
        page.evaluate("window.scrollTo(0, 0)")
    print("form heights at 390x844:", heights)
    for kind in forms:
        assert heights[kind] <= 2 * PHONE["height"], heights

    # Sent with something missing: the errors as shown (the pain and check-in forms' are
    # checked in test_diary_flow, the AD form's in test_ad_flow).
    page.goto(f"{live_server.url}/log/spasm/")
    page.get_by_role("group", name="When").get_by_text("Earlier…", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date and time, or pick “Now”.")
    assert_accessible(page)
    page.goto(f"{live_server.url}/log/event/")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)
    assert not SpasmEpisode.objects.exists()
    assert console_errors == []


def test_it_remembers_a_fold_open_and_goes_straight_to_the_red_flags(
    page, live_server, console_errors, transactional_db
):
    dee = person("dee")
    sign_in(page, live_server, "dee@example.org")
    page.goto(f"{live_server.url}/log/pain/")
    triggers = page.locator("details[data-fold='pain-triggers']")
    expect(triggers).not_to_have_attribute("open", "")
    page.locator("summary", has_text="What might have set it off?").click()
    expect(triggers).to_have_attribute("open", "")
    expect(page.get_by_role("checkbox", name="Full bladder")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert FoldState.objects.get(user=dee).open_parts == {"pain-triggers": True}
    assert_accessible(page)
    page.reload()
    expect(triggers).to_have_attribute("open", "")

    # "Something urgent?" at the top of the form: the red flags, unfolded, with focus.
    flags = page.locator("details[data-fold='pain-red_flags']")
    expect(flags).not_to_have_attribute("open", "")
    page.get_by_role("link", name="Something urgent?").click()
    expect(flags).to_have_attribute("open", "")
    expect(page.locator("label", has_text="Fever or chills")).to_be_in_viewport()
    assert_accessible(page)

    # From the Log page: a spasm's red flags, unfolded.
    page.goto(f"{live_server.url}/log/")
    page.get_by_role("link", name="Something urgent?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a spasm")
    expect(page.locator("details[data-fold='spasm-red_flags']")).to_have_attribute("open", "")
    expect(page.locator("label", has_text="Fever or chills")).to_be_in_viewport()
    assert_accessible(page)
    assert console_errors == []


def test_it_fills_triggers_and_what_was_tried_the_same_as_last_time(
    page, live_server, console_errors, transactional_db
):
    eve = person("eve")
    last = SpasmEpisode.objects.create(
        owner=eve, logged_by=eve, occurred_at=timezone.now() - timedelta(hours=3)
    )
    last.triggers.add(Trigger.objects.get(owner=None, slug="full-bladder"))
    last.uses.create(
        intervention=Intervention.objects.get(owner=None, slug="stretching"),
        dose="5 min",
        effect="helped-a-little",
    )
    sign_in(page, live_server, "eve@example.org")
    page.goto(f"{live_server.url}/log/spasm/")
    unfold(page, "What might have set it off?")
    triggers = page.locator("details[data-fold='spasm-triggers']")
    triggers.get_by_role("button", name="Same as last time").click()
    expect(page.get_by_role("checkbox", name="Full bladder")).to_be_checked()
    unfold(page, "What did you try?")
    page.locator("details[data-fold='spasm-tried']").get_by_role(
        "button", name="Same as last time"
    ).click()
    first = page.get_by_role("group", name="Thing tried 1")
    expect(first.get_by_label("Dose")).to_have_value("5 min")
    assert_accessible(page)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    new = SpasmEpisode.objects.filter(owner=eve).latest("pk")
    assert [t.slug for t in new.triggers.all()] == ["full-bladder"]
    assert list(new.uses.values_list("intervention__slug", "dose", "effect")) == [
        ("stretching", "5 min", "helped-a-little")
    ]
    assert console_errors == []


def test_it_logs_leg_pain_with_a_usual_intervention_in_few_taps(
    page, live_server, console_errors, transactional_db
):
    """Intensity, one site, one quality, one trigger, one usual intervention with its effect.
    The person keeps the trigger and tried parts open (remembered from before)."""
    fay = person("fay")
    FoldState.objects.create(user=fay, open_parts={"pain-triggers": True, "pain-tried": True})
    earlier = SpasmEpisode.objects.create(
        owner=fay, logged_by=fay, occurred_at=timezone.now() - timedelta(days=2)
    )
    earlier.uses.create(intervention=Intervention.objects.get(owner=None, slug="stretching"))
    sign_in(page, live_server, "fay@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Fay")
    assert_accessible(page)
    taps = Taps(page)
    taps.tap(page.get_by_role("main").get_by_role("link", name="Leg pain now"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log leg pain")
    taps.tap(page.get_by_role("group", name="How bad is the pain?").get_by_text("6", exact=True))
    taps.tap(region(page, "left-foot", FRONT))  # where it hurts, on the body map
    expect(page.get_by_role("checkbox", name="Left foot or toes")).to_be_checked()
    taps.tap(page.get_by_role("group", name="What does it feel like?").get_by_text("Burning"))
    taps.tap(page.locator("label", has_text="Full bladder"))
    usual = page.get_by_role("group", name="Your usual ones: tap to add")
    taps.tap(usual.get_by_role("button", name="Stretching or range of motion"))
    first = page.get_by_role("group", name="Thing tried 1")
    expect(first.get_by_role("radio", name="Not sure yet")).to_be_focused()
    taps.tap(first.get_by_text("Helped a little", exact=True))
    assert_accessible(page)
    taps.tap(page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    pain = LegPainEntry.objects.get(owner=fay)
    assert (pain.intensity, pain.sites, pain.qualities) == (6, ["left-foot"], ["burning"])
    assert [t.slug for t in pain.triggers.all()] == ["full-bladder"]
    assert list(pain.uses.values_list("intervention__slug", "effect")) == [
        ("stretching", "helped-a-little")
    ]
    # From the home page, Save included.
    assert taps.count <= 8
    assert console_errors == []


def region(page, site, view):
    """One region of the body map: view 0 is the front, 1 the back."""
    return page.locator(f"[data-body-map] [data-site='{site}']").nth(view)


PICKED = "element => element.classList.contains('is-picked')"
FRONT, BACK = 0, 1


def test_it_ticks_where_it_hurts_on_the_body_map_and_the_map_follows_the_list(
    page, live_server, console_errors, transactional_db
):
    gus = person("gus")
    sign_in(page, live_server, "gus@example.org")
    page.goto(f"{live_server.url}/log/pain/")
    where = page.get_by_role("group", name="Where")
    body_map = page.locator("[data-body-map]")
    expect(body_map).to_be_visible()
    # Hidden from assistive technology: the list is the way for a screen reader.
    expect(body_map.locator("svg")).to_have_attribute("aria-hidden", "true")
    # Every region a target for a weak grip: 44 px each way on the phone.
    for box in body_map.locator("[data-site]").evaluate_all(
        "regions => regions.map((r) => r.getBoundingClientRect().toJSON())"
    ):
        assert min(box["width"], box["height"]) >= 44, box

    # A tap on a region ticks its box in the list, and both views show it picked.
    region(page, "left-foot", FRONT).click()
    expect(where.get_by_role("checkbox", name="Left foot or toes")).to_be_checked()
    assert region(page, "left-foot", FRONT).evaluate(PICKED)
    assert region(page, "left-foot", BACK).evaluate(PICKED)
    region(page, "right-knee", BACK).click()
    expect(where.get_by_role("checkbox", name="Right knee")).to_be_checked()
    # Picked is told by a hatched fill and a thick outline, not by colour alone.
    picked = region(page, "right-knee", FRONT).evaluate(
        "r => [getComputedStyle(r).fill, getComputedStyle(r).strokeWidth]"
    )
    plain = region(page, "left-knee", FRONT).evaluate(
        "r => [getComputedStyle(r).fill, getComputedStyle(r).strokeWidth]"
    )
    assert "url(" in picked[0], picked
    assert "body-map-picked" in picked[0], picked
    assert "url(" not in plain[0]
    assert float(picked[1].rstrip("px")) >= 2 * float(plain[1].rstrip("px"))

    # Ticking the list shows on the map; a second tap on the map unticks.
    where.get_by_text("Left thigh", exact=True).click()
    assert region(page, "left-thigh", FRONT).evaluate(PICKED)
    assert region(page, "left-thigh", BACK).evaluate(PICKED)
    region(page, "left-foot", BACK).click()
    expect(where.get_by_role("checkbox", name="Left foot or toes")).not_to_be_checked()
    assert not region(page, "left-foot", FRONT).evaluate(PICKED)
    assert_accessible(page)

    # No tab stop on the map: Tab goes from the intensity straight to the list.
    choose_intensity = page.get_by_role("group", name="How bad is the pain?")
    choose_intensity.get_by_text("3", exact=True).click()
    page.keyboard.press("Tab")
    expect(where.get_by_role("checkbox", name="Left hip or buttock")).to_be_focused()

    # A draft brought back after a reload shows on the map too.
    page.reload()
    expect(page.get_by_role("status").filter(has_text="Draft restored")).to_be_visible()
    expect(where.get_by_role("checkbox", name="Right knee")).to_be_checked()
    assert region(page, "right-knee", FRONT).evaluate(PICKED)
    assert region(page, "left-thigh", BACK).evaluate(PICKED)
    assert not region(page, "left-foot", FRONT).evaluate(PICKED)
    assert_accessible(page)

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    pain = LegPainEntry.objects.get(owner=gus)
    assert sorted(pain.sites) == ["left-thigh", "right-knee"]
    assert console_errors == []


def test_it_keeps_the_where_list_alone_without_javascript(browser, live_server, transactional_db):
    hal = person("hal")
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "hal@example.org")
    page.goto(f"{live_server.url}/log/pain/")
    expect(page.locator("[data-body-map]")).to_have_count(1)
    expect(page.locator("[data-body-map]")).to_be_hidden()
    page.get_by_role("group", name="How bad is the pain?").get_by_text("5", exact=True).click()
    page.get_by_role("group", name="Where").get_by_text("Right ankle", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    assert LegPainEntry.objects.get(owner=hal).sites == ["right-ankle"]
    context.close()
