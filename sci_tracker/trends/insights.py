"""What stands out on the Triggers page, in plain words.

A pure function of the comparisons the page already has (trends.triggers.trigger_stats): no query of
its own. Differences in pain points and in spasms a day are put on one footing as an effect
size (the difference over the pooled standard deviation of the days), and the largest come
first. The words say what went together in the diary, never what caused what.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from sci_tracker.trends.aggregates import Comparison, TriggerStats
from sci_tracker.trends.summaries import one_decimal

# An effect size from about 0.5 is a "medium" difference (Cohen); below it, days vary that much
# anyway. A spread under FLOOR (nearly identical days) would make a tiny difference look huge.
LARGE_ENOUGH = 0.5
FLOOR = 0.5
# Differences too small to matter to a person, whatever the effect size: a point of pain on
# 0-10, half a spasm a day.
SMALLEST = {"pain": 1.0, "spasms": 0.5}
AT_MOST = 5


@dataclass(frozen=True)
class Standout:
    trigger: TriggerStats
    measure: str  # "pain" or "spasms"
    next_day: bool
    comparison: Comparison

    @property
    def effect(self) -> float:
        return self.comparison.difference / max(self.comparison.spread or 0, FLOOR)

    @property
    def sentence(self) -> str:
        found = self.comparison
        numbers = {
            "name": self.trigger.name,
            "by": one_decimal(abs(found.difference)),
            "with": one_decimal(found.with_mean),
            "without": one_decimal(found.without_mean),
        }
        up = found.difference > 0
        # Means a day are decimals ("1.0 more spasms"), so the plural reads right throughout.
        words = {
            ("spasms", False, True): _(
                "Days you logged “%(name)s” went with %(by)s more spasms: %(with)s a day, "
                "against %(without)s on days without it."
            ),
            ("spasms", False, False): _(
                "Days you logged “%(name)s” went with %(by)s fewer spasms: %(with)s a day, "
                "against %(without)s on days without it."
            ),
            ("spasms", True, True): _(
                "The day after you logged “%(name)s” went with %(by)s more spasms: %(with)s a "
                "day, against %(without)s after other days."
            ),
            ("spasms", True, False): _(
                "The day after you logged “%(name)s” went with %(by)s fewer spasms: %(with)s a "
                "day, against %(without)s after other days."
            ),
            ("pain", False, True): _(
                "Days you logged “%(name)s” went with leg pain %(by)s points higher: %(with)s "
                "out of 10, against %(without)s on days without it."
            ),
            ("pain", False, False): _(
                "Days you logged “%(name)s” went with leg pain %(by)s points lower: %(with)s "
                "out of 10, against %(without)s on days without it."
            ),
            ("pain", True, True): _(
                "The day after you logged “%(name)s” went with leg pain %(by)s points higher: "
                "%(with)s out of 10, against %(without)s after other days."
            ),
            ("pain", True, False): _(
                "The day after you logged “%(name)s” went with leg pain %(by)s points lower: "
                "%(with)s out of 10, against %(without)s after other days."
            ),
        }
        return words[(self.measure, self.next_day, up)] % numbers


@dataclass(frozen=True)
class Insights:
    compared: bool  # at least one comparison had enough days on each side
    standouts: list[Standout]


def standouts(triggers: list[TriggerStats]) -> Insights:
    """The comparisons that stand out, largest effect first, from the page's own figures."""
    candidates = []
    compared = False
    for trigger in triggers:
        for measure, next_day, comparison in (
            ("pain", False, trigger.pain_same_day),
            ("spasms", False, trigger.spasms_same_day),
            ("pain", True, trigger.pain_next_day),
            ("spasms", True, trigger.spasms_next_day),
        ):
            if comparison is None or not comparison.shown:
                continue
            compared = True
            if abs(comparison.difference) < SMALLEST[measure]:
                continue
            found = Standout(trigger, measure, next_day, comparison)
            if abs(found.effect) >= LARGE_ENOUGH:
                candidates.append(found)
    candidates.sort(key=lambda found: (-abs(found.effect), found.trigger.name, found.next_day))
    return Insights(compared, candidates[:AT_MOST])
