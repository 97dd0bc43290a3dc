"""The JSON backup: everything the person owns, versioned, streamed, and nobody else's."""

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import (
    ENTRY_MODELS,
    CheckIn,
    HiddenIntervention,
    HiddenTrigger,
    Intervention,
    PainProblem,
    SpasmEpisode,
    Trigger,
)
from sci_tracker.exports import backup
from sci_tracker.sharing.models import ReviewNote, VisitMeasure
from tests.conftest import make_user
from tests.entries import (
    NOW,
    ad_episode,
    at,
    builtin,
    care,
    checkin,
    dose,
    event,
    medicine,
    pain,
    sciset_week,
    spasm,
)

FORMATS = Path(__file__).parent.parent / "docs" / "formats.md"


def download(client):
    response = client.get(reverse("exports:backup"))
    assert response.status_code == 200
    assert response.streaming  # written an entry at a time, never held whole
    return response, json.loads(b"".join(response.streaming_content).decode("utf-8"))


@time_machine.travel(NOW, tick=False)
def test_it_downloads_a_versioned_backup_named_for_the_local_day(alice_client, alice):
    response, data = download(alice_client)
    assert response["Content-Disposition"] == (
        'attachment; filename="sci-tracker-backup-2026-03-15.json"'  # Alice's day in Auckland
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/json"
    assert data["format"] == "sci-tracker-backup"
    assert data["version"] == backup.VERSION == 7
    assert data["exported_at"] == "2026-03-15T00:30:00+13:00"
    assert data["profile"] == {
        "email": "alice@example.org",
        "display_name": "Alice",
        "time_zone": "Pacific/Auckland",
        "uses_app_as": "own",
        "injury_level": "C6",
        "completeness": "B",
        "is_clinician": False,
        "usual_systolic": None,
        "usual_diastolic": None,
        "has_baclofen_pump": False,
        "pump_refill_date": None,
        "pump_alarm_date": None,
        "emergency_contact_name": "",
        "emergency_contact_phone": "",
        "emergency_number": "",
        "card_medicines": "",
        "theme": "device",
        "language": "",
    }
    assert data["reminders"] is None  # none were ever saved
    assert list(data) == list(backup.TOP_LEVEL_KEYS)
    for section in backup.SECTIONS:
        assert data[section.key] == []


def test_it_writes_every_field_of_an_entry_with_local_times_and_slugs(alice_client, alice):
    carer = make_user("cara")
    shoes = Trigger.objects.create(owner=alice, slug="tight-shoes", name="Tight shoes")
    # Renamed since it was added (the slug stays) and archived.
    Trigger.objects.create(owner=alice, slug="bus-ride", name="Bumpy coach", archived=True)
    HiddenTrigger.objects.create(person=alice, trigger=builtin(Trigger, "uti"))
    HiddenTrigger.objects.create(person=alice, trigger=builtin(Trigger, "cold"))
    HiddenIntervention.objects.create(person=alice, intervention=builtin(Intervention, "heat"))
    feet = PainProblem.objects.create(owner=alice, slot=2, name="Burning feet")
    jerk = spasm(
        alice,
        occurred_at=at(date(2026, 3, 1), 0, 30),
        pattern="clonus",
        severity=3,
        regions=["left-leg", "trunk"],
        duration="1-5-min",
        impacts=["woke-me"],
        red_flags=["fever"],
        note="Ünïcödé ✓ =1+1",
        note_for_clinician=True,
    )
    jerk.triggers.add(shoes, builtin(Trigger, "cold"))
    jerk.uses.create(intervention=builtin(Intervention, "heat"), dose="20 min", effect="worse")
    SpasmEpisode.objects.filter(pk=jerk.pk).update(
        logged_by=carer,
        created_at=datetime(2026, 2, 28, 11, 31, 5, 123456, tzinfo=UTC),
        updated_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )
    ache = pain(alice, intensity=8, problem=feet, sites=["left-foot"], qualities=["burning"])
    ache.move_to_bin()
    checkin(alice, date(2026, 3, 1), psfs_frequency=2, psfs_severity=1, night_wakings=3)
    event(alice, date(2026, 1, 10), "pump-dose", details="+10 mcg/day")

    _, data = download(alice_client)

    assert data["spasms"] == [
        {
            "occurred_at": "2026-03-01T00:30:00+13:00",
            "pattern": "clonus",
            "severity": 3,
            "regions": ["left-leg", "trunk"],
            "duration": "1-5-min",
            "impacts": ["woke-me"],
            "triggers": ["cold", "tight-shoes"],
            "red_flags": ["fever"],
            "note": "Ünïcödé ✓ =1+1",  # JSON holds text as it is: no spreadsheet guard
            "note_for_clinician": True,
            "logged_by": "cara@example.org",
            "created_at": "2026-03-01T00:31:05.123456+13:00",
            "updated_at": "2026-03-02T22:00:00+13:00",
            "deleted_at": None,
            "tried": [{"intervention": "heat", "dose": "20 min", "effect": "worse"}],
        }
    ]
    [binned] = data["leg_pain"]
    assert binned["problem"] == 2
    assert binned["intensity"] == 8
    assert binned["deleted_at"] is not None  # the bin is part of the backup
    assert binned["deleted_at"].endswith("+13:00")
    assert data["check_ins"][0]["date"] == "2026-03-01"
    assert data["check_ins"][0]["psfs_severity"] == 1
    assert data["check_ins"][0]["pain_worst"] is None
    assert data["treatment_events"][0]["details"] == "+10 mcg/day"
    assert data["pain_problems"] == [
        {
            "slot": 2,
            "name": "Burning feet",
            "confirmed_type": "",
            "confirmed_by_name": "",
            "confirmed_at": None,
        }
    ]
    assert data["triggers"] == [
        {
            "slug": "bus-ride",
            "name": "Bumpy coach",
            "category": "other",
            "guide": "",
            "archived": True,
        },
        {
            "slug": "tight-shoes",
            "name": "Tight shoes",
            "category": "other",
            "guide": "",
            "archived": False,
        },
    ]
    assert data["interventions"] == []  # built-ins are named by slug, not written out
    # Hidden built-ins by slug, in slug order; an entry that has one still names it.
    assert data["hidden_triggers"] == [{"trigger": "cold"}, {"trigger": "uti"}]
    assert data["hidden_interventions"] == [{"intervention": "heat"}]


def test_it_writes_what_clinicians_wrote_with_the_authors_name(alice_client, alice):
    doctor = make_user("okafor", is_clinician=True)
    ReviewNote.objects.create(
        person=alice,
        author=doctor,
        author_name="Dr Okafor",
        written_at=datetime(2026, 3, 1, 22, 15, 30, 250000, tzinfo=UTC),
        text="Spasms down since the dose change.\n=Keep going",
    )
    ReviewNote.objects.create(
        person=alice,
        author=None,  # the account is gone; the name stays
        author_name="Dr Former",
        written_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        text="First visit.",
    )
    for side, score in (("right", "1+"), ("left", "2")):
        VisitMeasure.objects.create(
            person=alice,
            author=doctor,
            author_name="Dr Okafor",
            visit_date=date(2026, 3, 2),
            muscle_group="hip-adductors",
            side=side,
            score=score,
        )
    VisitMeasure.objects.filter(person=alice).update(
        recorded_at=datetime(2026, 3, 2, 1, 0, 0, 5, tzinfo=UTC)
    )

    _, data = download(alice_client)

    assert data["review_notes"] == [
        {
            "author_name": "Dr Former",
            "written_at": "2026-01-05T22:00:00+13:00",
            "text": "First visit.",
        },
        {
            "author_name": "Dr Okafor",
            "written_at": "2026-03-02T11:15:30.250000+13:00",
            "text": "Spasms down since the dose change.\n=Keep going",  # as written
        },
    ]
    assert data["visit_measures"] == [
        {
            "author_name": "Dr Okafor",
            "visit_date": "2026-03-02",
            "muscle_group": "hip-adductors",
            "side": side,
            "score": score,
            "recorded_at": "2026-03-02T14:00:00.000005+13:00",
        }
        for side, score in (("left", "2"), ("right", "1+"))
    ]
    assert "okafor@example.org" not in json.dumps(data)  # the author's account is not written


def test_it_never_writes_anyone_elses_data(alice_client, alice, bob):
    spasm(alice, note="Alice's own")
    spasm(bob, note="Bob's spasm").uses.create(intervention=builtin(Intervention, "heat"))
    pain(bob, note="Bob's pain")
    checkin(bob, note="Bob's check-in")
    event(bob, date(2026, 1, 1), details="Bob's event")
    PainProblem.objects.create(owner=bob, slot=1, name="Bob's knees")
    Trigger.objects.create(owner=bob, slug="bobs-trigger", name="Bob's trigger")
    Intervention.objects.create(owner=bob, slug="bobs-thing", name="Bob's thing")
    HiddenTrigger.objects.create(person=bob, trigger=builtin(Trigger, "cold"))
    ReviewNote.objects.create(person=bob, author_name="Dr Who", text="Bob's review note")
    # Alice is a clinician too: what she wrote about Bob is Bob's, not hers.
    ReviewNote.objects.create(person=bob, author=alice, author_name="Alice", text="For Bob")
    VisitMeasure.objects.create(
        person=bob,
        author=alice,
        author_name="Dr Bob's doctor",
        visit_date=date(2026, 1, 1),
        muscle_group="knee-flexors",
        side="left",
        score="3",
    )
    response, data = download(alice_client)
    assert "Bob" not in json.dumps(data)
    assert "bob@example.org" not in json.dumps(data)
    assert [entry["note"] for entry in data["spasms"]] == ["Alice's own"]
    assert data["review_notes"] == []
    assert data["visit_measures"] == []
    assert data["hidden_triggers"] == []  # Bob hid it, not Alice


def test_it_sends_a_visitor_to_sign_in(client, db):
    response = client.get(reverse("exports:backup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def forward_fields(model):
    return {f.name for f in [*model._meta.concrete_fields, *model._meta.many_to_many]}


SECTION_IDS = [section.key for section in backup.SECTIONS]


@pytest.mark.parametrize("section", backup.SECTIONS, ids=SECTION_IDS)
def test_it_backs_up_every_field_or_says_why_not(section):
    """A new model field fails here until it is written to the backup or listed as left out."""
    written = set(section.fields)
    left_out = set(backup.NOT_BACKED_UP[section.model])
    assert not written & left_out
    assert written | left_out == forward_fields(section.model)


def test_it_writes_the_safety_profile_with_dates_as_iso_strings(alice_client, alice):
    User.objects.filter(pk=alice.pk).update(
        usual_systolic=100,
        usual_diastolic=65,
        has_baclofen_pump=True,
        pump_refill_date=date(2026, 4, 2),
        emergency_contact_name="Sam",
        emergency_contact_phone="+64 21 555 0100",
        emergency_number="111",
        card_medicines="Baclofen 10 mg",
    )
    _, data = download(alice_client)
    assert {name: data["profile"][name] for name in backup.SAFETY_SETTINGS} == {
        "usual_systolic": 100,
        "usual_diastolic": 65,
        "has_baclofen_pump": True,
        "pump_refill_date": "2026-04-02",
        "pump_alarm_date": None,
        "emergency_contact_name": "Sam",
        "emergency_contact_phone": "+64 21 555 0100",
        "emergency_number": "111",
        "card_medicines": "Baclofen 10 mg",
    }


def test_it_backs_up_every_profile_field_or_says_why_not():
    written = set(backup.PROFILE_FIELDS)
    left_out = set(backup.NOT_BACKED_UP[User])
    assert not written & left_out
    assert written | left_out == forward_fields(User)


def test_it_backs_up_every_field_of_what_was_tried():
    model = apps.get_model("diary", "InterventionUse")
    assert set(backup.TRIED_FIELDS) | set(backup.NOT_BACKED_UP[model]) == forward_fields(model)


def test_it_has_a_section_for_every_model_of_the_diary():
    """A new kind of entry (or anything else the diary stores) needs a place in the backup."""
    covered = {
        section.model for section in backup.SECTIONS if section.model._meta.app_label == "diary"
    }
    covered.add(apps.get_model("diary", "InterventionUse"))
    covered.add(apps.get_model("diary", "BloodPressureReading"))  # nested in its episode
    # Which parts of the forms an account keeps open: how the forms look, not diary data.
    covered.add(apps.get_model("diary", "FoldState"))
    # The per-day figures: counted from the entries again when a backup comes back in.
    covered.add(apps.get_model("diary", "SpasmDay"))
    covered.add(apps.get_model("diary", "SpasmHour"))
    covered.add(apps.get_model("diary", "PainDay"))
    covered.add(apps.get_model("diary", "SpasmTriggerDay"))
    covered.add(apps.get_model("diary", "PainTriggerDay"))
    assert set(apps.get_app_config("diary").get_models()) == covered
    assert {section.model for section in backup.ENTRY_SECTIONS} == set(ENTRY_MODELS.values())


def test_it_has_a_section_for_what_clinicians_write_about_the_person():
    """Needed back after deleting the account and importing the backup again."""
    assert [section.model for section in backup.CLINICIAN_SECTIONS] == [ReviewNote, VisitMeasure]
    assert set(backup.CLINICIAN_SECTIONS) <= set(backup.SECTIONS)
    for section in backup.CLINICIAN_SECTIONS:
        assert "author" in backup.NOT_BACKED_UP[section.model]
        assert "author_name" in section.fields


def test_it_writes_the_keys_each_section_names(alice_client, alice):
    """What the file holds is what the field lists say, nested tried included."""
    entry = spasm(alice)
    entry.uses.create(intervention=builtin(Intervention, "heat"))
    pain(alice, problem=PainProblem.objects.create(owner=alice, slot=1, name="Feet"))
    checkin(alice)
    event(alice, date(2026, 1, 1))
    ad_episode(alice, [(NOW, 160, 90, None)])
    sciset_week(alice)
    care(alice, "catheter", volume_ml=300)
    dose(alice, medicine(alice), scheduled_for=NOW)
    Trigger.objects.create(owner=alice, slug="mine", name="Mine")
    Intervention.objects.create(owner=alice, slug="mine", name="Mine")
    HiddenTrigger.objects.create(person=alice, trigger=builtin(Trigger, "cold"))
    HiddenIntervention.objects.create(person=alice, intervention=builtin(Intervention, "heat"))
    ReviewNote.objects.create(person=alice, author_name="Dr Okafor", text="Looks better")
    VisitMeasure.objects.create(
        person=alice,
        author_name="Dr Okafor",
        visit_date=date(2026, 1, 1),
        muscle_group="knee-flexors",
        side="left",
        score="1",
    )
    _, data = download(alice_client)
    for section in backup.SECTIONS:
        [item] = data[section.key]
        expected = [*section.fields, *([section.nested_key] if section.nested_key else [])]
        assert list(item) == expected, section.key
    assert list(data["spasms"][0]["tried"][0]) == list(backup.TRIED_FIELDS)
    assert data["ad_episodes"][0]["readings"] == [
        {"taken_at": "2026-03-15T00:30:00+13:00", "systolic": 160, "diastolic": 90, "pulse": None}
    ]


def test_it_reads_the_diary_a_chunk_at_a_time(
    alice_client, alice, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(backup, "CHUNK", 2)
    for _ in range(5):
        spasm(alice).triggers.add(builtin(Trigger, "cold"))
    # Session and user; problems, triggers, interventions, hidden triggers and interventions
    # and medicines (one each); one query for the spasms, read two at a time, and one for all
    # their triggers and one for all their uses, however many chunks; leg pain, check-ins,
    # events, AD episodes, SCI-SET weeks, care events, doses, review notes, visit measures (one
    # each, empty: no chunk, no list to read); the reminder settings (one).
    with django_assert_num_queries(2 + 6 + 1 + 2 + 9 + 1):
        _, data = download(alice_client)
    assert len(data["spasms"]) == 5


def test_it_links_the_backup_from_the_export_page(alice_client):
    html = alice_client.get(reverse("exports:index")).text
    assert 'href="/export/backup.json"' in html
    assert "including those in the bin" in html
    assert 'href="/export/import/"' in html


def test_it_offers_the_backup_before_the_account_is_deleted(alice_client):
    html = alice_client.get(reverse("delete_account")).text
    offer = html.index('href="/export/backup.json"')
    assert offer < html.index('name="password"')
    assert "Download your backup first" in html
    assert "those in the bin too" in html


def readme_backup_section():
    readme = FORMATS.read_text()
    section = readme[readme.index("### `sci-tracker-backup-<date>.json`") :]
    return section[: section.index("\n### ", 1)]


@pytest.mark.parametrize("section", backup.SECTIONS, ids=SECTION_IDS)
def test_it_documents_every_key_in_the_formats_doc(section):
    documented = readme_backup_section()
    for key in (section.key, *section.fields):
        assert re.search(rf"`{key}`", documented), f"{section.key}: {key}"


def test_it_documents_the_version_and_the_profile_in_the_readme():
    documented = readme_backup_section()
    for key in (*backup.TOP_LEVEL_KEYS, *backup.PROFILE_FIELDS, backup.TRIED):
        assert f"`{key}`" in documented, key
    assert f'"version": {backup.VERSION}' in documented


def test_it_backs_up_a_check_in_in_the_bin_beside_the_one_that_replaced_it(alice_client, alice):
    binned = checkin(alice, date(2026, 3, 1), psfs_frequency=1, psfs_severity=1)
    binned.move_to_bin()
    checkin(alice, date(2026, 3, 1), psfs_frequency=4, psfs_severity=3)
    _, data = download(alice_client)
    assert [c["psfs_frequency"] for c in data["check_ins"]] == [1, 4]
    assert CheckIn.objects.for_user(alice).count() == 2
