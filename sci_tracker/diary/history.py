"""The diary's history and bin: every kind of entry, newest first, filtered and paged."""

import heapq
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from django.core.validators import slug_re
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from sci_tracker.diary.models import (
    ENTRY_MODELS,
    ADEpisode,
    CareEvent,
    CheckIn,
    InterventionUse,
    LegPainEntry,
    MedicineDose,
    SpasmEpisode,
    SpasticityWeek,
    TreatmentEvent,
)

PAGE_SIZE = 25
KIND_CHOICES = [
    ("spasm", _("Spasms")),
    ("pain", _("Leg pain")),
    ("checkin", _("Check-ins")),
    ("event", _("Treatment events")),
    ("ad", _("Autonomic dysreflexia")),
    ("sciset", _("Weekly spasticity questions")),
    ("care", _("Bladder, bowel and skin")),
    ("dose", _("Medicine doses")),
]


@dataclass
class HistoryFilter:
    kind: str = ""
    start: date | None = None
    end: date | None = None
    trigger: str = ""  # a trigger's slug
    intervention: str = ""  # an intervention's slug

    @property
    def by_catalogue(self):
        return bool(self.trigger or self.intervention)


def with_details(model, owner):
    """The person's entries of one kind, with everything their summaries show loaded up front,
    so a list costs the same few queries however long it is."""
    # The owner is not joined in: every row's is `owner`, given to each by with_owner.
    entries = model.objects.for_user(owner).select_related("logged_by")
    if model is LegPainEntry:
        entries = entries.select_related("problem")
    if model in (SpasmEpisode, LegPainEntry):
        uses = Prefetch("uses", queryset=InterventionUse.objects.select_related("intervention"))
        entries = entries.prefetch_related("triggers", uses)
    if model in (MedicineDose, TreatmentEvent):
        entries = entries.select_related("medicine")
    if model is ADEpisode:
        # Each reading is marked raised against the owner's usual pressure: the owner is loaded.
        entries = entries.prefetch_related("readings")
    return entries


def with_owner(entries, owner):
    """`entries`, each given the owner object at hand (one object, not one read for each, and
    read before a dated entry's moment, which is in the owner's zone, is asked for)."""
    for entry in entries:
        entry.owner = owner
        yield entry


def midnight(day, zone, days_on=0):
    """The moment `day` (plus `days_on`) starts in `zone`, or None beyond the ends of the
    calendar (year 1 in a zone east of UTC, the day after 9999-12-31), where no entry can be:
    the filter then has no bound on that side."""
    try:
        moment = datetime.combine(day + timedelta(days=days_on), time(), zone)
        return moment.astimezone(UTC)
    except OverflowError:
        return None


def _timed(model, owner, wanted, zone):
    entries = with_details(model, owner).active()
    start = midnight(wanted.start, zone) if wanted.start else None
    end = midnight(wanted.end, zone, days_on=1) if wanted.end else None
    if start:
        entries = entries.filter(occurred_at__gte=start)
    if end:
        entries = entries.filter(occurred_at__lt=end)
    for slug, lookup in (
        (wanted.trigger, "triggers__slug"),
        (wanted.intervention, "uses__intervention__slug"),
    ):
        # Every slug is letters, digits, - and _; anything else (a NUL, which PostgreSQL refuses
        # in a query) names nothing.
        if slug:
            entries = (
                entries.filter(**{lookup: slug}) if slug_re.fullmatch(slug) else entries.none()
            )
    return entries.distinct().order_by("-occurred_at", "-pk")


def _dated(model, owner, wanted):
    entries = with_details(model, owner).active()
    if wanted.start:
        entries = entries.filter(date__gte=wanted.start)
    if wanted.end:
        entries = entries.filter(date__lte=wanted.end)
    return entries.order_by("-date", "-pk")


def entry_sources(owner, wanted, within=None):
    """One newest-first queryset per kind that the filter lets through; `within`, when given,
    narrows each (a carer sees only what they logged: sharing.access.Access.fixable)."""
    kinds = [wanted.kind] if wanted.kind else [kind for kind, _ in KIND_CHOICES]
    if wanted.by_catalogue:
        kinds = [kind for kind in kinds if kind in ("spasm", "pain")]
    zone = owner.zone
    sources = {
        "spasm": lambda: _timed(SpasmEpisode, owner, wanted, zone),
        "pain": lambda: _timed(LegPainEntry, owner, wanted, zone),
        "checkin": lambda: _dated(CheckIn, owner, wanted),
        "event": lambda: _dated(TreatmentEvent, owner, wanted),
        "ad": lambda: _timed(ADEpisode, owner, wanted, zone),
        "sciset": lambda: _dated(SpasticityWeek, owner, wanted),
        "care": lambda: _timed(CareEvent, owner, wanted, zone),
        "dose": lambda: _timed(MedicineDose, owner, wanted, zone),
    }
    return [within(sources[kind]()) if within else sources[kind]() for kind in kinds]


def history_page(owner, wanted, page=1, within=None):
    """(entries on this page, whether a next page exists), newest first across kinds;
    `within` as for entry_sources.

    Each kind comes from the database already sorted; merging the streams reads only as far as
    the page needs.
    """
    start = (page - 1) * PAGE_SIZE
    if start > sys.maxsize - PAGE_SIZE - 1:  # a page number typed into the URL, far past the end
        return [], False
    end = start + PAGE_SIZE + 1  # one more than the page shows: is there a next page?
    # No kind can put more than `end` rows on this page, so none is read (or prefetched) further.
    streams = [
        with_owner(queryset[:end].iterator(chunk_size=min(end, 200)), owner)
        for queryset in entry_sources(owner, wanted, within)
    ]
    merged = heapq.merge(*streams, key=lambda entry: entry.moment, reverse=True)
    rows = list(islice(merged, start, end))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def binned_entries(owner):
    """Everything in the person's bin, most recently deleted first."""
    entries = [
        entry for model in ENTRY_MODELS.values() for entry in with_details(model, owner).in_bin()
    ]
    return sorted(with_owner(entries, owner), key=lambda entry: entry.deleted_at, reverse=True)


def empty_the_bin(owner):
    """Delete everything in the person's bin for good; returns how many entries went."""
    return sum(
        model.objects.for_user(owner).in_bin().delete()[1].get(model._meta.label, 0)
        for model in ENTRY_MODELS.values()
    )
