"""The API under /api/v1/: personal access tokens, who may read and log what, idempotent
writes, paging and day filters, the web forms' rules, the rate limit and the OpenAPI document."""

import hashlib
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sci_tracker.api.models import PersonalAccessToken
from sci_tracker.diary import medicines
from sci_tracker.diary.models import CheckIn, LegPainEntry, MedicineDose, SpasmEpisode
from sci_tracker.sharing.models import AccessRecord, CareAccess
from tests.conftest import make_user, text_of
from tests.entries import AUCKLAND, NOW, dose, pain, spasm, started_medicine

SPASMS = "/api/v1/spasms/"
PAINS = "/api/v1/pains/"
CHECK_INS = "/api/v1/check-ins/"
DOSES = "/api/v1/doses/"
DUE = "/api/v1/doses/due/"
MEDICINES = "/api/v1/medicines/"


@pytest.fixture
def cara(alice):
    """Alice's carer."""
    carer = make_user("cara")
    CareAccess.objects.create(
        person=alice, email=carer.email, role="carer", member=carer, accepted_at=NOW
    )
    return carer


@pytest.fixture
def dr_okafor(alice):
    """Alice's clinician."""
    doctor = make_user("dr_okafor", is_clinician=True)
    CareAccess.objects.create(
        person=alice, email=doctor.email, role="clinician", member=doctor, accepted_at=NOW
    )
    return doctor


def api(user, scope="log") -> Client:
    """A client that sends a new token of `user`'s in every request."""
    _token, secret = PersonalAccessToken.make(user, "Phone", scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client: Client, url: str, data: dict | None = None, **query):
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return client.post(url, json.dumps(data or {}), content_type="application/json")


# Tokens ----------------------------------------------------------------------------------------


def test_it_shows_a_new_token_once_and_keeps_only_its_hash(alice_client, alice):
    page = alice_client.post(reverse("api_tokens"), {"name": "My phone", "scope": "log"})

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    secret = page.context["secret"]
    assert secret.startswith("sct_")
    assert len(secret) > 40
    assert secret in page.text
    assert "this page is the only time it is shown" in text_of(page.text)
    token = PersonalAccessToken.objects.get(owner=alice)
    assert (token.name, token.scope, token.revoked_at) == ("My phone", "log", None)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = PersonalAccessToken.objects.filter(pk=token.pk).values().get()
    assert not any(secret in str(value) for value in stored.values())
    listing = alice_client.get(reverse("api_tokens")).text
    assert secret not in listing
    assert f"{secret[:10]}…" in listing
    assert "My phone" in listing
    assert "never used." in listing
    # And it works, as alice.
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/profile/").json()[
        "email"
    ] == ("alice@example.org")


def test_it_asks_a_name_for_a_new_token(alice_client, alice):
    page = alice_client.post(reverse("api_tokens"), {"name": "", "scope": "log"})
    assert "This field is required." in page.text
    assert not PersonalAccessToken.objects.exists()


@override_settings(API_TOKENS_PER_ACCOUNT=2)
def test_it_caps_the_live_tokens_of_an_account_and_keeps_what_was_typed(alice_client, alice, bob):
    old, _secret = PersonalAccessToken.make(alice, "Old phone", "read")
    old.revoke()  # a revoked token does not count
    PersonalAccessToken.make(alice, "Phone", "log")
    PersonalAccessToken.make(bob, "Bob's phone", "log")  # nor another account's
    assert alice_client.post(reverse("api_tokens"), {"name": "Watch", "scope": "log"}).status_code

    page = alice_client.post(reverse("api_tokens"), {"name": "Tablet", "scope": "log"})

    assert page.status_code == 200
    assert "secret" not in page.context
    shown = text_of(page.text)
    assert (
        "You already have 2 working tokens, the most an account may have. Revoke one you no "
        "longer use, then make this one."
    ) in shown
    assert 'value="Tablet"' in page.text
    assert re.search(r'value="log"[^>]*checked', page.text)
    assert not PersonalAccessToken.objects.filter(name="Tablet").exists()
    assert PersonalAccessToken.objects.for_user(alice).live().count() == 2
    # Revoke one, and there is room again.
    PersonalAccessToken.objects.get(name="Watch").revoke()
    made = alice_client.post(reverse("api_tokens"), {"name": "Tablet", "scope": "log"})
    assert made.context["secret"].startswith("sct_")
    assert PersonalAccessToken.objects.filter(owner=alice, name="Tablet").exists()


