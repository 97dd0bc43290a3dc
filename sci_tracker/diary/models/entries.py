"""What the diary records. Scales and codes follow the project's clinical reference.

Ranges and one-per-day rules are database constraints, so bulk_create, imports and the admin
cannot store what a form would refuse; forms add the friendly messages.
"""

from datetime import datetime, time, timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sci_tracker.core import plain_sql
from sci_tracker.core.choice_labels import quick_choice_labels
from sci_tracker.core.locks import lock_person
from sci_tracker.diary import closed_past, one_change, sciset
from sci_tracker.diary.catalogue import PAIN_TYPE_GUIDES
from sci_tracker.diary.schedules import DoseTimes


class FieldCheck(models.CheckConstraint):
    """A CHECK on one field's value, made by in_range or only_choices from the figures given.

    Django validates a CheckConstraint by asking the database, one query per constraint per
    form; this one judges the value in Python from the same figures the SQL CHECK is written
    from (`allows`), so a form costs no query for it. The database still enforces the SQL one,
    and migrations see a plain CheckConstraint."""

    def __init__(self, *, field, allows, **kwargs):
        super().__init__(**kwargs)
        self.field, self.allows = field, allows

    def validate(self, model, instance, exclude=None, using=None):
        if exclude and self.field in exclude:
            return
        value = getattr(instance, model._meta.get_field(self.field).attname)
        # As in SQL, a CHECK whose condition is unknown (a NULL value) passes.
        if value is not None and not self.allows(value):
            raise ValidationError(
                self.get_violation_error_message(), code=self.violation_error_code
            )

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs

    def clone(self):
        _, args, kwargs = self.deconstruct()
        return type(self)(*args, field=self.field, allows=self.allows, **kwargs)


def in_range(field, lowest, highest, name, allow_null=False):
    condition = Q(**{f"{field}__gte": lowest, f"{field}__lte": highest})
    if allow_null:
        condition |= Q(**{f"{field}__isnull": True})
    return FieldCheck(
        field=field, allows=lambda value: lowest <= value <= highest, condition=condition, name=name
    )


def only_choices(field, choices, name):
    allowed = frozenset(choices)
    return FieldCheck(
        field=field,
        allows=lambda value: value in allowed,
        condition=Q(**{f"{field}__in": choices}),
        name=name,
    )


class FetchedRelations:
    """A foreign key set to an object just read (a form's choice field fetched it from the
    choices it offers) is not looked up again to prove it exists (Django's ForeignKey.validate
    asks the database once per key); the database's own foreign key still holds."""

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        for field in self._meta.concrete_fields:
            if field.many_to_one and field.is_cached(self) and getattr(self, field.name):
                exclude.add(field.name)
        super().clean_fields(exclude=exclude)


@deconstructible
class ChoiceList:
    """Validates a JSON list of choice values: each one of `allowed`, none twice."""

    def __init__(self, allowed):
        self.allowed = list(allowed)

    def __call__(self, values):
        if not isinstance(values, list) or any(value not in self.allowed for value in values):
            raise ValidationError(_("Choose from the options shown."))
        if len(set(values)) != len(values):
            raise ValidationError(_("Each option can be chosen once."))

    def __eq__(self, other):
        return isinstance(other, ChoiceList) and self.allowed == other.allowed


def shown_name(name: str, owner_id: int | None) -> str:
    """A trigger's or intervention's name to show: a built-in item's in the active language (its
    English name is the message id, see catalogue.py), an own item's as the person typed it."""
    return gettext(name) if owner_id is None else name


def labels(choices, values):
    names = dict(choices)
    return [names[value] for value in values if value in names]


def diary_changed(owner_id, closed_past: bool = True, other_records: bool = True):
    """Move the person's diary version on, so trends cached for the old version are not used.

    Saving or deleting an entry, a pain problem or an intervention use calls this; code that
    writes with bulk_create or QuerySet.update (the demo data) calls it itself. Entries leave
    the trends through the bin (a save), so emptying the bin changes nothing they show.
    `closed_past`: the change may alter the day series of a day that is not recent, which
    moves the past version on too (diary.closed_past); say False only when it cannot.
    `other_records`: the change may alter a record other than spasms, leg pain, check-ins and
    what was tried, which moves the records version on too (the overview's sections drawn from
    them are kept under it, trends.views.overview); say False only when it cannot.
    """
    if one_change.note_changed(owner_id, closed_past, other_records):
        return  # moved on once, at the end of the change
    versions = {"diary_version": F("diary_version") + 1}
    if closed_past:
        versions["past_version"] = F("past_version") + 1
    if other_records:
        versions["records_version"] = F("records_version") + 1
    get_user_model().objects.filter(pk=owner_id).update(**versions)


class VersionedByOwner:
    """Saving or deleting moves the owner's diary version on (see diary_changed)."""

    # Whether a change may alter a record other than spasms, leg pain, check-ins and what was
    # tried (diary_changed's `other_records`). Yes unless a kind says otherwise.
    changes_other_records = True

    def diary_owner_id(self):
        return self.owner_id

    def may_change_closed_past(self) -> bool:
        """Whether saving or deleting this may alter the day series of a day that is not recent
        (diary.closed_past); asked before the save. Yes unless a kind says otherwise."""
        return True

    def save(self, *args, **kwargs):
        closed_past = self.may_change_closed_past()
        super().save(*args, **kwargs)
        diary_changed(self.diary_owner_id(), closed_past, self.changes_other_records)

    def delete(self, *args, **kwargs):
        owner_id, closed_past = self.diary_owner_id(), self.may_change_closed_past()
        result = super().delete(*args, **kwargs)
        diary_changed(owner_id, closed_past, self.changes_other_records)
        return result


# Catalogue: triggers and interventions -------------------------------------------------------


# How far back "usual" reaches when the forms put a person's usual items first, and the last
# days, whose uses count twice: what was used lately rises above what was used long ago.
RECENT_USE = timedelta(days=90)
LATELY = timedelta(days=14)


