"""The closed past (diary.closed_past): a long range's older days are kept under the person's
past version, which every change that may alter them moves on, and a change to the last weeks
leaves alone. Whatever the changes, a kept range shows what a fresh read of the diary shows."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sci_tracker.accounts.models import User
from sci_tracker.diary import closed_past
from sci_tracker.diary.forms import intervention_formset
from sci_tracker.diary.models import (
    CheckIn,
    Intervention,
    InterventionUse,
    LegPainEntry,
    SpasmEpisode,
    SpasmHour,
    Trigger,
    save_pain_problems,
)
from sci_tracker.diary.one_change import one_change
from sci_tracker.trends import aggregates, months, triggers
from sci_tracker.trends.aggregates import (
    Period,
    daily,
    daily_over,
    intervention_stats,
    spasms_by_hour,
)
from sci_tracker.trends.triggers import stats_from, trigger_stats, trigger_sums
from sci_tracker.trends.views import cache_key, cached_overview
from sci_tracker.trends.window import Window
from tests.conftest import make_user
from tests.entries import builtin, care, checkin, pain, spasm

# Zones at the ends of the clock (UTC+14 and UTC-12) and two with clock changes.
ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Auckland", "America/Denver"]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # early in a month: the boundaries are close
TODAY = date(2026, 3, 2)
LONG = Period(TODAY - timedelta(days=399), TODAY)
OLDER = Period(LONG.start, TODAY - timedelta(days=40))


def versions(person) -> tuple[int, int]:
    return tuple(User.objects.filter(pk=person.pk).values_list("diary_version", "past_version")[0])


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


# The margins ----------------------------------------------------------------------------------

instant = st.integers(0, 3 * 365 * 24 * 60).map(
    lambda minutes: datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
)


@settings(max_examples=300, deadline=None, database=None)
@given(
    written=instant,
    back=st.integers(-24 * 60, 70 * 24 * 60),
    later=st.integers(0, 27 * 24 * 60),
    zone=st.sampled_from(ZONES),
)
def test_a_change_seen_as_recent_lies_outside_every_closed_part_of_the_next_four_weeks(
    written, back, later, zone
):
    """A closed part kept before the change, by a reader whose clock runs up to four weeks
    ahead of the writer's, never holds a day the writer judged recent."""
    moment = written - timedelta(minutes=back)
    local = ZoneInfo(zone)
    day = moment.astimezone(local).date()
    with time_machine.travel(written, tick=False):
        recent_moment = closed_past.is_recent(moments=[moment])
        recent_day = closed_past.is_recent(days=[day])
    read_on = (written + timedelta(minutes=later)).astimezone(local).date()
    if recent_moment or recent_day:
        assert day >= closed_past.closed_before(read_on)


def test_the_boundaries_fall_on_the_first_of_a_month():
    assert closed_past.month_start(date(2026, 1, 15), 2) == date(2025, 11, 1)
    assert closed_past.closed_before(date(2026, 3, 31)) == date(2026, 1, 1)
    assert closed_past.recent_since(datetime(2026, 3, 1, 0, 30, tzinfo=UTC)) == date(2026, 2, 1)


# What moves the past version on ----------------------------------------------------------------


def test_logging_now_moves_the_diary_version_on_and_leaves_the_past_alone(alice, frozen):
    diary, past = versions(alice)
    spasm(alice, occurred_at=NOW - timedelta(hours=2))
    pain(alice, occurred_at=NOW - timedelta(days=20))
    checkin(alice, TODAY)
    with one_change():
        SpasmEpisode.objects.log_now(alice, alice, tapped_at=NOW)
    spasm(alice, occurred_at=NOW).uses.create(intervention=builtin(Intervention, "heat"))
    care(alice, event="uti-signs", occurred_at=NOW - timedelta(hours=1))
    assert versions(alice) == (diary + 7, past)


