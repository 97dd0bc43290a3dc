"""Writing an import, and the upload that waits for the person to confirm it.

The last stage of an import (after read, check and plan). run_import writes what the plan adds
in batches of short transactions, so that others' saves go on, and all of it or nothing (a
failed batch takes back the earlier ones). The upload waits as a PendingImport between the
preview and the confirmation; confirm_import claims it, plans again and writes.
"""

import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice

from django.db import connection, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sci_tracker.accounts.models import User
from sci_tracker.diary import day_figures
from sci_tracker.diary.models import (
    ENTRY_MODELS,
    HIDINGS,
    ADEpisode,
    BloodPressureReading,
    Intervention,
    InterventionUse,
    LegPainEntry,
    Medicine,
    PainProblem,
    SpasmEpisode,
    Trigger,
    diary_changed,
)
from sci_tracker.exports.importer.check import CLINICIAN_LABELS
from sci_tracker.exports.importer.plan import counted, plan_import
from sci_tracker.exports.models import KEPT_FOR, PendingImport
from sci_tracker.reminders.models import ReminderSettings
from sci_tracker.sharing.models import ReviewNote, VisitMeasure

# Entries written at a time, each batch its own transaction: the write lock is held for one
# batch (a few hundred ms on a busy 2-core machine), never for the whole import.
BATCH = 250

# Sent after each batch of an import is committed, with the rows it wrote and the seconds its
# transaction took: how long anyone else's save may have waited (bench/import_memory.py).
batch_written = Signal()
# How long a claimed upload stays claimed by the request writing it (confirm_import).
CLAIM_LASTS = timedelta(minutes=15)


# Writing -------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    added: int
    skipped: int
    left_out: int
    clinician: dict = field(default_factory=dict)  # review notes, visit measures added: {model: n}

    def message(self):
        def entries(count):
            return ngettext("%(count)d entry", "%(count)d entries", count) % {"count": count}

        extra = [
            counted(self.clinician[model], model)
            for model in CLINICIAN_LABELS
            if self.clinician.get(model)
        ]
        added = [entries(self.added)] if self.added or not extra else []
        added += extra
        if len(added) == 1:
            listed = added[0]
        else:
            # Translators: the last two of a list, as in "3 entries, 2 review notes and 1 visit
            # measure".
            listed = _("%(all_but_last)s and %(last)s") % {
                "all_but_last": ", ".join(added[:-1]),
                "last": added[-1],
            }
        parts = [_("Imported %(what)s") % {"what": listed}]
        if self.skipped:
            parts.append(
                _("%(entries)s already in your diary skipped") % {"entries": entries(self.skipped)}
            )
        if self.left_out:
            parts.append(_("%(count)d with errors left out") % {"count": self.left_out})
        # Translators: the parts of an import's summary, joined with "; ".
        return _("%(parts)s.") % {"parts": "; ".join(parts)}


class Written:
    """What an import has written so far, batch by batch: the ids it made, by model, so that
    a failure in a later batch can take back what the earlier ones committed."""

    def __init__(self, owner):
        self.owner = owner
        self.ids = defaultdict(list)
        self.transactions = 0

    @contextmanager
    def batch(self, rows):
        """One short transaction: others' saves wait for it, not for the whole import."""
        start = time.perf_counter()
        with transaction.atomic():
            yield
        self.transactions += 1
        batch_written.send(
            sender=Written, owner=self.owner, rows=rows, seconds=time.perf_counter() - start
        )

    def add(self, objects):
        for obj in objects:
            self.ids[type(obj)].append(obj.pk)
        return objects

    def take_back(self):
        """Delete what the committed batches wrote, in one transaction. Entries go first, and
        with them their trigger links and what was tried; then what only they used."""
        with transaction.atomic():
            models = (
                *ENTRY_MODELS.values(),
                ReviewNote,
                VisitMeasure,
                PainProblem,
                Medicine,
                Trigger,
            )
            for model in (*models, *HIDINGS.values()):
                for ids in chunks(self.ids.get(model, []), BATCH):
                    model.objects.filter(pk__in=ids).delete()
            # An intervention the person logged in the meantime stays (it is PROTECTed).
            for ids in chunks(self.ids.get(Intervention, []), BATCH):
                Intervention.objects.filter(pk__in=ids, uses__isnull=True).delete()
            diary_changed(self.owner.pk)  # trends cached while the batches were in are stale
            day_figures.rebuild(self.owner.pk)  # a save meanwhile may have counted them


