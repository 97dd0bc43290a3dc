"""Made-up diary data for a demo account (used by `manage.py seed_demo`).

The story the data tells
------------------------
"Demo" has a T4, AIS C injury and lives in London. Most days bring three to five spasms worth
logging, more per hour at night (22:00-06:00) than by day, and some of those wake them. A full
bladder now and then, and a urinary tract infection a few times a year, set off a burst of extra
spasms. Cold winter days make spasms a little worse and the feet burn more.

Two pain problems run alongside: burning in both feet (nerve pain below the injury, worse in the
evening) and an aching right hip (muscle and joint pain, worse after transfers and long sitting).
A clinician confirmed the feet as below-level nerve pain at the botulinum toxin visit.

Over the months the spasms slowly get worse, even after a rise in baclofen (a medicine-change
event about 30% of the way through). About 60% of the way through comes a botulinum toxin
injection. Its effect builds over two to three weeks, holds for about three months and then
partly wears off: fewer and milder spasms, and less hip pain. A physiotherapy programme starts
soon after it, and stretching helps more from then on.

With a T4 injury, Demo is at risk of autonomic dysreflexia: the first day of each urinary tract
infection brings an episode, and a few more come from tight clothing, the bowel or the skin. Each
has three or four blood-pressure readings a few minutes apart, well above Demo's usual 104/66 at
first and coming down as the cause is dealt with.

Everything comes from random.Random(seed), so the same number of days and seed, run on the same
day, give the same diary. The rows are built in lists and written with bulk_create, so ten years
take seconds, and the database constraints still check every value.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from sci_tracker.accounts.models import User
from sci_tracker.diary import day_figures, sciset
from sci_tracker.diary.models import (
    ADEpisode,
    BloodPressureReading,
    CareEvent,
    CheckIn,
    EventKind,
    HiddenIntervention,
    HiddenTrigger,
    Intervention,
    InterventionUse,
    LegPainEntry,
    Medicine,
    MedicineDose,
    PainProblem,
    PainType,
    RedFlag,
    SpasmEpisode,
    SpasmImpact,
    SpasmPattern,
    SpasticityWeek,
    TreatmentEvent,
    Trigger,
    diary_changed,
)
from sci_tracker.diary.rules import today_in
from sci_tracker.diary.schedules import due_at

# Published on purpose: anyone trying the demo signs in with it.
DEMO_PASSWORD = "demo-tracker-2026"  # noqa: S105
DEFAULT_NAME = "demo"
DEFAULT_DAYS = 365
DEFAULT_SEED = 2026
DEMO_PROFILE = {
    "display_name": "Demo",
    "uses_app_as": "own",  # the demo keeps its own diary (a reseed sets it back)
    "time_zone": "Europe/London",
    "injury_level": "T4",
    "completeness": "C",
    # The safety profile: a full AD safety card, and a pump whose refill is due this week.
    "usual_systolic": 104,
    "usual_diastolic": 66,
    "has_baclofen_pump": True,
    "emergency_contact_name": "Sam Demo (partner)",
    "emergency_contact_phone": "+44 7700 900123",
    "emergency_number": "999",
    "card_medicines": "Intrathecal baclofen pump. Baclofen 10 mg tablets as needed. "
    "Oxybutynin 5 mg twice a day.",
}
# Days from the demo's today: the refill shows on the home page (within 7 days), the
# low-reservoir alarm is set two weeks after it.
DEMO_PUMP_REFILL_IN = 5
DEMO_PUMP_ALARM_IN = 19
BATCH_SIZE = 500

NIGHT_START, NIGHT_END = 22 * 60, 6 * 60  # minutes after local midnight
DAY_MINUTES = 24 * 60

# The person's own catalogue items, to show that the lists can be extended.
OWN_TRIGGERS = [("long-drive", "Long car journey", "activity")]
OWN_INTERVENTIONS = [("emptied-bladder", "Emptied my bladder (catheter)", "other")]
# To show that lists learn: an own trigger archived (renamed since it was added: its slug is its
# first name), kept on the first spasms that had it; and built-ins this person never needs, hidden.
ARCHIVED_TRIGGER = ("old-cushion", "Old cushion (before the new one)", "skin")
ARCHIVED_TRIGGER_SPASMS = 3
HIDDEN_TRIGGERS = ["menstrual-cycle"]
HIDDEN_INTERVENTIONS = ["surgery"]

PAIN_PROBLEMS = {
    # key: (slot, name)
    "feet": (1, "Burning in both feet"),
    "hip": (2, "Aching right hip"),
}

# How each intervention tends to work out for this person: effect -> weight.
EFFECTS = {
    "stretching": {"helped-a-little": 55, "helped-a-lot": 10, "no-change": 25, "not-sure": 10},
    "standing-frame": {"helped-a-little": 50, "helped-a-lot": 30, "no-change": 20},
    "massage": {"helped-a-little": 40, "no-change": 40, "not-sure": 20},
    "baclofen": {"helped-a-little": 50, "helped-a-lot": 20, "no-change": 20, "not-sure": 10},
    "emptied-bladder": {"helped-a-lot": 70, "helped-a-little": 25, "no-change": 5},
    "heat": {"helped-a-little": 45, "helped-a-lot": 15, "no-change": 35, "worse": 5},
    "painkiller": {"helped-a-little": 50, "helped-a-lot": 10, "no-change": 30, "not-sure": 10},
    "rest": {"helped-a-little": 50, "helped-a-lot": 10, "no-change": 40},
    "topical-cream": {"helped-a-little": 40, "no-change": 45, "not-sure": 15},
    "cold-pack": {"helped-a-little": 30, "no-change": 50, "worse": 10, "not-sure": 10},
}
# With a physiotherapist's programme, stretching is done better and helps more.
EFFECTS_WITH_THERAPY = {
    "stretching": {"helped-a-little": 50, "helped-a-lot": 30, "no-change": 15, "not-sure": 5},
}
DOSES = {"baclofen": "10 mg", "painkiller": "1 g"}

SPASM_NOTES = {
    "night": ["Woke me turning over.", "Legs jumped just as I was dropping off."],
    "transfer": ["During the transfer to the chair.", "Getting into bed."],
    "day": ["Sitting at my desk.", "In the car.", "After sitting a long time."],
    "bladder": ["Bag was full.", "Went away once I had emptied my bladder."],
}
PAIN_NOTES = {
    "feet": ["Worse in bed tonight.", "Feet felt on fire after a busy day."],
    "hip": ["After the car transfer.", "Sat too long at the computer."],
}
CHECK_IN_NOTES = ["Quiet day.", "Busy day out, tired now.", "Slept badly.", "Good day overall."]


# The shape of the period ---------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """The key dates of the period."""

    first: date
    last: date
    medicine_change: date
    botox: date
    therapy_start: date
    uti_days: frozenset


def plan_timeline(last, days, rng):
    first = last - timedelta(days=days - 1)

    def at(fraction):
        return first + timedelta(days=round((days - 1) * fraction))

    # About three urinary tract infections a year, each lasting four to six days.
    uti_days = set()
    for offset in range(days):
        if rng.random() < 1 / 120:
            start = first + timedelta(days=offset)
            uti_days.update(start + timedelta(days=n) for n in range(rng.randint(4, 6)))
    return Timeline(
        first=first,
        last=last,
        medicine_change=at(0.3),
        botox=at(0.6),
        therapy_start=at(0.67),
        uti_days=frozenset(uti_days),
    )


def botox_relief(days_since):
    """How much of the injection's full effect is felt, 0 to 1, so many days after it."""
    if days_since < 3:
        return 0.0  # not given yet, or not working yet: it takes a few days
    if days_since < 21:
        return (days_since - 3) / 18
    if days_since < 90:
        return 1.0
    # Wears off over the next month, but the stretching keeps some of the gain.
    return max(0.35, 1 - (days_since - 90) / 30 * 0.65)