@pytest.mark.parametrize(
    "change",
    [
        "a spasm months ago",
        "a pain entry months ago in one change",
        "a check-in months ago",
        "a check-in edited",
        "an entry moved from months ago",
        "an old entry to the bin",
        "pain problems renamed",
        "a new time zone",
        "a thing tried on an old entry",
        "an old entry's thing tried rated",
        "an old entry's thing tried taken off",
        "things tried added to an old entry by its form",
        "a care event months ago",
        "a care event moved to today",
    ],
)
def test_a_change_to_an_older_day_moves_the_past_version_on(alice, frozen, change):
    old = NOW - timedelta(days=120)
    entry = spasm(alice, occurred_at=old)
    tried = entry.uses.create(intervention=builtin(Intervention, "massage"))
    today = checkin(alice, TODAY)
    event = care(alice, event="uti-signs", occurred_at=old)
    _diary, past = versions(alice)
    if change == "a spasm months ago":
        spasm(alice, occurred_at=old)
    elif change == "a pain entry months ago in one change":
        with one_change():
            pain(alice, occurred_at=old)
    elif change == "a check-in months ago":
        checkin(alice, TODAY - timedelta(days=120))
    elif change == "a check-in edited":
        today.date = TODAY - timedelta(days=120)
        today.save()
    elif change == "an entry moved from months ago":
        entry.occurred_at = NOW
        entry.save()
    elif change == "an old entry to the bin":
        entry.move_to_bin()
    elif change == "pain problems renamed":
        save_pain_problems(alice, ["Feet", "", ""])
    elif change == "a thing tried on an old entry":
        entry.uses.create(intervention=builtin(Intervention, "heat"))
    elif change == "an old entry's thing tried rated":
        tried.effect = "worse"
        tried.save()
    elif change == "an old entry's thing tried taken off":
        tried.delete()
    elif change == "a care event months ago":
        care(alice, event="uti-signs", occurred_at=old)
    elif change == "a care event moved to today":
        event.occurred_at = NOW
        event.save()
    elif change == "things tried added to an old entry by its form":
        added = intervention_formset(SpasmEpisode)(
            {
                "tried-TOTAL_FORMS": "1",
                "tried-INITIAL_FORMS": "0",
                "tried-0-intervention": str(builtin(Intervention, "heat").pk),
                "tried-0-effect": "no-change",
            },
            instance=entry,
            prefix="tried",
            form_kwargs={"owner": alice},
        )
        assert added.is_valid(), added.errors
        added.save()
        assert entry.uses.count() == 2
    else:
        alice.time_zone = "America/Denver"
        alice.save()
    assert versions(alice)[1] > past


# Kept ranges equal a fresh read -----------------------------------------------------------------

day_back = st.integers(0, 399)
TRIED = ["stretching", "massage", "heat"]
EFFECTS = ["helped-a-lot", "no-change", "worse"]
operation = st.one_of(
    st.tuples(st.just("spasm"), day_back, st.integers(0, 23)),
    st.tuples(st.just("pain"), day_back, st.integers(0, 10), st.integers(0, 3)),
    st.tuples(st.just("check-in"), day_back, st.integers(0, 10)),
    st.tuples(st.just("move"), st.integers(0, 99), day_back),
    st.tuples(st.just("redate check-in"), st.integers(0, 99), day_back),
    st.tuples(st.just("rate"), st.integers(0, 99), st.integers(0, 10)),
    st.tuples(st.just("bin"), st.integers(0, 99)),
    st.tuples(st.just("restore"), st.integers(0, 99)),
    st.tuples(st.just("problems"), st.integers(1, 3)),
    st.tuples(st.just("zone"), st.sampled_from(ZONES)),
    st.tuples(st.just("view"), st.sampled_from([LONG, OLDER])),
    # Triggers (the triggers page keeps their marks): ticked and unticked from either side, a
    # care event that counts as the built-in one, and the person's own renamed or deleted.
    st.tuples(st.just("link"), st.integers(0, 99), st.integers(0, 2)),
    st.tuples(st.just("unlink"), st.integers(0, 99), st.integers(0, 2)),
    st.tuples(st.just("link back"), st.integers(0, 2), st.integers(0, 99)),
    st.tuples(st.just("care"), day_back, st.sampled_from(["uti-signs", "catheter"])),
    st.tuples(st.just("rename trigger"), st.integers(1, 2)),
    st.tuples(st.just("delete trigger"), st.integers(1, 2)),
    # What was tried (the "what helped" page keeps its counts): added, its effect changed, taken
    # off, on entries old and new.
    st.tuples(st.just("try"), st.integers(0, 99), st.sampled_from(TRIED), st.sampled_from(EFFECTS)),
    st.tuples(st.just("effect"), st.integers(0, 99), st.sampled_from(EFFECTS)),
    st.tuples(st.just("untry"), st.integers(0, 99)),
)


