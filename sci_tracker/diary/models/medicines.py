"""Medicines: the person's list, and each dose taken or missed.

A medicine here is what it is (name, unit, route, what it is for). When it was started, what its
dose and times were from which day, and when it was stopped are its treatment events
(TreatmentEvent with `medicine` set): the markers the trends already draw, so each of those facts
is kept once. A dose answers one scheduled time of one day ("Baclofen 8:00 - taken"), or is an
as-needed dose with no scheduled time.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from sci_tracker.core.choice_labels import quick_choice_labels
from sci_tracker.core.moments import HoursLater
from sci_tracker.diary.models.entries import Entry, EntryQuerySet, VersionedByOwner, only_choices
from sci_tracker.diary.schedules import LATE_AFTER


class MedicineReason(models.TextChoices):
    SPASMS = "spasms", _("Spasms and stiffness")
    NERVE_PAIN = "nerve-pain", _("Nerve pain")
    PAIN = "pain", _("Other pain")
    BLADDER = "bladder", _("Bladder")
    BOWEL = "bowel", _("Bowel")
    OTHER = "other", _("Something else")


class MedicineRoute(models.TextChoices):
    MOUTH = "mouth", _("By mouth")
    PATCH = "patch", _("Skin patch")
    PUMP = "pump", _("Intrathecal pump")
    INJECTION = "injection", _("Injection")
    OTHER = "other", _("Other")


class DoseUnit(models.TextChoices):
    MG = "mg", _("mg")
    MICROGRAM = "microgram", _("micrograms")
    ML = "ml", _("ml")
    UNITS = "units", _("units")
    TABLETS = "tablets", _("tablets")
    CAPSULES = "capsules", _("capsules")
    PATCHES = "patches", _("patches")
    DROPS = "drops", _("drops")


# Common medicines after SCI, offered as the person types a name (any other name is fine too).
COMMON_MEDICINES = [
    # Translators: names of medicines offered as the person types one: the local names.
    _("Baclofen"),
    _("Tizanidine"),
    _("Dantrolene"),
    _("Diazepam"),
    _("Clonazepam"),
    _("Gabapentin"),
    _("Pregabalin"),
    _("Amitriptyline"),
    _("Duloxetine"),
    _("Oxybutynin"),
    _("Tolterodine"),
    _("Solifenacin"),
    _("Mirabegron"),
    _("Senna"),
    _("Bisacodyl"),
    _("Docusate"),
    _("Macrogol"),
    _("Paracetamol"),
    _("Ibuprofen"),
    _("Nifedipine"),
    _("Glyceryl trinitrate"),
]


@quick_choice_labels
class Medicine(VersionedByOwner, models.Model):
    """One medicine on the person's list. Its start, dose changes and stop are treatment events
    (see the module's docstring); a medicine with none of those is on the list, not yet started."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medicines"
    )
    name = models.CharField(_("name"), max_length=80)
    unit = models.CharField(_("unit"), max_length=12, choices=DoseUnit.choices)
    route = models.CharField(
        _("how it is taken"), max_length=12, choices=MedicineRoute.choices, default="mouth"
    )
    reason = models.CharField(_("what it is for"), max_length=12, choices=MedicineReason.choices)
    # Chosen on the Reminders page: a reminder at each scheduled time (sci_tracker.reminders).
    remind = models.BooleanField(_("remind me of each dose"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="diary_medicine_name_once"),
            only_choices("unit", DoseUnit.values, "diary_medicine_unit_valid"),
            only_choices("route", MedicineRoute.values, "diary_medicine_route_valid"),
            only_choices("reason", MedicineReason.values, "diary_medicine_reason_valid"),
        ]

    def __str__(self):
        return self.name

    def may_change_closed_past(self) -> bool:
        return False  # not in the day series


class DoseStatus(models.TextChoices):
    TAKEN = "taken", _("Taken")
    MISSED = "missed", _("Missed")


class DoseTiming(models.TextChoices):
    """How a dose went against its schedule: worked out in the database (DoseQuerySet)."""

    ON_TIME = "on-time", _("On time")
    LATE = "late", _("Late")
    MISSED = "missed", _("Missed")
    AS_NEEDED = "as-needed", _("As needed")


class DoseQuerySet(EntryQuerySet):
    def with_timing(self):
        """Each dose annotated with `timing` (a DoseTiming value): the one place that says what
        on time, late and missed mean, for the history, the trends and the analysis alike."""
        return self.annotate(
            timing=Case(
                When(status=DoseStatus.MISSED, then=Value(DoseTiming.MISSED.value)),
                When(scheduled_for__isnull=True, then=Value(DoseTiming.AS_NEEDED.value)),
                When(
                    occurred_at__gt=HoursLater("scheduled_for", LATE_AFTER / timedelta(hours=1)),
                    then=Value(DoseTiming.LATE.value),
                ),
                default=Value(DoseTiming.ON_TIME.value),
                output_field=models.CharField(),
            )
        )


@quick_choice_labels
class MedicineDose(Entry):
    """A dose of one medicine. `occurred_at` is when it was taken; for a missed dose, the time
    it was due. `scheduled_for` is the scheduled time it answers (None for an as-needed dose)."""

    medicine = models.ForeignKey(Medicine, on_delete=models.CASCADE, related_name="doses")
    status = models.CharField(
        _("taken or missed"), max_length=8, choices=DoseStatus.choices, default="taken"
    )
    occurred_at = models.DateTimeField(_("when"))
    scheduled_for = models.DateTimeField(_("due at"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount"),
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Leave empty for the dose on your list."),
    )
    client_id = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The id the device gave an entry queued offline: sent twice, saved once."),
    )

    objects = DoseQuerySet.as_manager()

    kind = "dose"
    kind_label = _("Medicine dose")

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["owner", "occurred_at"], name="diary_dose_owner_time")]
        constraints = [
            only_choices("status", DoseStatus.values, "diary_dose_status_valid"),
            # A dose missed was a scheduled one: an as-needed dose not taken is no dose at all.
            models.CheckConstraint(
                condition=Q(status="taken") | Q(scheduled_for__isnull=False),
                name="diary_dose_missed_was_scheduled",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=Decimal(0)),
                name="diary_dose_amount_positive",
            ),
            # Each scheduled time is answered once (among doses not in the bin).
            models.UniqueConstraint(
                fields=["medicine", "scheduled_for"],
                condition=Q(deleted_at__isnull=True, scheduled_for__isnull=False),
                name="diary_dose_once_per_time",
            ),
            models.UniqueConstraint(
                fields=["owner", "client_id"],
                condition=Q(client_id__isnull=False),
                name="diary_dose_client_id_unique",
            ),
        ]

    def __str__(self):
        return f"{self.medicine} {self.get_status_display().lower()}"

    @property
    def moment(self):
        return self.occurred_at