@dataclass(frozen=True)
class DayProfile:
    """How the day went, before any entries are made from it. Levels run 0-10."""

    day: date
    spasm: float
    feet_pain: float
    hip_pain: float
    bladder: str | None  # "uti", "full-bladder" or None
    cold: bool
    stressed: bool
    therapy: bool  # the physiotherapy programme has started


def day_profile(day, rng, timeline):
    before_botox = max((timeline.botox - timeline.first).days, 1)
    # Spasms creep up over the months before the injection: the reason for having it.
    drift = min((day - timeline.first).days / before_botox, 1.0)
    relief = botox_relief((day - timeline.botox).days)
    cold = rng.random() < 0.4 and day.month in (11, 12, 1, 2, 3)  # a cold winter day
    stressed = rng.random() < 0.08
    if day in timeline.uti_days:
        bladder = "uti"
    elif rng.random() < 0.1:
        bladder = "full-bladder"
    else:
        bladder = None

    spasm = 4.8 + 1.2 * drift + rng.gauss(0, 0.7)
    if day >= timeline.medicine_change:
        spasm -= 0.5
    spasm += 0.7 * cold + 0.5 * stressed + {"uti": 1.5, "full-bladder": 1.0}.get(bladder, 0)
    spasm *= 1 - 0.4 * relief

    feet = 5.0 + 0.8 * cold + 0.5 * (bladder == "uti") - 0.5 * relief + rng.gauss(0, 0.8)
    # The hip aches more as the spasms pull on it, and less once they ease.
    hip = 4.2 + 0.8 * drift - 2.2 * relief + rng.gauss(0, 0.8)
    return DayProfile(
        day=day,
        spasm=bounded(spasm),
        feet_pain=bounded(feet),
        hip_pain=bounded(hip),
        bladder=bladder,
        cold=cold,
        stressed=stressed,
        therapy=day >= timeline.therapy_start,
    )


# Small helpers -------------------------------------------------------------------------------


def bounded(value, low=0.0, high=10.0):
    return min(max(value, low), high)


def score(value):
    """A 0-10 answer on a form."""
    return round(bounded(value))


def poisson(rng, mean):
    """A count of events that happen `mean` times on average (Knuth's method; means are small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def is_night(minute):
    return minute >= NIGHT_START or minute < NIGHT_END


def night_minute(rng):
    return (NIGHT_START + rng.randrange(DAY_MINUTES - NIGHT_START + NIGHT_END)) % DAY_MINUTES


def day_minute(rng):
    return rng.randrange(NIGHT_END, NIGHT_START)


def transfer_minute(rng):
    # Getting up and dressed in the morning, or into bed in the evening.
    return rng.randrange(*rng.choice([(7 * 60, 9 * 60 + 30), (20 * 60 + 30, NIGHT_START)]))


def local_time(day, minute, zone):
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)


# Building one day ----------------------------------------------------------------------------


@dataclass
class Planned:
    """An entry waiting to be saved, with its trigger links and intervention uses."""

    entry: SpasmEpisode | LegPainEntry
    setting: str = ""  # for a spasm: "night", "day", "transfer" or "bladder"
    trigger_slugs: list = field(default_factory=list)
    uses: list = field(default_factory=list)  # (intervention slug, effect)


@dataclass
class DayRows:
    check_in: CheckIn
    spasms: list
    pains: list


def build_day(profile, rng, user, problems, cutoff=None):
    """The day's spasms, leg pain and check-in. Entries later than `cutoff` are left out."""
    spasms = plan_spasms(profile, rng, user)
    pains = plan_pains(profile, rng, user, problems)
    check_in = plan_check_in(profile, rng, user, spasms, pains)
    if cutoff is not None:
        midnight = local_time(profile.day, 0, user.zone)
        spasms = up_to(spasms, cutoff, midnight)
        pains = up_to(pains, cutoff, midnight)
    return DayRows(check_in=check_in, spasms=spasms, pains=pains)


