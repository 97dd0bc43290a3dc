"""Logging by voice: the requests docs/api.md gives for a phone shortcut, sent as written (with
a real token), save what they say; the "Log by voice" page gives a person their own addresses."""

import re
import shlex
from pathlib import Path

from django.test import Client
from django.urls import reverse

from sci_tracker.api.models import PersonalAccessToken
from sci_tracker.diary.models import SpasmEpisode
from sci_tracker.sharing.models import CareAccess
from tests.conftest import make_user, text_of
from tests.entries import NOW

API_DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def documented_requests() -> dict[str, dict]:
    """The docs' curl commands, by path: method, headers and JSON body, as a shell reads them."""
    requests = {}
    for block in re.findall(r"```sh\n(curl .*?)```", API_DOC.read_text(), flags=re.S):
        words = shlex.split(block.replace("\\\n", " "))
        request = {"method": words[words.index("-X") + 1], "headers": {}}
        for flag, value in zip(words, words[1:], strict=False):
            if flag == "-H":
                name, _, header = value.partition(": ")
                request["headers"][name] = header
            elif flag == "-d":
                request["body"] = value
        url = next(word for word in words if word.startswith("https://"))
        request["path"] = re.sub(r"^https://[^/]+", "", url)
        requests[request["path"]] = request
    return requests


def send(request: dict, secret: str):
    """The documented request, with a real token in place of the docs' placeholder."""
    assert request["method"] == "POST"
    authorization = request["headers"]["Authorization"].replace("sct_your_token", secret)
    client = Client(HTTP_AUTHORIZATION=authorization)
    content_type = request["headers"]["Content-Type"]
    return client.post(request["path"], request["body"], content_type=content_type)


def test_the_documented_voice_shortcut_logs_a_spasm_with_one_request(alice):
    _, secret = PersonalAccessToken.make(alice, "iPhone shortcut", "log")
    request = documented_requests()["/api/v1/spasms/"]

    answer = send(request, secret)

    assert answer.status_code == 201
    spasm = SpasmEpisode.objects.get(owner=alice)
    assert (spasm.severity, spasm.logged_by) == (2, alice)
    assert answer.json()["id"] == spasm.pk


def test_the_log_by_voice_page_gives_the_sites_own_addresses(alice_client, alice):
    page = alice_client.get(reverse("api_voice"))

    shown = text_of(page.text)
    assert "Log by voice" in shown
    assert "http://testserver/api/v1/spasms/" in shown
    assert "http://testserver/api/v1/say-it/" in shown
    assert "Say “Hey Siri, log a spasm”." in shown
    assert "say “tap Log a spasm”" in shown
    tokens = alice_client.get(reverse("api_tokens")).text
    assert reverse("api_voice") in tokens


def test_a_carer_sees_the_addresses_for_the_person_they_log_for(client, alice):
    cara = make_user("cara")
    CareAccess.objects.create(
        person=alice, email=cara.email, role="carer", member=cara, accepted_at=NOW
    )
    client.force_login(cara)

    shown = text_of(client.get(reverse("api_voice")).text)

    assert f"To log in {alice.name}" in shown
    assert f"http://testserver/api/v1/spasms/?person={alice.pk}" in shown


def test_the_documented_say_it_shortcut_saves_the_sentence_and_says_what_it_saved(alice):
    _, secret = PersonalAccessToken.make(alice, "iPhone shortcut", "log")
    request = documented_requests()["/api/v1/say-it/"]

    answer = send(request, secret)

    assert answer.status_code == 201
    spasm = SpasmEpisode.objects.get(owner=alice)
    assert (spasm.severity, spasm.regions) == (3, ["left-leg"])
    assert answer.json()["summary"].startswith("Saved: A spasm; When: ")
