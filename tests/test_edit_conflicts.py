"""Two devices editing one entry: the later save never silently writes over the first.

Each edit page carries the version of the entry it was opened at; a save from an older version
comes back as a 409 page with the saved answers and the typed ones side by side, and the person
chooses. The last tests race two real saves (threads on PostgreSQL, processes on SQLite).
"""

import re
import subprocess
import sys
import threading
import time
from datetime import date

import pytest
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse

from sci_tracker.diary.models import CheckIn, EditConflict, Intervention, Trigger
from tests.conftest import make_user
from tests.entries import at, builtin, checkin, event, pain, spasm
from tests.test_concurrency import finish, migrated_data_folder, python

VERSION = re.compile(r'name="version" value="([^"]*)"')


def second_device(user):
    client = Client()
    client.force_login(user)
    return client


def opened_at(client, entry):
    """Open the entry's edit page, as a person would, and return the version it carries."""
    page = client.get(reverse("diary:edit", args=[entry.kind, entry.pk]))
    assert page.status_code == 200
    return VERSION.search(page.text).group(1)


def spasm_edit(version, note, severity="2"):
    return {
        "when": "earlier",
        "occurred_local": "2026-03-15T00:30",
        "pattern": "jerky",
        "severity": severity,
        "note": note,
        "tried-TOTAL_FORMS": "0",
        "tried-INITIAL_FORMS": "0",
        "version": version,
    }


def checkin_edit(version, note, day="2026-03-14"):
    return {"date": day, "psfs_frequency": "0", "note": note, "version": version}


def edit(client, entry, data):
    return client.post(reverse("diary:edit", args=[entry.kind, entry.pk]), data)


def compared(page):
    """The comparison table's rows: (question, saved now, typed)."""
    table = page.split('class="table edit-conflict-table"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>', table, re.S)
    return [tuple(cell.strip() for cell in row) for row in rows]


def test_it_shows_both_versions_when_a_second_device_saves_an_older_copy(alice_client, alice):
    episode = spasm(alice, occurred_at=at(date(2026, 3, 15), 0, 30), note="Before")
    phone, laptop = alice_client, second_device(alice)
    on_phone, on_laptop = opened_at(phone, episode), opened_at(laptop, episode)

    first = edit(phone, episode, spasm_edit(on_phone, "Typed on the phone", severity="3"))
    assert first.status_code == 302
    second = edit(laptop, episode, spasm_edit(on_laptop, "Typed on the laptop"))

    assert second.status_code == 409
    page = second.text
    assert "Not saved: this entry changed since you opened it" in page
    assert "What is saved now, and what you typed" in page
    assert compared(page) == [
        ("Severity", "Severe", "Moderate"),
        ("Note", "Typed on the phone", "Typed on the laptop"),
    ]
    assert "Save mine over it" in page
    assert "Keep the saved one (discard mine)" in page
    # Everything typed is still in the form, which now carries the saved version.
    assert "Typed on the laptop</textarea>" in page
    episode.refresh_from_db()
    assert (episode.note, episode.severity) == ("Typed on the phone", 3)
    assert VERSION.search(page).group(1) == str(episode.version)


def test_it_saves_mine_over_the_other_when_asked(alice_client, alice):
    entry = checkin(alice, note="Before")
    phone, laptop = alice_client, second_device(alice)
    on_phone, on_laptop = opened_at(phone, entry), opened_at(laptop, entry)
    edit(phone, entry, checkin_edit(on_phone, "From the phone"))
    conflict = edit(laptop, entry, checkin_edit(on_laptop, "From the laptop"))
    assert conflict.status_code == 409

    # "Save mine over it" sends the form as the conflict page holds it.
    again = edit(
        laptop, entry, checkin_edit(VERSION.search(conflict.text).group(1), "From the laptop")
    )

    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.note == "From the laptop"
    assert entry.version == 3
    assert "Daily check-in updated." in laptop.get(again["Location"]).text


def test_it_keeps_the_saved_one_when_asked(alice_client, alice):
    entry = checkin(alice, note="Before")
    phone, laptop = alice_client, second_device(alice)
    on_phone, on_laptop = opened_at(phone, entry), opened_at(laptop, entry)
    edit(phone, entry, checkin_edit(on_phone, "From the phone"))
    conflict = edit(laptop, entry, checkin_edit(on_laptop, "From the laptop"))
    keep = reverse("diary:edit", args=["checkin", entry.pk])
    assert f'href="{keep}">Keep the saved one (discard mine)</a>' in conflict.text

    page = laptop.get(keep)

    assert page.status_code == 200
    assert "From the phone</textarea>" in page.text
    entry.refresh_from_db()
    assert (entry.note, entry.version) == ("From the phone", 2)


