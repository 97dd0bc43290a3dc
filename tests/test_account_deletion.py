"""Deleting an account removes every row of that person, whatever they logged.

The test walks the models instead of listing them: every model with a chain of foreign keys to
the account must have a maker here, so a model added later is covered or the test says what is
missing.
"""

import secrets
from datetime import date, time, timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import ProtectedError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from sci_tracker.accounts.models import User
from sci_tracker.api.models import PersonalAccessToken
from sci_tracker.diary.models import (
    ADEpisode,
    BloodPressureReading,
    CareEvent,
    CheckIn,
    FoldState,
    HiddenIntervention,
    HiddenTrigger,
    Intervention,
    InterventionUse,
    LegPainEntry,
    Medicine,
    MedicineDose,
    PainDay,
    PainProblem,
    PainTriggerDay,
    SpasmDay,
    SpasmEpisode,
    SpasmHour,
    SpasmTriggerDay,
    SpasticityWeek,
    TreatmentEvent,
    Trigger,
)
from sci_tracker.exports.models import PendingImport
from sci_tracker.reminders.models import (
    PushSubscription,
    ReminderSettings,
    SentDoseReminder,
    SentReminder,
)
from sci_tracker.sharing.models import (
    AccessRecord,
    CareAccess,
    ReviewNote,
    ShareLink,
    VisitMeasure,
)
from sci_tracker.trends import aggregates, month_days, triggers
from sci_tracker.trends.models import MonthDays, MonthFigures, MonthTried, MonthTriggers
from sci_tracker.trends.months import LAYOUT
from tests.conftest import PASSWORD
from tests.entries import (
    NOW,
    ad_episode,
    builtin,
    care,
    checkin,
    dose,
    event,
    medicine,
    pain,
    sciset_week,
    spasm,
)


def own_intervention(person):
    return Intervention.objects.get_or_create(
        owner=person, slug="own-stretch", defaults={"name": "My own stretch"}
    )[0]


def carer_spasm(person, carer):
    return SpasmEpisode.objects.create(owner=person, logged_by=carer, occurred_at=NOW)


def own_link(person):
    return ShareLink.objects.create(
        person=person, token_hash=secrets.token_hex(32), expires_at=timezone.now() + timedelta(7)
    )


