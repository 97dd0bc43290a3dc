"""The report for a clinician's visit: one period against the one before it, on two pages.

`build_report(person, period)` takes every figure from the trends' aggregates: one `daily()` over
both periods (cut in two with `Daily.window`), `trigger_stats`, `intervention_stats` and
`treatment_events`. It adds the two lists no aggregate gives: the red-flag symptoms logged and the
notes the person flagged for their clinician. Each other section is computed where its rule
lives: pain per problem (diary.pain_types), the medicine list beside adherence
(trends.adherence.medicine_lines), the last injection's before and after
(trends.aggregates.last_injection) and the clinic's records (sharing.people.clinic_records, only
for a reader who may see them). It returns plain data; the page, the PDF and the charts all read
the same Report.

What fits on two pages is decided here: long lists keep their most recent (or most logged) items
and the report says how many it left out; the check-in's spasticity rating and night wakings are
folded into at most 31 columns (`check_in_strip`).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from math import ceil

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from sci_tracker.accounts.models import NOT_SURE, Completeness
from sci_tracker.core.dates import short_date
from sci_tracker.diary.models import (
    ADEpisode,
    CheckIn,
    LegPainEntry,
    RedFlag,
    SpasmEpisode,
    SpasmImpact,
    TreatmentEvent,
)
from sci_tracker.diary.pain_types import problem_pain_types
from sci_tracker.diary.red_flags import may_mean
from sci_tracker.sharing.people import ClinicRecords, clinic_records
from sci_tracker.trends import (
    ad_episodes,
    adherence,
    aggregates,
    by_the_hour,
    care_weeks,
    sciset_weeks,
)
from sci_tracker.trends.aggregates import (
    NIGHT_SPASMS_PER_DAY,
    Period,
    mean,
    median,
    woken_share,
)
from sci_tracker.trends.summaries import NIGHT
from sci_tracker.trends.triggers import trigger_stats
from sci_tracker.trends.window import EVERY_DAY, Window

MAX_DAYS = 366  # a report is for one visit; a longer look belongs on the trends pages
MAX_TRIGGERS = 3
MAX_INTERVENTIONS = 3
MAX_EVENT_KEYS = 6
MAX_RED_FLAGS = 4
MAX_NOTES = 2  # with 3 the dense report runs to a third page
MAX_AD_EPISODES = 2  # one line each; with more the dense report runs to a third page
NOTE_CHARS = 160
MAX_MEDICINES = 6  # with nine, the dense 90-day report still keeps to two pages
MAX_CARE_WEEKS = 3  # the latest weeks; the trends page has them all
MAX_REVIEW_NOTES = 2
MAX_ASHWORTH_ROWS = 4  # muscle groups and sides; the visits are ashworth_table's last four
NOT_GIVEN = pgettext_lazy("injury level or AIS grade", "not given")


def highest(values):
    """The highest recorded value, and how many values were recorded."""
    recorded = [value for value in values if value is not None]
    return (max(recorded) if recorded else None), len(recorded)


# The smallest change people notice as meaningful on a 0-10 pain rating (IMMPACT): about 2
# points or 30%. None is published for the other measures, so nothing is said of their size.
PAIN_IMPORTANT_POINTS = 2
PAIN_IMPORTANT_SHARE = 0.3


def pain_change_important(before: float | None, after: float | None) -> bool | None:
    """Whether a change in a 0-10 pain rating reaches the smallest one that matters (None: one
    side has no figure)."""
    if before is None or after is None:
        return None
    change = after - before
    share = abs(change) / before if before else 0
    return abs(change) >= PAIN_IMPORTANT_POINTS or share >= PAIN_IMPORTANT_SHARE


@dataclass
class Headline:
    """One measure this period against the period before, with the days behind each figure."""

    label: str
    scale: str
    this: float | None
    this_days: int
    previous: float | None
    previous_days: int
    counted: str  # what the days are: "days" with a record, or "check-ins"
    pain: bool = False  # a 0-10 pain rating, whose smallest important change is published

    @property
    def important(self) -> bool | None:
        """Whether the change reaches the smallest one that matters (None: none is published,
        or one side has no figure)."""
        if not self.pain:
            return None
        return pain_change_important(self.previous, self.this)

    @property
    def this_count(self):
        return self._count(self.this_days)

    @property
    def previous_count(self):
        return self._count(self.previous_days)

    def _count(self, days):
        if self.counted == "days":
            return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
        return ngettext("%(count)d check-in", "%(count)d check-ins", days) % {"count": days}

    @property
    def change(self):
        if self.this is None or self.previous is None:
            return None
        return self.this - self.previous


# (label, scale, Daily series, how it is summed up, what the days behind it are). The Penn
# scale is ordinal: its median, never a mean.
HEADLINES = [
    (gettext_lazy("Average leg pain"), "0-10", "pain_average", mean, "days"),
    (
        gettext_lazy("Worst leg pain, mean of each day's worst"),
        "0-10",
        "pain_worst",
        mean,
        "days",
    ),
    (gettext_lazy("Highest leg pain"), "0-10", "pain_worst", highest, "days"),
    (gettext_lazy("Spasms logged per day"), "", "spasms", mean, "days"),
    (NIGHT_SPASMS_PER_DAY, NIGHT, "night_spasms", mean, "days"),
    # Translators: the Penn Spasm Frequency Scale, a published clinical scale: keep its name.
    (gettext_lazy("Penn spasm frequency, median"), "0-4", "psfs_frequency", median, "check-ins"),
    (
        # Translators: the Penn Spasm Frequency Scale, a published clinical scale.
        gettext_lazy("Penn spasm severity, median"),
        gettext_lazy("1-3, days with spasms"),
        "psfs_severity",
        median,
        "check-ins",
    ),
    (gettext_lazy("Spasticity rating"), "0-10", "spasticity", mean, "check-ins"),
    (
        gettext_lazy("Got in the way of daily activities"),
        "0-10",
        "interference_activities",
        mean,
        "check-ins",
    ),
    (gettext_lazy("Affected mood"), "0-10", "interference_mood", mean, "check-ins"),
    (gettext_lazy("Affected sleep"), "0-10", "interference_sleep", mean, "check-ins"),
    (gettext_lazy("Night wakings per night"), "", "night_wakings", mean, "check-ins"),
    (
        gettext_lazy("Nights woken by spasms or pain"),
        # xgettext:no-python-format
        gettext_lazy("% of nights"),
        "night_wakings",
        woken_share,
        "check-ins",
    ),
]


def headlines(this_period, previous_period):
    rows = []
    for label, scale, name, summed_up, counted in HEADLINES:
        this, this_days = summed_up(getattr(this_period, name))
        before, before_days = summed_up(getattr(previous_period, name))
        pain = name.startswith("pain_")
        rows.append(Headline(label, scale, this, this_days, before, before_days, counted, pain))
    return rows


def days_recorded(by_day):
    """Days with a check-in, a spasm or leg pain: `spasms` is 0, not None, on each of them."""
    return sum(value is not None for value in by_day.spasms)


def check_ins(by_day):
    return sum(value is not None for value in by_day.psfs_frequency)


# The check-in's spasticity rating and night wakings, day by day -----------------------------

STRIP_COLUMNS = 31  # what fits across the printed page


@dataclass
class StripColumn:
    """A day, or a run of days for a long period, with the mean of each measure."""

    first: date
    last: date
    label: str
    spasticity: float | None
    night_wakings: float | None


def check_in_strip(by_day) -> tuple[int, list[StripColumn]]:
    """The spasticity rating and night wakings as at most STRIP_COLUMNS columns: day by day, or
    as means of 7 (or more) days for a long period. Returns the days per column, and them."""
    length = len(by_day.days)
    size = next(n for n in (1, 7, 14, 28) if ceil(length / n) <= STRIP_COLUMNS)

    def figure(values, start):
        # A day's answer as it was given (a whole number); a run of days' mean.
        return values[start] if size == 1 else mean(values[start : start + size])[0]

    columns = []
    for start in range(0, length, size):
        days = by_day.days[start : start + size]
        first, end = days[0], days[-1]
        with_month = size > 1 or start == 0 or first.day == 1
        columns.append(
            StripColumn(
                first,
                end,
                short_date(first, year=False) if with_month else str(first.day),
                figure(by_day.spasticity, start),
                figure(by_day.night_wakings, start),
            )
        )
    return size, columns


# Red flags and flagged notes: lists no aggregate gives ------------------------------------


@dataclass
class RedFlagRow:
    when: datetime  # the person's local time, naive: shown as it is whoever reads it
    symptom: str
    kind: str
    may_mean: str = ""  # diary.red_flags.may_mean: "possible autonomic dysreflexia", or ""


def red_flags(person, period):
    """Every red-flag symptom ticked on a spasm or leg pain in the period, oldest first."""
    since, until = period.bounds(person.zone)
    rows = []
    for model in (SpasmEpisode, LegPainEntry):
        entries = (
            model.objects.for_user(person)
            .active()
            .filter(occurred_at__gte=since, occurred_at__lt=until)
            .exclude(red_flags=[])
            .values_list("occurred_at", "red_flags")
        )
        for moment, flags in entries:
            local = moment.astimezone(person.zone).replace(tzinfo=None)
            symptoms = dict(RedFlag.choices)
            rows.extend(
                RedFlagRow(local, symptoms[flag], model.kind_label, may_mean(flag, person))
                for flag in flags
                if flag in symptoms
            )
    rows.sort(key=lambda row: row.when)
    return rows


@dataclass(frozen=True)
class Impacts:
    """What the period's spasms did, as logged: how many got in the way and how many helped."""

    falls: int = 0
    failed_transfers: int = 0
    woke: int = 0
    helped: int = 0  # helped the person stand or make a transfer

    @property
    def any(self) -> bool:
        return bool(self.falls or self.failed_transfers or self.woke or self.helped)


