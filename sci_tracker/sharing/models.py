"""Who else may see a person's diary: share links, clinicians and carers, and what they did."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sci_tracker.core.addresses import normalise_email
from sci_tracker.core.choice_labels import quick_choice_labels
from sci_tracker.diary.models import diary_changed, only_choices


def hash_token(token):
    # A token has 256 random bits, so a plain SHA-256 is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class ShareLinkQuerySet(models.QuerySet):
    def for_user(self, person):
        return self.filter(person=person)

    def by_token(self, token):
        return self.select_related("person").filter(token_hash=hash_token(token)).first()


class ShareLink(models.Model):
    """A read-only link to a person's trends and report. Only the token's hash is stored: the
    link itself is shown once, when it is made."""

    class Lifetime(models.IntegerChoices):
        WEEK = 7, gettext_lazy("7 days")
        MONTH = 30, gettext_lazy("30 days")
        QUARTER = 90, gettext_lazy("90 days")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    label = models.CharField(
        gettext_lazy("who it is for"),
        max_length=80,
        blank=True,
        help_text=gettext_lazy("For example “Dr Okafor, spasm clinic”. Only you see this."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    shows_from = models.DateField(gettext_lazy("first day it shows"), null=True, blank=True)
    shows_to = models.DateField(gettext_lazy("last day it shows"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shows_from__isnull=True)
                | Q(shows_to__isnull=True)
                | Q(shows_from__lte=models.F("shows_to")),
                name="sharing_sharelink_range_in_order",
            ),
        ]

    def __str__(self):
        # Translators: a date format (Django's date filter letters), as in "05 Dec 2025".
        made = date_format(self.created_at, _("d M Y"))
        return self.label or _("Link made %(day)s") % {"day": made}

    @classmethod
    def make(cls, person, days, label="", shows_from=None, shows_to=None):
        """A new link and its token; the token is never stored, so this is its only chance."""
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            person=person,
            label=label,
            token_hash=hash_token(token),
            shows_from=shows_from,
            shows_to=shows_to,
            expires_at=timezone.now() + timedelta(days=days),
        )
        return link, token

    @property
    def state(self):
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "live"

    @property
    def is_live(self):
        return self.state == "live"

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class Role(models.TextChoices):
    CLINICIAN = (
        "clinician",
        gettext_lazy("Clinician: sees your trends and report, adds review notes"),
    )
    CARER = "carer", gettext_lazy("Carer: logs entries for you and sees your trends")


class CareAccessQuerySet(models.QuerySet):
    def for_user(self, person):
        return self.filter(person=person)

    def open(self):
        return self.filter(ended_at__isnull=True)

    def active(self):
        return self.open().filter(member__isnull=False)

    def pending_for(self, user):
        """Invitations this account may see and answer: only once it has proven it reads mail at
        the invited address, or anyone could sign up with that address and accept."""
        invited = invitations_to(user)
        return self.none() if invited is None else self.open().filter(invited)

    def standing_and_pending_for(self, user):
        """The account's open grants to active people and the invitations it may answer
        (pending_for), in one query: the menu reads it on every page, and combining the two
        querysets cost more to build than the database took to answer."""
        return self.standing_and_pending(user.pk, invited_address(user))

    def standing_and_pending(self, member: int, address: str | None = None):
        """standing_and_pending_for by the account's id and invited_address (None: no
        invitations), values a statement compiled once can take (core.plain_sql.rows_for)."""
        standing = Q(member=member, person__is_active=True)
        return self.open().filter(standing if address is None else standing | _invited(address))


def invited_address(user) -> str | None:
    """The address whose invitations `user` may see (see pending_for); None for none."""
    if not user.is_authenticated or not user.email_confirmed:
        return None
    return normalise_email(user.email)


def invitations_to(user) -> Q | None:
    """The condition of the invitations `user` may see (see pending_for); None for none."""
    address = invited_address(user)
    return None if address is None else _invited(address)


def _invited(address: str) -> Q:
    return Q(member__isnull=True, email=address)


@quick_choice_labels
class CareAccess(models.Model):
    """An invitation to a clinician or carer, by e-mail; once accepted, their standing access.
    Ending it keeps the row, so the access log can still say who it was."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_team"
    )
    email = models.EmailField(gettext_lazy("their e-mail address"))
    role = models.CharField(max_length=12, choices=Role.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cares_for",
        help_text=gettext_lazy("The account that accepted the invitation."),
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = CareAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                "person",
                models.functions.Lower("email"),
                condition=Q(ended_at__isnull=True),
                name="sharing_careaccess_one_open_per_address",
            ),
            only_choices("role", Role.values, "sharing_careaccess_role_valid"),
        ]

    def __str__(self):
        return f"{self.role_name} {self.member or self.email}"

    def save(self, *args, **kwargs):
        # Stored the one way addresses are compared, so matching an account is an exact match.
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def role_name(self):
        return self.get_role_display().split(":")[0]

    @property
    def state(self):
        if self.ended_at:
            return "ended"
        return "active" if self.member_id else "pending"

    def accept(self, user):
        self.member = user
        self.accepted_at = timezone.now()
        self.save(update_fields=["member", "accepted_at"])

    def end(self):
        if self.ended_at is None:
            self.ended_at = timezone.now()
            self.save(update_fields=["ended_at"])


