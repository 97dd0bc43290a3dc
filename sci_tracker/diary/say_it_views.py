"""The Log page's "Say it" box: a sentence in plain words, read back as the entry it describes.

"Read it" shows what was understood and what was not. The entry is saved by the ordinary new
entry page (diary.views.new_entry): "Save it" sends it the reading as its form data, so every
rule and message is that page's; "Change it first" opens the same page filled in (?said=1).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from sci_tracker.diary.forms import SayItForm
from sci_tracker.diary.say_it import Reading, read
from sci_tracker.diary.views import in_persons_zone, log_home
from sci_tracker.sharing.access import person_view, scope_kwargs


def form_pairs(reading: Reading) -> list[tuple[str, str]]:
    """The reading's form data as (name, value) pairs, one per value of a list."""
    pairs = []
    for name, value in reading.data.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, one))
    return pairs


@require_http_methods(["GET", "HEAD", "POST"])
@person_view("log", page=gettext_noop("Say it"))
@in_persons_zone
def say_it(request, person):
    reading = None
    sent = request.POST if request.method == "POST" else None
    form = SayItForm(sent, owner=person, writer=request.user)
    if form.is_bound and form.is_valid():
        reading = read(form.cleaned_data["text"], person, timezone.now())
    context = {
        "title": _("Say it")
        if request.access.is_own
        else _("Say it for %(name)s") % {"name": person.name},
        "form": form,
        "reading": reading,
        "back": log_home(request),
    }
    if reading is not None and reading.kind:
        new_entry = reverse("diary:new", kwargs={"kind": reading.kind, **scope_kwargs(request)})
        pairs = form_pairs(reading)
        context["save_url"] = new_entry
        context["save_fields"] = pairs
        context["fix_url"] = f"{new_entry}?{urlencode([('said', '1'), *pairs])}"
    # A text that could not be read (none, or too long) comes back with its error, in the box.
    return render(request, "diary/say_it.html", context)
