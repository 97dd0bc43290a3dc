"""The report's pages. `report_page` and `report_pdf` take the person whose report it is and the
links the page may show; `report` and `report_download` are the URLs' views, for your own diary,
a patient's or a share link's (see sharing.access)."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from sci_tracker.reports import charts, pdf
from sci_tracker.reports.forms import REPORT_RANGES, ReportRangeForm
from sci_tracker.reports.report import NOTE_CHARS, build_report
from sci_tracker.sharing.access import person_view, scope_kwargs
from sci_tracker.trends.aggregates import MIN_DAYS, Period

logger = logging.getLogger(__name__)
NO_STORE = "private, no-store"


@dataclass(frozen=True)
class ReportLinks:
    """Where the report's own links go: the page itself (its date form sends here), its PDF,
    and the person's trends pages (None where the reader may not open them)."""

    page: str
    pdf: str
    trends: str | None = None


def chosen_period(request, person, shown_days=(None, None)):
    """The form and the days it asks for, kept inside `shown_days` (first, last; either None
    for no limit): the days a share link may show. A range wholly outside them becomes the
    same number of days at the end of what may be shown."""
    form = ReportRangeForm(request.GET or None, owner=person)
    period = form.period()
    first, last = shown_days
    start = max(period.start, first) if first else period.start
    end = min(period.end, last) if last else period.end
    if start > end:
        days = timedelta(days=period.length - 1)
        if last and period.start > last:  # all after the last day shown: end there
            end = last
            start = max(first, last - days) if first else last - days
        else:  # all before the first day shown: start there
            start = first
            end = min(last, first + days) if last else first + days
    return form, Period(start, end)


def report_context(person, period, links, shown_days=(None, None)):
    report = build_report(person, period, earliest=shown_days[0])
    query = urlencode({"from": period.start, "to": period.end})
    return {
        "title": f"Report for {report.person.name}",
        "report": report,
        "charts": charts.report_charts(report),
        "min_days": MIN_DAYS,
        "note_chars": NOTE_CHARS,
        "pdf_url": f"{links.pdf}?{query}",
        "trends_url": f"{links.trends}?range=custom&{query}" if links.trends else None,
    }


def report_page(request, person, *, links, shown_days=(None, None)):
    """The report as a page that prints on two A4 or Letter pages. `shown_days` (first, last):
    the only days the reader may see, e.g. a share link's; None for no limit."""
    form, period = chosen_period(request, person, shown_days)
    context = {
        **report_context(person, period, links, shown_days),
        "form": form,
        "ranges": REPORT_RANGES,
        "chosen": form.chosen,
        "page_url": links.page,
        "shown_days": shown_days if any(shown_days) else None,
    }
    response = render(request, "reports/report.html", context)
    response["Cache-Control"] = NO_STORE
    return response


def report_pdf(request, person, *, links, shown_days=(None, None)):
    """The same report as a PDF file, or a page saying to print from the browser when the
    server cannot make PDFs. `shown_days` as for report_page."""
    form, period = chosen_period(request, person, shown_days)
    if form.errors:
        # The page says what is wrong with the dates; a file cannot.
        return redirect(f"{links.page}?{request.GET.urlencode()}")
    context = report_context(person, period, links, shown_days)
    html = render_to_string("reports/report_pdf.html", context, request=request)
    try:
        body = pdf.render_pdf(html)
    except pdf.PdfUnavailable as problem:
        logger.warning("Report PDF unavailable: %s", problem)
        response = render(
            request,
            "reports/pdf_unavailable.html",
            {"title": "PDF not available", "page_url": f"{links.page}?{request.GET.urlencode()}"},
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


def links_for(request):
    """The report's links for the diary it shows: your own, a patient's or a share link's."""
    scope = scope_kwargs(request)
    return ReportLinks(
        page=reverse("reports:report", kwargs=scope),
        pdf=reverse("reports:pdf", kwargs=scope),
        trends=reverse("trends:overview", kwargs=scope),
    )


@person_view("read", page="Report")
def report(request, person):
    return report_page(
        request, person, links=links_for(request), shown_days=request.access.shown_days
    )


@person_view("read", page="Report PDF")
def report_download(request, person):
    return report_pdf(
        request, person, links=links_for(request), shown_days=request.access.shown_days
    )
