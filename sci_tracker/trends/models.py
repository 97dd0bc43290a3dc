from django.conf import settings
from django.db import models

from sci_tracker.trends.fields import PickledField


class ClosedMonth(models.Model):
    """One whole month of a person's closed past (diary.closed_past), as each table of such
    months keeps it: whose, which month, and the past version, zone and layout it was written
    for. Written by the first read that needs it; a change that may alter a closed day moves the
    person's past version on, and a row of another version is never read again (the rule is
    kept in trends.month_days)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="%(class)s_rows"
    )
    month = models.DateField()  # its first day
    past_version = models.PositiveBigIntegerField()
    time_zone = models.CharField(max_length=64)
    layout = models.PositiveSmallIntegerField()  # the table's LAYOUT when written

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["owner", "month"], name="%(app_label)s_%(class)s_once"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class MonthFigures(ClosedMonth):
    """A closed month folded into its figures, for charts of ranges over a year
    (trends.months, whose LAYOUT it has): read as one row where its days were thirty."""

    figures = PickledField()


class MonthDays(ClosedMonth):
    """A closed month as its day series (trends.aggregates.Daily) and its spasms by hour, for
    ranges that read years of days (trends.month_days, whose LAYOUT it has): one row where the
    per-day tables hold hundreds."""

    series = PickledField()
    # Its spasms in each local hour, 0 to 23 (aggregates.spasms_by_hour reads them alone).
    hours = PickledField(default=list)


class MonthTried(ClosedMonth):
    """A closed month as the times each thing was tried on its entries, with each effect
    (trends.aggregates.intervention_stats; aggregates.TRIED_LAYOUT): one row where the uses of
    its entries are hundreds."""

    tried = PickledField()  # {(intervention id, effect): times}


class MonthTriggers(ClosedMonth):
    """The sums the triggers page compares, running from a day through a closed month's end
    (trends.triggers, whose LAYOUT it has): each trigger's times and days, and the values on its
    days and on the days after; two rows give the figures of the months between them, where ten
    years of days were read to compare."""

    sums = PickledField()  # (the first day's number, the running sums)