def _uses_since(through, item_field, entry_field, user, since):
    """A subquery: how many of the person's entries (not in the bin) since `since` used the
    outer item, through the link table `through`."""
    counted = (
        through.objects.filter(
            **{
                item_field: OuterRef("pk"),
                f"{entry_field}__owner": user,
                f"{entry_field}__deleted_at__isnull": True,
                f"{entry_field}__occurred_at__gte": since,
            }
        )
        .order_by()
        .values(item_field)
        .annotate(uses=Count("pk"))
        .values("uses")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class CatalogueQuerySet(models.QuerySet):
    def available_to(self, user):
        """The built-in items and the person's own, hidden and archived ones too: what old
        entries may name, and what the history filters by."""
        return self.filter(Q(owner=None) | Q(owner=user)).order_by("category", "name")

    def offered_to(self, user, keep=()):
        """What a form offers: available_to without the built-ins the person hid and their
        archived own items, except those in `keep` (the ids an entry being edited already
        names), so that editing an old entry never drops what it holds."""
        hidden = self.model.objects.filter(hidings__person=user).values("pk")
        shown = Q(archived=False) & ~Q(pk__in=hidden)
        return self.available_to(user).filter(shown | Q(pk__in=list(keep)))

    def hidden_from(self, user):
        """The built-ins the person hid from their lists."""
        return self.filter(owner=None, hidings__person=user)

    def by_use(self, user, keep=()):
        """As offered_to, with what the person used most in the last 90 days first (a use
        in the last 14 days counts twice), and the rest in the catalogue's order. One query,
        whatever the size of the diary: the counts are subqueries."""
        now = timezone.now()
        if self.model is Trigger:
            links = [
                (SpasmEpisode.triggers.through, "trigger", "spasmepisode"),
                (LegPainEntry.triggers.through, "trigger", "legpainentry"),
            ]
        else:
            links = [
                (InterventionUse, "intervention", "spasm"),
                (InterventionUse, "intervention", "pain"),
            ]
        uses = [
            _uses_since(through, item, entry, user, now - span)
            for through, item, entry in links
            for span in (RECENT_USE, LATELY)
        ]
        return (
            self.offered_to(user, keep)
            .annotate(recent_uses=sum(uses[1:], uses[0]))
            .order_by("-recent_uses", "category", "name")
        )


class CatalogueItem(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty for the built-in catalogue."),
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=80)
    guide = models.CharField(
        max_length=100,
        blank=True,
        help_text=_('The guide section that explains it: "page#anchor".'),
    )
    # An own item the person set aside: no longer offered on new entries, still named on the
    # entries that have it. Built-ins are hidden per person instead (HiddenTrigger, ...).
    archived = models.BooleanField(default=False)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["category", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return shown_name(self.name, self.owner_id)

    @property
    def is_builtin(self):
        return self.owner_id is None


@quick_choice_labels
class Trigger(CatalogueItem):
    class Category(models.TextChoices):
        BLADDER = "bladder", _("Bladder")
        BOWEL = "bowel", _("Bowel")
        SKIN = "skin", _("Skin")
        CLOTHING = "clothing", _("Clothing and straps")
        TEMPERATURE = "temperature", _("Temperature")
        MOVEMENT = "movement", _("Movement and position")
        ILLNESS = "illness", _("Illness")
        INJURY = "injury", _("Injury")
        EMOTIONAL = "emotional", _("Emotions")
        HORMONAL = "hormonal", _("Hormones")
        ACTIVITY = "activity", _("Activity and rest")
        OTHER = "other", _("Other")

    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )

    class Meta(CatalogueItem.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(owner=None), name="diary_trigger_builtin_slug_unique"
            ),
            models.UniqueConstraint(
                fields=["owner", "slug"], name="diary_trigger_owner_slug_unique"
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(archived=False),
                name="diary_trigger_only_own_archived",
            ),
        ]


@quick_choice_labels
class Intervention(CatalogueItem):
    class Category(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        EQUIPMENT = "equipment", _("Equipment")
        LIFESTYLE = "lifestyle", _("Lifestyle")
        MEDICINE = "medicine", _("Medicine")
        PROCEDURE = "procedure", _("Procedure")
        OTHER = "other", _("Other")

    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )

    class Meta(CatalogueItem.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(owner=None),
                name="diary_intervention_builtin_slug_unique",
            ),
            models.UniqueConstraint(
                fields=["owner", "slug"], name="diary_intervention_owner_slug_unique"
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(archived=False),
                name="diary_intervention_only_own_archived",
            ),
        ]


class HiddenTrigger(models.Model):
    """A built-in trigger the person hid from their lists (own items are archived instead).
    Only built-ins are hidden: the one place that hides (hide_builtin) looks them up so."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="hidings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "trigger"], name="diary_hiddentrigger_once"),
        ]

    def __str__(self):
        return f"{self.trigger} hidden by {self.person_id}"


class HiddenIntervention(models.Model):
    """A built-in intervention the person hid from their lists, as HiddenTrigger."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="hidings")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "intervention"], name="diary_hiddenintervention_once"
            ),
        ]

    def __str__(self):
        return f"{self.intervention} hidden by {self.person_id}"


HIDINGS = {Trigger: HiddenTrigger, Intervention: HiddenIntervention}


def hide_builtin(person, item, hidden: bool) -> bool:
    """Hide a built-in item from the person's lists, or show it again; False when it already
    was so (a second tap, or another tab). Own items are archived, never hidden."""
    if not item.is_builtin:
        raise ValueError("Only built-in items are hidden; own items are archived.")
    model = HIDINGS[type(item)]
    field = type(item)._meta.model_name
    if hidden:
        _row, created = model.objects.get_or_create(person=person, **{field: item})
        return created
    deleted, _rows = model.objects.filter(person=person, **{field: item}).delete()
    return bool(deleted)


# Entries -------------------------------------------------------------------------------------


class EntryQuerySet(models.QuerySet):
    def for_user(self, user):
        """Everything the person owns, in the bin or not: the one owner-scoped lookup."""
        return self.filter(owner=user)

    def active(self):
        return self.filter(deleted_at__isnull=True)

    def in_bin(self):
        return self.filter(deleted_at__isnull=False)