# For each model: make rows that hang off `person`, some of them also pointing at `other`
# (a carer's entries, a clinician's notes), as the app makes them.
MAKERS = {
    ReminderSettings: lambda person, other: ReminderSettings.objects.create(
        user=person, first_at=time(20, 0), by_email=True
    ),
    PushSubscription: lambda person, other: PushSubscription.objects.create(
        user=person, endpoint=f"https://push.example.net/{person.pk}", p256dh="k", auth="s"
    ),
    SentReminder: lambda person, other: SentReminder.objects.create(
        user=person, slot=1, local_date=date(2026, 3, 1), claimed_at=NOW
    ),
    SentDoseReminder: lambda person, other: SentDoseReminder.objects.create(
        user=person, medicine=medicine(person, "Sent"), due_at=NOW, claimed_at=NOW
    ),
    FoldState: lambda person, other: FoldState.objects.create(
        user=person, open_parts={"spasm-note": True}
    ),
    LogEntry: lambda person, other: LogEntry.objects.create(
        user=person, action_flag=ADDITION, object_repr="Profile"
    ),
    Trigger: lambda person, other: Trigger.objects.create(
        owner=person, slug="own-trigger", name="My own trigger"
    ),
    Intervention: lambda person, other: own_intervention(person),
    CheckIn: lambda person, other: (
        checkin(person),
        CheckIn.objects.create(
            owner=other, logged_by=person, date=date(2026, 3, 10), psfs_frequency=0
        ),
    ),
    SpasmEpisode: lambda person, other: (
        spasm(person).triggers.add(Trigger.objects.create(owner=person, slug="t", name="T")),
        carer_spasm(other, person),
    ),
    CareEvent: lambda person, other: (
        care(person, "skin-problem", site="heel"),
        care(other, "catheter", logged_by=person, volume_ml=300),
    ),
    PainProblem: lambda person, other: PainProblem.objects.create(
        owner=person, slot=1, name="Burning feet"
    ),
    LegPainEntry: lambda person, other: (
        pain(person, problem=PainProblem.objects.create(owner=person, slot=2, name="Knees")),
        LegPainEntry.objects.create(owner=other, logged_by=person, occurred_at=NOW, intensity=4),
    ),
    # The row that used to stop the deletion: an own intervention tried for an own spasm.
    InterventionUse: lambda person, other: (
        InterventionUse.objects.create(intervention=own_intervention(person), spasm=spasm(person)),
        InterventionUse.objects.create(intervention=own_intervention(person), pain=pain(person)),
        InterventionUse.objects.create(
            intervention=builtin(Intervention, "stretching"), spasm=carer_spasm(other, person)
        ),
    ),
    TreatmentEvent: lambda person, other: event(person, date(2026, 3, 1)),
    # The per-day figures, which saving a spasm or a pain entry writes.
    SpasmDay: lambda person, other: spasm(person),
    SpasmHour: lambda person, other: spasm(person),
    PainDay: lambda person, other: pain(person),
    SpasmTriggerDay: lambda person, other: spasm(person).triggers.add(builtin(Trigger, "cold")),
    PainTriggerDay: lambda person, other: pain(person).triggers.add(builtin(Trigger, "cold")),
    # A closed month's figures, which a chart of a long range writes.
    MonthFigures: lambda person, other: MonthFigures.objects.create(
        owner=person,
        month=date(2025, 1, 1),
        past_version=0,
        time_zone="UTC",
        layout=LAYOUT,
        figures={},
    ),
    # A closed month's days, which a long range's first view writes.
    MonthDays: lambda person, other: MonthDays.objects.create(
        owner=person,
        month=date(2025, 1, 1),
        past_version=0,
        time_zone="UTC",
        layout=month_days.LAYOUT,
        series={},
    ),
    # A closed month's uses, which what helped's first view of a long range writes.
    MonthTried: lambda person, other: MonthTried.objects.create(
        owner=person,
        month=date(2025, 1, 1),
        past_version=0,
        time_zone="UTC",
        layout=aggregates.TRIED_LAYOUT,
        tried={},
    ),
    # A closed month's trigger sums, which the triggers page's first view of a long range writes.
    MonthTriggers: lambda person, other: MonthTriggers.objects.create(
        owner=person,
        month=date(2025, 1, 1),
        past_version=0,
        time_zone="UTC",
        layout=triggers.LAYOUT,
        sums=(),
    ),
    Medicine: lambda person, other: medicine(person, "Baclofen"),
    # A dose of one's own, and one logged for the other person as their carer.
    MedicineDose: lambda person, other: (
        dose(person, medicine(person, "Tizanidine")),
        dose(other, medicine(other, "Gabapentin"), logged_by=person),
    ),
    SpasticityWeek: lambda person, other: (
        sciset_week(person, ratings={1: -2, 7: 3}),
        sciset_week(other, date(2026, 3, 7), logged_by=person),
    ),
    HiddenTrigger: lambda person, other: HiddenTrigger.objects.create(
        person=person, trigger=builtin(Trigger, "cold")
    ),
    HiddenIntervention: lambda person, other: HiddenIntervention.objects.create(
        person=person, intervention=builtin(Intervention, "massage")
    ),
    ADEpisode: lambda person, other: (
        ad_episode(person),
        ADEpisode.objects.create(owner=other, logged_by=person, occurred_at=NOW, outcome="settled"),
    ),
    BloodPressureReading: lambda person, other: ad_episode(person, [(NOW, 170, 100, 50)]),
    PendingImport: lambda person, other: PendingImport.objects.create(owner=person, payload={}),
    ShareLink: lambda person, other: own_link(person),
    # A live token and a revoked one: credentials, which go with the account.
    PersonalAccessToken: lambda person, other: (
        PersonalAccessToken.make(person, "Phone", "log"),
        PersonalAccessToken.make(person, "Old phone", "read")[0].revoke(),
    ),
    # Made for both people, this is each one in the other's care team.
    CareAccess: lambda person, other: CareAccess.objects.create(
        person=person, email=other.email, role="carer", member=other, accepted_at=NOW
    ),
    ReviewNote: lambda person, other: (
        ReviewNote.objects.create(person=person, author=other, author_name="Dr O", text="Fine"),
        ReviewNote.objects.create(person=other, author=person, author_name="Dr P", text="Ok"),
    ),
    VisitMeasure: lambda person, other: (
        VisitMeasure.objects.create(
            person=person,
            author=other,
            author_name="Dr O",
            visit_date=date(2026, 3, 1),
            muscle_group="hip-flexors",
            side="left",
            score="1",
        ),
        VisitMeasure.objects.create(
            person=other,
            author=person,
            author_name="Dr P",
            visit_date=date(2026, 3, 2),
            muscle_group="hip-flexors",
            side="left",
            score="2",
        ),
    ),
    AccessRecord: lambda person, other: (
        AccessRecord.objects.create(
            person=person, viewer=other, link=own_link(person), via="link", page="Trends"
        ),
        AccessRecord.objects.create(person=other, viewer=person, via="carer", page="Log page"),
    ),
}