def test_it_counts_and_makes_a_token_in_one_transaction_holding_the_account(alice_client):
    # Two pages posted at once take turns, so both cannot pass the cap.
    with CaptureQueriesContext(connection) as seen:
        alice_client.post(reverse("api_tokens"), {"name": "Watch", "scope": "log"})
    statements = [query["sql"].upper() for query in seen]
    counted = next(i for i, sql in enumerate(statements) if "COUNT(" in sql and "TOKEN" in sql)
    made = next(
        i for i, sql in enumerate(statements) if sql.startswith("INSERT INTO") and "TOKEN" in sql
    )
    # A transaction (a savepoint, inside the test's own) begun before the count, ended after the
    # insert, that takes the account's lock first where the database has row locks.
    begun = {sql.split()[1]: i for i, sql in enumerate(statements) if sql.startswith("SAVEPOINT")}
    ended = {sql.split()[2]: i for i, sql in enumerate(statements) if sql.startswith("RELEASE")}
    holding = [at for name, at in begun.items() if at < counted and ended.get(name, 0) > made]
    assert holding
    if connection.features.has_select_for_update:
        locked = [i for i, sql in enumerate(statements) if "FOR NO KEY UPDATE" in sql]
        assert any(max(holding) < i < counted for i in locked)
    assert PersonalAccessToken.objects.filter(name="Watch").exists()


def test_it_refuses_a_revoked_token(alice_client, alice):
    token, secret = PersonalAccessToken.make(alice, "Old phone", "log")
    device = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert device.get(SPASMS).status_code == 200
    url = reverse("api_token_revoke", args=[token.pk])
    assert "“Old phone” will stop working at once" in alice_client.get(url).text

    answer = alice_client.post(url, follow=True)

    assert "The token “Old phone” no longer works." in answer.text
    assert "Revoked" in answer.text
    refused = device.get(SPASMS)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "This token is not known, or it was revoked."}
    assert post(device, SPASMS).status_code == 401
    assert not SpasmEpisode.objects.exists()


def test_it_lets_no_one_else_revoke_a_token(alice, bob):
    token, _ = PersonalAccessToken.make(alice, "Phone", "log")
    other = Client()
    other.force_login(bob)
    assert other.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer sct_not-a-real-token", "Token abc", "Bearer a b", "Basic YTpi"],
)
def test_it_refuses_a_request_without_a_known_token(alice, header):
    spasm(alice, note="PRIVATE")
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    answer = client.get(SPASMS)
    assert answer.status_code == 401
    assert "PRIVATE" not in answer.text


def test_it_refuses_the_token_of_a_closed_account(alice):
    client = api(alice)
    alice.is_active = False
    alice.save()
    assert client.get(SPASMS).status_code == 401


def test_it_ignores_a_signed_in_session(alice_client, alice):
    """Tokens only: a page in a browser cannot make the API act for whoever is signed in."""
    assert alice_client.get(SPASMS).status_code == 401
    assert post(alice_client, SPASMS).status_code == 401
    assert not SpasmEpisode.objects.exists()


def test_it_notes_when_a_token_was_last_used(alice_client, alice):
    token, secret = PersonalAccessToken.make(alice, "Phone", "read")
    device = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    first = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
    with time_machine.travel(first, tick=False):
        device.get(SPASMS)
    token.refresh_from_db()
    assert token.last_used_at == first
    with time_machine.travel(first + timedelta(seconds=30), tick=False):
        device.get(SPASMS)  # not written again within the minute
    token.refresh_from_db()
    assert token.last_used_at == first
    later = first + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        device.get(SPASMS)
    token.refresh_from_db()
    assert token.last_used_at == later
    # 11:00 UTC is midnight in Auckland, where alice lives.
    assert "last used 15 Mar 2026, 00:00." in text_of(alice_client.get(reverse("api_tokens")).text)


