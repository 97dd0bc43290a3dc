from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sci_tracker.trends.views import home_summary


@require_safe
def home(request):
    summary = home_summary(request.user) if request.user.is_authenticated else None
    return render(request, "home.html", {"summary": summary})


@require_safe
@never_cache
def healthz(request):
    """For a load balancer or monitor: 200 when the app can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