def up_to(planned, cutoff, midnight):
    """Today's entries so far. If none is, the first is kept and moved back to midnight.

    Midnight rather than now: two runs a moment apart must still give the same times.
    """
    kept = [plan for plan in planned if plan.entry.occurred_at <= cutoff]
    if not kept and planned:
        planned[0].entry.occurred_at = midnight
        kept = planned[:1]
    return kept


def plan_spasms(profile, rng, user):
    level = profile.spasm
    moments = [(night_minute(rng), "night") for _ in range(poisson(rng, 0.7 + 0.2 * level))]
    for _ in range(poisson(rng, 1.0 + 0.25 * level)):
        if rng.random() < 0.35:
            moments.append((transfer_minute(rng), "transfer"))
        else:
            moments.append((day_minute(rng), "day"))
    moments.extend(bladder_moments(profile, rng))
    if not moments:
        moments.append((day_minute(rng), "day"))  # every day has at least one spasm logged
    moments.sort()

    planned = [plan_spasm(profile, rng, user, minute, setting) for minute, setting in moments]
    if profile.bladder and not any(profile.bladder in plan.trigger_slugs for plan in planned):
        # The person noticed the cause at least once: name it on the first bladder spasm.
        first = next(plan for plan in planned if plan.setting == "bladder")
        first.trigger_slugs.append(profile.bladder)
    add_red_flag(profile, rng, planned)
    return planned


def bladder_moments(profile, rng):
    """Extra spasms from the bladder: a cluster when it is full, a spread when it is infected."""
    if profile.bladder == "full-bladder":
        # Often in the night: waking with a full bag and legs jumping.
        start = night_minute(rng) if rng.random() < 0.4 else day_minute(rng)
        start = min(start, DAY_MINUTES - 60)
        return [(start + rng.randrange(50), "bladder") for _ in range(rng.randint(2, 3))]
    if profile.bladder == "uti":
        count = max(poisson(rng, 2.5), 1)
        return [(rng.randrange(DAY_MINUTES), "bladder") for _ in range(count)]
    return []


def plan_spasm(profile, rng, user, minute, setting):
    night = is_night(minute)
    if setting == "transfer":
        # A foot put on the footplate often sets the ankle going (clonus).
        pattern = pick(rng, {"jerky": 35, "stiffness": 35, "clonus": 30})
    else:
        pattern = pick(rng, {"jerky": 55, "stiffness": 30, "clonus": 15})
    bump = 0.3 if setting == "bladder" else 0.1 if night else 0.0
    severity = spasm_severity(rng, profile.spasm, bump)
    spasm = SpasmEpisode(
        owner=user,
        logged_by=user,
        occurred_at=local_time(profile.day, minute, user.zone),
        pattern=pattern,
        regions=spasm_regions(rng),
        severity=severity,
        duration=spasm_duration(rng, pattern),
        impacts=spasm_impacts(rng, setting, night, pattern, severity),
        note=rng.choice(SPASM_NOTES[setting]) if rng.random() < 0.08 else "",
    )
    plan = Planned(spasm, setting, trigger_slugs=spasm_triggers(profile, rng, setting, minute))
    plan.uses = spasm_interventions(profile, rng, setting, night, severity)
    if night and rng.random() < 0.15:
        # A tap on "Spasm now" in the night, no details added: pattern and severity not given.
        spasm.pattern, spasm.severity = "", None
    return plan


def spasm_severity(rng, level, bump):
    value = level / 10 + bump + rng.random() * 0.9
    return 1 if value < 0.75 else 2 if value < 1.25 else 3


def spasm_regions(rng):
    regions = [pick(rng, {"both-legs": 40, "left-leg": 25, "right-leg": 35})]
    if rng.random() < 0.1:
        regions.append("trunk")
    return regions


def spasm_duration(rng, pattern):
    if rng.random() < 0.1:
        return ""  # not everyone fills in every field
    if pattern == SpasmPattern.STIFFNESS:
        return pick(rng, {"under-1-min": 35, "1-5-min": 45, "5-30-min": 15, "over-30-min": 5})
    if pattern == SpasmPattern.CLONUS:
        return pick(rng, {"seconds": 40, "under-1-min": 45, "1-5-min": 15})
    return pick(rng, {"seconds": 75, "under-1-min": 25})


def spasm_impacts(rng, setting, night, pattern, severity):
    impacts = []
    if night and rng.random() < (0.25, 0.55, 0.85)[severity - 1]:
        impacts.append(SpasmImpact.WOKE_ME)
    if setting == "transfer":
        # A stiff, straight leg can help someone stand or transfer: not every spasm is bad.
        if pattern == SpasmPattern.STIFFNESS and rng.random() < 0.3:
            impacts.append(SpasmImpact.HELPED_TRANSFER)
        elif severity == 3 and rng.random() < 0.15:
            impacts.append(SpasmImpact.FAILED_TRANSFER)
    elif not night and pattern == SpasmPattern.STIFFNESS and rng.random() < 0.04:
        impacts.append(SpasmImpact.HELPED_STANDING)
    if severity == 3 and not night and rng.random() < 0.02:
        impacts.append(SpasmImpact.FALL)
    return [str(impact) for impact in impacts]