def test_it_goes_with_the_account(alice_client, alice):
    PersonalAccessToken.make(alice, "Phone", "log")
    alice_client.post(reverse("delete_account"), {"password": "correct horse battery staple"})
    assert not PersonalAccessToken.objects.exists()


def test_it_keeps_tokens_out_of_the_backup(alice_client, alice):
    token, secret = PersonalAccessToken.make(alice, "Phone-XYZ", "log")
    backup = alice_client.get(reverse("exports:backup"))
    body = b"".join(backup) if backup.streaming else backup.content
    assert backup.status_code == 200
    for words in (secret, token.token_hash, token.shown, "Phone-XYZ"):
        assert words.encode() not in body


# Scopes and who may do what --------------------------------------------------------------------


def test_it_lets_a_read_only_token_read_but_not_log(alice):
    spasm(alice)
    client = api(alice, "read")
    assert client.get(SPASMS).json()["count"] == 1
    for url in (SPASMS, PAINS, CHECK_INS):
        refused = post(client, url, {"intensity": 3, "psfs_frequency": 0})
        assert refused.status_code == 403
        assert refused.json() == {
            "detail": "This token may only read. Make a token that may log entries."
        }
    assert SpasmEpisode.objects.count() == 1
    assert not LegPainEntry.objects.exists()
    assert not CheckIn.objects.exists()


def test_it_lets_a_carer_log_for_the_person_they_help(alice, cara):
    client = api(cara)

    made = post(client, SPASMS, {"severity": 3}, person=alice.pk)
    pained = post(client, PAINS, {"intensity": 6}, person=alice.pk)

    assert (made.status_code, pained.status_code) == (201, 201)
    saved = SpasmEpisode.objects.get()
    assert (saved.owner, saved.logged_by, saved.severity) == (alice, cara, 3)
    assert made.json()["person"] == alice.pk
    assert made.json()["logged_by"] == cara.pk
    assert LegPainEntry.objects.get().owner == alice
    # Without `person`, the carer's own diary.
    post(client, SPASMS)
    assert SpasmEpisode.objects.filter(owner=cara).count() == 1
    listed = client.get(SPASMS, {"person": alice.pk}).json()
    assert [entry["id"] for entry in listed["results"]] == [saved.pk]


def test_it_lets_a_clinician_read_but_never_log(alice, dr_okafor):
    spasm(alice, note="Private thoughts")
    pain(alice, note="For my doctor", note_for_clinician=True)
    client = api(dr_okafor)

    spasms = client.get(SPASMS, {"person": alice.pk})
    pains = client.get(PAINS, {"person": alice.pk})
    refused = post(client, SPASMS, {"severity": 1}, person=alice.pk)

    assert spasms.status_code == 200
    # Notes as the report shows them: only those flagged for the clinician.
    assert spasms.json()["results"][0]["note"] == ""
    assert "Private thoughts" not in spasms.text
    assert pains.json()["results"][0]["note"] == "For my doctor"
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You may read this diary, but not log in it."}
    assert SpasmEpisode.objects.count() == 1
    # Alice's access log says who read what, once a day.
    client.get(SPASMS, {"person": alice.pk})
    pages = list(AccessRecord.objects.filter(person=alice).values_list("page", flat=True))
    assert sorted(pages) == ["API: leg pain", "API: spasms"]


def test_it_never_shows_or_writes_a_strangers_diary(alice, bob):
    entry = spasm(alice, note="PRIVATE-ALICE")
    client = api(bob)
    for url in (SPASMS, f"{SPASMS}{entry.pk}/", PAINS, CHECK_INS):
        answer = client.get(url, {"person": alice.pk})
        assert answer.status_code == 404, url
        assert "PRIVATE-ALICE" not in answer.text
    # Her entry's id in bob's own diary: not found either.
    assert client.get(f"{SPASMS}{entry.pk}/").status_code == 404
    for person in (alice.pk, "abc", "-1", "99999999"):
        assert post(client, SPASMS, {}, person=person).status_code == 404
    assert SpasmEpisode.objects.count() == 1