class ClinicRecordQuerySet(models.QuerySet):
    def imported(self):
        return self.filter(imported_at__isnull=False)


IMPORTED_HELP = gettext_lazy(
    "When it came in from a backup file; empty for one written in SCI Tracker by the clinician's "
    "own account. An imported one has no author account: only the name the file gave."
)


def author_label(name: str, imported_at) -> str:
    """Who a note or rating is by, as shown: an imported one says so, since only the file
    names its author."""
    if imported_at is None:
        return name
    return _("%(name)s (imported from a backup file)") % {"name": name}


def authors_shown(pairs: Iterable[tuple[str, object]]) -> list[str]:
    """Each clinician once, from (author_name, imported_at) pairs, in the order first met: a name
    that rated here and also came in from a file is the same clinician, named once as written
    here; a name known only from a file says so. Names match ignoring case and spacing."""
    written_here: dict[str, str] = {}
    first_seen: dict[str, str] = {}
    for name, imported_at in pairs:
        key = " ".join(name.split()).casefold()
        first_seen.setdefault(key, name)
        if imported_at is None:
            written_here.setdefault(key, name)
    return [
        written_here[key] if key in written_here else author_label(name, "imported")
        for key, name in first_seen.items()
    ]


def imported_has_no_author(name):
    """A note or rating that came from a file is never shown as written by an account."""
    return models.CheckConstraint(
        condition=Q(imported_at__isnull=True) | Q(author__isnull=True), name=name
    )


