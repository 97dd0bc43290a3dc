"""Random and hostile input to every form, the import parser and the JSON endpoint.

Property-based tests (hypothesis): whatever is typed, sent or uploaded, the app answers with the
form again and a message that says what is wrong (or a JSON error), never a server error; a
refusal writes nothing, and what is accepted is stored as it was typed.

Each example runs inside a savepoint that is rolled back at its end (`fresh()`), with the cache
emptied, so every example starts from the data the test set up. The test client raises a view's
exception instead of answering 500, so a server error fails the test with its traceback (a
database error on a POST becomes the 503 "Not saved" page, which fails it as well).
"""

import csv
import io
import json
import os
import re
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import DateField, DateTimeField, IntegerField
from django.forms.formsets import ManagementForm
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sci_tracker.accounts.forms import TIME_ZONE_CHOICES
from sci_tracker.accounts.models import SPINAL_LEVELS, Completeness, Theme, User, UsesAppAs
from sci_tracker.accounts.resume import account_tag
from sci_tracker.core.addresses import normalise_email
from sci_tracker.core.form_words import NOT_ON_THE_LIST as NOT_LISTED
from sci_tracker.diary import sciset
from sci_tracker.diary.forms import DAY_OUT_OF_RANGE, EARLIEST_DAY, LATEST_DAY, TOO_EARLY
from sci_tracker.diary.models import (
    ADAction,
    ADCause,
    ADEpisode,
    ADOutcome,
    BloodPressureReading,
    BodyRegion,
    BowelResult,
    CareEvent,
    CareEventKind,
    CheckedBy,
    CheckIn,
    DoseUnit,
    Effect,
    EventKind,
    HiddenIntervention,
    HiddenTrigger,
    Intervention,
    InterventionUse,
    LegPainEntry,
    Medicine,
    MedicineDose,
    MedicineReason,
    MedicineRoute,
    PainProblem,
    PainQuality,
    PainSite,
    PainType,
    PressureStage,
    RedFlag,
    SkinSite,
    SpasmDuration,
    SpasmEpisode,
    SpasmImpact,
    SpasmPattern,
    SpasticityWeek,
    TreatmentEvent,
    Trigger,
)
from sci_tracker.exports import backup, importer
from sci_tracker.exports.csv_files import FILES, FILES_BY_NAME
from sci_tracker.exports.models import PendingImport
from sci_tracker.reminders.channels import usable_keys
from sci_tracker.reminders.models import PushSubscription, ReminderSettings
from sci_tracker.sharing.models import (
    AshworthScore,
    CareAccess,
    MuscleGroup,
    ReviewNote,
    Role,
    ShareLink,
    Side,
    VisitMeasure,
)
from tests.conftest import PASSWORD, make_user
from tests.entries import builtin, checkin, spasm, started_medicine

# 10:00 UTC is 22:00 in Auckland (alice), 11:00 in London, 06:00 in New York: every zone's
# daylight-saving change of spring 2026 has passed.
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
TODAY = date(2026, 6, 1)

# BAD_INPUT_EXAMPLES=500 tries harder (minutes, not seconds); the default keeps the suite quick.
HYPOTHESIS = settings(
    max_examples=int(os.environ.get("BAD_INPUT_EXAMPLES", "30")),
    deadline=None,
    database=None,  # no example database: a failure prints how to reproduce it
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # each example is rolled back by fresh()
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Hostile values ------------------------------------------------------------------------------

# Text that has broken web apps: markup, template syntax, formula signs, NUL and other control
# characters, right-to-left and zero-width characters, a BOM, combining marks, emoji sequences,
# characters that grow when normalised, the pain problems' own placeholders (see
# save_pain_problems) and numbers that are not numbers.
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\u202eevil\u202c",
    "\u200f\u05e9\u05dc\u05d5\u05dd",
    "\u0645\u0631\u062d\u0628\u0627",
    "\u200b",
    "\u200b1",
    "\u200b2",
    "\u200b3",
    "\ufeff",
    "\u2028",
    "e\u0301\u0301\u0301",
    "\U0001f469\U0001f3fd\u200d\U0001f9bd",
    "\ufb03" * 30,
    "\u3371" * 80,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7|add:7 }}{% debug %}",
    "=1+1",
    "'; DROP TABLE accounts_user; --",
]
NOT_NUMBERS = [
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e309",
    "-1",
    "0",
    "-0",
    "0.5",
    "1_000",
    "0x1f",
    " 3 ",
    "\u0663",
    "\u00b2",
    "\U0001d7d7",
    "99999999999999999999999999999999",
    "9" * 5000,
]
HOSTILE += NOT_NUMBERS
MARKUP = ["<script>alert(", "<img src=x"]  # never in a page unescaped


def repeated(pieces):
    """Very long text: a piece repeated up to 3,000 times."""
    return st.builds(
        lambda piece, times: piece * times, st.sampled_from(pieces), st.integers(2, 3000)
    )


hostile_text = st.one_of(
    st.text(max_size=40),  # any character but surrogates: NUL, RTL, zero-width, astral
    st.sampled_from(HOSTILE),
    repeated(["x", "\u00e9", "\U0001f9bd", "\u202e", "<b>", "\x00"]),
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(str),
    st.sampled_from(NOT_NUMBERS),
)
DATES = [
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "1900-01-01",
    "2999-12-31",
    "3000-01-01",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "0000-00-00",
    "10000-01-01",
    "-2026-01-01",
    "2026-3-1",
    "20260315",
    "03/15/2026",
    "2026-W11-1",
    "2026-06-02",
    "today",
]
day_text = st.one_of(
    st.dates().map(date.isoformat),  # from 0001-01-01 to 9999-12-31
    st.dates(date(2024, 1, 1), date(2027, 12, 31)).map(date.isoformat),
    st.sampled_from(DATES),
    hostile_text,
)
# A local time the clocks skipped or repeated: (zone, time) pairs.
DST_GAPS = [
    ("Europe/London", "2026-03-29T01:30"),
    ("America/New_York", "2026-03-08T02:30"),
    ("Pacific/Auckland", "2025-09-28T02:30"),
]
DST_REPEATS = [
    ("Europe/London", "2025-10-26T01:30"),
    ("America/New_York", "2025-11-02T01:30"),
    ("Pacific/Auckland", "2026-04-05T02:30"),
]
MOMENTS = [
    "0001-01-01T00:00",
    "0001-01-01T00:00+14:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59-12:00",
    "1899-12-31T23:59",
    "2026-02-30T10:00",
    "2026-05-31T25:00",
    "2026-05-31T10:60",
    "2026-05-31",
    "2026-05-31T10:00:00.123456+05:45",
    "2026-06-02T10:00",
    *(moment for _, moment in DST_GAPS + DST_REPEATS),
]
moment_text = st.one_of(
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
    st.datetimes(datetime(2025, 1, 1), datetime(2026, 6, 1)).map(
        lambda moment: moment.isoformat(timespec="minutes")
    ),
    st.sampled_from(MOMENTS),
    hostile_text,
)
junk = st.one_of(
    hostile_text,
    numbers,
    day_text,
    st.lists(hostile_text, max_size=3),
    st.none(),  # the field left out
)


@st.composite
def form_data(draw, fields, bad=junk):
    """A form's fields, each drawn from its good strategy; then up to three of them (or none)
    are replaced with hostile values or left out, so both acceptance and refusal are tried."""
    data = {name: draw(strategy) for name, strategy in fields.items()}
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True)):
        data[name] = draw(bad)
    return {name: value for name, value in data.items() if value is not None}


def any_of(choices):
    return st.sampled_from([str(value) for value in choices])


def some_of(choices):
    return st.lists(any_of(choices), max_size=len(choices), unique=True)


# What the database holds, and each example's fresh start ----------------------------------

COUNTED = [
    User,
    ADEpisode,
    BloodPressureReading,
    SpasmEpisode,
    LegPainEntry,
    CheckIn,
    TreatmentEvent,
    CareEvent,
    SpasticityWeek,
    Medicine,
    MedicineDose,
    InterventionUse,
    SpasmEpisode.triggers.through,
    LegPainEntry.triggers.through,
    PainProblem,
    Trigger,
    Intervention,
    HiddenTrigger,
    HiddenIntervention,
    ShareLink,
    CareAccess,
    ReviewNote,
    VisitMeasure,
    PendingImport,
    ReminderSettings,
    PushSubscription,
]


def counts():
    return Counter({model._meta.label: model.objects.count() for model in COUNTED})


def added(before):
    """What changed since `before`, by model: {label: rows added (or removed, negative)}."""
    after = counts()
    return {
        label: after[label] - before[label]
        for label in after | before
        if after[label] != before[label]
    }


def label(model):
    return model._meta.label


