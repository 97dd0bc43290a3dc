"""Long ranges' days (trends.month_days): the closed past's whole months kept as rows of their
day series, read back as the days themselves would give them."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from sci_tracker.accounts.models import User
from sci_tracker.diary.models import (
    Intervention,
    InterventionUse,
    PainProblem,
    SpasmEpisode,
    SpasmHour,
    Trigger,
    save_pain_problems,
)
from sci_tracker.trends import aggregates
from sci_tracker.trends.aggregates import Period, daily, daily_over, spasms_by_hour
from sci_tracker.trends.models import MonthDays, MonthTried
from tests.entries import builtin, care, checkin, pain, spasm

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 20)
AUCKLAND = ZoneInfo("Pacific/Auckland")
# From mid-May 2024: whole closed months June 2024 to December 2025 (the closed past ends on
# the last day of the month two months back), a part-month before them and the last months
# after.
ALL = Period(date(2024, 5, 15), TODAY)
WHOLE = (date(2024, 6, 1), date(2025, 12, 1))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AUCKLAND)


def reader(owner) -> User:
    """The account as a request reads it (versions and zone afresh)."""
    return User.objects.get(pk=owner.pk)


def first_view(owner) -> aggregates.Daily:
    cache.clear()  # nothing kept in the cache: what is kept is in the rows
    return daily(reader(owner), ALL)


def fresh(owner) -> aggregates.Daily:
    [found] = daily_over(reader(owner), [ALL])
    return found


def periods_read(monkeypatch) -> list:
    read, real = [], aggregates.daily_over

    def counted(owner, periods):
        read.append(periods)
        return real(owner, periods)

    monkeypatch.setattr(aggregates, "daily_over", counted)
    return read


@pytest.fixture
def diary(alice, frozen):
    """Spasms, leg pain of two pain problems (one of them in June 2024 alone) and check-ins
    across the range."""
    save_pain_problems(alice, ["Feet", "Hip", ""])
    feet, hip = (PainProblem.objects.get(owner=alice, slot=slot) for slot in (1, 2))
    for day in (date(2024, 5, 20), date(2024, 6, 10), date(2025, 2, 28), TODAY):
        spasm(alice, occurred_at=at(day, 23))
    pain(alice, occurred_at=at(date(2024, 6, 10)), intensity=4, problem=hip)
    pain(alice, occurred_at=at(date(2024, 6, 11)), intensity=7, problem=feet)
    pain(alice, occurred_at=at(date(2025, 8, 3)), intensity=3, problem=feet)
    pain(alice, occurred_at=at(date(2026, 2, 1)), intensity=6)
    checkin(
        alice, date(2024, 7, 1), spasticity=5, night_wakings=2, psfs_frequency=3, psfs_severity=2
    )
    checkin(alice, date(2025, 12, 31), pain_average=2, pain_worst=4)
    return alice


def test_a_long_range_s_whole_closed_months_are_read_from_their_rows(diary, frozen, monkeypatch):
    read = periods_read(monkeypatch)
    first = first_view(diary)
    kept = MonthDays.objects.filter(owner=diary).order_by("month")
    assert kept.count() == 19
    assert (kept.first().month, kept.last().month) == WHOLE
    assert read == [[ALL]]  # the first view read every day, and wrote the months

    read.clear()
    again = first_view(diary)
    assert read == [[Period(ALL.start, date(2024, 5, 31)), Period(date(2026, 1, 1), TODAY)]]
    assert again == first == fresh(diary)
    # The numbers came back as they went in: whole numbers, halves, the problems by name.
    june_10 = ALL.days.index(date(2024, 6, 10))
    assert again.spasms[june_10] == 1
    assert [(p.name, p.average[june_10]) for p in again.problems] == [("Feet", None), ("Hip", 4)]
    assert again.pain_average[june_10 + 1] == 7
    assert again.spasticity[ALL.days.index(date(2024, 7, 1))] == 5


def test_pain_logged_for_a_kept_month_shows_at_once(diary, frozen):
    first_view(diary)
    pain(diary, occurred_at=at(date(2024, 6, 10), 15), intensity=9)
    found = first_view(diary)
    assert found == fresh(diary)
    assert found.pain_worst[ALL.days.index(date(2024, 6, 10))] == 9
    # Its row written over: one a month.
    assert MonthDays.objects.filter(owner=diary, month=date(2024, 6, 1)).count() == 1


def test_a_new_time_zone_reads_the_months_in_it(diary, frozen):
    # 23:00 on 31 July in Auckland is 11:00 UTC: in London 12:00 the same day, but in
    # Kiritimati (UTC+14) 1 August.
    spasm(diary, occurred_at=datetime(2024, 7, 31, 23, tzinfo=AUCKLAND))
    before = first_view(diary)
    diary.time_zone = "Pacific/Kiritimati"
    diary.save()
    after = first_view(diary)
    assert after == fresh(diary)
    assert after != before
    august_1 = ALL.days.index(date(2024, 8, 1))
    assert (before.spasms[august_1], after.spasms[august_1]) == (None, 1)


def counted_hours(owner, period: Period) -> list[int]:
    """Spasms in each hour of the period, added up from every per-hour row."""
    counts = [0] * 24
    for hour, episodes in SpasmHour.objects.filter(
        owner=owner, day__gte=period.start, day__lte=period.end
    ).values_list("hour", "episodes"):
        counts[hour] += episodes
    return counts


def test_a_long_range_s_hours_are_read_from_the_months_rows(diary, frozen):
    spasm(diary, occurred_at=at(date(2024, 6, 12), 7))
    first_view(diary)  # writes the months' rows, their hours beside their days
    june = MonthDays.objects.get(owner=diary, month=date(2024, 6, 1))
    assert june.hours == counted_hours(diary, Period(date(2024, 6, 1), date(2024, 6, 30)))
    assert sum(june.hours) == 2

    cache.clear()
    assert spasms_by_hour(reader(diary), ALL) == counted_hours(diary, ALL)
    # What is read for June is its row: a figure put there shows.
    june.hours = [n + 10 for n in june.hours]
    june.save()
    cache.clear()
    assert spasms_by_hour(reader(diary), ALL) == [n + 10 for n in counted_hours(diary, ALL)]


def test_a_month_without_its_row_has_its_hours_read_from_its_days(diary, frozen):
    first_view(diary)
    MonthDays.objects.filter(owner=diary, month=date(2024, 6, 1)).delete()
    cache.clear()
    found = spasms_by_hour(reader(diary), ALL)
    assert found == counted_hours(diary, ALL)
    assert sum(found) == 4  # June's spasm among them


def marks_read(owner) -> dict:
    """The triggers page's marks of the range with nothing kept in the cache:
    {slug: (times, days)}."""
    cache.clear()
    found = aggregates.trigger_marks(reader(owner), ALL, by_id=True)
    return {slug: (marks.times, marks.days) for slug, (_name, marks) in found.items()}


def marks_fresh(owner) -> dict:
    found = aggregates.trigger_marks(reader(owner), ALL)
    return {slug: (marks.times, marks.days) for slug, (_name, marks) in found.items()}


def test_a_long_range_s_trigger_marks_are_read_from_the_months_rows(diary, frozen):
    cold = builtin(Trigger, "cold")
    for day in (date(2024, 6, 10), date(2024, 6, 20), date(2025, 3, 2), TODAY):
        spasm(diary, occurred_at=at(day, 8)).triggers.add(cold)
    care(diary, event="uti-signs", occurred_at=at(date(2024, 6, 20), 9))
    first_view(diary)  # the days' reader writes the rows, without marks
    june = MonthDays.objects.get(owner=diary, month=date(2024, 6, 1))
    assert june.marks is None

    assert marks_read(diary) == marks_fresh(diary)  # and writes the months' marks
    june.refresh_from_db()
    # A trigger's id stays a number, a care trigger's slug a string.
    assert {key: (times, days) for key, times, days in june.marks} == {
        cold.pk: (2, [10, 20]),
        "uti": (1, [20]),
    }
    assert marks_read(diary)["cold"] == (
        4,
        {date(2024, 6, 10), date(2024, 6, 20), date(2025, 3, 2), TODAY},
    )
    # What is read for June is its row: a day put there shows.
    june.marks = [[cold.pk, 3, [10, 20, 25]], ["uti", 1, [20]]]
    june.save()
    assert marks_read(diary)["cold"] == (
        5,
        {date(2024, 6, 10), date(2024, 6, 20), date(2024, 6, 25), date(2025, 3, 2), TODAY},
    )


def test_rows_written_again_for_a_new_version_drop_their_marks(diary, frozen):
    cold = builtin(Trigger, "cold")
    spasm(diary, occurred_at=at(date(2024, 6, 10), 8)).triggers.add(cold)
    first_view(diary)
    marks_read(diary)
    # A spasm logged for a day in a kept month: the past version moves on, and the days' reader
    # writes June's row again.
    spasm(diary, occurred_at=at(date(2024, 6, 11), 8)).triggers.add(cold)
    first_view(diary)
    assert MonthDays.objects.get(owner=diary, month=date(2024, 6, 1)).marks is None
    assert marks_read(diary) == marks_fresh(diary)
    assert marks_read(diary)["cold"] == (2, {date(2024, 6, 10), date(2024, 6, 11)})
    assert MonthDays.objects.get(owner=diary, month=date(2024, 6, 1)).marks == [
        [cold.pk, 2, [10, 11]]
    ]


def test_marks_read_for_one_version_are_not_put_into_a_row_of_another(diary, frozen):
    cold = builtin(Trigger, "cold")
    spasm(diary, occurred_at=at(date(2024, 6, 10), 8)).triggers.add(cold)
    first_view(diary)
    earlier = reader(diary)  # a request that read the account before the change below
    spasm(diary, occurred_at=at(date(2024, 6, 11), 8)).triggers.add(cold)
    first_view(diary)  # June's row, for the new version
    cache.clear()
    aggregates.trigger_marks(earlier, ALL, by_id=True)
    assert MonthDays.objects.get(owner=diary, month=date(2024, 6, 1)).marks is None


def tried_read(owner) -> dict:
    """What helped's counts of the range with nothing kept in the cache: {(slug, effect): times}."""
    cache.clear()
    found = aggregates.intervention_stats(reader(owner), ALL)
    return {(item.slug, effect): n for item in found for effect, n in item.effects.items()}


