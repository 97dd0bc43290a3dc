"""Every export, byte for byte, on a fixed diary; and streamed in pieces of many rows.

The expected files in tests/exports/ were written by the exports when they still built a model
object per row and wrote one row at a time: reading plain values in chunks must not change a
byte. The diary has fixed ids, times and accounts, so the files hold on SQLite and PostgreSQL.
To write them again after a deliberate change of format: SCI_TRACKER_WRITE_EXPECTED=1 pytest
tests/test_export_streams.py, then read the diff.
"""

import os
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from sci_tracker.diary.models import (
    ADEpisode,
    BloodPressureReading,
    CareEvent,
    CheckIn,
    HiddenTrigger,
    Intervention,
    InterventionUse,
    LegPainEntry,
    Medicine,
    MedicineDose,
    PainProblem,
    SpasmEpisode,
    SpasticityWeek,
    TreatmentEvent,
    Trigger,
)
from sci_tracker.diary.sciset import blank_answers
from sci_tracker.exports import csv_files, streams
from sci_tracker.exports.csv_files import FILES
from sci_tracker.reminders.models import ReminderSettings
from sci_tracker.sharing.models import ReviewNote, VisitMeasure
from tests.conftest import make_user
from tests.entries import AUCKLAND, NOW, at, builtin

EXPECTED = Path(__file__).parent / "exports"
JOINED = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def fixed(model, pk, **fields):
    return model.objects.create(pk=pk, **fields)


@pytest.fixture
def diary(db):
    """Fern, with ids of her own, every kind of entry and a carer who logged some of them."""
    fern = make_user(
        "fern",
        pk=7001,
        time_zone="Pacific/Auckland",
        date_joined=JOINED,
        email_confirmed_at=JOINED,
        usual_systolic=110,
        usual_diastolic=70,
    )
    carer = make_user("cam", pk=7002, date_joined=JOINED, email_confirmed_at=JOINED)
    doctor = make_user("okafor", pk=7003, is_clinician=True, email_confirmed_at=JOINED)
    own = {"owner": fern, "logged_by": fern}
    shoes = fixed(Trigger, 7101, owner=fern, slug="tight-shoes", name="Tight shoes")
    HiddenTrigger.objects.create(person=fern, trigger=builtin(Trigger, "uti"))
    feet = fixed(PainProblem, 7201, owner=fern, slot=1, name="Burning feet")
    knees = fixed(PainProblem, 7202, owner=fern, slot=2, name="=Knees")
    knees.confirm_type("neuropathic-below", doctor)
    knees.confirmed_at = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    knees.save()
    heat = builtin(Intervention, "heat")
    for n in range(30):  # more rows than one piece of the stream holds
        day = date(2026, 2, 1) + timedelta(days=n)
        spasm = fixed(
            SpasmEpisode,
            7300 + n,
            **own,
            occurred_at=at(day, 23 if n % 2 else 7, n % 60),
            pattern="clonus" if n % 3 else "jerky",
            severity=1 + n % 3,
            regions=["left-leg", "trunk"] if n % 4 == 0 else ["right-leg"],
            duration="1-5-min" if n % 5 == 0 else "",
            impacts=["woke-me"] if n % 6 == 0 else [],
            red_flags=["fever"] if n == 7 else [],
            note=["", "Ünïcödé ✓", "=1+1", 'a "quoted", comma\nnew line'][n % 4],
            note_for_clinician=n % 2 == 0,
        )
        if n % 3 == 0:
            spasm.triggers.add(shoes, builtin(Trigger, "cold"))
        if n % 5 == 0:
            InterventionUse.objects.create(intervention=heat, spasm=spasm, dose="20 min")
        fixed(
            CheckIn,
            7400 + n,
            **own,
            date=day,
            psfs_frequency=n % 5,
            psfs_severity=None if n % 5 == 0 else 1 + n % 3,
            spasticity=n % 11,
            pain_worst=None if n % 7 == 0 else 7,
            pain_average=3,
            night_wakings=n % 3,
            note="Bad night" if n == 3 else "",
            note_for_clinician=n == 3,
        )
    SpasmEpisode.objects.filter(pk__in=[7301, 7302]).update(logged_by=carer)
    SpasmEpisode.objects.filter(pk=7329).update(deleted_at=NOW)  # in the bin
    for n, problem in enumerate([feet, knees, None]):
        pain = fixed(
            LegPainEntry,
            7500 + n,
            **own,
            occurred_at=at(date(2026, 3, 1 + n), 9),
            intensity=4 + n,
            problem=problem,
            sites=[["left-foot"], ["left-knee", "right-knee"], []][n],
            qualities=["burning", "tingling"] if n == 0 else [],
            pain_type="neuropathic-below" if n < 2 else "musculoskeletal",
            red_flags=["leg-swollen"] if n == 1 else [],
            note="Worse after the drive",
            note_for_clinician=n == 1,
        )
        pain.triggers.add(builtin(Trigger, "cold"))
        InterventionUse.objects.create(intervention=heat, pain=pain, effect="helped-a-little")
    fixed(TreatmentEvent, 7601, **own, date=date(2026, 1, 10), event_kind="botox", details="+10")
    baclofen = fixed(Medicine, 7701, owner=fern, name="Baclofen", unit="mg", reason="spasms")
    fixed(Medicine, 7702, owner=fern, name="Gabapentin", unit="tablets", reason="pain")
    fixed(
        TreatmentEvent,
        7602,
        **own,
        date=date(2026, 2, 1),
        event_kind="medicine-start",
        medicine=baclofen,
        dose=Decimal("10.000"),
        times=["08:00", "20:00"],
    )
    fixed(
        TreatmentEvent,
        7603,
        **own,
        date=date(2026, 3, 1),
        event_kind="medicine-change",
        medicine=baclofen,
        dose=Decimal("2.500"),
        times=[],
    )
    due = datetime.combine(date(2026, 3, 10), time(8), AUCKLAND)
    fixed(MedicineDose, 7801, **own, medicine=baclofen, occurred_at=due, scheduled_for=due)
    fixed(
        MedicineDose,
        7802,
        owner=fern,
        logged_by=carer,
        medicine=baclofen,
        occurred_at=due + timedelta(hours=12),
        scheduled_for=due + timedelta(hours=12),
        status="missed",
    )
    fixed(MedicineDose, 7803, **own, medicine=baclofen, occurred_at=NOW, amount=Decimal("5"))
    episode = fixed(ADEpisode, 7901, **own, occurred_at=NOW, outcome="settled", causes=["bladder"])
    for pk, minutes, pulse in ((7911, 0, None), (7912, 10, 64)):
        fixed(
            BloodPressureReading,
            pk,
            episode=episode,
            taken_at=NOW + timedelta(minutes=minutes),
            systolic=170 - minutes,
            diastolic=95,
            pulse=pulse,
        )
    answers = blank_answers()
    answers.update({"1": -2, "2": 1, "35": 3})
    fixed(SpasticityWeek, 8001, **own, date=date(2026, 3, 8), answers=answers)
    fixed(CareEvent, 8101, **own, occurred_at=NOW, event="catheter", volume_ml=400)
    fixed(CareEvent, 8102, **own, occurred_at=NOW, event="skin-problem", site="sacrum", stage="1")
    ReviewNote.objects.create(
        person=fern, author=doctor, author_name="Dr Okafor", written_at=NOW, text="Looks better"
    )
    VisitMeasure.objects.create(
        person=fern,
        author_name="Dr Okafor",
        visit_date=date(2026, 3, 2),
        muscle_group="hip-adductors",
        side="left",
        score="1+",
    )
    VisitMeasure.objects.filter(person=fern).update(recorded_at=NOW)
    ReminderSettings.objects.create(user=fern, first_at=time(20, 0))
    # Every entry made and changed at one moment, so the backup's times are fixed.
    for model in (SpasmEpisode, CheckIn, LegPainEntry, TreatmentEvent, MedicineDose):
        model.objects.filter(owner=fern).update(created_at=NOW, updated_at=NOW)
    for model in (ADEpisode, SpasticityWeek, CareEvent):
        model.objects.filter(owner=fern).update(created_at=NOW, updated_at=NOW)
    return fern


