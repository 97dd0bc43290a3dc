"""What the diary records, one module per subject; everything is importable from here.

- entries: the lists (triggers, interventions), the entries of the diary (spasms, leg pain,
  check-ins, treatment events, AD episodes, SCI-SET weeks) and what hangs on them.
- medicines: the person's medicine list and each dose taken or missed.
- care: the bladder, bowel and skin programme.
- days: spasms and leg pain added up by local day (kept by diary.day_figures as entries change).

Each module imports only those above it, so the package has no cycle; ENTRY_MODELS, the one
list of entry kinds that history, the bin, the edit pages and the exports share, is made here.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from sci_tracker.diary.models.care import *  # noqa: F403
from sci_tracker.diary.models.care import CareEvent
from sci_tracker.diary.models.days import *  # noqa: F403
from sci_tracker.diary.models.entries import *  # noqa: F403
from sci_tracker.diary.models.entries import (
    ADEpisode,
    CheckIn,
    LegPainEntry,
    SpasmEpisode,
    SpasticityWeek,
    TreatmentEvent,
)
from sci_tracker.diary.models.medicines import *  # noqa: F403
from sci_tracker.diary.models.medicines import MedicineDose

ENTRY_MODELS = {
    model.kind: model
    for model in (
        SpasmEpisode,
        LegPainEntry,
        CheckIn,
        TreatmentEvent,
        ADEpisode,
        SpasticityWeek,
        CareEvent,
        MedicineDose,
    )
}


def get_entry_for_user(user, kind, pk):
    """The one owner-scoped lookup for an entry: a stranger's entry is a 404, never shown."""
    model = ENTRY_MODELS.get(kind)
    if model is None:
        raise Http404("No such kind of entry.")
    return get_object_or_404(model.objects.for_user(user), pk=pk)
