"""Same as last time: what the person's last spasm (or bout of pain) was set off by and what
they tried for it, offered on a new entry of that kind so one tap fills them in."""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone

from sci_tracker.diary.models import (
    ENTRY_MODELS,
    Intervention,
    InterventionUse,
    LegPainEntry,
    SpasmEpisode,
    Trigger,
)

USUAL_COUNT = 6
USUAL_SPAN = timedelta(days=365)  # what "usual" looks back over


@dataclass
class LastTime:
    trigger_ids: list[int] = field(default_factory=list)
    trigger_names: list[str] = field(default_factory=list)
    # What was tried, as the formset's rows take it: intervention id, dose, effect.
    tried: list[dict] = field(default_factory=list)
    tried_names: list[str] = field(default_factory=list)

    @property
    def trigger_values(self) -> str:
        return " ".join(str(pk) for pk in self.trigger_ids)

    @property
    def tried_json(self) -> str:
        return json.dumps(self.tried)


def last_time(person, kind: str) -> LastTime | None:
    """The triggers and what was tried of the person's latest entry of this kind (spasm or
    pain) outside the bin; None when there is none, or it named neither. What the person hid
    or archived since is left out: a new entry is offered only what the lists offer."""
    if kind not in ("spasm", "pain"):
        return None
    model = ENTRY_MODELS[kind]
    entry = (
        model.objects.for_user(person)
        .active()
        .order_by("-occurred_at", "-pk")
        .prefetch_related("triggers", "uses__intervention")
        .first()
    )
    if entry is None:
        return None
    found = LastTime()
    triggers = list(entry.triggers.all())
    uses = list(entry.uses.all())
    offered_triggers = set(
        Trigger.objects.offered_to(person)
        .filter(pk__in=[trigger.pk for trigger in triggers])
        .values_list("pk", flat=True)
    )
    offered_tried = set(
        Intervention.objects.offered_to(person)
        .filter(pk__in=[use.intervention_id for use in uses])
        .values_list("pk", flat=True)
    )
    for trigger in sorted(triggers, key=lambda t: t.name):
        if trigger.pk not in offered_triggers:
            continue
        found.trigger_ids.append(trigger.pk)
        found.trigger_names.append(trigger.label)
    for use in sorted(uses, key=lambda u: u.pk):
        if use.intervention_id not in offered_tried:
            continue
        found.tried.append(
            {"intervention": use.intervention_id, "dose": use.dose, "effect": use.effect}
        )
        found.tried_names.append(use.intervention.label)
    if not found.trigger_ids and not found.tried:
        return None
    return found


def usual_interventions(person, count: int = USUAL_COUNT) -> list:
    """The things this person tried most in the last year (then most recently), for chips above
    the rows of what was tried, leaving out what they hid or archived and entries in the bin;
    none until they have logged some.

    Counted from the person's own recent entries (by their owner-and-time index), so the cost
    follows their own diary: counted from the catalogue instead, a built-in's uses by every
    person on the server were read and then filtered."""
    since = timezone.now() - USUAL_SPAN
    spasms, pains = (
        model.objects.for_user(person).active().filter(occurred_at__gte=since)
        for model in (SpasmEpisode, LegPainEntry)
    )
    rows = (
        InterventionUse.objects.on(spasms, pains)
        .values("intervention")
        .annotate(times=Count("pk"), last=Max("pk"))
        .values_list("intervention", "times", "last")
        .order_by()
    )
    times = {intervention: (used, latest) for intervention, used, latest in rows}
    if not times:
        return []
    offered = Intervention.objects.offered_to(person).filter(pk__in=list(times))
    ranked = sorted(offered, key=lambda item: (-times[item.pk][0], -times[item.pk][1], item.name))
    return ranked[:count]