def paths_to_user(model, seen=()):
    """Every chain of foreign keys from `model` to the account, as (lookup, all CASCADE)."""
    found = []
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.related_model in (*seen, model):
            continue
        cascade = field.remote_field.on_delete is models.CASCADE
        if field.related_model is User:
            found.append((field.name, cascade))
            continue
        for rest, rest_cascade in paths_to_user(field.related_model, (*seen, model)):
            found.append((f"{field.name}__{rest}", cascade and rest_cascade))
    return found


def owned_models():
    return {model: paths for model in apps.get_models() if (paths := paths_to_user(model))}


def rows_of(user, cascade_only=False):
    """The primary keys, per model, of rows that reach `user` through a chain of foreign keys
    (only chains of CASCADE links when asked: the rows that must go with the account)."""
    found = {}
    for model, paths in owned_models().items():
        query = models.Q()
        for lookup, cascade in paths:
            if cascade or not cascade_only:
                query |= models.Q(**{lookup: user.pk})
        if query:
            found[model] = set(model._base_manager.filter(query).values_list("pk", flat=True))
    return found


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def sessions_of(user):
    return [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]


def test_it_has_a_maker_for_every_model_that_points_at_an_account():
    missing = sorted(m._meta.label for m in owned_models() if m not in MAKERS)
    assert not missing, f"Add a maker to MAKERS for {missing}, so deleting an account covers it"


def test_it_deletes_every_row_of_a_person_whatever_they_logged(alice, bob):
    for make in MAKERS.values():
        make(alice, bob)
        make(bob, alice)
    alice_rows = rows_of(alice)
    assert all(alice_rows[model] for model in MAKERS), "every maker made a row"
    # Sign-in records and sessions name the person without a foreign key.
    device, other_device, bob_device = Client(), Client(), Client()
    sign_in(device, alice.email, "a wrong guess")
    sign_in(device, alice.email)
    sign_in(other_device, alice.email)
    sign_in(bob_device, bob.email)
    attempt = AccessAttempt.objects.create(
        username=alice.email.upper(), ip_address="192.0.2.1", failures_since_start=1
    )
    AccessAttemptExpiration.objects.create(access_attempt=attempt, expires_at=timezone.now())
    AccessFailureLog.objects.create(username=alice.email, ip_address="192.0.2.1")
    expired = SessionStore()
    expired[SESSION_KEY] = str(alice.pk)
    expired.set_expiry(timezone.now() - timedelta(days=1))
    expired.save()
    assert len(sessions_of(alice)) == 3
    # What must stay: every row of bob's that hangs off alice through no CASCADE link.
    must_go = rows_of(alice, cascade_only=True)
    bobs_rows = {model: pks - must_go[model] for model, pks in rows_of(bob).items()}
    assert bobs_rows[SpasmEpisode], "bob's spasm logged by alice as his carer"

    response = device.post(reverse("delete_account"), {"password": PASSWORD}, follow=True)

    assert response.status_code == 200
    assert "Your account and everything in it are deleted." in response.text
    assert not User.objects.filter(pk=alice.pk).exists()
    assert {model: pks for model, pks in rows_of(alice).items() if pks} == {}
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert not model.objects.filter(username__iexact=alice.email).exists(), model
    assert not AccessAttemptExpiration.objects.exists()
    assert sessions_of(alice) == []
    assert other_device.get(reverse("profile")).status_code == 302
    # Bob keeps everything of his, and his session.
    assert {model: pks & rows_of(bob)[model] for model, pks in bobs_rows.items()} == bobs_rows
    assert SpasmEpisode.objects.filter(owner=bob, logged_by=None).count() == 2
    assert len(sessions_of(bob)) == 1
    assert bob_device.get(reverse("profile")).status_code == 200


def test_it_still_refuses_to_delete_an_own_intervention_that_entries_use(alice):
    used = InterventionUse.objects.create(intervention=own_intervention(alice), spasm=spasm(alice))
    with pytest.raises(ProtectedError):
        used.intervention.delete()
    assert InterventionUse.objects.filter(pk=used.pk).exists()


# With Redis, sessions are cached there in front of the database (settings: cached_db).
CACHED_SESSIONS = {
    "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
}


def test_it_forgets_the_sessions_kept_in_the_cache_too(alice):
    with override_settings(**CACHED_SESSIONS):
        device, other_device = Client(), Client()
        sign_in(device, alice.email)
        sign_in(other_device, alice.email)
        other_key = other_device.cookies["sessionid"].value
        assert cached_db.SessionStore(other_key).load().get(SESSION_KEY) == str(alice.pk)

        device.post(reverse("delete_account"), {"password": PASSWORD})

        assert not User.objects.filter(pk=alice.pk).exists()
        # Neither the table nor the cache holds the other device's session any more.
        assert not Session.objects.filter(session_key=other_key).exists()
        assert cached_db.SessionStore(other_key).load() == {}