class SpasmQuerySet(EntryQuerySet):
    # A shaky double tap on "Spasm now" is one spasm, not two.
    DOUBLE_TAP = timedelta(seconds=5)

    def log_now(
        self,
        owner,
        logged_by,
        severity: int | None = None,
        minutes_ago: int = 0,
        tapped_at: datetime | None = None,
        client_id: UUID | None = None,
        locked: bool = False,
    ) -> "SpasmEpisode":
        """A spasm at once, `minutes_ago` before the tap, with the severity tapped (or none:
        not given). Pattern and the rest stay not given until the person adds them.
        `tapped_at`: now, unless the tap was queued offline (its moment on the device) or kept
        over a sign-in (accounts.resume.sent_at). `client_id` is the device's id of a queued tap
        (diary.taps saves each once). `locked`: the caller's transaction holds the person's
        lock already (diary.taps.save_once)."""
        now = timezone.now()
        moment = (tapped_at or now) - timedelta(minutes=minutes_ago)
        # No savepoint: nothing here is caught and carried on from, an error ends the caller's
        # transaction.
        with transaction.atomic(savepoint=False):
            # Taps for one person take turns, so a second tap sees the first one's spasm: on
            # PostgreSQL, by locking the person's row; SQLite's IMMEDIATE transaction already
            # holds the write lock (select_for_update adds nothing there).
            if not locked:
                lock_person(owner.pk)
            recent = self._double_tap_of(owner, moment, now)
            if recent is None:
                return self.create(
                    owner=owner,
                    logged_by=logged_by,
                    occurred_at=moment,
                    severity=severity,
                    client_id=client_id,
                )
            if recent.severity is None and severity is not None:
                # A tap on "Spasm now", then at once on a severity: one spasm, with it.
                recent.severity = severity
                recent.save(update_fields=["severity"])
            return recent

    def _double_tap_of(self, owner, moment: datetime, now: datetime):
        """The person's spasm, not in the bin, saved in the last DOUBLE_TAP at a moment within
        DOUBLE_TAP of `moment` (the latest such), or None. One plain statement (every tap asks
        it, see core.plain_sql); the spasm is read only when there is one."""
        model = self.model
        names = ("pk", "owner", "deleted_at", "occurred_at", "created_at")
        pk, owner_column, deleted, occurred, created, table = plain_sql.columns(model, *names)
        # Names from the model's metadata, values as parameters.
        pk = plain_sql.first_pk(
            f"SELECT {pk} FROM {table} WHERE {owner_column} = %s AND {deleted} IS NULL "  # noqa: S608
            f"AND {occurred} >= %s AND {occurred} <= %s AND {created} >= %s "
            f"ORDER BY {created} DESC LIMIT 1",
            [
                owner.pk,
                plain_sql.db_value(model, "occurred_at", moment - self.DOUBLE_TAP),
                plain_sql.db_value(model, "occurred_at", moment + self.DOUBLE_TAP),
                plain_sql.db_value(model, "created_at", now - self.DOUBLE_TAP),
            ],
        )
        return None if pk is None else self.get(pk=pk)


class EditConflict(Exception):
    """The entry was saved elsewhere after the page that edits it was opened (see save_edit)."""


class Entry(FetchedRelations, VersionedByOwner, models.Model):
    """What every diary entry shares: whose it is, who logged it, when, and the bin.

    `version` counts the saves of the row, so an edit page opened on one device can tell that
    another device saved the entry since: save_edit refuses to write over a version it did not see.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="%(class)s_entries"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The account that logged it: the person, or a carer."),
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    note_for_clinician = models.BooleanField(
        _("show this note to my clinician"),
        default=False,
        help_text=_("Flagged notes are listed in the report for your clinician."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set while the entry is in the bin.")
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Moves on with every save, so an edit made from an older copy is caught."),
    )

    objects = EntryQuerySet.as_manager()

    kind = ""  # the URL word for this kind of entry; set by each subclass
    kind_label = ""
    # Whether the diary has a page to change it (SCI-SET weeks have none yet: see diary.sciset).
    has_form = True

    class Meta:
        abstract = True

    def save(self, *args, version_claimed=False, **kwargs):
        """Every save of an existing row moves its version on, in the same UPDATE (as one more
        than the stored value, not the copy in memory, so two saves never give one number)."""
        if self._state.adding or version_claimed:
            return super().save(*args, **kwargs)
        self.version = F("version") + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)
        self.refresh_from_db(fields=["version"])

    def get_absolute_url(self):
        return reverse("diary:edit", args=[self.kind, self.pk])

    def may_change_closed_past(self) -> bool:
        # The day series read the check-ins and the spasms' and pain entries' day rows, whose
        # recount judges the days it counts (day_figures); other kinds never change them.
        return False

    def save_edit(self, seen_version: int | None) -> None:
        """Save what an edit page changed, unless the entry was saved since the page was opened
        at `seen_version` (None: the page did not say); then raise EditConflict, writing nothing.

        The check and the claim are one UPDATE ... WHERE version = seen: of two saves at once, the
        second waits for the first's row lock (PostgreSQL) or write lock (SQLite), then matches no
        row. Call it inside transaction.atomic, so the claim and the save commit together.
        """
        rows = type(self)._base_manager.filter(pk=self.pk, version=seen_version)
        if seen_version is None or not rows.update(version=seen_version + 1):
            raise EditConflict
        self.version = seen_version + 1
        self.save(version_claimed=True)

    def move_to_bin(self):
        self.deleted_at = timezone.now()
        self.save(update_fields=["deleted_at"])

    def restore(self):
        self.deleted_at = None
        self.save(update_fields=["deleted_at"])

    @property
    def day(self):
        """The date it belongs to, in the owner's time zone: 00:30 belongs to the new day."""
        return self.moment.astimezone(self.owner.zone).date()

    @property
    def logged_by_someone_else(self):
        return self.logged_by_id is not None and self.logged_by_id != self.owner_id


class RecallWindow(models.TextChoices):
    PAST_24_HOURS = "24h", _("Past 24 hours")


# How each check-in question names its window: every question of a check-in says the one
# window stored with it, so no question reads "today" while another reads "past 24 hours".
RECALL_PHRASES = {RecallWindow.PAST_24_HOURS: _("In the past 24 hours")}


