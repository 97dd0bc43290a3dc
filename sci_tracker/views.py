from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from sci_tracker.trends.views import home_summary


def home(request):
    summary = home_summary(request.user) if request.user.is_authenticated else None
    return render(request, "home.html", {"summary": summary})


@never_cache
def healthz(request):
    """For a load balancer or monitor: 200 when the app can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
