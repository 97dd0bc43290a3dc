from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sci_tracker.guides import diary_boxes, pages
from sci_tracker.guides.pages import ENGLISH, RED_FLAGS


@require_safe
def index(request):
    return render(
        request,
        "guides/index.html",
        {"title": _("Guides"), "pages": pages.all_pages().values(), "red_flags": RED_FLAGS},
    )


@require_safe
def page(request, slug):
    # ?lang=en opens the English page whatever the reader's language: a translation links to it.
    found = pages.get_page(slug, ENGLISH if request.GET.get("lang") == ENGLISH else None)
    if found is None:
        raise Http404("No such guide")
    # Each piece of HTML is followed by the box its marker named (None after the last piece).
    boxes = [diary_boxes.fill(name, request.user) for name in found.diary_boxes] + [None]
    pieces = list(zip(found.parts[::2], boxes, strict=True))
    return render(
        request,
        "guides/page.html",
        {
            "title": found.title,
            # An untranslated guide shown in English says so to a screen reader.
            "title_language": found.language,
            "page": found,
            "pieces": pieces,
        },
    )


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    hits = pages.search(query)
    title = _("Search: %(words)s") % {"words": query} if query else _("Search the guides")
    return render(request, "guides/search.html", {"title": title, "query": query, "hits": hits})