@quick_choice_labels
class CheckIn(Entry):
    """The daily check-in: Penn Spasm Frequency Scale, spasticity, pain and interference."""

    changes_other_records = False  # not one of the other records (VersionedByOwner)

    class Frequency(models.IntegerChoices):
        NONE = 0, _("0: No spasms")
        TRIGGERED = 1, _("1: Mild spasms only when something sets them off (touch, movement)")
        LESS_THAN_HOURLY = 2, _("2: Full spasms, less than once an hour")
        MORE_THAN_HOURLY = 3, _("3: Spasms more than once an hour")
        MORE_THAN_TEN_HOURLY = 4, _("4: Spasms more than ten times an hour")

    class Severity(models.IntegerChoices):
        # Translators: the Penn Spasm Frequency Scale's severity levels (published wording).
        MILD = 1, _("1: Mild")
        MODERATE = 2, _("2: Moderate")
        SEVERE = 3, _("3: Severe")

    date = models.DateField(help_text=_("The day this check-in is about, in your time zone."))
    recall_window = models.CharField(
        max_length=8, choices=RecallWindow.choices, default=RecallWindow.PAST_24_HOURS
    )
    psfs_frequency = models.PositiveSmallIntegerField(
        _("how often spasms happened"), choices=Frequency.choices
    )
    psfs_severity = models.PositiveSmallIntegerField(
        _("how strong they were"), choices=Severity.choices, null=True, blank=True
    )
    spasticity = models.PositiveSmallIntegerField(
        _("stiffness and spasms overall (0-10)"), null=True, blank=True
    )
    pain_worst = models.PositiveSmallIntegerField(_("worst leg pain (0-10)"), null=True, blank=True)
    pain_average = models.PositiveSmallIntegerField(
        _("average leg pain (0-10)"), null=True, blank=True
    )
    interference_activities = models.PositiveSmallIntegerField(
        _("got in the way of daily activities (0-10)"), null=True, blank=True
    )
    interference_mood = models.PositiveSmallIntegerField(
        _("affected your mood (0-10)"), null=True, blank=True
    )
    interference_sleep = models.PositiveSmallIntegerField(
        _("affected your sleep (0-10)"), null=True, blank=True
    )
    night_wakings = models.PositiveSmallIntegerField(
        _("times spasms or pain woke you"), null=True, blank=True
    )
    client_id = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The id the device gave an entry queued offline: sent twice, saved once."),
    )

    kind = "checkin"
    # The answers, in the order the form asks them: the form, the API and the trends read this.
    ANSWERS = (
        "psfs_frequency",
        "psfs_severity",
        "spasticity",
        "pain_worst",
        "pain_average",
        "interference_activities",
        "interference_mood",
        "interference_sleep",
        "night_wakings",
    )
    kind_label = _("Daily check-in")

    class Meta:
        ordering = ["-date"]
        constraints = [
            # One per day among those not in the bin, so a day can be logged again after a delete.
            models.UniqueConstraint(
                fields=["owner", "date"],
                condition=Q(deleted_at__isnull=True),
                name="diary_checkin_one_per_day",
            ),
            models.UniqueConstraint(
                fields=["owner", "client_id"],
                condition=Q(client_id__isnull=False),
                name="diary_checkin_client_id_unique",
            ),
            in_range("psfs_frequency", 0, 4, "diary_checkin_psfs_frequency_0_4"),
            models.CheckConstraint(
                condition=Q(psfs_frequency=0, psfs_severity__isnull=True)
                # isnull spelled out: a CHECK on NULL alone would pass.
                | Q(
                    psfs_frequency__gt=0,
                    psfs_severity__isnull=False,
                    psfs_severity__gte=1,
                    psfs_severity__lte=3,
                ),
                name="diary_checkin_psfs_severity_only_with_spasms",
            ),
            in_range("spasticity", 0, 10, "diary_checkin_spasticity_0_10", allow_null=True),
            in_range("pain_worst", 0, 10, "diary_checkin_pain_worst_0_10", allow_null=True),
            in_range("pain_average", 0, 10, "diary_checkin_pain_average_0_10", allow_null=True),
            models.CheckConstraint(
                condition=Q(pain_average__lte=models.F("pain_worst"))
                | Q(pain_average__isnull=True)
                | Q(pain_worst__isnull=True),
                name="diary_checkin_pain_average_not_above_worst",
            ),
            in_range(
                "interference_activities",
                0,
                10,
                "diary_checkin_interference_activities_0_10",
                allow_null=True,
            ),
            in_range(
                "interference_mood", 0, 10, "diary_checkin_interference_mood_0_10", allow_null=True
            ),
            in_range(
                "interference_sleep",
                0,
                10,
                "diary_checkin_interference_sleep_0_10",
                allow_null=True,
            ),
            in_range("night_wakings", 0, 50, "diary_checkin_night_wakings_0_50", allow_null=True),
            only_choices("recall_window", RecallWindow.values, "diary_checkin_recall_window_valid"),
        ]

    def __str__(self):
        return f"Check-in for {self.date:%d %b %Y}"

    def may_change_closed_past(self) -> bool:
        """A new check-in changes its own day alone; an edit may have moved it from another."""
        day = self._meta.get_field("date").to_python(self.date)
        return not (self._state.adding and closed_past.is_recent(days=[day]))

    def clean(self):
        if self.psfs_frequency == 0:
            self.psfs_severity = None
        elif self.psfs_frequency is not None and self.psfs_severity is None:
            raise ValidationError({"psfs_severity": _("Say how strong the spasms were.")})
        if (
            self.pain_worst is not None
            and self.pain_average is not None
            and self.pain_average > self.pain_worst
        ):
            raise ValidationError(
                {"pain_average": _("The average cannot be higher than the worst pain of the day.")}
            )

    @property
    def moment(self):
        """Where it sorts among timed entries: the end of its day, in the owner's zone."""
        return datetime.combine(self.date, time(23, 59), tzinfo=self.owner.zone)


class RedFlag(models.TextChoices):
    """Symptoms that need care now; ticking one shows urgent guidance after saving."""

    LEG_SWOLLEN = "leg-swollen", _("One leg swollen, red or warm")
    AD_SIGNS = "ad-signs", _("Pounding headache, flushing or sweating above the injury")
    FEVER = "fever", _("Fever or chills")
    CHEST = "chest", _("Chest pain or sudden breathlessness")
    PUMP_ALARM = "pump-alarm", _("Baclofen pump alarm")
    NEW_WEAKNESS = "new-weakness", _("New weakness or numbness, or a change in feeling")


class TimedEntry(Entry):
    """An event at a moment: a spasm or a bout of leg pain, with triggers and red flags."""

    occurred_at = models.DateTimeField(_("when"))
    red_flags = models.JSONField(
        _("other symptoms right now"),
        default=list,
        blank=True,
        validators=[ChoiceList(RedFlag.values)],
    )

    class Meta:
        abstract = True
        ordering = ["-occurred_at"]

    @property
    def moment(self):
        return self.occurred_at

    def red_flag_labels(self):
        return labels(RedFlag.choices, self.red_flags)


class SpasmPattern(models.TextChoices):
    JERKY = "jerky", _("Sudden jerky spasm")
    STIFFNESS = "stiffness", _("Sustained stiffness")
    CLONUS = "clonus", _("Clonus (rhythmic jerking)")


class BodyRegion(models.TextChoices):
    LEFT_LEG = "left-leg", _("Left leg")
    RIGHT_LEG = "right-leg", _("Right leg")
    BOTH_LEGS = "both-legs", _("Both legs")
    TRUNK = "trunk", _("Trunk")
    ARMS = "arms", _("Arms")


class SpasmSeverity(models.IntegerChoices):
    MILD = 1, _("Mild")
    MODERATE = 2, _("Moderate")
    SEVERE = 3, _("Severe")