def used(entry, slug: str, effect: str = "helped-a-little") -> None:
    side = "spasm" if isinstance(entry, SpasmEpisode) else "pain"
    InterventionUse.objects.create(
        intervention=builtin(Intervention, slug), effect=effect, **{side: entry}
    )


def test_a_long_range_s_uses_are_read_from_the_months_rows(diary, frozen):
    for day, effect in ((date(2024, 6, 10), "helped-a-lot"), (date(2024, 6, 20), "no-change")):
        used(spasm(diary, occurred_at=at(day, 8)), "heat", effect)
    used(pain(diary, occurred_at=at(date(2025, 3, 2)), intensity=5), "heat")
    used(spasm(diary, occurred_at=at(TODAY, 8)), "stretching")
    every_use = {
        ("heat", "helped-a-lot"): 1,
        ("heat", "no-change"): 1,
        ("heat", "helped-a-little"): 1,
        ("stretching", "helped-a-little"): 1,
    }
    assert tried_read(diary) == every_use  # and writes the whole months' rows
    june = MonthTried.objects.get(owner=diary, month=date(2024, 6, 1))
    heat = builtin(Intervention, "heat").pk
    assert june.tried == {(heat, "helped-a-lot"): 1, (heat, "no-change"): 1}
    assert MonthTried.objects.get(owner=diary, month=date(2024, 7, 1)).tried == {}
    assert tried_read(diary) == every_use
    # What is read for June is its row: a use put there shows.
    june.tried = {(heat, "helped-a-lot"): 3, (heat, "no-change"): 1}
    june.save()
    assert tried_read(diary)[("heat", "helped-a-lot")] == 3


def test_a_use_logged_for_a_kept_month_shows_at_once(diary, frozen):
    used(spasm(diary, occurred_at=at(date(2024, 6, 10), 8)), "heat")
    assert tried_read(diary) == {("heat", "helped-a-little"): 1}
    # A spasm logged for a day in a kept month, with something tried: the past version moves
    # on, so June's row of the old version is not read.
    used(spasm(diary, occurred_at=at(date(2024, 6, 11), 8)), "heat")
    assert tried_read(diary) == {("heat", "helped-a-little"): 2}
    june = MonthTried.objects.get(owner=diary, month=date(2024, 6, 1))
    assert june.past_version == reader(diary).past_version
