from django import template

from sci_tracker.guides.pages import section_url

register = template.Library()


@register.filter
def guide_url(section):
    """The URL of a guide section written "page#anchor", as catalogue items store it."""
    return section_url(section)
