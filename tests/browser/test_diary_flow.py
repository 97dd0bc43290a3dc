"""The diary on a phone: quick log, entries, check-ins, errors, the bin, history and red flags."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from sci_tracker.diary.models import (
    CheckIn,
    InterventionUse,
    LegPainEntry,
    SpasmEpisode,
    SpasticityWeek,
    Trigger,
)
from tests.browser.conftest import assert_accessible, sign_in, unfold
from tests.conftest import make_user
from tests.entries import sciset_week

ZONE = "Pacific/Auckland"  # the browser's zone too (see conftest), far from UTC


def person(name, **fields):
    return make_user(name, time_zone=ZONE, **fields)


def tab_to(page, target, limit=80):
    """Press Tab until `target` has focus, as a keyboard user would; fail after `limit` presses."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()


def choose(page, group, option):
    """Tap the large button of one option in a group of choices (the fieldset's legend)."""
    page.get_by_role("group", name=group).get_by_text(option, exact=True).click()


def at(day, hour, minute=0):
    """A moment on a day, in the person's own zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(ZONE))


def test_it_quick_logs_a_spasm_and_refines_it_by_keyboard_alone(
    page, live_server, console_errors, transactional_db
):
    ann = person("ann")
    sign_in(page, live_server, "ann@example.org")
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ann")

    # Tap one: the skip link, the brand, then "Log" in the navigation.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("navigation").get_by_role("link", name="Log")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log")
    assert_accessible(page)

    # Tap two: skip to the content, past "Something urgent?" and the time chips (one stop,
    # "Now" ticked), to "Spasm now".
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Something urgent?")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("form[data-quick-spasm]").get_by_role("radio", name="Now")).to_be_focused()
    page.keyboard.press("Tab")
    spasm_now = page.get_by_role("button", name=re.compile("^Spasm now"))
    expect(spasm_now).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: spasm")
    spasm = SpasmEpisode.objects.get(owner=ann)
    assert spasm.logged_by == ann
    saved_at = timezone.localtime(spasm.occurred_at, ann.zone)
    expect(page.get_by_role("status")).to_contain_text(f"Spasm saved at {saved_at:%H:%M}")
    assert_accessible(page)

    # Refine it: arrow keys move within a group of radio buttons, Space ticks a checkbox.
    pattern = page.get_by_role("radio", name="Sudden jerky spasm")
    tab_to(page, pattern)
    # The option with focus shows a ring a keyboard user can see.
    outline = page.evaluate(
        "getComputedStyle(document.querySelector(`label[for='${document.activeElement.id}']`))"
        ".outlineWidth"
    )
    assert outline == "3px"
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="Sustained stiffness")).to_be_checked()
    # Nothing was guessed for the severity: the group starts with none ticked.
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Mild")).to_be_focused()
    expect(page.get_by_role("radio", name="Moderate")).not_to_be_checked()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="Severe")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Left leg")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Left leg")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(page.get_by_role("status")).to_contain_text("Spasm updated.")
    spasm.refresh_from_db()
    assert (spasm.pattern, spasm.severity, spasm.regions) == ("stiffness", 3, ["left-leg"])
    assert spasm.logged_by == ann
    today = timezone.localtime(spasm.occurred_at, ann.zone)
    expect(page.get_by_role("heading", level=2)).to_have_text(
        f"{today:%A} {today.day} {today:%B %Y}"
    )
    expect(page.get_by_role("listitem").filter(has_text="Spasm")).to_contain_text(
        "sustained stiffness, severe, left leg"
    )
    assert_accessible(page)
    assert console_errors == []


def test_it_logs_one_spasm_for_a_shaky_double_tap(
    page, live_server, console_errors, transactional_db
):
    kim = person("kim")
    sign_in(page, live_server, "kim@example.org")
    page.get_by_role("link", name="Log", exact=True).click()
    # A spasm or a tremor can tap twice in quick succession: the second tap must not log again.
    box = page.get_by_role("button", name=re.compile("^Spasm now")).bounding_box()
    page.mouse.dblclick(box["x"] + 20, box["y"] + 20)
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: spasm")
    page.wait_for_load_state("networkidle")
    assert SpasmEpisode.objects.filter(owner=kim).count() == 1

    # Going back to the Log page, the button works again for the next spasm (one that comes
    # more than a few seconds later; the server counts taps within 5 s as one spasm).
    SpasmEpisode.objects.filter(owner=kim).update(
        occurred_at=F("occurred_at") - timedelta(minutes=1),
        created_at=F("created_at") - timedelta(minutes=1),
    )
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log")
    page.get_by_role("button", name=re.compile("^Spasm now")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: spasm")
    assert SpasmEpisode.objects.filter(owner=kim).count() == 2
    assert console_errors == []


def test_it_logs_a_full_leg_pain_entry_with_what_was_tried(
    page, live_server, console_errors, transactional_db
):
    ben = person("ben")
    sign_in(page, live_server, "ben@example.org")
    page.get_by_role("link", name="Log", exact=True).click()
    page.get_by_role("link", name=re.compile("^Leg pain now")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log leg pain")
    # "Now" is picked already, so the exact date and time stay out of the way.
    expect(page.get_by_role("radio", name="Now", exact=True)).to_be_checked()
    expect(page.get_by_label("Date and time (for “Earlier…”)")).to_be_hidden()
    assert_accessible(page)

    choose(page, "How bad is the pain?", "7")
    choose(page, "Where", "Left calf or lower leg")
    choose(page, "What does it feel like?", "Burning")
    unfold(page, "What might have set it off?")
    choose(page, "What might have set it off?", "Full bladder")
    unfold(page, "Note")
    page.get_by_label("Note", exact=True).fill("Worse after a long drive.")
    unfold(page, "What did you try?")
    # A dose alone is not enough: the row needs what was tried.
    second_try = page.get_by_role("group", name="Thing tried 2")
    second_try.get_by_label("Dose").fill("10 mg")
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Thing tried 2, what did you try? Choose what you tried, or clear the dose and effect."
    )
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(second_try.get_by_label("What did you try?")).to_be_focused()
    expect(page.get_by_label("Note", exact=True)).to_have_value("Worse after a long drive.")
    expect(page.get_by_role("checkbox", name="Full bladder")).to_be_checked()

    second_try.get_by_label("Dose").fill("")
    first_try = page.get_by_role("group", name="Thing tried 1")
    first_try.get_by_label("What did you try?").select_option(label="Stretching or range of motion")
    first_try.get_by_role("group", name="Did it help?").get_by_text(
        "Helped a little", exact=True
    ).click()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(page.get_by_role("status")).to_contain_text("Leg pain saved.")
    entry = page.get_by_role("listitem").filter(has_text="Leg pain 7/10")
    expect(entry).to_contain_text("left calf or lower leg; burning")
    expect(entry).to_contain_text("Set off by: Full bladder")
    expect(entry).to_contain_text("Tried: Stretching or range of motion (helped a little)")
    expect(entry).to_contain_text("Worse after a long drive.")
    assert_accessible(page)

    pain = LegPainEntry.objects.get(owner=ben)
    assert (pain.intensity, pain.sites, pain.qualities) == (7, ["left-calf"], ["burning"])
    assert pain.logged_by == ben
    assert [trigger.slug for trigger in pain.triggers.all()] == ["full-bladder"]
    use = InterventionUse.objects.get(pain=pain)
    assert (use.intervention.slug, use.effect, use.dose) == ("stretching", "helped-a-little", "")
    assert console_errors == []


def test_it_saves_a_daily_check_in_and_opens_the_same_one_again(
    page, live_server, console_errors, transactional_db
):
    cal = person("cal")
    sign_in(page, live_server, "cal@example.org")
    page.get_by_role("link", name="Log", exact=True).click()
    page.get_by_role("link", name=re.compile("^Daily check-in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Daily check-in")
    assert_accessible(page)

    choose(page, "how often did you have spasms?", "2: Full spasms, less than once an hour")
    choose(page, "how strong were the spasms", "2: Moderate")
    choose(page, "how bad was your worst leg pain?", "6")
    unfold(page, "Average pain")
    choose(page, "how bad was your leg pain on average?", "4")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("Daily check-in saved.")
    expect(page.get_by_role("listitem").filter(has_text="Check-in")).to_contain_text(
        "spasms 2/4, severity 2/3; worst pain 6/10, average 4/10"
    )
    checkin = CheckIn.objects.get(owner=cal)
    assert (checkin.date, checkin.psfs_frequency, checkin.psfs_severity) == (
        cal.local_today(),
        2,
        2,
    )
    assert (checkin.pain_worst, checkin.pain_average, checkin.logged_by) == (6, 4, cal)

    # The Log page now says it is done, and opens the same check-in to change it.
    page.get_by_role("link", name="Log", exact=True).click()
    page.get_by_role("link", name=re.compile("^Daily check-in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: daily check-in")
    expect(page.get_by_role("radio", name="2: Full spasms, less than once an hour")).to_be_checked()
    expect(
        page.get_by_role("group", name="worst leg pain?").get_by_role("radio", name="6")
    ).to_be_checked()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Daily check-in updated.")
    assert CheckIn.objects.filter(owner=cal).count() == 1
    assert console_errors == []


def test_it_explains_what_to_fix_and_keeps_what_was_entered(
    page, live_server, console_errors, transactional_db
):
    person("dee")
    sign_in(page, live_server, "dee@example.org")
    page.goto(f"{live_server.url}/log/checkin/")
    choose(page, "how often did you have spasms?", "3: Spasms more than once an hour")
    choose(page, "how bad was your worst leg pain?", "6")
    page.get_by_role("button", name="Save").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Say how strong the spasms were.")
    expect(page.get_by_role("radio", name="3: Spasms more than once an hour")).to_be_checked()
    expect(
        page.get_by_role("group", name="worst leg pain?").get_by_role("radio", name="6")
    ).to_be_checked()
    severity = page.get_by_role("group", name="how strong were the spasms")
    expect(severity).to_have_accessible_description(re.compile("Say how strong the spasms were."))
    assert_accessible(page)
    # The summary's link leads to the question: the first answer takes focus.
    summary.get_by_role("link").click()
    expect(page.get_by_role("radio", name="1: Mild", exact=True)).to_be_focused()
    assert CheckIn.objects.count() == 0

    page.goto(f"{live_server.url}/log/pain/")
    choose(page, "How bad is the pain?", "5")
    choose(page, "When", "Earlier…")
    exact = page.get_by_label("Date and time (for “Earlier…”)")
    expect(exact).to_be_visible()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date and time, or pick “Now”.")
    # The message sits next to the box and is read out with it.
    expect(exact).to_be_visible()
    expect(exact).to_have_accessible_description(
        re.compile("Enter the date and time, or pick “Now”.")
    )
    expect(page.get_by_role("radio", name="Earlier…")).to_be_checked()
    expect(
        page.get_by_role("group", name="How bad is the pain?").get_by_role("radio", name="5")
    ).to_be_checked()
    assert_accessible(page)
    assert LegPainEntry.objects.count() == 0
    assert console_errors == []


def test_it_moves_an_entry_to_the_bin_undoes_restores_and_empties_it(
    page, live_server, console_errors, transactional_db
):
    eve = person("eve")
    spasm = SpasmEpisode.objects.create(owner=eve, logged_by=eve, occurred_at=timezone.now())
    kept = LegPainEntry.objects.create(
        owner=eve, logged_by=eve, occurred_at=timezone.now() - timedelta(hours=1), intensity=3
    )
    sign_in(page, live_server, "eve@example.org")
    page.get_by_role("link", name="History").click()
    spasm_row = page.get_by_role("listitem").filter(has_text="Spasm at")

    # Delete from its edit page; the history offers to undo at once.
    spasm_row.get_by_role("link", name=re.compile("^Open")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit: spasm")
    page.get_by_role("button", name="Move to the bin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(page.get_by_text("Spasm moved to the bin.")).to_be_visible()
    expect(spasm_row).to_have_count(0)
    spasm.refresh_from_db()
    assert spasm.deleted_at is not None
    assert_accessible(page)

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("Spasm restored.")
    expect(spasm_row).to_have_count(1)
    spasm.refresh_from_db()
    assert spasm.deleted_at is None

    # Delete again, and restore it from the bin instead.
    spasm_row.get_by_role("link", name=re.compile("^Open")).click()
    page.get_by_role("button", name="Move to the bin").click()
    page.get_by_role("link", name="Bin", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bin")
    expect(page.get_by_role("listitem").filter(has_text="Spasm at")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Restore")).click()
    expect(page.get_by_role("status")).to_contain_text("Spasm restored.")
    expect(page.get_by_text("The bin is empty.")).to_be_visible()
    assert_accessible(page)
    spasm.refresh_from_db()
    assert spasm.deleted_at is None

    # Emptying the bin asks first; "Keep it" changes nothing, confirming deletes for good.
    page.goto(live_server.url + spasm.get_absolute_url())
    page.get_by_role("button", name="Move to the bin").click()
    page.get_by_role("link", name="Bin", exact=True).click()
    page.get_by_role("link", name="Empty the bin…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Empty the bin")
    expect(page.get_by_text("This deletes the 1 entry in the bin for good.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bin")
    assert SpasmEpisode.objects.filter(pk=spasm.pk).exists()
    page.get_by_role("link", name="Empty the bin…").click()
    page.get_by_role("button", name="Delete 1 entry for good").click()
    expect(page.get_by_role("status")).to_contain_text("The bin is empty")
    assert not SpasmEpisode.objects.filter(pk=spasm.pk).exists()
    # Only what was in the bin is gone.
    assert LegPainEntry.objects.filter(pk=kept.pk, deleted_at=None).exists()
    expect(page.get_by_role("listitem").filter(has_text="Leg pain 3/10")).to_have_count(1)
    assert console_errors == []


def test_it_filters_the_history_by_kind_and_by_trigger(
    page, live_server, console_errors, transactional_db
):
    fay = person("fay")
    today = fay.local_today()
    yesterday = today - timedelta(days=1)
    bladder, cold = Trigger.objects.get(slug="full-bladder"), Trigger.objects.get(slug="cold")

    def entry(model, moment, trigger, **fields):
        row = model.objects.create(owner=fay, logged_by=fay, occurred_at=moment, **fields)
        row.triggers.add(trigger)

    # 08:30 in Auckland is still the day before in UTC: it must sort under its own local day.
    entry(SpasmEpisode, at(yesterday, 8, 30), bladder, pattern="clonus")
    entry(SpasmEpisode, at(yesterday, 20, 0), cold, pattern="stiffness")
    entry(LegPainEntry, at(today, 7, 15), bladder, intensity=6)
    CheckIn.objects.create(owner=fay, logged_by=fay, date=yesterday, psfs_frequency=0)

    sign_in(page, live_server, "fay@example.org")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        [f"{day:%A} {day.day} {day:%B %Y}" for day in (today, yesterday)]
    )
    entries = page.locator(".entry-list > li")
    expect(entries).to_have_count(4)
    assert_accessible(page)

    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Kind").select_option(label="Spasms")
    page.get_by_role("button", name="Show").click()
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("sustained stiffness")
    expect(entries.nth(1)).to_contain_text("clonus")
    expect(page.get_by_label("Kind")).to_have_value("spasm")
    assert_accessible(page)

    page.get_by_role("link", name="Clear").click()
    expect(entries).to_have_count(4)
    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Trigger").select_option(label="Full bladder")
    page.get_by_role("button", name="Show").click()
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("Leg pain 6/10")
    expect(entries.nth(1)).to_contain_text("clonus")
    for shown in entries.all():
        expect(shown).to_contain_text("Set off by: Full bladder")
    assert_accessible(page)

    page.get_by_label("Trigger").select_option(label="Cold")
    page.get_by_label("Kind").select_option(label="Leg pain")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Nothing matches this filter.")).to_be_visible()
    assert_accessible(page)
    assert console_errors == []


def test_it_gives_urgent_advice_that_fits_the_injury_level(
    page, live_server, console_errors, transactional_db
):
    for name, level in (("gus", "C6"), ("hal", "L1")):
        someone = person(name, injury_level=level)
        sign_in(page, live_server, f"{name}@example.org")
        page.goto(f"{live_server.url}/log/pain/")
        choose(page, "How bad is the pain?", "4")
        unfold(page, "Other symptoms right now")
        choose(
            page,
            "Other symptoms right now",
            "Pounding headache, flushing or sweating above the injury",
        )
        page.get_by_role("button", name="Save").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Your symptoms need attention")
        expect(page.get_by_role("main")).to_contain_text("Your leg pain is saved in your diary.")
        expect(page.locator(".alert-success")).to_have_count(0)  # no cheerful banner here
        call = page.get_by_role("link", name=re.compile(r"^Call \d+$"))
        expect(call).to_be_visible()
        assert call.get_attribute("href").startswith("tel:")
        if level == "C6":
            expect(page.get_by_role("heading", level=2)).to_contain_text("autonomic dysreflexia")
        else:
            expect(page.get_by_role("heading", level=2)).to_have_text("Get medical advice today")
            expect(page.get_by_role("main")).not_to_contain_text("dysreflexia")
        assert_accessible(page)
        pain = LegPainEntry.objects.get(owner=someone)
        assert (pain.intensity, pain.red_flags) == (4, ["ad-signs"])

        page.get_by_role("link", name="Go to your history").click()
        expect(page.get_by_role("listitem").filter(has_text="Leg pain 4/10")).to_contain_text(
            "Symptoms ticked: Pounding headache"
        )
        page.get_by_role("button", name="Sign out").click()
    assert console_errors == []


def test_every_diary_page_passes_an_accessibility_scan(
    page, live_server, console_errors, transactional_db
):
    ida = person("ida")
    sign_in(page, live_server, "ida@example.org")
    # Every page as a new person first sees it: empty forms, an empty history and bin.
    for path, heading, shows in [
        ("/log/", "Log", "The past 24 hours, in one short form"),
        ("/log/spasm/", "Log a spasm", "Sudden jerky spasm"),
        ("/log/pain/", "Log leg pain", "What does it feel like?"),
        ("/log/checkin/", "Daily check-in", "how often did you have spasms?"),
        ("/log/event/", "Log a treatment event", "What happened"),
        ("/log/pain-problems/", "Your pain problems", "Name up to three"),
        ("/log/my-lists/", "Your triggers and what you try", "None yet."),
        ("/entries/", "History", "Nothing logged yet."),
        ("/entries/bin/", "Bin", "The bin is empty."),
        ("/entries/bin/empty/", "Empty the bin", "The bin is already empty."),
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("main")).to_contain_text(shows)
        assert_accessible(page)

    # A treatment event: the question offers only real answers, none picked until one is.
    page.goto(f"{live_server.url}/log/event/")
    expect(page.get_by_role("group", name="What happened").get_by_role("radio")).to_have_count(10)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)
    page.get_by_label("Date").fill(ida.local_today().isoformat())
    choose(page, "What happened", "Botulinum toxin injection")
    page.get_by_label("Details").fill("Both calves, 200 units")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("listitem").filter(has_text="Botulinum")).to_contain_text(
        "Both calves, 200 units"
    )

    # Pain problems and own lists, with their errors.
    page.goto(f"{live_server.url}/log/pain-problems/")
    page.get_by_label("Pain problem 1").fill("Burning feet")
    page.get_by_label("Pain problem 2").fill("burning feet")
    page.get_by_role("button", name="Save pain problems").click()
    expect(page.get_by_role("alert")).to_contain_text("Give each pain problem a different name.")
    assert_accessible(page)
    page.get_by_label("Pain problem 2").fill("Knee ache")
    page.get_by_role("button", name="Save pain problems").click()
    expect(page.get_by_role("status")).to_contain_text("Your pain problems are saved.")
    page.goto(f"{live_server.url}/log/pain/")
    unfold(page, "Which pain problem")
    page.get_by_label("Which pain problem").select_option(label="Knee ache")

    page.goto(f"{live_server.url}/log/my-lists/")
    page.get_by_label("Add a trigger of your own").fill("Full bladder")
    page.get_by_role("button", name="Add trigger").click()
    expect(page.get_by_role("alert")).to_contain_text("That is already on your list.")
    assert_accessible(page)
    page.get_by_label("Add a trigger of your own").fill("Long car journey")
    page.get_by_role("button", name="Add trigger").click()
    expect(page.get_by_role("status")).to_contain_text("“Long car journey” is added")
    assert_accessible(page)
    assert console_errors == []


# Whether an element's own text stays inside its padding (a squeezed button spills text over it).
TEXT_FITS = """element => {
  const box = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  const left = box.left + parseFloat(style.paddingLeft) - 1;
  const right = box.right - parseFloat(style.paddingRight) + 1;
  return Array.from(element.childNodes)
    .filter((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim())
    .every((node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      const text = range.getBoundingClientRect();
      return text.left >= left && text.right <= right;
    });
}"""


def test_the_diary_fits_a_small_phone_with_large_targets(page, live_server, transactional_db):
    page.set_viewport_size({"width": 360, "height": 740})
    jo = person("jo")
    spasm = SpasmEpisode.objects.create(
        owner=jo,
        logged_by=jo,
        occurred_at=timezone.now(),
        regions=["both-legs"],
        red_flags=["fever"],
    )
    spasm.triggers.add(Trigger.objects.get(slug="tight-clothing"))
    binned = LegPainEntry.objects.create(
        owner=jo, logged_by=jo, occurred_at=timezone.now(), intensity=2, sites=["right-hip"]
    )
    binned.move_to_bin()
    sign_in(page, live_server, "jo@example.org")
    for path in [
        "/log/",
        "/log/spasm/",
        "/log/pain/",
        "/log/checkin/",
        "/log/event/",
        "/entries/?kind=spasm",
        "/entries/bin/",
        "/entries/bin/empty/",
        spasm.get_absolute_url(),
        f"/entries/spasm/{spasm.pk}/urgent/",
    ]:
        page.goto(live_server.url + path)
        # Folded parts too: open them all (the summaries themselves are measured as well).
        page.evaluate(
            "document.querySelectorAll('main details').forEach((d) => { d.open = true; })"
        )
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
        # Every button, field and answer is at least 44 px each way, and shows all its text.
        for target in page.locator(
            "main .btn, main select, main input:not([type=hidden]):not(.btn-check), main summary"
        ).all():
            box = target.bounding_box()
            if box is None:  # not shown, e.g. the date and time until "Earlier…" is picked
                continue
            name = f"{path}: {target.inner_text() or target.get_attribute('name')}"
            assert box["width"] >= 44, name
            assert box["height"] >= 44, name
            assert target.evaluate(TEXT_FITS), name


def test_it_lists_a_sci_set_week_and_bins_it_with_an_undo(page, live_server, transactional_db):
    wen = person("wen")
    day = wen.local_today() - timedelta(days=1)
    sciset_week(wen, day, ratings={1: -2, 2: 1})
    sign_in(page, live_server, wen.email)
    page.goto(f"{live_server.url}/entries/")
    expect(page.get_by_text("spasticity was problematic on the whole").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Move to the bin")).click()
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    assert SpasticityWeek.objects.get().deleted_at is not None
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("spasticity was problematic on the whole").first).to_be_visible()
    assert SpasticityWeek.objects.get().deleted_at is None