class SpasmDuration(models.TextChoices):
    SECONDS = "seconds", _("A few seconds")
    UNDER_A_MINUTE = "under-1-min", _("Under a minute")
    MINUTES = "1-5-min", _("1 to 5 minutes")
    LONGER = "5-30-min", _("5 to 30 minutes")
    LONGEST = "over-30-min", _("Over 30 minutes")


class SpasmImpact(models.TextChoices):
    HELPED_STANDING = "helped-standing", _("Helped me stand")
    HELPED_TRANSFER = "helped-transfer", _("Helped a transfer")
    FALL = "fall", _("A fall or near-fall")
    FAILED_TRANSFER = "failed-transfer", _("A failed transfer")
    WOKE_ME = "woke-me", _("Woke me up")


@quick_choice_labels
class SpasmEpisode(TimedEntry):
    changes_other_records = False  # not one of the other records (VersionedByOwner)

    # Pattern and severity are "not given" ("" and NULL) unless the person chose one: a
    # one-tap "Spasm now" stores no guess, and severity means leave the not-given ones out.
    pattern = models.CharField(
        _("pattern"), max_length=12, choices=SpasmPattern.choices, blank=True, default=""
    )
    regions = models.JSONField(
        _("where"), default=list, blank=True, validators=[ChoiceList(BodyRegion.values)]
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=SpasmSeverity.choices, null=True, blank=True
    )
    duration = models.CharField(
        _("how long"), max_length=12, choices=SpasmDuration.choices, blank=True, default=""
    )
    impacts = models.JSONField(
        _("did it help or get in the way?"),
        default=list,
        blank=True,
        validators=[ChoiceList(SpasmImpact.values)],
    )
    triggers = models.ManyToManyField(Trigger, blank=True, related_name="spasms")
    client_id = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The id the device gave an entry queued offline: sent twice, saved once."),
    )

    objects = SpasmQuerySet.as_manager()

    kind = "spasm"
    kind_label = _("Spasm")

    class Meta(TimedEntry.Meta):
        indexes = [models.Index(fields=["owner", "occurred_at"], name="diary_spasm_owner_time")]
        constraints = [
            in_range("severity", 1, 3, "diary_spasm_severity_1_3", allow_null=True),
            models.UniqueConstraint(
                fields=["owner", "client_id"],
                condition=Q(client_id__isnull=False),
                name="diary_spasm_client_id_unique",
            ),
            only_choices("pattern", ["", *SpasmPattern.values], "diary_spasm_pattern_valid"),
            only_choices("duration", ["", *SpasmDuration.values], "diary_spasm_duration_valid"),
        ]

    def __str__(self):
        return capfirst(", ".join(self.detail_labels())) or str(_("Spasm"))

    def detail_labels(self) -> list[str]:
        """The pattern and severity as shown, leaving out what was not given."""
        shown = [self.get_pattern_display()] if self.pattern else []
        if self.severity is not None:
            shown.append(self.get_severity_display().lower())
        return shown

    def region_labels(self):
        return labels(BodyRegion.choices, self.regions)

    def impact_labels(self):
        return labels(SpasmImpact.choices, self.impacts)


class PainType(models.TextChoices):
    """The ISCI pain classification in full: the tier (nociceptive, neuropathic, other, unknown)
    and, within the first two, the type. The stored values of the first version stay as they
    were; "other" was always the ISCI tier "other pain"."""

    MUSCULOSKELETAL = "musculoskeletal", _("Muscle, joint or bone pain (musculoskeletal)")
    VISCERAL = "visceral", _("Pain from organs in the belly or pelvis (visceral)")
    NOCICEPTIVE_OTHER = (
        "nociceptive-other",
        _("Other pain from hurt or sore tissue (other nociceptive)"),
    )
    NEUROPATHIC_AT = "neuropathic-at", _("Nerve pain at the injury level (at-level SCI pain)")
    NEUROPATHIC_BELOW = (
        "neuropathic-below",
        _("Nerve pain below the injury level (below-level SCI pain)"),
    )
    NEUROPATHIC_OTHER = (
        "neuropathic-other",
        _("Other nerve pain, not from the spinal cord injury (other neuropathic)"),
    )
    OTHER = "other", _("Other pain, neither of these kinds (other pain)")
    UNKNOWN = "unknown", _("Not sure (unknown)")


# The ISCI tiers, as the pain form groups the types: (tier heading, its types). A tier with
# one type has no heading of its own.
PAIN_TYPE_TIERS = [
    (
        _("Nociceptive pain: from muscles, joints, bones or organs"),
        [PainType.MUSCULOSKELETAL, PainType.VISCERAL, PainType.NOCICEPTIVE_OTHER],
    ),
    (
        _("Neuropathic pain: from damaged nerves"),
        [PainType.NEUROPATHIC_AT, PainType.NEUROPATHIC_BELOW, PainType.NEUROPATHIC_OTHER],
    ),
    (None, [PainType.OTHER]),
    (None, [PainType.UNKNOWN]),
]
NEUROPATHIC_TYPES = frozenset(PAIN_TYPE_TIERS[1][1])


def pain_type_label(value: str) -> str:
    """The label of a stored pain type, or "" for none."""
    return str(dict(PainType.choices).get(value, "")) if value else ""


