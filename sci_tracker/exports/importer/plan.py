"""Planning an import: what it would add, skip as already in the diary, and leave out and why.

The third stage of an import (after read and check, before write). plan_import compares the
checked rows with the diary as it is now and writes nothing, so the preview and the
confirmation run the same code, and a confirmation plans again against a diary that may have
changed since the preview.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sci_tracker.accounts.models import User
from sci_tracker.core.addresses import normalise_email
from sci_tracker.diary.models import (
    ENTRY_MODELS,
    Intervention,
    Medicine,
    MedicineDose,
    PainProblem,
    Trigger,
    pain_type_label,
)
from sci_tracker.diary.rules import (
    today_in,
    visit_day_has_come,
)
from sci_tracker.exports import backup
from sci_tracker.exports.importer.check import (
    CLINICIAN_LABELS,
    KIND_FILES,
    check_fields,
    check_references,
    keys_error,
    read_payload,
    reading_time_errors,
    shown,
)
from sci_tracker.reminders.models import ReminderSettings
from sci_tracker.sharing.models import MuscleGroup, ReviewNote, VisitMeasure

ERRORS_SHOWN = 200  # a preview lists this many errors, then says how many more


# The plan ------------------------------------------------------------------------------------


@dataclass
class KindCount:
    kind: str
    title: str
    add: int = 0
    skip: int = 0
    error: int = 0


@dataclass
class ImportPlan:
    """What an import would do: shown in the preview, then written by run_import."""

    source: str
    names: list
    rows: list
    csv_tried: list = field(default_factory=list)  # (Tried, Row) to add from tried.csv
    csv_readings: list = field(default_factory=list)  # (Reading, Row) from ad-readings.csv
    errors: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    # (slot, name, {confirmed_type, confirmed_by_name, confirmed_at} as the file gives them)
    new_problems: list = field(default_factory=list)
    problem_slots: dict = field(default_factory=dict)  # slot in the file -> slot in the diary
    new_items: dict = field(default_factory=lambda: {Trigger: [], Intervention: []})
    # The medicines the file adds (checked values), and every name entries may name: the
    # person's and the new ones, casefolded.
    new_medicines: list = field(default_factory=list)
    medicine_names: set = field(default_factory=set)
    # The built-ins the file hides that the person has not hidden yet: (slug, name) by list.
    new_hidden: dict = field(default_factory=lambda: {Trigger: [], Intervention: []})
    profile_changes: list = field(default_factory=list)  # (field, label, value as shown)
    profile: dict = field(default_factory=dict)
    # The reminder settings to restore with the profile (None: leave them as they are), and
    # what would change, as the preview lists it: (label, value as shown).
    reminders: dict | None = None
    reminder_changes: list = field(default_factory=list)
    mine: set = field(default_factory=set)  # e-mail addresses that mean the importing person
    # Review notes and visit measures, by model: the checked values of each one to add, and how
    # many are skipped as already in the diary.
    clinician_add: dict = field(default_factory=lambda: {model: [] for model in CLINICIAN_LABELS})
    clinician_skip: Counter = field(default_factory=Counter)
    # The cached figures below are read once the plan is made.

    @cached_property
    def to_add(self):
        return [row for row in self.rows if row.status == "add"]

    @cached_property
    def counts(self):
        by_kind = {kind: KindCount(kind, KIND_FILES[kind].title) for kind in ENTRY_MODELS}
        for row in self.rows:
            count = by_kind[row.kind]
            setattr(count, row.status, getattr(count, row.status) + 1)
        return list(by_kind.values())

    @property
    def adding(self):
        return sum(count.add for count in self.counts)

    @property
    def skipping(self):
        return sum(count.skip for count in self.counts)

    @property
    def errors_shown(self):
        return self.errors[:ERRORS_SHOWN]

    @property
    def errors_not_shown(self):
        return max(0, len(self.errors) - ERRORS_SHOWN)

    @cached_property
    def tried_to_add(self):
        nested = sum(len(row.tried) for row in self.to_add)
        return nested + len(self.csv_tried)

    @cached_property
    def readings_to_add(self):
        """Blood-pressure readings of the AD episodes it adds, nested or from ad-readings.csv."""
        return sum(len(row.readings) for row in self.to_add) + len(self.csv_readings)

    @property
    def clinician_to_add(self):
        """The preview's line for them, "2 review notes, 6 visit measures to add", or ""."""
        counts = {model: len(values) for model, values in self.clinician_add.items()}
        if not any(counts.values()):
            return ""
        return _("%(counts)s to add") % {"counts": clinician_counts(counts)}

    @property
    def also_added(self):
        """The pain problems and own items the import would create, and how many review notes
        and visit measures it would add, as the preview lists them."""
        added = [
            _("Pain problem %(slot)s: %(name)s") % {"slot": slot, "name": name}
            + confirmed_shown(confirmed)
            for slot, name, confirmed in self.new_problems
        ]
        added += [
            _("Medicine: %(name)s") % {"name": values["name"]} for values in self.new_medicines
        ]
        for model, items in self.new_items.items():
            added += [
                (
                    _("Your own %(kind)s: %(name)s (archived)")
                    if item.get("archived")
                    else _("Your own %(kind)s: %(name)s")
                )
                % {"kind": model._meta.verbose_name, "name": item["name"]}
                for item in items
            ]
        for model, hidden in self.new_hidden.items():
            added += [
                _("Hidden from your lists: the built-in %(kind)s “%(name)s”")
                % {"kind": model._meta.verbose_name, "name": name}
                for _slug, name in hidden
            ]
        if self.clinician_to_add:
            added.append(self.clinician_to_add)
        return added

    @property
    def something_to_write(self):
        return bool(
            self.adding
            or self.new_problems
            or self.new_medicines
            or self.new_items[Trigger]
            or self.new_items[Intervention]
            or self.new_hidden[Trigger]
            or self.new_hidden[Intervention]
            or self.profile_changes
            or self.reminder_changes
            or any(self.clinician_add.values())
        )


