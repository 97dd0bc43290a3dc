"""The footer's language menu (templates/includes/language_menu.html)."""

from django import template

from sci_tracker.core.languages import language_names

register = template.Library()


@register.simple_tag
def offered_languages() -> list[tuple[str, str]]:
    """(code, the language's own name) for each language the app speaks."""
    return language_names()