@contextmanager
def fresh():
    """One hypothesis example: it starts from the data the test made and leaves it so."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def signed_in(client, user):
    """The test's one client (a new one would load the middleware again), signed in afresh:
    the example before may have signed it out, and its session was rolled back."""
    client.force_login(user)
    return client


def anonymous(client):
    client.logout()
    return client


def refused(response):
    """The form came back with its errors shown at the top, and no markup got through."""
    assert response.status_code == 200, response.status_code
    assert "Please check" in response.text
    no_markup(response)


def no_markup(response):
    for probe in MARKUP:
        assert probe not in response.text


def sent(data, name, default=""):
    """The value a form field reads: the last of several, `default` when left out."""
    value = data.get(name, default)
    if isinstance(value, list):
        return value[-1] if value else default
    return value


def sent_list(data, name):
    value = data.get(name, [])
    return value if isinstance(value, list) else [value]


def ticked(data, name):
    """What a checkbox reads (CheckboxInput): "false" and nothing are False, the rest True."""
    value = sent(data, name, None)
    return bool({"true": True, "false": False}.get(value.lower(), value) if value else value)


def typed(value):
    """What a text field keeps: the value with the spaces around it taken off."""
    return value.strip()


# Accounts ------------------------------------------------------------------------------------

EMAILS = [
    "new@example.org",
    "NEW.person+tag@Example.ORG",
    "alice@example.org",
    "ALICE@EXAMPLE.ORG",
    " alice@example.org ",
    "a@\u212a.org",
    "a@k.org",
    "a@\u00e9xample.org",
    "a@\uff45xample.org",
    "not an address",
    "@example.org",
    "a@",
    "a\x00@example.org",
    "a@example.org\x00",
    f"{'a' * 250}@example.org",
    "\u202enew@example.org",
    "<script>alert(1)</script>@example.org",
]
email_text = st.one_of(st.sampled_from(EMAILS), st.emails().map(str), hostile_text)
ZONES = [zone for zone, _ in TIME_ZONE_CHOICES]
LEVELS = [*SPINAL_LEVELS, "unknown"]
new_password = st.one_of(
    st.just("a sound new password 2026"),
    st.text(min_size=8, max_size=30),
    hostile_text,
)


@time_machine.travel(NOW, tick=False)
@example(  # a full-width x: the same address as alice's once normalised (NFKC)
    data={
        "email": "alice@e\uff58ample.org",
        "time_zone": "UTC",
        "uses_app_as": "own",
        "password1": "a sound pw 26",
    },
    same_twice=True,
)
@example(
    data={
        "email": "ALICE@example.org",
        "time_zone": "UTC",
        "uses_app_as": "carer",
        "password1": "a sound pw 26",
    },
    same_twice=True,
)
@HYPOTHESIS
@given(
    data=form_data(
        {
            "email": email_text,
            "display_name": st.one_of(st.text(max_size=80), hostile_text),
            "time_zone": st.one_of(st.sampled_from(ZONES), hostile_text),
            "uses_app_as": any_of(UsesAppAs.values),
            "password1": st.just("a sound new password 2026"),
        }
    ),
    same_twice=st.booleans(),
)
def test_it_never_fails_on_a_hostile_sign_up(client, alice, data, same_twice):
    if same_twice and "password1" in data:
        data = data | {"password2": data["password1"]}
    with fresh():
        mail.outbox.clear()
        before = counts()
        response = anonymous(client).post(reverse("signup"), data)
        if response.status_code == 200:
            refused(response)
            assert added(before) == {}
            return
        # The same answer whether or not the address has an account; only the e-mail differs.
        assert response.status_code == 302
        assert response["Location"] == reverse("signup_sent")
        address = normalise_email(sent(data, "email"))
        assert [message.to for message in mail.outbox] == [[address]]
        if address == alice.email:
            assert added(before) == {}
            assert "Someone tried to create" in mail.outbox[0].subject
            return
        assert added(before) == {label(User): 1}
        user = User.objects.get(email=address)
        assert user.display_name == typed(sent(data, "display_name"))
        assert user.time_zone == sent(data, "time_zone")
        assert user.uses_app_as == sent(data, "uses_app_as")
        # Only "as a clinician" ticks "I am a clinician".
        assert user.is_clinician == (user.uses_app_as == UsesAppAs.CLINICIAN)
        assert user.check_password(sent(data, "password1"))
        assert user.email_confirmed_at is None


EMERGENCY_NUMBERS = [
    "",
    "999",
    "000",
    " 112 ",
    "+1 911",
    "9",
    "call",
    "\u0669\u0669\u0669",
    "1" * 21,
]
PHONES = ["+44 7700 900123", "(555) 010-0199", "0800.123.456", "+", "12", "phone", "\u0663\u0664"]
SAFETY_FIELDS = {
    "usual_systolic": st.one_of(st.just(""), st.integers(40, 240).map(str), numbers),
    "usual_diastolic": st.one_of(st.just(""), st.integers(20, 160).map(str), numbers),
    "has_baclofen_pump": st.sampled_from(["", "on"]),
    "pump_refill_date": st.one_of(st.just(""), day_text),
    "pump_alarm_date": st.one_of(st.just(""), day_text),
    "emergency_contact_name": st.one_of(st.text(max_size=80), hostile_text),
    "emergency_contact_phone": st.one_of(st.sampled_from(PHONES), hostile_text),
    "emergency_number": st.one_of(st.sampled_from(EMERGENCY_NUMBERS), hostile_text),
    "card_medicines": st.one_of(st.text(max_size=300), hostile_text),
}


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(
    data=form_data(
        {
            "display_name": st.one_of(st.text(max_size=80), hostile_text),
            "time_zone": st.one_of(st.sampled_from(ZONES), hostile_text),
            "injury_level": any_of(LEVELS),
            "completeness": any_of(Completeness.values),
            "uses_app_as": any_of(UsesAppAs.values),
            "is_clinician": st.sampled_from(["", "on"]),
            **SAFETY_FIELDS,
            "theme": any_of(Theme.values),
        }
    )
)
def test_it_never_fails_on_a_hostile_profile(client, alice, data):
    with fresh():
        alice.refresh_from_db()
        before = counts()
        response = signed_in(client, alice).post(reverse("profile"), data)
        alice.refresh_from_db()
        if response.status_code == 200:
            refused(response)
            assert alice.display_name == "Alice"
            assert alice.time_zone == "Pacific/Auckland"
            assert (alice.injury_level, alice.completeness) == ("C6", "B")
            assert (alice.usual_systolic, alice.has_baclofen_pump) == (None, False)
            assert (alice.emergency_contact_phone, alice.card_medicines) == ("", "")
            assert alice.emergency_number == ""
            assert alice.uses_app_as == "own"
            assert alice.theme == Theme.DEVICE
        else:
            assert response.status_code == 302
            assert alice.display_name == typed(sent(data, "display_name"))
            assert alice.time_zone == sent(data, "time_zone")
            assert alice.injury_level == sent(data, "injury_level")
            assert alice.completeness == sent(data, "completeness")
            assert alice.uses_app_as == sent(data, "uses_app_as")
            assert alice.is_clinician == (
                ticked(data, "is_clinician") or alice.uses_app_as == UsesAppAs.CLINICIAN
            )
            assert alice.theme == sent(data, "theme")
            check_safety_profile(alice, data)
        assert added(before) == {}


def check_safety_profile(user, data):
    """An accepted safety profile keeps the profile's rules and what was typed."""
    upper, lower = user.usual_systolic, user.usual_diastolic
    assert (upper is None) == (lower is None)
    if upper is not None:
        assert 60 <= upper <= 220
        assert 30 <= lower <= 140
        assert upper > lower
    else:
        assert not sent(data, "usual_systolic").strip()
    assert user.has_baclofen_pump == ticked(data, "has_baclofen_pump")
    for day in (user.pump_refill_date, user.pump_alarm_date):
        if day is not None:
            assert user.has_baclofen_pump
            assert abs(day - TODAY) <= timedelta(days=366)
    assert user.emergency_contact_name == typed(sent(data, "emergency_contact_name"))
    assert user.emergency_contact_phone == typed(sent(data, "emergency_contact_phone"))
    assert user.card_medicines == typed(sent(data, "card_medicines"))
    number = user.emergency_number
    assert number == typed(sent(data, "emergency_number"))
    assert not number or re.fullmatch(r"[+(]*[0-9][0-9 ()./-]*", number)


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(
    data=form_data(
        {
            "old_password": st.one_of(st.just(PASSWORD), hostile_text),
            "new_password1": new_password,
        }
    ),
    same_twice=st.booleans(),
)
def test_it_never_fails_on_a_hostile_password_change(client, alice, data, same_twice):
    if same_twice and "new_password1" in data:
        data = data | {"new_password2": data["new_password1"]}
    with fresh():
        alice.refresh_from_db()
        response = signed_in(client, alice).post(reverse("password_change"), data)
        alice.refresh_from_db()
        if response.status_code == 200:
            refused(response)
            assert alice.check_password(PASSWORD)
        else:
            assert response.status_code == 302
            assert alice.check_password(sent(data, "new_password1"))


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(password=st.one_of(st.just(PASSWORD), st.just(f" {PASSWORD}"), hostile_text))
def test_it_never_fails_on_a_hostile_delete_account_password(client, alice, password):
    with fresh():
        spasm(alice)
        before = counts()
        response = signed_in(client, alice).post(reverse("delete_account"), {"password": password})
        if password == PASSWORD:
            assert response.status_code == 302
            assert added(before) == {label(User): -1, label(SpasmEpisode): -1}
        else:
            refused(response)
            assert added(before) == {}


@time_machine.travel(NOW, tick=False)
@example(data={"username": f"{'a' * 300}@example.org", "password": "x"})  # axes keeps 255
@example(data={"username": "alice@example.org", "password": PASSWORD})
@example(data={"username": "ALICE@example.org", "password": f"{PASSWORD}\x00"})
@HYPOTHESIS
@given(
    data=form_data(
        {
            "username": st.one_of(st.just("alice@example.org"), email_text),
            "password": st.one_of(st.just(PASSWORD), hostile_text),
        }
    )
)
def test_it_never_fails_on_a_hostile_sign_in(client, alice, data):
    with fresh():
        anonymous(client)
        response = client.post(reverse("login"), data)
        if response.status_code == 302:
            assert sent(data, "password") == PASSWORD
            assert client.session["_auth_user_id"] == str(alice.pk)
        else:
            refused(response)


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(email=email_text)
def test_it_never_fails_on_a_hostile_password_reset(client, alice, email):
    with fresh():
        mail.outbox.clear()
        response = anonymous(client).post(reverse("password_reset"), {"email": email})
        if response.status_code == 302:
            recipients = [message.to for message in mail.outbox]
            assert recipients in ([], [["alice@example.org"]])
        else:
            refused(response)
            assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(data=form_data({"new_password1": new_password}), same_twice=st.booleans())
def test_it_never_fails_on_a_hostile_new_password_after_a_reset(client, alice, data, same_twice):
    if same_twice and "new_password1" in data:
        data = data | {"new_password2": data["new_password1"]}
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    with fresh():
        alice.refresh_from_db()  # an earlier example changed the password, then rolled back
        anonymous(client)
        token = default_token_generator.make_token(alice)
        page = client.get(reverse("password_reset_confirm", args=[uid, token]))
        assert page.status_code == 302  # to the same form, the token kept in the session
        response = client.post(page["Location"], data)
        alice.refresh_from_db()
        if response.status_code == 200:
            refused(response)
            assert alice.check_password(PASSWORD)
        else:
            assert response.status_code == 302
            assert alice.check_password(sent(data, "new_password1"))


# Diary entries ------------------------------------------------------------------------------

WHEN = ["now", "15", "60", "earlier"]
note_text = st.one_of(st.text(max_size=200), hostile_text, repeated(["n", "\u00e9 "]))
scale = st.one_of(st.just(""), any_of(range(11)))
DOSES = st.one_of(st.text(max_size=60), hostile_text)


@st.composite
def tried_rows(draw, interventions):
    """The "tried" formset: its management form and up to four rows, any of them hostile."""
    management = {
        "tried-TOTAL_FORMS": draw(
            st.one_of(st.sampled_from(["0", "1", "2", "3", "4", "12"]), numbers, st.none())
        ),
        "tried-INITIAL_FORMS": draw(st.one_of(st.just("0"), st.just("0"), numbers, st.none())),
    }
    rows = {}
    for n in range(draw(st.integers(0, 4))):
        row = draw(
            form_data(
                {
                    "intervention": st.one_of(st.sampled_from(interventions), st.just("")),
                    "dose": DOSES,
                    "effect": any_of(Effect.values),
                    "DELETE": st.sampled_from([None, "", "on"]),
                }
            )
        )
        rows.update({f"tried-{n}-{name}": value for name, value in row.items()})
    return {name: value for name, value in management.items() if value is not None} | rows


def expected_uses(data, valid):
    """(intervention pk, dose, effect) of each row the formset keeps when it is accepted."""
    management = ManagementForm(data, prefix="tried")
    if not management.is_valid():
        return None
    first = management.cleaned_data["INITIAL_FORMS"]
    last = management.cleaned_data["TOTAL_FORMS"]
    uses = set()
    for n in range(first, last):
        chosen = sent(data, f"tried-{n}-intervention")
        if chosen in valid and not ticked(data, f"tried-{n}-DELETE"):
            dose = typed(sent(data, f"tried-{n}-dose"))
            uses.add((int(chosen), dose, sent(data, f"tried-{n}-effect")))
    return uses


@pytest.fixture
def diary(alice, bob):
    """Alice's choices, and bob's own items that alice's forms must not take."""
    mine = Trigger.objects.create(owner=alice, slug="my-chair", name="My chair")
    theirs = Trigger.objects.create(owner=bob, slug="bobs-bike", name="Bob's bike")
    my_intervention = Intervention.objects.create(owner=alice, slug="my-wrap", name="My wrap")
    their_intervention = Intervention.objects.create(owner=bob, slug="bobs-ice", name="Bob's ice")
    problem = PainProblem.objects.create(owner=alice, slot=1, name="Feet")
    bobs_problem = PainProblem.objects.create(owner=bob, slot=1, name="Hands")
    checkin(alice, date(2026, 5, 31))  # a day that already has a check-in
    triggers = [str(mine.pk), str(builtin(Trigger, "cold").pk), str(theirs.pk)]
    interventions = [
        str(my_intervention.pk),
        str(builtin(Intervention, "stretching").pk),
        str(builtin(Intervention, "heat").pk),
        str(their_intervention.pk),
    ]
    return {
        "triggers": triggers,
        "interventions": interventions,
        "my_interventions": set(interventions[:3]),
        "problems": [str(problem.pk), str(bobs_problem.pk)],
    }


def entry_fields(kind, diary):
    timed = {
        "when": any_of(WHEN),
        "occurred_local": moment_text,
        "triggers": st.lists(
            st.one_of(st.sampled_from(diary["triggers"]), numbers), max_size=3, unique=True
        ),
        "red_flags": some_of(RedFlag.values),
    }
    common = {"note": note_text, "note_for_clinician": st.sampled_from(["", "on"])}
    return {
        "spasm": {
            **timed,
            # Left out ("not given") as well as chosen.
            "pattern": st.one_of(st.just(""), any_of(SpasmPattern.values)),
            "severity": st.one_of(st.just(""), any_of([1, 2, 3])),
            "regions": some_of(BodyRegion.values),
            "duration": st.one_of(st.just(""), any_of(SpasmDuration.values)),
            "impacts": some_of(SpasmImpact.values),
            **common,
        },
        "pain": {
            **timed,
            "intensity": any_of(range(11)),
            "problem": st.one_of(st.just(""), st.sampled_from(diary["problems"])),
            "sites": some_of(PainSite.values),
            "qualities": some_of(PainQuality.values),
            "pain_type": any_of(PainType.values),
            **common,
        },
        "checkin": {
            "date": day_text,
            "psfs_frequency": any_of(range(5)),
            "psfs_severity": st.one_of(st.just(""), any_of([1, 2, 3])),
            "spasticity": scale,
            "pain_worst": scale,
            "pain_average": scale,
            "interference_activities": scale,
            "interference_mood": scale,
            "interference_sleep": scale,
            "night_wakings": st.one_of(st.just(""), st.integers(0, 60).map(str), numbers),
            **common,
        },
        "event": {
            "date": day_text,
            "event_kind": any_of(EventKind.values),
            "details": st.one_of(st.text(max_size=200), hostile_text),
            **common,
        },
        # Any detail on any kind: the ones a kind does not carry are refused in words.
        "care": {
            "when": any_of(WHEN),
            "occurred_local": moment_text,
            "event": any_of(CareEventKind.values),
            "volume_ml": st.one_of(
                st.just(""), st.sampled_from(["0", "1", "450", "3000", "3001"]), numbers
            ),
            "bowel_result": st.one_of(st.just(""), any_of(BowelResult.values)),
            "checked_by": st.one_of(st.just(""), any_of(CheckedBy.values)),
            "site": st.one_of(st.just(""), any_of(SkinSite.values)),
            "stage": st.one_of(st.just(""), any_of(PressureStage.values)),
            **common,
        },
    }[kind]