def spasm_impacts(person, period) -> Impacts:
    """One query: the impacts of the period's spasms (only those that have any)."""
    since, until = period.bounds(person.zone)
    counts = Counter(
        impact
        for impacts in SpasmEpisode.objects.for_user(person)
        .active()
        .filter(occurred_at__gte=since, occurred_at__lt=until)
        .exclude(impacts=[])
        .values_list("impacts", flat=True)
        for impact in impacts
    )
    return Impacts(
        falls=counts[SpasmImpact.FALL],
        failed_transfers=counts[SpasmImpact.FAILED_TRANSFER],
        woke=counts[SpasmImpact.WOKE_ME],
        helped=counts[SpasmImpact.HELPED_STANDING] + counts[SpasmImpact.HELPED_TRANSFER],
    )


@dataclass
class Note:
    day: date
    when: datetime | None  # the local time (naive) of a spasm or leg pain; None for a whole day
    kind: str
    text: str

    @property
    def excerpt(self):
        return Truncator(self.text).chars(NOTE_CHARS)

    @property
    def cut(self):
        return self.excerpt != self.text

    @property
    def sort_key(self):
        # Where each kind sorts in its day, as its `moment` does: an event at the start, a
        # check-in (about the whole day) at the end.
        if self.when is not None:
            return (self.day, self.when.time())
        return (self.day, time(0) if self.kind.startswith("Treatment") else time(23, 59))


