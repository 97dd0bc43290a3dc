from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from sci_tracker.exports.csv_files import FILES, FILES_BY_NAME, csv_lines


@login_required
def index(request):
    return render(request, "exports/index.html", {"title": "Take your data out", "files": FILES})


@login_required
def csv_file(request, name):
    found = FILES_BY_NAME.get(name)
    if found is None:
        raise Http404("No such file")
    filename = f"sci-tracker-{name}-{request.user.local_today().isoformat()}.csv"
    return StreamingHttpResponse(
        csv_lines(found, request.user),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
