"""Each person's spasms and leg pain added up by local day, kept up to date as entries change.

The trends, the report, the home page and My patients read these rows (one per day) instead of
grouping every entry on every view, so a first view after logging costs what a cached one does,
however many years the diary holds. They hold nothing of their own: diary.day_figures writes
them from the entries, in the same transaction as the entry, and can rebuild them exactly.
"""

from django.conf import settings
from django.db import models

from sci_tracker.diary.models.entries import PainProblem, Trigger


class SpasmDay(models.Model):
    """The active spasms logged on one local day, and those of them at night."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="spasm_days"
    )
    day = models.DateField()
    episodes = models.PositiveIntegerField()
    night = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "day"], name="diary_spasmday_once"),
        ]

    def __str__(self):
        return f"{self.day}: {self.episodes} spasms"


class SpasmHour(models.Model):
    """The active spasms logged in one local hour (0 to 23) of one local day: "spasms by the
    hour of the day" over years reads these rows, not every spasm's local hour."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="spasm_hours"
    )
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    episodes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "day", "hour"], name="diary_spasmhour_once"),
        ]

    def __str__(self):
        return f"{self.day} {self.hour:02d}:00: {self.episodes} spasms"


class PainDay(models.Model):
    """The active leg-pain entries of one local day and one pain problem (none for entries
    logged without one): their sum, count and highest rating. A problem that is deleted
    leaves its rows, like its entries, with no problem."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pain_days"
    )
    day = models.DateField()
    problem = models.ForeignKey(
        PainProblem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.PositiveIntegerField()
    entries = models.PositiveIntegerField()
    worst = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["owner", "day"], name="diary_painday_owner_day")]

    def __str__(self):
        return f"{self.day}: {self.entries} pain entries"


class TriggerDay(models.Model):
    """How many of the person's active entries of one kind named a trigger on one local day:
    the triggers page over years reads these rows, not every entry's triggers grouped by day.
    A trigger deleted takes its rows with it, as it takes its links to the entries."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="+")
    entries = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.day}: trigger {self.trigger_id} on {self.entries} entries"


class SpasmTriggerDay(TriggerDay):
    """The spasms of a day that named a trigger."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "day", "trigger"], name="diary_spasmtriggerday_once"
            ),
        ]


class PainTriggerDay(TriggerDay):
    """The leg-pain entries of a day that named a trigger."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "day", "trigger"], name="diary_paintriggerday_once"
            ),
        ]