def flagged_notes(person, period):
    """The notes flagged for the clinician on entries in the period (not in the bin), oldest
    first."""
    since, until = period.bounds(person.zone)
    notes = []
    for model in (SpasmEpisode, LegPainEntry, ADEpisode):
        rows = (
            model.objects.for_user(person)
            .active()
            .filter(note_for_clinician=True, occurred_at__gte=since, occurred_at__lt=until)
            .exclude(note="")
            .values_list("occurred_at", "note")
        )
        for moment, text in rows:
            local = moment.astimezone(person.zone).replace(tzinfo=None)
            notes.append(Note(local.date(), local, model.kind_label, text))
    for model in (CheckIn, TreatmentEvent):
        rows = (
            model.objects.for_user(person)
            .active()
            .filter(note_for_clinician=True, date__gte=period.start, date__lte=period.end)
            .exclude(note="")
        )
        for entry in rows.only(
            "date", "note", *(["event_kind"] if model is TreatmentEvent else [])
        ):
            kind = model.kind_label
            if model is TreatmentEvent:
                kind = f"{kind}: {entry.get_event_kind_display()}"
            notes.append(Note(entry.date, None, kind, entry.note))
    notes.sort(key=lambda note: note.sort_key)
    return notes


def last(items, limit):
    """The last `limit` items, and how many came before them."""
    kept = items[-limit:] if limit else []
    return kept, len(items) - len(kept)


