"""The safety profile and what it is for: the AD safety card (page, print and PDF), the baclofen
pump's advice and reminders, and the profile form that fills them in."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import LegPainEntry, SpasmEpisode
from sci_tracker.reports import pdf
from sci_tracker.safety.card import STEPS, card_for, pump_reminders
from sci_tracker.sharing.access import Access
from sci_tracker.sharing.models import CareAccess
from tests.conftest import make_user
from tests.entries import spasm
from tests.test_report import pdf_page_count

# Noon in London on Monday 2 March 2026.
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)

SAFETY = {
    "usual_systolic": 100,
    "usual_diastolic": 65,
    "emergency_contact_name": "Sam Taylor",
    "emergency_contact_phone": "+44 7700 900123",
    "card_medicines": "Baclofen 10 mg three times a day; oxybutynin 5 mg twice a day",
}
STEP_TEXTS = [str(step) for step in STEPS]


@pytest.fixture
def tess(db):
    """A person with a T4 injury and a full safety profile."""
    return make_user(
        "tess", time_zone="Europe/London", injury_level="T4", completeness="C", **SAFETY
    )


@pytest.fixture
def tess_client(client, tess):
    client.force_login(tess)
    return client


def text_of(html):
    """The page as a person reads it: tags gone, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = " ".join(text.replace("&#x27;", "'").replace("&quot;", '"').split())
    return re.sub(r" ([.,:;])", r"\1", text)


def card_url(person=None):
    if person is None:
        return reverse("safety:card")
    return reverse("safety:card", kwargs={"person_id": person.pk})


def profile_data(user, **changes):
    """The profile form as the person's page sends it, with `changes`."""
    data = {
        "display_name": user.display_name,
        "time_zone": user.time_zone,
        "injury_level": user.injury_level,
        "completeness": user.completeness,
        "uses_app_as": user.uses_app_as,
        "usual_systolic": user.usual_systolic or "",
        "usual_diastolic": user.usual_diastolic or "",
        "pump_refill_date": user.pump_refill_date or "",
        "pump_alarm_date": user.pump_alarm_date or "",
        "emergency_contact_name": user.emergency_contact_name,
        "emergency_contact_phone": user.emergency_contact_phone,
        "emergency_number": user.emergency_number,
        "card_medicines": user.card_medicines,
        "theme": user.theme,
    }
    if user.has_baclofen_pump:
        data["has_baclofen_pump"] = "on"
    if user.is_clinician:
        data["is_clinician"] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


# The card ----------------------------------------------------------------------------------