def spasm_triggers(profile, rng, setting, minute):
    if setting == "bladder":
        return [profile.bladder] if rng.random() < 0.8 else []
    if setting == "transfer":
        slugs = ["position-change"] if rng.random() < 0.8 else []
        if rng.random() < 0.1:
            slugs.append("tight-clothing")
        return slugs
    if rng.random() < 0.45:
        return []  # often there is no obvious cause
    weights = {
        "stretching-movement": 3,
        "position-change": 3 if setting == "day" else 4,
        "skin-irritation": 1,
        "tight-clothing": 1 if setting == "day" else 0,
        "fatigue": 2 if minute >= 16 * 60 else 0,
        "stress": 3 if profile.stressed else 0,
        "cold": 4 if profile.cold else 0,
        "constipation": 1,
        "inactivity": 1,
        "long-drive": 0.5 if setting == "day" else 0,
    }
    slugs = [pick(rng, weights)]
    if rng.random() < 0.15:
        second = pick(rng, weights)
        if second not in slugs:
            slugs.append(second)
    return slugs


def spasm_interventions(profile, rng, setting, night, severity):
    if setting == "bladder" and rng.random() < 0.5:
        return [("emptied-bladder", pick(rng, EFFECTS["emptied-bladder"]))]
    if severity == 1 or rng.random() > 0.3:
        return []
    if night:
        choices = {"baclofen": 3, "stretching": 2, "massage": 1}
    else:
        choices = {"stretching": 4, "massage": 2, "standing-frame": 2 if profile.therapy else 0}
    slugs = {pick(rng, choices)}
    if rng.random() < 0.2:
        slugs.add(pick(rng, choices))
    return [(slug, intervention_effect(profile, rng, slug)) for slug in sorted(slugs)]


def intervention_effect(profile, rng, slug):
    if profile.therapy and slug in EFFECTS_WITH_THERAPY:
        return pick(rng, EFFECTS_WITH_THERAPY[slug])
    return pick(rng, EFFECTS[slug])


def add_red_flag(profile, rng, planned):
    """Now and then a bladder day brings warning signs, as it can with an injury at T6 or above."""
    bladder_spasms = [plan for plan in planned if profile.bladder in plan.trigger_slugs]
    if not bladder_spasms:
        return
    worst = max(bladder_spasms, key=lambda plan: plan.entry.severity or 0)
    if profile.bladder == "full-bladder" and rng.random() < 0.15:
        worst.entry.red_flags = [RedFlag.AD_SIGNS.value]
        worst.entry.note = "Pounding headache and flushing until I emptied my bladder."
    elif profile.bladder == "uti" and rng.random() < 0.3:
        worst.entry.red_flags = [RedFlag.FEVER.value]


def plan_pains(profile, rng, user, problems):
    """About one entry a day, for one of the two problems, sometimes one for each."""
    first = "feet" if rng.random() < 0.55 else "hip"
    keys = [first]
    if rng.random() < 0.3:
        keys.append("hip" if first == "feet" else "feet")
    planned = [plan_pain(profile, rng, user, problems[key], key) for key in keys]
    planned.sort(key=lambda plan: plan.entry.occurred_at)
    return planned


def plan_pain(profile, rng, user, problem, key):
    if key == "feet":
        # Nerve pain is worst in the evening, when the day is quieter.
        minute = rng.randrange(18 * 60, 23 * 60 + 30) if rng.random() < 0.6 else day_minute(rng)
        level = profile.feet_pain + 0.5
        sites = ["left-foot", "right-foot"] + (["left-ankle"] if rng.random() < 0.2 else [])
        qualities = ["burning"] + [
            quality
            for quality, chance in (("tingling", 0.5), ("electric", 0.15), ("shooting", 0.15))
            if rng.random() < chance
        ]
        pain_type = PainType.NEUROPATHIC_BELOW
        triggers = {"cold": 0.6 if profile.cold else 0, "fatigue": 0.15, "stress": 0.3}
        choices = {"massage": 2, "topical-cream": 2, "cold-pack": 1}
    else:
        minute = rng.randrange(8 * 60, 20 * 60)
        level = profile.hip_pain + 0.5
        sites = ["right-hip"] + (["right-thigh"] if rng.random() < 0.3 else [])
        qualities = ["aching"] + [
            quality
            for quality, chance in (("stiffness", 0.4), ("cramping", 0.15))
            if rng.random() < chance
        ]
        pain_type = PainType.MUSCULOSKELETAL
        triggers = {"position-change": 0.3, "overuse": 0.15, "inactivity": 0.2}
        choices = {"heat": 3, "painkiller": 2, "rest": 2, "stretching": 2 if profile.therapy else 0}
    if not profile.stressed:
        triggers.pop("stress", None)
    pain = LegPainEntry(
        owner=user,
        logged_by=user,
        occurred_at=local_time(profile.day, minute, user.zone),
        intensity=score(level + rng.gauss(0, 1.2)),
        problem=problem,
        sites=sites,
        qualities=qualities,
        pain_type=pain_type,
        note=rng.choice(PAIN_NOTES[key]) if rng.random() < 0.06 else "",
    )
    plan = Planned(pain, trigger_slugs=[slug for slug, p in triggers.items() if rng.random() < p])
    if rng.random() < 0.35:
        slug = pick(rng, choices)
        plan.uses = [(slug, intervention_effect(profile, rng, slug))]
    return plan