MODELS = {
    "spasm": SpasmEpisode,
    "pain": LegPainEntry,
    "checkin": CheckIn,
    "event": TreatmentEvent,
    "ad": ADEpisode,
    "sciset": SpasticityWeek,
    "care": CareEvent,
    "dose": MedicineDose,
}


def check_entry(kind, entry, data, zone):
    """The entry holds what was typed."""
    assert entry.note == typed(sent(data, "note"))
    assert entry.note_for_clinician == ticked(data, "note_for_clinician")
    if kind in ("spasm", "pain"):
        triggers = {str(pk) for pk in entry.triggers.values_list("pk", flat=True)}
        assert triggers == set(sent_list(data, "triggers"))
        assert entry.red_flags == sent_list(data, "red_flags")
        when = sent(data, "when")
        if when != "earlier":
            assert entry.occurred_at == NOW - timedelta(minutes=0 if when == "now" else int(when))
        else:
            with timezone.override(zone):
                assert entry.occurred_at == DateTimeField().clean(sent(data, "occurred_local"))
            assert entry.occurred_at.date() >= EARLIEST_DAY
    if kind == "spasm":
        assert entry.pattern == sent(data, "pattern")
        assert entry.severity == (int(sent(data, "severity")) if sent(data, "severity") else None)
        assert entry.regions == sent_list(data, "regions")
        assert entry.impacts == sent_list(data, "impacts")
        assert entry.duration == sent(data, "duration")
    if kind == "pain":
        assert entry.intensity == int(sent(data, "intensity"))
        assert str(entry.problem_id or "") == sent(data, "problem")
        assert entry.sites == sent_list(data, "sites")
        assert entry.qualities == sent_list(data, "qualities")
        assert entry.pain_type == sent(data, "pain_type")
    if kind in ("checkin", "event"):
        assert entry.date == DateField().clean(sent(data, "date"))
        assert entry.date >= EARLIEST_DAY
    if kind == "checkin":
        assert entry.date <= TODAY
        assert entry.psfs_frequency == int(sent(data, "psfs_frequency"))
        for name in ("spasticity", "pain_worst", "pain_average", "night_wakings"):
            assert getattr(entry, name) == IntegerField(required=False).clean(sent(data, name))
    if kind == "care":
        when = sent(data, "when")
        if when != "earlier":
            assert entry.occurred_at == NOW - timedelta(minutes=0 if when == "now" else int(when))
        else:
            with timezone.override(zone):
                assert entry.occurred_at == DateTimeField().clean(sent(data, "occurred_local"))
        assert entry.event == sent(data, "event")
        volume = IntegerField(required=False).clean(sent(data, "volume_ml"))
        assert entry.volume_ml == volume
        for name in ("bowel_result", "checked_by", "site", "stage"):
            assert getattr(entry, name) == sent(data, name)
        entry.clean()  # every detail is on a kind it describes
    if kind == "event":
        assert entry.event_kind == sent(data, "event_kind")
        assert entry.details == typed(sent(data, "details"))
        assert entry.date <= TODAY + timedelta(days=366)


@pytest.mark.parametrize("kind", ["spasm", "pain", "checkin", "event", "care"])
@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(data=st.data())
def test_it_never_fails_on_a_hostile_diary_entry(client, alice, diary, kind, data):
    fields = data.draw(form_data(entry_fields(kind, diary)), label="fields")
    if kind in ("spasm", "pain"):
        fields |= data.draw(tried_rows(diary["interventions"]), label="tried")
    model = MODELS[kind]
    with fresh():
        before = counts()
        response = signed_in(client, alice).post(reverse("diary:new", args=[kind]), fields)
        if response.status_code == 200:
            refused(response)
            assert added(before) == {}
            return
        assert response.status_code == 302
        entry = model.objects.latest("pk")
        assert entry.owner == alice
        assert entry.logged_by == alice
        check_entry(kind, entry, fields, alice.zone)
        uses = set()
        if kind in ("spasm", "pain"):
            uses = set(entry.uses.values_list("intervention_id", "dose", "effect"))
            assert uses == expected_uses(fields, diary["my_interventions"])
        changes = {label(model): 1}
        if uses:
            changes[label(InterventionUse)] = len(uses)
        if fields.get("triggers"):
            changes[label(model.triggers.through)] = len(fields["triggers"])
        assert added(before) == changes


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(
    severity=st.one_of(st.none(), any_of(["", "1", "2", "3"]), hostile_text),
    minutes=st.one_of(st.none(), any_of(["", "0", "15", "60"]), hostile_text),
)
def test_it_never_fails_on_a_hostile_one_tap_spasm(client, alice, severity, minutes):
    data = {
        name: value
        for name, value in (("severity", severity), ("minutes_ago", minutes))
        if value is not None
    }
    with fresh():
        before = counts()
        response = signed_in(client, alice).post(reverse("diary:spasm_now"), data)
        if severity not in (None, "", "1", "2", "3") or minutes not in (None, "", "0", "15", "60"):
            assert response.status_code == 400
            assert added(before) == {}
            return
        assert response.status_code == 302
        entry = SpasmEpisode.objects.get()
        assert entry.severity == (int(severity) if severity else None)
        assert entry.occurred_at == NOW - timedelta(minutes=int(minutes or 0))
        assert (entry.pattern, entry.logged_by) == ("", alice)


QUEUED_TAPS = {
    "spasm": ("diary:spasm_now", SpasmEpisode, {"severity": ["", "1", "3"]}),
    "pain": ("diary:pain_now", LegPainEntry, {"intensity": ["0", "6", "10"]}),
    "checkin": (
        "diary:checkin_now",
        CheckIn,
        {"psfs_frequency": ["0", "2"], "psfs_severity": ["", "1", "3"]},
    ),
    "care": ("diary:care_now", CareEvent, {"event": ["catheter"], "volume_ml": ["", "450"]}),
}
NOW_MS = int(NOW.timestamp() * 1000)


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(
    kind=st.sampled_from(sorted(QUEUED_TAPS)),
    client_id=st.one_of(st.uuids().map(str), hostile_text),
    tapped_at=st.one_of(
        st.integers(NOW_MS - 8 * 86_400_000, NOW_MS + 600_000).map(str),
        st.sampled_from(["-1", "1e20", "99999999999999999999", "1.5", " 1 ", "\u0661"]),
        hostile_text,
    ),
    answer=st.one_of(st.none(), hostile_text, st.sampled_from(["0", "2", "6", "10", "11"])),
)
@example(kind="checkin", client_id="", tapped_at=str(NOW_MS), answer=None)  # found once in CI
def test_it_never_fails_on_a_hostile_queued_tap(client, alice, kind, client_id, tapped_at, answer):
    """What the device's queue sends (static/js/queue.js), with any id, moment and answer: saved
    once, or refused in JSON with nothing written."""
    name, model, fields = QUEUED_TAPS[kind]
    data = {"client_id": client_id, "tapped_at": tapped_at, "account": account_tag(alice)}
    data |= {field: values[-1] for field, values in fields.items()}
    if answer is not None:
        data[next(iter(fields))] = answer
    with fresh():
        before = counts()
        response = signed_in(client, alice).post(
            reverse(name), data, headers={"Accept": "application/json"}
        )
        assert response["Content-Type"] == "application/json"
        if response.status_code != 200:
            assert response.status_code == 400
            assert response.json()["error"]
            assert added(before) == {}
            return
        entry = model.objects.get()
        # A blank id is a tap from a page without JavaScript: saved with none.
        assert str(entry.client_id or "") == client_id.strip().lower()
        assert response.json()["saved"] is True


