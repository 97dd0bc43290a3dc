"""Autonomic dysreflexia episodes in a period, with their readings marked against the usual
blood pressure: one list, read by the trends page, its JSON and the clinician's report.

Two queries, however many episodes: the episodes, then their readings. Whether a reading is
raised is User.blood_pressure_raised's to say (the one home of that rule); this module only
carries the answer.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from sci_tracker.core import plain_sql
from sci_tracker.diary.models import (
    ADAction,
    ADCause,
    ADEpisode,
    ADOutcome,
    BloodPressureReading,
    labels,
)
from sci_tracker.trends.aggregates import Period


@dataclass(frozen=True)
class Reading:
    taken_at: datetime  # the person's local time, naive: shown as it is whoever reads it
    systolic: int
    diastolic: int
    pulse: int | None
    raised: bool | None  # None: no usual pressure set, so nothing to compare with


@dataclass(frozen=True)
class Episode:
    pk: int
    started: datetime  # local, naive
    outcome: str
    outcome_label: str
    causes: list  # slugs
    cause_labels: list
    action_labels: list
    readings: list  # Reading, oldest first

    @property
    def raised_count(self) -> int:
        return sum(bool(reading.raised) for reading in self.readings)

    @property
    def highest(self) -> Reading | None:
        """The reading with the highest upper number."""
        return max(self.readings, key=lambda reading: reading.systolic, default=None)


def local(moment: datetime, zone) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _episodes(owner: int, since: datetime, until: datetime) -> QuerySet:
    """The episodes (out of the bin) that started between two moments, oldest first."""
    return (
        ADEpisode.objects.for_user(owner)
        .active()
        .filter(occurred_at__gte=since, occurred_at__lt=until)
        .order_by("occurred_at", "pk")
    )


def _episode_rows(owner: int, since: datetime, until: datetime) -> QuerySet:
    episodes = _episodes(owner, since, until)
    return episodes.values_list("pk", "occurred_at", "outcome", "causes", "actions")


def _readings(owner: int, since: datetime, until: datetime) -> QuerySet:
    return (
        BloodPressureReading.objects.filter(episode__in=_episodes(owner, since, until).values("pk"))
        .order_by(*BloodPressureReading._meta.ordering)
        .values_list("episode_id", "taken_at", "systolic", "diastolic", "pulse")
    )


def _latest_rows(most: int, owner: int, since: datetime, until: datetime) -> QuerySet:
    """The last `most` of _episode_rows, latest first."""
    return _episode_rows(owner, since, until).order_by("-occurred_at", "-pk")[:most]


def _started(owner: int, since: datetime, until: datetime) -> QuerySet:
    return _episodes(owner, since, until).values_list("pk")


def episodes_in(owner, period: Period) -> list[Episode]:
    """The person's episodes (out of the bin) that started in the period, oldest first. Read as
    values, the readings by one more query: model instances for ten years' episodes and their
    readings cost more than the rest of the section."""
    since, until = period.bounds(owner.zone)
    # Compiled once a process (core.plain_sql.rows_for): most periods hold no episode, and
    # building the query cost more than the database's answer.
    rows = plain_sql.rows_for(_episode_rows, owner=owner.pk, since=since, until=until)
    return _built(owner, rows, until) if rows else []


def latest_in(owner, period: Period, most: int) -> tuple[list[Episode], int]:
    """The last `most` episodes of the period, oldest first, and how many earlier ones were
    left out: what a page that lists a few reads, however many years the period holds."""
    since, until = period.bounds(owner.zone)
    every = plain_sql.rows_for(_started, owner=owner.pk, since=since, until=until)
    if not every:
        return [], 0
    rows = plain_sql.rows_for(_latest_rows, most, owner=owner.pk, since=since, until=until)
    rows.reverse()
    return _built(owner, rows, until), len(every) - len(rows)


def _built(owner, rows: list[tuple], until: datetime) -> list[Episode]:
    """The Episodes of these _episode_rows (oldest first), with their readings: those of the
    episodes started from the first row's moment on (one query)."""
    readings = {}
    for episode_id, *values in plain_sql.rows_for(
        _readings, owner=owner.pk, since=rows[0][1], until=until
    ):
        readings.setdefault(episode_id, []).append(values)
    zone = owner.zone
    # Each list of choices with its labels in the reader's language, once, not once an episode.
    outcomes, causes, actions = (
        {value: str(label) for value, label in choices.choices}
        for choices in (ADOutcome, ADCause, ADAction)
    )
    return [
        Episode(
            pk=pk,
            started=local(started, zone),
            outcome=outcome,
            outcome_label=outcomes.get(outcome, outcome),
            causes=list(slugs),
            cause_labels=labels(causes, slugs),
            action_labels=labels(actions, done),
            readings=[
                Reading(
                    local(taken_at, zone),
                    systolic,
                    diastolic,
                    pulse,
                    owner.blood_pressure_raised(systolic),
                )
                for taken_at, systolic, diastolic, pulse in readings.get(pk, ())
            ],
        )
        for pk, started, outcome, slugs, done in rows
    ]


def shown_for(owner, episodes: list[Episode]) -> bool:
    """Whether a page shows the AD section: the person is at risk, or has episodes in the period
    (logged before a change of injury level)."""
    return owner.ad_risk or bool(episodes)


def usual_pressure(owner) -> dict | None:
    if owner.usual_systolic is None:
        return None
    return {"systolic": owner.usual_systolic, "diastolic": owner.usual_diastolic}


def as_json(owner, episodes: list[Episode]) -> dict:
    """The trends JSON's "ad_episodes" part (documented in docs/formats.md)."""
    return {
        "usual_blood_pressure": usual_pressure(owner),
        "raised_by": owner.RAISED_BY,
        "episodes": [
            {
                "started": episode.started.isoformat(),
                "outcome": episode.outcome,
                "causes": episode.causes,
                "readings": [
                    {
                        "taken_at": reading.taken_at.isoformat(),
                        "systolic": reading.systolic,
                        "diastolic": reading.diastolic,
                        "pulse": reading.pulse,
                        "raised": reading.raised,
                    }
                    for reading in episode.readings
                ],
            }
            for episode in episodes
        ],
    }