def at(owner, days_back: int, hour: int = 12) -> datetime:
    zone = ZoneInfo(owner.time_zone)
    return datetime.combine(TODAY - timedelta(days=days_back), time(hour), zone)


def triggers_of(owner) -> list[Trigger]:
    """The built-in UTI trigger (which a care event counts as) and two of the person's own."""
    own = [Trigger.objects.create(owner=owner, slug=f"own-{n}", name=f"Own {n}") for n in (1, 2)]
    return [builtin(Trigger, "uti"), *own]


def apply(owner, step, entries: list, check_ins: list, triggers: list) -> None:
    kind, *args = step
    if kind == "care":
        care(owner, event=args[1], occurred_at=at(owner, args[0]))
    elif kind == "try" and entries:
        entry = entries[args[0] % len(entries)]
        item = builtin(Intervention, args[1])
        if not entry.uses.filter(intervention=item).exists():
            entry.uses.create(intervention=item, effect=args[2])
    elif kind in ("effect", "untry") and InterventionUse.objects.exists():
        uses = list(InterventionUse.objects.order_by("pk"))
        use = uses[args[0] % len(uses)]
        if kind == "untry":
            use.delete()
        else:
            use.effect = args[1]
            use.save()
    elif kind == "rename trigger":
        triggers[args[0]].name = f"Renamed {len(entries)}"
        triggers[args[0]].save()
    elif kind == "delete trigger":
        triggers[args[0]].delete()
        triggers[args[0]] = Trigger.objects.create(
            owner=owner, slug=f"own-{len(entries)}-{args[0]}", name="Another"
        )
    elif kind == "link back" and entries:
        entry = entries[args[1] % len(entries)]
        reverse = "spasms" if isinstance(entry, SpasmEpisode) else "pain_entries"
        getattr(triggers[args[0]], reverse).add(entry)
    elif kind in ("link", "unlink") and entries:
        entry = entries[args[0] % len(entries)]
        (entry.triggers.add if kind == "link" else entry.triggers.remove)(triggers[args[1]])
    elif kind == "spasm":
        entries.append(spasm(owner, occurred_at=at(owner, args[0], args[1])))
    elif kind == "pain":
        back, intensity, slot = args
        problem = owner.pain_problems.filter(slot=slot).first()
        with one_change():  # as the web form saves it
            entries.append(
                pain(owner, occurred_at=at(owner, back), intensity=intensity, problem=problem)
            )
    elif kind == "check-in":
        day = TODAY - timedelta(days=args[0])
        if not CheckIn.objects.filter(owner=owner, date=day).exists():
            check_ins.append(checkin(owner, day, pain_average=args[1], pain_worst=args[1]))
    elif kind == "redate check-in" and check_ins:
        found = check_ins[args[0] % len(check_ins)]
        found.refresh_from_db()
        day = TODAY - timedelta(days=args[1])
        if not CheckIn.objects.filter(owner=owner, date=day).exists():
            found.date = day
            found.save()
    elif kind == "problems":
        save_pain_problems(owner, [f"Problem {n}" if n <= args[0] else "" for n in (1, 2, 3)])
    elif kind == "zone":
        owner.time_zone = args[0]
        owner.save()
    elif kind in ("move", "rate", "bin", "restore") and entries:
        entry = entries[args[0] % len(entries)]
        entry.refresh_from_db()
        if kind == "move":
            entry.occurred_at = at(owner, args[1])
            entry.save()
        elif kind == "rate" and isinstance(entry, LegPainEntry):
            entry.intensity = args[1]
            entry.save()
        elif kind == "bin":
            entry.move_to_bin()
        elif kind == "restore":
            entry.restore()