@quick_choice_labels
class PainProblem(VersionedByOwner, models.Model):
    """One of up to three ongoing pain problems a person follows, e.g. "burning in both feet".

    A clinician with access may confirm its ISCI pain type: kept apart from the person's own
    guess (LegPainEntry.pain_type, a patient-reported answer) and shown beside it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pain_problems"
    )
    slot = models.PositiveSmallIntegerField(help_text=_("1, 2 or 3: at most three problems."))
    name = models.CharField(max_length=60)
    confirmed_type = models.CharField(
        _("pain type confirmed by a clinician"),
        max_length=20,
        choices=PainType.choices,
        blank=True,
        default="",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Kept apart from the account, as a review note's author_name: it still says who if the
    # account goes, and an imported one has only the name.
    confirmed_by_name = models.CharField(max_length=120, blank=True, default="", editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_imported_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the confirmed type came in from a backup file; empty when a clinician's own "
            "account set it here."
        ),
    )

    class Meta:
        ordering = ["slot"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "slot"], name="diary_painproblem_slot_unique"),
            models.UniqueConstraint(fields=["owner", "name"], name="diary_painproblem_name_unique"),
            in_range("slot", 1, 3, "diary_painproblem_at_most_three"),
            only_choices(
                "confirmed_type",
                ["", *PainType.values],
                "diary_painproblem_confirmed_type_valid",
            ),
            # A confirmed type always says who and when; none leaves no one named.
            models.CheckConstraint(
                condition=Q(
                    confirmed_type="",
                    confirmed_by__isnull=True,
                    confirmed_by_name="",
                    confirmed_at__isnull=True,
                    confirmed_imported_at__isnull=True,
                )
                | (
                    Q(confirmed_type__in=PainType.values, confirmed_at__isnull=False)
                    & ~Q(confirmed_by_name="")
                ),
                name="diary_painproblem_confirmed_says_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_imported_at__isnull=True) | Q(confirmed_by__isnull=True),
                name="diary_painproblem_imported_confirmation_has_no_account",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def confirmed_type_label(self) -> str:
        return pain_type_label(self.confirmed_type)

    @property
    def confirmed_type_guide(self) -> str:
        return PAIN_TYPE_GUIDES.get(self.confirmed_type, "")

    @property
    def confirmed_by_shown(self) -> str:
        """Who confirmed it, as shown: an imported one says so, since only the file names them."""
        if self.confirmed_imported_at is None:
            return self.confirmed_by_name
        return _("%(name)s (imported from a backup file)") % {"name": self.confirmed_by_name}

    def confirm_type(self, pain_type: str, clinician) -> bool:
        """Set (or, with "", clear) the clinician-confirmed type; True if it changed. Setting the
        same type again keeps who confirmed it first and when."""
        if pain_type == self.confirmed_type:
            return False
        self.confirmed_type = pain_type
        confirmed = bool(pain_type)
        self.confirmed_by = clinician if confirmed else None
        self.confirmed_by_name = clinician.name if confirmed else ""
        self.confirmed_at = timezone.now() if confirmed else None
        self.confirmed_imported_at = None
        self.save()
        return True


class PainSite(models.TextChoices):
    # Each site on each side, e.g. "left-thigh": the ISCI basic data set records side per site.
    LEFT_HIP = "left-hip", _("Left hip or buttock")
    RIGHT_HIP = "right-hip", _("Right hip or buttock")
    LEFT_THIGH = "left-thigh", _("Left thigh")
    RIGHT_THIGH = "right-thigh", _("Right thigh")
    LEFT_KNEE = "left-knee", _("Left knee")
    RIGHT_KNEE = "right-knee", _("Right knee")
    LEFT_CALF = "left-calf", _("Left calf or lower leg")
    RIGHT_CALF = "right-calf", _("Right calf or lower leg")
    LEFT_ANKLE = "left-ankle", _("Left ankle")
    RIGHT_ANKLE = "right-ankle", _("Right ankle")
    LEFT_FOOT = "left-foot", _("Left foot or toes")
    RIGHT_FOOT = "right-foot", _("Right foot or toes")


class PainQuality(models.TextChoices):
    BURNING = "burning", _("Burning")
    TINGLING = "tingling", _("Tingling or pins and needles")
    SHOOTING = "shooting", _("Shooting")
    ELECTRIC = "electric", _("Electric")
    ACHING = "aching", _("Aching")
    CRAMPING = "cramping", _("Cramping")
    STIFFNESS = "stiffness", _("Stiffness")


@quick_choice_labels
class LegPainEntry(TimedEntry):
    changes_other_records = False  # not one of the other records (VersionedByOwner)

    intensity = models.PositiveSmallIntegerField(_("how bad (0-10)"))
    problem = models.ForeignKey(
        PainProblem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
        verbose_name=_("which pain problem"),
    )
    sites = models.JSONField(
        _("where"), default=list, blank=True, validators=[ChoiceList(PainSite.values)]
    )
    qualities = models.JSONField(
        _("what it feels like"),
        default=list,
        blank=True,
        validators=[ChoiceList(PainQuality.values)],
    )
    pain_type = models.CharField(
        _("what kind of pain you think it is"),
        max_length=20,
        choices=PainType.choices,
        default=PainType.UNKNOWN,
    )
    triggers = models.ManyToManyField(Trigger, blank=True, related_name="pain_entries")
    client_id = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The id the device gave an entry queued offline: sent twice, saved once."),
    )

    kind = "pain"
    kind_label = _("Leg pain")

    class Meta(TimedEntry.Meta):
        verbose_name_plural = _("leg pain entries")
        indexes = [models.Index(fields=["owner", "occurred_at"], name="diary_pain_owner_time")]
        constraints = [
            in_range("intensity", 0, 10, "diary_pain_intensity_0_10"),
            models.UniqueConstraint(
                fields=["owner", "client_id"],
                condition=Q(client_id__isnull=False),
                name="diary_pain_client_id_unique",
            ),
            only_choices("pain_type", PainType.values, "diary_pain_type_valid"),
        ]

    def __str__(self):
        return f"Leg pain {self.intensity}/10"

    def site_labels(self):
        return labels(PainSite.choices, self.sites)

    @property
    def pain_type_guide(self):
        """The guide section that explains the kind of pain picked: "page#anchor"."""
        return PAIN_TYPE_GUIDES.get(self.pain_type, "")

    def quality_labels(self):
        return labels(PainQuality.choices, self.qualities)


class Effect(models.TextChoices):
    HELPED_A_LOT = "helped-a-lot", _("Helped a lot")
    HELPED_A_LITTLE = "helped-a-little", _("Helped a little")
    NO_CHANGE = "no-change", _("No change")
    WORSE = "worse", _("Made it worse")
    NOT_SURE = "not-sure", _("Not sure yet")


class InterventionUseQuerySet(models.QuerySet):
    def on(self, spasms, pains):
        """The uses on these spasms and these pain entries (querysets of them), found from the
        entries by their own indexes. Asked through the two joins with an OR, the database read
        every use of every person and filtered them (a built-in item's uses are everyone's)."""
        return self.filter(Q(spasm__in=spasms.values("pk")) | Q(pain__in=pains.values("pk")))


@quick_choice_labels
class InterventionUse(FetchedRelations, VersionedByOwner, models.Model):
    """An intervention tried for one spasm or one bout of pain, with its dose and effect."""

    changes_other_records = False  # not one of the other records (VersionedByOwner)

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="uses")
    spasm = models.ForeignKey(
        SpasmEpisode, null=True, blank=True, on_delete=models.CASCADE, related_name="uses"
    )
    pain = models.ForeignKey(
        LegPainEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="uses"
    )
    dose = models.CharField(
        _("dose"), max_length=60, blank=True, help_text=_('Optional, e.g. "10 mg".')
    )
    effect = models.CharField(max_length=16, choices=Effect.choices, default=Effect.NOT_SURE)

    objects = InterventionUseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(spasm__isnull=False, pain__isnull=True)
                | Q(spasm__isnull=True, pain__isnull=False),
                name="diary_interventionuse_one_entry",
            ),
            models.UniqueConstraint(
                fields=["spasm", "intervention"], name="diary_interventionuse_spasm_unique"
            ),
            models.UniqueConstraint(
                fields=["pain", "intervention"], name="diary_interventionuse_pain_unique"
            ),
            only_choices("effect", Effect.values, "diary_interventionuse_effect_valid"),
        ]

    def __str__(self):
        return f"{self.intervention} ({self.get_effect_display().lower()})"

    def may_change_closed_past(self) -> bool:
        """The "what helped" page keeps the closed past's uses (trends.aggregates): judged by
        the moment of the entry the use is on (a use never moves to another entry)."""
        entry = self.entry
        if entry is None:
            return True  # on no entry: the database refuses it
        moment = entry._meta.get_field("occurred_at").to_python(entry.occurred_at)
        return not closed_past.is_recent(moments=[moment])

    @property
    def entry(self) -> "SpasmEpisode | LegPainEntry | None":
        return self.spasm if self.spasm_id else self.pain

    def diary_owner_id(self):
        return self.entry.owner_id


class EventKind(models.TextChoices):
    BOTOX = "botox", _("Botulinum toxin injection")
    MEDICINE_START = "medicine-start", _("Started a medicine")
    MEDICINE_CHANGE = "medicine-change", _("Changed a medicine's dose")
    MEDICINE_STOP = "medicine-stop", _("Stopped a medicine")
    PUMP_REFILL = "pump-refill", _("Baclofen pump refill")
    PUMP_DOSE = "pump-dose", _("Baclofen pump dose change")
    THERAPY_START = "therapy-start", _("Started a therapy programme")
    BRACE = "brace", _("Brace or splint fitted")
    SURGERY = "surgery", _("Surgery")
    OTHER = "other", _("Other")


# The treatment events that belong to a medicine on the list, and those that set its dose.
MEDICINE_EVENT_KINDS = [
    EventKind.MEDICINE_START.value,
    EventKind.MEDICINE_CHANGE.value,
    EventKind.MEDICINE_STOP.value,
]
DOSE_EVENT_KINDS = [EventKind.MEDICINE_START.value, EventKind.MEDICINE_CHANGE.value]


@quick_choice_labels
class TreatmentEvent(Entry):
    """A dated change that matters for trends; shown as a marker on the charts."""

    date = models.DateField(help_text=_("The day it happened, in your time zone."))
    event_kind = models.CharField(_("what happened"), max_length=20, choices=EventKind.choices)
    details = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Which muscles, which medicine and dose, what changed."),
    )
    # A medicine on the person's list (diary.models.medicines) that this starts, changes or
    # stops; a start or change also gives the dose and times from this day on.
    medicine = models.ForeignKey(
        "diary.Medicine",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("medicine"),
    )
    dose = models.DecimalField(_("dose"), max_digits=9, decimal_places=3, null=True, blank=True)
    times = models.JSONField(
        _("times of day"),
        default=list,
        blank=True,
        help_text=_("When each dose is due, such as 08:00; none for a medicine taken as needed."),
        validators=[DoseTimes()],
    )

    kind = "event"
    kind_label = _("Treatment event")

    class Meta:
        ordering = ["-date"]
        constraints = [
            only_choices("event_kind", EventKind.values, "diary_event_kind_valid"),
            # Only a medicine's start, change or stop names a medicine, and only a start or a
            # change gives a dose; a stop ends the medicine, so it has none.
            models.CheckConstraint(
                condition=Q(medicine__isnull=True) | Q(event_kind__in=MEDICINE_EVENT_KINDS),
                name="diary_event_medicine_kind",
            ),
            models.CheckConstraint(
                condition=Q(dose__isnull=True)
                | Q(medicine__isnull=False, event_kind__in=DOSE_EVENT_KINDS, dose__gt=0),
                name="diary_event_dose_with_medicine",
            ),
        ]

    def __str__(self):
        return f"{self.get_event_kind_display()} on {self.date:%d %b %Y}"

    @property
    def described(self) -> str:
        """What the event says in the history, the trends and the report. A medicine's event is
        described from its medicine, dose and times (the facts, kept once), then any details
        typed; another event by its details. Load `medicine` with it (select_related)."""
        if self.medicine_id is None:
            return self.details
        text = self.medicine.name
        if self.dose is not None:
            schedule = ", ".join(self.times) if self.times else str(_("as needed"))
            text = (
                f"{text} {self.dose.normalize():f} {self.medicine.get_unit_display()}, {schedule}"
            )
        return f"{text}; {self.details}" if self.details else text

    @property
    def moment(self):
        return datetime.combine(self.date, time(0, 0), tzinfo=self.owner.zone)


class SpasticityWeekQuerySet(EntryQuerySet):
    def last_day(self, owner):
        """The day of the person's latest week not in the bin, or None."""
        latest = self.for_user(owner).active().order_by("-date").first()
        return latest.date if latest else None