def run_import(owner, plan, finish=None):
    """Write the plan: all of it, or nothing if anything fails.

    In batches, each a short transaction, so a long import does not hold the database's write
    lock (on SQLite, the whole database's) and everyone else's saves go on between batches. If
    a batch fails, what the earlier ones wrote is deleted again. What makes the import done (the
    profile, the diary's version and `finish`, which removes the waiting upload) is written in
    the last transaction, so an import that fails part-way is never shown as done, and can be
    confirmed again.
    """
    written = Written(owner)
    try:
        write_batches(owner, plan, written)
    except BaseException:
        written.take_back()
        raise
    with written.batch(0):
        if plan.profile_changes:
            User.objects.filter(pk=owner.pk).update(**plan.profile)
        if plan.reminder_changes:
            ReminderSettings.objects.update_or_create(user=owner, defaults=plan.reminders)
        # Bulk writes skip save(), which is what moves the diary's version on (VisitMeasure.save
        # too: visits show on the trends): once, here.
        diary_changed(owner.pk)
        day_figures.rebuild(owner.pk)  # in the zone the profile may just have changed
        if finish:
            finish()
    added = {model: len(values) for model, values in plan.clinician_add.items()}
    return ImportResult(plan.adding, plan.skipping, left_out=len(plan.errors), clinician=added)


def write_batches(owner, plan, written):
    # Clinicians' notes, ratings and confirmed pain types come back as the person's, with no
    # author account, marked as imported: nothing proves who wrote what a file says.
    imported = timezone.now()
    with written.batch(len(plan.new_problems)):
        written.add(
            PainProblem.objects.bulk_create(
                PainProblem(
                    owner=owner,
                    slot=slot,
                    name=name,
                    # A confirmed type from a file names its clinician by name only.
                    **confirmed,
                    confirmed_imported_at=imported if confirmed else None,
                )
                for slot, name, confirmed in plan.new_problems
            )
        )
        problem_ids = dict(PainProblem.objects.filter(owner=owner).values_list("slot", "pk"))
        written.add(
            Medicine.objects.bulk_create(
                Medicine(owner=owner, **values) for values in plan.new_medicines
            )
        )
        medicine_ids = {
            name.casefold(): pk
            for name, pk in Medicine.objects.filter(owner=owner).values_list("name", "pk")
        }
        catalogue = {}
        for model in (Trigger, Intervention):
            written.add(
                model.objects.bulk_create(
                    model(owner=owner, **values) for values in plan.new_items[model]
                )
            )
            # The person's own item wins over a built-in one with the same slug.
            items = model.objects.available_to(owner).order_by(F("owner").asc(nulls_first=True))
            catalogue[model] = dict(items.values_list("slug", "pk"))
            builtins = dict(model.objects.filter(owner=None).values_list("slug", "pk"))
            field = model._meta.model_name
            written.add(
                HIDINGS[model].objects.bulk_create(
                    HIDINGS[model](person=owner, **{f"{field}_id": builtins[slug]})
                    for slug, _name in plan.new_hidden[model]
                )
            )
    entry_of_row = {}  # id(row) -> its entry's pk (the entries themselves are let go)
    for kind, model in ENTRY_MODELS.items():
        rows = [row for row in plan.to_add if row.kind == kind]
        for batch in chunks(rows, BATCH):
            with written.batch(len(batch)):
                entries = write_entries(
                    owner, model, batch, plan, problem_ids, catalogue, medicine_ids
                )
            written.add(entries)
            entry_of_row.update(
                (id(row), entry.pk) for row, entry in zip(batch, entries, strict=True)
            )
    for batch in chunks(plan.csv_tried, BATCH):
        with written.batch(len(batch)):
            InterventionUse.objects.bulk_create(
                InterventionUse(
                    **{f"{row.kind}_id": entry_of_row[id(row)]},
                    intervention_id=catalogue[Intervention][tried.intervention],
                    **tried.values,
                )
                for tried, row in batch
            )
    for batch in chunks(plan.csv_readings, BATCH):
        with written.batch(len(batch)):
            BloodPressureReading.objects.bulk_create(
                BloodPressureReading(episode_id=entry_of_row[id(row)], **reading.values)
                for reading, row in batch
            )
    for batch in chunks(plan.clinician_add[ReviewNote], BATCH):
        with written.batch(len(batch)):
            written.add(
                ReviewNote.objects.bulk_create(
                    ReviewNote(person=owner, author=None, imported_at=imported, **values)
                    for values in batch
                )
            )
    for batch in chunks(plan.clinician_add[VisitMeasure], BATCH):
        with written.batch(len(batch)):
            measures = VisitMeasure.objects.bulk_create(
                VisitMeasure(person=owner, author=None, imported_at=imported, **values)
                for values in batch
            )
            restore_stamps(VisitMeasure, measures, batch, ("recorded_at",))
        written.add(measures)


def chunks(items, size):
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


