"""Dates in words, in the active language.

Each format is a translatable string, so a translation puts the day, the month and the year in
its own order with its own words between them ("30 de noviembre de 2026"); Django's date filter
gives the month's name in that language. Machine formats (ISO dates in data and inputs) stay
as they are and never come here.

Short dates for tables and chart labels ("5 Dec 2025", "5 Dec", "Dec 2025") are drawn hundreds at
a time on a long range, so their pattern and the twelve month names are looked up once per
language (Django's date filter looks them up for every date); strftime's %b is no help, as it
follows the process's C locale, not the reader's language.
"""

from collections.abc import Callable
from datetime import date, datetime
from functools import cache

from django.utils import translation
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def long_day(day: date) -> str:
    """30 November 2026."""
    # Translators: a date format (Django's date filter): day, month's name, year.
    # Spanish: j \d\e F \d\e Y
    return date_format(day, pgettext("date format", "j F Y"))


def short_day(day: date) -> str:
    """30 Nov 2026: the language's own DATE_FORMAT."""
    return date_format(day, "DATE_FORMAT")


def day_and_month(day: date) -> str:
    """30 November."""
    # Translators: a date format (Django's date filter): day and month's name.
    # Spanish: j \d\e F
    return date_format(day, pgettext("date format", "j F"))


def long_moment(moment: datetime) -> str:
    """30 November 2026, 14:05 (the moment as given: convert it to the person's zone first)."""
    # Translators: a date format (Django's date filter): day, month's name, year, 24-hour time.
    # Spanish: j \d\e F \d\e Y, H:i
    return date_format(moment, pgettext("date format", "j F Y, H:i"))


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
    return short_dates(year, two_digit_year)(day)


def short_dates(year: bool = True, two_digit_year: bool = False) -> Callable[[date], str]:
    """short_date with the active language looked up once, for a table's hundreds of dates."""
    with_year, without_year, _month_year, months = _patterns(_language())
    if not year:
        return lambda day: without_year % {"day": day.day, "month": months[day.month]}

    def shown(day: date) -> str:
        shown_year = f"{day.year % 100:02d}" if two_digit_year else day.year
        return with_year % {"day": day.day, "month": months[day.month], "year": shown_year}

    return shown


def short_month(day: date, year: bool = False) -> str:
    """ "Dec", or "Dec 2025"."""
    _with_year, _without_year, month_year, months = _patterns(_language())
    if not year:
        return months[day.month]
    return month_year % {"month": months[day.month], "year": day.year}
