from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO
from statistics import mean
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from sci_tracker.accounts.models import User
from sci_tracker.diary.demo import DEMO_PASSWORD
from sci_tracker.diary.models import (
    ADEpisode,
    CareEvent,
    CheckIn,
    EventKind,
    Intervention,
    InterventionUse,
    LegPainEntry,
    PainProblem,
    SpasmEpisode,
    SpasticityWeek,
    TreatmentEvent,
    Trigger,
)
from sci_tracker.reminders.models import PushSubscription, ReminderSettings

LONDON = ZoneInfo("Europe/London")
CHECK_IN_VALUES = [
    "date",
    "psfs_frequency",
    "psfs_severity",
    "spasticity",
    "pain_worst",
    "pain_average",
    "interference_activities",
    "interference_mood",
    "interference_sleep",
    "night_wakings",
]


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def local_dates(entries, zone):
    return [entry.occurred_at.astimezone(zone).date() for entry in entries]


def diary_counts(user):
    return {
        "check-ins": CheckIn.objects.filter(owner=user).count(),
        "spasms": SpasmEpisode.objects.filter(owner=user).count(),
        "pain": LegPainEntry.objects.filter(owner=user).count(),
        "events": TreatmentEvent.objects.filter(owner=user).count(),
        "problems": PainProblem.objects.filter(owner=user).count(),
        "uses": InterventionUse.objects.filter(spasm__owner=user).count()
        + InterventionUse.objects.filter(pain__owner=user).count(),
    }


def test_it_creates_the_demo_account_with_a_diary_for_every_day(db):
    output = seed("--days", "30")

    demo = User.objects.get(email="demo@example.org")
    assert demo.check_password(DEMO_PASSWORD)
    assert demo.email_confirmed
    assert (demo.display_name, demo.time_zone, demo.injury_level, demo.completeness) == (
        "Demo",
        "Europe/London",
        "T4",
        "C",
    )
    assert output.splitlines()[-1] == (
        "Demo account ready: sign in as demo@example.org with password demo-tracker-2026 "
        "(30 days of entries)."
    )

    dates = list(CheckIn.objects.filter(owner=demo).order_by("date").values_list("date", flat=True))
    today = demo.local_today()
    assert dates == [today - timedelta(days=n) for n in range(29, -1, -1)]
    spasms = SpasmEpisode.objects.filter(owner=demo)
    pains = LegPainEntry.objects.filter(owner=demo)
    assert set(local_dates(spasms, demo.zone)) == set(dates)
    assert set(local_dates(pains, demo.zone)) == set(dates)
    assert InterventionUse.objects.filter(spasm__owner=demo).exists()
    assert TreatmentEvent.objects.filter(owner=demo, event_kind=EventKind.BOTOX).exists()
    reminders = ReminderSettings.objects.get(user=demo)
    assert (reminders.first_at, reminders.second_at) == (time(20, 0), time(21, 30))
    assert (reminders.quiet_from, reminders.quiet_until) == (time(22, 0), time(7, 0))
    assert (reminders.by_push, reminders.by_email) == (True, False)
    assert reminders.rule_errors() == {}


@pytest.mark.parametrize("clock", ["00:20", "07:30", "23:50"])
def test_it_logs_every_entry_as_the_person_and_never_in_the_future(db, clock):
    now = datetime.combine(date(2026, 3, 14), time.fromisoformat(clock), tzinfo=LONDON)
    with time_machine.travel(now, tick=False):
        seed("--days", "30")
    demo = User.objects.get(email="demo@example.org")
    for model in (CheckIn, SpasmEpisode, LegPainEntry, TreatmentEvent):
        entries = model.objects.filter(owner=demo)
        assert entries.exists()
        assert not entries.exclude(logged_by=demo).exists()
        # bulk_create skips save(), but the logged and edited times are still filled in.
        assert not entries.filter(created_at__gt=now).exists()
        assert not entries.filter(updated_at__lt=F("created_at")).exists()
    for model in (SpasmEpisode, LegPainEntry):
        entries = model.objects.filter(owner=demo)
        assert not entries.filter(occurred_at__gt=now).exists()
        # Even just after midnight, today has an entry of each kind.
        assert date(2026, 3, 14) in local_dates(entries, LONDON)


