"""The ISCI pain types in a phone's browser: the grouped pain form and the daily check-in for the
person, the clinician's page that confirms a type, and the two shown side by side."""

import pytest
from playwright.sync_api import expect

from sci_tracker.diary.models import PainProblem
from sci_tracker.sharing.models import CareAccess, Role
from tests.browser.conftest import assert_accessible, sign_in, unfold
from tests.conftest import make_user
from tests.entries import pain


@pytest.fixture
def dee(transactional_db):
    person = make_user("dee", time_zone="Pacific/Auckland", injury_level="T4")
    feet = PainProblem.objects.create(owner=person, slot=1, name="Burning feet")
    pain(person, problem=feet, pain_type="neuropathic-below")
    return person


@pytest.fixture
def other_browser(browser, browser_context_args):
    """A second browser: the clinician's computer."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def test_it_lets_a_clinician_confirm_a_type_the_person_sees_beside_their_guess(
    page, other_browser, live_server, console_errors, dee
):
    doctor = make_user("okafor", is_clinician=True)
    CareAccess.objects.create(
        person=dee,
        email=doctor.email,
        role=Role.CLINICIAN,
        member=doctor,
        accepted_at=dee.date_joined,
    )
    sign_in(other_browser, live_server, doctor.email)
    other_browser.goto(f"{live_server.url}/people/{dee.pk}/trends/")
    other_browser.get_by_role("link", name="Confirm pain types").click()
    expect(other_browser.get_by_role("heading", name="Pain types for Dee")).to_be_visible()
    assert_accessible(other_browser)
    problem = other_browser.get_by_role("group", name="Pain problem 1: Burning feet")
    problem.get_by_text("Muscle, joint or bone pain (musculoskeletal)", exact=True).click()
    other_browser.get_by_role("button", name="Save the pain types").click()
    expect(other_browser.get_by_text("The pain types are saved")).to_be_visible()
    assert PainProblem.objects.get(owner=dee).confirmed_type == "musculoskeletal"

    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/log/pain-problems/")
    expect(
        page.get_by_text("Confirmed by Okafor", exact=False).filter(
            has_text="Muscle, joint or bone pain (musculoskeletal)"
        )
    ).to_be_visible()
    expect(page.get_by_text("Your guess:", exact=False).first).to_be_visible()
    assert_accessible(page)
    assert console_errors == []


def test_it_groups_the_pain_types_and_words_the_check_in_accessibly(
    page, live_server, console_errors, dee
):
    sign_in(page, live_server, dee.email)
    page.goto(f"{live_server.url}/log/pain/")
    unfold(page, "what kind of pain?")
    nerve = page.get_by_role("group", name="Neuropathic pain: from damaged nerves")
    nerve.get_by_text(
        "Other nerve pain, not from the spinal cord injury", exact=False
    ).first.click()
    expect(page.get_by_role("radio", name="Other nerve pain", exact=False)).to_be_checked()
    assert_accessible(page)
    page.goto(f"{live_server.url}/log/checkin/")
    expect(
        page.get_by_role("group", name="In the past 24 hours, how often did you have spasms?")
    ).to_be_visible()
    assert_accessible(page)
    assert console_errors == []
