from django.conf import settings
from django.db import models

from sci_tracker.trends.fields import PickledField


class MonthFigures(models.Model):
    """One whole month of a person's closed past (diary.closed_past) folded into its figures,
    for charts of ranges over a year (trends.months): read as one row where its days were
    thirty. Written by the first read that needs it; a change that may alter a closed day moves
    the person's past version on, and a row of another version is never read again."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="month_figures"
    )
    month = models.DateField()  # its first day
    past_version = models.PositiveBigIntegerField()
    time_zone = models.CharField(max_length=64)
    layout = models.PositiveSmallIntegerField()  # trends.months.LAYOUT when written
    figures = PickledField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "month"], name="trends_monthfigures_once"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class MonthDays(models.Model):
    """One whole month of a person's closed past (diary.closed_past) as its day series
    (trends.aggregates.Daily), its spasms by hour and its triggers' days, for ranges that read
    years of days (trends.month_days): one row where the per-day tables hold hundreds. Written
    by the first read that needs it; a change that may alter a closed day moves the person's
    past version on, and a row of another version is never read again."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="month_days"
    )
    month = models.DateField()  # its first day
    past_version = models.PositiveBigIntegerField()
    time_zone = models.CharField(max_length=64)
    layout = models.PositiveSmallIntegerField()  # trends.month_days.LAYOUT when written
    series = PickledField()
    # Its spasms in each local hour, 0 to 23 (aggregates.spasms_by_hour reads them alone).
    hours = PickledField(default=list)
    # The days each trigger was named on (aggregates._month_marks), written by the triggers
    # page's reader: None until then.
    marks = PickledField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "month"], name="trends_monthdays_once"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class MonthTried(models.Model):
    """One whole month of a person's closed past (diary.closed_past) as the times each thing
    was tried on its entries, with each effect (trends.aggregates.intervention_stats): one row
    where the uses of its entries are hundreds. Written by the first read that needs it; a
    change that may alter a closed day moves the person's past version on, and a row of another
    version is never read again."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="month_tried"
    )
    month = models.DateField()  # its first day
    past_version = models.PositiveBigIntegerField()
    time_zone = models.CharField(max_length=64)
    layout = models.PositiveSmallIntegerField()  # trends.aggregates.TRIED_LAYOUT when written
    tried = PickledField()  # {(intervention id, effect): times}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "month"], name="trends_monthtried_once"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"