def test_it_reads_one_entry(alice):
    entry = spasm(alice, severity=2, note="Mine")
    answer = api(alice, "read").get(f"{SPASMS}{entry.pk}/")
    assert answer.status_code == 200
    assert (answer.json()["id"], answer.json()["severity"], answer.json()["note"]) == (
        entry.pk,
        2,
        "Mine",
    )
    entry.move_to_bin()
    assert api(alice, "read").get(f"{SPASMS}{entry.pk}/").status_code == 404


def test_it_shows_the_profile_with_the_people_one_may_open(alice, cara):
    answer = api(cara, "read").get("/api/v1/profile/").json()
    assert answer["email"] == "cara@example.org"
    assert answer["token_scope"] == "read"
    assert answer["people"] == [{"id": alice.pk, "name": "Alice", "role": "carer"}]


# Writes ----------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_saves_a_write_sent_twice_once(alice):
    client = api(alice)
    sent = {"severity": 2, "client_id": str(uuid4())}

    first = post(client, SPASMS, sent)
    again = post(client, SPASMS, sent)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert SpasmEpisode.objects.get().client_id is not None
    assert SpasmEpisode.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_it_saves_a_check_in_sent_twice_once_and_refuses_a_second_one_that_day(alice):
    client = api(alice)
    sent = {"psfs_frequency": 2, "psfs_severity": 1, "client_id": str(uuid4())}

    first = post(client, CHECK_INS, sent)
    again = post(client, CHECK_INS, sent)
    other = post(client, CHECK_INS, {**sent, "client_id": str(uuid4())})

    assert (first.status_code, again.status_code) == (201, 200)
    # The day in alice's zone: NOW is already the 15th in Auckland.
    assert first.json()["date"] == "2026-03-15"
    assert other.status_code == 400
    assert other.json() == {
        "date": [
            "You already have a check-in for 15 March 2026. Open it from your history to change it."
        ]
    }
    assert CheckIn.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_it_logs_a_spasm_at_the_time_given_with_its_details(alice):
    answer = post(
        api(alice),
        SPASMS,
        {
            "occurred_at": "2026-03-14T08:15:30Z",
            "severity": 3,
            "pattern": "jerky",
            "regions": ["left-leg"],
            "note": "After the transfer",
        },
    )
    assert answer.status_code == 201, answer.json()
    saved = SpasmEpisode.objects.get()
    assert saved.occurred_at == datetime(2026, 3, 14, 8, 15, 30, tzinfo=UTC)
    assert (saved.severity, saved.pattern, saved.regions) == (3, "jerky", ["left-leg"])
    assert saved.note == "After the transfer"
    # A time without an offset is read in alice's zone.
    answer = post(api(alice), PAINS, {"occurred_at": "2026-03-14 23:40", "intensity": 4})
    assert answer.status_code == 201, answer.json()
    assert LegPainEntry.objects.get().occurred_at == datetime(2026, 3, 14, 23, 40, tzinfo=AUCKLAND)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("url", "sent", "errors"),
    [
        (PAINS, {}, {"intensity": ["This field is required."]}),
        (
            SPASMS,
            {"occurred_at": "2026-03-14T12:00:00Z"},
            {"occurred_at": ["That time is in the future."]},
        ),
        (SPASMS, {"severity": 7}, {"severity": ['"7" is not a valid choice.']}),
        (SPASMS, {"client_id": "not-an-id"}, {"client_id": ["Must be a valid UUID."]}),
        (
            CHECK_INS,
            {"psfs_frequency": 2},
            {"psfs_severity": ["Say how strong the spasms were."]},
        ),
        (
            CHECK_INS,
            {"psfs_frequency": 0, "pain_worst": 3, "pain_average": 5},
            {"pain_average": ["The average cannot be higher than the worst pain of the day."]},
        ),
        (
            CHECK_INS,
            {"psfs_frequency": 0, "date": "2026-03-16"},
            {"date": ["A check-in cannot be for a day that has not come yet."]},
        ),
    ],
)
def test_it_refuses_what_the_web_form_refuses(alice, url, sent, errors):
    answer = post(api(alice), url, sent)
    assert answer.status_code == 400
    assert answer.json() == errors
    assert not SpasmEpisode.objects.exists()
    assert not LegPainEntry.objects.exists()
    assert not CheckIn.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_logs_an_as_needed_dose_once_for_the_person_a_carer_helps(alice, cara):
    pills = started_medicine(alice)
    sent = {"medicine": pills.pk, "amount": "5", "client_id": str(uuid4())}
    client = api(cara)

    first = post(client, DOSES, sent, person=alice.pk)
    again = post(client, DOSES, sent, person=alice.pk)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    taken = MedicineDose.objects.get()
    assert (taken.owner, taken.logged_by, taken.medicine) == (alice, cara, pills)
    assert (taken.status, taken.amount, taken.occurred_at) == ("taken", Decimal("5"), NOW)
    assert first.json()["amount"] == "5.000"


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_dose_the_web_page_refuses(alice, bob, dr_okafor):
    pills, others = started_medicine(alice), started_medicine(bob)
    client = api(alice)
    not_listed = post(client, DOSES, {"medicine": others.pk})
    future = post(client, DOSES, {"medicine": pills.pk, "occurred_at": "2026-03-14T12:00:00Z"})
    by_clinician = post(api(dr_okafor), DOSES, {"medicine": pills.pk}, person=alice.pk)

    assert not_listed.status_code == 400
    assert list(not_listed.json()) == ["medicine"]
    assert future.status_code == 400
    assert future.json() == {"occurred_at": ["That time is in the future."]}
    assert by_clinician.status_code == 403
    assert not MedicineDose.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_answers_a_due_dose_as_the_log_pages_one_tap(alice, cara):
    pills = started_medicine(alice)
    # NOW is 00:30 on the 15th in Auckland: the 14th's 08:00 dose is due, the 15th's is not yet.
    sent = {"medicine": pills.pk, "day": "2026-03-14", "time": "08:00", "status": "taken"}
    client = api(cara)

    first = post(client, DUE, sent, person=alice.pk)
    again = post(client, DUE, {**sent, "status": "missed"}, person=alice.pk)
    early = post(client, DUE, {**sent, "day": "2026-03-15"}, person=alice.pk)
    off_schedule = post(client, DUE, {**sent, "time": "09:00"}, person=alice.pk)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    taken = MedicineDose.objects.get()
    assert (taken.owner, taken.logged_by, taken.medicine, taken.status) == (
        alice,
        cara,
        pills,
        "taken",
    )
    assert taken.scheduled_for == datetime(2026, 3, 13, 19, 0, tzinfo=UTC)
    assert taken.occurred_at == NOW
    assert first.json()["scheduled_for"] == "2026-03-13T19:00:00Z"  # 08:00 in Auckland
    assert early.status_code == 400
    assert early.json() == {"non_field_errors": ["That dose is not due yet."]}
    assert off_schedule.json() == {
        "non_field_errors": ["That dose is not on the schedule for that day."]
    }


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_due_dose_the_one_tap_refuses(alice, bob, dr_okafor):
    pills, others = started_medicine(alice), started_medicine(bob)
    sent = {"medicine": pills.pk, "day": "2026-03-14", "time": "08:00", "status": "missed"}
    client = api(alice)

    not_listed = post(client, DUE, {**sent, "medicine": others.pk})
    no_such_time = post(client, DUE, {**sent, "time": "8 o'clock"})
    by_clinician = post(api(dr_okafor), DUE, sent, person=alice.pk)
    read_only = post(api(alice, "read"), DUE, sent)

    assert not_listed.status_code == 400
    assert not_listed.json() == {"medicine": ["That medicine is not on the list."]}
    assert list(no_such_time.json()) == ["time"]
    assert (by_clinician.status_code, read_only.status_code) == (403, 403)
    assert not MedicineDose.objects.exists()
    # And one the rule allows, missed: saved at the time it was due.
    assert post(client, DUE, sent).status_code == 201
    assert MedicineDose.objects.get().occurred_at == datetime(2026, 3, 13, 19, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_it_lists_and_reads_doses_for_who_may_read_them(alice, bob, dr_okafor):
    pills = started_medicine(alice)
    late = dose(alice, pills, occurred_at=datetime(2026, 3, 14, 10, 30, tzinfo=UTC), note="mine")
    early = dose(alice, pills, occurred_at=datetime(2026, 3, 14, 11, 0, tzinfo=UTC))
    binned = dose(alice, pills, occurred_at=NOW, deleted_at=NOW)
    dose(bob, started_medicine(bob))
    own = api(alice, "read")

    listed = own.get(DOSES).json()
    by_day = own.get(DOSES, {"from": "2026-03-15"}).json()
    paged = own.get(DOSES, {"limit": 1, "offset": 1}).json()
    theirs = api(dr_okafor, "read").get(DOSES, {"person": alice.pk}).json()

    assert [entry["id"] for entry in listed["results"]] == [early.pk, late.pk]
    assert [entry["id"] for entry in by_day["results"]] == [early.pk]  # the 15th in Auckland
    assert (paged["count"], [entry["id"] for entry in paged["results"]]) == (2, [late.pk])
    assert listed["results"][1]["note"] == "mine"
    assert [entry["id"] for entry in theirs["results"]] == [early.pk, late.pk]
    assert theirs["results"][1]["note"] == ""  # not flagged for the clinician
    assert own.get(f"{DOSES}{late.pk}/").json()["medicine"] == pills.pk
    assert own.get(f"{DOSES}{binned.pk}/").status_code == 404
    assert api(bob, "read").get(f"{DOSES}{late.pk}/").status_code == 404
    assert api(bob, "read").get(DOSES, {"person": alice.pk}).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_it_lists_the_medicines_with_what_is_in_force_today(alice, dr_okafor, bob):
    pills = started_medicine(alice)
    medicines.start_medicine(
        alice,
        alice,
        name="Gabapentin",
        unit="mg",
        route="mouth",
        reason="pain",
        dose=Decimal("300"),
        times=[],
        day=date(2026, 3, 1),
    )
    stopped = medicines.start_medicine(
        alice,
        alice,
        name="Tizanidine",
        unit="mg",
        route="mouth",
        reason="spasms",
        dose=Decimal("2"),
        times=["08:00", "20:00"],
        day=date(2026, 2, 1),
    )
    medicines.stop_medicine(stopped, alice, day=date(2026, 3, 10))

    listed = api(dr_okafor, "read").get(MEDICINES, {"person": alice.pk})

    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": pills.pk,
            "name": "Baclofen",
            "unit": "mg",
            "route": "mouth",
            "reason": "spasms",
            "current": True,
            "dose": "10.000",
            "times": ["08:00"],
            "started": "2026-03-01",
            "stopped": None,
        },
        {
            "id": pills.pk + 1,
            "name": "Gabapentin",
            "unit": "mg",
            "route": "mouth",
            "reason": "pain",
            "current": True,
            "dose": "300.000",
            "times": [],
            "started": "2026-03-01",
            "stopped": None,
        },
        {
            "id": stopped.pk,
            "name": "Tizanidine",
            "unit": "mg",
            "route": "mouth",
            "reason": "spasms",
            "current": False,
            "dose": None,
            "times": None,
            "started": "2026-02-01",
            "stopped": "2026-03-10",
        },
    ]
    assert api(bob, "read").get(MEDICINES).json() == []
    assert api(bob, "read").get(MEDICINES, {"person": alice.pk}).status_code == 404


