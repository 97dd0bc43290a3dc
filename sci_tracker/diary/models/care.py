"""The bladder, bowel and skin programme: what was done and what was found, each at a moment.

These are what most often set off spasm surges below the injury, so the analysis by the hour
(trends) reads them as triggers: a urinary infection logged here is not ticked again on a spasm.
One model for the three areas, since each event is a moment and a kind with at most a few
details; which details a kind may carry is checked by the database.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sci_tracker.core.choice_labels import quick_choice_labels
from sci_tracker.diary import closed_past
from sci_tracker.diary.models.entries import Entry, in_range, only_choices


class CareArea(models.TextChoices):
    BLADDER = "bladder", _("Bladder")
    BOWEL = "bowel", _("Bowel")
    SKIN = "skin", _("Skin")


class CareEventKind(models.TextChoices):
    CATHETER = "catheter", _("Catheterised or emptied the bladder")
    LEAK = "leak", _("Bladder leak")
    UTI_SIGNS = "uti-signs", _("Signs of a urinary infection")
    UTI_TREATED = "uti-treated", _("Urinary infection treated")
    BOWEL_ROUTINE = "bowel-routine", _("Bowel routine done")
    BOWEL_MISSED = "bowel-missed", _("Bowel routine missed")
    BOWEL_ACCIDENT = "bowel-accident", _("Bowel accident")
    CONSTIPATION = "constipation", _("Constipated")
    SKIN_CHECK = "skin-check", _("Skin check done")
    SKIN_PROBLEM = "skin-problem", _("Skin problem found")
    SKIN_HEALED = "skin-healed", _("Skin problem healed")


AREA_OF = {
    CareEventKind.CATHETER: CareArea.BLADDER,
    CareEventKind.LEAK: CareArea.BLADDER,
    CareEventKind.UTI_SIGNS: CareArea.BLADDER,
    CareEventKind.UTI_TREATED: CareArea.BLADDER,
    CareEventKind.BOWEL_ROUTINE: CareArea.BOWEL,
    CareEventKind.BOWEL_MISSED: CareArea.BOWEL,
    CareEventKind.BOWEL_ACCIDENT: CareArea.BOWEL,
    CareEventKind.CONSTIPATION: CareArea.BOWEL,
    CareEventKind.SKIN_CHECK: CareArea.SKIN,
    CareEventKind.SKIN_PROBLEM: CareArea.SKIN,
    CareEventKind.SKIN_HEALED: CareArea.SKIN,
}

# The kinds that may carry each detail.
WITH_VOLUME = [CareEventKind.CATHETER.value, CareEventKind.LEAK.value]
WITH_SITE = [CareEventKind.SKIN_PROBLEM.value, CareEventKind.SKIN_HEALED.value]
MOST_ML = 3000
# The Log page's one-tap buttons: the events of a daily programme, done many times a week.
ONE_TAP = [
    CareEventKind.CATHETER.value,
    CareEventKind.BOWEL_ROUTINE.value,
    CareEventKind.SKIN_CHECK.value,
]


def kinds_of(area: str) -> list[tuple[str, str]]:
    """The (value, label) choices of one area's events, in CareEventKind's order."""
    return [(kind.value, kind.label) for kind in CareEventKind if AREA_OF[kind] == area]


class BowelResult(models.TextChoices):
    GOOD = "good", _("Good result")
    SMALL = "small", _("Small result")
    NONE = "none", _("No result")


class CheckedBy(models.TextChoices):
    SELF = "self", _("Me")
    CARER = "carer", _("A carer")
    NURSE = "nurse", _("A nurse")


class SkinSite(models.TextChoices):
    SACRUM = "sacrum", _("Tailbone (sacrum)")
    BUTTOCK = "buttock", _("Buttock or sitting bone")
    HIP = "hip", _("Hip")
    HEEL = "heel", _("Heel")
    ANKLE = "ankle", _("Ankle")
    FOOT = "foot", _("Foot or toes")
    KNEE = "knee", _("Knee")
    LEG = "leg", _("Leg")
    BACK = "back", _("Back or shoulder blade")
    ELBOW = "elbow", _("Elbow")
    HEAD = "head", _("Back of the head")
    OTHER = "other", _("Somewhere else")


class PressureStage(models.TextChoices):
    """Pressure-injury stages as clinicians grade them; empty when not known."""

    STAGE_1 = "1", _("Stage 1: red skin that does not fade when pressed")
    STAGE_2 = "2", _("Stage 2: a shallow open sore or blister")
    STAGE_3 = "3", _("Stage 3: a deeper sore, through the skin")
    STAGE_4 = "4", _("Stage 4: a deep sore to muscle or bone")
    UNSTAGEABLE = "unstageable", _("Unstageable: the base cannot be seen")
    DEEP_TISSUE = "deep-tissue", _("Deep tissue injury: purple or maroon skin")


@quick_choice_labels
class CareEvent(Entry):
    """One bladder, bowel or skin event at a moment, with the details its kind may carry."""

    occurred_at = models.DateTimeField(_("when"))
    event = models.CharField(_("what happened"), max_length=16, choices=CareEventKind.choices)
    volume_ml = models.PositiveIntegerField(_("volume (ml)"), null=True, blank=True)
    bowel_result = models.CharField(
        _("result"), max_length=8, choices=BowelResult.choices, blank=True
    )
    checked_by = models.CharField(
        _("who checked"), max_length=8, choices=CheckedBy.choices, blank=True
    )
    site = models.CharField(_("where"), max_length=12, choices=SkinSite.choices, blank=True)
    stage = models.CharField(_("stage"), max_length=12, choices=PressureStage.choices, blank=True)
    client_id = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The id the device gave an entry queued offline: sent twice, saved once."),
    )

    kind = "care"
    kind_label = _("Bladder, bowel or skin")

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["owner", "occurred_at"], name="diary_care_owner_time"),
            # The skin problems found and healed before a period (trends.care_weeks): a read of
            # those alone, not of years of catheterisations.
            models.Index(fields=["owner", "event", "occurred_at"], name="diary_care_owner_event"),
        ]
        constraints = [
            only_choices("event", CareEventKind.values, "diary_care_event_valid"),
            only_choices("bowel_result", ["", *BowelResult.values], "diary_care_result_valid"),
            only_choices("checked_by", ["", *CheckedBy.values], "diary_care_checked_by_valid"),
            only_choices("site", ["", *SkinSite.values], "diary_care_site_valid"),
            only_choices("stage", ["", *PressureStage.values], "diary_care_stage_valid"),
            in_range("volume_ml", 1, MOST_ML, "diary_care_volume_range", allow_null=True),
            # Each detail only on the kinds it describes.
            models.CheckConstraint(
                condition=Q(volume_ml__isnull=True) | Q(event__in=WITH_VOLUME),
                name="diary_care_volume_kind",
            ),
            models.CheckConstraint(
                condition=Q(bowel_result="") | Q(event=CareEventKind.BOWEL_ROUTINE.value),
                name="diary_care_result_kind",
            ),
            models.CheckConstraint(
                condition=Q(checked_by="") | Q(event=CareEventKind.SKIN_CHECK.value),
                name="diary_care_checked_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(site="") | Q(event__in=WITH_SITE),
                name="diary_care_site_kind",
            ),
            models.CheckConstraint(
                condition=Q(stage="") | Q(event=CareEventKind.SKIN_PROBLEM.value),
                name="diary_care_stage_kind",
            ),
            models.UniqueConstraint(
                fields=["owner", "client_id"],
                condition=Q(client_id__isnull=False),
                name="diary_care_client_id_unique",
            ),
        ]

    def __str__(self):
        return str(self.get_event_display())

    def may_change_closed_past(self) -> bool:
        """The triggers page keeps the closed past's trigger marks, and some care events count
        as triggers (trends.aggregates.CARE_AS_TRIGGER): a new event judged by its moment, an edit
        always (it may have moved from another day or kind)."""
        moment = self._meta.get_field("occurred_at").to_python(self.occurred_at)
        return not (self._state.adding and closed_past.is_recent(moments=[moment]))

    def clean(self):
        """The one home of the rules on details, in words (the forms, the one-tap buttons and
        the importer all come here; the CHECK constraints hold the same rules in the database)."""
        super().clean()
        errors = {}
        if self.volume_ml is not None:
            if self.event not in WITH_VOLUME:
                errors["volume_ml"] = _(
                    "Only a catheterisation or a leak has a volume: clear it, or choose one of "
                    "those."
                )
            elif not 1 <= self.volume_ml <= MOST_ML:
                errors["volume_ml"] = _("Enter a volume from 1 to %(most)d ml.") % {"most": MOST_ML}
        if self.bowel_result and self.event != CareEventKind.BOWEL_ROUTINE:
            errors["bowel_result"] = _(
                "Only a bowel routine done has a result: clear it, or choose that."
            )
        if self.checked_by and self.event != CareEventKind.SKIN_CHECK:
            errors["checked_by"] = _(
                "Only a skin check says who checked: clear it, or choose that."
            )
        if self.site and self.event not in WITH_SITE:
            errors["site"] = _(
                "Only a skin problem found or healed has a place on the body: clear it, or "
                "choose one of those."
            )
        if self.stage and self.event != CareEventKind.SKIN_PROBLEM:
            errors["stage"] = _("Only a skin problem found has a stage: clear it, or choose that.")
        if errors:
            raise ValidationError(errors)

    @property
    def moment(self):
        return self.occurred_at

    @property
    def area(self) -> str:
        return AREA_OF[self.event]
