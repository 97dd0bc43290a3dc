"""Short dates for tables and chart labels ("5 Dec 2025", "5 Dec", "Dec 2025") in the reader's
language, at strftime's cost.

Django's date filter looks its month names and format up for every date, and a long range
writes hundreds of these; the pattern and the twelve month names are looked up here once per
language. strftime's %b is not an option: it follows the process's C locale, not the reader's.
"""

from datetime import date
from functools import cache

from django.utils import translation
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


@cache
def _patterns(language: str) -> tuple[str, str, str, dict[int, str]]:
    with translation.override(language):
        return (
            # Translators: a short date, as in "5 Dec 2025"; reorder the parts as your
            # language writes them.
            _("%(day)s %(month)s %(year)s"),
            # Translators: a short date without its year, as in "5 Dec".
            pgettext("short date without year", "%(day)s %(month)s"),
            # Translators: a month and its year, as in "Dec 2025" (a chart's axis).
            pgettext("month and year", "%(month)s %(year)s"),
            {number: str(name).title() for number, name in MONTHS_3.items()},
        )


def _language() -> str:
    return translation.get_language() or "en"


def short_date(day: date, year: bool = True, two_digit_year: bool = False) -> str:
    """ "5 Dec 2025" (or "5 Dec 25", or "5 Dec" without the year)."""
    with_year, without_year, _month_year, months = _patterns(_language())
    parts = {"day": day.day, "month": months[day.month]}
    if not year:
        return without_year % parts
    shown_year = f"{day.year % 100:02d}" if two_digit_year else day.year
    return with_year % {**parts, "year": shown_year}


def short_month(day: date, year: bool = False) -> str:
    """ "Dec", or "Dec 2025"."""
    _with_year, _without_year, month_year, months = _patterns(_language())
    if not year:
        return months[day.month]
    return month_year % {"month": months[day.month], "year": day.year}