def test_it_gives_the_same_diary_for_the_same_days_and_seed(db):
    def snapshot():
        spasms = SpasmEpisode.objects.order_by("occurred_at", "pk")
        check_ins = CheckIn.objects.order_by("date")
        return (
            list(spasms.values_list("occurred_at", "severity", "pattern", "regions")),
            list(check_ins.values_list(*CHECK_IN_VALUES)),
        )

    # A moment apart, as two runs are; the clock matters only for today's entries.
    with time_machine.travel(datetime(2026, 3, 14, 9, 0, tzinfo=LONDON), tick=False):
        seed("--days", "60", "--seed", "7")
    first = snapshot()
    with time_machine.travel(datetime(2026, 3, 14, 9, 0, 30, tzinfo=LONDON), tick=False):
        seed("--days", "60", "--seed", "7")
    assert snapshot() == first
    seed("--days", "60", "--seed", "8")
    assert snapshot() != first


def test_it_tells_the_story_the_demo_is_for(db):
    seed("--days", "200")
    demo = User.objects.get(email="demo@example.org")
    botox = TreatmentEvent.objects.get(owner=demo, event_kind=EventKind.BOTOX).date

    # Pain eases in weeks 2-12 after the injection, compared with the 4 weeks before it.
    check_ins = CheckIn.objects.filter(owner=demo)
    before = check_ins.filter(date__gte=botox - timedelta(weeks=4), date__lt=botox)
    after = check_ins.filter(
        date__gte=botox + timedelta(weeks=1), date__lt=botox + timedelta(weeks=12)
    )
    assert before.count() == 28
    assert after.count() > 50
    pain_before = mean(before.values_list("pain_worst", flat=True))
    pain_after = mean(after.values_list("pain_worst", flat=True))
    assert pain_after < pain_before

    # Spasms come more often per hour at night (22:00-06:00) than by day.
    spasms = list(SpasmEpisode.objects.filter(owner=demo))
    hours = [spasm.occurred_at.astimezone(demo.zone).hour for spasm in spasms]
    night = sum(hour >= 22 or hour < 6 for hour in hours)
    day = len(hours) - night
    assert night / 8 > day / 16

    # Days a bladder problem set spasms off have more of them than other days.
    per_day = Counter(local_dates(spasms, demo.zone))
    bladder_days = set(
        local_dates(
            SpasmEpisode.objects.filter(owner=demo, triggers__category="bladder").distinct(),
            demo.zone,
        )
    )
    assert 5 < len(bladder_days) < len(per_day) / 2
    with_bladder = [count for day, count in per_day.items() if day in bladder_days]
    without = [count for day, count in per_day.items() if day not in bladder_days]
    assert mean(with_bladder) > mean(without)


def test_it_leaves_an_existing_account_alone_when_asked_to_keep_it(db):
    seed("--days", "10")
    demo = User.objects.get(email="demo@example.org")
    counts = diary_counts(demo)
    spasm_times = set(SpasmEpisode.objects.values_list("occurred_at", flat=True))

    output = seed("--days", "20", "--seed", "99", "--keep-existing")

    assert "demo@example.org exists already" in output
    assert "Demo account ready" not in output
    assert diary_counts(demo) == counts
    assert set(SpasmEpisode.objects.values_list("occurred_at", flat=True)) == spasm_times


def test_it_replaces_the_diary_on_a_second_run_and_leaves_other_people_alone(db, alice):
    alice_spasm = SpasmEpisode.objects.create(
        owner=alice, logged_by=alice, occurred_at="2026-01-05T10:00Z"
    )
    seed("--days", "10")
    demo = User.objects.get(email="demo@example.org")
    counts = diary_counts(demo)
    demo.set_password("something else entirely")
    demo.time_zone = "Asia/Tokyo"
    demo.save()
    ReminderSettings.objects.filter(user=demo).update(first_at=time(6, 0), by_email=True)
    PushSubscription.objects.create(
        user=demo, endpoint="https://push.example.net/demo", p256dh="k", auth="s"
    )

    seed("--days", "10")

    # The reminders are the demo's again, with no device from the last visitor.
    assert ReminderSettings.objects.get(user=demo).first_at == time(20, 0)
    assert not ReminderSettings.objects.get(user=demo).by_email
    assert not PushSubscription.objects.filter(user=demo).exists()

    assert diary_counts(demo) == counts
    assert counts["check-ins"] == 10
    assert User.objects.filter(email="demo@example.org").count() == 1
    demo.refresh_from_db()
    assert demo.time_zone == "Europe/London"
    assert demo.check_password(DEMO_PASSWORD)
    assert SpasmEpisode.objects.filter(pk=alice_spasm.pk, owner=alice).exists()


