import logging

from django.contrib import messages
from django.db import DatabaseError, IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sci_tracker.exports import fhir, importer, streams
from sci_tracker.exports.backup import backup_filename, backup_pieces
from sci_tracker.exports.csv_files import FILES, FILES_BY_NAME, csv_lines
from sci_tracker.exports.forms import ImportForm
from sci_tracker.sharing.access import person_view

logger = logging.getLogger(__name__)


@require_safe
@person_view("manage")
def index(request, person):
    return render(request, "exports/index.html", {"title": _("Take your data out"), "files": FILES})


@require_safe
@person_view("manage")
def csv_file(request, person, name):
    found = FILES_BY_NAME.get(name)
    if found is None:
        raise Http404("No such file")
    filename = f"sci-tracker-{name}-{person.local_today().isoformat()}.csv"
    return streams.download(csv_lines(found, person), "text/csv; charset=utf-8", filename)


@require_safe
@person_view("manage")
def backup_file(request, person):
    return streams.download(backup_pieces(person), "application/json", backup_filename(person))


@require_safe
@person_view("manage")
def fhir_bundle(request, person):
    """The diary's scores as a FHIR R4B Bundle of Observations (see docs/formats.md): a collection,
    or with ?type=transaction the same resources as PUTs to their stable ids."""
    kind = request.GET.get("type", "collection")
    if kind not in fhir.BUNDLE_TYPES:
        raise Http404("No such kind of bundle")
    middle = "-transaction" if kind == "transaction" else ""
    filename = f"sci-tracker-fhir{middle}-{person.local_today().isoformat()}.json"
    return streams.download(fhir.bundle_chunks(person, kind=kind), fhir.CONTENT_TYPE, filename)


# Parsing a large upload takes seconds; only its one row needs writing (see AtomicWrites).
@transaction.non_atomic_requests
@person_view("manage")
def import_upload(request, person):
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_valid():
        importer.keep_pending(person, form.payload, form.cleaned_data["restore_profile"])
        return redirect("exports:import_preview")
    context = {
        "title": _("Import a diary"),
        "submit_label": _("Upload and preview"),
        "form": form,
        "waiting": importer.waiting_import(person),
    }
    return render(request, "exports/import.html", context)


# Confirming writes in batches of short transactions of its own (importer.run_import), so that
# a large import never holds the write lock for long.
@transaction.non_atomic_requests
@person_view("manage")
def import_preview(request, person):
    """What the waiting upload would add, skip and leave out; confirming (or cancelling) posts
    back here with the upload's id."""
    if request.method == "POST":
        return _confirm_or_cancel(request, person)
    pending = importer.waiting_import(person)
    if pending is None:
        messages.info(request, _("Nothing is waiting to be imported. Choose a file to start."))
        return redirect("exports:import")
    plan = importer.plan_import(person, pending.payload, pending.restore_profile)
    context = {"title": _("Check before importing"), "pending": pending, "plan": plan}
    return render(request, "exports/import_preview.html", context)


def _confirm_or_cancel(request, person):
    pending_id = request.POST.get("pending", "")
    if "confirm" not in request.POST and "cancel" not in request.POST:
        return redirect("exports:import_preview")
    if "cancel" in request.POST:
        importer.cancel_import(person, pending_id)
        messages.info(request, _("Import cancelled. Nothing was added to your diary."))
        return redirect("exports:import")
    try:
        result = importer.confirm_import(person, pending_id)
    except IntegrityError:
        # The diary changed between the preview and now (another tab, a carer): the
        # transaction was rolled back whole, and the upload still waits.
        messages.error(
            request,
            _(
                "Nothing was imported: your diary changed while importing. Check the preview "
                "again and import once more."
            ),
        )
        return redirect("exports:import_preview")
    except DatabaseError:
        # The import writes in transactions of its own, outside the request's (see
        # import_preview), and has taken back what it wrote: say so here, as AtomicWrites does
        # for other saves, with a page that needs no database.
        logger.exception("An import failed and was taken back")
        return render(request, "not_saved.html", status=503)
    if result is None:
        messages.info(request, _("That import is already finished or cancelled."))
        return redirect("diary:history")
    messages.success(request, result.message())
    return redirect("diary:history")