def fresh(owner, period: Period):
    [found] = daily_over(owner, [period])
    return found


def fresh_tried(owner, period: Period) -> dict:
    """{(intervention, effect): times} counted from every use of the person's active entries."""
    zone, found = ZoneInfo(owner.time_zone), {}
    for use in InterventionUse.objects.select_related("spasm", "pain", "intervention"):
        entry = use.spasm or use.pain
        day = entry.occurred_at.astimezone(zone).date()
        if (
            entry.owner_id == owner.pk
            and not entry.deleted_at
            and period.start <= day <= period.end
        ):
            key = (use.intervention.slug, use.effect)
            found[key] = found.get(key, 0) + 1
    return found


def fresh_hours(owner, period: Period) -> list[int]:
    counts = [0] * 24
    rows = SpasmHour.objects.filter(owner=owner, day__gte=period.start, day__lte=period.end)
    for hour, episodes in rows.values_list("hour").annotate(episodes=Sum("episodes")):
        counts[hour] = episodes
    return counts


def fresh_months(owner, days) -> list:
    """The months of a day series as months.months_in gives them: each the fold of its days
    (aggregates.monthly), its pain problems' means, its hours, counted from every row, and the
    tallies of its series and its problems'."""
    found = []
    for first, last, figures in aggregates.monthly(days):
        month_days = days.window(Period(first, last))
        problems, problem_tallies = {}, {}
        for problem in month_days.problems:
            value, count = aggregates.mean(problem.average)
            if count:
                problems[(problem.slot, problem.name)] = (value, count)
                problem_tallies[(problem.slot, problem.name)] = aggregates.tally(
                    month_days.days, problem.average
                )
        tallies = {
            name: aggregates.tally(
                month_days.days, getattr(month_days, name), name in aggregates.ORDINAL
            )
            for name in aggregates.DAY_SERIES
        }
        hours = fresh_hours(owner, Period(first, last))
        found.append(
            months.Month(first, last, figures, problems, hours, (tallies, problem_tallies))
        )
    return found


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(zone=st.sampled_from(ZONES), steps=st.lists(operation, max_size=25))
def test_a_kept_range_always_shows_what_a_fresh_read_shows(db, zone, steps):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        owner = make_user("dana", time_zone=zone)
        save_pain_problems(owner, ["Feet", "Hip", ""])
        entries, check_ins, triggers = [], [], triggers_of(owner)
        for step in [*steps, ("view", LONG)]:
            if step[0] == "view":
                # A request's account, read afresh (versions, zone), as the trends views read it.
                reader, period = User.objects.get(pk=owner.pk), step[1]
                days = fresh(reader, period)
                assert daily(reader, period) == days
                # With nothing kept in the cache, the whole closed months are read from their
                # rows (trends.month_days), written by this view or an earlier one.
                cache.clear()
                assert daily(reader, period) == days
                assert spasms_by_hour(reader, period) == fresh_hours(reader, period)
                # The 7-day means, the closed past's kept, equal those worked out in one run.
                found = aggregates.overview(reader, period)
                once = replace(found, closed_key="", closed_days=0)
                assert found.rolling == once.rolling
                assert found.problems_rolling == once.problems_rolling
                # What the summaries of a range charted by month read from its months' tallies
                # equals what they read of its every day.
                if months.by_month(period):
                    latest = Period(period.end - timedelta(days=20), period.end)
                    summed = months.overview(reader, period, latest).summed
                    assert summed == aggregates.Summed.of(days)
                # The months a long range is charted by (whole closed ones read from their
                # rows, written by an earlier view of another version maybe) equal a fold of
                # the days read afresh.
                assert months.months_in(reader, period) == fresh_months(reader, days)
                # What was tried (kept counts) equals a count of every use.
                tried = intervention_stats(reader, period)
                counted = {(i.slug, effect): n for i in tried for effect, n in i.effects.items()}
                assert counted == fresh_tried(reader, period)
                # The triggers page's figures (from the sums of months' rows and the other
                # days) equal those worked out from every day read afresh.
                assert stats_from(reader, trigger_sums(reader, period)) == trigger_stats(
                    reader, period, days
                )
            else:
                apply(owner, step, entries, check_ins, triggers)
        transaction.set_rollback(True)


