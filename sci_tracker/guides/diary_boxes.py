"""The "In your diary" boxes: a signed-in reader's own figures beside the section they belong to.

A page marks a box with `<!-- in-your-diary: name -->`. Each name here has a function that
gathers the person's figures and a template, `guides/boxes/<name>.html`, that shows them. A box
always renders, with an empty state that says what to log when there is nothing yet.
"""

from collections import Counter
from datetime import timedelta

from sci_tracker.diary.models import SpasmEpisode, SpasmImpact
from sci_tracker.trends import aggregates
from sci_tracker.trends.aggregates import Period

RECENT_DAYS = 30
TOP_TRIGGERS = 5
HELPFUL = [SpasmImpact.HELPED_STANDING, SpasmImpact.HELPED_TRANSFER]
IN_THE_WAY = [SpasmImpact.FALL, SpasmImpact.FAILED_TRANSFER, SpasmImpact.WOKE_ME]


def recent(person):
    """The last RECENT_DAYS days, today included, in the person's zone."""
    today = person.local_today()
    return Period(today - timedelta(days=RECENT_DAYS - 1), today)


def common_triggers(person):
    counts = aggregates.trigger_counts(person, recent(person))
    return {"counts": counts[:TOP_TRIGGERS], "more": len(counts) > TOP_TRIGGERS}


def skin_triggers(person):
    counts = [
        counted
        for counted in aggregates.trigger_counts(person, recent(person))
        if counted.category == "skin"
    ]
    return {"counts": counts, "total": sum(counted.times for counted in counts)}


def last_botox(person):
    found = aggregates.last_injection(person, person.local_today())
    return {"found": found, "min_days": aggregates.MIN_DAYS}


def helpful_spasms(person):
    since, until = recent(person).bounds(person.zone)
    impacts = Counter()
    # A JSON list cannot be searched inside on SQLite, so the month's lists are counted here.
    for logged in (
        SpasmEpisode.objects.for_user(person)
        .active()
        .filter(occurred_at__gte=since, occurred_at__lt=until)
        .values_list("impacts", flat=True)
    ):
        impacts.update(logged)
    return {
        "helped": [(impact.label, impacts[impact]) for impact in HELPFUL],
        "in_the_way": [(impact.label, impacts[impact]) for impact in IN_THE_WAY],
        "any": any(impacts[impact] for impact in HELPFUL + IN_THE_WAY),
    }


def what_helped(person):
    return {"tried": aggregates.intervention_stats(person, recent(person))[:TOP_TRIGGERS]}


def days_logged(person):
    by_day = aggregates.daily(person, recent(person))
    return {
        "days": sum(spasms is not None for spasms in by_day.spasms),
        "check_ins": sum(answer is not None for answer in by_day.psfs_frequency),
    }


def safety_card(person):
    """Only for a person with an AD risk: no one else has a card (sci_tracker.safety)."""
    if not person.ad_risk:
        return None
    return {"has_pressure": person.usual_systolic is not None}


BOXES = {
    "common-triggers": common_triggers,
    "skin-triggers": skin_triggers,
    "last-botox": last_botox,
    "helpful-spasms": helpful_spasms,
    "what-helped": what_helped,
    "days-logged": days_logged,
    "safety-card": safety_card,
}


def fill(name, person):
    """The template and figures for one box, or None for a reader who is not signed in or a
    box that does not apply to them."""
    if not person.is_authenticated:
        return None
    figures = BOXES[name](person)
    if figures is None:
        return None
    return {"template": f"guides/boxes/{name}.html", "name": name, **figures}
