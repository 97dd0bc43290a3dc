"""An AD episode's blood-pressure readings as a list (the trends page lists ten years of
episodes: a template included once an episode took more than the rest of their section)."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def bp_readings(readings, owner) -> SafeString:
    """Each reading's time, pressure and pulse, marked "Raised" in words (not by colour alone)
    when it is 20 mmHg or more above the person's usual pressure (User.blood_pressure_raised:
    `reading.raised`); `owner` is whose usual pressure it is."""
    readings = list(readings)
    if not readings:
        words = escape(gettext("No blood-pressure readings."))
        return mark_safe(f'<span class="text-body-secondary">{words}</span>')  # noqa: S308
    raised = ""
    if any(reading.raised for reading in readings):
        above = gettext("20 or more above the usual %(usual)s") % {"usual": owner.usual_systolic}
        raised = (
            f' <strong class="bp-raised">{escape(gettext("Raised"))}</strong>'
            f'<span class="visually-hidden">: {escape(above)}</span>'
        )
    items = []
    for reading in readings:
        # As the template's time filter shows it: an aware moment in the page's zone.
        taken = template_localtime(reading.taken_at).strftime("%H:%M")
        pulse = (
            ", " + escape(gettext("pulse %(pulse)s") % {"pulse": reading.pulse})
            if reading.pulse
            else ""
        )
        items.append(
            f"<li>{taken}: {int(reading.systolic)}/{int(reading.diastolic)} mmHg{pulse}"
            f"{raised if reading.raised else ''}</li>"
        )
    return mark_safe(f'<ul class="bp-readings">{"".join(items)}</ul>')  # noqa: S308 (escaped)
