"""The optional parts of each logging form, folded so the common path fits a phone.

Each kind of entry names its folds (a key, a title, the fields inside; "tried" holds the formset
of what was tried). Whether a fold starts open is worked out here, once: the person's remembered
choice (FoldState), or anything inside that needs to be seen (an error, a stored value on an
edit page, red flags asked for with "Something urgent?").
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from sci_tracker.diary.models import FoldState

TRIED = "tried"
RED_FLAGS = "red_flags"


@dataclass(frozen=True)
class Fold:
    key: str
    title: str
    fields: tuple[str, ...] = ()
    title_for_someone: str = ""  # the title a carer reads, when "you" would mean the carer


TRIED_TITLE_FOR_SOMEONE = _("What was tried?")


NOTE = Fold("note", _("Note"), ("note", "note_for_clinician"))
FOLDS: dict[str, tuple[Fold, ...]] = {
    "spasm": (
        Fold("more", _("How long, and did it help or get in the way?"), ("duration", "impacts")),
        Fold("triggers", _("What might have set it off?"), ("triggers",)),
        Fold(TRIED, _("What did you try?"), title_for_someone=TRIED_TITLE_FOR_SOMEONE),
        Fold(RED_FLAGS, _("Other symptoms right now"), ("red_flags",)),
        NOTE,
    ),
    "pain": (
        Fold("kind", _("Which pain problem, and what kind of pain?"), ("problem", "pain_type")),
        Fold("triggers", _("What might have set it off?"), ("triggers",)),
        Fold(TRIED, _("What did you try?"), title_for_someone=TRIED_TITLE_FOR_SOMEONE),
        Fold(RED_FLAGS, _("Other symptoms right now"), ("red_flags",)),
        NOTE,
    ),
    "checkin": (
        Fold(
            "more",
            _("Average pain, how it got in the way, night wakings"),
            (
                "pain_average",
                "interference_activities",
                "interference_mood",
                "interference_sleep",
                "night_wakings",
            ),
        ),
        NOTE,
    ),
    "event": (NOTE,),
    # An AD episode keeps its causes and first steps in view: the steps are safety guidance.
    "ad": (NOTE,),
    # The stage only when a nurse or doctor gave one: folded, so the skin form fits a phone.
    "care": (Fold("stage", _("Pressure-injury stage, if one was given"), ("stage",)), NOTE),
    "dose": (NOTE,),
}
KNOWN_KEYS = frozenset(f"{kind}-{fold.key}" for kind, folds in FOLDS.items() for fold in folds)


@dataclass
class LaidOutFold:
    key: str
    title: str
    fields: list = field(default_factory=list)
    tried: bool = False
    open: bool = False


def _has_value(bound_field) -> bool:
    value = bound_field.value()
    if isinstance(value, list | tuple):
        return any(item not in (None, "") for item in value)
    return value not in (None, "", False)


def lay_out(form, formset, kind: str, remembered: dict, urgent: bool = False):
    """(the fields always shown, the folds) of an entry form, each fold open or shut."""
    folds = FOLDS.get(kind, ())
    folded = {name for fold in folds for name in fold.fields}
    shown = [bf for bf in form.visible_fields() if bf.name not in folded]
    # On an edit page, or a form sent back with errors, what is stored or typed is shown.
    editing = form.instance.pk is not None or form.is_bound
    for_someone = form.writing.for_someone
    laid_out = []
    for fold in folds:
        key = f"{kind}-{fold.key}"
        fields = [form[name] for name in fold.fields if name in form.fields]
        is_tried = fold.key == TRIED
        if (is_tried and formset is None) or (not is_tried and not fields):
            continue  # nothing of it on this form (the bladder form has no stage)
        needs_seeing = any(bf.errors for bf in fields) or (
            editing and any(_has_value(bf) for bf in fields)
        )
        if is_tried:
            needs_seeing = bool(formset.is_bound and formset.total_error_count()) or (
                formset.initial_form_count() > 0
                or (formset.is_bound and any(row.has_changed() for row in formset))
            )
        if fold.key == RED_FLAGS:
            needs_seeing = needs_seeing or urgent or any(_has_value(bf) for bf in fields)
        laid_out.append(
            LaidOutFold(
                key=key,
                title=(fold.title_for_someone or fold.title) if for_someone else fold.title,
                fields=fields,
                tried=is_tried,
                open=bool(remembered.get(key)) or needs_seeing,
            )
        )
    return shown, laid_out


def remembered_folds(user) -> dict:
    state = FoldState.objects.filter(user=user).first()
    return state.open_parts if state else {}


def remember_fold(user, key: str, is_open: bool) -> None:
    """Keep a fold open or shut for this person's next form of that kind."""
    state, _created = FoldState.objects.get_or_create(user=user)
    state.open_parts[key] = is_open
    state.save(update_fields=["open_parts"])
