"""The weekly SCI-SET (diary.sciset and SpasticityWeek): its answers, its score, when it is
offered, and the bin, undo and version every entry has."""

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation

from sci_tracker.diary import sciset
from sci_tracker.diary.models import SpasticityWeek
from sci_tracker.exports import backup, fhir
from sci_tracker.sharing.models import CareAccess
from tests.entries import sciset_week
from tests.test_import import confirm, csv_bytes, minimal_backup, page_text, upload


def answers(**ratings):
    filled = sciset.blank_answers()
    filled.update({key.removeprefix("i"): value for key, value in ratings.items()})
    return filled


def test_it_scores_the_mean_of_the_items_that_apply():
    assert sciset.score(answers(i1=-3, i2=3, i3=1)) == Decimal("0.33")
    assert sciset.score(answers(i1=-2, i2=-1)) == Decimal("-1.50")
    # Not applicable items are left out, not counted as 0: -3 alone is -3, not -3/35.
    assert sciset.score(answers(i35=-3)) == Decimal("-3.00")
    assert sciset.score(answers(i1=0)) == Decimal("0.00")
    assert sciset.score(sciset.blank_answers()) is None
    every = dict.fromkeys(sciset.ITEM_KEYS, 2)
    assert sciset.score(every) == Decimal("2.00")
    # Two thirds of a point: rounded to two places, halves away from zero.
    assert sciset.score(answers(i1=-1, i2=-1, i3=0)) == Decimal("-0.67")


def test_it_says_the_score_in_the_scales_words():
    assert sciset.score_words(Decimal("-1.25")) == (
        "-1.25: spasticity was problematic on the whole"
    )
    assert sciset.score_words(Decimal("0.50")) == "+0.50: spasticity was helpful on the whole"
    assert sciset.score_words(Decimal("0.00")) == "0.00: no effect on the whole"
    assert sciset.score_words(None) == "No score: no item applied"


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ([1, 2, 3], "must be a set of item numbers"),
        (dict.fromkeys(sciset.ITEM_KEYS[:-1], 0), "Items without an answer: 35."),
        ({**sciset.blank_answers(), "36": 1}, "Not items of the SCI-SET: 36."),
        (answers(i4=4), "not so for items 4"),
        (answers(i4=-4), "not so for items 4"),
        (answers(i5=1.5), "not so for items 5"),
        (answers(i6="2"), "not so for items 6"),
        (answers(i7=True), "not so for items 7"),
    ],
)
def test_it_refuses_answers_that_are_not_the_tools(alice, bad, says):
    assert any(says in problem for problem in sciset.answer_problems(bad))
    week = SpasticityWeek(owner=alice, logged_by=alice, date=date(2026, 3, 14), answers=bad)
    with pytest.raises(ValidationError, match=says.replace(".", r"\.")):
        week.full_clean()
    # save() checks too, so code that skips full_clean cannot store them either.
    with pytest.raises(ValidationError):
        week.save()
    assert not SpasticityWeek.objects.exists()


def test_it_keeps_a_week_with_its_score(alice):
    week = sciset_week(alice, ratings={1: -3, 2: -1, 20: 2})
    week.full_clean()
    stored = SpasticityWeek.objects.get()
    assert stored.answers["1"] == -3
    assert stored.answers["20"] == 2
    assert stored.answers["3"] is None
    assert len(stored.answers) == 35
    assert stored.score == Decimal("-0.67")
    assert stored.score_words == "-0.67: spasticity was problematic on the whole"


def test_it_keeps_one_week_a_day_but_a_binned_one_makes_room(alice, bob):
    first = sciset_week(alice, date(2026, 3, 14))
    with pytest.raises(IntegrityError), transaction.atomic():
        sciset_week(alice, date(2026, 3, 14))
    sciset_week(bob, date(2026, 3, 14))  # another person's week is theirs
    first.move_to_bin()
    again = sciset_week(alice, date(2026, 3, 14), ratings={2: 1})
    assert list(SpasticityWeek.objects.for_user(alice).active()) == [again]
    assert list(SpasticityWeek.objects.for_user(alice).in_bin()) == [first]


def test_it_offers_the_next_week_seven_days_after_the_last(alice):
    today = date(2026, 3, 20)
    assert SpasticityWeek.objects.last_day(alice) is None
    assert sciset.is_due(None, today)
    week = sciset_week(alice, date(2026, 3, 14))
    last = SpasticityWeek.objects.last_day(alice)
    assert last == date(2026, 3, 14)
    assert sciset.next_offered(last) == date(2026, 3, 21)
    assert not sciset.is_due(last, today)
    assert sciset.is_due(last, today + timedelta(days=1))
    # A week in the bin does not hold the next one back.
    week.move_to_bin()
    assert SpasticityWeek.objects.last_day(alice) is None


