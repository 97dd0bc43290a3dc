"""A session renews while in use (accounts.middleware.renew_session), under a controlled clock."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.entries import NOW

LOG = reverse("diary:quick_log")


def sign_in(user):
    client = Client()
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    return client


def still_signed_in(client):
    return client.get(LOG).status_code == 200


def test_it_keeps_a_session_in_use_alive_past_its_first_two_weeks(alice):
    with time_machine.travel(NOW, tick=False) as clock:
        phone = sign_in(alice)
        for _day in range(30):  # a page a day for a month
            clock.shift(timedelta(days=1))
            assert still_signed_in(phone)


def test_it_ends_a_session_two_weeks_after_its_last_use(alice):
    with time_machine.travel(NOW, tick=False) as clock:
        phone = sign_in(alice)
        clock.shift(timedelta(days=3))
        assert still_signed_in(phone)  # renewed: two weeks from here
        clock.shift(timedelta(days=13, hours=23))
        assert still_signed_in(phone)  # not renewed again within the day
        clock.shift(timedelta(days=14, minutes=1))
        assert not still_signed_in(phone)


def test_it_writes_the_session_at_most_once_a_day(alice):
    with time_machine.travel(NOW, tick=False) as clock:
        phone = sign_in(alice)
        expires = Session.objects.get().expire_date
        clock.shift(timedelta(hours=23))
        response = phone.get(LOG)
        assert settings.SESSION_COOKIE_NAME not in response.cookies
        assert Session.objects.get().expire_date == expires

        clock.shift(timedelta(hours=2))
        response = phone.get(LOG)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
        assert Session.objects.get().expire_date == NOW + timedelta(hours=25, days=14)
