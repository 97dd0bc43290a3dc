"""Dates in words, in the active language.

Each format is a translatable string, so a translation puts the day, the month and the year in
its own order with its own words between them ("30 de noviembre de 2026"); Django's date filter
gives the month's name in that language. Machine formats (ISO dates in data and inputs) stay
as they are and never come here.
"""

from datetime import date, datetime

from django.utils.formats import date_format
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
