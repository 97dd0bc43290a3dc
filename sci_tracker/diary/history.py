"""The diary's history: every kind of entry, newest first, filtered and paged."""

import heapq
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.db.models import Prefetch

from sci_tracker.diary.models import (
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


def _timed(model, owner, wanted, zone):
    entries = model.objects.for_user(owner).active().select_related("logged_by", "owner")
    if model is LegPainEntry:
        entries = entries.select_related("problem")
    if wanted.start:
        entries = entries.filter(occurred_at__gte=datetime.combine(wanted.start, time(), zone))
    if wanted.end:
        next_day = wanted.end + timedelta(days=1)
        entries = entries.filter(occurred_at__lt=datetime.combine(next_day, time(), zone))
    if wanted.trigger:
        entries = entries.filter(triggers__slug=wanted.trigger)
    if wanted.intervention:
        entries = entries.filter(uses__intervention__slug=wanted.intervention)
    uses = Prefetch("uses", queryset=InterventionUse.objects.select_related("intervention"))
    return entries.distinct().prefetch_related("triggers", uses).order_by("-occurred_at", "-pk")


def _dated(model, owner, wanted):
    entries = model.objects.for_user(owner).active().select_related("logged_by", "owner")
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
