"""The diary's history and bin: every kind of entry, newest first, filtered and paged."""

import heapq
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.db.models import Prefetch

from sci_tracker.diary.models import (
    ENTRY_MODELS,
    CheckIn,
    InterventionUse,
    LegPainEntry,
    SpasmEpisode,
    TreatmentEvent,
)

PAGE_SIZE = 25
KIND_CHOICES = [
    ("spasm", "Spasms"),
    ("pain", "Leg pain"),
    ("checkin", "Check-ins"),
    ("event", "Treatment events"),
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
    entries = model.objects.for_user(owner).select_related("logged_by", "owner")
    if model is LegPainEntry:
        entries = entries.select_related("problem")
    if model in (SpasmEpisode, LegPainEntry):
        uses = Prefetch("uses", queryset=InterventionUse.objects.select_related("intervention"))
        entries = entries.prefetch_related("triggers", uses)
    return entries


def _timed(model, owner, wanted, zone):
    entries = with_details(model, owner).active()
    if wanted.start:
        entries = entries.filter(occurred_at__gte=datetime.combine(wanted.start, time(), zone))
    if wanted.end:
        next_day = wanted.end + timedelta(days=1)
        entries = entries.filter(occurred_at__lt=datetime.combine(next_day, time(), zone))
    if wanted.trigger:
        entries = entries.filter(triggers__slug=wanted.trigger)
    if wanted.intervention:
        entries = entries.filter(uses__intervention__slug=wanted.intervention)
    return entries.distinct().order_by("-occurred_at", "-pk")


def _dated(model, owner, wanted):
    entries = with_details(model, owner).active()
    if wanted.start:
        entries = entries.filter(date__gte=wanted.start)
    if wanted.end:
        entries = entries.filter(date__lte=wanted.end)
    return entries.order_by("-date", "-pk")


def entry_sources(owner, wanted):
    """One newest-first queryset per kind that the filter lets through."""
    kinds = [wanted.kind] if wanted.kind else [kind for kind, _ in KIND_CHOICES]
    if wanted.by_catalogue:
        kinds = [kind for kind in kinds if kind in ("spasm", "pain")]
    zone = owner.zone
    sources = {
        "spasm": lambda: _timed(SpasmEpisode, owner, wanted, zone),
        "pain": lambda: _timed(LegPainEntry, owner, wanted, zone),
        "checkin": lambda: _dated(CheckIn, owner, wanted),
        "event": lambda: _dated(TreatmentEvent, owner, wanted),
    }
    return [sources[kind]() for kind in kinds]


def history_page(owner, wanted, page=1):
    """(entries on this page, whether a next page exists), newest first across kinds.

    Each kind comes from the database already sorted; merging the streams reads only as far as
    the page needs.
    """
    streams = [queryset.iterator(chunk_size=200) for queryset in entry_sources(owner, wanted)]
    merged = heapq.merge(*streams, key=lambda entry: entry.moment, reverse=True)
    start = (page - 1) * PAGE_SIZE
    rows = list(islice(merged, start, start + PAGE_SIZE + 1))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def binned_entries(owner):
    """Everything in the person's bin, most recently deleted first."""
    entries = [
        entry for model in ENTRY_MODELS.values() for entry in with_details(model, owner).in_bin()
    ]
    return sorted(entries, key=lambda entry: entry.deleted_at, reverse=True)


def empty_the_bin(owner):
    """Delete everything in the person's bin for good; returns how many entries went."""
    return sum(
        model.objects.for_user(owner).in_bin().delete()[1].get(model._meta.label, 0)
        for model in ENTRY_MODELS.values()
    )
