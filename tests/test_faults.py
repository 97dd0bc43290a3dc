"""Faults during a save: the database drops the connection or the disk fills up part-way.

Each test lets the first write land and makes a later one fail, inside the request's
transaction, then checks what the person sees and that the database holds nothing of it.
"""

import pytest
from django.db import OperationalError
from django.forms.models import BaseInlineFormSet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import Intervention, InterventionUse, LegPainEntry, SpasmEpisode
from sci_tracker.sharing.models import AccessRecord, CareAccess
from tests.conftest import make_user
from tests.entries import builtin

DISK_FULL = OperationalError("database or disk is full")


def fail(*args, **kwargs):
    raise DISK_FULL


def pain_with_something_tried():
    return {
        "when": "now",
        "intensity": "7",
        "pain_type": "neuropathic-below",
        "note": "Typed at 2 a.m. after the spasm woke me",
        "tried-TOTAL_FORMS": "1",
        "tried-INITIAL_FORMS": "0",
        "tried-0-intervention": builtin(Intervention, "stretching").pk,
        "tried-0-effect": "helped-a-little",
        "tried-0-dose": "",
    }


def test_it_keeps_what_was_typed_and_writes_nothing_when_a_save_fails(
    alice_client, alice, monkeypatch
):
    version = alice.diary_version
    # The entry row is written first; saving what was tried then fails.
    monkeypatch.setattr(BaseInlineFormSet, "save", fail)
    response = alice_client.post(reverse("diary:new", args=["pain"]), pain_with_something_tried())
    assert response.status_code == 503
    assert "This was not saved: the database did not answer." in response.text
    assert "Typed at 2 a.m. after the spasm woke me" in response.text
    assert 'value="7" id="id_intensity_7" checked' in response.text
    # No id of the rolled-back row is carried over, so saving again adds the row afresh.
    assert '<input type="hidden" name="tried-0-id" id="id_tried-0-id">' in response.text
    assert not LegPainEntry.objects.exists()
    assert not InterventionUse.objects.exists()
    alice.refresh_from_db()
    assert alice.diary_version == version

    # Once the database answers again, the same form saves as typed.
    monkeypatch.undo()
    again = alice_client.post(reverse("diary:new", args=["pain"]), pain_with_something_tried())
    assert again.status_code == 302
    entry = LegPainEntry.objects.get()
    assert entry.note == "Typed at 2 a.m. after the spasm woke me"
    assert entry.uses.get().effect == "helped-a-little"


def test_it_leaves_an_edited_entry_as_it_was_when_the_save_fails(alice_client, alice, monkeypatch):
    entry = LegPainEntry.objects.create(
        owner=alice, logged_by=alice, occurred_at=timezone.now(), intensity=3, note="Before"
    )
    monkeypatch.setattr(BaseInlineFormSet, "save", fail)
    data = pain_with_something_tried() | {"when": "earlier", "version": str(entry.version)}
    data["occurred_local"] = timezone.localtime(entry.occurred_at, alice.zone).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = alice_client.post(reverse("diary:edit", args=["pain", entry.pk]), data)
    assert response.status_code == 503
    assert "Typed at 2 a.m. after the spasm woke me" in response.text
    entry.refresh_from_db()
    assert (entry.intensity, entry.note) == (3, "Before")
    assert not InterventionUse.objects.exists()


def test_it_rolls_back_the_whole_request_and_says_nothing_was_saved(client, alice, monkeypatch):
    # A carer's one-tap spasm writes the access log first, then the spasm, then the diary
    # version; the last write fails.
    carer = make_user("cara")
    CareAccess.objects.create(
        person=alice, email=carer.email, role="carer", member=carer, accepted_at=timezone.now()
    )
    client.force_login(carer)
    monkeypatch.setattr("sci_tracker.diary.models.diary_changed", fail)
    response = client.post(reverse("diary:spasm_now", kwargs={"person_id": alice.pk}))
    assert response.status_code == 503
    assert "<h1>Not saved</h1>" in response.text
    assert "nothing was saved" in response.text
    assert not SpasmEpisode.objects.exists()
    assert not AccessRecord.objects.filter(person=alice).exists()


def test_it_shows_the_page_without_touching_the_database(client, alice, monkeypatch):
    # When the connection itself is gone, the page must not need it: the template reads no
    # user, no message and no session.
    client.force_login(alice)
    monkeypatch.setattr(SpasmEpisode.objects, "log_now", fail)
    monkeypatch.setattr(User, "name", property(fail))
    response = client.post(reverse("diary:spasm_now"))
    assert response.status_code == 503
    assert "Go back with your browser" in response.text


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def test_it_refuses_methods_no_form_sends(alice_client, method):
    response = alice_client.generic(method, reverse("diary:history"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"


def test_it_answers_a_failed_read_with_the_general_error_page(alice, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    monkeypatch.setattr("sci_tracker.diary.views.history_page", fail)
    response = client.get(reverse("diary:history"))
    assert response.status_code == 500
    assert "Something went wrong" in response.text
