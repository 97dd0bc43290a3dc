from django import template
from django.utils.safestring import SafeString

from sci_tracker.core import guide_links
from sci_tracker.core.guide_links import section_url

register = template.Library()


@register.filter
def guide_url(section):
    """The URL of a guide section written "page#anchor", as catalogue items store it."""
    return section_url(section)


@register.simple_tag
def item_link(name, guide) -> SafeString:
    """A diary item named in a list, linked to the guide section that explains it when it has
    one. A tag, not an included template: the history names every entry's triggers and things
    tried, each an include that cost more than the rest of its line."""
    return guide_links.item_link(name, guide)