def test_it_moves_the_version_on_and_comes_back_from_the_bin(alice):
    week = sciset_week(alice)
    assert week.version == 1
    week.answers["3"] = -2
    week.save()
    assert week.version == 2
    week.move_to_bin()
    assert SpasticityWeek.objects.get().deleted_at is not None
    week.restore()
    stored = SpasticityWeek.objects.get()
    assert stored.deleted_at is None
    assert stored.version == 4
    assert stored.answers["3"] == -2


# History, bin and undo ---------------------------------------------------------------------


def test_it_lists_a_week_with_its_score_in_words_and_bins_and_restores_it(alice_client, alice):
    week = sciset_week(alice, date(2026, 3, 7), ratings={1: -3, 2: -2, 9: 2})
    page = page_text(alice_client.get(reverse("diary:history")))
    assert (
        "Weekly spasticity questions (SCI-SET) , the 7 days to 7 Mar: -1.00: spasticity was "
        "problematic on the whole." in page
    )
    # No page changes a week yet: no Open link, and its edit address is not found.
    assert reverse("diary:edit", args=["sciset", week.pk]) not in alice_client.get(
        reverse("diary:history")
    ).text.replace(reverse("diary:delete", args=["sciset", week.pk]), "")
    assert alice_client.get(reverse("diary:edit", args=["sciset", week.pk])).status_code == 404

    response = alice_client.post(
        reverse("diary:delete", args=["sciset", week.pk]), {"version": week.version}
    )
    assert response.url == f"{reverse('diary:history')}?binned=sciset-{week.pk}"
    assert SpasticityWeek.objects.get().deleted_at is not None
    assert "the 7 days to 7 Mar: -1.00" in page_text(alice_client.get(reverse("diary:bin")))
    alice_client.post(reverse("diary:restore", args=["sciset", week.pk]))
    assert SpasticityWeek.objects.get().deleted_at is None


def test_it_keeps_a_binned_week_there_if_its_day_has_new_answers(alice_client, alice):
    old = sciset_week(alice)
    old.move_to_bin()
    sciset_week(alice, ratings={4: 1})
    response = alice_client.post(reverse("diary:restore", args=["sciset", old.pk]), follow=True)
    assert "so these stay in the bin" in page_text(response)
    old.refresh_from_db()
    assert old.deleted_at is not None


def test_it_lets_a_carer_see_and_bin_only_the_weeks_they_logged(client, alice, bob):
    CareAccess.objects.create(
        person=alice, email=bob.email, role="carer", member=bob, accepted_at=datetime.now(UTC)
    )
    theirs = sciset_week(alice, date(2026, 3, 7), logged_by=bob, ratings={1: 1})
    own = sciset_week(alice, date(2026, 3, 14), ratings={1: -1})
    client.force_login(bob)
    page = page_text(client.get(reverse("diary:history", kwargs={"person_id": alice.pk})))
    assert "the 7 days to 7 Mar: +1.00" in page
    assert "the 7 days to 14 Mar" not in page
    delete = "diary:delete"
    kwargs = {"person_id": alice.pk, "kind": "sciset"}
    assert client.post(reverse(delete, kwargs={**kwargs, "pk": own.pk})).status_code == 404
    client.post(reverse(delete, kwargs={**kwargs, "pk": theirs.pk}), {"version": 1})
    assert list(SpasticityWeek.objects.in_bin()) == [theirs]


# Exports and import --------------------------------------------------------------------------