class SpasticityWeek(Entry):
    """A week's SCI Spasticity Evaluation Tool answers (diary.sciset): `date` is the last day
    of the 7 days they look back on; `answers` maps each item number to a rating or null."""

    # Exports read rows a chunk at a time (exports.rows); a week's 35 answers weigh as much as a
    # few dozen spasms, so its chunks are smaller and memory stays flat however many years.
    ROWS_AT_A_TIME = 50

    date = models.DateField(_("last day of the week"))
    answers = models.JSONField(
        _("answers"), default=sciset.blank_answers, validators=[sciset.AnswersValidator()]
    )

    objects = SpasticityWeekQuerySet.as_manager()

    kind = "sciset"
    kind_label = _("Weekly spasticity questions (SCI-SET)")
    has_form = False

    class Meta:
        ordering = ["-date"]
        verbose_name = _("SCI-SET week")
        constraints = [
            # One week per day among those not in the bin, so it can be answered again after a
            # delete; when the next is offered is sciset.next_offered.
            models.UniqueConstraint(
                fields=["owner", "date"],
                condition=Q(deleted_at__isnull=True),
                name="diary_spasticityweek_one_per_day",
            ),
        ]

    def __str__(self):
        return f"SCI-SET for the week to {self.date:%d %b %Y}"

    def save(self, *args, **kwargs):
        # JSON lookups cannot name the numeric item keys portably in a CHECK, so the shape is
        # checked on every save here (the importer and the forms call full_clean first).
        problems = sciset.answer_problems(self.answers)
        if problems:
            raise ValidationError({"answers": problems})
        super().save(*args, **kwargs)

    @property
    def score(self):
        return sciset.score(self.answers)

    @property
    def score_words(self) -> str:
        return sciset.score_words(self.score)

    @property
    def moment(self):
        """Where it sorts among timed entries: the end of its last day, in the owner's zone."""
        return datetime.combine(self.date, time(23, 59), tzinfo=self.owner.zone)