def plan_check_in(profile, rng, user, spasms, pains):
    """The evening check-in, in line with what was logged during the day."""
    # Penn scale: 1 only when set off, 2 less than hourly, 3 more than hourly, 4 ten an hour.
    frequency_level = profile.spasm + rng.gauss(0, 0.6)
    frequency = 1 + sum(frequency_level >= edge for edge in (2.5, 5, 8.5))
    # Severities not given are left out of the mean (none given: a middling day).
    given = [plan.entry.severity for plan in spasms if plan.entry.severity is not None]
    mean_severity = sum(given) / len(given) if given else 2
    average = score((profile.feet_pain + profile.hip_pain) / 2 + rng.gauss(0, 0.6))
    # The worst of the day is at least as bad as anything logged during it.
    worst = max([average + 1 + rng.randrange(2)] + [plan.entry.intensity for plan in pains])
    wakings = sum(SpasmImpact.WOKE_ME in plan.entry.impacts for plan in spasms)
    wakings += profile.feet_pain > 6.5 and rng.random() < 0.4  # burning feet keep them up too
    illness = 1.5 if profile.bladder == "uti" else 0
    return CheckIn(
        owner=user,
        logged_by=user,
        date=profile.day,
        psfs_frequency=frequency,
        psfs_severity=round(mean_severity),
        spasticity=score(profile.spasm + rng.gauss(0, 0.6)),
        pain_average=average,
        pain_worst=min(worst, 10),
        interference_activities=score(
            0.35 * profile.spasm + 0.35 * average + illness + rng.gauss(0, 0.8)
        ),
        interference_mood=score(
            0.4 * average + 0.2 * profile.spasm + 2 * profile.stressed + rng.gauss(0, 0.8)
        ),
        interference_sleep=score(1.6 * wakings + 0.2 * profile.feet_pain + rng.gauss(0, 0.7)),
        night_wakings=int(wakings),
        note=rng.choice(CHECK_IN_NOTES) if rng.random() < 0.05 else "",
    )


BACLOFEN_TIMES = ["08:00", "14:00", "20:00"]


def plan_medicine_events(timeline, user, baclofen):
    """Baclofen three times a day from the diary's first day, up from 10 mg to 15 mg on the day
    of the change: the medicine's start and change events (diary.medicines)."""
    return [
        TreatmentEvent(
            owner=user,
            logged_by=user,
            date=day,
            event_kind=kind,
            medicine=baclofen,
            dose=dose,
            times=BACLOFEN_TIMES,
        )
        for day, kind, dose in (
            (timeline.first, EventKind.MEDICINE_START, Decimal("10")),
            (timeline.medicine_change, EventKind.MEDICINE_CHANGE, Decimal("15")),
        )
    ]


def plan_events(timeline, user):
    events = [
        (
            timeline.botox,
            EventKind.BOTOX,
            "Both hip adductors, right hamstrings and right calf (gastrocnemius)",
        ),
        (
            timeline.therapy_start,
            EventKind.THERAPY_START,
            "Weekly physiotherapy for 8 weeks: stretching and the standing frame",
        ),
    ]
    return [
        TreatmentEvent(owner=user, logged_by=user, date=day, event_kind=kind, details=details)
        for day, kind, details in events
    ]


NOTES_ON_EVENT_DAYS = {
    "botox": "Botox injections this morning. Legs a bit sore.",
    "therapy_start": "First physio session.",
    "medicine_change": "GP put the baclofen up.",
}


# Saving --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    email: str
    kept: bool = False  # the account existed and --keep-existing left it alone
    days: int = 0
    counts: dict = field(default_factory=dict)


# Sent with `user` once the demo account and its diary are ready (in the same transaction), so
# that apps above the diary add their part of the demo (reminders) without the diary naming them.
demo_seeded = Signal()


def seed_demo(
    name=DEFAULT_NAME,
    days=DEFAULT_DAYS,
    seed=DEFAULT_SEED,
    keep_existing=False,
    throughout: bool = False,
):
    """Create or refresh the demo account and its diary. Returns what was done.

    `throughout`: the bladder, bowel and skin programme, the baclofen doses and the SCI-SET
    weeks fill every day of the diary, not only its last weeks: the records of someone who
    has logged all of it for years, as the export benchmark needs."""
    if days < 1:
        raise ValueError("The number of days must be at least 1.")
    email = f"{name}@example.org"
    with transaction.atomic():
        user = User.objects.with_email(email).first()
        if user is not None and keep_existing:
            return Outcome(email=user.email, kept=True)
        if user is not None and (user.is_staff or user.is_superuser):
            # Never hand a published password to an account that can reach the admin.
            raise ValueError(f"{user.email} is a staff account; choose another --user name.")
        user = prepare_account(user, email)
        # Made-up data, not secrets: a seeded, repeatable generator is what is wanted here.
        rng = random.Random(seed)  # noqa: S311
        counts = fill_diary(user, days, rng, throughout)
        demo_seeded.send(sender=seed_demo, user=user)
    return Outcome(email=user.email, days=days, counts=counts)


def prepare_account(user, email):
    """A fresh account, or the existing one with its profile reset and its diary emptied."""
    # The demo's address (at example.org, where no mail is read) counts as confirmed, so the
    # demo shows the app as a confirmed account sees it.
    if user is None:
        return User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            email_confirmed_at=timezone.now(),
            **pump_dates(today_in(DEMO_PROFILE["time_zone"])),
            **DEMO_PROFILE,
        )
    for attribute, value in DEMO_PROFILE.items():
        setattr(user, attribute, value)
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    user.email_confirmed_at = user.email_confirmed_at or timezone.now()
    for attribute, value in pump_dates(user.local_today()).items():
        setattr(user, attribute, value)
    user.save()
    clear_diary(user)
    return user


def pump_dates(today):
    return {
        "pump_refill_date": today + timedelta(days=DEMO_PUMP_REFILL_IN),
        "pump_alarm_date": today + timedelta(days=DEMO_PUMP_ALARM_IN),
    }