# Lists -----------------------------------------------------------------------------------------


def test_it_lists_by_the_days_in_the_persons_zone_a_page_at_a_time(alice, bob):
    # 10:30 UTC on the 14th is 23:30 on the 14th in Auckland; 11:30 is 00:30 on the 15th.
    late = spasm(alice, occurred_at=datetime(2026, 3, 14, 10, 30, tzinfo=UTC))
    early = spasm(alice, occurred_at=datetime(2026, 3, 14, 11, 30, tzinfo=UTC))
    older = [spasm(alice, occurred_at=NOW - timedelta(days=days)) for days in range(2, 6)]
    spasm(bob)
    client = api(alice, "read")

    def ids(**query):
        return [entry["id"] for entry in client.get(SPASMS, query).json()["results"]]

    assert ids(**{"from": "2026-03-15"}) == [early.pk]
    assert ids(to="2026-03-14") == [late.pk, *(entry.pk for entry in older)]
    assert ids(**{"from": "2026-03-14", "to": "2026-03-14"}) == [late.pk]
    first_page = client.get(SPASMS, {"limit": 2}).json()
    assert first_page["count"] == 6
    assert [entry["id"] for entry in first_page["results"]] == [early.pk, late.pk]
    assert "offset=2" in first_page["next"]
    assert ids(limit=2, offset=2) == [older[0].pk, older[1].pk]