def test_it_writes_a_row_a_week_with_the_score_and_every_item(alice_client, alice):
    sciset_week(alice, date(2026, 3, 7), ratings={1: -3, 2: 3, 35: 1}, note="=better")
    sciset_week(alice, date(2026, 3, 14))
    sciset_week(alice, date(2026, 3, 1), ratings={1: 1}).move_to_bin()
    response = alice_client.get(reverse("exports:csv", args=["sci-set"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["date"] for row in rows] == ["2026-03-07", "2026-03-14"]
    first = rows[0]
    assert first["score"] == "0.33"
    assert (first["item_1"], first["item_2"], first["item_3"], first["item_35"]) == (
        "-3",
        "3",
        "",
        "1",
    )
    assert first["note"] == "'=better"
    assert rows[1]["score"] == ""  # nothing applied: no score
    assert len([name for name in first if name.startswith("item_")]) == 35


def week_item(**fields):
    return {
        "date": "2025-03-01",
        "answers": {**sciset.blank_answers(), "1": -2, "2": 0},
        "note": "",
        "note_for_clinician": False,
        "logged_by": None,
        "created_at": "2025-03-01T10:00:00+09:00",
        "updated_at": "2025-03-01T10:00:00+09:00",
        "deleted_at": None,
        **fields,
    }


@time_machine.travel(datetime(2025, 3, 10, 3, tzinfo=UTC), tick=False)
def test_it_checks_weeks_in_a_backup(alice_client, alice):
    data = minimal_backup(
        version=backup.VERSION,
        reminders=None,
        sciset_weeks=[
            week_item(),
            week_item(date="2025-03-02", answers={**sciset.blank_answers(), "3": 4}),
            week_item(date="2025-03-03", answers={"1": 1}),
            week_item(date="2025-03-04", answers=[1, 2]),
            week_item(date="2025-03-11"),  # 10 March in Tokyo, the file's zone: not yet
            week_item(),  # the first one's day again
        ],
    )
    text = page_text(upload(alice_client, {"b.json": data}))
    assert "1 entry to add" in text
    assert "b.json, SCI-SET week 2: answers: Ratings go from -3 to +3" in text
    assert "not so for items 3." in text
    assert "b.json, SCI-SET week 3: answers: Items without an answer: 2, 3" in text
    assert "b.json, SCI-SET week 4: answers: The answers must be a set of item numbers" in text
    assert "b.json, SCI-SET week 5: date 2025-03-11 is a day that has not come yet" in text
    assert "b.json, SCI-SET week 6: an SCI-SET week for 2025-03-01 is already in the upload" in text


@time_machine.travel(datetime(2025, 3, 10, 3, tzinfo=UTC), tick=False)
def test_it_reads_a_version_4_backup_as_having_no_weeks(alice_client, alice):
    data = json.loads(minimal_backup(version=4, reminders=None))
    del data["sciset_weeks"]
    text = page_text(upload(alice_client, {"b.json": json.dumps(data).encode()}))
    assert "0 entries to add, 0 already in your diary (skipped), 0 errors." in text
    with_unknown = json.loads(minimal_backup(version=4, reminders=None, sciset_weeks=[week_item()]))
    text = page_text(upload(alice_client, {"b.json": json.dumps(with_unknown).encode()}))
    assert "1 entry to add" in text  # the key is read whatever version says it has


def test_it_checks_the_item_cells_of_a_sci_set_csv(alice_client, alice):
    sciset_week(alice, date(2025, 3, 1), ratings={1: -2, 2: 3})
    files = csv_bytes(alice_client)
    SpasticityWeek.objects.all().delete()
    header, row = list(csv.reader(io.StringIO(files["sci-set.csv"].decode())))
    odd = list(row)
    odd[header.index("item_4")] = "x"
    odd[header.index("date")] = "2025-03-02"
    out = io.StringIO()
    csv.writer(out).writerows([header, row, odd])
    text = page_text(upload(alice_client, {"sci-set.csv": out.getvalue().encode()}))
    assert "1 entry to add" in text
    assert "not so for items 4." in text
    confirm(alice_client)
    week = SpasticityWeek.objects.get()
    assert week.answers == {**sciset.blank_answers(), "1": -2, "2": 3}
    assert week.score == Decimal("0.50")


# FHIR ------------------------------------------------------------------------------------------


def test_it_exports_each_week_as_a_valid_observation_with_the_score_and_items(alice):
    week = sciset_week(
        alice, date(2026, 3, 14), ratings={1: -3, 2: 2, 35: 0}, note="x", note_for_clinician=True
    )
    sciset_week(alice, date(2026, 3, 7))  # nothing applied
    sciset_week(alice, date(2026, 3, 1), ratings={1: 3}).move_to_bin()
    data = fhir.bundle(alice)
    Bundle.model_validate(data)
    found = [
        entry["resource"]
        for entry in data["entry"]
        if (fhir.MEASURES, "sci-set-score")
        in [(c["system"], c["code"]) for c in entry["resource"].get("code", {}).get("coding", [])]
    ]
    assert len(found) == 2
    for resource in found:
        Observation.model_validate(resource)
    blank, full = found
    assert blank["dataAbsentReason"]["coding"][0]["code"] == "not-applicable"
    assert "valueQuantity" not in blank
    assert full["valueQuantity"] == {
        "value": float(week.score),
        "unit": "{score}",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }
    assert full["valueQuantity"]["value"] == pytest.approx(-0.33)
    assert full["effectivePeriod"] == {"start": "2026-03-08", "end": "2026-03-14"}
    assert full["note"] == [{"text": "x"}]
    items = {part["code"]["coding"][0]["code"]: part for part in full["component"]}
    assert list(items) == list(sciset.ITEM_KEYS)
    assert all(part["code"]["coding"][0]["system"] == fhir.SCISET_ITEMS for part in items.values())
    assert items["1"]["valueInteger"] == -3
    assert items["35"]["valueInteger"] == 0
    assert items["3"]["dataAbsentReason"]["coding"][0]["code"] == "not-applicable"


# Trends and the report -------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 3, 16, 1, tzinfo=UTC), tick=False)  # 16 March in Auckland
def test_it_draws_the_weekly_score_on_the_trends_page_with_the_scales_words(alice_client, alice):
    sciset_week(alice, date(2026, 3, 1), ratings={1: -3, 2: -2})  # -2.50
    sciset_week(alice, date(2026, 3, 8))  # nothing applied: no point on the line
    sciset_week(alice, date(2026, 3, 15), ratings={1: 1, 2: -1, 3: 1})  # +0.33
    sciset_week(alice, date(2026, 3, 14), ratings={1: 3}).move_to_bin()
    response = alice_client.get(
        reverse("trends:overview"), {"from": "2026-02-16", "to": "2026-03-16"}
    )
    text = page_text(response)
    assert (
        "Latest, for the 7 days to 15 Mar: +0.33: spasticity was helpful on the whole. Change "
        "since the week to 1 Mar: +2.83." in text
    )
    assert "Above the middle line (above 0): spasticity was helpful on the whole." in text
    assert "1 Mar 2026 -2.50: spasticity was problematic on the whole 2/35" in text
    assert "8 Mar 2026 No score: no item applied 0/35" in text
    # Two points across the 29 days: 1 March (day 13) low, 15 March (day 27) just above 0.
    points = re.search(r'class="sciset-score" points="([^"]*)"', response.text).group(1)
    (x1, y1), (x2, y2) = (map(float, point.split(",")) for point in points.split())
    assert y1 > 45 > y2
    assert x1 < x2
    assert "<script" not in response.text.split('id="sci-set"')[1].split("</section>")[0]


@time_machine.travel(datetime(2026, 3, 16, 1, tzinfo=UTC), tick=False)  # 16 March in Auckland
def test_its_table_lists_the_latest_weeks_and_its_line_draws_them_all(alice_client, alice):
    from sci_tracker.trends.views import SCISET_TABLE_WEEKS  # noqa: PLC0415

    weeks = SCISET_TABLE_WEEKS + 2
    for n in range(weeks):  # a week every 7 days to 15 March, 55 in all
        sciset_week(alice, date(2026, 3, 15) - timedelta(days=7 * n), ratings={1: n % 3 - 1})
    over_a_year = {"range": "custom", "from": "2025-01-01", "to": "2026-03-16"}
    response = alice_client.get(reverse("trends:overview"), over_a_year)
    section = response.text.split('id="sci-set"')[1].split("</section>")[0]
    days = re.findall(r"<tr><td>(\d+ \w+ \d{4})</td>", section)
    assert len(days) == SCISET_TABLE_WEEKS
    assert (days[0], days[-1]) == ("16 Mar 2025", "15 Mar 2026")  # the latest 53, oldest first
    assert "2 earlier weeks are on the line above, and in a shorter range" in page_text(response)
    points = re.search(r'class="sciset-score" points="([^"]*)"', section).group(1)
    assert len(points.split()) == weeks  # every week had an item that applied


def test_it_says_when_no_week_was_logged_on_the_trends_page(alice_client):
    text = page_text(alice_client.get(reverse("trends:overview")))
    assert "No weekly spasticity answers were logged in this period." in text


@time_machine.travel(datetime(2026, 3, 16, 1, tzinfo=UTC), tick=False)
def test_it_puts_the_latest_score_and_its_change_on_the_report(alice_client, alice):
    sciset_week(alice, date(2026, 3, 8), ratings={1: -1})
    sciset_week(alice, date(2026, 3, 15), ratings={1: -2, 2: -1})
    text = page_text(alice_client.get(reverse("reports:report")))
    assert (
        "Weekly spasticity questions (SCI-SET) Latest, for the 7 days to 15 Mar 2026: -1.50: "
        "spasticity was problematic on the whole. Change since the week to 8 Mar: -0.50." in text
    )
    SpasticityWeek.objects.all().delete()
    text = page_text(alice_client.get(reverse("reports:report")))
    assert "Weekly spasticity questions (SCI-SET)" not in text
