from django.utils import timezone


def user_time_zone(get_response):
    """Show and group every date in the signed-in person's own time zone."""

    def middleware(request):
        if request.user.is_authenticated:
            timezone.activate(request.user.zone)
        else:
            timezone.deactivate()
        return get_response(request)

    return middleware