def test_it_refuses_to_give_a_staff_account_the_demo_password(db, staff):
    with pytest.raises(CommandError, match="staff account"):
        seed("--user", "staff", "--days", "5")
    staff.refresh_from_db()
    assert not staff.check_password(DEMO_PASSWORD)


def test_it_refuses_fewer_than_one_day(db):
    with pytest.raises(CommandError, match="at least 1"):
        seed("--days", "0")
    assert not User.objects.exists()


def test_it_gives_the_t4_demo_a_few_ad_episodes_with_readings(db):
    seed("--days", "200")
    demo = User.objects.get(email="demo@example.org")
    assert demo.ad_risk
    assert (demo.usual_systolic, demo.usual_diastolic) == (104, 66)
    episodes = ADEpisode.objects.filter(owner=demo)
    assert 3 <= episodes.count() <= 10
    for episode in episodes:
        readings = list(episode.readings.all())
        assert 3 <= len(readings) <= 4
        assert readings[0].raised  # 35 or more above the usual at first
        assert readings[-1].systolic < readings[0].systolic
        assert readings[-1].taken_at <= timezone.now()
        assert episode.created_at == episode.occurred_at


def test_it_shows_lists_that_learn_with_a_hidden_built_in_and_an_archived_own_item(db):
    seed("--days", "30")
    seed("--days", "30")  # again: nothing doubled
    demo = User.objects.get(email="demo@example.org")
    assert list(Trigger.objects.hidden_from(demo).values_list("slug", flat=True)) == [
        "menstrual-cycle"
    ]
    assert list(Intervention.objects.hidden_from(demo).values_list("slug", flat=True)) == [
        "surgery"
    ]
    cushion = Trigger.objects.get(owner=demo, archived=True)
    first = SpasmEpisode.objects.filter(owner=demo).order_by("occurred_at")[:3]
    assert all(cushion in spasm.triggers.all() for spasm in first)
    assert cushion.spasms.count() == 3
    offered = set(Trigger.objects.offered_to(demo).values_list("slug", flat=True))
    assert not offered & {"menstrual-cycle", "old-cushion"}
    assert "long-drive" in offered


@time_machine.travel(datetime(2026, 3, 14, 0, 20, tzinfo=LONDON), tick=False)
def test_it_gives_the_demo_a_few_weeks_of_sci_set_answers(db):
    output = seed("--days", "60")
    demo = User.objects.get(email="demo@example.org")
    weeks = list(SpasticityWeek.objects.filter(owner=demo).order_by("date"))
    # Eight weeks to yesterday, 7 days apart, all within the 60 days.
    assert [week.date for week in weeks] == [
        date(2026, 3, 13) - timedelta(days=7 * n) for n in range(7, -1, -1)
    ]
    now = timezone.now()
    for week in weeks:
        week.full_clean()  # every item answered or not applicable, in range
        assert week.logged_by == demo
        assert week.score is not None
        assert week.created_at <= now
        assert None in week.answers.values()
    assert "8 SCI-SET weeks" in output
    # Too few days for a whole week: none.
    seed("--days", "6")
    assert not SpasticityWeek.objects.filter(owner=demo).exists()