class ReviewNote(models.Model):
    """A clinician's dated note on a person's diary, shown to the person."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept apart from the account, so the note still says who wrote it if that account goes.
    author_name = models.CharField(max_length=120)
    written_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(pgettext_lazy("a clinician's review note", "note"), max_length=2000)
    imported_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=IMPORTED_HELP
    )

    objects = ClinicRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at"]
        constraints = [imported_has_no_author("sharing_reviewnote_imported_has_no_author")]

    def __str__(self):
        return f"Note by {self.author_name}, {self.written_at:%d %b %Y}"

    @property
    def author_shown(self):
        return author_label(self.author_name, self.imported_at)


class MuscleGroup(models.TextChoices):
    HIP_FLEXORS = "hip-flexors", gettext_lazy("Hip flexors")
    HIP_ADDUCTORS = "hip-adductors", gettext_lazy("Hip adductors")
    KNEE_EXTENSORS = "knee-extensors", gettext_lazy("Knee extensors")
    KNEE_FLEXORS = "knee-flexors", gettext_lazy("Knee flexors")
    ANKLE_PLANTARFLEXORS = "ankle-plantarflexors", gettext_lazy("Ankle plantar flexors")
    ELBOW_FLEXORS = "elbow-flexors", gettext_lazy("Elbow flexors")
    ELBOW_EXTENSORS = "elbow-extensors", gettext_lazy("Elbow extensors")
    WRIST_FLEXORS = "wrist-flexors", gettext_lazy("Wrist flexors")


class Side(models.TextChoices):
    LEFT = "left", pgettext_lazy("side of the body", "Left")
    RIGHT = "right", pgettext_lazy("side of the body", "Right")


class AshworthScore(models.TextChoices):
    """The Modified Ashworth Scale: resistance to passive movement, rated by a clinician."""

    # Translators: the Modified Ashworth Scale (Bohannon and Smith, 1987), a published clinical
    # scale: use its published translation's wording where one exists.
    NONE = "0", gettext_lazy("0: no increase in tone")
    # Translators: Modified Ashworth Scale, a published clinical scale's wording.
    CATCH = (
        "1",
        gettext_lazy("1: a catch and release, or minimal resistance at the end of the range"),
    )
    # Translators: Modified Ashworth Scale, a published clinical scale's wording.
    CATCH_AND_RESISTANCE = (
        "1+",
        gettext_lazy("1+: a catch, then minimal resistance through under half the range"),
    )
    # Translators: Modified Ashworth Scale, a published clinical scale's wording.
    MARKED = (
        "2",
        gettext_lazy("2: more marked increase through most of the range, part still moves easily"),
    )
    # Translators: Modified Ashworth Scale, a published clinical scale's wording.
    CONSIDERABLE = "3", gettext_lazy("3: considerable increase, passive movement difficult")
    # Translators: Modified Ashworth Scale, a published clinical scale's wording.
    RIGID = "4", gettext_lazy("4: rigid in flexion or extension")


@quick_choice_labels
class VisitMeasure(models.Model):
    """One Modified Ashworth rating at a visit: a muscle group on one side, by a clinician."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_measures"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=120)
    visit_date = models.DateField()
    muscle_group = models.CharField(max_length=24, choices=MuscleGroup.choices)
    side = models.CharField(max_length=5, choices=Side.choices)
    score = models.CharField(
        gettext_lazy("Modified Ashworth score"),
        max_length=2,
        choices=AshworthScore.choices,
    )
    recorded_at = models.DateTimeField(auto_now=True)
    imported_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=IMPORTED_HELP
    )

    objects = ClinicRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-visit_date", "muscle_group", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "visit_date", "muscle_group", "side"],
                name="sharing_visitmeasure_one_per_muscle_side_visit",
            ),
            only_choices("muscle_group", MuscleGroup.values, "sharing_visitmeasure_group_valid"),
            only_choices("side", Side.values, "sharing_visitmeasure_side_valid"),
            only_choices("score", AshworthScore.values, "sharing_visitmeasure_score_valid"),
            imported_has_no_author("sharing_visitmeasure_imported_has_no_author"),
        ]

    def __str__(self):
        return f"{self.get_muscle_group_display()}, {self.side}: {self.score}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Visits show on the trends charts, whose cached figures follow the diary's version.
        diary_changed(self.person_id, closed_past=False)  # not in the day series


class AccessRecord(models.Model):
    """One look at a person's data by someone else: who, when, what, and by which way in."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_records"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.ForeignKey(ShareLink, null=True, on_delete=models.SET_NULL, related_name="+")
    # Written out when it happens, so the record still reads right after a link or account goes.
    via = models.CharField(max_length=160)
    page = models.CharField(max_length=80)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "at"], name="sharing_access_person_at")]

    def __str__(self):
        return f"{self.via}: {self.page}"