# The last botulinum toxin injection -------------------------------------------------------


@dataclass(frozen=True)
class InjectionMeasure:
    label: str
    comparison: aggregates.Comparison  # "with" = after, "without" = before
    important: bool | None  # pain only: whether the change reaches the smallest that matters


@dataclass(frozen=True)
class Injection:
    found: aggregates.BeforeAfter
    measures: list[InjectionMeasure]


PAIN_MEASURES = {label for label, name in aggregates.BEFORE_AFTER_MEASURES if "pain" in name}


def last_injection(person, period: Period, window: Window) -> Injection | None:
    """The last botulinum toxin injection by the period's end with the trends' before and after
    (aggregates.last_injection); each pain change judged as the headlines' are."""
    found = aggregates.last_injection(person, person.local_today(), until=period.end, window=window)
    if found is None:
        return None
    measures = [
        InjectionMeasure(
            label,
            comparison,
            pain_change_important(comparison.without_mean, comparison.with_mean)
            if label in PAIN_MEASURES and comparison.shown
            else None,
        )
        for label, comparison in found.measures
    ]
    return Injection(found, measures)


# The report ----------------------------------------------------------------------------------


@dataclass
class Person:
    name: str
    injury_level: str
    ais_grade: str
    time_zone: str


def person_facts(person):
    level = person.injury_level
    grade = person.completeness
    return Person(
        name=person.name,
        injury_level=NOT_GIVEN if level == NOT_SURE else level,
        ais_grade=NOT_GIVEN if grade == NOT_SURE else Completeness(grade).label,
        time_zone=person.time_zone,
    )


@dataclass
class Report:
    person: Person
    period: Period
    previous: Period
    made_on: date
    by_day: aggregates.Daily  # this period, day by day: what the charts draw
    headlines: list
    days_recorded: int
    previous_days_recorded: int
    check_ins: int
    previous_check_ins: int
    events: list  # TreatmentEvent, oldest first; every one is marked on the charts
    triggers: list  # TriggerStats, the most logged first
    triggers_left_out: int
    interventions: list  # InterventionStats, the most tried first
    interventions_left_out: int
    red_flags: list  # RedFlagRow, the most recent MAX_RED_FLAGS, oldest first
    red_flags_left_out: int
    red_flag_counts: list  # (symptom, times) over the whole period
    notes: list  # Note, the most recent MAX_NOTES, oldest first
    notes_left_out: int
    # Autonomic dysreflexia (trends.ad_episodes): the most recent MAX_AD_EPISODES, oldest first.
    ad_shown: bool = False  # the person is at risk, or logged an episode in the period
    ad_episodes: list = field(default_factory=list)
    ad_episodes_left_out: int = 0
    usual_pressure: dict | None = None
    # diary.pain_types.ProblemPainType per pain problem: the latest guess in the period beside
    # the clinician-confirmed type.
    pain_types: list = field(default_factory=list)
    strip_days: int = 1  # days per column of `strip`
    strip: list | None = None  # StripColumn: the spasticity rating and night wakings
    # The latest weekly SCI-SET score of the period and its change (trends.sciset_weeks.Latest).
    sciset: object = None
    # What the spasms did, this period and the one before (falls, failed transfers, help).
    impacts: Impacts = field(default_factory=Impacts)
    previous_impacts: Impacts = field(default_factory=Impacts)
    # Sentences on the spasms after bladder, bowel, skin and medicine events, when strong
    # (trends.by_the_hour).
    after_events: list = field(default_factory=list)
    # The bladder, bowel and skin programme by week (trends.care_weeks.CareWeek).
    care_weeks: list = field(default_factory=list)  # the latest MAX_CARE_WEEKS
    care_weeks_left_out: int = 0
    # Each medicine current at the period's end, with its doses of the period (on time, late,
    # missed, as needed), then those with doses that were stopped by then (trends.adherence).
    medicines: list = field(default_factory=list)
    medicines_left_out: int = 0
    injection: Injection | None = None
    # Modified Ashworth ratings and review notes (sharing.people.clinic_records); None for a
    # reader who may not see them (Access.sees_clinic_records).
    clinic: ClinicRecords | None = None

    @property
    def ashworth_rows(self):
        return self.clinic.ashworth["rows"][:MAX_ASHWORTH_ROWS]

    @property
    def ashworth_rows_left_out(self):
        return max(0, len(self.clinic.ashworth["rows"]) - MAX_ASHWORTH_ROWS)

    @property
    def strip_recorded(self):
        """Whether any check-in in the period gave a spasticity rating or night wakings."""
        return any(
            column.spasticity is not None or column.night_wakings is not None
            for column in self.strip or []
        )

    @property
    def event_keys(self):
        """The events the chart key lists by number (1, 2, ...): the first MAX_EVENT_KEYS."""
        return list(enumerate(self.events[:MAX_EVENT_KEYS], start=1))

    @property
    def event_keys_left_out(self):
        return max(0, len(self.events) - MAX_EVENT_KEYS)


