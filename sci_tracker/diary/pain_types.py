"""Each pain problem's kind of pain, two ways kept apart: the person's own guess (the most
recent one logged with the problem, a patient-reported answer) and the type a clinician
confirmed. The pain problems page, the clinician's page, the history and the report all show
the two side by side from here."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, Max, OuterRef, Subquery

from sci_tracker.diary.catalogue import PAIN_TYPE_GUIDES
from sci_tracker.diary.models import LegPainEntry, PainProblem, pain_type_label


@dataclass(frozen=True)
class ProblemPainType:
    problem: PainProblem
    guess: str  # a PainType value, or "" when nothing was logged with the problem (in the span)
    guessed_at: datetime | None
    # The 0-10 leg pain logged with the problem in the span: how many entries, their mean and
    # their highest (None with no entry).
    entries: int = 0
    mean: float | None = None
    worst: int | None = None

    @property
    def guess_label(self) -> str:
        return pain_type_label(self.guess)

    @property
    def guess_guide(self) -> str:
        return PAIN_TYPE_GUIDES.get(self.guess, "")

    @property
    def differs(self) -> bool:
        """A confirmed type other than the person's guess (a guess of "not sure" included)."""
        return bool(self.problem.confirmed_type) and self.guess != self.problem.confirmed_type


def problem_pain_types(
    owner, since: datetime | None = None, until: datetime | None = None
) -> list[ProblemPainType]:
    """The person's pain problems in slot order, each with its latest guess logged from `since`
    until before `until` (either None: not limited), the pain logged with it in that span, and
    its confirmed type. One query."""
    entries = LegPainEntry.objects.filter(problem=OuterRef("pk"), deleted_at__isnull=True)
    if since is not None:
        entries = entries.filter(occurred_at__gte=since)
    if until is not None:
        entries = entries.filter(occurred_at__lt=until)
    latest = entries.order_by("-occurred_at", "-pk")
    # One row per problem: the span's entries summed up in the database.
    summed = (
        entries.order_by()
        .values("problem")
        .annotate(n=Count("pk"), m=Avg("intensity"), w=Max("intensity"))
    )
    problems = PainProblem.objects.filter(owner=owner).annotate(
        latest_guess=Subquery(latest.values("pain_type")[:1]),
        latest_guess_at=Subquery(latest.values("occurred_at")[:1]),
        pain_entries=Subquery(summed.values("n")[:1]),
        pain_mean=Subquery(summed.values("m")[:1]),
        pain_worst=Subquery(summed.values("w")[:1]),
    )
    return [
        ProblemPainType(
            problem,
            problem.latest_guess or "",
            problem.latest_guess_at,
            problem.pain_entries or 0,
            None if problem.pain_mean is None else float(problem.pain_mean),
            problem.pain_worst,
        )
        for problem in problems.order_by("slot")
    ]
