"""Sign-in cannot be guessed around or flooded: one lockout per account whatever the spelling of
its address, on /accounts/login/ and /admin/login/ alike; a limit per address of origin across
accounts; and a throttle that refuses password posts before any password is hashed."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD, make_user

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
WRONG = "not the password"
# One address, typed five ways: case, spaces, a full-width letter in the domain (NFKC).
SPELLINGS = [
    "alice@example.org",
    "ALICE@example.org",
    " Alice@Example.ORG ",
    "alice@\uff45xample.org",
    "aLiCe@EXAMPLE.org",
]


def sign_in(client, email, password=WRONG, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def admin_sign_in(client, email, password=WRONG):
    data = {"username": email, "password": password, "next": "/admin/"}
    return client.post("/admin/login/", data)


def signed_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hashes(monkeypatch):
    """How many times a password was hashed, to check or to set (the tests' hasher is MD5)."""
    calls = []
    encode, verify = MD5PasswordHasher.encode, MD5PasswordHasher.verify

    def counted(method):
        def wrapper(self, *args, **kwargs):
            calls.append(method.__name__)
            return method(self, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted(encode))
    monkeypatch.setattr(MD5PasswordHasher, "verify", counted(verify))
    return calls


def test_it_shares_one_lockout_between_spellings_of_an_address(client, alice, frozen):
    for spelling in SPELLINGS[:4]:
        assert sign_in(client, spelling).status_code == 200
    response = sign_in(client, SPELLINGS[4])
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert "5 wrong passwords in a row for this account" in response.text
    for spelling in SPELLINGS:
        response = sign_in(client, spelling, PASSWORD)
        assert response.status_code == 429
        assert not signed_in(client)
    # One count, under the address as it is compared.
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["alice@example.org"]


def test_it_shares_the_lockout_with_the_admin_sign_in(client, staff, frozen):
    for spelling in ["STAFF@example.org", "\uff33taff@example.org ", "staff@EXAMPLE.ORG"]:
        assert admin_sign_in(client, spelling).status_code == 200
    assert sign_in(client, "Staff@Example.org").status_code == 200
    assert admin_sign_in(client, "sTaFf@example.org").status_code == 429
    # Locked on both doors, in every spelling, even with the right password.
    assert admin_sign_in(client, "staff@example.org", PASSWORD).status_code == 429
    assert sign_in(client, "STAFF@EXAMPLE.ORG", PASSWORD).status_code == 429
    assert not signed_in(client)


def test_it_keeps_the_lock_when_another_spelling_brings_the_right_password(client, alice, frozen):
    for _ in range(5):
        sign_in(client, "alice@example.org")
    response = sign_in(client, "ALICE@EXAMPLE.ORG", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    attempt = AccessAttempt.objects.get(username="alice@example.org")
    assert attempt.failures_since_start >= 5
    assert sign_in(client, "alice@example.org", PASSWORD).status_code == 429
    # The pause ends after its 15 minutes, and then the right password works.
    frozen.shift(timedelta(minutes=16))
    assert sign_in(client, "Alice@example.org", PASSWORD).status_code == 302
    assert signed_in(client)


def guess_across_accounts(client, people, rounds, frozen):
    """Wrong passwords at each person in turn, 13 seconds apart (under the throttle's 10 a
    minute), as a patient guesser would; returns the status of every answer."""
    answers = []
    for _ in range(rounds):
        for person in people:
            answers.append(sign_in(client, person.email).status_code)
            frozen.shift(timedelta(seconds=13))
    return answers


@pytest.mark.parametrize("own_success", [False, True])
def test_it_pauses_an_address_that_guesses_across_many_accounts(client, db, frozen, own_success):
    people = [make_user(f"person{n}") for n in range(10)]
    mine = make_user("guesser")
    answers = guess_across_accounts(client, people, 2, frozen)
    if own_success:  # signing in to one's own account does not buy more guesses
        assert sign_in(client, mine.email, PASSWORD).status_code == 302
        client.logout()
        frozen.shift(timedelta(seconds=13))
    answers += guess_across_accounts(client, people, 1, frozen)
    # 30 failures, 3 for each account: no account reached its own 5, the address reached 30.
    assert answers[:29] == [200] * 29
    assert answers[29] == 429
    response = sign_in(client, make_user("newcomer").email, PASSWORD)
    assert response.status_code == 429
    assert "30 wrong passwords from your address" in response.text
    assert not signed_in(client)
    # Other addresses sign in as usual.
    other = client.__class__(REMOTE_ADDR="198.51.100.7")
    assert sign_in(other, people[0].email, PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXIES=1)
def test_it_counts_each_visitor_behind_the_proxy_on_its_own(client, alice, frozen):
    behind_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(5):
        sign_in(client, "alice@example.org", HTTP_X_FORWARDED_FOR="203.0.113.5", **behind_proxy)
    assert (
        sign_in(
            client,
            "alice@example.org",
            PASSWORD,
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            **behind_proxy,
        ).status_code
        == 429
    )
    # Alice herself, at another address behind the same proxy, is not locked out.
    response = sign_in(
        client, "alice@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.44", **behind_proxy
    )
    assert response.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


PASSWORD_FORMS = [
    ("login", {"username": "alice@example.org", "password": PASSWORD}, False),
    ("admin:login", {"username": "alice@example.org", "password": PASSWORD}, False),
    (
        "signup",
        {
            "email": "new@example.org",
            "display_name": "New",
            "time_zone": "UTC",
            "password1": "a sound new password 2026",
            "password2": "a sound new password 2026",
        },
        False,
    ),
    (
        "password_change",
        {
            "old_password": PASSWORD,
            "new_password1": "another passphrase 77",
            "new_password2": "another passphrase 77",
        },
        True,
    ),
    ("delete_account", {"password": PASSWORD}, True),
]


@pytest.mark.parametrize(("name", "data", "as_alice"), PASSWORD_FORMS)
def test_it_refuses_a_password_flood_before_hashing(
    client, alice, frozen, hashes, name, data, as_alice
):
    # Ten wrong passwords, each at a different unknown address (no lockout), each hashed once.
    for n in range(10):
        assert sign_in(client, f"nobody{n}@example.org").status_code == 200
    assert len(hashes) == 10
    if as_alice:
        client.force_login(alice)
    response = client.post(reverse(name), data)
    assert response.status_code == 429
    assert "Too many tries" in response.text
    assert "more than 10 times in a minute from your address" in response.text
    assert len(hashes) == 10  # refused before any password was hashed
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)  # nothing changed, nothing deleted
    # A minute later the same form is answered again.
    frozen.shift(timedelta(seconds=61))
    assert client.post(reverse(name), data).status_code != 429
    assert len(hashes) > 10


def test_it_lets_other_addresses_post_while_one_is_throttled(client, alice, frozen):
    for n in range(11):
        sign_in(client, f"nobody{n}@example.org")
    assert sign_in(client, "alice@example.org", PASSWORD).status_code == 429
    other = client.__class__(REMOTE_ADDR="198.51.100.7")
    assert sign_in(other, "alice@example.org", PASSWORD).status_code == 302
