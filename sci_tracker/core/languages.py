"""The languages the app speaks (settings.LANGUAGES), each named in its own language.

A menu of languages names each one as its readers know it ("English", "Español"), whatever
language the page is in, so a person who cannot read the current page still finds their own.
"""

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language_info


def local_name(code: str) -> str:
    """The language's own name for itself: "English" for en-gb, "Español" for es."""
    # Django's name for en-gb is "British English"; the menu offers English, not a variety.
    return capfirst(get_language_info(code.split("-")[0])["name_local"])


def language_names() -> list[tuple[str, str]]:
    """(code, own name) for every language of settings.LANGUAGES, in their order."""
    return [(code, local_name(code)) for code, _name in settings.LANGUAGES]


def is_offered(code: str) -> bool:
    """Whether `code` is one of settings.LANGUAGES exactly (a saved choice must be)."""
    return any(code == offered for offered, _name in settings.LANGUAGES)


def language_for(user) -> str:
    """The language to write to someone in where no request says it (the reminder worker's
    notifications and e-mails): their profile's choice, else the site's LANGUAGE_CODE."""
    chosen = getattr(user, "language", "")
    return chosen if is_offered(chosen) else settings.LANGUAGE_CODE


# The languages in which the clinical scales (Penn Spasm Frequency Scale, the 0-10 ratings,
# Modified Ashworth) are shown in a validated translation. None yet: in every language but
# English their wording is the app's own, and the pages that ask or show them say so.
VALIDATED_SCALE_LANGUAGES: frozenset[str] = frozenset({"en"})


def scales_in_own_translation(code: str | None) -> bool:
    """Whether the clinical scales' wording in language `code` is the app's own translation."""
    return (code or settings.LANGUAGE_CODE).split("-")[0] not in VALIDATED_SCALE_LANGUAGES