def periods_read(monkeypatch, name: str) -> list:
    """The periods (the second argument) of each call of aggregates.`name` from now on."""
    read, real = [], getattr(aggregates, name)

    def counted(owner, periods):
        read.append(periods)
        return real(owner, periods)

    monkeypatch.setattr(aggregates, name, counted)
    return read


def test_the_first_view_after_logging_reads_the_recent_days_alone(alice, frozen, monkeypatch):
    spasm(alice, occurred_at=NOW - timedelta(days=200))
    first = daily(User.objects.get(pk=alice.pk), LONG)  # reads all, keeps the closed part
    spasm(alice, occurred_at=NOW)
    read = periods_read(monkeypatch, "daily_over")
    found = daily(User.objects.get(pk=alice.pk), LONG)
    assert read == [[Period(closed_past.closed_before(TODAY), TODAY)]]
    assert found.spasms[-1] == 1
    assert first.spasms[-1] is None
    assert found.spasms[LONG.days.index((NOW - timedelta(days=200)).date())] == 1


def test_the_overview_after_a_spasm_today_counts_it(alice, alice_client, frozen):
    spasm(alice, occurred_at=NOW - timedelta(days=300))
    alice_client.get(reverse("trends:overview"), {"range": "1y"})
    alice_client.post(reverse("diary:spasm_now"))
    data = alice_client.get(
        reverse("trends:data"), {"from": LONG.start.isoformat(), "to": TODAY.isoformat()}
    ).json()
    assert data["spasms"]["count"][-1] == 1
    assert sum(n or 0 for n in data["spasms"]["count"]) == 2


def test_saving_an_older_copy_of_the_account_keeps_the_versions(alice, frozen):
    copy = User.objects.get(pk=alice.pk)  # read before the change, as a slow request's
    spasm(alice, occurred_at=NOW - timedelta(days=100))
    moved = versions(alice)
    copy.display_name = "Al"
    copy.save()
    assert versions(alice) == moved
    assert User.objects.get(pk=alice.pk).display_name == "Al"


def test_the_triggers_page_after_logging_reads_the_recent_trigger_days_alone(
    alice, alice_client, frozen, monkeypatch
):
    uti = builtin(Trigger, "uti")
    spasm(alice, occurred_at=NOW - timedelta(days=300)).triggers.add(uti)
    care(alice, event="uti-signs", occurred_at=NOW - timedelta(days=290))
    alice_client.get(reverse("trends:triggers"), {"range": "all"})  # keeps the closed part
    spasm(alice, occurred_at=NOW).triggers.add(uti)
    read, real = [], triggers.trigger_rows_by_id

    def counted(owner, period, spans):
        read.extend(spans)
        return real(owner, period, spans)

    monkeypatch.setattr(triggers, "trigger_rows_by_id", counted)
    page = alice_client.get(reverse("trends:triggers"), {"range": "all"})
    # The recent days, and the last closed one for their first day's next-day figures.
    assert read == [Period(closed_past.closed_before(TODAY) - timedelta(days=1), TODAY)]
    assert "Logged 3 times, on 3 days." in page.text


def test_a_care_event_logged_for_an_old_day_shows_on_the_triggers_page_at_once(
    alice, alice_client, frozen
):
    uti = builtin(Trigger, "uti")
    spasm(alice, occurred_at=NOW - timedelta(days=300)).triggers.add(uti)
    page = alice_client.get(reverse("trends:triggers"), {"range": "all"})  # keeps the marks
    assert "Logged 1 time, on 1 day." in page.text
    care(alice, event="uti-signs", occurred_at=NOW - timedelta(days=290))
    page = alice_client.get(reverse("trends:triggers"), {"range": "all"})
    assert "Logged 2 times, on 2 days." in page.text


