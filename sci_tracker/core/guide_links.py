"""Links into the guides, for any app that names a guide section: a catalogue item's, a warning's.
Here, not in the guides app, which reads the other apps' figures itself."""

from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString


def section_url(section: str) -> str:
    """The app URL of a guide section written "page#anchor"."""
    slug, _, anchor = section.partition("#")
    url = reverse("guides:page", args=[slug])
    return f"{url}#{anchor}" if anchor else url


def item_link(name, guide: str) -> SafeString:
    """A diary item's name, linked to the guide section that explains it when it has one."""
    if not guide:
        return conditional_escape(name)
    return format_html('<a href="{}">{}</a>', section_url(guide), name)