@pytest.mark.parametrize(("zone", "moment"), DST_GAPS)
@time_machine.travel(NOW, tick=False)
def test_it_explains_a_time_the_clocks_skipped(client, db, zone, moment):
    person = make_user("traveller", time_zone=zone)
    client.force_login(person)
    data = {"when": "earlier", "occurred_local": moment, "pattern": "jerky", "severity": "2"}
    data |= {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    response = client.post(reverse("diary:new", args=["spasm"]), data)
    refused(response)
    hour = moment[11:]
    assert f"There was no {hour} that night in your time zone: the clocks went forward" in (
        response.text
    )
    assert not SpasmEpisode.objects.exists()


@pytest.mark.parametrize(("zone", "moment"), DST_REPEATS)
@time_machine.travel(NOW, tick=False)
def test_it_explains_a_time_the_clocks_went_through_twice(client, db, zone, moment):
    person = make_user("traveller", time_zone=zone)
    client.force_login(person)
    data = {"when": "earlier", "occurred_local": moment, "pattern": "jerky", "severity": "2"}
    data |= {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"}
    response = client.post(reverse("diary:new", args=["pain"]), data | {"intensity": "4"})
    refused(response)
    assert f"{moment[11:]} came twice that night in your time zone: the clocks went back" in (
        response.text
    )
    assert not LegPainEntry.objects.exists()


reading_number = st.one_of(
    st.just(""), st.integers(0, 400).map(str), numbers, st.sampled_from(["120", "80", "60"])
)


@st.composite
def reading_rows(draw):
    """The readings formset: its management form and up to four rows, any of them hostile."""
    management = {
        "readings-TOTAL_FORMS": draw(
            st.one_of(st.sampled_from(["0", "1", "3", "4", "21"]), numbers, st.none())
        ),
        "readings-INITIAL_FORMS": draw(st.one_of(st.just("0"), st.just("0"), numbers, st.none())),
    }
    rows = {}
    for n in range(draw(st.integers(0, 4))):
        row = draw(
            form_data(
                {
                    "taken_local": moment_text,
                    "systolic": reading_number,
                    "diastolic": reading_number,
                    "pulse": st.one_of(st.just(""), reading_number),
                    "DELETE": st.sampled_from([None, "", "on"]),
                }
            )
        )
        rows.update({f"readings-{n}-{name}": value for name, value in row.items()})
    return {name: value for name, value in management.items() if value is not None} | rows


READING_NAMES = ("systolic", "diastolic", "pulse")


def number_typed(data, name):
    """The whole number a reading's field holds when the form takes it, or None for blank."""
    return IntegerField(required=False).clean(sent(data, name))


def expected_readings(data, zone):
    """(taken_at, systolic, diastolic, pulse) of each row an accepted form keeps: a new row
    counts once a number is typed in it, unless it is ticked for removal."""
    management = ManagementForm(data, prefix="readings")
    if not management.is_valid():
        return None
    kept = []
    for n in range(management.cleaned_data["TOTAL_FORMS"]):
        if ticked(data, f"readings-{n}-DELETE"):
            continue  # a new row ticked for removal is neither checked nor saved
        values = [number_typed(data, f"readings-{n}-{name}") for name in READING_NAMES]
        if any(value is not None for value in values):
            with timezone.override(zone):
                moment = DateTimeField().clean(sent(data, f"readings-{n}-taken_local"))
            kept.append((moment, *values))
    return sorted(kept)


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(data=st.data())
def test_it_never_fails_on_a_hostile_ad_episode(client, alice, data):
    fields = data.draw(
        form_data(
            {
                "when": any_of(WHEN),
                "occurred_local": moment_text,
                "causes": some_of(ADCause.values),
                "actions": some_of(ADAction.values),
                "outcome": any_of(ADOutcome.values),
                "note": note_text,
                "note_for_clinician": st.sampled_from(["", "on"]),
            }
        ),
        label="fields",
    )
    fields |= data.draw(reading_rows(), label="readings")
    with fresh():
        before = counts()
        response = signed_in(client, alice).post(reverse("diary:new", args=["ad"]), fields)
        if response.status_code == 200:
            refused(response)
            assert added(before) == {}
            return
        assert response.status_code == 302
        episode = ADEpisode.objects.latest("pk")
        assert (episode.owner, episode.logged_by) == (alice, alice)
        assert episode.note == typed(sent(fields, "note"))
        assert episode.causes == sent_list(fields, "causes")
        assert episode.actions == sent_list(fields, "actions")
        assert episode.outcome == sent(fields, "outcome")
        stored = sorted(episode.readings.values_list("taken_at", *READING_NAMES))
        assert stored == expected_readings(fields, alice.zone)
        for taken_at, systolic, diastolic, _pulse in stored:
            assert taken_at <= NOW + timedelta(minutes=5)
            assert systolic > diastolic
        changes = {label(ADEpisode): 1}
        if stored:
            changes[label(BloodPressureReading)] = len(stored)
        assert added(before) == changes


ENTRY_BASICS = {
    "spasm": {"pattern": "jerky", "severity": "2"},
    "pain": {"intensity": "3", "pain_type": "unknown"},
    "checkin": {"psfs_frequency": "0"},
    "event": {"event_kind": "botox"},
    "care": {"event": "catheter", "when": "now"},
}


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("spasm", {"when": "earlier", "occurred_local": "0001-01-01T00:00"}, TOO_EARLY),
        ("spasm", {"when": "earlier", "occurred_local": "0001-01-01T00:00+14:00"}, TOO_EARLY),
        ("pain", {"when": "earlier", "occurred_local": "1899-12-31T23:59"}, TOO_EARLY),
        (
            "spasm",
            {"when": "earlier", "occurred_local": "9999-12-31T23:59-12:00"},
            "That time is in the future.",
        ),
        (
            "pain",
            {"when": "earlier", "occurred_local": "2026-02-30T10:00"},
            "Enter a real date and time",
        ),
        ("checkin", {"date": "0001-01-01"}, TOO_EARLY),
        ("checkin", {"date": "9999-12-31"}, "A check-in cannot be for a day that has not come"),
        ("checkin", {"date": "2026-02-30"}, "Enter a real date, such as"),
        ("event", {"date": "0001-01-01"}, TOO_EARLY),
        ("event", {"date": "9999-12-31"}, "Enter a date within the next year."),
        (
            "checkin",
            {"date": "2026-05-01", "night_wakings": "1e3"},
            "Enter a whole number, such as 3.",
        ),
        ("checkin", {"date": "2026-05-01", "night_wakings": "9" * 30}, "Enter a number from 0"),
        (
            "event",
            {"date": "2026-05-01", "details": "x" * 201},
            "Keep this to 200 characters or fewer (it has 201).",
        ),
        ("spasm", {"when": "now", "note": "a\x00b"}, "Take out the invisible “null” characters."),
        ("pain", {"when": "now", "tried-TOTAL_FORMS": "11"}, "Fill in at most 10 rows."),
        ("pain", {"when": "now", "tried-TOTAL_FORMS": "x"}, "This page came back incomplete"),
        ("care", {"event": "sneeze"}, str(NOT_LISTED)),
        ("care", {"event": "bowel-routine", "volume_ml": "300"}, "Only a catheterisation or a"),
        ("care", {"volume_ml": "3001"}, "Enter a volume from 1 to 3000 ml."),
        ("care", {"volume_ml": "-5"}, "Enter a volume from 1 to 3000 ml."),
        ("care", {"volume_ml": "9" * 30}, "Enter a volume from 1 to 3000 ml."),
        ("care", {"volume_ml": "1e3"}, "Enter the volume as a whole number of ml"),
        ("care", {"event": "skin-check", "stage": "2"}, "Only a skin problem found has a stage"),
        ("care", {"event": "skin-problem", "stage": "5"}, str(NOT_LISTED)),
        ("care", {"event": "leak", "checked_by": "self"}, "Only a skin check says who checked"),
        ("care", {"event": "uti-signs", "site": "heel"}, "Only a skin problem found or healed"),
        ("care", {"bowel_result": "good"}, "Only a bowel routine done has a result"),
        ("spasm", {"when": "now", "triggers": str(2**63)}, str(NOT_LISTED)),
        ("pain", {"when": "now", "triggers": ["1", "-" + "9" * 30]}, str(NOT_LISTED)),
        (
            "pain",
            {"when": "now", "tried-TOTAL_FORMS": "1", "tried-0-intervention": str(2**63)},
            str(NOT_LISTED),
        ),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_it_refuses_each_known_hostile_entry_with_a_message(alice_client, kind, fields, message):
    data = ENTRY_BASICS[kind] | {"tried-TOTAL_FORMS": "0", "tried-INITIAL_FORMS": "0"} | fields
    before = counts()
    response = alice_client.post(reverse("diary:new", args=[kind]), data)
    refused(response)
    assert str(message) in response.text.replace("&#x27;", "'")
    assert added(before) == {}


version_text = st.one_of(junk, st.sampled_from(["1", "2", "0", "01", " 1 ", "\u0661", "1" * 10]))


def is_version_one(sent):
    """What the form reads from the version sent (the last of several, spaces trimmed): one?"""
    if isinstance(sent, list):
        sent = sent[-1] if sent else None
    return isinstance(sent, str) and re.fullmatch(r"[0-9]{1,9}", sent.strip()) and int(sent) == 1


@time_machine.travel(NOW, tick=False)
@example(version="1")
@example(version=" 01 ")
@example(version="2")
@example(version="9" * 400)
@example(version=None)
@HYPOTHESIS
@given(version=version_text)
def test_it_never_fails_on_a_hostile_version_of_an_edited_entry(client, alice, version):
    """The version an edit page was opened at: only the stored one saves; anything else, garbled
    or missing, shows the saved entry next to what was typed and writes nothing."""
    data = {"date": "2026-05-30", "psfs_frequency": "0", "note": "Typed"}
    if version is not None:
        data["version"] = version
    with fresh():
        entry = checkin(alice, date(2026, 5, 30), note="Saved")
        response = signed_in(client, alice).post(
            reverse("diary:edit", args=["checkin", entry.pk]), data
        )
        entry.refresh_from_db()
        if is_version_one(version):
            assert response.status_code == 302
            assert (entry.note, entry.version) == ("Typed", 2)
            return
        assert response.status_code == 409
        assert "Not saved: this entry changed since you opened it" in response.text
        assert "Typed</textarea>" in response.text
        assert (entry.note, entry.version) == ("Saved", 1)
        no_markup(response)


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(version=version_text)
def test_it_never_fails_on_a_hostile_version_of_an_entry_sent_to_the_bin(client, alice, version):
    with fresh():
        entry = spasm(alice, note="Saved")
        response = signed_in(client, alice).post(
            reverse("diary:delete", args=["spasm", entry.pk]),
            {} if version is None else {"version": version},
            follow=True,
        )
        assert response.status_code == 200
        assert "Spasm moved to the bin." in response.text
        entry.refresh_from_db()
        assert entry.deleted_at is not None
        no_markup(response)


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(day=st.one_of(day_text, st.sampled_from(["2026-05-31", "2026-06-01"])))
def test_it_never_fails_on_a_hostile_day_for_a_new_check_in(client, alice, diary, day):
    with fresh():
        response = signed_in(client, alice).get(
            reverse("diary:new", args=["checkin"]), {"date": day}
        )
        assert response.status_code in (200, 302)  # 302: that day has a check-in already


# Pain problems and own lists ---------------------------------------------------------------

problem_name = st.one_of(
    st.text(max_size=60), st.sampled_from(["Feet", "feet", "Hands"]), hostile_text
)


@time_machine.travel(NOW, tick=False)
@example(data={"slot_1": "\u200b2", "slot_2": "Hands"}, existing={1, 2})  # 2's placeholder
@example(data={"slot_1": "Feet", "slot_2": " feet "}, existing=set())
@example(data={"slot_1": "\x00", "slot_2": "x" * 61}, existing={3})
@example(data={}, existing={1})
@HYPOTHESIS
@given(
    data=form_data({f"slot_{slot}": problem_name for slot in (1, 2, 3)}),
    existing=st.sets(st.sampled_from([1, 2, 3])),
)
def test_it_never_fails_on_hostile_pain_problem_names(client, alice, data, existing):
    with fresh():
        for slot in existing:
            PainProblem.objects.create(owner=alice, slot=slot, name=f"Problem {slot}")
        before = counts()
        names = dict(PainProblem.objects.filter(owner=alice).values_list("slot", "name"))
        response = signed_in(client, alice).post(reverse("diary:pain_problems"), data)
        now = dict(PainProblem.objects.filter(owner=alice).values_list("slot", "name"))
        if all(value == [] for value in data.values()):  # nothing sent: the form, as for a GET
            assert response.status_code == 200
            assert now == names
        elif response.status_code == 200:
            refused(response)
            assert now == names
            assert added(before) == {}
        else:
            assert response.status_code == 302
            wanted = {slot: typed(sent(data, f"slot_{slot}")) for slot in (1, 2, 3)}
            assert now == {slot: name for slot, name in wanted.items() if name}


CATEGORIES = sorted(set(Trigger.Category.values) | set(Intervention.Category.values))
SLUG = r"[-a-zA-Z0-9_]{1,30}"  # what a <slug:...> part of an address matches


@time_machine.travel(NOW, tick=False)
@example(kind="trigger", fields={"name": "\u3371" * 80, "category": "other"})  # slug of 240
@example(kind="intervention", fields={"name": "a-" * 40, "category": "other"})
@example(kind="trigger", fields={"name": "\u65e5\u672c", "category": "skin"})
@example(kind="trigger", fields={"name": "COLD!", "category": "skin"})
@HYPOTHESIS
@given(
    kind=st.sampled_from(["trigger", "intervention"]),
    fields=form_data(
        {
            "name": st.one_of(
                st.text(max_size=80),
                st.sampled_from(["Cold", "cold", "COLD!", "Stretching", "Bob's bike"]),
                hostile_text,
            ),
            "category": any_of(CATEGORIES),
        }
    ),
)
def test_it_never_fails_on_hostile_own_triggers_and_interventions(client, alice, bob, kind, fields):
    model = Trigger if kind == "trigger" else Intervention
    with fresh():
        Trigger.objects.create(owner=bob, slug="bobs-bike", name="Bob's bike")
        before = counts()
        body = {f"{kind}-{name}": value for name, value in fields.items()}
        response = signed_in(client, alice).post(
            reverse("diary:own_items"), {f"add_{kind}": ""} | body
        )
        if response.status_code == 200:
            refused(response)
            assert added(before) == {}
            return
        assert response.status_code == 302
        assert added(before) == {label(model): 1}
        item = model.objects.get(owner=alice)
        assert item.name == typed(sent(fields, "name"))
        assert item.category == sent(fields, "category")
        assert 0 < len(item.slug) <= model._meta.get_field("slug").max_length


@time_machine.travel(NOW, tick=False)
@example(kind="triggers", name="\u3371" * 80)
@example(kind="interventions", name="  bobs BIKE ")
@example(kind="triggers", name="COLD")
@HYPOTHESIS
@given(
    kind=st.sampled_from(["triggers", "interventions"]),
    name=st.one_of(
        st.text(max_size=90),
        st.sampled_from(["Cold", "heat", "Bus ride", "Old one", "Bob's bike", " "]),
        hostile_text,
        st.none(),
    ),
)
def test_it_never_fails_on_hostile_renames(client, alice, bob, kind, name):
    model = Trigger if kind == "triggers" else Intervention
    with fresh():
        bus = model.objects.create(owner=alice, slug="bus-ride", name="Bus ride")
        model.objects.create(owner=alice, slug="old-one", name="Old one", archived=True)
        bobs = model.objects.create(owner=bob, slug="bobs-bike", name="Bob's bike")
        before = counts()
        body = {} if name is None else {"name": name}
        url = reverse("diary:rename_item", args=[kind, bus.pk])
        response = signed_in(client, alice).post(url, body)
        bus.refresh_from_db()
        assert added(before) == {}
        assert (bus.slug, bus.archived) == ("bus-ride", False)
        bobs.refresh_from_db()
        assert bobs.name == "Bob's bike"
        if response.status_code == 200:
            refused(response)
            assert bus.name == "Bus ride"
            return
        assert response.status_code == 302
        assert bus.name == typed(name)
        others = model.objects.available_to(alice).exclude(pk=bus.pk)
        assert not others.filter(name__iexact=bus.name).exists()


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(
    action=st.sampled_from(["archive_item", "bring_back_item", "hide_item", "show_item"]),
    items=st.one_of(
        st.sampled_from(["triggers", "interventions"]), st.from_regex(SLUG, fullmatch=True)
    ),
    slug=st.one_of(
        st.sampled_from(["cold", "heat", "mine", "bobs"]), st.from_regex(SLUG, fullmatch=True)
    ),
    number=st.one_of(st.sampled_from(["mine", "bobs", "cold"]), st.integers(0, 2**63 - 1)),
)
def test_it_never_fails_on_odd_list_actions(client, alice, bob, action, items, slug, number):
    """Whatever list and item an action names, it changes only alice's own lists (the one
    item she named, or her hidden built-ins); anything else is a 404."""
    with fresh():
        mine = Trigger.objects.create(owner=alice, slug="mine", name="Mine")
        bobs = Trigger.objects.create(owner=bob, slug="bobs", name="Bob's", archived=True)
        heat = Intervention.objects.get(owner=None, slug="heat")
        HiddenIntervention.objects.create(person=bob, intervention=heat)
        ids = {"mine": mine.pk, "bobs": bobs.pk, "cold": Trigger.objects.get(slug="cold").pk}
        before = counts()
        by_slug = action in ("hide_item", "show_item")
        key = slug if by_slug else ids.get(number, number)
        response = signed_in(client, alice).post(reverse(f"diary:{action}", args=[items, key]))
        assert response.status_code in (302, 404)
        assert set(added(before)) <= {label(HiddenTrigger), label(HiddenIntervention)}
        bobs.refresh_from_db()
        assert bobs.archived
        assert list(HiddenIntervention.objects.filter(person=bob)) != []
        assert not HiddenTrigger.objects.exclude(person=alice).exists()
        assert not Trigger.objects.filter(owner=None, archived=True).exists()
        if response.status_code == 302:
            assert items in ("triggers", "interventions")
            assert by_slug or key == mine.pk


# History filter, trends range, report range and the JSON endpoint (GET) --------------------

query_value = st.one_of(st.just(""), hostile_text, numbers, day_text)


@time_machine.travel(NOW, tick=False)
@example(query={"from": "0001-01-01", "to": "0001-01-01"})  # before year 1 in Auckland
@example(query={"from": "9999-12-31", "to": "9999-12-31", "kind": "pain"})  # after 9999
@example(query={"page": "9" * 4000})  # past the end of any list, and of islice
@example(query={"trigger": "\x00", "intervention": "a\x00b"})  # PostgreSQL refuses NUL
@example(query={"trigger": "c\u00f6ld", "kind": "checkin", "page": "\u0663"})
@HYPOTHESIS
@given(
    query=form_data(
        {
            "kind": st.one_of(any_of(["spasm", "pain", "checkin", "event"]), query_value),
            "from": day_text,
            "to": day_text,
            "trigger": st.one_of(st.sampled_from(["cold", "my-chair", "bobs-bike"]), query_value),
            "intervention": st.one_of(st.sampled_from(["heat", "my-wrap"]), query_value),
            "page": st.one_of(st.integers(-5, 5).map(str), numbers),
            "binned": st.one_of(
                st.sampled_from(["spasm-1", "pain-999999999999999999999", "checkin-"]), query_value
            ),
        },
    )
)
def test_it_never_fails_on_a_hostile_history_filter(client, alice, diary, query):
    with fresh():
        spasm(alice).triggers.add(builtin(Trigger, "cold"))
        response = signed_in(client, alice).get(reverse("diary:history"), query)
        assert response.status_code == 200
        assert "<h1>History</h1>" in response.text
        no_markup(response)


@pytest.mark.parametrize("binned", ["spasm-\u00b2", "pain-" + "9" * 5000])
def test_it_ignores_an_undo_number_that_is_not_one(alice_client, binned):
    response = alice_client.get(reverse("diary:history"), {"binned": binned})
    assert response.status_code == 200


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(q=st.one_of(hostile_text, st.sampled_from(["spasm", "heat pads", "*", "%", "_", "\\"])))
def test_it_never_fails_on_a_hostile_guide_search(client, db, q):
    response = client.get(reverse("guides:search"), {"q": q})
    assert response.status_code == 200
    no_markup(response)


range_query = form_data(
    {
        "range": st.one_of(
            st.sampled_from(["14d", "30d", "90d", "1y", "all", "custom"]), query_value
        ),
        "from": day_text,
        "to": day_text,
    }
)


def chosen_days(query):
    """The days a valid custom range asks for, or None."""
    try:
        start = DateField().clean(sent(query, "from"))
        end = DateField().clean(sent(query, "to"))
    except ValidationError:
        return None
    return (start, end) if start and end else None


@time_machine.travel(NOW, tick=False)
@example(
    page="trends:overview", query={"range": "custom", "from": "0001-01-01", "to": "0001-01-09"}
)
@example(page="trends:interventions", query={"from": "0001-01-01", "to": "0001-03-01"})
@example(page="trends:triggers", query={"from": "9999-12-01", "to": "9999-12-31"})
@example(page="reports:report", query={"from": "0001-01-01", "to": "0001-02-01"})
@example(page="reports:report", query={"from": "9999-12-01", "to": "9999-12-31"})
@example(
    page="trends:overview", query={"range": "custom", "from": "1900-01-01", "to": "1900-01-02"}
)
@HYPOTHESIS
@given(
    page=st.sampled_from(
        ["trends:overview", "trends:triggers", "trends:interventions", "reports:report"]
    ),
    query=range_query,
)
def test_it_never_fails_on_a_hostile_trends_or_report_range(client, alice, diary, page, query):
    with fresh():
        spasm(alice)
        response = signed_in(client, alice).get(reverse(page), query)
        assert response.status_code == 200
        no_markup(response)
        days = chosen_days(query)
        if sent(query, "range") == "custom" and days and "Please check" not in response.text:
            start, end = days
            assert EARLIEST_DAY <= start <= end <= LATEST_DAY


def check_json(response, query):
    """data.json: the days asked for, or 400 with the errors by field."""
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    if response.status_code == 400:
        assert set(body) == {"errors"}
        assert set(body["errors"]) <= {"from", "to", "range", "__all__"}
        assert all(
            isinstance(message, str) for messages in body["errors"].values() for message in messages
        )
        return
    assert response.status_code == 200
    days = [date.fromisoformat(day) for day in body["days"]]
    assert days == sorted(days)
    assert days[0] >= EARLIEST_DAY
    assert days[-1] <= LATEST_DAY
    if sent(query, "from", None) is not None or sent(query, "to", None) is not None:
        asked = chosen_days(query)
        assert asked is not None
        first, last = asked
        if body["grain"] == "month":  # a range over 366 days: a point a month (docs/formats.md)
            # Each month's first day, the range's own first day for the month it starts in.
            last = max(first, last.replace(day=1))
        assert (days[0], days[-1]) == (first, last)


@time_machine.travel(NOW, tick=False)
@example(query={"from": "0001-01-01", "to": "0001-01-31"})
@example(query={"from": "9999-12-01", "to": "9999-12-31"})
@example(query={"from": "2999-12-01", "to": "2999-12-31"})
@example(query={"from": "2026-02-30", "to": "2026-03-01"})
@example(query={"from": "1906-01-01", "to": "2026-01-01"})  # over 20 years
@example(query={"from": "2000-1-1", "to": "2001-1-2"})  # by month, ending after a month's first
@example(query={"to": "2026-05-01"})
@HYPOTHESIS
@given(query=form_data({"from": day_text, "to": day_text, "range": query_value}))
def test_it_never_fails_on_hostile_json_endpoint_parameters(client, alice, diary, query):
    with fresh():
        spasm(alice)
        response = signed_in(client, alice).get(reverse("trends:data"), query)
        check_json(response, query)


@time_machine.travel(NOW, tick=False)
@example(shows=(EARLIEST_DAY, EARLIEST_DAY), query={}, page="reports:report")
@example(shows=(LATEST_DAY, LATEST_DAY), query={"range": "1y"}, page="trends:overview")
@example(
    shows=(None, EARLIEST_DAY), query={"from": "2026-01-01", "to": "2026-02-01"}, page="trends:data"
)
@HYPOTHESIS
@given(
    shows=st.tuples(
        st.one_of(st.none(), st.dates(EARLIEST_DAY, LATEST_DAY)),
        st.one_of(st.none(), st.dates(EARLIEST_DAY, LATEST_DAY)),
    ),
    query=form_data({"from": day_text, "to": day_text, "range": query_value}),
    page=st.sampled_from(["trends:overview", "trends:data", "reports:report"]),
)
def test_it_never_fails_through_a_share_link_with_any_days(client, alice, shows, query, page):
    first, last = sorted(shows) if None not in shows else shows
    with fresh():
        spasm(alice)
        _, token = ShareLink.make(alice, 30, shows_from=first, shows_to=last)
        response = anonymous(client).get(reverse(page, kwargs={"token": token}), query)
        if page == "trends:data":
            assert response.status_code in (200, 400)
            assert json.loads(response.content)
        else:
            assert response.status_code == 200
            no_markup(response)


@time_machine.travel(NOW, tick=False)
def test_it_says_which_days_a_range_can_show(alice_client):
    asked = {"from": "0001-01-01", "to": "0001-01-31"}
    response = alice_client.get(reverse("trends:data"), asked)
    assert response.status_code == 400
    assert response.json() == {"errors": {"from": [DAY_OUT_OF_RANGE], "to": [DAY_OUT_OF_RANGE]}}
    asked = {"range": "custom", "from": "2026-01-01", "to": "9999-12-31"}
    assert str(DAY_OUT_OF_RANGE) in alice_client.get(reverse("trends:overview"), asked).text
    assert str(DAY_OUT_OF_RANGE) in alice_client.get(reverse("reports:report"), asked).text
    link = {"make_link": "", "lifetime": "30", "shows_from": "9999-12-31"}
    assert str(DAY_OUT_OF_RANGE) in alice_client.post(reverse("sharing:home"), link).text


# Sharing -------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@example(data={"lifetime": "30", "shows_from": "9999-12-31"})  # trends of year 9999 through it
@example(data={"lifetime": "30", "shows_to": "0001-01-01"})
@example(data={"lifetime": "7", "shows_from": "2026-05-02", "shows_to": "2026-05-01"})
@example(data={"lifetime": "3650", "label": "x" * 81})
@HYPOTHESIS
@given(
    data=form_data(
        {
            "label": st.one_of(st.text(max_size=80), hostile_text),
            "lifetime": any_of(ShareLink.Lifetime.values),
            "shows_from": st.one_of(st.just(""), day_text),
            "shows_to": st.one_of(st.just(""), day_text),
        }
    )
)
def test_it_never_fails_on_a_hostile_share_link_form(client, alice, data):
    with fresh():
        before = counts()
        response = signed_in(client, alice).post(reverse("sharing:home"), {"make_link": ""} | data)
        if "Copy it now" not in response.text:
            refused(response)
            assert added(before) == {}
            return
        assert response.status_code == 200
        assert added(before) == {label(ShareLink): 1}
        link = ShareLink.objects.get(person=alice)
        assert link.label == typed(sent(data, "label"))
        assert link.expires_at == NOW + timedelta(days=int(sent(data, "lifetime")))
        for name in ("shows_from", "shows_to"):
            value = getattr(link, name)
            assert value == DateField(required=False).clean(sent(data, name))
            assert value is None or EARLIEST_DAY <= value <= LATEST_DAY


@time_machine.travel(NOW, tick=False)
@example(data={"email": f"{'a' * 250}@example.org", "role": "carer"})  # over the column's 254
@example(data={"email": " BOB@example.org ", "role": "clinician"})  # already invited
@example(data={"email": "Alice@Example.org", "role": "carer"})  # herself
@HYPOTHESIS
@given(data=form_data({"email": email_text, "role": any_of(Role.values)}))
def test_it_never_fails_on_a_hostile_invitation(client, alice, bob, data):
    with fresh():
        CareAccess.objects.create(person=alice, email="bob@example.org", role=Role.CARER)
        mail.outbox.clear()
        before = counts()
        response = signed_in(client, alice).post(reverse("sharing:home"), {"invite": ""} | data)
        if response.status_code == 200:
            refused(response)
            assert added(before) == {}
            assert mail.outbox == []
            return
        assert response.status_code == 302
        assert added(before) == {label(CareAccess): 1}
        grant = CareAccess.objects.latest("pk")
        assert grant.email == normalise_email(sent(data, "email"))
        assert grant.role == sent(data, "role")
        assert [message.to for message in mail.outbox] == [[grant.email]]


@pytest.fixture
def clinician(alice):
    doctor = make_user("dr_okafor", is_clinician=True)
    CareAccess.objects.create(
        person=alice, email=doctor.email, role=Role.CLINICIAN, member=doctor, accepted_at=NOW
    )
    return doctor


@time_machine.travel(NOW, tick=False)
@example(text="x" * 2001)
@example(text="\x00")
@HYPOTHESIS
@given(text=st.one_of(st.text(max_size=300), hostile_text, repeated(["a", "\u00e9"])))
def test_it_never_fails_on_a_hostile_review_note(client, alice, clinician, text):
    with fresh():
        before = counts()
        response = signed_in(client, clinician).post(
            reverse("sharing:add_note", args=[alice.pk]),
            {"text": text},
        )
        if response.status_code == 200:
            refused(response)
            assert added(before) == {}
            return
        assert response.status_code == 302
        assert added(before) == {label(ReviewNote): 1}
        assert ReviewNote.objects.get().text == typed(text)


RATINGS = [f"{group}__{side}" for group in MuscleGroup.values for side in Side.values]


@time_machine.travel(NOW, tick=False)
@example(data={"visit_date": "0001-01-01", "hip-flexors__left": "1"}, more={})
@example(data={"visit_date": "2026-06-02", "hip-flexors__left": "1+"}, more={})
@example(data={"visit_date": "2026-05-01"}, more={"knee-flexors__right": "5"})
@HYPOTHESIS
@given(
    data=form_data(
        {
            "visit_date": st.one_of(
                day_text, st.dates(date(2025, 1, 1), TODAY).map(date.isoformat)
            ),
            **{name: st.one_of(st.just(""), any_of(AshworthScore.values)) for name in RATINGS[:4]},
        }
    ),
    more=st.dictionaries(
        st.sampled_from(RATINGS), st.one_of(any_of(AshworthScore.values), hostile_text), max_size=3
    ),
)
def test_it_never_fails_on_hostile_visit_measures(client, alice, clinician, data, more):
    data = data | more
    with fresh():
        before = counts()
        url = reverse("sharing:record_visit", args=[alice.pk])
        response = signed_in(client, clinician).post(url, data)
        if response.status_code == 200:
            refused(response)
            assert added(before) == {}
            return
        assert response.status_code == 302
        rated = {
            (*name.split("__"), sent(data, name))
            for name in data
            if "__" in name and sent(data, name)
        }
        assert set(VisitMeasure.objects.values_list("muscle_group", "side", "score")) == rated
        day = DateField().clean(sent(data, "visit_date"))
        assert EARLIEST_DAY <= day <= TODAY
        assert set(VisitMeasure.objects.values_list("visit_date", flat=True)) == {day}
        assert added(before) == {label(VisitMeasure): len(rated)}


CONFIRM_CHOICES = [*PainType.values, "none"]


@time_machine.travel(NOW, tick=False)
@example(data={"problem_1": "neuropathic-other", "problem_2": "none"})
@example(data={"problem_1": "neuropathic-at "})
@example(data={"problem_1": ["visceral", "other"], "problem_2": "unknown"})
@HYPOTHESIS
@given(
    data=st.dictionaries(
        st.sampled_from(["problem_1", "problem_2", "problem_3", "problem_9"]),
        st.one_of(any_of(CONFIRM_CHOICES), hostile_text, st.lists(any_of(CONFIRM_CHOICES))),
        max_size=4,
    )
)
def test_it_never_fails_on_hostile_confirmed_pain_types(client, alice, clinician, data):
    PainProblem.objects.get_or_create(owner=alice, slot=1, name="Feet")
    PainProblem.objects.get_or_create(owner=alice, slot=2, name="Hip")
    with fresh():
        before = list(PainProblem.objects.order_by("slot").values_list("slot", "confirmed_type"))
        url = reverse("diary:confirm_pain_types", args=[alice.pk])
        response = signed_in(client, clinician).post(url, data)
        stored = list(PainProblem.objects.order_by("slot").values_list("slot", "confirmed_type"))
        if response.status_code == 200:
            refused(response)
            assert stored == before
            return
        assert response.status_code == 302
        expected = [
            (slot, "" if sent(data, f"problem_{slot}") == "none" else sent(data, f"problem_{slot}"))
            for slot in (1, 2)
        ]
        assert stored == expected
        for problem in PainProblem.objects.exclude(confirmed_type=""):
            assert (problem.confirmed_by, problem.confirmed_by_name) == (clinician, "Dr_Okafor")
            assert problem.confirmed_at == NOW


# Raw bytes: what a browser could send that a form's fields never see -----------------------

# Percent-encoded bytes that are not UTF-8 (a lone surrogate in CESU-8, an overlong NUL, a cut
# sequence, a stray continuation byte), which Django reads as U+FFFD, and a NUL.
BAD_BYTES = ["%ED%A0%80", "%C0%80", "%E2%82", "%80", "%FF%FE", "%00"]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("url_name", "args", "fields"),
    [
        (
            "signup",
            [],
            ["email", "display_name", "time_zone", "uses_app_as", "password1", "password2"],
        ),
        (
            "profile",
            [],
            ["display_name", "time_zone", "uses_app_as", "injury_level", "completeness", "theme"],
        ),
        ("diary:new", ["spasm"], ["when", "occurred_local", "note", "tried-TOTAL_FORMS"]),
        ("diary:new", ["pain"], ["when", "intensity", "note", "tried-0-dose"]),
        ("diary:new", ["checkin"], ["date", "psfs_frequency", "note"]),
        ("diary:new", ["event"], ["date", "event_kind", "details"]),
        ("diary:pain_problems", [], ["slot_1", "slot_2", "slot_3"]),
        ("diary:own_items", [], ["add_trigger", "trigger-name", "trigger-category"]),
        ("sharing:home", [], ["make_link", "label", "lifetime", "shows_from"]),
        ("sharing:home", [], ["invite", "email", "role"]),
        ("delete_account", [], ["password"]),
        ("reminders:settings", [], ["first_at", "second_at", "quiet_from", "quiet_until"]),
    ],
)
def test_it_reads_bytes_that_are_not_utf8_as_replacement_characters(
    client, alice, url_name, args, fields
):
    if url_name == "signup":
        anonymous(client)
    else:
        signed_in(client, alice)

    before = counts()
    for bad in BAD_BYTES:
        body = "&".join(f"{name}=x{bad}y" for name in fields)
        response = client.generic(
            "POST",
            reverse(url_name, args=args),
            body,
            content_type="application/x-www-form-urlencoded",
        )
        refused(response)
    assert added(before) == {}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "url_name", ["diary:history", "trends:overview", "trends:data", "reports:report"]
)
def test_it_reads_a_query_that_is_not_utf8(client, alice, url_name):
    signed_in(client, alice)
    for bad in BAD_BYTES:
        query = "&".join(
            f"{name}=2026{bad}" for name in ("from", "to", "kind", "trigger", "range", "page")
        )
        response = client.get(f"{reverse(url_name)}?{query}")
        assert response.status_code in (200, 400)