def counted(count, model):
    """ "1 review note", "6 visit measures": a plural for each kind, in the reader's language."""
    if model is ReviewNote:
        return ngettext("%(count)d review note", "%(count)d review notes", count) % {"count": count}
    return ngettext("%(count)d visit measure", "%(count)d visit measures", count) % {"count": count}


def clinician_counts(counts):
    """{model: count} as "2 review notes, 6 visit measures", leaving out the kinds with none."""
    return ", ".join(counted(counts[model], model) for model in CLINICIAN_LABELS if counts[model])


def plan_import(owner, payload, restore_profile=False, now=None):
    """Everything the import would write, and what it would leave out and why. Writes nothing."""
    now = now or timezone.now()
    upload = read_payload(payload)
    plan = ImportPlan(upload.source, upload.names, upload.rows)
    plan.errors.extend(upload.file_errors)
    plan_profile(owner, upload, restore_profile, plan)
    plan_reminders(owner, upload, restore_profile, plan)
    plan_problems(owner, upload.problems, plan)
    known = {
        model: plan_own_items(owner, model, upload.own_items[model], plan)
        for model in (Trigger, Intervention)
    }
    for model in (Trigger, Intervention):
        plan_hidden(owner, model, upload.hidden[model], plan)
    if upload.medicines or any(row.medicine for row in upload.rows):
        plan_medicines(owner, upload.medicines, plan)  # most files name none: no query
    answered = answered_times(owner, upload.rows)
    # The person's own address, and in a backup the address of the account it came from.
    original_email = upload.profile.get("email") if upload.source == "backup" else ""
    mine = {normalise_email(owner.email)}
    if isinstance(original_email, str) and original_email:
        mine.add(normalise_email(original_email))
    plan.mine = mine
    strangers = Counter()
    csv_entries = csv_ids(upload.rows) if upload.source == "csv" else {}
    existing = existing_keys(owner)
    # "Today" in the zone the diary will have once imported: the file's, when it restores the
    # profile. A check-in written this evening in Auckland is for a day that has come there.
    todays = today_in(plan.profile.get("time_zone") or owner.time_zone, now)
    days_taken = {}  # (kind, date) -> where: one check-in or week out of the bin a day
    for row in upload.rows:
        if not row.errors:
            check_references(row, known, plan, todays, now)
        if row.errors:
            continue
        if row.key() in existing[row.kind]:
            row.skipped = True
            continue
        if row.kind in ONE_A_DAY and row.values.get("deleted_at") is None:
            day = row.values["date"]
            if (row.kind, day) in days_taken:
                row.errors.append(
                    _("%(kind)s for %(day)s is already in the upload (%(where)s)")
                    % {"kind": ONE_A_DAY[row.kind], "day": day, "where": days_taken[row.kind, day]}
                )
                continue
            days_taken[row.kind, day] = row.where
        if row.kind == "dose" and row.values.get("deleted_at") is None:
            due = row.values.get("scheduled_for")
            key = (row.medicine.casefold(), due)
            if due is not None and key in answered:
                row.errors.append(
                    _("the dose of %(medicine)s due at %(due)s is answered already (%(where)s)")
                    % {"medicine": row.medicine, "due": due.isoformat(), "where": answered[key]}
                )
                continue
            if due is not None:
                answered[key] = row.where
        if row.logged_by and row.logged_by not in mine:
            strangers[row.logged_by] += 1
    for row in upload.rows:
        if row.errors:
            plan.errors.append(
                _("%(where)s: %(errors)s") % {"where": row.where, "errors": "; ".join(row.errors)}
            )
    if upload.source == "csv":
        plan_csv_tried(upload.csv_tried, csv_entries, known, plan)
        plan_csv_readings(upload.csv_readings, csv_entries, plan, now)
    plan_clinician(owner, upload.clinician, plan, todays)
    if strangers:
        count = sum(strangers.values())
        who = ", ".join(sorted(strangers)[:3])
        if len(strangers) > 3:
            who = _("%(some)s and others") % {"some": who}
        plan.notices.append(
            ngettext(
                "%(count)d entry was logged by %(who)s: not you, and not the account the file "
                "came from. It is imported without saying who logged it.",
                "%(count)d entries were logged by %(who)s: not you, and not the account the file "
                "came from. They are imported without saying who logged them.",
                count,
            )
            % {"count": count, "who": who}
        )
    return plan


