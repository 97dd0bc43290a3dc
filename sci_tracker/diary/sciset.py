"""The SCI Spasticity Evaluation Tool (SCI-SET): the one home of its answers' shape, its score
and when the next week is offered. The model, the importer, the exports and the trends call these.

Adams MM, Martin Ginis KA, Hicks AL. The spinal cord injury spasticity evaluation tool:
development and evaluation. Arch Phys Med Rehabil. 2007;88(9):1185-92.
doi:10.1016/j.apmr.2007.06.012

35 items on the effect of spasticity on daily life over the past 7 days, each rated from -3
(extremely problematic) to +3 (extremely helpful), 0 no effect, or not applicable. The score is
the sum of the applicable items divided by their number (SCIRE Project's summary of the tool).
No minimal important change is established, so nothing here judges the size of a change.

The items' published wording is not in this module: it could not be found in a source the
project can cite, and the tool is copyrighted (permission from the authors). Answers are
therefore keyed by item number, "1" to "35", which is how the tool numbers them.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ITEM_COUNT = 35
ITEM_KEYS = tuple(str(number) for number in range(1, ITEM_COUNT + 1))
LOWEST, HIGHEST = -3, 3
VALUES = tuple(range(LOWEST, HIGHEST + 1))
RECALL_DAYS = 7
# A week's questions look back 7 days, so the next set is offered 7 days after the last one's day.
OFFER_EVERY = timedelta(days=RECALL_DAYS)

# The scale's anchors as the tool gives them.
VALUE_WORDS = {
    -3: _("Extremely problematic"),
    -2: _("Moderately problematic"),
    -1: _("Somewhat problematic"),
    0: _("No effect"),
    1: _("Somewhat helpful"),
    2: _("Moderately helpful"),
    3: _("Extremely helpful"),
}
NOT_APPLICABLE_WORDS = _("Not applicable")


def answer_problems(answers: object) -> list[str]:
    """What is wrong with a week's answers (empty when nothing): a JSON object with every item
    number "1".."35" once, each an integer -3..3 or null (not applicable), and nothing else."""
    if not isinstance(answers, dict):
        return [str(_("The answers must be a set of item numbers and ratings."))]
    problems = []
    missing = [key for key in ITEM_KEYS if key not in answers]
    extra = sorted(key for key in answers if key not in ITEM_KEYS)
    if missing:
        problems.append(str(_("Items without an answer: %s.") % ", ".join(missing)))
    if extra:
        problems.append(str(_("Not items of the SCI-SET: %s.") % ", ".join(map(str, extra))))
    wrong = [
        key
        for key in ITEM_KEYS
        if key in answers
        and answers[key] is not None
        # bool is an int in Python, but true is not a rating.
        and (type(answers[key]) is not int or answers[key] not in VALUES)
    ]
    if wrong:
        problems.append(
            str(_("Ratings go from -3 to +3, or not applicable; not so for items %s."))
            % ", ".join(wrong)
        )
    return problems


@deconstructible
class AnswersValidator:
    """The model field's validator (see answer_problems)."""

    def __call__(self, answers):
        problems = answer_problems(answers)
        if problems:
            raise ValidationError(" ".join(problems))

    def __eq__(self, other):
        return isinstance(other, AnswersValidator)


def blank_answers() -> dict[str, None]:
    """Every item not applicable: where a new week starts."""
    return dict.fromkeys(ITEM_KEYS)


def answered(answers: dict) -> list[int]:
    """The ratings of the items that apply, in item order."""
    return [rating for rating in map(answers.get, ITEM_KEYS) if rating is not None]


def score(answers: dict) -> Decimal | None:
    """The SCI-SET score: the mean of the applicable items, -3.00 to +3.00, to two decimal
    places (halves rounded away from zero); None when no item applies."""
    ratings = answered(answers)
    if not ratings:
        return None
    mean = Decimal(sum(ratings)) / Decimal(len(ratings))
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_words(value: Decimal | None) -> str:
    """The score in words: below 0 problematic on the whole, above 0 helpful, 0 no effect."""
    if value is None:
        return str(_("No score: no item applied"))
    shown = f"{value:+.2f}" if value else "0.00"
    if value < 0:
        side = pgettext_lazy("SCI-SET score", "spasticity was problematic on the whole")
    elif value > 0:
        side = pgettext_lazy("SCI-SET score", "spasticity was helpful on the whole")
    else:
        side = pgettext_lazy("SCI-SET score", "no effect on the whole")
    return f"{shown}: {side}"


def next_offered(last_day: date | None) -> date | None:
    """The first day the next week's questions are offered: 7 days after the last week's day;
    None (offered now) when there is no week yet."""
    return None if last_day is None else last_day + OFFER_EVERY


def is_due(last_day: date | None, today: date) -> bool:
    """Whether the weekly questions are offered today."""
    offered = next_offered(last_day)
    return offered is None or offered <= today