# The import: the parser on its own, then the upload page -----------------------------------

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),  # NaN and infinities become the NaN and Infinity literals JSON does not allow
    st.text(max_size=20),  # NUL included
    st.sampled_from(["\ud800", "a\udfffb", "\ud83d", "\u0000", *HOSTILE, *DATES]),
)


def json_containers(inner):
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


json_value = st.recursive(json_scalar, json_containers, max_leaves=6)


def good_entry(section):
    """An entry of each kind that imports as it is."""
    end = {
        "note": "Fine",
        "note_for_clinician": False,
        "logged_by": None,
        "created_at": "2026-05-01T12:00:00+00:00",
        "updated_at": "2026-05-01T12:00:00+00:00",
        "deleted_at": None,
    }
    timed = {"triggers": ["cold"], "red_flags": []}
    return {
        "spasms": {
            "occurred_at": "2026-05-01T08:00:00+12:00",
            "pattern": "jerky",
            "severity": 2,
            "regions": ["left-leg"],
            "duration": "",
            "impacts": [],
            **timed,
            **end,
            "tried": [{"intervention": "heat", "dose": "20 min", "effect": "worse"}],
        },
        "leg_pain": {
            "occurred_at": "2026-05-02T08:00:00+12:00",
            "intensity": 4,
            "problem": 1,
            "sites": ["left-foot"],
            "qualities": [],
            "pain_type": "unknown",
            **timed,
            **end,
            "tried": [],
        },
        "check_ins": {
            "date": "2026-05-03",
            "recall_window": "24h",
            "psfs_frequency": 1,
            "psfs_severity": 1,
            "spasticity": None,
            "pain_worst": 5,
            "pain_average": 3,
            "interference_activities": None,
            "interference_mood": None,
            "interference_sleep": None,
            "night_wakings": 2,
            **end,
        },
        "treatment_events": {
            "date": "2026-05-04",
            "event_kind": "medicine-start",
            "details": "",
            "medicine": "Baclofen",
            "dose": "10",
            "times": ["08:00", "20:00"],
            **end,
        },
        "medicines": {"name": "Baclofen", "unit": "mg", "route": "mouth", "reason": "spasms"},
        "doses": {
            "medicine": "Baclofen",
            "status": "taken",
            "occurred_at": "2026-05-04T08:05:00+12:00",
            "scheduled_for": "2026-05-04T08:00:00+12:00",
            "amount": "2.5",
            **end,
        },
        "care_events": {
            "occurred_at": "2026-05-04T07:00:00+12:00",
            "event": "skin-problem",
            "volume_ml": None,
            "bowel_result": "",
            "checked_by": "",
            "site": "heel",
            "stage": "2",
            **end,
        },
        "sciset_weeks": {
            "date": "2026-05-03",
            "answers": {**sciset.blank_answers(), "1": -3, "2": 3, "35": 0},
            **end,
        },
        "ad_episodes": {
            "occurred_at": "2026-05-04T09:00:00+12:00",
            "causes": ["bladder"],
            "actions": ["sat-up", "bladder"],
            "outcome": "settled",
            **end,
            "readings": [
                {
                    "taken_at": "2026-05-04T09:03:00+12:00",
                    "systolic": 165,
                    "diastolic": 95,
                    "pulse": 52,
                },
                {
                    "taken_at": "2026-05-04T09:08:00+12:00",
                    "systolic": 130,
                    "diastolic": 85,
                    "pulse": None,
                },
            ],
        },
        "pain_problems": {
            "slot": 1,
            "name": "Feet",
            "confirmed_type": "neuropathic-below",
            "confirmed_by_name": "Dr Lee",
            "confirmed_at": "2026-05-01T12:00:00+00:00",
        },
        "triggers": {
            "slug": "tight-shoes",
            "name": "Tight shoes",
            "category": "clothing",
            "guide": "",
            "archived": True,
        },
        "hidden_triggers": {"trigger": "cold"},
        "hidden_interventions": {"intervention": "heat"},
        "interventions": {
            "slug": "warm-bath",
            "name": "Warm bath",
            "category": "other",
            "guide": "",
        },
        "review_notes": {
            "author_name": "Dr Okafor",
            "written_at": "2026-05-01T10:00:00+12:00",
            "text": "Spasms are down.",
        },
        "visit_measures": {
            "author_name": "Dr Okafor",
            "visit_date": "2026-05-01",
            "muscle_group": "hip-flexors",
            "side": "left",
            "score": "1+",
            "recorded_at": "2026-05-01T10:05:00+12:00",
        },
    }[section]