# Autonomic dysreflexia -----------------------------------------------------------------------


class ADCause(models.TextChoices):
    """What may have set an episode off: the usual sources below the injury."""

    BLADDER = "bladder", _("Bladder or catheter")
    BOWEL = "bowel", _("Bowel")
    SKIN = "skin", _("Skin or pressure")
    CLOTHING = "clothing", _("Tight clothing or shoes")
    OTHER = "other", _("Other")
    NOT_KNOWN = "not-known", _("Not known")


class ADAction(models.TextChoices):
    """The first steps of the autonomic dysreflexia guideline, in the order it gives them."""

    SAT_UP = "sat-up", _("Sat up")
    LOWERED_LEGS = "lowered-legs", _("Lowered the legs")
    LOOSENED = "loosened-clothing", _("Loosened clothing or anything tight")
    BLADDER = "bladder", _("Checked the catheter or emptied the bladder")
    BOWEL = "bowel", _("Checked the bowel")
    MEDICINE = "medicine", _("Took prescribed medicine")
    EMERGENCY = "emergency", _("Called emergency services")


class ADOutcome(models.TextChoices):
    SETTLED = "settled", _("Settled")
    SETTLED_AFTER_MEDICINE = "settled-after-medicine", _("Settled after medicine")
    HOSPITAL = "hospital", _("Went to hospital or emergency services came")
    NOT_SETTLED = "not-settled", _("Not settled when logged")


@quick_choice_labels
class ADEpisode(Entry):
    """An episode of autonomic dysreflexia, with the blood-pressure readings taken during it.

    Offered only to people at risk (User.ad_risk); an episode logged earlier stays in the diary
    if the injury level changes later.
    """

    occurred_at = models.DateTimeField(_("when it started"))
    causes = models.JSONField(
        _("what may have set it off"),
        default=list,
        blank=True,
        validators=[ChoiceList(ADCause.values)],
    )
    actions = models.JSONField(
        _("what was done"), default=list, blank=True, validators=[ChoiceList(ADAction.values)]
    )
    outcome = models.CharField(_("how it ended"), max_length=24, choices=ADOutcome.choices)

    kind = "ad"
    kind_label = _("Autonomic dysreflexia episode")

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("autonomic dysreflexia episode")
        indexes = [models.Index(fields=["owner", "occurred_at"], name="diary_ad_owner_time")]
        constraints = [
            only_choices("outcome", ADOutcome.values, "diary_ad_outcome_valid"),
        ]

    def __str__(self):
        return f"{self.kind_label}, {self.get_outcome_display().lower()}"

    @property
    def moment(self):
        return self.occurred_at

    def cause_labels(self):
        return labels(ADCause.choices, self.causes)

    def action_labels(self):
        return labels(ADAction.choices, self.actions)


# What a cuff can show a living person (mmHg, beats a minute): wide, since AD can push the upper
# number past 250.
SYSTOLIC_RANGE = (50, 300)
DIASTOLIC_RANGE = (20, 200)
PULSE_RANGE = (20, 250)


class BloodPressureReading(VersionedByOwner, models.Model):
    """One blood-pressure reading taken during an episode (mmHg), with the pulse if taken."""

    episode = models.ForeignKey(ADEpisode, on_delete=models.CASCADE, related_name="readings")
    taken_at = models.DateTimeField(_("time taken"))
    systolic = models.PositiveSmallIntegerField(_("upper number (systolic)"))
    diastolic = models.PositiveSmallIntegerField(_("lower number (diastolic)"))
    pulse = models.PositiveSmallIntegerField(_("pulse (beats a minute)"), null=True, blank=True)

    class Meta:
        ordering = ["taken_at", "pk"]
        constraints = [
            in_range("systolic", *SYSTOLIC_RANGE, "diary_bloodpressure_systolic_range"),
            in_range("diastolic", *DIASTOLIC_RANGE, "diary_bloodpressure_diastolic_range"),
            models.CheckConstraint(
                condition=Q(systolic__gt=F("diastolic")),
                name="diary_bloodpressure_systolic_above_diastolic",
            ),
            in_range("pulse", *PULSE_RANGE, "diary_bloodpressure_pulse_range", allow_null=True),
        ]

    def __str__(self):
        return f"{self.systolic}/{self.diastolic} mmHg"

    def may_change_closed_past(self) -> bool:
        return False  # not in the day series

    def diary_owner_id(self):
        return self.episode.owner_id

    def clean(self):
        if (
            self.systolic is not None
            and self.diastolic is not None
            and self.systolic <= self.diastolic
        ):
            raise ValidationError(
                {"diastolic": _("The lower number must be below the upper number.")}
            )

    @property
    def raised(self) -> bool | None:
        """Raised against the person's usual pressure (User.blood_pressure_raised); None when
        they have not set one."""
        return self.episode.owner.blood_pressure_raised(self.systolic)


class FoldState(models.Model):
    """Which optional parts of the logging forms this account keeps open (see diary.folds):
    {"spasm-triggers": true, ...}. How the forms look to the one using them, not diary data,
    so it stays out of exports and backups."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="fold_state",
    )
    open_parts = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"Folds of {self.user_id}"


def triggers_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """An entry's triggers changed without the entry being saved (m2m_changed, see apps.py)."""
    if not action.startswith("post_"):
        return
    # Links to triggers are not in the day series: their days' recount judges them (day_figures).
    if not reverse:
        diary_changed(instance.owner_id, closed_past=False, other_records=False)
    elif pk_set:  # trigger.spasms.add(...): the entries may be anyone's
        for owner_id in set(model.objects.filter(pk__in=pk_set).values_list("owner_id", flat=True)):
            diary_changed(owner_id, closed_past=False, other_records=False)


def save_pain_problems(owner, names):
    """Name the person's pain problems by slot (up to three); a blank name frees its slot.

    A problem keeps its entries when renamed. Names move through placeholders first, so two
    problems can swap names without tripping the one-name-once constraint.
    """
    with transaction.atomic():
        current = {problem.slot: problem for problem in PainProblem.objects.filter(owner=owner)}
        for slot, problem in current.items():
            problem.name = f"\N{ZERO WIDTH SPACE}{slot}"
            problem.save(update_fields=["name"])
        for slot, name in enumerate(names, start=1):
            name = name.strip()
            if name:
                PainProblem.objects.update_or_create(
                    owner=owner, slot=slot, defaults={"name": name}
                )
            elif slot in current:
                current[slot].delete()