DOWNLOADS = [
    *((f"{csv_file.name}.csv", f"/export/{csv_file.name}.csv") for csv_file in FILES),
    ("backup.json", "/export/backup.json"),
    ("fhir.json", "/export/fhir.json"),
    ("fhir-transaction.json", "/export/fhir.json?type=transaction"),
]


def signed_in(client, person):
    client.force_login(person)
    return client


@time_machine.travel(NOW + timedelta(hours=1), tick=False)
@pytest.mark.parametrize(("name", "url"), DOWNLOADS, ids=[name for name, _ in DOWNLOADS])
def test_it_writes_every_export_byte_for_byte_as_before(client, diary, name, url):
    response = signed_in(client, diary).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    expected = EXPECTED / name
    if os.environ.get("SCI_TRACKER_WRITE_EXPECTED"):
        expected.write_bytes(body)
    assert body == expected.read_bytes()


@pytest.mark.parametrize(
    ("url", "row", "piece"),
    [
        ("/export/spasms.csv", b"\r\n", 600),
        ("/export/backup.json", b"\n  {", 2000),
        ("/export/fhir.json", b'"fullUrl"', 8000),
    ],
)
def test_it_streams_pieces_of_many_rows_not_one_write_per_row(
    client, diary, monkeypatch, url, row, piece
):
    monkeypatch.setattr(streams, "PIECE", piece)
    monkeypatch.setattr(csv_files, "CHUNK", 2)  # rows read two at a time, still written many
    response = signed_in(client, diary).get(url)
    assert response.streaming
    pieces = list(response.streaming_content)
    assert len(pieces) > 2  # the file goes out in pieces, never whole...
    # ...and each piece but the last holds many rows (or resources), not one.
    assert min(piece.count(row) for piece in pieces[:-1]) >= 4