def build_report(person, period, *, window: Window = EVERY_DAY, clinic: bool = False):
    """Everything the report shows for `person` over `period`, against the period before.

    `window` (trends.window): the days the reader may see, such as a share link's. `period` lies
    inside it already; days of the previous period outside it are not read and count as empty.
    `clinic`: whether the reader may see the clinic's records (Access.sees_clinic_records)."""
    previous = period.previous()
    both = aggregates.daily(person, Period(previous.start, period.end), window)
    this_days, previous_days = both.window(period), both.window(previous)
    triggers = trigger_stats(person, period, by_day=this_days)
    interventions = aggregates.intervention_stats(person, period)
    flags = red_flags(person, period)
    shown_flags, flags_left_out = last(flags, MAX_RED_FLAGS)
    counts = Counter(row.symptom for row in flags)
    notes, notes_left_out = last(flagged_notes(person, period), MAX_NOTES)
    strip_days, strip = check_in_strip(this_days)
    shown_episodes, episodes_left_out = ad_episodes.latest_in(person, period, MAX_AD_EPISODES)
    previous_inside = window.clip(previous)  # a share link's days only
    weeks, weeks_left_out = last(care_weeks.weeks_in(person, period), MAX_CARE_WEEKS)
    medicines = adherence.medicine_lines(person, period, adherence.adherence(person, period))
    return Report(
        person=person_facts(person),
        period=period,
        previous=previous,
        made_on=person.local_today(),
        by_day=this_days,
        headlines=headlines(this_days, previous_days),
        days_recorded=days_recorded(this_days),
        previous_days_recorded=days_recorded(previous_days),
        check_ins=check_ins(this_days),
        previous_check_ins=check_ins(previous_days),
        events=aggregates.treatment_events(person, period),
        triggers=triggers[:MAX_TRIGGERS],
        triggers_left_out=max(0, len(triggers) - MAX_TRIGGERS),
        interventions=interventions[:MAX_INTERVENTIONS],
        interventions_left_out=max(0, len(interventions) - MAX_INTERVENTIONS),
        red_flags=shown_flags,
        red_flags_left_out=flags_left_out,
        red_flag_counts=[(label, counts[label]) for _, label in RedFlag.choices if counts[label]],
        notes=notes,
        notes_left_out=notes_left_out,
        pain_types=problem_pain_types(person, *period.bounds(person.zone)),
        strip_days=strip_days,
        strip=strip,
        ad_shown=ad_episodes.shown_for(person, shown_episodes),
        ad_episodes=shown_episodes,
        ad_episodes_left_out=episodes_left_out,
        usual_pressure=ad_episodes.usual_pressure(person),
        sciset=sciset_weeks.latest(sciset_weeks.weeks_in(person, period)),
        after_events=by_the_hour.by_the_hour(
            person, period, by_the_hour.recorded_spasms(this_days)
        ).sentences(),
        impacts=spasm_impacts(person, period),
        previous_impacts=spasm_impacts(person, previous_inside) if previous_inside else Impacts(),
        care_weeks=weeks,
        care_weeks_left_out=weeks_left_out,
        medicines=medicines[:MAX_MEDICINES],
        medicines_left_out=max(0, len(medicines) - MAX_MEDICINES),
        injection=last_injection(person, period, window),
        clinic=clinic_records(person, period.end, MAX_REVIEW_NOTES) if clinic else None,
    )