def test_it_lists_check_ins_by_their_day(alice):
    for day in (12, 13, 14):
        CheckIn.objects.create(
            owner=alice, logged_by=alice, date=date(2026, 3, day), psfs_frequency=0
        )
    answer = api(alice, "read").get(CHECK_INS, {"from": "2026-03-13"}).json()
    assert [entry["date"] for entry in answer["results"]] == ["2026-03-14", "2026-03-13"]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            {"from": "yesterday"},
            {"from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {"from": "2026-03-14", "to": "2026-03-01"},
            {"to": ["The last day comes before the first."]},
        ),
        ({"to": "1800-01-01"}, {"to": ["Choose a day from 1 Jan 1900 to 31 Dec 2999."]}),
    ],
)
def test_it_refuses_days_it_cannot_read(alice, query, errors):
    answer = api(alice, "read").get(SPASMS, query)
    assert answer.status_code == 400
    assert answer.json() == errors


# Trends ----------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_gives_the_same_trends_figures_as_the_web_page(alice, dr_okafor, bob):
    for days in range(0, 20, 3):
        spasm(alice, occurred_at=NOW - timedelta(days=days), severity=2)
        pain(alice, occurred_at=NOW - timedelta(days=days, hours=1), intensity=days % 10)
    web = Client()
    web.force_login(alice)
    days = {"from": "2026-03-01", "to": "2026-03-15"}

    own = api(alice, "read").get("/api/v1/trends/", days)
    theirs = api(dr_okafor, "read").get("/api/v1/trends/", {**days, "person": alice.pk})

    assert own.status_code == 200
    assert own.json() == web.get("/trends/data.json", days).json()
    assert sum(count or 0 for count in own.json()["spasms"]["count"]) == 5
    assert theirs.json() == own.json()
    # The last 30 days without a range, as data.json.
    assert api(alice, "read").get("/api/v1/trends/").json() == web.get("/trends/data.json").json()
    assert api(bob, "read").get("/api/v1/trends/", {"person": alice.pk}).status_code == 404