def plan_profile(owner, upload, restore_profile, plan):
    if not restore_profile:
        return
    if upload.source != "backup":
        plan.notices.append(
            _("CSV files hold no profile settings, so your profile stays as it is.")
        )
        return
    where = _("%(file)s, profile") % {"file": upload.names[0]}
    # A backup from before the safety profile (or "who is this account for", or the light or
    # dark choice) has none of their keys: those keep their values.
    kept = {
        name: backup.profile_value(owner, name)
        for name in backup.LATER_SETTINGS
        if name not in upload.profile
    }
    settings = {name: upload.profile.get(name) for name in backup.PROFILE_SETTINGS} | kept
    missing = [name for name in backup.PROFILE_SETTINGS if name not in {*upload.profile, *kept}]
    errors = [f"has no {', '.join(missing)}"] if missing else []
    if not errors:
        settings = check_fields(User, settings, False, errors)
    if errors:
        plan.errors.append(
            _("%(where)s: %(errors)s. Your profile stays as it is.")
            % {"where": where, "errors": "; ".join(errors)}
        )
        return
    plan.profile = settings
    for name, value in settings.items():
        if getattr(owner, name) != value:
            model_field = User._meta.get_field(name)
            shown_value = (
                dict(model_field.flatchoices).get(value, value) if model_field.choices else value
            )
            if isinstance(value, bool):
                shown_value = "yes" if value else "no"
            elif value is None:
                shown_value = "empty"
            plan.profile_changes.append((name, model_field.verbose_name, shown_value))


def plan_reminders(owner, upload, restore_profile, plan):
    """The reminder settings come back with the profile, checked by the model's own rules. A
    file with none (`null`, or from before version 3) leaves the person's as they are."""
    if not restore_profile or upload.source != "backup" or upload.reminders is None:
        return
    where = _("%(file)s, reminders") % {"file": upload.names[0]}
    raw = upload.reminders
    errors = []
    problem = keys_error(raw, backup.REMINDER_SETTINGS)  # read.py saw that it is an object
    if problem:
        errors.append(problem)
    settings = {} if errors else check_fields(ReminderSettings, raw, False, errors)
    if errors:
        plan.errors.append(
            _("%(where)s: %(errors)s. Your reminders stay as they are.")
            % {"where": where, "errors": "; ".join(errors)}
        )
        return
    current = ReminderSettings.objects.filter(user=owner).first() or ReminderSettings()
    plan.reminders = settings
    for name, value in settings.items():
        if getattr(current, name) != value:
            model_field = ReminderSettings._meta.get_field(name)
            if isinstance(value, bool):
                shown_value = "yes" if value else "no"
            elif value is None:
                shown_value = "none"
            else:
                shown_value = value.isoformat(timespec="minutes")
            plan.reminder_changes.append((model_field.verbose_name, shown_value))


