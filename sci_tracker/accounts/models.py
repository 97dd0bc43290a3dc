"""The account: who signs in, with which address, and whether that address is proven theirs."""

import zoneinfo
from functools import cached_property
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sci_tracker.core import plain_sql
from sci_tracker.core.addresses import normalise_email
from sci_tracker.core.choice_labels import quick_choice_labels
from sci_tracker.core.languages import language_names

# Neurological levels from the top of the spine down; the order matters (see ad_risk).
SPINAL_LEVELS = (
    [f"C{n}" for n in range(1, 9)]
    + [f"T{n}" for n in range(1, 13)]
    + [f"L{n}" for n in range(1, 6)]
    + [f"S{n}" for n in range(1, 6)]
)
NOT_SURE = "unknown"
INJURY_LEVEL_CHOICES = {
    _("Neck (cervical)"): [(level, level) for level in SPINAL_LEVELS if level[0] == "C"],
    _("Upper back (thoracic)"): [(level, level) for level in SPINAL_LEVELS if level[0] == "T"],
    _("Lower back (lumbar)"): [(level, level) for level in SPINAL_LEVELS if level[0] == "L"],
    _("Base of the spine (sacral)"): [(level, level) for level in SPINAL_LEVELS if level[0] == "S"],
    NOT_SURE: _("Not sure"),
}
# Autonomic dysreflexia is a risk for injuries at this level and above.
LOWEST_LEVEL_WITH_AD_RISK = "T6"
# What a person's usual blood pressure can be, in mmHg (the profile's and the database's rule).
USUAL_SYSTOLIC = (60, 220)
USUAL_DIASTOLIC = (30, 140)


class Completeness(models.TextChoices):
    AIS_A = "A", _("AIS A: complete, no feeling or movement below the injury")
    AIS_B = "B", _("AIS B: some feeling below the injury, no movement")
    AIS_C = "C", _("AIS C: some movement below the injury, most muscles weak")
    AIS_D = "D", _("AIS D: movement below the injury, most muscles can lift against gravity")
    AIS_E = "E", _("AIS E: feeling and movement have come back to normal")
    NOT_SURE = NOT_SURE, _("Not sure")


class UsesAppAs(models.TextChoices):
    """Who the account is for, as the person said at sign-up (or later in the profile): what the
    home page shows before anyone has shared a diary with them. Access itself comes from
    invitations (sharing.access), never from this."""

    OWN_DIARY = "own", _("For my own diary")
    CARER = "carer", _("To help someone I care for")
    CLINICIAN = "clinician", _("As a clinician")


class Theme(models.TextChoices):
    """Light or dark pages: chosen, or as the device is set (prefers-color-scheme)."""

    DEVICE = "device", _("Same as this device")
    LIGHT = "light", _("Light")
    DARK = "dark", _("Dark")


def language_choices() -> list[tuple[str, str]]:
    """The profile's language menu: the browser's own setting, or one of settings.LANGUAGES
    (a callable, so adding a language needs no migration)."""
    return [("", _("Same as this browser")), *language_names()]


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Choose a time zone from the list, such as Europe/London."))


def default_time_zone():
    return settings.TIME_ZONE


class UserManager(BaseUserManager):
    def get(self, *args, **kwargs):
        """As Django's, but an account asked for by its key alone (what ModelBackend.get_user
        does on every signed-in request) is read with a statement made once a process
        (core.plain_sql.get_by_pk): building the query cost more CPU than running it."""
        if not args and len(kwargs) == 1 and ("pk" in kwargs or "id" in kwargs):
            (pk,) = kwargs.values()
            if type(pk) is int:  # anything else (text, an expression) the ORM's way
                return plain_sql.get_by_pk(self.model, pk, self.db)
        return super().get(*args, **kwargs)

    def get_by_natural_key(self, email):
        # Addresses are stored normalised, so an exact match on the normalised form finds the
        # account however the address was typed (SQLite's iexact only folds ASCII).
        return self.get(email=normalise_email(email))

    def with_email(self, address: str) -> models.QuerySet:
        """The account (at most one) holding this address, however it was typed."""
        return self.filter(email=normalise_email(address))

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


