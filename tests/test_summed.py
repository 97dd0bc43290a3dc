"""What the trends summaries read of a period (trends.aggregates.Summed): tallies of runs of
days add up to the tally of all of them, and a range charted by month reads its summaries from
its months' rows, where every other range reads every day."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from hypothesis import example, given
from hypothesis import strategies as st

from sci_tracker.accounts.models import User
from sci_tracker.trends import aggregates, summaries
from sci_tracker.trends.aggregates import Tally, highest_on, mean, median, tallied, tally
from sci_tracker.trends.forms import RangeForm
from sci_tracker.trends.models import MonthFigures
from tests.entries import checkin, pain, spasm

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
AUCKLAND = ZoneInfo("Pacific/Auckland")
FIRST = date(2024, 1, 1)

day_values = st.lists(
    st.one_of(
        st.none(),
        st.integers(min_value=0, max_value=10),
        st.floats(min_value=0, max_value=10, allow_nan=False),
    ),
    min_size=1,
    max_size=60,
)


def days_for(values: list) -> list[date]:
    return [FIRST + timedelta(days=n) for n in range(len(values))]


@given(values=day_values, cut=st.integers(min_value=0, max_value=60))
@example(values=[0.1, 0.2, 0.3, None, 7, 7], cut=3)
def test_a_tally_gives_what_the_values_give_and_tallies_add_up(values, cut):
    days = days_for(values)
    whole = tally(days, values)
    assert whole.mean == mean(values)  # to the last bit: fmean is fsum over the count
    assert (whole.highest, whole.highest_day) == highest_on(days, values)
    assert whole.above_zero == sum(value > 0 for value in values if value is not None)
    # Two runs one after the other, the second kept as a row keeps it (a plain tuple).
    cut = min(cut, len(values))
    first, then = tally(days[:cut], values[:cut]), tally(days[cut:], values[cut:])
    assert tallied([first, tuple(then)]) == whole


@given(answers=st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=1, max_size=40))
def test_an_ordinal_tally_gives_the_median_answer(answers):
    days = days_for(answers)
    found = tally(days, answers, ordinal=True)
    assert found.median == median(answers)
    half = len(answers) // 2
    runs = [tally(days[:half], answers[:half], True), tally(days[half:], answers[half:], True)]
    assert tallied(runs).median == median(answers)


def test_the_highest_of_runs_is_on_its_first_day():
    days = days_for([1] * 6)
    runs = [tally(days[:3], [5, 8, 8]), tally(days[3:], [8, 2, None])]
    assert tallied(runs).highest_day == days[1]
    assert tallied([Tally(0, (), None, None, 0, ())]).highest_day is None


@pytest.fixture
def long_diary(alice):
    """Leg pain, spasms and check-ins over two years and more: the range "All" is charted by
    month, its closed months kept as rows."""
    with time_machine.travel(NOW, tick=False):
        for back in range(5, 800, 9):
            moment = NOW - timedelta(days=back)
            pain(alice, occurred_at=moment, intensity=back % 11)
            spasm(alice, occurred_at=moment)
            checkin(alice, moment.astimezone(AUCKLAND).date(), spasticity=back % 7)
        yield alice


def test_the_all_range_summaries_are_read_from_the_month_rows(long_diary, alice_client):
    with time_machine.travel(NOW, tick=False):
        page = alice_client.get("/trends/?range=all").text
        assert "Average leg pain was" in page
        rows = MonthFigures.objects.filter(owner=long_diary).order_by("month")
        assert rows.count() > 12
        # A month row given a worse day than any logged: the summary tells of it, so the
        # summaries are read from the rows, not from every day.
        row = rows[3]
        figures, problems, hours, (series, problem_tallies) = row.figures
        count, parts, _highest, _on, above, answers = series["pain_worst"]
        series["pain_worst"] = (count, parts, 11, row.month.toordinal(), above, answers)
        row.figures = (figures, problems, hours, (series, problem_tallies))
        row.save()
        cache.clear()
        page = alice_client.get("/trends/?range=all").text
        assert "The worst was 11 out of 10" in page


def test_the_all_range_summaries_are_those_of_every_day(long_diary, alice_client):
    with time_machine.travel(NOW, tick=False):
        alice_client.get("/trends/?range=all")  # the month rows written
        cache.clear()
        by_month = alice_client.get("/trends/?range=all").text
        # The same figures worked out from every day of the range.
        owner = User.objects.get(pk=long_diary.pk)
        period = RangeForm({"range": "all"}, owner=owner).period()
        summed = aggregates.Summed.of(aggregates.daily(owner, period))
        for sentence in [*summaries.pain(summed), *summaries.spasms(summed)]:
            assert sentence.replace("'", "&#x27;") in by_month
        assert summaries.spasticity(summed.rating("spasticity"))[0] in by_month


def test_the_all_range_calendar_shows_its_first_row_whole(alice, alice_client):
    with time_machine.travel(NOW, tick=False):
        pain(alice, occurred_at=NOW - timedelta(days=800), intensity=2)  # "All": by month
        # The calendar's 53 weeks start on Saturday 15 March 2025, its first row on Monday the
        # 10th: the worst pain of the 11th is in that row.
        pain(alice, occurred_at=datetime(2025, 3, 11, 12, tzinfo=AUCKLAND), intensity=10)
        page = alice_client.get("/trends/?range=all").text
        calendar = page[page.index('id="calendar"') :]
        assert 'class="heat-10"' in calendar