def plan_clinician(owner, definitions, plan, today):
    """Review notes and visit measures from a backup. One already in the diary is skipped: a note
    with the same written_at and text, a measure for the same visit_date, muscle_group and side
    (the diary's score is kept, and a different score in the file is reported)."""
    notes = set(ReviewNote.objects.filter(person=owner).values_list("written_at", "text"))
    for definition in definitions[ReviewNote]:
        if definition.errors:
            plan.errors.append(
                _("%(where)s: %(errors)s")
                % {"where": definition.where, "errors": "; ".join(definition.errors)}
            )
            continue
        values = definition.values
        key = (values["written_at"], values["text"])
        if key in notes:  # a note twice in the file comes in once, too
            plan.clinician_skip[ReviewNote] += 1
            continue
        notes.add(key)
        plan.clinician_add[ReviewNote].append(values)

    scores = {
        (day, group, side): score
        for day, group, side, score in VisitMeasure.objects.filter(person=owner).values_list(
            "visit_date", "muscle_group", "side", "score"
        )
    }
    in_upload = {}  # (visit_date, muscle_group, side) -> where in the file
    for definition in definitions[VisitMeasure]:
        values, errors = definition.values, definition.errors
        if not errors:
            day, group, side = values["visit_date"], values["muscle_group"], values["side"]
            key = (day, group, side)
            name = f"{day}, {MuscleGroup(group).label.lower()}, {side}"
            if not visit_day_has_come(day, today):
                errors.append(_("visit_date %(day)s is a day that has not come yet") % {"day": day})
            elif key in in_upload:
                errors.append(
                    _("a visit measure for %(name)s is already in the upload (%(where)s)")
                    % {"name": name, "where": in_upload[key]}
                )
        if errors:
            plan.errors.append(
                _("%(where)s: %(errors)s")
                % {"where": definition.where, "errors": "; ".join(errors)}
            )
            continue
        in_upload[key] = definition.where
        if key in scores:
            plan.clinician_skip[VisitMeasure] += 1
            if scores[key] != values["score"]:
                plan.notices.append(
                    _(
                        "The visit measure for %(name)s is %(in_file)s in the file but "
                        "%(yours)s in your diary; yours is kept."
                    )
                    % {"name": name, "in_file": values["score"], "yours": scores[key]}
                )
            continue
        plan.clinician_add[VisitMeasure].append(values)

    if any(plan.clinician_skip.values()):
        plan.notices.append(
            _("%(counts)s already in your diary (skipped).")
            % {"counts": clinician_counts(plan.clinician_skip)}
        )


def confirmed_shown(confirmed):
    """A new problem's confirmed type as the preview lists it, or ""."""
    if not confirmed:
        return ""
    label = pain_type_label(confirmed["confirmed_type"])
    return " " + _("(type confirmed by %(name)s: %(type)s)") % {
        "name": confirmed["confirmed_by_name"],
        "type": label,
    }


def plan_problems(owner, definitions, plan):
    """Pain problems by slot: a free slot gets the file's problem; a slot named otherwise stays as
    the person has it, and the file's entries for it are imported without a pain problem."""
    current = {problem.slot: problem.name for problem in PainProblem.objects.filter(owner=owner)}
    slot_of_name = {name.casefold(): slot for slot, name in current.items()}
    for definition in definitions:
        if definition.errors:
            plan.errors.append(
                _("%(where)s: %(errors)s")
                % {"where": definition.where, "errors": "; ".join(definition.errors)}
            )
            continue
        slot, name = definition.values["slot"], definition.values["name"].strip()
        plan.problem_slots[slot] = None  # known to the file; linked below if it can be
        if current.get(slot) == name:
            plan.problem_slots[slot] = slot
        elif slot not in current and name.casefold() not in slot_of_name:
            plan.problem_slots[slot] = slot
            confirmed = {
                key: value
                for key, value in definition.values.items()
                if key in backup.CONFIRMED_TYPE_FIELDS
            }
            plan.new_problems.append(
                (slot, name, confirmed if confirmed.get("confirmed_type") else {})
            )
            current[slot] = name
            slot_of_name[name.casefold()] = slot
        elif name.casefold() in slot_of_name:
            plan.problem_slots[slot] = slot_of_name[name.casefold()]
            plan.notices.append(
                _(
                    "Pain problem “%(name)s” is number %(in_file)s in the file and number "
                    "%(yours)s in your diary; its entries go to yours."
                )
                % {"name": name, "in_file": slot, "yours": slot_of_name[name.casefold()]}
            )
        else:
            plan.notices.append(
                _(
                    "Pain problem %(slot)s is “%(name)s” in the file but “%(yours)s” in your "
                    "diary, so the file's entries for “%(name)s” are imported without a pain "
                    "problem."
                )
                % {"slot": slot, "name": name, "yours": current[slot]}
            )