def test_a_long_range_s_figures_are_not_stored_whole_beside_its_kept_past(alice, frozen):
    spasm(alice, occurred_at=NOW - timedelta(days=300))
    spasm(alice, occurred_at=NOW)
    reader = User.objects.get(pk=alice.pk)
    short = Period(TODAY - timedelta(days=29), TODAY)
    for period in (LONG, short):
        assert cached_overview(reader, period).by_day.spasms[-1] == 1
    assert cache.get(cache_key("overview", reader, LONG)) is None  # the closed past is kept
    assert cache.get(cache_key("overview", reader, short)).by_day.spasms[-1] == 1
    # Through a window (a share link's dates) nothing is kept: the range is stored whole.
    window = Window(first=LONG.start)
    assert cached_overview(reader, LONG, window).by_day.spasms[-1] == 1
    assert cache.get(cache_key("overview", reader, LONG, window)).by_day.spasms[-1] == 1


@settings(max_examples=200, deadline=None, database=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(0, 10), st.floats(0, 10)), max_size=60),
    cut=st.integers(0, 60),
)
def test_seven_day_means_cut_in_two_are_those_of_one_run(values, cut):
    cut = min(cut, len(values))
    first, state = aggregates.rolled(values, stop=cut)
    assert first + aggregates.rolled(values, cut, state=state)[0] == aggregates.rolling_mean(values)


def test_the_7_day_means_after_the_closed_past_go_on_from_it(alice, frozen):
    # The last six days before the closed past ends (1 January) count in January's first means.
    for back in (61, 62, 64, 66):
        spasm(alice, occurred_at=NOW - timedelta(days=back))
        pain(alice, occurred_at=NOW - timedelta(days=back), intensity=back % 7)
    for view in range(2):  # the first view keeps the closed part's means, the second reads them
        if view:
            spasm(alice, occurred_at=NOW)
        found = aggregates.overview(User.objects.get(pk=alice.pk), LONG)
        assert found.closed_key
        assert found.closed_days == LONG.length - 61 + 6
        once = replace(found, closed_key="", closed_days=0)
        assert found.rolling == once.rolling
        assert found.problems_rolling == once.problems_rolling
        january = LONG.days.index(date(2026, 1, 1))
        assert found.rolling["spasms"][january : january + 7] == [1.0] * 6 + [None]


def test_what_helped_after_logging_reads_the_recent_uses_alone(
    alice, alice_client, frozen, monkeypatch
):
    heat = builtin(Intervention, "heat")
    spasm(alice, occurred_at=NOW - timedelta(days=300)).uses.create(intervention=heat)
    alice_client.get(reverse("trends:interventions"), {"range": "all"})  # keeps the closed part
    spasm(alice, occurred_at=NOW).uses.create(intervention=heat, effect="helped-a-lot")
    read = periods_read(monkeypatch, "_uses_counted")
    page = alice_client.get(reverse("trends:interventions"), {"range": "all"})
    assert read == [Period(closed_past.closed_before(TODAY), TODAY)]
    [tried] = page.context["interventions"]
    assert (tried.name, tried.effects) == ("Heat", {"not-sure": 1, "helped-a-lot": 1})


def test_a_trigger_deleted_after_its_marks_were_kept_leaves_the_page(alice, alice_client, frozen):
    own = Trigger.objects.create(owner=alice, slug="own-cold", name="Cold feet")
    for back in (300, 250):
        spasm(alice, occurred_at=NOW - timedelta(days=back)).triggers.add(own)
    spasm(alice, occurred_at=NOW - timedelta(days=250)).triggers.add(builtin(Trigger, "uti"))
    assert "Cold feet" in alice_client.get(reverse("trends:triggers"), {"range": "all"}).text
    own.delete()  # from the admin: the app archives its own triggers instead
    spasm(alice, occurred_at=NOW)
    page = alice_client.get(reverse("trends:triggers"), {"range": "all"})
    assert page.status_code == 200
    assert "Cold feet" not in page.text
    assert "Logged 1 time, on 1 day." in page.text  # the UTI trigger