@time_machine.travel(datetime(2026, 3, 14, 0, 20, tzinfo=LONDON), tick=False)
def test_it_gives_the_demo_weeks_of_the_bladder_bowel_and_skin_programme(db):
    output = seed("--days", "90")
    demo = User.objects.get(email="demo@example.org")
    events = list(CareEvent.objects.filter(owner=demo).order_by("occurred_at"))
    now = timezone.now()
    for event in events:
        event.full_clean()  # every detail on a kind it describes
        assert event.occurred_at <= now
        assert event.created_at == event.occurred_at
        assert event.logged_by == demo
    days = {event.occurred_at.astimezone(LONDON).date() for event in events}
    # Eight weeks to today, within the 90 days.
    assert min(days) == date(2026, 3, 14) - timedelta(days=55)
    catheters = [event.occurred_at for event in events if event.event == "catheter"]
    gaps = [
        (later - earlier) / timedelta(hours=1)
        for earlier, later in zip(catheters, catheters[1:], strict=False)
    ]
    assert all(4 <= gap <= 9 for gap in gaps)
    assert 4 <= sum(gap > 6 for gap in gaps) < len(gaps) / 5  # some late, most on time
    volumes = [event.volume_ml for event in events if event.event == "catheter"]
    assert None in volumes  # not every one measured
    assert max(v for v in volumes if v) > 500
    kinds = Counter(event.event for event in events)
    assert kinds["bowel-routine"] + kinds["bowel-missed"] == 28  # every other day
    assert 1 <= kinds["bowel-missed"] <= 8
    assert kinds["skin-check"] == 55  # every evening but tonight's, still to come
    assert [
        (e.event, e.site, e.stage) for e in events if e.event.startswith("skin-") and e.site
    ] == [
        ("skin-problem", "sacrum", "1"),
        ("skin-healed", "sacrum", ""),
    ]
    assert f"{len(events)} bladder, bowel and skin events" in output
    # A diary shorter than the eight weeks has them from its first day.
    seed("--days", "3")
    first = CareEvent.objects.filter(owner=demo).earliest("occurred_at")
    assert first.occurred_at.astimezone(LONDON).date() == date(2026, 3, 12)


def test_it_sets_up_baclofen_three_times_a_day_with_weeks_of_doses(db):
    from decimal import Decimal  # noqa: PLC0415

    from sci_tracker.diary import medicines  # noqa: PLC0415
    from sci_tracker.diary.models import Medicine, MedicineDose  # noqa: PLC0415

    now = datetime.combine(date(2026, 3, 14), time(12, 0), tzinfo=LONDON)
    with time_machine.travel(now, tick=False):
        seed("--days", "60")
    demo = User.objects.get(email="demo@example.org")
    baclofen = Medicine.objects.get(owner=demo)
    assert baclofen.name == "Baclofen"
    regimen = medicines.regimen_on(baclofen, date(2026, 3, 14))
    assert (regimen.dose, regimen.times) == (Decimal("15"), ("08:00", "14:00", "20:00"))
    assert list(baclofen.events.order_by("date").values_list("event_kind", flat=True)) == [
        "medicine-start",
        "medicine-change",
    ]
    timings = list(
        MedicineDose.objects.for_user(demo).with_timing().values_list("timing", flat=True)
    )
    assert {"on-time", "late", "missed"} <= set(timings)
    assert timings.count("on-time") > 5 * timings.count("late")
    # Six weeks of three a day, a few never tapped, none in the future.
    assert 100 < len(timings) <= 6 * 7 * 3
    assert not MedicineDose.objects.filter(occurred_at__gt=now).exists()
    assert not MedicineDose.objects.exclude(created_at=F("occurred_at")).exists()


@time_machine.travel(datetime(2026, 3, 14, 12, 0, tzinfo=LONDON), tick=False)
def test_it_fills_every_day_with_every_record_when_asked_to_throughout(db):
    """--throughout (the export benchmark's heavy diary): the care programme, the doses and
    the SCI-SET weeks from the diary's first days, not only its last weeks."""
    from sci_tracker.diary.models import MedicineDose  # noqa: PLC0415

    output = seed("--days", "100", "--throughout")
    demo = User.objects.get(email="demo@example.org")
    first_day = date(2026, 3, 14) - timedelta(days=99)

    def days_of(model):
        moments = model.objects.filter(owner=demo).values_list("occurred_at", flat=True)
        return {moment.astimezone(LONDON).date() for moment in moments}

    assert min(days_of(CareEvent)) == first_day
    assert min(days_of(MedicineDose)) <= first_day + timedelta(days=1)  # a few never tapped
    assert len(days_of(MedicineDose)) > 95
    weeks = SpasticityWeek.objects.filter(owner=demo)
    assert weeks.count() == 14  # every 7 days to yesterday, each inside the 100 days
    assert min(weeks.values_list("date", flat=True)) - timedelta(days=6) >= first_day
    assert "14 SCI-SET weeks" in output
    # Without it, the last weeks only (as the tests above say).
    seed("--days", "100")
    assert min(days_of(CareEvent)) == date(2026, 3, 14) - timedelta(days=55)
    assert SpasticityWeek.objects.filter(owner=demo).count() == 8