def test_it_compares_triggers_and_what_was_tried_in_words(alice_client, alice):
    entry = pain(alice, occurred_at=at(date(2026, 3, 15), 0, 30), intensity=4)
    heat = entry.uses.create(intervention=builtin(Intervention, "heat"), effect="not-sure")
    phone, laptop = alice_client, second_device(alice)
    on_phone, on_laptop = opened_at(phone, entry), opened_at(laptop, entry)

    def typed(version, trigger, effect, dose):
        return {
            "when": "earlier",
            "occurred_local": "2026-03-15T00:30",
            "intensity": "4",
            "pain_type": "unknown",
            "triggers": [str(builtin(Trigger, trigger).pk)],
            "tried-TOTAL_FORMS": "1",
            "tried-INITIAL_FORMS": "1",
            "tried-0-id": str(heat.pk),
            "tried-0-pain": str(entry.pk),
            "tried-0-intervention": str(heat.intervention_id),
            "tried-0-dose": dose,
            "tried-0-effect": effect,
            "version": version,
        }

    assert edit(phone, entry, typed(on_phone, "cold", "helped-a-lot", "")).status_code == 302
    conflict = edit(laptop, entry, typed(on_laptop, "full-bladder", "worse", "20 min"))

    assert conflict.status_code == 409
    assert compared(conflict.text) == [
        ("What might have set it off?", "Cold", "Full bladder"),
        ("What you tried", "Heat (Helped a lot)", "Heat (20 min, Made it worse)"),
    ]


@pytest.mark.parametrize("sent", ["", "abc", "-1", "1.0", "٣", "9" * 40, "1" * 10])
def test_it_never_writes_a_save_whose_version_is_missing_or_garbled(alice_client, alice, sent):
    entry = checkin(alice, note="Saved")

    response = edit(alice_client, entry, checkin_edit(sent, "Tampered"))

    assert response.status_code == 409
    assert "This page did not say which version of the entry it was opened from" in response.text
    assert "Tampered</textarea>" in response.text
    entry.refresh_from_db()
    assert (entry.note, entry.version) == ("Saved", 1)


def test_it_never_writes_a_save_from_a_version_that_was_never_saved(alice_client, alice):
    entry = event(alice, date(2026, 3, 1), details="Both calves")
    data = {"date": "2026-03-01", "event_kind": "botox", "details": "Left calf", "version": "7"}

    response = edit(alice_client, entry, data)

    assert response.status_code == 409
    assert compared(response.text) == [("Details", "Both calves", "Left calf")]
    entry.refresh_from_db()
    assert (entry.details, entry.version) == ("Both calves", 1)


def test_it_moves_the_version_on_with_every_save(alice, admin_client):
    entry = pain(alice)
    assert entry.version == 1
    entry.note = "A save from code"
    entry.save()
    assert entry.version == 2
    entry.move_to_bin()
    assert entry.version == 3
    entry.restore()
    assert entry.version == 4
    entry.refresh_from_db()
    assert entry.version == 4


def test_it_shows_an_entry_moved_to_the_bin_since_and_saving_mine_takes_it_out(alice_client, alice):
    entry = checkin(alice, note="Before")
    laptop = second_device(alice)
    on_laptop = opened_at(laptop, entry)
    binned = alice_client.post(
        reverse("diary:delete", args=["checkin", entry.pk]),
        {"version": opened_at(alice_client, entry)},
    )
    assert binned.status_code == 302

    conflict = edit(laptop, entry, checkin_edit(on_laptop, "From the laptop"))

    assert conflict.status_code == 409
    assert "It was moved to the bin on" in conflict.text
    assert "saving yours takes it out of the bin" in conflict.text
    assert "From the laptop</textarea>" in conflict.text
    again = edit(
        laptop, entry, checkin_edit(VERSION.search(conflict.text).group(1), "From the laptop")
    )
    assert again.status_code == 302
    entry.refresh_from_db()
    assert (entry.note, entry.deleted_at) == ("From the laptop", None)


