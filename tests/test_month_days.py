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
from sci_tracker.trends import aggregates, triggers
from sci_tracker.trends.aggregates import Period, daily, daily_over, spasms_by_hour
from sci_tracker.trends.models import MonthDays, MonthTried, MonthTriggers
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


def sums_read(owner) -> list:
    """The triggers page's figures of the range with nothing kept in the cache."""
    cache.clear()
    owner = reader(owner)
    return triggers.stats_from(owner, triggers.trigger_sums(owner, ALL))


def sums_fresh(owner) -> list:
    """The same figures worked out from every day of the range."""
    return triggers.trigger_stats(reader(owner), ALL, fresh(owner))


def running(owner, first: date) -> tuple[date, triggers.TriggerSums]:
    """A MonthTriggers row: the day its sums run from, and the sums through its month."""
    anchor, packed = MonthTriggers.objects.get(owner=owner, month=first).sums
    return date.fromordinal(anchor), triggers._unpacked(packed)


def test_a_long_range_s_trigger_figures_are_read_from_running_sums(diary, frozen):
    cold = builtin(Trigger, "cold")
    for day in (date(2024, 6, 10), date(2024, 6, 30), date(2025, 3, 2), TODAY):
        spasm(diary, occurred_at=at(day, 8)).triggers.add(cold)
    care(diary, event="uti-signs", occurred_at=at(date(2024, 6, 20), 9))
    assert sums_read(diary) == sums_fresh(diary)  # and writes the months' rows
    # A row for each month from the range's first through the last whole closed one.
    months = MonthTriggers.objects.filter(owner=diary).order_by("month")
    assert [row.month for row in months][:2] == [date(2024, 5, 1), date(2024, 6, 1)]
    assert months.last().month == WHOLE[1]
    (may_from, may), (june_from, june) = (
        running(diary, date(2024, 5, 1)),
        running(diary, date(2024, 6, 1)),
    )
    assert may_from == june_from == ALL.start
    in_june = june - may
    assert {slug: marked[:2] for slug, marked in in_june.triggers.items()} == {
        "cold": (2, 2),
        "uti": (1, 1),
    }
    # Its days: June 10th (two spasms, pain of 4) and June 30th (one spasm, no pain).
    cold_sums = in_june.triggers["cold"].sums
    assert (cold_sums[1].count, cold_sums[1].total) == (2, (3.0,))  # spasms on its days
    assert (cold_sums[0].count, cold_sums[0].total) == (1, (4.0,))  # pain on its days
    assert (cold_sums[2].count, cold_sums[2].total) == (1, (7.0,))  # pain the next day
    # July 1st's check-in pairs with June 30th's trigger: it is in the sums through July.
    july = running(diary, date(2024, 7, 1))[1]
    assert july.triggers["cold"].sums[3].count == june.triggers["cold"].sums[3].count + 1
    assert [each.days_logged for each in sums_read(diary) if each.slug == "cold"] == [4]
    # What is read for the whole months is the last row less the first one's month before:
    # a day put into the last row shows.
    last = MonthTriggers.objects.get(owner=diary, month=WHOLE[1])
    anchor, (totals, by_slug) = last.sums
    times, days, sums = by_slug["cold"]
    last.sums = (anchor, (totals, {**by_slug, "cold": (times + 1, days + 1, sums)}))
    last.save()
    assert [each.days_logged for each in sums_read(diary) if each.slug == "cold"] == [5]


def test_trigger_rows_of_another_version_are_not_read(diary, frozen):
    cold = builtin(Trigger, "cold")
    spasm(diary, occurred_at=at(date(2024, 6, 10), 8)).triggers.add(cold)
    sums_read(diary)
    # A spasm logged for a day in a kept month: the past version moves on, and the next
    # cold read writes the rows again.
    spasm(diary, occurred_at=at(date(2024, 6, 11), 8)).triggers.add(cold)
    found = sums_read(diary)
    assert found == sums_fresh(diary)
    assert [(each.times_logged, each.days_logged) for each in found] == [(2, 2)]
    assert running(diary, WHOLE[1])[1].triggers["cold"][:2] == (2, 2)


def test_rows_running_from_another_day_are_not_read_together(diary, frozen):
    """Two rows give the months between them only when their sums run from the same day."""
    cold = builtin(Trigger, "cold")
    spasm(diary, occurred_at=at(date(2024, 8, 10), 8)).triggers.add(cold)
    owner = reader(diary)
    cache.clear()
    triggers.trigger_sums(owner, ALL)  # rows from May 15th
    later = Period(date(2024, 7, 10), TODAY)
    cache.clear()
    triggers.trigger_sums(owner, later)  # read from the rows: none written
    assert running(diary, WHOLE[1])[0] == ALL.start
    # A row written again from another day: the rows no longer agree, so the range is read
    # by day (and writes its own).
    row = MonthTriggers.objects.get(owner=diary, month=date(2024, 7, 1))
    row.sums = (date(2024, 6, 1).toordinal(), row.sums[1])
    row.save()
    cache.clear()
    found = triggers.stats_from(owner, triggers.trigger_sums(owner, later))
    [everyday] = daily_over(owner, [later])
    assert found == triggers.trigger_stats(owner, later, everyday)
    assert running(diary, WHOLE[1])[0] == later.start


def test_a_trigger_named_the_day_before_the_rows_months_alone_keeps_its_next_day(diary, frozen):
    """Named on May 31st only, before the months read from rows: June 1st's pain, in those
    months, is its next day."""
    named = builtin(Trigger, "haemorrhoids")
    spasm(diary, occurred_at=at(date(2024, 5, 31), 8)).triggers.add(named)
    pain(diary, occurred_at=at(date(2024, 6, 1), 9), intensity=8)
    sums_read(diary)  # writes the rows
    [found] = [each for each in sums_read(diary) if each.slug == "haemorrhoids"]
    assert found == [each for each in sums_fresh(diary) if each.slug == "haemorrhoids"][0]
    assert (found.pain_next_day.with_days, found.pain_next_day.with_mean) == (1, 8)


def test_a_month_starting_on_the_range_s_first_day_is_read_by_day(diary, frozen):
    """Its row pairs its first day with the day before, which lies outside the range."""
    cold = builtin(Trigger, "cold")
    spasm(diary, occurred_at=at(date(2024, 5, 31), 8)).triggers.add(cold)
    pain(diary, occurred_at=at(date(2024, 6, 1), 9), intensity=9)
    owner, june_on = reader(diary), Period(date(2024, 6, 1), TODAY)
    cache.clear()
    triggers.trigger_sums(owner, ALL)  # writes June's row, May 31st's trigger in it
    cache.clear()
    found = triggers.stats_from(owner, triggers.trigger_sums(owner, june_on))
    [everyday] = daily_over(owner, [june_on])
    assert found == triggers.trigger_stats(owner, june_on, everyday)
    assert "cold" not in {each.slug for each in found}


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
