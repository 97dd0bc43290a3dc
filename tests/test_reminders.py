"""Daily check-in reminders: when they fall due across clock changes, Web Push to a fake push
service (decrypted here as a phone would), e-mail with its stop link, once a day however many
workers run, and the settings page."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time as time_module
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import get_language

from sci_tracker.accounts.models import User
from sci_tracker.reminders import channels, schedule, worker
from sci_tracker.reminders.management.commands import send_reminders
from sci_tracker.reminders.models import PushSubscription, ReminderSettings, SentReminder
from tests.conftest import make_user
from tests.entries import checkin
from tests.push_service import Device, PushService, vapid_claims
from tests.test_concurrency import ROOT, migrated_data_folder

LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def remind(user, first=time(20, 0), second=None, *, push=True, email=False, quiet=(None, None)):
    return ReminderSettings.objects.create(
        user=user,
        first_at=first,
        second_at=second,
        quiet_from=quiet[0],
        quiet_until=quiet[1],
        by_push=push,
        by_email=email,
    )


def subscribe(user, device):
    return PushSubscription.objects.create(
        user=user, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth
    )


def round_at(moment):
    with time_machine.travel(moment, tick=False):
        return worker.send_round()


# When a reminder falls due --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "at", "due"),
    [
        # London, an ordinary evening either side of the spring change: 20:00 on the clock.
        (LONDON, date(2026, 3, 28), time(20, 0), utc(2026, 3, 28, 20, 0)),
        (LONDON, date(2026, 3, 29), time(20, 0), utc(2026, 3, 29, 19, 0)),
        # 29 March 2026, 01:00 GMT became 02:00 BST: 01:30 never came; 02:00 is the next minute.
        (LONDON, date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 0)),
        (LONDON, date(2026, 3, 29), time(1, 59), utc(2026, 3, 29, 1, 0)),
        # 25 October 2026, 02:00 BST became 01:00 GMT: 01:30 came twice; the first one.
        (LONDON, date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
        (LONDON, date(2026, 10, 25), time(20, 0), utc(2026, 10, 25, 20, 0)),
        # Auckland: 27 September 2026, 02:00 NZST became 03:00 NZDT.
        (AUCKLAND, date(2026, 9, 27), time(2, 30), utc(2026, 9, 26, 14, 0)),
        (AUCKLAND, date(2026, 9, 26), time(20, 0), utc(2026, 9, 26, 8, 0)),
        (AUCKLAND, date(2026, 9, 27), time(20, 0), utc(2026, 9, 27, 7, 0)),
        # 5 April 2026, 03:00 NZDT became 02:00 NZST: 02:30 came twice; the first (UTC+13).
        (AUCKLAND, date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 13, 30)),
    ],
)
def test_it_finds_the_moment_a_local_time_falls_due(zone, day, at, due):
    assert schedule.due_at(day, at, zone) == due


@pytest.mark.parametrize(
    ("local", "start", "end", "quiet"),
    [
        (time(23, 0), time(22, 0), time(7, 0), True),
        (time(6, 59), time(22, 0), time(7, 0), True),
        (time(7, 0), time(22, 0), time(7, 0), False),
        (time(21, 59), time(22, 0), time(7, 0), False),
        (time(13, 30), time(13, 0), time(14, 0), True),
        (time(14, 0), time(13, 0), time(14, 0), False),
        (time(13, 30), None, None, False),
    ],
)
def test_it_knows_quiet_hours_across_midnight(local, start, end, quiet):
    assert schedule.in_quiet_hours(local, start, end) is quiet


# Across the clock changes, in two zones -------------------------------------------------------


def test_it_sends_at_the_chosen_london_evening_time_either_side_of_the_spring_change(db):
    person = make_user("lena", time_zone="Europe/London")
    remind(person, push=False, email=True)
    assert round_at(utc(2026, 3, 28, 19, 59))["early"] == 1
    assert round_at(utc(2026, 3, 28, 20, 0))["sent"] == 1  # 20:00 GMT
    assert round_at(utc(2026, 3, 29, 18, 59))["early"] == 1
    assert round_at(utc(2026, 3, 29, 19, 0))["sent"] == 1  # 20:00 BST
    assert len(mail.outbox) == 2
    assert list(SentReminder.objects.values_list("local_date", flat=True).order_by("pk")) == [
        date(2026, 3, 28),
        date(2026, 3, 29),
    ]


def test_it_sends_a_time_the_clocks_skipped_at_the_next_minute_that_exists(db):
    person = make_user("lena", time_zone="Europe/London")
    remind(person, first=time(1, 30), push=False, email=True)
    assert round_at(utc(2026, 3, 29, 0, 59))["early"] == 1  # 00:59 GMT
    assert mail.outbox == []
    assert round_at(utc(2026, 3, 29, 1, 0))["sent"] == 1  # 02:00 BST, the first minute after
    assert len(mail.outbox) == 1


def test_it_sends_a_time_the_clocks_went_through_twice_once(db):
    person = make_user("lena", time_zone="Europe/London")
    remind(person, first=time(1, 30), push=False, email=True)
    assert round_at(utc(2026, 10, 25, 0, 30))["sent"] == 1  # the first 01:30 (BST)
    assert round_at(utc(2026, 10, 25, 1, 30))["already sent"] == 1  # the second (GMT)
    assert len(mail.outbox) == 1


def test_it_follows_auckland_across_both_of_its_clock_changes(db):
    person = make_user("aroha", time_zone="Pacific/Auckland")
    remind(person, first=time(2, 30), second=time(20, 0), push=False, email=True)
    # Spring: 02:30 on 27 September never comes; 03:00 NZDT (14:00 UTC the day before) does.
    assert round_at(utc(2026, 9, 26, 13, 59))["early"] == 2
    assert round_at(utc(2026, 9, 26, 14, 0))["sent"] == 1
    assert round_at(utc(2026, 9, 27, 7, 0))["sent"] == 1  # 20:00 NZDT
    # Autumn: 02:30 on 5 April comes twice, at 13:30 and 14:30 UTC: one reminder.
    assert round_at(utc(2026, 4, 4, 13, 30))["sent"] == 1
    assert round_at(utc(2026, 4, 4, 14, 30))["already sent"] == 1
    assert round_at(utc(2026, 4, 5, 8, 0))["sent"] == 1  # 20:00 NZST
    assert len(mail.outbox) == 4
    assert set(SentReminder.objects.values_list("local_date", "slot")) == {
        (date(2026, 9, 27), 1),
        (date(2026, 9, 27), 2),
        (date(2026, 4, 5), 1),
        (date(2026, 4, 5), 2),
    }


# After the worker was down, and quiet hours ---------------------------------------------------


def test_it_sends_a_late_reminder_that_is_still_useful_and_skips_a_stale_one(db):
    person = make_user("lena", time_zone="Europe/London")
    remind(person, first=time(9, 0), second=time(12, 0), push=False, email=True)
    # The worker comes back at 14:30 BST: 09:00 is 5½ hours late, 12:00 only 2½.
    counts = round_at(utc(2026, 6, 1, 13, 30))
    assert (counts["stale"], counts["sent"]) == (1, 1)
    assert list(SentReminder.objects.values_list("slot", flat=True)) == [2]
    assert [message.subject for message in mail.outbox] == ["Your daily check-in is still waiting"]


def test_it_never_sends_yesterdays_reminder_after_midnight(db):
    person = make_user("lena", time_zone="Europe/London")
    remind(person, first=time(23, 50), push=False, email=True)
    counts = round_at(utc(2026, 6, 1, 23, 10))  # 00:10 BST on the 2nd: the 1st has ended
    assert (counts["early"], counts["sent"]) == (1, 0)
    assert mail.outbox == []


def test_it_holds_a_late_reminder_through_quiet_hours_then_sends_it(db):
    person = make_user("lena", time_zone="Europe/London")
    remind(person, first=time(12, 50), push=False, email=True, quiet=(time(13, 0), time(14, 0)))
    assert round_at(utc(2026, 6, 1, 12, 10))["quiet"] == 1  # 13:10 BST: quiet
    assert mail.outbox == []
    assert round_at(utc(2026, 6, 1, 13, 0))["sent"] == 1  # 14:00: quiet hours over
    assert len(mail.outbox) == 1


def test_it_drops_a_reminder_that_quiet_hours_held_too_long(db):
    person = make_user("lena", time_zone="Europe/London")
    remind(person, first=time(21, 0), push=False, email=True, quiet=(time(21, 30), time(7, 0)))
    assert round_at(utc(2026, 6, 1, 20, 45))["quiet"] == 1  # 21:45 BST, worker just back
    assert round_at(utc(2026, 6, 2, 6, 0))["sent"] == 0  # 07:00 next day: another day
    assert mail.outbox == []


# Not after a check-in --------------------------------------------------------------------------


def test_it_sends_nothing_once_that_days_check_in_exists(db, push_service):
    person = make_user("lena", time_zone="Europe/London")
    remind(person, second=time(21, 0), email=True)
    device = push_service.device()
    subscribe(person, device)
    checkin(person, date(2026, 6, 1))
    assert round_at(utc(2026, 6, 1, 19, 0))["checked in"] == 1  # 20:00 BST
    assert round_at(utc(2026, 6, 1, 20, 0))["checked in"] == 2  # 21:00 BST: both
    assert push_service.received == []
    assert mail.outbox == []
    assert not SentReminder.objects.exists()


def test_it_judges_the_check_in_by_the_persons_own_day(db):
    # 09:30 UTC on 1 June is 21:30 on 1 June in Auckland: a check-in for 31 May does not count.
    person = make_user("aroha", time_zone="Pacific/Auckland")
    remind(person, first=time(21, 30), push=False, email=True)
    checkin(person, date(2026, 5, 31))
    assert round_at(utc(2026, 6, 1, 9, 30))["sent"] == 1
    binned = checkin(person, date(2026, 6, 2))
    binned.move_to_bin()  # a check-in in the bin is not done either
    assert round_at(utc(2026, 6, 2, 9, 30))["sent"] == 1


# Web Push ------------------------------------------------------------------------------------


def test_it_sends_an_encrypted_push_that_the_device_can_read(db, push_service):
    person = make_user("lena", time_zone="Europe/London")
    remind(person)
    device = push_service.device()
    subscribe(person, device)
    assert round_at(utc(2026, 6, 1, 19, 0))["sent"] == 1

    [message] = push_service.received
    assert message.path == "/push/phone"
    assert message.headers["content-encoding"] == "aes128gcm"
    assert message.headers["ttl"] == str(3 * 60 * 60)
    assert device.decrypt(message.body) == {
        "title": "Time for your daily check-in",
        "body": "How were spasms and pain today? It takes a minute.",
        "url": "/log/checkin/",
        "tag": "daily-check-in",
    }
    claims = vapid_claims(message.headers, channels.public_key())
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == "mailto:noreply@localhost"
    assert SentReminder.objects.get().channels == "push"


def test_it_sends_to_every_device_of_the_person_and_no_one_elses(db, push_service):
    person = make_user("lena", time_zone="Europe/London")
    other = make_user("otto", time_zone="Europe/London")
    remind(person)
    phone, laptop, others = (push_service.device(n) for n in ("phone", "laptop", "others"))
    subscribe(person, phone)
    subscribe(person, laptop)
    subscribe(other, others)  # otto has no reminders set
    round_at(utc(2026, 6, 1, 19, 0))
    assert sorted(m.path for m in push_service.received) == ["/push/laptop", "/push/phone"]
    by_path = {m.path: m for m in push_service.received}
    assert phone.decrypt(by_path["/push/phone"].body)["url"] == "/log/checkin/"
    assert laptop.decrypt(by_path["/push/laptop"].body)["url"] == "/log/checkin/"


@pytest.mark.parametrize("status", [404, 410])
def test_it_removes_a_subscription_the_push_service_says_has_ended(db, push_service, status):
    person = make_user("lena", time_zone="Europe/London")
    remind(person)
    gone, kept = push_service.device("gone"), push_service.device("kept")
    subscribe(person, gone)
    subscribe(person, kept)
    push_service.status["/push/gone"] = status
    assert round_at(utc(2026, 6, 1, 19, 0))["sent"] == 1
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept.endpoint]


def test_it_keeps_a_subscription_when_the_push_service_fails_for_a_while(db, push_service):
    person = make_user("lena", time_zone="Europe/London")
    remind(person)
    device = push_service.device()
    subscribe(person, device)
    push_service.status["/push/phone"] = 503
    assert round_at(utc(2026, 6, 1, 19, 0))["failed"] == 1
    assert PushSubscription.objects.count() == 1
    # Claimed, so not tried again every minute: one missed reminder, never a flood.
    assert round_at(utc(2026, 6, 1, 19, 1))["already sent"] == 1
    assert len(push_service.received) == 1


def test_it_does_not_claim_a_reminder_with_nowhere_to_go(db):
    person = make_user("lena", time_zone="Europe/London", confirmed=False)
    remind(person, email=True)  # push on but no device; e-mail on but the address unproven
    assert round_at(utc(2026, 6, 1, 19, 0))["nowhere to send"] == 1
    assert not SentReminder.objects.exists()
    assert mail.outbox == []


# E-mail and its stop link ---------------------------------------------------------------------


def test_it_writes_reminders_in_the_language_on_the_persons_profile(db):
    for name, language in (("lucia", "es"), ("lena", "")):
        remind(
            make_user(name, time_zone="Europe/London", language=language), push=False, email=True
        )
    round_at(utc(2026, 6, 1, 19, 0))
    sent = {message.to[0]: message for message in mail.outbox}
    spanish = sent["lucia@example.org"]
    assert spanish.subject == "Es hora de su revisión diaria"
    assert spanish.body.startswith(
        "¿Cómo han ido hoy los espasmos y el dolor? Solo lleva un minuto."
    )
    assert "Para dejar de recibir estos correos, abra este enlace:" in spanish.body
    assert sent["lena@example.org"].subject == "Time for your daily check-in"


def test_it_e_mails_a_reminder_with_a_one_click_stop_link(db, client):
    person = make_user("lena", time_zone="Europe/London")
    remind(person, push=False, email=True)
    round_at(utc(2026, 6, 1, 19, 0))
    [message] = mail.outbox
    assert message.to == ["lena@example.org"]
    assert message.subject == "Time for your daily check-in"
    assert "http://127.0.0.1:8000/log/checkin/" in message.body
    stop = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert stop.startswith("http://127.0.0.1:8000/reminders/stop-email/")
    assert stop in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = stop.removeprefix("http://127.0.0.1:8000")

    # Opening the link (or a mail scanner following it) only asks.
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop reminder e-mails?" in page.text
    assert ReminderSettings.objects.get().by_email is True
    # The button; as a mail program's one-click POST, with no cookie and no CSRF token.
    one_click = Client(enforce_csrf_checks=True)
    done = one_click.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "You will get no more daily check-in reminders by e-mail." in done.text
    assert ReminderSettings.objects.get().by_email is False
    assert round_at(utc(2026, 6, 2, 19, 0))["sent"] == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("key", ["x" * 40, "1:abc", "", "eyJ1c2VyIjoxfQ:forged:sig"])
def test_it_refuses_a_stop_link_that_is_not_ours(db, client, key):
    person = make_user("lena")
    remind(person, push=False, email=True)
    url = f"/reminders/stop-email/{key}/" if key else "/reminders/stop-email/%20/"
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        assert "This link does not work" in response.text
    assert ReminderSettings.objects.get().by_email is True


def test_it_signs_stop_links_with_their_own_salt(db):
    from django.core import signing

    person = make_user("lena")
    other_salt = signing.dumps({"user": person.pk}, salt="sci_tracker.accounts.confirm-email")
    assert channels.stop_key_user_id(other_salt) is None
    assert channels.stop_key_user_id(channels.stop_key(person)) == person.pk


# Two workers at once ---------------------------------------------------------------------------


def test_it_lets_only_the_first_claim_of_a_reminder_through(db):
    person = make_user("lena")
    now = utc(2026, 6, 1, 19, 0)
    assert worker.claim(person.pk, 1, date(2026, 6, 1), now) is True
    assert worker.claim(person.pk, 1, date(2026, 6, 1), now) is False  # the constraint says no
    assert worker.claim(person.pk, 2, date(2026, 6, 1), now) is True
    assert worker.claim(person.pk, 1, date(2026, 6, 2), now) is True
    assert SentReminder.objects.count() == 3


# The command -----------------------------------------------------------------------------------


def test_it_sends_once_from_the_command_for_cron(db, push_service):
    person = make_user("lena", time_zone="Europe/London")
    remind(person)
    subscribe(person, push_service.device())
    with time_machine.travel(utc(2026, 6, 1, 19, 0), tick=False):
        call_command("send_reminders", "--once")
        call_command("send_reminders", "--once")
    assert len(push_service.received) == 1


def test_it_runs_rounds_until_sigterm_then_stops_cleanly(db, monkeypatch, capsys):
    rounds = []

    def fake_round():
        rounds.append(1)
        if len(rounds) == 2:
            os.kill(os.getpid(), signal.SIGTERM)  # as systemd stops the service
        return {}

    monkeypatch.setattr(send_reminders, "send_round", fake_round)
    waits = []
    real_wait = send_reminders.threading.Event.wait

    def wait(event, timeout=None):
        waits.append(timeout)
        return real_wait(event, 0) if not event.is_set() else True

    monkeypatch.setattr(send_reminders.threading.Event, "wait", wait)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        call_command("send_reminders", "--interval", "3600")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    assert len(rounds) == 2  # the round that got the signal finished; no third began
    assert waits == [3600, 3600]
    assert "Reminder worker stopped." in capsys.readouterr().out


# The settings page ---------------------------------------------------------------------------


def test_it_links_the_reminders_from_the_profile(alice_client):
    assert 'href="/reminders/"' in alice_client.get(reverse("profile")).text


def test_it_saves_the_reminder_settings(alice_client, alice):
    page = alice_client.get(reverse("reminders:settings"))
    assert page.status_code == 200
    assert "Pacific/Auckland" in page.text
    assert f'data-push-key="{channels.public_key()}"' in page.text
    assert "Notifications go to 0 devices." in page.text
    response = alice_client.post(
        reverse("reminders:settings"),
        {
            "first_at": "20:30",
            "second_at": "21:45",
            "quiet_from": "22:00",
            "quiet_until": "07:00",
            "by_email": "on",
        },
        follow=True,
    )
    assert "Your reminders are saved." in response.text
    row = ReminderSettings.objects.get(user=alice)
    assert (row.first_at, row.second_at) == (time(20, 30), time(21, 45))
    assert (row.quiet_from, row.quiet_until) == (time(22, 0), time(7, 0))
    assert (row.by_push, row.by_email) == (False, True)
    assert 'value="20:30"' in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"second_at": "21:00"}, "Choose the time of the first reminder, or clear the second."),
        ({"first_at": "21:00", "second_at": "21:00"}, "Choose a different time from the first"),
        ({"first_at": "21:00", "quiet_from": "22:00"}, "Give both ends of the quiet hours"),
        (
            {"first_at": "21:00", "quiet_from": "22:00", "quiet_until": "22:00"},
            "Quiet hours must end at a different time than they start.",
        ),
        (
            {"first_at": "23:00", "quiet_from": "22:00", "quiet_until": "07:00"},
            "This time is in your quiet hours",
        ),
        ({"first_at": "25:00"}, "Enter a time as hours and minutes, as in 20:30."),
    ],
)
def test_it_explains_reminder_settings_it_cannot_keep(alice_client, data, message):
    response = alice_client.post(reverse("reminders:settings"), data)
    assert response.status_code == 200
    assert message in response.text
    assert not ReminderSettings.objects.exists()


# Devices -------------------------------------------------------------------------------------


def post_json(client, url, data):
    import json

    return client.post(url, json.dumps(data), content_type="application/json")


def test_it_keeps_a_devices_subscription_and_forgets_it_on_request(alice_client, alice):
    with PushService() as service:
        device = service.device()
    data = device.subscription_json() | {"endpoint": "https://push.example.net/abc"}
    response = post_json(alice_client, reverse("reminders:add_device"), data)
    assert response.status_code == 201
    assert response.json() == {"devices": 1}
    row = PushSubscription.objects.get()
    assert (row.user, row.endpoint, row.p256dh, row.auth) == (
        alice,
        "https://push.example.net/abc",
        device.p256dh,
        device.auth,
    )
    # The same device again (a page reload): still one.
    assert post_json(alice_client, reverse("reminders:add_device"), data).json() == {"devices": 1}
    response = post_json(
        alice_client, reverse("reminders:remove_device"), {"endpoint": data["endpoint"]}
    )
    assert response.json() == {"devices": 0}
    assert not PushSubscription.objects.exists()


def test_it_gives_a_shared_devices_reminders_to_the_one_signed_in_now(client, alice, bob):
    data = {
        "endpoint": "https://push.example.net/shared",
        "keys": PushService().device().subscription_json()["keys"],
    }
    client.force_login(alice)
    post_json(client, reverse("reminders:add_device"), data)
    client.force_login(bob)
    post_json(client, reverse("reminders:add_device"), data)
    assert list(PushSubscription.objects.values_list("user__email", flat=True)) == [
        "bob@example.org"
    ]


def test_it_never_removes_another_persons_device(client, alice, bob):
    theirs = PushSubscription.objects.create(
        user=bob, endpoint="https://push.example.net/bob", p256dh="x", auth="y"
    )
    client.force_login(alice)
    response = post_json(client, reverse("reminders:remove_device"), {"endpoint": theirs.endpoint})
    assert response.json() == {"devices": 0}
    assert PushSubscription.objects.filter(pk=theirs.pk).exists()


# Account deletion -----------------------------------------------------------------------------


def test_it_deletes_reminders_devices_and_their_record_with_the_account(db):
    person = make_user("lena")
    remind(person)
    PushSubscription.objects.create(
        user=person, endpoint="https://push.example.net/a", p256dh="x", auth="y"
    )
    worker.claim(person.pk, 1, date(2026, 6, 1), utc(2026, 6, 1))
    person.delete_account()
    assert not ReminderSettings.objects.exists()
    assert not PushSubscription.objects.exists()
    assert not SentReminder.objects.exists()


def test_it_serves_the_service_worker_at_the_top_of_the_site(client, db):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    body = response.content.decode()  # its headers: tests/test_offline.py
    assert 'addEventListener("push"' in body
    assert 'addEventListener("notificationclick"' in body


def test_it_keeps_the_late_limit_as_the_readme_says():
    assert timedelta(hours=3) == schedule.MAX_LATE


# Two workers at once, for real: PostgreSQL threads, SQLite processes ------------------------
#
# The second claim must fail on the UNIQUE constraint, not by luck of timing: the first worker
# holds its claim uncommitted while the second one tries, and only then commits.

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL threads; this run is on SQLite"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite processes; this run is on PostgreSQL"
)
MOMENT = utc(2026, 6, 1, 19, 0)  # 20:00 in London, when lena's reminder falls due
DAY = date(2026, 6, 1)


def waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def wait_until(condition, what):
    """Poll for a state of the other threads (not a race: nothing goes on until it holds)."""
    deadline = time_module.monotonic() + 600  # only against a hang
    while not condition():
        assert time_module.monotonic() < deadline, f"never {what}"
        time_module.sleep(0.01)


@postgresql_only
def test_it_refuses_the_second_of_two_concurrent_claims_on_postgresql(transactional_db):
    person = make_user("lena", time_zone="Europe/London")
    first_claimed, commit = threading.Event(), threading.Event()
    results = {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = worker.claim(person.pk, 1, DAY, MOMENT)
                first_claimed.set()
                commit.wait(600)
        finally:
            connection.close()

    def second():
        try:
            first_claimed.wait(600)
            results["second"] = worker.claim(person.pk, 1, DAY, MOMENT)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    # The second insert waits on the first one's uncommitted row in the unique index.
    wait_until(lambda: waiting_for_a_lock() == 1, "the second claim waited for the first")
    commit.set()
    for thread in threads:
        thread.join(600)
    assert results == {"first": True, "second": False}
    assert SentReminder.objects.count() == 1


@postgresql_only
def test_two_workers_at_once_send_one_push_on_postgresql(transactional_db):
    person = make_user("lena", time_zone="Europe/London")
    remind(person)
    start = threading.Barrier(2)
    counts = []
    with PushService() as service:
        subscribe(person, service.device())

        def run():
            try:
                start.wait(600)
                counts.append(worker.send_round())
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        with time_machine.travel(MOMENT, tick=False):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(600)
    assert sorted(c["sent"] for c in counts) == [0, 1]
    assert len(service.received) == 1
    assert SentReminder.objects.count() == 1


def run_python(data_dir, code, **options):
    """`code` in a fresh Django process with the real settings (SQLite in `data_dir`)."""
    environment = {
        name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ
    }
    environment.update(
        SCI_TRACKER_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="sci_tracker.settings"
    )
    setup = "import django; django.setup(); from tests import test_reminders as t; "
    return subprocess.Popen(
        [sys.executable, "-c", setup + code],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def claim_and_hold():
    """The first worker: claims, says so, and commits only when told (a line on its input)."""
    person = User.objects.get(email="lena@example.org")
    with transaction.atomic():
        claimed = worker.claim(person.pk, 1, DAY, MOMENT)
        print("claimed", flush=True)
        sys.stdin.readline()
    print(claimed, flush=True)


def claim_now():
    person = User.objects.get(email="lena@example.org")
    print("trying", flush=True)
    print(worker.claim(person.pk, 1, DAY, MOMENT), flush=True)


def setup_lena(endpoint="", p256dh="", auth=""):
    person = make_user("lena", time_zone="Europe/London")
    remind(person)
    if endpoint:
        PushSubscription.objects.create(user=person, endpoint=endpoint, p256dh=p256dh, auth=auth)


def round_when_told():
    sys.stdin.readline()
    with time_machine.travel(MOMENT, tick=False):
        print(worker.send_round()["sent"], flush=True)


def finish(process):
    out, err = process.communicate(timeout=600)  # only against a hang
    assert process.returncode == 0, err
    return out


@sqlite_only
def test_it_refuses_the_second_of_two_concurrent_claims_and_workers_on_sqlite(tmp_path):
    data = migrated_data_folder(tmp_path)
    with PushService() as service:
        device = service.device()
        finish(
            run_python(
                data, f"t.setup_lena({device.endpoint!r}, {device.p256dh!r}, {device.auth!r})"
            )
        )

        # Two claims: the second waits for the first one's write lock, then meets its row.
        holder = run_python(data, "t.claim_and_hold()")
        assert holder.stdout.readline() == "claimed\n"
        other = run_python(data, "t.claim_now()")
        assert other.stdout.readline() == "trying\n"
        holder.stdin.write("commit\n")
        holder.stdin.flush()
        assert finish(holder) == "True\n"
        assert finish(other) == "False\n"  # "trying" was read above

        # Two whole workers at the same moment, for the second reminder of the day.
        database = sqlite3.connect(data / "db.sqlite3")
        database.execute(
            "UPDATE reminders_remindersettings SET second_at = '20:00:00', first_at = '19:00:00'"
        )
        database.commit()
        database.close()
        workers = [run_python(data, "t.round_when_told()") for _ in range(2)]
        for process in workers:
            process.stdin.write("go\n")
            process.stdin.flush()
        sent = sorted(finish(process) for process in workers)
    # First reminder was claimed above (not sent); the second goes out once.
    assert sent == ["0\n", "1\n"]
    assert len(service.received) == 1
    assert (
        device.decrypt(service.received[0].body)["title"] == "Your daily check-in is still waiting"
    )


@pytest.mark.parametrize("people", [1, 20])
def test_it_reads_a_round_in_the_same_queries_for_more_people(db, people):
    """The people, what was sent and who checked in: three queries, however many are due; and
    one more for the people with dose reminders (none here)."""
    for number in range(people):
        person = make_user(f"p{number}", time_zone="Europe/London")
        remind(person, email=True)
        checkin(person, date(2026, 6, 1))
    with CaptureQueriesContext(connection) as captured:
        counts = round_at(utc(2026, 6, 1, 19, 0))
    assert counts["checked in"] == people
    assert len(captured.captured_queries) == 4


def test_it_writes_each_reminder_in_its_recipients_language(db, monkeypatch):
    # The account's language decides, not the site's: push and e-mail alike.
    person = make_user("lena", time_zone="Europe/London", language="es")
    subscribe(person, Device("https://push.example/phone"))
    remind(person, email=True)
    spoken = []
    monkeypatch.setattr(
        channels, "send_push", lambda device, text: not spoken.append(("push", get_language()))
    )
    monkeypatch.setattr(
        channels,
        "send_email",
        lambda user, subject, body: not spoken.append(("email", get_language())),
    )
    round_at(utc(2026, 6, 1, 19, 0))
    assert spoken == [("push", "es"), ("email", "es")]