def restore_stamps(model, objects, values, names=("created_at", "updated_at")):
    """bulk_create stamps created_at and updated_at (a visit measure's recorded_at) with now
    (auto_now_add, auto_now); a backup brings its own, set here as given: `values` holds each
    object's. One UPDATE run for many rows: bulk_update builds a CASE expression per row in
    Python, several times slower on a long diary."""
    stamps = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(stamp.column)} = %s" for stamp in stamps)
    # Only the model's own table and column names go into the text; every value is a parameter.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    params = [
        (*(stamp.get_db_prep_value(given[stamp.name], connection) for stamp in stamps), obj.pk)
        for obj, given in zip(objects, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def write_entries(owner, model, rows, plan, problem_ids, catalogue, medicine_ids):
    entries = []
    for row in rows:
        entry = model(owner=owner, **row.values)
        if row.medicine:
            entry.medicine_id = medicine_ids[row.medicine.casefold()]
        entry.logged_by = owner if row.logged_by in plan.mine else None
        diary_slot = plan.problem_slots.get(row.problem_slot)
        if diary_slot is not None:
            entry.problem_id = problem_ids[diary_slot]
        entries.append(entry)
    model.objects.bulk_create(entries)
    if "created_at" in rows[0].values:
        restore_stamps(model, entries, [row.values for row in rows])
    if model in (SpasmEpisode, LegPainEntry):
        link = model.triggers.through
        entry_field = model.triggers.field.m2m_field_name()
        link.objects.bulk_create(
            link(**{f"{entry_field}_id": entry.pk, "trigger_id": catalogue[Trigger][slug]})
            for entry, row in zip(entries, rows, strict=True)
            for slug in row.triggers
        )
        InterventionUse.objects.bulk_create(
            InterventionUse(
                **{model.kind: entry},
                intervention_id=catalogue[Intervention][tried.intervention],
                **tried.values,
            )
            for entry, row in zip(entries, rows, strict=True)
            for tried in row.tried
        )
    if model is ADEpisode:
        BloodPressureReading.objects.bulk_create(
            BloodPressureReading(episode=entry, **reading.values)
            for entry, row in zip(entries, rows, strict=True)
            for reading in row.readings
        )
    return entries


# Uploads waiting for the person's confirmation ---------------------------------------------


def keep_pending(owner, payload, restore_profile):
    """Keep an upload until the person confirms it. One waits per person: a new upload replaces
    theirs, and anyone's over a day old goes."""
    PendingImport.objects.filter(
        Q(owner=owner) | Q(pk__in=PendingImport.objects.expired())
    ).delete()
    return PendingImport.objects.create(
        owner=owner, payload=payload, restore_profile=restore_profile
    )


def waiting_import(owner):
    return PendingImport.objects.filter(owner=owner).waiting().first()


def pending_upload(owner, pending_id):
    """The person's upload still waiting, or None if it is done, cancelled or too old.

    Someone else's is a 404, as for every object a person cannot reach.
    """
    try:
        pending_id = uuid.UUID(str(pending_id))
    except ValueError:
        raise Http404("No such import.") from None
    pending = PendingImport.objects.filter(pk=pending_id).first()
    if pending is None:
        return None
    if pending.owner_id != owner.pk:
        raise Http404("No such import.")
    if pending.created_at < timezone.now() - KEPT_FOR:
        pending.delete()
        return None
    return pending


def confirm_import(owner, pending_id):
    """Plan again against the diary as it is now, then write in batches (run_import). None if
    the upload is no longer waiting, or another request is writing it right now.

    Nothing here holds a transaction while it plans: the upload is claimed with one UPDATE (a
    second click finds it claimed), read, planned, and written batch by batch; the last batch
    removes the upload. If writing fails, what was written is taken back and the claim let go,
    so the upload waits to be confirmed again. A claim left by a worker that died part-way runs
    out after CLAIM_LASTS; confirming again then finishes that import, since entries already in
    the diary are skipped, never doubled.
    """
    pending = pending_upload(owner, pending_id)
    if pending is None:
        return None
    now = timezone.now()
    claimed = (
        PendingImport.objects.filter(pk=pending.pk, owner=owner)
        .filter(Q(started_at=None) | Q(started_at__lt=now - CLAIM_LASTS))
        .update(started_at=now)
    )
    if not claimed:
        return None
    try:
        plan = plan_import(owner, pending.payload, pending.restore_profile)
        return run_import(owner, plan, finish=pending.delete)
    except BaseException:
        PendingImport.objects.filter(pk=pending.pk).update(started_at=None)
        raise


def cancel_import(owner, pending_id):
    pending = pending_upload(owner, pending_id)
    if pending is not None:
        # One being written goes when it is done (the last batch removes it); not before, or
        # the import would finish with nothing left to say it was cancelled.
        PendingImport.objects.filter(
            Q(started_at=None) | Q(started_at__lt=timezone.now() - CLAIM_LASTS), pk=pending.pk
        ).delete()
