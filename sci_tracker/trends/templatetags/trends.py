from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def figure(value):
    """A number for a table cell: whole numbers as they are, others to one decimal, and a dash
    for a day with nothing recorded."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


@register.filter
def heat(value):
    """The heat-map class for a day's worst pain (0-10), or none recorded."""
    return "heat-none" if value is None else f"heat-{value}"


@register.filter
def hours_minutes(value):
    """A timedelta as hours and minutes, such as "4 h 05 min"."""
    minutes = round(value.total_seconds() / 60)
    return gettext("%(hours)d h %(minutes)02d min") % {
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }
