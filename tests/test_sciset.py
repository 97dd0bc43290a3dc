"""The weekly SCI-SET (diary.sciset and SpasticityWeek): its answers, its score, when it is
offered, and the bin, undo and version every entry has."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sci_tracker.diary import sciset
from sci_tracker.diary.models import SpasticityWeek
from tests.entries import sciset_week


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
