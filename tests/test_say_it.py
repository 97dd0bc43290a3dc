"""Say it: sentences as people dictate them, and the entries they must give.

The clock is stopped at 15:30 on Tuesday 10 March 2026 in Denver (UTC-6 that day, the clocks
went forward on the 8th), the diary owner's zone; each row says the fields its entry gets,
and nothing else may be set."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from sci_tracker.diary.models import Intervention, PainProblem, Trigger
from sci_tracker.diary.say_it import TRIED, read
from tests.conftest import make_user

DENVER = ZoneInfo("America/Denver")
NOW = datetime(2026, 3, 10, 15, 30, tzinfo=DENVER)


@pytest.fixture
def sam(db):
    person = make_user("sam", time_zone="America/Denver")
    PainProblem.objects.create(owner=person, slot=1, name="Sciatica")
    Trigger.objects.create(owner=person, slug="hot-shower", name="Hot shower", category="other")
    Intervention.objects.create(
        owner=person, slug="cannabis-oil", name="Cannabis oil", category="medicine"
    )
    return person


def summary(reading) -> dict:
    """The reading's entry in the test table's words: slugs, not ids; local times."""
    data = reading.data
    found: dict = {"kind": reading.kind}
    if reading.kind in ("spasm", "pain"):
        if data["when"] == "now":
            found["when"] = "now"
        else:
            found["when"] = data["occurred_local"].replace("T", " ")
    for name in ("severity", "pattern", "duration", "intensity", "date"):
        if data.get(name):
            found[name] = data[name]
    for name in ("psfs_frequency", "psfs_severity", "night_wakings", "pain_worst", "spasticity"):
        if name in data:
            found[name] = int(data[name])
    for name in ("regions", "impacts", "sites", "qualities"):
        if data.get(name):
            found[name] = sorted(data[name])
    if data.get("triggers"):
        found["triggers"] = sorted(
            Trigger.objects.filter(pk__in=data["triggers"]).values_list("slug", flat=True)
        )
    total = int(data.get(f"{TRIED}-TOTAL_FORMS", 0))
    if total:
        ids = [data[f"{TRIED}-{index}-intervention"] for index in range(total)]
        found["tried"] = sorted(
            Intervention.objects.filter(pk__in=ids).values_list("slug", flat=True)
        )
        doses = [
            data[f"{TRIED}-{index}-dose"] for index in range(total) if data[f"{TRIED}-{index}-dose"]
        ]
        if doses:
            found["dose"] = doses[0]
        effect = data[f"{TRIED}-0-effect"]
        if effect != "not-sure":
            found["effect"] = effect
    if data.get("problem"):
        found["problem"] = PainProblem.objects.get(pk=data["problem"]).name
    return found


def spasm(when="now", **fields):
    return {"kind": "spasm", "when": when, **fields}


def pain(intensity, when="now", **fields):
    return {"kind": "pain", "when": when, "intensity": str(intensity), **fields}


def check_in(frequency, day="2026-03-10", **fields):
    return {"kind": "checkin", "date": day, "psfs_frequency": frequency, **fields}


BOTH_FEET = ["left-foot", "right-foot"]

TABLE = [
    # The issue's own three.
    ("bad spasm in my left leg ten minutes ago",
     spasm("2026-03-10 15:20", severity="3", regions=["left-leg"])),
    ("pain 6, burning in both feet, after a transfer",
     pain(6, sites=BOTH_FEET, qualities=["burning"], triggers=["position-change"])),
    ("check-in: spasms more than once an hour, moderate",
     check_in(3, psfs_severity=2)),
    # Spasms: when.
    ("spasm", spasm()),
    ("Spasm just now", spasm()),
    ("spasm 10 minutes ago", spasm("2026-03-10 15:20")),
    ("a spasm about twenty minutes ago", spasm("2026-03-10 15:10")),
    ("Spasm half an hour ago.", spasm("2026-03-10 15:00")),
    ("spasm an hour ago", spasm("2026-03-10 14:30")),
    ("spasm an hour and a half ago in my right leg",
     spasm("2026-03-10 14:00", regions=["right-leg"])),
    ("big spasm two hours ago", spasm("2026-03-10 13:30", severity="3")),
    ("spasm a few minutes ago", spasm("2026-03-10 15:25")),
    ("spasm at 3", spasm("2026-03-10 15:00")),
    ("spasm at 9", spasm("2026-03-10 09:00")),
    ("spasm at 4", spasm("2026-03-10 04:00")),
    ("spasm at 2:15 pm", spasm("2026-03-10 14:15")),
    ("spasm at 7.45", spasm("2026-03-10 07:45")),
    ("spasm at noon", spasm("2026-03-10 12:00")),
    ("spasm this morning", spasm("2026-03-10 09:00")),
    ("spasm this morning at 7", spasm("2026-03-10 07:00")),
    ("spasm yesterday evening", spasm("2026-03-09 18:00")),
    ("Spasm yesterday at 8pm", spasm("2026-03-09 20:00")),
    ("spasm yesterday at 3", spasm("2026-03-09 15:00")),
    ("spasm last night at 11", spasm("2026-03-09 23:00")),
    ("a strong spasm last night at 2am, it woke me up",
     spasm("2026-03-10 02:00", severity="3", impacts=["woke-me"])),
    ("spasm yesterday afternoon", spasm("2026-03-09 15:00")),
    # Spasms: how strong, where, what it was like.
    ("mild spasm in my right leg", spasm(severity="1", regions=["right-leg"])),
    ("small jerk in the left leg", spasm(severity="1", pattern="jerky", regions=["left-leg"])),
    ("moderate spasm both legs", spasm(severity="2", regions=["both-legs"])),
    ("really bad spasms in my legs", spasm(severity="3", regions=["both-legs"])),
    ("terrible spasm in my legs and my stomach",
     spasm(severity="3", regions=["both-legs", "trunk"])),
    ("legs went stiff, a spasm", spasm(pattern="stiffness", regions=["both-legs"])),
    ("clonus in my left ankle, spasm five minutes ago",
     spasm("2026-03-10 15:25", pattern="clonus", regions=["left-leg"])),
    ("Spasm in my arms", spasm(regions=["arms"])),
    ("spasm lasted for 10 minutes", spasm(duration="5-30-min")),
    ("spasm for a few seconds", spasm(duration="seconds")),
    ("spasm that went on for about 2 minutes", spasm(duration="1-5-min")),
    ("spasm for an hour in my back", spasm(duration="over-30-min", regions=["trunk"])),
    ("spasm, nearly fell", spasm(impacts=["fall"])),
    ("a spasm that helped me stand", spasm(impacts=["helped-standing"])),
    ("spasm, failed transfer", spasm(impacts=["failed-transfer"])),
    # Spasms: triggers, and what was tried.
    ("spasm after a transfer", spasm(triggers=["position-change"])),
    ("spasm, full bladder", spasm(triggers=["full-bladder"])),
    ("bad spasm when I was cold", spasm(severity="3", triggers=["cold"])),
    ("spasm after rolling over in bed", spasm(triggers=["position-change"])),
    ("spasm, my bladder was full", spasm(triggers=["full-bladder"])),
    ("spasm, think I'm constipated", spasm(triggers=["constipation"])),
    ("spasms, tight shoes", spasm(triggers=["tight-clothing"])),
    ("spasm, so tired today", spasm(triggers=["fatigue"])),
    ("spasm after a hot shower", spasm(triggers=["hot-shower"])),
    ("spasm after a transfer, stretched",
     spasm(triggers=["position-change"], tried=["stretching"])),
    ("spasm, took baclofen", spasm(tried=["baclofen"])),
    ("strong spasm, took 10 mg baclofen, it helped a bit",
     spasm(severity="3", tried=["baclofen"], dose="10 mg", effect="helped-a-little")),
    ("spasm, used an ice pack, didn't help",
     spasm(tried=["cold-pack"], effect="no-change")),
    ("spasm, had some cannabis oil", spasm(tried=["cannabis-oil"])),
    ("spasm after a transfer, did my stretches and had a massage",
     spasm(triggers=["position-change"], tried=["massage", "stretching"])),
    # Leg pain.
    ("pain 6", pain(6)),
    ("leg pain seven out of ten in my right knee half an hour ago",
     pain(7, "2026-03-10 15:00", sites=["right-knee"])),
    ("pain is 8/10 in both feet", pain(8, sites=BOTH_FEET)),
    ("burning pain, 5, in my feet", pain(5, sites=BOTH_FEET, qualities=["burning"])),
    ("tingling in my left foot, pain 3", pain(3, sites=["left-foot"], qualities=["tingling"])),
    ("shooting pain down my right thigh and calf, 7",
     pain(7, sites=["right-calf", "right-thigh"], qualities=["shooting"])),
    ("my left knee and ankle hurt, four",
     pain(4, sites=["left-ankle", "left-knee"])),
    ("aching in both hips, pain level 2",
     pain(2, sites=["left-hip", "right-hip"], qualities=["aching"])),
    ("sciatica pain 6 this morning", pain(6, "2026-03-10 09:00", problem="Sciatica")),
    ("pain 9 at 2pm, electric shocks in my feet",
     pain(9, "2026-03-10 14:00", sites=BOTH_FEET, qualities=["electric"])),
    ("pain 4 yesterday evening, took paracetamol",
     pain(4, "2026-03-09 18:00", tried=["painkiller"])),
    ("pain 7 after sitting too long", pain(7, triggers=["inactivity"])),
    ("cramping pain in my calves, 5, when I was cold",
     pain(5, sites=["left-calf", "right-calf"], qualities=["cramping"], triggers=["cold"])),
    ("pain zero", pain(0)),
    ("pain ten in my right foot", pain(10, sites=["right-foot"])),
    # Check-ins.
    ("check-in: no spasms", check_in(0)),
    ("check in, no spasms today", check_in(0)),
    ("daily check-in: spasms only when something sets them off, mild",
     check_in(1, psfs_severity=1)),
    ("check-in, less than once an hour, mild", check_in(2, psfs_severity=1)),
    ("check-in: more than ten times an hour, severe", check_in(4, psfs_severity=3)),
    ("check-in for yesterday: more than once an hour, moderate",
     check_in(3, day="2026-03-09", psfs_severity=2)),
    ("spasms more than once an hour, severe", check_in(3, psfs_severity=3)),
    ("check-in: spasms less than once an hour, mild, woke me twice",
     check_in(2, psfs_severity=1, night_wakings=2)),
    ("check-in: more than once an hour, moderate, worst pain 7",
     check_in(3, psfs_severity=2, pain_worst=7)),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "entry"), TABLE, ids=[row[0] for row in TABLE])
@time_machine.travel(NOW, tick=False)
def test_it_reads_the_sentence_as_the_entry(sam, sentence, entry):
    reading = read(sentence, sam, timezone.now())

    assert summary(reading) == entry
    assert reading.not_understood == []
    assert reading.missing == []


def test_the_table_is_long_enough():
    assert len(TABLE) >= 60


@time_machine.travel(NOW, tick=False)
def test_it_says_what_it_understood_in_plain_words(sam):
    reading = read(
        "bad spasm in my left leg ten minutes ago, after a transfer", sam, timezone.now()
    )

    assert reading.understood == [
        "When: 15:20 today",
        "How strong: Severe",
        "Where: Left leg",
        "What might have set it off: Position change or transfer",
    ]


@time_machine.travel(NOW, tick=False)
def test_it_lists_the_words_it_did_not_understand(sam):
    reading = read("spasm in my left leg while watching the football", sam, timezone.now())

    assert reading.kind == "spasm"
    assert reading.data["regions"] == ["left-leg"]
    assert reading.not_understood == ["watching", "football"]


@time_machine.travel(NOW, tick=False)
def test_it_says_what_is_missing(sam):
    nothing = read("the weather is lovely", sam, timezone.now())
    no_score = read("burning pain in my feet", sam, timezone.now())
    no_frequency = read("check-in, moderate", sam, timezone.now())

    assert nothing.kind == ""
    assert nothing.missing == ["Whether it was a spasm, leg pain or a daily check-in."]
    assert nothing.not_understood == ["weather", "lovely"]
    assert no_score.kind == "pain"
    assert no_score.missing == ["How bad the pain is, from 0 to 10."]
    assert no_frequency.missing[0].startswith("How often spasms came")


@time_machine.travel(NOW, tick=False)
def test_a_hidden_trigger_is_not_offered(sam):
    Trigger.objects.get(slug="cold", owner=None).hidings.create(person=sam)

    reading = read("spasm when I was cold", sam, timezone.now())

    assert "triggers" not in reading.data
    assert reading.not_understood == ["cold"]