# Counters of the diary's changes, moved on in the database (diary.models.diary_changed).
VERSIONS = ("diary_version", "past_version", "records_version")


@quick_choice_labels
class User(AbstractBaseUser, PermissionsMixin):
    """An account: the person with SCI, and later a carer or clinician, signs in by e-mail."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("What the app calls you. Leave blank to use your e-mail."),
    )
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("Your diary's days start and end at midnight in this zone."),
    )
    injury_level = models.CharField(
        _("injury level"),
        max_length=8,
        choices=INJURY_LEVEL_CHOICES,
        default=NOT_SURE,
        help_text=_(
            "The neurological level of your injury, if you know it. "
            "It changes which safety advice the app gives you."
        ),
    )
    completeness = models.CharField(
        _("completeness (AIS grade)"),
        max_length=8,
        choices=Completeness.choices,
        default=Completeness.NOT_SURE,
    )
    # The safety profile: what the AD card and the pump notices need. Blank until the person
    # fills it in; nothing here is required to use the diary.
    usual_systolic = models.PositiveSmallIntegerField(
        _("usual blood pressure, upper number (systolic)"),
        null=True,
        blank=True,
        help_text=_(
            "Your blood pressure on an ordinary day, in mmHg. After a high injury it is often "
            "low, 90 to 110. A reading 20 or more above it is shown as raised."
        ),
    )
    usual_diastolic = models.PositiveSmallIntegerField(
        _("usual blood pressure, lower number (diastolic)"), null=True, blank=True
    )
    has_baclofen_pump = models.BooleanField(
        _("I have an intrathecal baclofen pump"),
        default=False,
        help_text=_("Pump advice and refill reminders show only when this is ticked."),
    )
    pump_refill_date = models.DateField(_("next pump refill"), null=True, blank=True)
    pump_alarm_date = models.DateField(
        _("pump alarm date"),
        null=True,
        blank=True,
        help_text=_("The day the pump's low-reservoir alarm is set to sound."),
    )
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=80, blank=True)
    emergency_contact_phone = models.CharField(
        _("emergency contact's phone number"), max_length=40, blank=True
    )
    # Blank: the urgent advice page uses the usual number for the time zone (accounts.emergency).
    emergency_number = models.CharField(
        _("emergency number"),
        max_length=20,
        blank=True,
        help_text=_(
            "The number to call for an ambulance where you live. The urgent advice page has a "
            "button that calls it."
        ),
    )
    # 300 characters: what the back of a bank-card-sized card holds (see safety.css).
    card_medicines = models.TextField(
        _("medicines for the safety card"),
        max_length=300,
        blank=True,
        help_text=_(
            "What you take regularly, with doses, for whoever helps you in an emergency. Up to "
            "300 characters: the card has room for that much."
        ),
    )
    theme = models.CharField(
        _("light or dark pages"),
        max_length=8,
        choices=Theme.choices,
        default=Theme.DEVICE,
        help_text=_(
            "Dark pages are easier on the eyes at night. “Same as this device” follows the "
            "light or dark setting of the phone or computer you use."
        ),
    )
    # Empty: the browser's Accept-Language (or the footer menu's cookie) decides. No CHECK in the
    # database: its values follow settings.LANGUAGES, and a code no longer offered is ignored
    # where it is used (accounts.middleware.user_language), so the page falls back to the browser.
    language = models.CharField(
        _("language"),
        max_length=12,
        choices=language_choices,
        blank=True,
        default="",
        help_text=_(
            "The language of the pages on every device you sign in on. “Same as this "
            "browser” follows the language the browser asks for."
        ),
    )
    diary_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text=_(
            "Goes up with every change to the diary, so trends worked out for an older "
            "version are never shown."
        ),
    )
    past_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text=_(
            "Goes up with every change that may alter the figures of a day before the last "
            "months, so trends kept for those days are never shown once they change."
        ),
    )
    records_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text=_(
            "Goes up with every change except those to spasms, leg pain, check-ins and what "
            "was tried, so the trends' other sections drawn for an older version are never "
            "shown."
        ),
    )
    uses_app_as = models.CharField(
        _("who the account is for"),
        max_length=12,
        choices=UsesAppAs.choices,
        default=UsesAppAs.OWN_DIARY,
        help_text=_(
            "A carer or clinician sees how to get an invitation first, instead of a new "
            "diary's first steps. Anyone can keep a diary of their own too."
        ),
    )
    is_clinician = models.BooleanField(
        _("I am a clinician"),
        default=False,
        help_text=_(
            "A physiatrist, physiotherapist, nurse or other clinician: people can invite "
            "you to review their diary."
        ),
    )
    email_confirmed_at = models.DateTimeField(
        _("e-mail address confirmed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the person opened a link sent to this address. Empty: not confirmed, so the "
            "account cannot accept invitations or act as a clinician."
        ),
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(injury_level__in=[*SPINAL_LEVELS, NOT_SURE]),
                name="accounts_user_injury_level_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(completeness__in=Completeness.values),
                name="accounts_user_completeness_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(uses_app_as__in=UsesAppAs.values),
                name="accounts_user_uses_app_as_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(theme__in=Theme.values),
                name="accounts_user_theme_valid",
            ),
            # Both numbers or neither; within what a person's usual pressure can be. The
            # second branch names both as not null: otherwise one number alone would make it
            # unknown (NULL), which a CHECK lets through.
            models.CheckConstraint(
                condition=models.Q(usual_systolic__isnull=True, usual_diastolic__isnull=True)
                | models.Q(
                    usual_systolic__isnull=False,
                    usual_diastolic__isnull=False,
                    usual_systolic__gte=USUAL_SYSTOLIC[0],
                    usual_systolic__lte=USUAL_SYSTOLIC[1],
                    usual_diastolic__gte=USUAL_DIASTOLIC[0],
                    usual_diastolic__lte=USUAL_DIASTOLIC[1],
                    usual_systolic__gt=models.F("usual_diastolic"),
                ),
                name="accounts_user_usual_blood_pressure_valid",
            ),
            # Pump dates belong to a pump: without one they would show reminders for nothing.
            models.CheckConstraint(
                condition=models.Q(has_baclofen_pump=True)
                | models.Q(pump_refill_date__isnull=True, pump_alarm_date__isnull=True),
                name="accounts_user_pump_dates_need_a_pump",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._stored_email = user.__dict__.get("email")
        return user

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        if fields is None or "email" in fields:
            self._stored_email = self.__dict__.get("email")

    def clean(self):
        super().clean()
        errors = self.safety_profile_errors()
        if errors:
            raise ValidationError(errors)

    def safety_profile_errors(self) -> dict:
        """The safety profile's rules, in words a person can act on (the database's CHECKs
        above hold the same rules): {field: message}."""
        errors = {}
        upper, lower = self.usual_systolic, self.usual_diastolic
        if (upper is None) != (lower is None):
            missing = "usual_diastolic" if lower is None else "usual_systolic"
            errors[missing] = _(
                "Enter both numbers of your usual blood pressure, or leave both empty."
            )
        elif upper is not None:
            if not USUAL_SYSTOLIC[0] <= upper <= USUAL_SYSTOLIC[1]:
                errors["usual_systolic"] = _(
                    "Enter an upper number from %(low)d to %(high)d mmHg, as your blood "
                    "pressure monitor shows it."
                ) % {"low": USUAL_SYSTOLIC[0], "high": USUAL_SYSTOLIC[1]}
            if not USUAL_DIASTOLIC[0] <= lower <= USUAL_DIASTOLIC[1]:
                errors["usual_diastolic"] = _(
                    "Enter a lower number from %(low)d to %(high)d mmHg, as your blood "
                    "pressure monitor shows it."
                ) % {"low": USUAL_DIASTOLIC[0], "high": USUAL_DIASTOLIC[1]}
            if not errors and upper <= lower:
                errors["usual_diastolic"] = _(
                    "The lower number must be smaller than the upper one, as in 110 over 70."
                )
        if not self.has_baclofen_pump and (self.pump_refill_date or self.pump_alarm_date):
            errors["has_baclofen_pump"] = _(
                "You gave a pump date: tick this if you have a pump, or clear the dates."
            )
        return errors

    @classmethod
    def normalize_username(cls, username):
        # Django calls this in clean(), so every model form (sign-up, the admin) compares and
        # stores the address the one way the app does.
        return normalise_email(username) if isinstance(username, str) else username

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "email" in update_fields:
            self.email = normalise_email(self.email)
            if self._address_changed_unproven():
                # The one rule: an address nobody has proven is not confirmed, whoever set it
                # (the profile, the admin, a script).
                self.email_confirmed_at = None
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "email_confirmed_at"}
        if update_fields is None and not self._state.adding and not kwargs.get("force_insert"):
            # The versions move on only by their own UPDATEs (diary_changed): this copy's may
            # be older, and writing one back would let figures kept for it be shown again.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in VERSIONS
            ]
        super().save(*args, **kwargs)
        self._stored_email = self.email
        self._proven_email = None

    def _address_changed_unproven(self) -> bool:
        if self._state.adding:
            return False  # a new account starts as its creator says (sign-up: unconfirmed)
        stored = getattr(self, "_stored_email", None)
        if stored is None:  # not loaded with the object: ask the database
            stored = type(self).objects.filter(pk=self.pk).values_list("email", flat=True).first()
        return self.email != stored and self.email != getattr(self, "_proven_email", None)

    def use_app_as(self, use: str) -> None:
        """The one rule linking the two answers: an account for a clinician is a clinician's
        account (people can invite it as one). A clinician may still pick another use later."""
        self.uses_app_as = use
        if use == UsesAppAs.CLINICIAN:
            self.is_clinician = True

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def confirm_email(self, address: str) -> None:
        """The person opened a link sent to `address`: it becomes the account's address (it may
        be a new one), confirmed from now."""
        self._proven_email = normalise_email(address)
        self.email = self._proven_email
        self.email_confirmed_at = timezone.now()
        self.save(update_fields=["email", "email_confirmed_at"])

    @property
    def name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.name

    def get_full_name(self):
        return self.name

    @cached_property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_today(self):
        return timezone.localdate(timezone=self.zone)

    @property
    def ad_risk(self):
        """Whether autonomic dysreflexia warnings apply: injury at T6 or above, or not known."""
        if self.injury_level not in SPINAL_LEVELS:
            return True
        return SPINAL_LEVELS.index(self.injury_level) <= SPINAL_LEVELS.index(
            LOWEST_LEVEL_WITH_AD_RISK
        )

    # A rise of this much above the person's usual systolic pressure counts as raised (the
    # autonomic dysreflexia guideline: 20-40 mmHg above baseline).
    RAISED_BY = 20

    def blood_pressure_raised(self, systolic: int) -> bool | None:
        """Whether a systolic reading is raised against the person's usual; None when no usual
        pressure is set, as there is nothing to compare with."""
        if self.usual_systolic is None:
            return None
        return systolic >= self.usual_systolic + self.RAISED_BY

    def delete_account(self):
        """Remove the account with every row that belongs to it, sign-in records included."""
        with transaction.atomic():
            # Sign-in records are kept under the normalised address (accounts.limits), as the
            # account's own address is; rows from before normalisation match without case.
            for model in (AccessAttempt, AccessFailureLog, AccessLog):
                model.objects.filter(
                    models.Q(username=self.email) | models.Q(username__iexact=self.email)
                ).delete()
            # Expired sessions too: until clearsessions runs they still hold the account's id.
            # Through the session engine, which also forgets a session cached in Redis.
            store = import_module(settings.SESSION_ENGINE).SessionStore
            for session in Session.objects.iterator():
                if session.get_decoded().get(SESSION_KEY) == str(self.pk):
                    store(session.session_key).delete()
            # Everything else the person owns hangs off the account and goes with it (CASCADE),
            # but a row that another row PROTECTs (an own intervention that entries used) would
            # stop the whole deletion. So the person's other rows go first, taking the rows that
            # use it with them, and the protected ones after: PROTECT still guards every other
            # way of deleting them.
            owned = [
                relation
                for relation in self._meta.related_objects
                if relation.on_delete is models.CASCADE
            ]
            owned.sort(
                key=lambda relation: any(
                    other.on_delete is models.PROTECT
                    for other in relation.related_model._meta.related_objects
                )
            )
            for relation in owned:
                relation.related_model._base_manager.filter(**{relation.field.name: self}).delete()
            self.delete()