def clear_diary(user):
    # Intervention uses and trigger links go with their entries; events and doses with their
    # medicine.
    for model in (
        SpasmEpisode,
        LegPainEntry,
        CheckIn,
        TreatmentEvent,
        ADEpisode,
        SpasticityWeek,
        CareEvent,
    ):
        model.objects.for_user(user).delete()
    Medicine.objects.filter(owner=user).delete()
    PainProblem.objects.filter(owner=user).delete()
    Trigger.objects.filter(owner=user).delete()
    Intervention.objects.filter(owner=user).delete()
    HiddenTrigger.objects.filter(person=user).delete()
    HiddenIntervention.objects.filter(person=user).delete()
    day_figures.rebuild(user.pk)  # the entries went without save()


def fill_diary(user, days, rng, throughout=False):
    problems = create_catalogue(user)
    now = timezone.now()
    timeline = plan_timeline(user.local_today(), days, rng)
    check_ins, spasms, pains = [], [], []
    for offset in range(days):
        day = timeline.first + timedelta(days=offset)
        profile = day_profile(day, rng, timeline)
        rows = build_day(profile, rng, user, problems, cutoff=now if day == timeline.last else None)
        check_ins.append(rows.check_in)
        spasms.extend(rows.spasms)
        pains.extend(rows.pains)
    add_event_day_notes(check_ins, timeline)
    baclofen = Medicine.objects.create(owner=user, name="Baclofen", unit="mg", reason="spasms")
    events = [*plan_medicine_events(timeline, user, baclofen), *plan_events(timeline, user)]
    confirm_feet_pain(problems["feet"], timeline, user)

    CheckIn.objects.bulk_create(check_ins, batch_size=BATCH_SIZE)
    TreatmentEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    save_timed(SpasmEpisode, spasms, user, link_field="spasmepisode", use_field="spasm")
    save_timed(LegPainEntry, pains, user, link_field="legpainentry", use_field="pain")
    set_lists_aside(user, spasms)
    # Drawn last, from a generator of their own: the rest of the diary stays as it was.
    episodes = plan_ad_episodes(timeline, user, random.Random(rng.random()), now)  # noqa: S311
    save_ad_episodes(episodes)
    # Every kind's weeks: the last few, or the whole diary.
    span = {"weeks": days // 7 + 1} if throughout else {}
    weeks = plan_sciset_weeks(timeline, user, random.Random(rng.random()), now, **span)  # noqa: S311
    SpasticityWeek.objects.bulk_create(weeks, batch_size=BATCH_SIZE)
    care_events = plan_care(timeline, user, random.Random(rng.random()), now, **span)  # noqa: S311
    # Logged when they happened (created_at and updated_at are set on create: see backdate).
    CareEvent.objects.bulk_create(care_events, batch_size=BATCH_SIZE)
    for event in care_events:
        event.created_at = event.updated_at = event.occurred_at
    CareEvent.objects.bulk_update(care_events, ["created_at", "updated_at"], batch_size=BATCH_SIZE)
    doses = plan_doses(timeline, user, baclofen, random.Random(rng.random()), now, **span)  # noqa: S311
    MedicineDose.objects.bulk_create(doses, batch_size=BATCH_SIZE)
    backdate(user, check_ins, events, now, weeks)
    diary_changed(user.pk)  # bulk_create does not call save()
    day_figures.rebuild(user.pk)  # nor count the days
    return {
        "check-ins": len(check_ins),
        "spasms": len(spasms),
        "leg pain entries": len(pains),
        "treatment events": len(events),
        "intervention uses": sum(len(plan.uses) for plan in spasms + pains),
        "AD episodes": len(episodes),
        "blood-pressure readings": sum(len(readings) for _, readings in episodes),
        "SCI-SET weeks": len(weeks),
        "bladder, bowel and skin events": len(care_events),
        "medicine doses": len(doses),
    }


AD_OTHER_CAUSES = ["clothing", "bowel", "skin", "not-known"]
AD_DAYS_BACK = (9, 75, 160, 250)  # besides the first day of each infection


def plan_ad_episodes(timeline, user, rng, now):
    """(episode, readings) for each autonomic dysreflexia episode: 3 or 4 readings 3 to 5
    minutes apart, from 35-70 mmHg above the usual upper number down towards it."""
    infections = {
        day for day in timeline.uti_days if day - timedelta(days=1) not in timeline.uti_days
    }
    others = {timeline.last - timedelta(days=n) for n in AD_DAYS_BACK}
    planned = []
    for day in sorted(infections | others):
        if not timeline.first <= day <= timeline.last:
            continue
        start = local_time(day, rng.randint(8 * 60, 20 * 60), user.zone)
        cause = "bladder" if day in infections else rng.choice(AD_OTHER_CAUSES)
        medicine = rng.random() < 0.3
        if start + timedelta(minutes=20) > now:
            continue  # today's, still to come
        actions = ["sat-up", "lowered-legs", "loosened-clothing", "bladder"]
        if cause == "bowel":
            actions.append("bowel")
        if medicine:
            actions.append("medicine")
        episode = ADEpisode(
            owner=user,
            logged_by=user,
            occurred_at=start,
            causes=[cause],
            actions=actions,
            outcome="settled-after-medicine" if medicine else "settled",
            note="Catheter tube was kinked." if cause == "bladder" else "",
        )
        systolic = user.usual_systolic + rng.randint(35, 70)
        diastolic = user.usual_diastolic + rng.randint(20, 35)
        pulse = rng.randint(48, 58)  # a slow pulse, as AD often brings
        taken = start + timedelta(minutes=rng.randint(2, 4))
        readings = []
        for _ in range(rng.randint(3, 4)):
            readings.append(
                BloodPressureReading(
                    taken_at=taken, systolic=systolic, diastolic=diastolic, pulse=pulse
                )
            )
            taken += timedelta(minutes=rng.randint(3, 5))
            systolic = max(user.usual_systolic + 5, systolic - rng.randint(12, 25))
            diastolic = max(user.usual_diastolic + 2, diastolic - rng.randint(5, 12))
            pulse = min(72, pulse + rng.randint(2, 6))
        planned.append((episode, readings))
    return planned


SCISET_WEEKS = 8  # the demo's last eight weeks have SCI-SET answers
SCISET_NOT_APPLICABLE = 0.2  # the share of items that do not apply to the demo person


def plan_sciset_weeks(timeline, user, rng, now, weeks=SCISET_WEEKS):
    """A week's SCI-SET answers every 7 days, the last for the week to yesterday (its evening
    has passed), each within the diary's days. Made up: the items are numbers only, spasticity
    mostly somewhat problematic, less so as the injection takes effect."""
    answered = []
    for back in range(weeks):
        day = timeline.last - timedelta(days=1 + sciset.RECALL_DAYS * back)
        if day - timedelta(days=sciset.RECALL_DAYS - 1) < timeline.first:
            break
        centre = -1.2 + 1.0 * botox_relief((day - timeline.botox).days)
        answers = {
            key: None
            if rng.random() < SCISET_NOT_APPLICABLE
            else max(sciset.LOWEST, min(sciset.HIGHEST, round(rng.gauss(centre, 1.0))))
            for key in sciset.ITEM_KEYS
        }
        answered.append(SpasticityWeek(owner=user, logged_by=user, date=day, answers=answers))
    return answered


CARE_WEEKS = 8  # the demo's last eight weeks have the bladder, bowel and skin programme
CATHETER_HOURS = (4, 6)  # the usual interval between catheterisations
CATHETER_LATE = 1 / 12  # the share of intervals stretched to 7-9 hours: late against the usual
BOWEL_MISSED = 0.12  # the share of every-other-day routines missed
SKIN_PROBLEM_DAYS_BACK = (20, 9)  # a red patch on the tailbone found, then healed


def plan_care(timeline, user, rng, now, weeks=CARE_WEEKS):
    """CareEvents for the last `weeks` weeks, up to now: catheterisations every 4-6 hours
    (some late, with more in the bag), a bowel routine every other morning (a few missed, with
    a constipated day after), a skin check every evening, and one skin problem found and
    healed. Made up: none of it is tied to the spasms drawn before it."""
    first = max(timeline.first, timeline.last - timedelta(days=7 * weeks - 1))
    zone = user.zone
    planned = []

    def add(moment, event, **details):
        if moment <= now:
            planned.append(
                CareEvent(owner=user, logged_by=user, occurred_at=moment, event=event, **details)
            )

    moment = local_time(first, 7 * 60, zone)
    end = local_time(timeline.last, DAY_MINUTES - 1, zone)
    late = False  # whether the interval that ended at `moment` was stretched
    while moment <= end:
        # A late one holds more; it is measured, as a bag that full gets noticed.
        volume = rng.randint(550, 800) if late else rng.randint(250, 500)
        measured = late or rng.random() < 0.6
        add(moment, "catheter", volume_ml=volume if measured else None)
        late = rng.random() < CATHETER_LATE
        hours = rng.uniform(7, 9) if late else rng.uniform(*CATHETER_HOURS)
        moment += timedelta(minutes=round(hours * 60))
    days = (timeline.last - first).days + 1
    missed_before = False
    for offset in range(days):
        day = first + timedelta(days=offset)
        if offset % 2 == 0:
            morning = local_time(day, rng.randint(8 * 60, 9 * 60), zone)
            if rng.random() < BOWEL_MISSED:
                add(morning, "bowel-missed")
                missed_before = True
            else:
                result = rng.choices(["good", "small", "none"], weights=[7, 2, 1])[0]
                add(morning, "bowel-routine", bowel_result=result)
        elif missed_before:
            add(local_time(day, rng.randint(12 * 60, 16 * 60), zone), "constipation")
            missed_before = False
        who = "carer" if rng.random() < 0.3 else "self"
        add(local_time(day, rng.randint(20 * 60, 21 * 60), zone), "skin-check", checked_by=who)
    found, healed = (timeline.last - timedelta(days=back) for back in SKIN_PROBLEM_DAYS_BACK)
    if found >= first:
        add(local_time(found, 21 * 60 + 30, zone), "skin-problem", site="sacrum", stage="1")
        add(local_time(healed, 21 * 60 + 30, zone), "skin-healed", site="sacrum")
    planned.sort(key=lambda event: event.occurred_at)
    return planned


DOSE_WEEKS = 6  # the demo's last six weeks have baclofen doses tapped
# Of the doses due: not tapped at all, tapped missed, taken late (over an hour after); the rest
# taken on time.
NOT_TAPPED, MISSED, LATE = 0.04, 0.06, 0.12


def plan_doses(timeline, user, baclofen, rng, now, weeks=DOSE_WEEKS):
    """Baclofen at 08:00, 14:00 and 20:00 for the last weeks, up to now: mostly taken on time,
    some late, a few missed, a few never tapped. Made up."""
    doses = []
    first = max(timeline.first, timeline.last - timedelta(days=weeks * 7 - 1))
    for offset in range((timeline.last - first).days + 1):
        day = first + timedelta(days=offset)
        for moment in BACLOFEN_TIMES:
            due = due_at(day, moment, user.zone)
            if due > now:
                continue
            draw = rng.random()
            if draw < NOT_TAPPED:
                continue
            status, taken = "taken", due + timedelta(minutes=rng.randint(0, 40))
            if draw < NOT_TAPPED + MISSED:
                status, taken = "missed", due
            elif draw < NOT_TAPPED + MISSED + LATE:
                taken = due + timedelta(minutes=rng.randint(70, 180))
            if taken > now:
                continue
            doses.append(
                MedicineDose(
                    owner=user,
                    logged_by=user,
                    medicine=baclofen,
                    status=status,
                    scheduled_for=due,
                    occurred_at=taken,
                )
            )
    return doses


def save_ad_episodes(planned):
    ADEpisode.objects.bulk_create([episode for episode, _ in planned], batch_size=BATCH_SIZE)
    for episode, readings in planned:
        for reading in readings:
            reading.episode = episode
    BloodPressureReading.objects.bulk_create(
        [reading for _, readings in planned for reading in readings], batch_size=BATCH_SIZE
    )


def create_catalogue(user):
    """The person's pain problems and own catalogue items; returns the problems by key."""
    Trigger.objects.bulk_create(
        Trigger(owner=user, slug=slug, name=name, category=category)
        for slug, name, category in OWN_TRIGGERS
    )
    Intervention.objects.bulk_create(
        Intervention(owner=user, slug=slug, name=name, category=category)
        for slug, name, category in OWN_INTERVENTIONS
    )
    problems = {
        key: PainProblem(owner=user, slot=slot, name=name)
        for key, (slot, name) in PAIN_PROBLEMS.items()
    }
    PainProblem.objects.bulk_create(problems.values())
    return problems


def set_lists_aside(user, spasms):
    """The archived own trigger on the first few spasms, and the hidden built-ins. After the
    entries are drawn, so the rest of the diary stays as it was."""
    slug, name, category = ARCHIVED_TRIGGER
    cushion = Trigger.objects.create(
        owner=user, slug=slug, name=name, category=category, archived=True
    )
    first = sorted(spasms, key=lambda plan: plan.entry.occurred_at)[:ARCHIVED_TRIGGER_SPASMS]
    Link = SpasmEpisode.triggers.through
    Link.objects.bulk_create(
        Link(spasmepisode_id=plan.entry.pk, trigger_id=cushion.pk) for plan in first
    )
    HiddenTrigger.objects.bulk_create(
        HiddenTrigger(person=user, trigger=trigger)
        for trigger in Trigger.objects.filter(owner=None, slug__in=HIDDEN_TRIGGERS)
    )
    HiddenIntervention.objects.bulk_create(
        HiddenIntervention(person=user, intervention=item)
        for item in Intervention.objects.filter(owner=None, slug__in=HIDDEN_INTERVENTIONS)
    )


DEMO_CLINICIAN = "Dr Rivera (demo clinician)"


def confirm_feet_pain(problem, timeline, user):
    """At the botulinum toxin visit a clinician confirmed the burning feet as below-level nerve
    pain, as the person had guessed. The demo has no clinician account: only the name."""
    PainProblem.objects.filter(pk=problem.pk).update(
        confirmed_type=PainType.NEUROPATHIC_BELOW,
        confirmed_by_name=DEMO_CLINICIAN,
        confirmed_at=local_time(timeline.botox, 11 * 60, user.zone),
    )


def add_event_day_notes(check_ins, timeline):
    by_date = {check_in.date: check_in for check_in in check_ins}
    for attribute, note in NOTES_ON_EVENT_DAYS.items():
        by_date[getattr(timeline, attribute)].note = note
    for day in sorted(timeline.uti_days):
        if day - timedelta(days=1) not in timeline.uti_days and day in by_date:
            by_date[day].note = "UTI again: cloudy urine and feeling rough. Started antibiotics."


def catalogue_ids(model, user):
    """Slug -> id for the built-in items and the person's own."""
    items = model.objects.available_to(user).values_list("slug", "id")
    return dict(items)


def save_timed(model, planned, user, link_field, use_field):
    """Insert the entries, then their trigger links and intervention uses, in bulk."""
    model.objects.bulk_create([plan.entry for plan in planned], batch_size=BATCH_SIZE)
    trigger_ids = catalogue_ids(Trigger, user)
    intervention_ids = catalogue_ids(Intervention, user)
    Link = model.triggers.through
    links = [
        Link(**{f"{link_field}_id": plan.entry.pk, "trigger_id": trigger_ids[slug]})
        for plan in planned
        for slug in plan.trigger_slugs
    ]
    Link.objects.bulk_create(links, batch_size=BATCH_SIZE)
    uses = [
        InterventionUse(
            **{use_field: plan.entry},
            intervention_id=intervention_ids[slug],
            dose=DOSES.get(slug, ""),
            effect=effect,
        )
        for plan in planned
        for slug, effect in plan.uses
    ]
    InterventionUse.objects.bulk_create(uses, batch_size=BATCH_SIZE)


def backdate(user, check_ins, events, now, weeks=()):
    """Make each entry look logged when it happened, not all at the moment of seeding.

    bulk_create fills created_at and updated_at with the current time (auto_now_add and
    auto_now); QuerySet.update and bulk_update leave such fields to the values given.
    """
    for model in (SpasmEpisode, LegPainEntry, ADEpisode, MedicineDose):
        model.objects.for_user(user).update(
            created_at=F("occurred_at"), updated_at=F("occurred_at")
        )
    for check_in in check_ins:
        evening = local_time(check_in.date, 21 * 60 + 30, user.zone)
        check_in.created_at = check_in.updated_at = min(evening, now)
    for event in events:
        evening = local_time(event.date, 19 * 60, user.zone)
        event.created_at = event.updated_at = min(evening, now)
    CheckIn.objects.bulk_update(check_ins, ["created_at", "updated_at"], batch_size=BATCH_SIZE)
    TreatmentEvent.objects.bulk_update(events, ["created_at", "updated_at"])
    for week in weeks:
        evening = local_time(week.date, 20 * 60, user.zone)
        week.created_at = week.updated_at = min(evening, now)
    SpasticityWeek.objects.bulk_update(weeks, ["created_at", "updated_at"])
