"""The bladder, bowel and skin programme on a phone: a catheterisation with its volume and a
bowel routine from the Log page's buttons, a skin problem with its stage from the skin form, and
all three in the history."""

import re

from playwright.sync_api import expect

from sci_tracker.diary.models import CareEvent
from tests.browser.conftest import assert_accessible, sign_in, unfold
from tests.conftest import make_user


def test_it_logs_bladder_bowel_and_skin_from_the_log_page(
    page, live_server, console_errors, transactional_db
):
    cal = make_user("cal", time_zone="Pacific/Auckland")
    sign_in(page, live_server, "cal@example.org")
    page.get_by_role("navigation").get_by_role("link", name="Log", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log")
    care = page.get_by_role("region", name="Bladder, bowel and skin")
    expect(care).to_be_visible()
    assert_accessible(page)

    # A catheterisation with the volume measured: typed beside the buttons, then one tap.
    care.get_by_label("Volume in ml, if measured (for a catheterisation)").fill("450")
    care.get_by_role("button", name=re.compile("^Catheterised or emptied")).click()
    expect(
        page.get_by_text(
            re.compile(r"Saved at \d\d:\d\d: Catheterised or emptied the bladder \(450 ml\)\.")
        )
    ).to_be_visible()
    # A bowel routine, one tap.
    care = page.get_by_role("region", name="Bladder, bowel and skin")
    care.get_by_role("button", name=re.compile("^Bowel routine done")).click()
    expect(
        page.get_by_text(re.compile(r"Saved at \d\d:\d\d: Bowel routine done\."))
    ).to_be_visible()

    # A skin problem: its form, with where and the stage.
    page.get_by_role("link", name=re.compile("^Skin: a problem found")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log skin")
    page.get_by_role("group", name="What happened?").get_by_text(
        "Skin problem found", exact=True
    ).click()
    page.get_by_role("group", name="Where on the body? (for a skin problem)").get_by_text(
        "Heel", exact=True
    ).click()
    # The stage is folded away (known only when a nurse or doctor gave one): opened here.
    unfold(page, "Pressure-injury stage, if one was given")
    stage = page.get_by_role("group", name="Stage, if a nurse or doctor told you")
    stage.get_by_text("Stage 2: a shallow open sore or blister", exact=True).click()
    # The guide on pressure sores is one tap away; the stage is the person's, not a diagnosis.
    expect(stage.get_by_text("Learn more about pressure sores")).to_be_visible()
    assert_accessible(page)
    save = page.get_by_role("button", name="Save", exact=True)
    expect(save).to_be_in_viewport()  # the sticky Save bar
    save.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(page.get_by_text("Bladder, bowel or skin saved.")).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_text("Catheterised or emptied the bladder", exact=True)).to_be_visible()
    expect(main.get_by_text(re.compile(r"at \d\d:\d\d: 450 ml\."))).to_be_visible()
    expect(main.get_by_text("Bowel routine done", exact=True)).to_be_visible()
    expect(main.get_by_text("Skin problem found", exact=True)).to_be_visible()
    expect(
        main.get_by_text(re.compile(r"heel; Stage 2: a shallow open sore or blister\."))
    ).to_be_visible()
    expect(main.get_by_role("link", name="About pressure sores")).to_be_visible()
    assert_accessible(page)

    saved = list(CareEvent.objects.filter(owner=cal).order_by("occurred_at", "pk"))
    assert [(e.event, e.volume_ml, e.site, e.stage) for e in saved] == [
        ("catheter", 450, "", ""),
        ("bowel-routine", None, "", ""),
        ("skin-problem", None, "heel", "2"),
    ]
    assert console_errors == []
