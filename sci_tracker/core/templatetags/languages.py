"""The footer's language menu (templates/includes/language_menu.html), and the note beside the
clinical scales where their wording is the app's own translation."""

from django import template
from django.utils.translation import get_language

from sci_tracker.core.languages import language_names, scales_in_own_translation

register = template.Library()


@register.simple_tag
def offered_languages() -> list[tuple[str, str]]:
    """(code, the language's own name) for each language the app speaks."""
    return language_names()


@register.inclusion_tag("includes/scale_wording.html")
def scale_wording_note() -> dict:
    """A note, where the clinical scales' wording is the app's own translation, saying so."""
    return {"shown": scales_in_own_translation(get_language())}