SECTION_KEYS = [section.key for section in backup.SECTIONS]
stamp_text = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "0001-01-01T00:00:00+00:00",
            "0001-01-01T00:00:00-12:00",
            "9999-12-31T23:59:59-12:00",
            "9999-12-31T23:59:59+00:00",
            "9999-12-31T23:59:59+14:00",
            "2026-03-29T01:30:00+00:00",
            "2026-02-30T10:00:00+00:00",
            "2026-05-01T10:00:00",
        ]
    ),
)


@st.composite
def backups(draw):
    """A backup whose parts are good, spoilt or missing: its entries each keep most of their
    fields and get a few hostile ones."""
    data = {
        "format": draw(
            st.one_of(st.just("sci-tracker-backup"), st.just("sci-tracker-backup"), json_value)
        ),
        "version": draw(st.one_of(st.just(1), st.just(backup.VERSION), json_value)),
        "exported_at": "2026-05-05T00:00:00+12:00",
        "profile": {
            "email": draw(st.one_of(st.just("old@example.org"), json_value)),
            "display_name": draw(st.one_of(st.just("Old"), json_value)),
            "time_zone": draw(
                st.one_of(st.sampled_from(["Asia/Tokyo", "Mars/Olympus"]), json_value)
            ),
            "uses_app_as": draw(st.one_of(st.sampled_from(["carer", "helper"]), json_value)),
            "injury_level": "T4",
            "completeness": "A",
            "is_clinician": False,
        },
        "reminders": draw(
            st.one_of(
                st.none(),
                st.fixed_dictionaries(
                    {
                        "first_at": st.one_of(
                            st.sampled_from(["20:30", "25:00", "8pm"]), json_value
                        ),
                        "second_at": st.one_of(
                            st.sampled_from([None, "21:00", "20:30"]), json_value
                        ),
                        "quiet_from": st.sampled_from([None, "22:00", "20:00"]),
                        "quiet_until": st.sampled_from([None, "07:00", "22:00"]),
                        "by_push": st.one_of(st.booleans(), json_value),
                        "by_email": st.booleans(),
                    }
                ),
                json_value,
            )
        ),
    }
    # Often a good choice, sometimes a hostile one, sometimes none (a backup from before it).
    theme = draw(st.one_of(st.sampled_from(["dark", "sepia", "(left out)"]), json_value))
    if theme != "(left out)":
        data["profile"]["theme"] = theme
    for key in SECTION_KEYS:
        items = []
        for _ in range(draw(st.integers(0, 2))):
            item = good_entry(key)
            for name in draw(
                st.lists(st.sampled_from(sorted(item) + ["extra"]), max_size=3, unique=True)
            ):
                if name.endswith("_at") or name in ("date", "visit_date", "scheduled_for"):
                    item[name] = draw(st.one_of(stamp_text, day_text, json_value))
                elif name in ("dose", "amount"):  # doses and amounts, as text
                    item[name] = draw(
                        st.one_of(st.sampled_from(["0", "-1", "1e3", "0.0001", HUGE]), json_value)
                    )
                elif name == "times":
                    item[name] = draw(
                        st.one_of(st.sampled_from([["24:00"], ["20:00", "08:00"]]), json_value)
                    )
                else:
                    item[name] = draw(json_value)
            if (
                key == "sciset_weeks"
                and isinstance(item.get("answers"), dict)
                and draw(st.booleans())
            ):
                # One item's rating spoilt, or an item that is not the tool's.
                item["answers"] = item["answers"] | {
                    draw(st.sampled_from(["1", "35", "36", "0", "x", ""])): draw(json_value)
                }
            if draw(st.booleans()) and item:
                item.pop(draw(st.sampled_from(sorted(item))))
            items.append(item if draw(st.integers(0, 9)) else draw(json_value))
        data[key] = items
    for key in draw(st.lists(st.sampled_from(sorted(data)), max_size=1)):
        data[key] = draw(json_value)
    return data