def test_it_refuses_a_trends_range_it_cannot_read(alice):
    answer = api(alice, "read").get("/api/v1/trends/", {"from": "2026-03-14", "to": "2026-03-01"})
    assert answer.status_code == 400
    assert "to" in answer.json()


# Rate limit and documents ----------------------------------------------------------------------


@override_settings(API_TOKEN_REQUEST_LIMIT=3)
def test_it_limits_the_requests_of_each_token(alice):
    client, other = api(alice), api(alice)
    first = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
    with time_machine.travel(first, tick=False):
        assert [client.get(SPASMS).status_code for _ in range(3)] == [200, 200, 200]
        refused = client.get(SPASMS)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "60"
        assert post(client, SPASMS).status_code == 429
        # Another token of the same account counts on its own.
        assert other.get(SPASMS).status_code == 200


def test_it_publishes_an_openapi_document_of_every_operation(db):
    document = Client().get("/api/v1/openapi.json")
    assert document.status_code == 200
    schema = document.json()
    assert schema["openapi"].startswith("3.")
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations == {
        ("get", "/api/v1/profile/"),
        ("get", "/api/v1/spasms/"),
        ("post", "/api/v1/spasms/"),
        ("get", "/api/v1/spasms/{id}/"),
        ("get", "/api/v1/pains/"),
        ("post", "/api/v1/pains/"),
        ("get", "/api/v1/pains/{id}/"),
        ("get", "/api/v1/check-ins/"),
        ("post", "/api/v1/check-ins/"),
        ("get", "/api/v1/check-ins/{id}/"),
        ("get", "/api/v1/trends/"),
        ("post", "/api/v1/say-it/"),
        ("get", "/api/v1/doses/"),
        ("post", "/api/v1/doses/"),
        ("get", "/api/v1/doses/{id}/"),
        ("post", "/api/v1/doses/due/"),
        ("get", "/api/v1/medicines/"),
    }
    assert schema["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
    }
    listed = schema["paths"]["/api/v1/spasms/"]["get"]
    assert {"limit", "offset", "from", "to", "person"} <= {p["name"] for p in listed["parameters"]}
    page = listed["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert page == "#/components/schemas/PaginatedSpasmOutList"
    spasm_in = schema["components"]["schemas"]["SpasmIn"]["properties"]
    assert spasm_in["client_id"]["format"] == "uuid"


def test_it_serves_the_interactive_docs_from_its_own_files(db):
    page = Client().get("/api/v1/docs/")
    assert page.status_code == 200
    scripts = [part.split('"')[0] for part in page.text.split('src="')[1:]]
    styles = [part.split('"')[0] for part in page.text.split('href="')[1:]]
    assert scripts
    assert all(src.startswith("/") and not src.startswith("//") for src in scripts)
    assert all(href.startswith("/") and not href.startswith("//") for href in styles)
    assert "<style" not in page.text
    assert "<script>" not in page.text
    for url in [*scripts, *styles]:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    setup = Client().get("/api/v1/docs/?script=")
    assert setup["Content-Type"] == "application/javascript"
    assert "/api/v1/openapi.json" in setup.text


# Errors ----------------------------------------------------------------------------------------


def assert_json_error(answer, status):
    assert answer.status_code == status
    assert answer["Content-Type"] == "application/json"
    assert list(answer.json()) == ["detail"]
    assert answer.json()["detail"]
    return answer.json()["detail"]


def test_it_answers_an_address_it_does_not_have_in_json(alice):
    client = api(alice, "read")
    assert assert_json_error(client.get("/api/v1/nothing/"), 404) == (
        "Nothing here: no such address or entry."
    )
    assert_json_error(client.get("/api/v1/spasms/not-a-number/"), 404)
    assert_json_error(Client().get("/api/v1/nothing/"), 404)
    assert_json_error(client.get(f"{SPASMS}999999/"), 404)
    # Outside the API, the site's own page.
    assert Client().get("/nothing/")["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_it_answers_a_method_it_refuses_in_json(alice, method):
    answer = getattr(api(alice), method)(SPASMS)
    assert assert_json_error(answer, 405) == "This address does not take that method."
    assert answer["Allow"] == "GET, HEAD, POST"
    assert not SpasmEpisode.objects.exists()


def failing(error):
    def fail(*args, **kwargs):
        raise error

    return fail


def test_it_answers_a_server_error_in_json(alice, monkeypatch):
    monkeypatch.setattr("sci_tracker.api.views.roles_of", failing(RuntimeError("a bug")))
    _token, secret = PersonalAccessToken.make(alice, "Phone", "read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", raise_request_exception=False)
    assert assert_json_error(client.get("/api/v1/profile/"), 500) == (
        "Something went wrong on the server. Nothing was saved; try again later."
    )


def test_it_answers_a_database_that_failed_with_a_json_503(alice, monkeypatch):
    monkeypatch.setattr("sci_tracker.api.views.roles_of", failing(OperationalError("gone")))
    monkeypatch.setattr("sci_tracker.api.entries.save_once", failing(OperationalError("gone")))
    _token, secret = PersonalAccessToken.make(alice, "Phone", "log")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", raise_request_exception=False)

    read = client.get("/api/v1/profile/")
    written = post(client, SPASMS, {"severity": "2"})

    for answer in (read, written):
        assert assert_json_error(answer, 503) == (
            "The database is not available just now. Nothing was saved; try again."
        )
        assert answer["Retry-After"] == "10"
    assert not SpasmEpisode.objects.exists()


def test_it_answers_a_request_for_another_host_in_json(alice):
    _token, secret = PersonalAccessToken.make(alice, "Phone", "read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST="elsewhere.example")
    assert (
        assert_json_error(client.get("/api/v1/profile/"), 400) == "The request could not be read."
    )