def plan_own_items(owner, model, definitions, plan):
    """The slugs entries may name: built-in, the person's own, and the file's own (new ones are
    created, matched on slug)."""
    builtin = set(model.objects.filter(owner=None).values_list("slug", flat=True))
    own = dict(model.objects.filter(owner=owner).values_list("slug", "name"))
    names = {
        name.casefold() for name in model.objects.available_to(owner).values_list("name", flat=True)
    }
    known = builtin | set(own)
    label = model._meta.verbose_name
    for definition in definitions:
        values = definition.values
        if not definition.errors and values["slug"] in builtin:
            definition.errors.append(
                _(
                    "slug '%(slug)s' is a built-in %(kind)s's: entries that name it get the "
                    "built-in one"
                )
                % {"slug": values["slug"], "kind": label}
            )
        elif not definition.errors and values["slug"] not in own:
            if values["name"].strip().casefold() in names:
                definition.errors.append(
                    _("you already have a %(label)s called “%(name)s”")
                    % {"label": label, "name": values["name"]}
                )
            else:
                plan.new_items[model].append(values)
                known.add(values["slug"])
                names.add(values["name"].strip().casefold())
        if definition.errors:
            plan.errors.append(
                _("%(where)s: %(errors)s")
                % {"where": definition.where, "errors": "; ".join(definition.errors)}
            )
    return known


def plan_hidden(owner, model, definitions, plan):
    """The built-ins the file hides: a slug that is not a built-in one is an error; one the
    person hid already (or the file names twice) is hidden once."""
    if not definitions:
        return  # most files hide nothing: no queries for them
    builtins = dict(model.objects.filter(owner=None).values_list("slug", "name"))
    hidden = set(model.objects.hidden_from(owner).values_list("slug", flat=True))
    label = model._meta.verbose_name
    for definition in definitions:
        slug = definition.values.get("slug")
        if not definition.errors and slug not in builtins:
            definition.errors.append(
                _(
                    "%(key)s '%(slug)s' is not a built-in %(kind)s; only those are "
                    "hidden (your own are archived)"
                )
                % {"key": model._meta.model_name, "slug": slug, "kind": label}
            )
        if definition.errors:
            plan.errors.append(
                _("%(where)s: %(errors)s")
                % {"where": definition.where, "errors": "; ".join(definition.errors)}
            )
        elif slug not in hidden:
            hidden.add(slug)
            plan.new_hidden[model].append((slug, builtins[slug]))


def plan_medicines(owner, definitions, plan):
    """The medicines entries may name: the person's, and the file's (new ones are added,
    matched on name whatever its case; one the person has keeps the person's unit and route)."""
    mine = {medicine.name.casefold(): medicine for medicine in Medicine.objects.filter(owner=owner)}
    plan.medicine_names = set(mine)
    for definition in definitions:
        if definition.errors:
            plan.errors.append(
                _("%(where)s: %(errors)s")
                % {"where": definition.where, "errors": "; ".join(definition.errors)}
            )
            continue
        values = definition.values
        values["name"] = values["name"].strip()
        key = values["name"].casefold()
        if key in mine:
            kept = mine[key]
            if (kept.unit, kept.route, kept.reason) != (
                values["unit"],
                values["route"],
                values["reason"],
            ):
                plan.notices.append(
                    _("%(name)s is on your list already, as %(unit)s, %(route)s; yours is kept.")
                    % {
                        "name": values["name"],
                        "unit": kept.get_unit_display(),
                        "route": kept.get_route_display().lower(),
                    }
                )
            continue
        if key in plan.medicine_names:
            plan.errors.append(
                _("%(where)s: %(name)s is in the file twice")
                % {"where": definition.where, "name": values["name"]}
            )
            continue
        plan.medicine_names.add(key)
        plan.new_medicines.append(values)


def answered_times(owner, rows):
    """(medicine name casefolded, due time) -> where, for each scheduled dose answered in the
    diary (out of the bin): each is answered once (diary_dose_once_per_time)."""
    if not any(row.kind == "dose" for row in rows):
        return {}
    return {
        (name.casefold(), due): "in your diary"
        for name, due in MedicineDose.objects.for_user(owner)
        .active()
        .filter(scheduled_for__isnull=False)
        .values_list("medicine__name", "scheduled_for")
    }