def test_it_says_so_when_an_entry_changed_since_it_was_opened_goes_to_the_bin(alice_client, alice):
    entry = spasm(alice, note="Before")
    laptop = second_device(alice)
    on_laptop = opened_at(laptop, entry)
    edit(alice_client, entry, spasm_edit(opened_at(alice_client, entry), "Changed on the phone"))

    response = laptop.post(
        reverse("diary:delete", args=["spasm", entry.pk]), {"version": on_laptop}, follow=True
    )

    assert "This entry had been changed on another device since you opened it" in response.text
    assert "Undo brings it back as it was." in response.text
    assert "Spasm moved to the bin." in response.text
    entry.refresh_from_db()
    assert entry.note == "Changed on the phone"
    assert entry.deleted_at is not None


def test_it_says_nothing_more_when_an_unchanged_entry_goes_to_the_bin(alice_client, alice):
    entry = spasm(alice)
    response = alice_client.post(
        reverse("diary:delete", args=["spasm", entry.pk]),
        {"version": opened_at(alice_client, entry)},
        follow=True,
    )
    assert "Spasm moved to the bin." in response.text
    assert "changed on another device" not in response.text


# Two saves at once -------------------------------------------------------------------------

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="this run is on PostgreSQL")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="this run is on SQLite"
)


def make_entry():
    """For the racing processes: one person with one check-in, at version 1."""
    person = make_user("racer")
    checkin(person, note="Before")


def ready_then_wait():
    """A device process's start signal: it says "ready", then waits for a line on its input."""

    def wait_for_start():
        print("ready", flush=True)
        sys.stdin.readline()

    return wait_for_start


def race_edit(number, wait_for_start):
    """One device: open the entry, wait for the other, then save as the edit page does."""
    entry = CheckIn.objects.get()
    seen = entry.version
    wait_for_start()
    try:
        with transaction.atomic():
            entry.note = f"Saved by device {number}"
            entry.save_edit(seen)
    except EditConflict:
        print("conflict")
    else:
        print("saved")


@sqlite_only
def test_it_lets_one_of_two_saves_at_once_win_on_sqlite(tmp_path):
    data = migrated_data_folder(tmp_path)
    entry = "from tests import test_edit_conflicts as c; "
    finish(python(data, entry + "c.make_entry()"))
    devices = [
        python(data, entry + f"c.race_edit({n}, c.ready_then_wait())", stdin=subprocess.PIPE)
        for n in (1, 2)
    ]
    # Both have opened the entry once each says so; then both save at once (a device that died
    # says nothing, and `finish` shows why).
    for device in devices:
        if device.stdout.readline() != "ready\n":
            finish(device)
    for device in devices:
        device.stdin.write("go\n")
        device.stdin.flush()
    outcomes = [finish(device).strip() for device in devices]

    assert sorted(outcomes) == ["conflict", "saved"]
    winner = outcomes.index("saved") + 1
    stored = finish(
        python(data, entry + "print(c.CheckIn.objects.values_list('note', 'version').get())")
    )
    assert stored.strip() == repr((f"Saved by device {winner}", 2))


@postgresql_only
def test_it_makes_the_second_of_two_saves_at_once_wait_then_refuses_it_on_postgresql(
    catalogue,
):
    person = make_user("racer")
    entry = checkin(person, note="Before")
    ready, claimed, release = threading.Event(), threading.Event(), threading.Event()
    outcomes, second_pid = {}, []

    def device(name, seen_by_first):
        try:
            if name == "second":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    second_pid.append(cursor.fetchone()[0])
                ready.set()
                claimed.wait(30)
            with transaction.atomic():
                mine = CheckIn.objects.get(pk=entry.pk)
                mine.note = f"Saved by the {name}"
                mine.save_edit(seen_by_first)
                if name == "first":
                    # The first holds its claim until the second is waiting on it.
                    claimed.set()
                    release.wait(30)
            outcomes[name] = "saved"
        except EditConflict:
            outcomes[name] = "conflict"
        finally:
            close_old_connections()
            connection.close()

    first = threading.Thread(target=device, args=("first", 1))
    second = threading.Thread(target=device, args=("second", 1))
    first.start()
    second.start()
    assert ready.wait(30)
    assert claimed.wait(30)
    waited = False
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while not waited and time.monotonic() < deadline:
            cursor.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", second_pid
            )
            waited = cursor.fetchone() == ("Lock",)
            time.sleep(0.005)
    release.set()
    first.join(30)
    second.join(30)

    assert waited, "the second save never waited for the first"
    assert outcomes == {"first": "saved", "second": "conflict"}
    entry.refresh_from_db()
    assert (entry.note, entry.version) == ("Saved by the first", 2)
