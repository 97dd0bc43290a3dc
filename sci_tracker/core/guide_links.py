"""Links into the guides, for any app that names a guide section: a catalogue item's, a warning's.
Here, not in the guides app, which reads the other apps' figures itself."""

from django.urls import reverse


def section_url(section: str) -> str:
    """The app URL of a guide section written "page#anchor"."""
    slug, _, anchor = section.partition("#")
    url = reverse("guides:page", args=[slug])
    return f"{url}#{anchor}" if anchor else url