# Kinds of entry kept once a day out of the bin (their UniqueConstraint), as the errors name one.
ONE_A_DAY = {"checkin": gettext_lazy("a check-in"), "sciset": gettext_lazy("an SCI-SET week")}


def existing_keys(owner):
    """What is already in the diary, in the bin or not, as Row.key() gives it."""
    keys = {}
    for kind, model in ENTRY_MODELS.items():
        entries = model.objects.for_user(owner)
        if kind == "event":
            keys[kind] = {
                (day, event_kind, (name or "").casefold())
                for day, event_kind, name in entries.values_list(
                    "date", "event_kind", "medicine__name"
                )
            }
        elif kind == "dose":
            keys[kind] = {
                (moment, name.casefold())
                for moment, name in entries.values_list("occurred_at", "medicine__name")
            }
        elif kind == "care":
            keys[kind] = set(entries.values_list("occurred_at", "event"))
        else:
            time_field = "occurred_at" if kind in ("spasm", "pain", "ad") else "date"
            keys[kind] = set(entries.values_list(time_field, flat=True))
    return keys


def csv_ids(rows):
    """Each kind's rows by their id column, which tried.csv refers to; an id used twice in a
    file is an error, since what was tried could not tell the two apart."""
    by_id = defaultdict(dict)
    for row in rows:
        if row.csv_id:
            if row.csv_id in by_id[row.kind]:
                row.errors.append(
                    _("id %(csv_id)s is also %(where)s")
                    % {"csv_id": row.csv_id, "where": by_id[row.kind][row.csv_id].where}
                )
            else:
                by_id[row.kind][row.csv_id] = row
    return by_id


def plan_csv_tried(csv_tried, by_id, known, plan):
    """tried.csv rows join their entry by entry_kind and the id column of its own file."""
    used = set()
    for tried, entry_kind, entry_id in csv_tried:
        entry = by_id.get(entry_kind, {}).get(entry_id) if entry_kind in ("spasm", "pain") else None
        if not tried.errors and entry_kind not in ("spasm", "pain"):
            tried.errors.append(
                _("entry_kind %(value)s is not spasm or pain") % {"value": shown(entry_kind)}
            )
        elif not tried.errors and entry is None:
            csv_name = KIND_FILES[entry_kind].name
            tried.errors.append(
                _("no entry with id %(id)s in the upload's %(csv_name)s.csv")
                % {"id": entry_id, "csv_name": csv_name}
            )
        elif not tried.errors and tried.intervention not in known[Intervention]:
            tried.errors.append(
                _("intervention '%(slug)s' is not a built-in one or one of yours")
                % {"slug": tried.intervention}
            )
        elif not tried.errors and (entry_kind, entry_id, tried.intervention) in used:
            tried.errors.append(
                _("'%(intervention)s' is listed twice for that entry")
                % {"intervention": tried.intervention}
            )
        elif not tried.errors and entry.status == "error":
            tried.errors.append(
                _("its entry (%(where)s) has an error, so it is left out too")
                % {"where": entry.where}
            )
        if tried.errors:
            plan.errors.append(
                _("%(where)s: %(errors)s")
                % {"where": tried.where, "errors": "; ".join(tried.errors)}
            )
            continue
        used.add((entry_kind, entry_id, tried.intervention))
        if entry.status == "add":  # an entry already in the diary keeps what it has
            plan.csv_tried.append((tried, entry))


def plan_csv_readings(csv_readings, by_id, plan, now):
    """ad-readings.csv rows join their episode by episode_id, the id column of
    ad-episodes.csv."""
    for reading, episode_id in csv_readings:
        episode = by_id.get("ad", {}).get(episode_id)
        if not reading.errors:
            reading.errors.extend(reading_time_errors(reading, now))
        if not reading.errors and episode is None:
            reading.errors.append(
                _("no episode with id %(id)s in the upload's ad-episodes.csv") % {"id": episode_id}
            )
        elif not reading.errors and episode.status == "error":
            reading.errors.append(
                _("its episode (%(where)s) has an error, so it is left out too")
                % {"where": episode.where}
            )
        if reading.errors:
            plan.errors.append(
                _("%(where)s: %(errors)s")
                % {"where": reading.where, "errors": "; ".join(reading.errors)}
            )
            continue
        if episode.status == "add":  # an episode already in the diary keeps what it has
            plan.csv_readings.append((reading, episode))
