"""Who sent a request: the one place that reads the visitor's address."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The visitor's IP address, for limits and lockouts.

    With no trusted proxy (SCI_TRACKER_TRUSTED_PROXIES=0) it is the address that connected.
    Behind N proxies each one appends the address it heard from to X-Forwarded-For, so the
    visitor is the Nth entry from the right; anything left of it was written by the visitor and
    cannot be believed. A header shorter than that, or not an address, means the proxies are not
    set up as configured, and the connecting address is used instead."""
    connected = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return connected
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if len(hops) < proxies:
        return connected
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return connected