def test_it_shows_the_card_of_a_t4_person_with_everything_a_helper_needs(tess_client):
    response = tess_client.get(card_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = text_of(response.text)
    assert "Your AD safety card" in text
    assert "Name: Tess" in text
    assert "Injury level: T4, AIS C" in text
    assert "Usual blood pressure: 100/65 mmHg. An upper number of 120 or more is high for me." in (
        text
    )
    assert "Emergency contact: Sam Taylor, +44 7700 900123" in text
    assert "Autonomic dysreflexia (AD) is a sudden, dangerous rise in blood pressure" in text
    assert "Medicines: Baclofen 10 mg three times a day; oxybutynin 5 mg twice a day" in text
    # The steps in the guideline's order, then what to tell the emergency services.
    positions = [text.index(step) for step in STEP_TEXTS]
    assert positions == sorted(positions)
    assert STEP_TEXTS[0] == "Sit me up straight and lower my legs."
    assert "spinal cord injury, possible autonomic dysreflexia" in text
    assert text.index(STEP_TEXTS[-1]) < text.index("spinal cord injury, possible autonomic")
    assert "Not filled in" not in text
    assert 'href="/safety-card/pdf/"' in response.text


def test_it_says_what_to_fill_in_with_a_link_to_the_profile(alice_client):
    text = text_of(alice_client.get(card_url()).text)  # alice: C6, nothing filled in
    assert "Injury level: C6, AIS B" in text
    for what in ("your usual blood pressure", "an emergency contact", "your medicines"):
        assert f"Not filled in: add {what} in your profile." in text
    html = alice_client.get(card_url()).text
    assert html.count('href="/accounts/profile/#safety"') == 4  # three gaps and the notice


def test_it_has_a_card_when_the_level_is_not_known_and_asks_for_it(client, db):
    client.force_login(make_user("una"))
    text = text_of(client.get(card_url()).text)
    assert "Injury level: Not filled in: add your injury level in your profile." in text


def test_it_has_no_card_below_t6(client, bob):
    client.force_login(bob)  # L1
    assert card_for(bob) is None
    assert client.get(card_url()).status_code == 404
    assert client.get(reverse("safety:pdf")).status_code == 404
    for url in (reverse("profile"), reverse("home"), reverse("guides:page", args=["red-flags"])):
        assert "/safety-card/" not in client.get(url).text, url


def test_it_lets_a_carer_open_and_print_the_card_but_not_a_clinician_or_stranger(client, tess):
    carer, clinician, stranger = (
        make_user("cara"),
        make_user("dr_okafor", is_clinician=True),
        make_user("sam"),
    )
    for member, role in ((carer, "carer"), (clinician, "clinician")):
        CareAccess.objects.create(
            person=tess, email=member.email, role=role, member=member, accepted_at=NOW
        )
    client.force_login(carer)
    response = client.get(card_url(tess))
    assert response.status_code == 200
    text = text_of(response.text)
    assert "AD safety card for Tess" in text
    assert "Injury level: T4, AIS C" in text
    assert f'href="/people/{tess.pk}/safety-card/pdf/"' in response.text
    for who in (clinician, stranger):
        client.force_login(who)
        assert client.get(card_url(tess)).status_code == 404
        assert client.get(reverse("safety:pdf", kwargs={"person_id": tess.pk})).status_code == 404
    # A carer of someone without an AD risk finds no card either.
    bob = make_user("bobby", injury_level="L1")
    CareAccess.objects.create(
        person=bob, email=carer.email, role="carer", member=carer, accepted_at=NOW
    )
    client.force_login(carer)
    assert client.get(card_url(bob)).status_code == 404


def test_it_shows_an_empty_value_on_paper_as_a_line_to_write_on(alice):
    html = card_pdf_html(alice)
    assert html.count('class="ad-card-blank"') == 3
    # The page's words and link are for the screen only (safety.css hides them in print).
    assert html.count('<span class="ad-card-screen-only">') == 3


# The PDF, and the card as printed ----------------------------------------------------------


def card_pdf_html(person):
    request = RequestFactory().get("/safety-card/pdf/")
    request.user = person
    request.access = Access(person, "own")
    request.resolver_match = None
    from sci_tracker.safety.views import card_context

    return render_to_string("safety/card_pdf.html", card_context(request, person), request=request)


def laid_out(weasyprint, html, paper="A4"):
    paper_size = weasyprint.CSS(string=f"@page {{ size: {paper}; }}")
    return weasyprint.HTML(
        string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.fetcher_class(weasyprint)()
    ).render(stylesheets=[paper_size])


def boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def faces(document):
    """Each face of the card on the first page: (its box, the text laid out inside it)."""
    found = []
    for box in boxes(document.pages[0]._page_box):
        classes = box.element.get("class") or "" if box.element is not None else ""
        if "ad-card-face" in classes and box.element_tag == "section":
            text = " ".join(child.text for child in boxes(box) if type(child).__name__ == "TextBox")
            found.append((box, " ".join(text.split())))
    return found


@pytest.fixture
def weasyprint():
    """WeasyPrint with Pango, or a skip that says why (as in test_report, and a failure there
    when REQUIRE_BROWSER=1)."""
    try:
        return pdf.weasyprint()
    except pdf.PdfUnavailable as problem:
        pytest.skip(f"WeasyPrint cannot load ({problem})")


MM = 96 / 25.4  # CSS pixels in a millimetre


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_it_prints_the_card_at_bank_card_size_with_everything_on_it(tess, weasyprint, paper):
    document = laid_out(weasyprint, card_pdf_html(tess), paper)
    assert len(document.pages) == 1
    (front, front_text), (back, back_text) = faces(document)
    for face in (front, back):
        assert round(face.border_width() / MM, 1) == 85.6
        assert round(face.border_height() / MM, 1) == 54.0
    assert "Name: Tess" in front_text
    assert "Injury level: T4, AIS C" in front_text
    assert "100/65 mmHg" in front_text
    assert "Sam Taylor, +44 7700 900123" in front_text
    for step in STEP_TEXTS:
        assert step in back_text
    assert "spinal cord injury, possible autonomic dysreflexia" in back_text
    assert "Baclofen 10 mg three times a day" in back_text
    # Nothing is cut off: every line ends inside its face.
    for face, _text in ((front, front_text), (back, back_text)):
        bottom = face.position_y + face.border_height()
        lines = [box for box in boxes(face) if type(box).__name__ == "LineBox"]
        assert lines
        assert all(line.position_y + line.height <= bottom for line in lines)


def test_it_fits_the_longest_medicines_and_contact_on_the_card(tess, weasyprint):
    User.objects.filter(pk=tess.pk).update(
        card_medicines=("Baclofen 10 mg three times a day. " * 9)[:300],
        emergency_contact_name="Maximilian Alexander Bartholomew-Featherstonehaugh",
        emergency_contact_phone="+44 (0) 1234 567 890 ext. 1234",
    )
    tess.refresh_from_db()
    assert len(tess.card_medicines) == User._meta.get_field("card_medicines").max_length
    document = laid_out(weasyprint, card_pdf_html(tess))
    assert len(document.pages) == 1
    for face, _text in faces(document):
        bottom = face.position_y + face.border_height()
        lines = [box for box in boxes(face) if type(box).__name__ == "LineBox"]
        assert all(line.position_y + line.height <= bottom for line in lines)


def test_it_downloads_the_card_as_a_pdf(tess_client, weasyprint):
    response = tess_client.get(reverse("safety:pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ad-safety-card.pdf"'
    assert response.content.startswith(b"%PDF")
    assert pdf_page_count(response.content) == 1


def test_it_says_to_print_from_the_browser_when_the_server_cannot_make_pdfs(
    tess_client, monkeypatch
):
    monkeypatch.setattr(pdf, "_load", lambda: (None, "OSError: cannot load library 'pango'"))
    response = tess_client.get(reverse("safety:pdf"))
    assert response.status_code == 503
    assert "This server cannot make PDF files at the moment." in response.text
    assert 'href="/safety-card/"' in response.text


# The way to the card -----------------------------------------------------------------------


def log_pain_with_flags(client, flags, path=None):
    data = {"when": "now", "intensity": "5", "pain_type": "unknown", "red_flags": flags}
    data |= {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    return client.post(path or reverse("diary:new", args=["pain"]), data, follow=True)


def test_it_links_the_ad_advice_to_the_card_in_one_tap(tess_client):
    response = log_pain_with_flags(tess_client, ["ad-signs"])
    html = response.text
    advice = html[html.index("This may be autonomic dysreflexia") : html.index("</section>")]
    assert '<a class="btn btn-danger" href="/safety-card/">' in advice
    assert "Show the AD safety card to whoever is helping" in advice
    assert html.count('href="/safety-card/"') == 1


def test_it_links_other_urgent_advice_to_the_card_for_a_person_at_risk(tess_client, client, bob):
    html = log_pain_with_flags(tess_client, ["chest"]).text
    assert "The AD safety card: who you are, your injury and who to call" in html
    client.force_login(bob)  # L1: no card, no link, whatever the symptom
    for flags in (["chest"], ["ad-signs"]):
        assert "/safety-card/" not in log_pain_with_flags(client, flags).text


def test_it_gives_a_carer_the_persons_card_from_the_urgent_advice(client, tess):
    carer = make_user("cara")
    CareAccess.objects.create(
        person=tess, email=carer.email, role="carer", member=carer, accepted_at=NOW
    )
    client.force_login(carer)
    path = reverse("diary:new", kwargs={"kind": "pain", "person_id": tess.pk})
    html = log_pain_with_flags(client, ["ad-signs"], path).text
    assert f'href="/people/{tess.pk}/safety-card/"' in html


def test_it_links_the_card_from_the_profile_and_the_red_flags_guide(tess_client):
    profile = tess_client.get(reverse("profile")).text
    assert 'href="/safety-card/"' in profile
    guide = tess_client.get(reverse("guides:page", args=["red-flags"])).text
    box = guide[guide.index('id="diary-box-safety-card"') :]
    assert 'href="/safety-card/">Open your AD safety card' in box[: box.index("</aside>")]
    assert "Your usual blood pressure is not filled in yet" not in box[: box.index("</aside>")]
    # Beside the guide's advice to keep a card.
    assert guide.index("Keep a card with you") < guide.index('id="diary-box-safety-card"')


def test_it_asks_for_the_usual_pressure_in_the_guide_box_when_it_is_missing(alice_client):
    guide = alice_client.get(reverse("guides:page", args=["red-flags"])).text
    assert "Your usual blood pressure is not filled in yet" in guide


# The baclofen pump -------------------------------------------------------------------------


def flag_values(html):
    return re.findall(r'name="red_flags" value="([a-z-]+)"', html)


def test_it_offers_the_pump_alarm_only_to_pump_users(tess_client, tess):
    for kind in ("spasm", "pain"):
        html = tess_client.get(reverse("diary:new", args=[kind])).text
        assert "pump-alarm" not in flag_values(html)
        assert "Baclofen pump alarm" not in html
    User.objects.filter(pk=tess.pk).update(has_baclofen_pump=True)
    for kind in ("spasm", "pain"):
        html = tess_client.get(reverse("diary:new", args=[kind])).text
        assert "pump-alarm" in flag_values(html)


def test_it_refuses_a_pump_alarm_sent_by_someone_without_a_pump(tess_client):
    response = log_pain_with_flags(tess_client, ["pump-alarm"])
    assert response.status_code == 200
    assert not LegPainEntry.objects.exists()


def test_it_keeps_a_ticked_pump_alarm_when_the_entry_is_edited(tess_client, tess):
    entry = spasm(tess, occurred_at=NOW, red_flags=["pump-alarm", "fever"])  # from pump days
    url = reverse("diary:edit", args=["spasm", entry.pk])
    html = tess_client.get(url).text
    assert "pump-alarm" in flag_values(html)
    assert re.search(r'value="pump-alarm"[^>]*checked', html)
    data = {
        "version": str(entry.version),
        "when": "earlier",
        "occurred_local": "2026-03-02T12:00",
        "pattern": "jerky",
        "severity": "1",
        "red_flags": ["pump-alarm", "fever"],
        "note": "edited",
        "tried-TOTAL_FORMS": "0",
        "tried-INITIAL_FORMS": "0",
    }
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        response = tess_client.post(url, data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.note, entry.red_flags) == ("edited", ["pump-alarm", "fever"])


def test_it_speaks_of_the_pump_in_the_urgent_advice_only_to_pump_users(tess_client, tess):
    html = log_pain_with_flags(tess_client, ["fever"]).text
    assert "Fever needs checking today" in html
    assert "baclofen pump" not in html.lower().split("red flags: when to get help now")[0]
    User.objects.filter(pk=tess.pk).update(has_baclofen_pump=True)
    html = log_pain_with_flags(tess_client, ["fever"]).text
    assert "If you have a baclofen pump, fever can also be a sign of withdrawal." in html


def test_it_keeps_pump_content_in_the_guides_for_everyone(client, bob):
    client.force_login(bob)
    guide = client.get(reverse("guides:page", args=["red-flags"])).text
    assert 'id="baclofen-pump-withdrawal"' in guide


def set_pump(person, refill=None, alarm=None, has_pump=True):
    User.objects.filter(pk=person.pk).update(
        has_baclofen_pump=has_pump, pump_refill_date=refill, pump_alarm_date=alarm
    )
    person.refresh_from_db()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("refill", "alarm", "shown"),
    [
        (TODAY + timedelta(days=7), None, ["The refill is due on Monday 9 March 2026, in 7 days."]),
        (TODAY + timedelta(days=1), None, ["The refill is due on Tuesday 3 March 2026, in 1 day."]),
        (TODAY, None, ["The refill is due today, Monday 2 March 2026."]),
        (TODAY - timedelta(days=2), None, ["The refill was due on Saturday 28 February 2026."]),
        (
            TODAY + timedelta(days=30),
            TODAY + timedelta(days=3),
            ["The low-reservoir alarm date is Thursday 5 March 2026, in 3 days."],
        ),
        (TODAY + timedelta(days=8), TODAY + timedelta(days=20), []),
        (None, None, []),
    ],
)
def test_it_reminds_of_a_pump_date_within_a_week_on_the_home_page(
    tess_client, tess, refill, alarm, shown
):
    set_pump(tess, refill, alarm)
    text = text_of(tess_client.get(reverse("home")).text)
    if shown:
        assert "Your baclofen pump" in text
    else:
        assert "Your baclofen pump" not in text
    for line in shown:
        assert line in text
    assert len(pump_reminders(tess)) == len(shown)


@time_machine.travel(NOW, tick=False)
def test_it_shows_no_pump_reminder_without_the_pump(tess_client, tess):
    # Dates cannot stay without the pump (a CHECK), so the rule is tested on the object.
    tess.has_baclofen_pump = False
    tess.pump_refill_date = TODAY
    assert pump_reminders(tess) == []
    assert "Your baclofen pump" not in tess_client.get(reverse("home")).text


@time_machine.travel(datetime(2026, 3, 2, 23, 30, tzinfo=UTC), tick=False)
def test_it_counts_the_days_to_a_refill_in_the_persons_own_zone(client, db):
    kiri = make_user("kiri", time_zone="Pacific/Auckland", injury_level="T2")
    set_pump(kiri, date(2026, 3, 10))  # already the 3rd in Auckland: 7 days away
    client.force_login(kiri)
    assert "in 7 days" in text_of(client.get(reverse("home")).text)


# The profile's safety section --------------------------------------------------------------


def test_it_saves_the_safety_profile(client, db):
    una = make_user("una", time_zone="Europe/London")
    client.force_login(una)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("profile"),
            profile_data(
                una,
                injury_level="T3",
                completeness="E",
                usual_systolic="98",
                usual_diastolic="62",
                has_baclofen_pump="on",
                pump_refill_date="2026-03-20",
                pump_alarm_date="2026-04-01",
                emergency_contact_name=" Sam ",
                emergency_contact_phone="+44 7700 900123",
                card_medicines="Baclofen 10 mg",
            ),
        )
    assert response.status_code == 302
    una.refresh_from_db()
    assert (una.injury_level, una.completeness) == ("T3", "E")
    assert (una.usual_systolic, una.usual_diastolic) == (98, 62)
    assert una.has_baclofen_pump
    assert (una.pump_refill_date, una.pump_alarm_date) == (date(2026, 3, 20), date(2026, 4, 1))
    assert (una.emergency_contact_name, una.emergency_contact_phone) == ("Sam", "+44 7700 900123")
    assert una.card_medicines == "Baclofen 10 mg"
    page = client.get(reverse("profile")).text
    assert '<option value="E" selected>AIS E: feeling and movement have come back to normal' in page
    assert text_of(client.get(card_url()).text).count("Injury level: T3, AIS E") == 1


def test_it_groups_the_safety_fields_under_their_own_heading(tess_client):
    html = tess_client.get(reverse("profile")).text
    section = html[html.index('id="safety"') :]
    assert '<h2 class="h4" id="safety-heading">Safety</h2>' in section
    for legend in ("Your usual blood pressure", "Baclofen pump", "Emergency contact"):
        assert f'<legend class="h5">{legend}</legend>' in section
    for name in ("usual_systolic", "has_baclofen_pump", "pump_refill_date", "card_medicines"):
        assert f'name="{name}"' in section
    assert html.index('name="display_name"') < html.index('id="safety"')


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"usual_systolic": "110", "usual_diastolic": ""},
            "usual_diastolic",
            "Enter both numbers of your usual blood pressure, or leave both empty.",
        ),
        (
            {"usual_systolic": "", "usual_diastolic": "70"},
            "usual_systolic",
            "Enter both numbers of your usual blood pressure, or leave both empty.",
        ),
        (
            {"usual_systolic": "70", "usual_diastolic": "110"},
            "usual_diastolic",
            "The lower number must be smaller than the upper one, as in 110 over 70.",
        ),
        (
            {"usual_systolic": "1100", "usual_diastolic": "70"},
            "usual_systolic",
            "Enter an upper number from 60 to 220 mmHg",
        ),
        (
            {"usual_systolic": "110", "usual_diastolic": "7"},
            "usual_diastolic",
            "Enter a lower number from 30 to 140 mmHg",
        ),
        (
            {"pump_refill_date": "2026-03-20"},
            "has_baclofen_pump",
            "You gave a pump date: tick this if you have a pump, or clear the dates.",
        ),
        (
            {"has_baclofen_pump": "on", "pump_alarm_date": "2062-03-20"},
            "pump_alarm_date",
            "Enter a date within a year of today.",
        ),
        (
            {"emergency_contact_phone": "call Sam"},
            "emergency_contact_phone",
            "Enter a phone number with digits, as in +44 20 7946 0000.",
        ),
    ],
)
def test_it_explains_a_safety_answer_it_cannot_take_and_keeps_what_was_typed(
    client, db, changes, field, message
):
    una = make_user("una", time_zone="Europe/London")
    client.force_login(una)
    data = profile_data(una, injury_level="T2", card_medicines="Tizanidine 2 mg", **changes)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("profile"), data)
    assert response.status_code == 200
    html = response.text
    assert message in html
    assert f'href="#id_{field}"' in html  # the error summary leads to the field
    assert "Tizanidine 2 mg</textarea>" in html
    for name, value in changes.items():
        if value and name != "has_baclofen_pump":
            assert f'value="{value}"' in html, name
    una.refresh_from_db()
    assert (una.injury_level, una.usual_systolic, una.card_medicines) == ("unknown", None, "")


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("+44 7700 900123", True),
        ("(555) 010-0199", True),
        ("0800.123.456", True),
        ("999", True),
        ("12", False),
        ("+", False),
        ("call Sam", False),
        ("555-0199 ext 2", False),
    ],
)
def test_it_takes_a_phone_number_as_people_write_them(tess_client, tess, typed, accepted):
    with time_machine.travel(NOW, tick=False):
        response = tess_client.post(
            reverse("profile"), profile_data(tess, emergency_contact_phone=typed)
        )
    tess.refresh_from_db()
    assert (response.status_code == 302) is accepted
    assert (tess.emergency_contact_phone == typed) is accepted