def as_bytes(data, ascii_only, bom):
    """JSON as a program other than SCI Tracker might write it: NaN and Infinity literals, lone
    surrogates escaped (ASCII) or written raw (not UTF-8 at all)."""
    text = json.dumps(data, ensure_ascii=ascii_only, allow_nan=True)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass")


def csv_cell(column):
    good = {
        "id": st.integers(1, 3).map(str),
        "entry_id": st.integers(1, 3).map(str),
        "entry_kind": st.sampled_from(["spasm", "pain", "checkin"]),
        "episode_id": st.integers(1, 3).map(str),
        "taken_at": st.one_of(stamp_text, st.just("2026-05-01T08:05:00+12:00")),
        "systolic": st.sampled_from(["165", "120", "80", "301"]),
        "diastolic": st.sampled_from(["95", "80", "120", ""]),
        "pulse": st.sampled_from(["", "52", "0"]),
        "causes": st.sampled_from(["", "bladder", "bladder;skin", "bladder;bladder"]),
        "actions": st.sampled_from(["", "sat-up", "sat-up;medicine"]),
        "outcome": any_of(ADOutcome.values),
        "occurred_at": st.one_of(stamp_text, st.just("2026-05-01T08:00:00+12:00")),
        "date": st.one_of(day_text, st.just("2026-05-03")),
        "pattern": any_of(SpasmPattern.values),
        "severity": any_of([1, 2, 3]),
        "intensity": any_of(range(11)),
        "psfs_frequency": any_of(range(5)),
        "problem_slot": st.sampled_from(["", "1", "2", "4"]),
        "intervention": st.sampled_from(["heat", "stretching", "nope"]),
        "effect": any_of(Effect.values),
        "event_kind": any_of(EventKind.values),
        "recall_window": st.just("24h"),
        "pain_type": any_of(PainType.values),
        "problem_confirmed_type": any_of(["", *PainType.values]),
        "note_for_clinician": st.sampled_from(["0", "1"]),
        "triggers": st.sampled_from(["", "cold", "cold;full-bladder", "cold;cold"]),
        # care.csv: any detail on any kind, so some rows break the rules of CareEvent.clean.
        "event": any_of(CareEventKind.values),
        "volume_ml": st.sampled_from(["", "450", "0", "3001", "1.5"]),
        "bowel_result": any_of(["", *BowelResult.values]),
        "checked_by": any_of(["", *CheckedBy.values]),
        "site": any_of(["", *SkinSite.values]),
        "stage": any_of(["", *PressureStage.values]),
        # Medicines and doses: a name the list may or may not hold, the unit's words, amounts.
        "name": st.sampled_from(["Baclofen", "baclofen", "", "=cmd"]),
        "medicine": st.sampled_from(["Baclofen", "BACLOFEN", "Nope", ""]),
        "unit": st.sampled_from(["mg", "bucket", ""]),
        "route": st.sampled_from(["mouth", "pump", "ear"]),
        "reason": st.sampled_from(["spasms", "bladder", "fun"]),
        "status": st.sampled_from(["taken", "missed", "skipped"]),
        "scheduled_for": st.one_of(stamp_text, st.just("2026-05-01T08:00:00+12:00"), st.just("")),
        "amount": st.sampled_from(["", "2.5", "0", "-1", "1.0001", HUGE]),
        "dose": st.sampled_from(["", "10", "0", "1e3"]),
        "times": st.sampled_from(["", "08:00;20:00", "20:00;08:00", "8am"]),
    }.get(column, st.just(""))
    if column.startswith("item_"):  # sci-set.csv's ratings
        good = st.sampled_from(["", "-3", "0", "3", "4", "-0", "1.5", "+2", " 2 "])
    return st.one_of(good, good, hostile_text, numbers)


@st.composite
def csv_files(draw):
    """One to three of our CSV files, their columns shuffled, their cells good or hostile."""
    chosen = draw(
        st.lists(st.sampled_from(FILES), min_size=1, max_size=3, unique_by=lambda f: f.name)
    )
    files = {}
    for csv_file in chosen:
        header = draw(st.permutations(csv_file.header()))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for _ in range(draw(st.integers(0, 4))):
            row = [draw(csv_cell(column)) for column in header]
            if draw(st.integers(0, 9)) == 0:
                row = row[: draw(st.integers(0, len(row)))]
            writer.writerow(row)
        text = out.getvalue()
        if draw(st.booleans()):
            text = text.replace("\r\n", "\n")
        files[f"{csv_file.name}.csv"] = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))
    return files


ODD_FILES = [
    b"",
    b"\xff\xfe{",
    b'{"format": "sci-tracker-backup", "version": NaN}',
    b'{"format": "sci-tracker-backup", "version": Infinity}',
    b'{"format": "sci-tracker-backup", "version": 1e400}',
    b'{"format": "sci-tracker-backup", "version": -Infinity}',
    b'{"format": "sci-tracker-backup", "version": ' + b"9" * 5000 + b"}",
    b'{"format": "sci-tracker-backup\\u0000", "version": 1}',
    b'{"format": "sci-tracker-backup", "version": 1, "\\ud800": 1}',
    b'{"a": ' + b"[" * 100_000,
    b"[" * 900 + b"]" * 900,
    b"id,occurred_at\r\n1,\x00\r\n",
    b'"unterminated\r\n',
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",
]
odd_bytes = st.one_of(st.binary(max_size=200), st.sampled_from(ODD_FILES))


def upload_files(files):
    return [SimpleUploadedFile(name, content) for name, content in files.items()]


def same_json(kept, given):
    """JSON values alike, where a number is alike if it is the same float: PostgreSQL's jsonb
    keeps 4.524198088968079e+16 as the whole number 45241980889680790."""
    if isinstance(kept, dict) and isinstance(given, dict):
        return kept.keys() == given.keys() and all(same_json(kept[k], given[k]) for k in kept)
    if isinstance(kept, list) and isinstance(given, list):
        return len(kept) == len(given) and all(map(same_json, kept, given))
    numbers = (int, float)
    if (
        isinstance(kept, numbers)
        and isinstance(given, numbers)
        and float in (type(kept), type(given))
    ):
        return float(kept) == float(given)
    return type(kept) is type(given) and kept == given


def import_everything(person, files, restore_profile):
    """read_upload, keep_pending (the payload stored in the database), plan_import and
    run_import, as the pages do. None if the upload is refused."""
    try:
        payload = importer.read_upload(upload_files(files))
    except importer.UploadRejected as rejected:
        message = str(rejected)
        assert message
        return None
    pending = importer.keep_pending(person, payload, restore_profile)
    pending.refresh_from_db()
    assert same_json(pending.payload, payload)  # the database keeps the upload
    plan = importer.plan_import(person, pending.payload, restore_profile)
    before = counts()
    importer.run_import(person, plan)
    changes = added(before)
    entries = sum(changes.get(label(model), 0) for model in MODELS.values())
    assert entries == plan.adding
    assert changes.get(label(InterventionUse), 0) == plan.tried_to_add
    assert changes.get(label(BloodPressureReading), 0) == plan.readings_to_add
    assert changes.get(label(PainProblem), 0) == len(plan.new_problems)
    assert changes.get(label(Medicine), 0) == len(plan.new_medicines)
    assert changes.get(label(ReviewNote), 0) == len(plan.clinician_add[ReviewNote])
    assert changes.get(label(VisitMeasure), 0) == len(plan.clinician_add[VisitMeasure])
    return plan


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(data=backups(), ascii_only=st.booleans(), bom=st.booleans(), restore=st.booleans())
def test_it_parses_and_imports_any_backup_or_says_why_not(alice, data, ascii_only, bom, restore):
    content = as_bytes(data, ascii_only, bom)
    with fresh():
        import_everything(alice, {"backup.json": content}, restore)


HUGE = "9" * 5000  # more digits than Python's int() reads


def csv_row(file_name, **cells):
    """One of our CSV files with one row: the cells named, the others empty."""
    name = file_name
    header = FILES_BY_NAME[name].header()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow([cells.get(column, "") for column in header])
    return {f"{name}.csv": out.getvalue().encode()}


PAIN_ROW = {"id": "1", "occurred_at": "2026-05-01T10:00+12:00", "intensity": "3"}


@time_machine.travel(NOW, tick=False)
@example(files=csv_row("leg-pain", **PAIN_ROW | {"intensity": HUGE, "problem_slot": HUGE}))
@example(files=csv_row("leg-pain", **PAIN_ROW | {"problem_slot": "1", "problem": "F" * 61}))
@example(files=csv_row("leg-pain", **PAIN_ROW | {"occurred_at": "0001-01-01T00:00:00+00:00"}))
@example(files=csv_row("check-ins", id="1", date="1899-12-31", psfs_frequency="0"))
@example(files=csv_row("treatment-events", id="1", date="9999-12-31", event_kind="botox"))
@example(
    files=csv_row("ad-episodes", id="1", occurred_at="2026-05-01T10:00+12:00", outcome="settled")
    | csv_row("ad-readings", episode_id="1", taken_at="2026-05-01T10:02+12:00", systolic=HUGE)
)
@example(files=csv_row("sci-set", id="1", date="2026-05-03", item_1=HUGE, item_2="-3"))
@example(files=csv_row("sci-set", id="1", date="2026-05-03", score="x", item_35="\x00"))
@example(
    files=csv_row("medicines", name="Baclofen", unit="mg", route="mouth", reason="spasms")
    | csv_row(
        "doses",
        id="1",
        medicine="baclofen",
        status="missed",
        occurred_at="2026-05-01T08:00+12:00",
        amount=HUGE,
    )
)
@example(
    files=csv_row(
        "treatment-events",
        id="1",
        date="2026-05-01",
        event_kind="botox",
        medicine="Nope",
        dose="10",
        times="08:00",
    )
)
@HYPOTHESIS
@given(files=csv_files())
def test_it_parses_and_imports_any_csv_files_or_says_why_not(alice, files):
    with fresh():
        import_everything(alice, files, False)


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(content=odd_bytes, name=st.sampled_from(["backup.json", "spasms.csv", "x"]))
def test_it_refuses_bytes_it_cannot_read_with_a_message(alice, content, name):
    with fresh():
        import_everything(alice, {name: content}, False)


