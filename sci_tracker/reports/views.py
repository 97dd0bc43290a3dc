"""The report's pages. `report_page` and `report_pdf` take the person whose report it is and the
links the page may show; `report` and `report_download` are the URLs' views, for your own diary,
a patient's or a share link's (see sharing.access)."""

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sci_tracker.reports import charts, pdf
from sci_tracker.reports.forms import REPORT_RANGES, ReportRangeForm
from sci_tracker.reports.report import NOTE_CHARS, build_report
from sci_tracker.sharing.access import person_view, scope_kwargs
from sci_tracker.trends.aggregates import MIN_DAYS
from sci_tracker.trends.window import EVERY_DAY, Window

logger = logging.getLogger(__name__)
NO_STORE = "private, no-store"


@dataclass(frozen=True)
class ReportLinks:
    """Where the report's own links go: the page itself (its date form sends here), its PDF,
    and the person's trends pages (None where the reader may not open them)."""

    page: str
    pdf: str
    trends: str | None = None


def chosen_period(request, person, window=EVERY_DAY):
    """The form and the days it shows, inside `window` (trends.window): the days the reader may
    see, such as a share link's. The trends pages place their days the same way."""
    form = ReportRangeForm(request.GET or None, owner=person)
    return form, window.place(form.period())


def report_context(person, period, links, window=EVERY_DAY, *, clinic=False):
    """`clinic`: whether the reader may see review notes and visit measures (build_report)."""
    report = build_report(person, period, window=window, clinic=clinic)
    query = urlencode({"from": period.start, "to": period.end})
    return {
        "title": _("Report for %(name)s") % {"name": report.person.name},
        "report": report,
        "charts": charts.report_charts(report),
        "min_days": MIN_DAYS,
        "note_chars": NOTE_CHARS,
        "pdf_url": f"{links.pdf}?{query}",
        "trends_url": f"{links.trends}?range=custom&{query}" if links.trends else None,
    }


def report_page(request, person, *, links, window=EVERY_DAY):
    """The report as a page that prints on two A4 or Letter pages. `window`: the only days the
    reader may see, e.g. a share link's."""
    form, period = chosen_period(request, person, window)
    context = {
        **report_context(person, period, links, window, clinic=sees_clinic_records(request)),
        "form": form,
        "ranges": REPORT_RANGES,
        "chosen": form.chosen,
        "page_url": links.page,
        "shown_days": (window.first, window.last) if window.limited else None,
    }
    response = render(request, "reports/report.html", context)
    response["Cache-Control"] = NO_STORE
    return response


def report_pdf(request, person, *, links, window=EVERY_DAY):
    """The same report as a PDF file, or a page saying to print from the browser when the
    server cannot make PDFs. `window` as for report_page."""
    form, period = chosen_period(request, person, window)
    if form.errors:
        # The page says what is wrong with the dates; a file cannot.
        return redirect(f"{links.page}?{request.GET.urlencode()}")
    context = report_context(person, period, links, window, clinic=sees_clinic_records(request))
    html = render_to_string("reports/report_pdf.html", context, request=request)
    try:
        body = pdf.render_pdf(html)
    except pdf.PdfUnavailable as problem:
        logger.warning("Report PDF unavailable: %s", problem)
        response = render(
            request,
            "reports/pdf_unavailable.html",
            {
                "title": _("PDF not available"),
                "page_url": f"{links.page}?{request.GET.urlencode()}",
            },
            status=503,
        )
        response["Cache-Control"] = NO_STORE
        return response
    filename = f"sci-tracker-report-{period.start.isoformat()}-to-{period.end.isoformat()}.pdf"
    return HttpResponse(
        body,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": NO_STORE,
        },
    )


def sees_clinic_records(request) -> bool:
    access = getattr(request, "access", None)  # set by person_view
    return access is not None and access.sees_clinic_records


def links_for(request):
    """The report's links for the diary it shows: your own, a patient's or a share link's."""
    scope = scope_kwargs(request)
    return ReportLinks(
        page=reverse("reports:report", kwargs=scope),
        pdf=reverse("reports:pdf", kwargs=scope),
        trends=reverse("trends:overview", kwargs=scope),
    )


@person_view("read", page=gettext_noop("Report"))
def report(request, person):
    return report_page(request, person, links=links_for(request), window=Window.of(request.access))


@person_view("read", page=gettext_noop("Report PDF"))
def report_download(request, person):
    return report_pdf(request, person, links=links_for(request), window=Window.of(request.access))