def test_it_clears_the_pump_dates_when_the_pump_is_unticked(tess_client, tess):
    set_pump(tess, date(2026, 3, 5), date(2026, 3, 20))
    data = profile_data(tess)
    del data["has_baclofen_pump"]
    with time_machine.travel(NOW, tick=False):
        response = tess_client.post(reverse("profile"), data)
    assert response.status_code == 302
    tess.refresh_from_db()
    assert (tess.has_baclofen_pump, tess.pump_refill_date, tess.pump_alarm_date) == (
        False,
        None,
        None,
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"usual_systolic": 120},
        {"usual_diastolic": 70},
        {"usual_systolic": 70, "usual_diastolic": 80},
        {"usual_systolic": 250, "usual_diastolic": 80},
        {"usual_systolic": 120, "usual_diastolic": 20},
        {"pump_refill_date": date(2026, 3, 5)},
        {"pump_alarm_date": date(2026, 3, 5)},
    ],
)
def test_it_refuses_a_safety_profile_against_the_rules_in_the_database(tess, fields):
    cleared = {"usual_systolic": None, "usual_diastolic": None, "has_baclofen_pump": False}
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=tess.pk).update(**(cleared | fields))
    with pytest.raises(ValidationError):
        User(email="x@example.org", **fields).clean()


def test_it_shows_ais_e_in_the_report_header(client, db):
    person = make_user("eve", injury_level="T4", completeness="E")
    client.force_login(person)
    text = text_of(client.get(reverse("reports:report")).text)
    assert "AIS grade AIS E: feeling and movement have come back to normal" in text


def test_it_gives_the_demo_person_a_full_card_and_a_pump_due_this_week(client, db):
    from sci_tracker.diary.demo import seed_demo

    with time_machine.travel(NOW, tick=False):
        outcome = seed_demo(days=3)
        demo = User.objects.get(email=outcome.email)
        client.force_login(demo)
        home = text_of(client.get(reverse("home")).text)
        card = text_of(client.get(card_url()).text)
    assert demo.injury_level == "T4"
    assert "The refill is due on Saturday 7 March 2026, in 5 days." in home
    assert "Usual blood pressure: 104/66 mmHg" in card
    assert "Emergency contact: Sam Demo (partner), +44 7700 900123" in card
    assert "Not filled in" not in card
    assert SpasmEpisode.objects.filter(owner=demo).exists()