@time_machine.travel(NOW, tick=False)
def test_it_names_a_day_outside_the_calendar_in_an_import(alice):
    usual = {"id": "1", "note_for_clinician": "0"}
    files = csv_row(
        "check-ins", **usual, date="1899-12-31", recall_window="24h", psfs_frequency="0"
    )
    files |= csv_row(
        "spasms", **usual, occurred_at="9999-12-31T23:00:00+00:00", pattern="jerky", severity="2"
    )
    plan = importer.plan_import(alice, importer.read_upload(upload_files(files)))
    assert sorted(plan.errors) == [
        "check-ins.csv row 2: date '1899-12-31' is outside 1900-01-01 to 2999-12-31",
        "spasms.csv row 2: occurred_at '9999-12-31T23:00:00+00:00' is outside 1900-01-01 to "
        "2999-12-31",
    ]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("content", ODD_FILES)
def test_it_answers_each_odd_file_with_a_message(alice_client, content):
    response = alice_client.post(
        reverse("exports:import"), {"files": [SimpleUploadedFile("odd.json", content)]}
    )
    refused(response)
    assert not PendingImport.objects.exists()


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(
    pending=st.one_of(hostile_text, st.uuids().map(str)),
    action=st.sampled_from(["confirm", "cancel"]),
)
def test_it_never_fails_on_a_hostile_import_confirmation(client, alice, pending, action):
    with fresh():
        response = signed_in(client, alice).post(
            reverse("exports:import_preview"), {"pending": pending, action: ""}
        )
        assert response.status_code in (302, 404)


@time_machine.travel(NOW, tick=False)
@example(depth=1)
@example(depth=importer.MAX_DEPTH - 3)
@example(depth=importer.MAX_DEPTH - 2)
@example(depth=990)
@HYPOTHESIS
@given(depth=st.integers(1, 1100))
def test_it_refuses_json_nested_deeper_than_a_backup_is(alice, depth):
    """A note that is lists in lists, at depth 4 of the file (root, spasms, the spasm): beyond
    importer.MAX_DEPTH the file is refused, below it the note is an error of its entry."""
    data = {
        "format": "sci-tracker-backup",
        "version": 1,
        "exported_at": "2026-05-05T00:00:00+12:00",
        "profile": {},
        **{key: [] for key in SECTION_KEYS},
        "spasms": [good_entry("spasms") | {"note": "DEEP"}],
    }
    text = json.dumps(data).replace('"DEEP"', "[" * depth + "]" * depth)
    with fresh():
        plan = import_everything(alice, {"deep.json": text.encode()}, False)
        assert (plan is None) == (depth + 3 > importer.MAX_DEPTH)
        if plan is not None:
            assert "deep.json, spasm 1: note [" in " ".join(plan.errors)


def named_for_django(name):
    """Django keeps a file whose name has a printable character other than dots. It skips the
    rest without reading past them, and then cannot read the request at all (400): its own
    quirk, before any view of ours runs."""
    return "".join(char for char in name if char.isprintable()) not in {"", ".", ".."}


# What a browser sends as a file's name.
file_name = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters='"\\/&\r\n'),
    min_size=1,
    max_size=30,
).filter(named_for_django)


def rejected_text(response):
    text = re.sub(r"<[^>]+>", " ", response.text)
    return " ".join(text.split())


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(
    files=st.one_of(
        backups().map(lambda data: {"backup.json": as_bytes(data, True, False)}),
        csv_files(),
        st.dictionaries(
            st.one_of(st.sampled_from(["a.json", "b.csv"]), file_name),
            odd_bytes,
            min_size=1,
            max_size=2,
        ),
    ),
    restore=st.sampled_from(["", "on"]),
)
def test_it_never_fails_on_a_hostile_import_upload(client, alice, diary, files, restore):
    with fresh():
        signed_in(client, alice)
        before = counts()
        response = client.post(
            reverse("exports:import"), {"files": upload_files(files), "restore_profile": restore}
        )
        if response.status_code == 200:
            refused(response)
            assert added(before) == {}
            return
        assert response.status_code == 302
        assert added(before) == {label(PendingImport): 1}
        preview = client.get(reverse("exports:import_preview"))
        assert preview.status_code == 200
        no_markup(preview)
        pending = PendingImport.objects.get(owner=alice)
        plan = importer.plan_import(alice, pending.payload, pending.restore_profile)
        before = counts()
        done = client.post(
            reverse("exports:import_preview"), {"pending": str(pending.pk), "confirm": ""}
        )
        assert done.status_code == 302
        changes = added(before)
        assert changes.pop(label(PendingImport)) == -1
        entries = sum(changes.get(label(model), 0) for model in MODELS.values())
        assert entries == plan.adding


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "sci-tracker-backup", "version": 1e400}', "a number too large"),
        (b'{"format": "sci-tracker-backup", "note": "a\\u0000b"}', "a NUL character"),
        (b'{"format": "sci-tracker-backup", "note": "\\ud800"}', "half of a character"),
        (
            b'{"format": "sci-tracker-backup", "a": ' + b"[" * 12 + b"1" + b"]" * 12 + b"}",
            "nested",
        ),
    ],
    ids=["huge-number", "nul", "surrogate", "nested"],
)
def test_it_names_what_in_a_json_file_cannot_be_kept(alice_client, content, message):
    response = alice_client.post(
        reverse("exports:import"), {"files": [SimpleUploadedFile("odd.json", content)]}
    )
    refused(response)
    assert message in rejected_text(response)
    assert not PendingImport.objects.exists()


# Reminders -----------------------------------------------------------------------------------

TIMES = ["", "20:30", "07:00", "00:00", "23:59", "22:00", "7:5", "20:30:15"]
REMINDER_FIELDS = {
    "first_at": st.sampled_from(TIMES),
    "second_at": st.sampled_from(TIMES),
    "quiet_from": st.sampled_from(TIMES),
    "quiet_until": st.sampled_from(TIMES),
    "by_push": st.sampled_from(["", "on"]),
    "by_email": st.sampled_from(["", "on"]),
}


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(data=form_data(REMINDER_FIELDS))
def test_it_never_fails_on_hostile_reminder_settings(client, alice, data):
    with fresh():
        before = counts()
        response = signed_in(client, alice).post(reverse("reminders:settings"), data)
        if response.status_code == 200:
            refused(response)
            assert added(before) == {}
            return
        assert response.status_code == 302
        assert added(before) == {label(ReminderSettings): 1}
        row = ReminderSettings.objects.get(user=alice)
        assert row.rule_errors() == {}
        assert row.by_push == ticked(data, "by_push")
        assert row.by_email == ticked(data, "by_email")
        first = sent(data, "first_at").strip()
        assert (row.first_at is None) == (first == "")


# A browser's P-256 public key, as PushSubscription.toJSON() gives it.
GOOD_P256DH = (
    "BJFcIJS_2MTgX9ypZsti69y6kFqOzXPECYELXAFqwm4Lpl7-CBrewQEt-Iw8ylQab7jr-KsGOm3rr-0tRrKJOEE"
)
subscription_keys = st.fixed_dictionaries(
    {
        "p256dh": st.one_of(st.just(GOOD_P256DH), hostile_text, json_value),
        "auth": st.one_of(st.just("c2VjcmV0LXNlY3JldC0xNg"), hostile_text, json_value),
    }
)
subscription_body = st.one_of(
    st.fixed_dictionaries(
        {
            "endpoint": st.one_of(
                st.just("https://push.example.net/a"),
                st.just("http://127.0.0.1/push"),
                st.just("https://" + "x" * 1000),
                hostile_text,
                json_value,
            ),
            "keys": st.one_of(subscription_keys, json_value),
        }
    ).map(json.dumps),
    json_value.map(json.dumps),
    hostile_text,
)


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(body=subscription_body, remove=st.booleans())
def test_it_never_fails_on_a_hostile_push_subscription(client, alice, body, remove):
    url = reverse("reminders:remove_device" if remove else "reminders:add_device")
    with fresh():
        before = counts()
        response = signed_in(client, alice).post(url, body, content_type="application/json")
        if remove:
            assert response.status_code in (200, 400)
            assert added(before) == {}
            return
        if response.status_code == 400:
            assert added(before) == {}
            return
        assert response.status_code == 201
        row = PushSubscription.objects.get(user=alice)
        assert row.endpoint.startswith("https://")
        assert usable_keys(row.p256dh, row.auth)


# Medicines: the pages that add, change and stop one, and a due dose's tap ------------------


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(
    data=form_data(
        {
            "name": st.one_of(st.sampled_from(["Baclofen", "baclofen", " Tizanidine "]), junk),
            "dose": st.sampled_from(["10", "2.5", "0", "-1", "1e3", "0.0001", "9999999"]),
            "unit": any_of(DoseUnit.values),
            "schedule": st.sampled_from(["1", "3", "as-needed", "custom", "9"]),
            "times": st.sampled_from(
                ["", "8:00 20:00", "20:00 8:00", "24:00", "8 8", "08:00;08:00"]
            ),
            "route": any_of(MedicineRoute.values),
            "reason": any_of(MedicineReason.values),
            "day": st.one_of(day_text, st.just("2026-05-01")),
        }
    )
)
def test_it_never_fails_on_a_hostile_new_medicine(client, alice, data):
    with fresh():
        signed_in(client, alice)
        before = Medicine.objects.count()
        response = client.post("/medicines/add/", data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            no_markup(response)
            assert Medicine.objects.count() == before
        else:
            made = Medicine.objects.get(owner=alice, name=" ".join(sent(data, "name").split()))
            event = made.events.get()
            assert event.event_kind == "medicine-start"
            assert event.dose > 0
            assert event.times == sorted(set(event.times))


@time_machine.travel(NOW, tick=False)
@HYPOTHESIS
@given(
    data=form_data(
        {
            "medicine": st.sampled_from(["1", "0", "-1", "99999999999", HUGE[:30]]),
            "day": st.one_of(day_text, st.just("2026-05-04")),
            "time": st.sampled_from(["08:00", "8:00", "20:00", "24:00", "08:00\x00"]),
            "status": st.sampled_from(["taken", "missed", "skipped"]),
            "tapped_at": st.sampled_from(["", "0", HUGE[:30]]),
            "client_id": st.sampled_from(
                ["", "not-a-uuid", "6f0c6b4e-0f4a-4b5e-9a57-7a0a7a0a7a0a"]
            ),
        }
    )
)
def test_it_never_fails_on_a_hostile_dose_tap(client, alice, data):
    with fresh():
        signed_in(client, alice)
        started_medicine(alice, ["08:00", "20:00"], date(2026, 5, 1))
        response = client.post("/log/dose-now/", data)
        assert response.status_code in (302, 400)
        doses = list(MedicineDose.objects.filter(owner=alice))
        assert len(doses) <= 1
        for dose in doses:
            assert dose.scheduled_for.astimezone(alice.zone).strftime("%H:%M") in ("08:00", "20:00")


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_dose_tap_for_a_day_off_the_calendar_is_refused_not_a_server_error(client, alice, day):
    """The first and last days Python holds: 08:00 on 1 January of year 1 in Auckland comes
    before the first moment there is in UTC (the fault hypothesis found above)."""
    signed_in(client, alice)
    medicine = started_medicine(alice, ["08:00", "20:00"], date(2026, 5, 1))
    sent = {"medicine": medicine.pk, "day": day, "time": "08:00", "status": "taken"}
    response = client.post("/log/dose-now/", sent)
    assert response.status_code == 400
    assert not MedicineDose.objects.filter(owner=alice).exists()
