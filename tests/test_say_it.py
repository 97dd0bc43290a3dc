"""Say it: sentences as people dictate them, and the entries they must give.

The clock is stopped at 15:30 on Tuesday 10 March 2026 in Denver (UTC-6 that day, the clocks
went forward on the 8th), the diary owner's zone; each row says the fields its entry gets,
and nothing else may be set."""

import re
from datetime import date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sci_tracker.diary.models import (
    CheckIn,
    Intervention,
    InterventionUse,
    LegPainEntry,
    PainProblem,
    SpasmEpisode,
    Trigger,
)
from sci_tracker.diary.say_it import EXAMPLES, TRIED, read
from sci_tracker.sharing.models import CareAccess
from tests.conftest import make_user, text_of
from tests.entries import NOW as AT
from tests.test_api import api, post

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
def test_the_examples_the_box_offers_are_read_whole(sam):
    readings = [read(example, sam, timezone.now()) for example in EXAMPLES]

    assert [reading.kind for reading in readings] == ["spasm", "pain", "checkin"]
    assert [reading.not_understood for reading in readings] == [[], [], []]
    assert [reading.missing for reading in readings] == [[], [], []]


@time_machine.travel(NOW, tick=False)
def test_it_says_what_it_understood_in_plain_words(sam):
    reading = read(
        "bad spasm in my left leg ten minutes ago, after a transfer", sam, timezone.now()
    )

    assert reading.understood == [
        "A spasm",
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
def test_a_time_it_cannot_read_is_never_taken_for_now(sam):
    past_a_clock = read("spasm at 27", sam, timezone.now())
    too_long_ago = read("spasm 99999999999999 days ago", sam, timezone.now())

    for reading in (past_a_clock, too_long_ago):
        assert "when" not in reading.data
        assert reading.missing == [
            "When it happened, said as “10 minutes ago”, “at 3pm” or “yesterday evening”."
        ]
        assert not reading.complete
    assert past_a_clock.not_understood == ["27"]
    assert too_long_ago.not_understood == ["99999999999999", "days", "ago"]


# Words the rules look for, and others, in any order: whatever is said, a reading comes back.
VOCABULARY = (
    "spasm pain check-in at am pm 3 27 0 10 99999999999 minutes hours days ago half an a "
    "yesterday last night this morning left right both feet knee legs for lasted woke me "
    "twice took mg baclofen helped a lot more than once less ten times per hour no spasms "
    "mild severe bad cold transfer after out of / : . , worst average stiffness"
)
SAID = st.lists(st.sampled_from(VOCABULARY.split()) | st.text(max_size=12), max_size=25).map(
    " ".join
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(said=SAID)
def test_it_reads_anything_without_failing(sam, said):
    with time_machine.travel(NOW, tick=False):
        reading = read(said, sam, timezone.now())

    assert reading.kind in ("", "spasm", "pain", "checkin")
    assert reading.complete == (bool(reading.kind) and not reading.missing)
    for value in reading.data.values():
        assert isinstance(value, str | list)


@time_machine.travel(NOW, tick=False)
def test_a_hidden_trigger_is_not_offered(sam):
    Trigger.objects.get(slug="cold", owner=None).hidings.create(person=sam)

    reading = read("spasm when I was cold", sam, timezone.now())

    assert "triggers" not in reading.data
    assert reading.not_understood == ["cold"]


# The API: POST /api/v1/say-it/ ---------------------------------------------------------------

SAY_IT = "/api/v1/say-it/"


@pytest.fixture
def cara(alice):
    """Alice's carer."""
    carer = make_user("cara", time_zone="Europe/London")
    CareAccess.objects.create(
        person=alice, email=carer.email, role="carer", member=carer, accepted_at=AT
    )
    return carer


@pytest.fixture
def dr_okafor(alice):
    """Alice's clinician."""
    doctor = make_user("dr_okafor", is_clinician=True)
    CareAccess.objects.create(
        person=alice, email=doctor.email, role="clinician", member=doctor, accepted_at=AT
    )
    return doctor


@time_machine.travel(AT, tick=False)
def test_it_answers_the_reading_and_saves_nothing(alice):
    answer = post(api(alice), SAY_IT, {"text": "bad spasm in my left leg ten minutes ago"})

    assert answer.status_code == 200
    assert answer.json()["entry"] is None
    reading = answer.json()["reading"]
    assert reading["kind"] == "spasm"
    # 00:30 on 15 March in Auckland; answered in UTC, as every time the API gives.
    assert reading["occurred_at"] == "2026-03-14T11:20:00Z"
    assert reading["form_data"]["severity"] == "3"
    assert reading["understood"] == [
        "A spasm",
        "When: 00:20 today",
        "How strong: Severe",
        "Where: Left leg",
    ]
    assert reading["not_understood"] == []
    assert answer.json()["summary"] == (
        "Understood: A spasm; When: 00:20 today; How strong: Severe; Where: Left leg."
    )
    assert not SpasmEpisode.objects.exists()


@time_machine.travel(AT, tick=False)
def test_it_saves_the_entry_read_once_per_client_id(alice):
    client, client_id = api(alice), str(uuid4())
    sentence = "pain 6, burning in both feet, after a transfer, took 300 mg gabapentin"

    first = post(client, SAY_IT, {"text": sentence, "save": True, "client_id": client_id})
    again = post(client, SAY_IT, {"text": sentence, "save": True, "client_id": client_id})

    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["entry"]["id"] == again.json()["entry"]["id"]
    entry = LegPainEntry.objects.get()
    assert (entry.intensity, entry.sites, entry.qualities) == (
        6,
        ["left-foot", "right-foot"],
        ["burning"],
    )
    assert entry.occurred_at == AT
    assert [t.slug for t in entry.triggers.all()] == ["position-change"]
    used = InterventionUse.objects.get()
    assert (used.pain, used.intervention.slug, used.dose) == (entry, "gabapentin", "300 mg")
    assert (entry.logged_by, str(entry.client_id)) == (alice, client_id)
    assert first.json()["entry"]["intensity"] == 6
    assert first.json()["summary"].startswith("Saved: Leg pain; When: now; How bad: 6 out of 10;")


@time_machine.travel(AT, tick=False)
def test_it_saves_by_the_web_forms_rules(alice):
    client = api(alice)
    future = post(client, SAY_IT, {"text": "spasm at 11pm", "save": True})
    unread = post(client, SAY_IT, {"text": "the weather is lovely", "save": True})
    first = post(client, SAY_IT, {"text": "check-in: no spasms", "save": True})
    second = post(client, SAY_IT, {"text": "check-in: no spasms", "save": True})

    assert future.status_code == 400
    assert future.json()["errors"] == {"occurred_at": ["That time is in the future."]}
    assert future.json()["reading"]["occurred_at"] == "2026-03-15T10:00:00Z"  # 23:00 in Auckland
    assert future.json()["summary"] == "Not saved. That time is in the future."
    assert unread.status_code == 400
    assert unread.json()["errors"] == {
        "text": ["Whether it was a spasm, leg pain or a daily check-in."]
    }
    assert unread.json()["summary"] == (
        "Not saved. Whether it was a spasm, leg pain or a daily check-in."
    )
    assert first.status_code == 201
    assert second.status_code == 400
    assert "already have a check-in for 15 March 2026" in second.json()["errors"]["date"][0]
    assert not SpasmEpisode.objects.exists()
    assert CheckIn.objects.get().date == date(2026, 3, 15)


@time_machine.travel(AT, tick=False)
def test_a_carer_says_it_for_the_person(alice, cara):
    answer = post(api(cara), SAY_IT, {"text": "spasm 5 minutes ago", "save": True}, person=alice.pk)

    assert answer.status_code == 201
    spasm = SpasmEpisode.objects.get()
    assert (spasm.owner, spasm.logged_by) == (alice, cara)
    assert spasm.occurred_at == AT - timedelta(minutes=5)


@time_machine.travel(AT, tick=False)
def test_a_clinician_or_a_read_only_token_cannot_say_it(alice, dr_okafor):
    clinician = post(api(dr_okafor), SAY_IT, {"text": "spasm", "save": True}, person=alice.pk)
    reading_only = post(api(dr_okafor), SAY_IT, {"text": "spasm"}, person=alice.pk)
    read_token = post(api(alice, scope="read"), SAY_IT, {"text": "spasm", "save": True})
    stranger = post(api(make_user("zed")), SAY_IT, {"text": "spasm"}, person=alice.pk)

    assert (clinician.status_code, reading_only.status_code) == (403, 403)
    assert read_token.status_code == 403
    assert "may only read" in read_token.json()["detail"]
    assert stranger.status_code == 404
    assert not SpasmEpisode.objects.exists()


def test_the_openapi_document_describes_say_it(db):
    document = Client().get("/api/v1/openapi.json").json()

    operation = document["paths"][SAY_IT]["post"]
    assert operation["summary"] == "Say it: log from a sentence"
    assert set(operation["responses"]) >= {"200", "201", "400"}
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/SayItIn")


# The Log page's box --------------------------------------------------------------------------


@time_machine.travel(AT, tick=False)
def test_the_log_page_has_the_box(alice_client):
    page = alice_client.get(reverse("diary:quick_log"))

    assert 'action="/log/say-it/#reading"' in page.text
    assert '<label class="form-label" for="id_text">What happened?</label>' in page.text
    assert "Read it" in text_of(page.text)


@time_machine.travel(AT, tick=False)
def test_it_reads_the_sentence_then_saves_it(alice_client, alice):
    said = "strong spasm in both legs after a transfer, twenty minutes ago"

    page = alice_client.post(reverse("diary:say_it"), {"text": said})

    shown = text_of(page.text)
    assert page.status_code == 200
    assert (
        "What was understood A spasm When: 00:10 today How strong: Severe Where: Both legs "
        "What might have set it off: Position change or transfer"
    ) in shown
    assert "Not understood" not in shown
    assert said in page.text  # still in the box, to change and read again
    assert not SpasmEpisode.objects.exists()
    # "Save it" sends the reading to the spasm form, as the page's hidden fields carry it.
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    assert hidden["occurred_local"] == "2026-03-15T00:10"
    saved = alice_client.post(reverse("diary:new", kwargs={"kind": "spasm"}), hidden)

    assert saved.status_code == 302
    spasm = SpasmEpisode.objects.get()
    assert (spasm.severity, spasm.regions) == (3, ["both-legs"])
    assert spasm.occurred_at == AT - timedelta(minutes=20)
    assert [t.slug for t in spasm.triggers.all()] == ["position-change"]
    assert "Spasm saved." in text_of(alice_client.get(saved.url).text)


@pytest.mark.parametrize(
    ("sentence", "model"),
    [
        ("pain 6, burning in both feet, after a transfer, took paracetamol", LegPainEntry),
        ("check-in: spasms more than once an hour, moderate", CheckIn),
        ("spasm at midnight in my right leg, stretched, it helped a lot", SpasmEpisode),
    ],
)
@time_machine.travel(AT, tick=False)
def test_each_kind_saves_through_its_web_form(alice_client, alice, sentence, model):
    page = alice_client.post(reverse("diary:say_it"), {"text": sentence})
    action = re.search(r'<form method="post" action="(/log/\w+/)">', page.text).group(1)
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text)
    sent = {}
    for name, value in fields:
        sent.setdefault(name, []).append(value)

    saved = alice_client.post(action, sent)

    assert saved.status_code == 302
    entry = model.objects.get()
    assert (entry.owner, entry.logged_by) == (alice, alice)
    if model is not CheckIn:
        assert InterventionUse.objects.get().intervention.slug in ("painkiller", "stretching")


@time_machine.travel(AT, tick=False)
def test_a_sentence_not_understood_shows_what_and_keeps_the_text(alice_client):
    page = alice_client.post(reverse("diary:say_it"), {"text": "burning pain while gardening"})

    shown = text_of(page.text)
    assert "Not understood gardening" in shown
    assert "Still needed How bad the pain is, from 0 to 10." in shown
    assert "Save it" not in shown
    assert ">burning pain while gardening</textarea>" in page.text
    assert "Finish it in the full form" in shown
    assert not LegPainEntry.objects.exists()


@time_machine.travel(AT, tick=False)
def test_the_full_form_opens_filled_in(alice_client):
    page = alice_client.post(reverse("diary:say_it"), {"text": "mild spasm, took baclofen"})
    link = re.search(r'href="(/log/spasm/\?said=1[^"]*)"', page.text).group(1)

    form = alice_client.get(link.replace("&amp;", "&"))

    assert form.status_code == 200
    assert form.context["form"].initial["severity"] == "1"
    assert form.context["formset"].forms[0].initial["intervention"] == str(
        Intervention.objects.get(slug="baclofen", owner=None).pk
    )
    assert re.search(r'<input[^>]*name="severity"[^>]*value="1"[^>]*checked', form.text)
    assert not SpasmEpisode.objects.exists()


@time_machine.travel(AT, tick=False)
def test_an_empty_or_too_long_sentence_is_asked_for_again(alice_client):
    page = alice_client.post(reverse("diary:say_it"), {"text": "  "})

    assert "Say or type what happened, then read it." in text_of(page.text)
    assert "What was understood" not in text_of(page.text)
    long = alice_client.post(reverse("diary:say_it"), {"text": "spasm " * 100})
    assert "Keep this to 500 characters or fewer (it has 599)." in text_of(long.text)
    assert "spasm spasm" in long.text  # kept in the box
    assert "What was understood" not in text_of(long.text)


@time_machine.travel(AT, tick=False)
def test_a_carer_sees_whose_diary(client, alice, cara):
    client.force_login(cara)
    url = reverse("diary:say_it", kwargs={"person_id": alice.pk})

    page = client.post(url, {"text": "spasm in my right leg"})

    shown = text_of(page.text)
    assert "Say it for Alice" in shown
    assert "What happened to Alice?" in shown
    assert "What you save goes to Alice’s diary." in shown
    assert "Save it to Alice’s diary" in shown
    assert f'action="/people/{alice.pk}/log/spasm/"' in page.text
