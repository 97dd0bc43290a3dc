import logging
import re
from datetime import date, timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext, pgettext
from django.views.decorators.http import require_POST, require_safe

from sci_tracker.accounts.emergency import emergency_number
from sci_tracker.accounts.resume import account_tag, sent_at
from sci_tracker.core.dates import day_and_month, long_day
from sci_tracker.diary.catalogue import learn_more
from sci_tracker.diary.conflicts import differences
from sci_tracker.diary.folds import KNOWN_KEYS, lay_out, remember_fold, remembered_folds
from sci_tracker.diary.forms import (
    ENTRY_FORMS,
    INTERVENTION_FORMSETS,
    READING_FORMSET,
    RENAME_FORMS,
    ConfirmPainTypesForm,
    OwnInterventionForm,
    OwnTriggerForm,
    PainProblemsForm,
    QuickCareForm,
    QuickCheckInForm,
    QuickPainForm,
    QuickSpasmForm,
    SayItForm,
    care_area,
    seen_version,
)
from sci_tracker.diary.history import (
    KIND_CHOICES,
    HistoryFilter,
    binned_entries,
    empty_the_bin,
    history_page,
)
from sci_tracker.diary.last_time import last_time, usual_interventions
from sci_tracker.diary.lists import LISTS, my_list
from sci_tracker.diary.medicines import due_on
from sci_tracker.diary.models import (
    ENTRY_MODELS,
    ONE_TAP,
    CheckIn,
    EditConflict,
    Intervention,
    SpasmSeverity,
    SpasticityWeek,
    Trigger,
    get_entry_for_user,
    hide_builtin,
    save_pain_problems,
)
from sci_tracker.diary.one_change import one_change
from sci_tracker.diary.pain_types import problem_pain_types
from sci_tracker.diary.red_flags import urgent_advice
from sci_tracker.diary.say_it import said_initial
from sci_tracker.diary.taps import (
    Tap,
    TapRefused,
    check_account,
    save_care,
    save_check_in,
    save_pain,
    save_spasm,
)
from sci_tracker.pwa.views import ACCOUNT_HEADER
from sci_tracker.sharing.access import person_view, scope_kwargs

logger = logging.getLogger(__name__)

NEW_ENTRY_TITLES = {
    "spasm": gettext_lazy("Log a spasm"),
    "pain": gettext_lazy("Log leg pain"),
    "checkin": gettext_lazy("Daily check-in"),
    "event": gettext_lazy("Log a treatment event"),
    "ad": gettext_lazy("Log an autonomic dysreflexia episode"),
    "care": gettext_lazy("Log bladder, bowel or skin"),
}
# The same pages in someone else's diary: the title says whose diary the entry goes to.
NEW_ENTRY_TITLES_FOR = {
    "spasm": gettext_lazy("Log a spasm for %(name)s"),
    "pain": gettext_lazy("Log leg pain for %(name)s"),
    "checkin": gettext_lazy("Daily check-in for %(name)s"),
    "event": gettext_lazy("Log a treatment event for %(name)s"),
    "ad": gettext_lazy("Log an autonomic dysreflexia episode for %(name)s"),
    "care": gettext_lazy("Log bladder, bowel or skin for %(name)s"),
}
# The bladder, bowel and skin form of one area (?area=), and the same for a carer.
CARE_TITLES = {
    "bladder": (gettext_lazy("Log bladder"), gettext_lazy("Log bladder for %(name)s")),
    "bowel": (gettext_lazy("Log bowel"), gettext_lazy("Log bowel for %(name)s")),
    "skin": (gettext_lazy("Log skin"), gettext_lazy("Log skin for %(name)s")),
}


# The Log page's time chips for a one-tap spasm: (minutes ago, chip, the big button's title).
QUICK_WHEN = [
    (0, gettext_lazy("Now"), gettext_lazy("Spasm now"), gettext_lazy("Spasm now for %(name)s")),
    (
        15,
        gettext_lazy("15 min ago"),
        gettext_lazy("Spasm 15 min ago"),
        gettext_lazy("Spasm 15 min ago for %(name)s"),
    ),
    (
        60,
        gettext_lazy("1 hour ago"),
        gettext_lazy("Spasm 1 hour ago"),
        gettext_lazy("Spasm 1 hour ago for %(name)s"),
    ),
]
RED_FLAGS_ANCHOR = "#id_red_flags"


def in_persons_zone(view):
    """Under person_view: times on a page of someone's diary are typed and shown in their zone,
    whoever opens it (a carer may live in another). For the person, that is their own zone."""

    @wraps(view)
    def wrapped(request, person, *args, **kwargs):
        with timezone.override(person.zone):
            return view(request, person, *args, **kwargs)

    return wrapped


def urgent_url(request, kind: str | None = None) -> str:
    """Where "Something urgent?" leads: the red-flag choices of this form, or (on the Log page
    and forms without them) those of a new spasm, unfolded."""
    if kind in ("spasm", "pain"):
        return RED_FLAGS_ANCHOR  # on this page: what was typed stays
    spasm_form = reverse("diary:new", kwargs={"kind": "spasm", **scope_kwargs(request)})
    return f"{spasm_form}?urgent=1{RED_FLAGS_ANCHOR}"


def log_home(request):
    """The Log page of the diary being written: your own, or the person a carer logs for."""
    return reverse("diary:quick_log", kwargs=scope_kwargs(request))


def history_home(request):
    """The history of the diary being written: all of your own, or what a carer logged."""
    return reverse("diary:history", kwargs=scope_kwargs(request))


def fixable_entry(request, person, kind, pk):
    """The one lookup for an entry someone may change, bin or restore: any of the person's own,
    only the ones a carer logged for the carer (request.access.fixable); else 404."""
    model = ENTRY_MODELS.get(kind)
    if model is None:
        raise Http404("No such kind of entry.")
    entries = request.access.fixable(model.objects.for_user(person))
    return get_object_or_404(entries, pk=pk)


@require_safe
@person_view("log", page=gettext_noop("Log page"))
@in_persons_zone
def quick_log(request, person):
    return render(request, "diary/quick_log.html", _log_page(request, person))


@require_safe
@person_view("log")
def log_offline_copy(request, person):
    """The person's own Log page as the service worker keeps it for offline use: the buttons and
    the person's name, nothing of the diary (not even whether today's check-in is done), and no
    message (one waiting for the next page stays for it). Only one's own: a carer's Log page
    for someone else is never kept on a device."""
    request.kept_offline = True  # see accounts.drafts.drafts
    response = render(
        request, "diary/quick_log.html", _log_page(request, person, offline_copy=True)
    )
    # Whose copy this is, for the worker (see static/js/service-worker.js: keepPages).
    response[ACCOUNT_HEADER] = account_tag(request.user)
    return response


def _log_page(request, person, *, offline_copy: bool = False) -> dict:
    today = person.local_today()
    todays_checkin = None
    due_doses = []
    if not offline_copy:
        todays_checkin = CheckIn.objects.for_user(person).active().filter(date=today).first()
        # Today's scheduled doses, one tap each; not in the offline copy (it keeps no diary).
        due_doses = due_on(person, today)
    context = {
        "title": _("Log")
        if request.access.is_own
        else _("Log for %(name)s") % {"name": person.name},
        "offline_copy": offline_copy,
        "todays_checkin": todays_checkin,
        "due_doses": due_doses,
        "back": request.get_full_path(),
        "yesterday": (today - timedelta(days=1)).isoformat(),
        "ad_risk": person.ad_risk,
        "when_choices": [
            # A carer's button names whose diary the spasm goes to, whichever chip is picked.
            (
                minutes,
                {
                    "chip": chip,
                    "title": title if request.access.is_own else title_for % {"name": person.name},
                },
            )
            for minutes, chip, title, title_for in QUICK_WHEN
        ],
        "severities": SpasmSeverity.choices,
        "intensities": range(11),
        "frequencies": CheckIn.Frequency.choices,
        "checkin_severities": CheckIn.Severity.choices,
        "account": account_tag(request.user),
        "urgent_url": urgent_url(request),
        "care_taps": [(kind, CARE_TAP_TITLES[kind]) for kind in ONE_TAP],
        "care_areas": CARE_AREA_LINKS,
        "say_it_form": SayItForm(owner=person, writer=request.user),
    }
    if not request.access.is_own:
        # What this carer logged for the person today, to check and fix it from here.
        context["logged_today"], _more = history_page(
            person, HistoryFilter(start=today, end=today), within=request.access.fixable
        )
    return context


def _wants_json(request) -> bool:
    """The offline queue (static/js/queue.js) asks for JSON; a form sent by the page itself is
    answered with a page, as ever."""
    return "application/json" in request.headers.get("Accept", "")


def _tap_answer(request, made: bool, done: str, next_url: str):
    """A saved tap: JSON for the queue (no message kept for a later page: the queue says it
    on the page it runs in), else the message and the page to go to."""
    if _wants_json(request):
        return JsonResponse({"saved": True, "duplicate": not made, "message": done})
    messages.success(request, done)
    return redirect(next_url)


def _tap_refused(request, message: str, status: int = 400):
    if _wants_json(request):
        return JsonResponse({"saved": False, "error": message}, status=status)
    messages.error(request, message)
    return redirect(log_home(request))


def _take_tap(request, form_class, save):
    """The steps every one-tap entry shares: check the form and the account, save once."""
    try:
        check_account(request.POST.get("account", ""), request.user)
    except TapRefused as refusal:
        return None, _tap_refused(request, refusal.message, refusal.status)
    form = form_class(request.POST)
    if not form.is_valid():
        # A person's slip (a time out of range, a strength not given) is said in words; any
        # other error is a form the page never sends.
        said = [form.errors[name][0] for name in form.said_in_words if name in form.errors]
        if said:
            return None, _tap_refused(request, said[0])
        return None, (
            JsonResponse({"saved": False, "error": str(UNKNOWN_TAP)}, status=400)
            if _wants_json(request)
            else HttpResponseBadRequest(UNKNOWN_TAP)
        )
    # A tap kept over a sign-in (accounts.resume) keeps its moment, as a queued one does.
    tap = Tap.from_form(form.cleaned_data, sent_at(request))
    try:
        entry, made = save(form.cleaned_data, tap)
    except TapRefused as refusal:
        return None, _tap_refused(request, refusal.message, refusal.status)
    return (entry, made), None


UNKNOWN_TAP = gettext_lazy("That button sent something the app does not know.")


@require_POST
@person_view("log", page=gettext_noop("Logged a spasm"))
@in_persons_zone
def spasm_now(request, person):
    """One tap: a spasm now (or 15 minutes or an hour ago), with the severity tapped, if any.
    What was not tapped stays "not given"; details can be added right after."""
    saved, refused = _take_tap(
        request,
        QuickSpasmForm,
        lambda data, tap: save_spasm(
            person, request.user, tap, data["severity"], data["minutes_ago"]
        ),
    )
    if refused:
        return refused
    spasm, made = saved
    saved_at = f"{spasm.occurred_at.astimezone(person.zone):%H:%M}"
    severity = spasm.get_severity_display().lower() if spasm.severity else ""
    if not request.access.is_own:
        if severity:
            done = _("Spasm (%(severity)s) saved for %(name)s at %(time)s.")
        else:
            done = _("Spasm saved for %(name)s at %(time)s.")
        done = done % {"severity": severity, "name": person.name, "time": saved_at}
        return _tap_answer(request, made, done, log_home(request))
    if severity:
        done = _(
            "Spasm (%(severity)s) saved at %(time)s. Add details below if you like, or "
            "leave it there."
        )
    else:
        done = _("Spasm saved at %(time)s. Add details below if you like, or leave it there.")
    done = done % {"severity": severity, "time": saved_at}
    return _tap_answer(request, made, done, spasm.get_absolute_url())


@require_POST
@person_view("log", page=gettext_noop("Logged leg pain"))
def pain_now(request, person):
    """One tap: leg pain now, how bad 0-10; where and what it feels like can be added after."""
    saved, refused = _take_tap(
        request,
        QuickPainForm,
        lambda data, tap: save_pain(person, request.user, tap, data["intensity"]),
    )
    if refused:
        return refused
    pain, made = saved
    values = {
        "intensity": pain.intensity,
        "time": f"{pain.occurred_at.astimezone(person.zone):%H:%M}",
        "name": person.name,
    }
    if not request.access.is_own:
        done = _("Leg pain %(intensity)s/10 saved for %(name)s at %(time)s.") % values
        return _tap_answer(request, made, done, log_home(request))
    done = (
        _(
            "Leg pain %(intensity)s/10 saved at %(time)s. Add details below if you like, or leave "
            "it there."
        )
        % values
    )
    return _tap_answer(request, made, done, pain.get_absolute_url())


# The Log page's bladder, bowel and skin buttons (a carer's page says whose diary it is).
CARE_TAP_TITLES = {
    "catheter": gettext_lazy("Catheterised or emptied"),
    "bowel-routine": gettext_lazy("Bowel routine done"),
    "skin-check": gettext_lazy("Skin check done"),
}
# The full forms, one per area: (area, link words).
CARE_AREA_LINKS = [
    ("bladder", gettext_lazy("Bladder: a leak, signs of an infection, an infection treated")),
    ("bowel", gettext_lazy("Bowel: a routine with its result, missed, an accident, constipation")),
    ("skin", gettext_lazy("Skin: a problem found (where, and the stage if known), healed")),
]


@require_POST
@person_view("log", page=gettext_noop("Logged bladder, bowel or skin"))
@in_persons_zone
def care_now(request, person):
    """One tap: a catheterisation, a bowel routine or a skin check, now or a little earlier; a
    catheterisation may carry the volume typed beside its button."""
    saved, refused = _take_tap(
        request,
        QuickCareForm,
        lambda data, tap: save_care(
            person, request.user, tap, data["event"], data["minutes_ago"], data["volume_ml"]
        ),
    )
    if refused:
        return refused
    event, made = saved
    what = event.get_event_display()
    if event.volume_ml is not None:
        what = _("%(what)s (%(volume)d ml)") % {"what": what, "volume": event.volume_ml}
    values = {
        "what": what,
        "time": f"{event.occurred_at.astimezone(person.zone):%H:%M}",
        "name": person.name,
    }
    if request.access.is_own:
        done = _("Saved at %(time)s: %(what)s.") % values
    else:
        done = _("Saved for %(name)s at %(time)s: %(what)s.") % values
    return _tap_answer(request, made, done, log_home(request))


@require_POST
@person_view("log", page=gettext_noop("Logged a check-in"))
def checkin_now(request, person):
    """The check-in's first question from the Log page: a check-in for the day it was
    answered on, to which the rest can be added."""
    saved, refused = _take_tap(
        request,
        QuickCheckInForm,
        lambda data, tap: save_check_in(
            person, request.user, tap, data["psfs_frequency"], data["psfs_severity"]
        ),
    )
    if refused:
        return refused
    checkin, made = saved
    day = day_and_month(checkin.date)
    if not request.access.is_own:
        done = _("Check-in for %(day)s saved for %(name)s.") % {"day": day, "name": person.name}
        return _tap_answer(request, made, done, log_home(request))
    done = _("Check-in for %(day)s saved. Answer the other questions below if you like.") % {
        "day": day
    }
    return _tap_answer(request, made, done, checkin.get_absolute_url())


NOT_SAVED = gettext_lazy(
    "This was not saved: the database did not answer. Nothing was written, and what you typed is "
    "still here. Wait a moment, then save again."
)


def _entry_forms(request, person, kind, entry, data=None):
    """The entry's form, and the things tried for spasms and pain, bound to what was sent."""
    if data is None and request.method == "POST":
        data = request.POST
    # The writer: a carer's questions name the person, and say in whose zone times are read.
    who = {"owner": person, "writer": request.user}
    if kind == "care":  # one area's kinds and details, or a saved event's own
        who["area"] = care_area(request.GET.get("area", ""), entry)
    # A new entry opened from Say it (?said=1) starts with what was read; see diary.say_it.
    initial, tried = said_initial(request.GET, kind) if entry.pk is None else ({}, [])
    # "Now" is when the form was sent: for one kept over a sign-in, not the sign-in.
    form = ENTRY_FORMS[kind](data, instance=entry, initial=initial, sent_at=sent_at(request), **who)
    formset_class = INTERVENTION_FORMSETS.get(kind)
    formset = None
    if kind == "ad":
        formset = READING_FORMSET(data, instance=entry, form_kwargs=who, prefix="readings")
    elif formset_class:
        formset = formset_class(
            data,
            instance=entry,
            form_kwargs={**who, "read_once": {}},
            prefix="tried",
            initial=tried or None,
        )
        formset.extra = max(formset.extra, len(tried))
        # Read when the page is drawn: a post that saves draws nothing.
        names = Intervention.objects.offered_to(person).values_list("name", "guide")
        formset.learn_more = SimpleLazyObject(lambda: learn_more(_("these treatments"), names))
    return form, formset


def _save_entry(request, person, form, formset, is_new):
    # One transaction; the diary's version and day figures settled once, at its end.
    with one_change():
        entry = form.save(commit=False)
        entry.owner = person
        if is_new:
            entry.logged_by = request.user
            entry.save()
        else:
            # An edit page is only opened on an entry outside the bin: if it was moved there
            # since, the person saw the conflict page and chose to save theirs, so it comes back.
            entry.deleted_at = None
            entry.save_edit(form.cleaned_data.get("version"))
        form.save_m2m()
        if formset is not None:
            formset.instance = entry
            formset.save()
    return entry


def _entry_page(request, person, kind, entry):
    """The new and edit pages: one form per kind, plus interventions tried for spasms and pain
    and the blood-pressure readings of an AD episode. (Their views are in_persons_zone, and
    the forms' LocalDateTimeFields read the person's zone themselves.)"""
    return _entry_form_page(request, person, kind, entry)


def _entry_form_page(request, person, kind, entry):
    form, formset = _entry_forms(request, person, kind, entry)
    status = 200
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        is_new = entry.pk is None
        try:
            entry = _save_entry(request, person, form, formset, is_new)
        except EditConflict:
            return _conflict_page(request, person, kind, form, formset)
        except DatabaseError:
            logger.exception("An entry could not be saved")
            # The failed save left ids on the objects it touched: bind what was typed afresh.
            entry = ENTRY_MODELS[kind]() if is_new else get_entry_for_user(person, kind, entry.pk)
            form, formset = _entry_forms(request, person, kind, entry)
            form.is_valid()
            form.add_error(None, NOT_SAVED)
            status = 503
        else:
            if getattr(entry, "red_flags", None):
                # No cheerful banner above urgent advice: the page says it was saved itself.
                return redirect("diary:urgent", kind=kind, pk=entry.pk, **scope_kwargs(request))
            words = {"kind": entry.kind_label, "name": person.name}
            if request.access.is_own:
                done = _("%(kind)s saved.") if is_new else _("%(kind)s updated.")
            else:
                done = (
                    _("%(kind)s saved for %(name)s.")
                    if is_new
                    else _("%(kind)s updated for %(name)s.")
                )
            messages.success(request, done % words)
            return redirect(
                log_home(request) if is_new and not request.access.is_own else history_home(request)
            )
    if entry.pk is not None:
        title = _("Edit: %(kind)s") % {"kind": entry.kind_label.lower()}
        if not request.access.is_own:
            title = _("%(title)s, in %(name)s’s diary") % {"title": title, "name": person.name}
    elif kind == "care" and form.area:
        own, for_someone = CARE_TITLES[form.area]
        title = own if request.access.is_own else for_someone % {"name": person.name}
    elif request.access.is_own:
        title = NEW_ENTRY_TITLES[kind]
    else:
        title = NEW_ENTRY_TITLES_FOR[kind] % {"name": person.name}
    return render(
        request,
        "diary/entry_form.html",
        {
            "title": title,
            "form": form,
            "formset": formset,
            "entry": entry,
            "kind": kind,
            "urgent_url": urgent_url(request, kind),
            "layout": _layout(request, form, formset, kind),
        },
        status=status,
    )


def _layout(request, form, formset, kind):
    """The form's fields always shown and its folds, open as this account left them."""
    shown, folds = lay_out(
        form,
        formset,
        kind,
        remembered_folds(request.user),
        urgent=request.GET.get("urgent") == "1",
    )
    # Offered on a new entry only: an edit already holds its own answers.
    same = last_time(request.access.person, kind) if form.instance.pk is None else None
    usual = usual_interventions(request.access.person) if kind in ("spasm", "pain") else []
    return {"shown": shown, "folds": folds, "last_time": same, "usual": usual}


@require_POST
@login_required
def fold(request):
    """Remember a fold of a logging form open or shut for the one signed in (static JS sends
    this when a fold is opened or closed)."""
    key, state = request.POST.get("fold", ""), request.POST.get("open", "")
    if key not in KNOWN_KEYS or state not in ("0", "1"):
        return HttpResponseBadRequest(_("No such part of a form."))
    remember_fold(request.user, key, state == "1")
    return HttpResponse(status=204)


def _conflict_page(request, person, kind, form, formset):
    """The entry was saved elsewhere since its page was opened: nothing is written. The page
    comes back with the saved answers next to the typed ones, and the form, still holding what
    was typed, now carries the saved version, so sending it again means "save mine over it"."""
    unknown_version = form.cleaned_data.get("version") is None
    saved = get_entry_for_user(person, kind, form.instance.pk)
    changes = differences(saved, form.instance, form, formset)
    data = request.POST.copy()
    data["version"] = str(saved.version)
    # A copy of its own for the form: validating it writes the typed answers onto its instance.
    fresh = get_entry_for_user(person, kind, saved.pk)
    form, formset = _entry_forms(request, person, kind, fresh, data=data)
    return render(
        request,
        "diary/entry_form.html",
        {
            "title": _("This entry was changed on another device"),
            "form": form,
            "formset": formset,
            "entry": saved,
            "kind": kind,
            "urgent_url": urgent_url(request, kind),
            "layout": _layout(request, form, formset, kind),
            "conflict": {"differences": changes, "unknown_version": unknown_version},
        },
        status=409,
    )


# The entry pages keep their own transaction (_save_entry), so a failure to begin or to commit
# it happens inside the view, where the form can come back with everything typed.
@transaction.non_atomic_requests
@person_view("log", page=gettext_noop("New entry form"))
@in_persons_zone
def new_entry(request, person, kind):
    if kind not in NEW_ENTRY_TITLES:  # a dose is logged from the medicine pages
        raise Http404("No such kind of entry.")
    if kind == "ad" and not person.ad_risk:
        # Offered only at T6 and above (or an unknown level); episodes logged before a change
        # of level can still be opened, changed and binned from the history.
        raise Http404("Not offered for this injury level.")
    entry = ENTRY_MODELS[kind]()
    if kind == "checkin":
        entry.date = _requested_day(request) or person.local_today()
        existing = CheckIn.objects.for_user(person).active().filter(date=entry.date).first()
        if existing and request.method == "GET":
            if not request.access.is_own:
                messages.info(
                    request,
                    _("%(name)s already has a check-in for that day.") % {"name": person.name},
                )
                return redirect(log_home(request))
            messages.info(request, _("You already have a check-in for that day. Here it is."))
            return redirect(existing)
    return _entry_page(request, person, kind, entry)


def _requested_day(request):
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return None


@transaction.non_atomic_requests
@person_view("fix", page=gettext_noop("Edit entry form"))
@in_persons_zone
def edit_entry(request, person, kind, pk):
    if kind not in ENTRY_FORMS:  # kept and listed, but with no page to change it yet
        raise Http404("No page changes this kind of entry.")
    entry = fixable_entry(request, person, kind, pk)
    # A save sent from a page opened before the entry went to the bin goes on, to the conflict
    # page: what was typed is not lost.
    if entry.deleted_at and request.method != "POST":
        messages.info(request, "This entry is in the bin. Restore it to change it.")
        return redirect("diary:bin" if request.access.is_own else history_home(request))
    return _entry_page(request, person, kind, entry)


@require_POST
@person_view("fix", page=gettext_noop("Moved an entry to the bin"))
def delete_entry(request, person, kind, pk):
    entry = fixable_entry(request, person, kind, pk)
    seen = seen_version(request.POST.get("version"))
    if seen is not None and seen != entry.version:
        # Changed since the page was opened: it goes to the bin all the same (Undo brings it
        # back), but the person is told, so the other change is not lost unseen.
        messages.warning(
            request,
            _(
                "This entry had been changed on another device since you opened it "
                "(last saved %(time)s). Those changes went to the bin with it: "
                "Undo brings it back as it was."
            )
            % {"time": formats.date_format(timezone.localtime(entry.updated_at), "j F Y, H:i")},
        )
    entry.move_to_bin()
    return redirect(f"{history_home(request)}?binned={kind}-{entry.pk}")


@require_POST
@person_view("fix", page=gettext_noop("Restored an entry"))
def restore_entry(request, person, kind, pk):
    entry = fixable_entry(request, person, kind, pk)
    if isinstance(entry, CheckIn) and entry.deleted_at:
        clash = CheckIn.objects.for_user(person).active().filter(date=entry.date)
        if clash.exists():
            messages.error(
                request,
                _(
                    "There is already a check-in for %(day)s, so this one stays in the bin. "
                    "Delete the other first if you want this one back."
                )
                % {"day": long_day(entry.date)},
            )
            return redirect("diary:bin" if request.access.is_own else history_home(request))
    if isinstance(entry, SpasticityWeek) and entry.deleted_at:
        clash = SpasticityWeek.objects.for_user(person).active().filter(date=entry.date)
        if clash.exists():
            messages.error(
                request,
                _(
                    "There are already weekly spasticity answers for the week to %(day)s, so "
                    "these stay in the bin. Delete the others first if you want these back."
                )
                % {"day": formats.date_format(entry.date, "j F Y")},
            )
            return redirect("diary:bin" if request.access.is_own else history_home(request))
    entry.restore()
    messages.success(request, f"{entry.kind_label} restored.")
    next_page = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_page, allowed_hosts={request.get_host()}):
        return redirect(next_page)
    return redirect(history_home(request))


@require_safe
@person_view("log", page=gettext_noop("Urgent advice"))
@in_persons_zone
def urgent(request, person, kind, pk):
    entry = fixable_entry(request, person, kind, pk)
    advice = urgent_advice(getattr(entry, "red_flags", []), person)
    if not advice:
        return redirect(entry if request.access.is_own else log_home(request))
    return render(
        request,
        "diary/urgent.html",
        {
            "title": (
                _("Your symptoms need attention")
                if request.access.is_own
                else _("%(name)s’s symptoms need attention") % {"name": person.name}
            ),
            "entry": entry,
            "advice": advice,
            "emergency": emergency_number(person),
        },
    )


def _history_filter(request):
    def day(name):
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    kinds = {kind for kind, _ in KIND_CHOICES}
    kind = request.GET.get("kind", "")
    return HistoryFilter(
        kind=kind if kind in kinds else "",
        start=day("from"),
        end=day("to"),
        trigger=request.GET.get("trigger", ""),
        intervention=request.GET.get("intervention", ""),
    )


def _binned_entry(request, person):
    """The entry just moved to the bin, for the Undo button (only if it is still there)."""
    kind, _, pk = request.GET.get("binned", "").partition("-")
    model = ENTRY_MODELS.get(kind)
    # ASCII digits only, and few enough for a database id ("²" and 5,000 digits pass isdigit()).
    if model is None or not re.fullmatch(r"[0-9]{1,18}", pk):
        return None
    return request.access.fixable(model.objects.for_user(person)).in_bin().filter(pk=pk).first()


@require_safe
@person_view("fix", page=gettext_noop("Entries they logged"))
@in_persons_zone
def history(request, person):
    wanted = _history_filter(request)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    entries, has_next = history_page(person, wanted, page, within=request.access.fixable)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("binned", None)
    return render(
        request,
        "diary/history.html",
        {
            "title": _("History")
            if request.access.is_own
            else _("What you logged for %(name)s") % {"name": person.name},
            "entries": entries,
            "wanted": wanted,
            "page": page,
            "has_next": has_next,
            "query": query.urlencode(),
            "kinds": KIND_CHOICES,
            "triggers": Trigger.objects.available_to(person),
            "interventions": Intervention.objects.available_to(person),
            "binned": _binned_entry(request, person),
            "filtered": any(
                request.GET.get(name) for name in ("kind", "from", "to", "trigger", "intervention")
            ),
        },
    )


@require_safe
@person_view("manage")
def bin(request, person):
    entries = binned_entries(person)
    return render(
        request, "diary/bin.html", {"title": pgettext("deleted entries", "Bin"), "entries": entries}
    )


@person_view("manage")
def empty_bin(request, person):
    if request.method == "POST":
        with transaction.atomic():
            removed = empty_the_bin(person)
        messages.success(
            request,
            ngettext(
                "The bin is empty: %(count)d entry deleted for good.",
                "The bin is empty: %(count)d entries deleted for good.",
                removed,
            )
            % {"count": removed},
        )
        return redirect("diary:history")
    count = len(binned_entries(person))
    return render(request, "diary/empty_bin.html", {"title": _("Empty the bin"), "count": count})


@person_view("manage")
def pain_problems(request, person):
    form = PainProblemsForm(request.POST or None, owner=person)
    if form.is_valid():
        save_pain_problems(person, [form.cleaned_data[f"slot_{slot}"] for slot in (1, 2, 3)])
        messages.success(request, _("Your pain problems are saved."))
        return redirect("diary:pain_problems")
    return render(
        request,
        "diary/pain_problems.html",
        {
            "title": _("Your pain problems"),
            "form": form,
            "submit_label": _("Save pain problems"),
            "problem_types": problem_pain_types(person),
        },
    )


@person_view("review", page=gettext_noop("Pain types confirmed"))
def confirm_pain_types(request, person):
    """A clinician with access sets the ISCI pain type of each pain problem, beside the
    person's own latest guess (which stays as the person logged it)."""
    problem_types = problem_pain_types(person)
    data = request.POST if request.method == "POST" else None  # an empty post is still one
    form = ConfirmPainTypesForm(data, problem_types=problem_types)
    if problem_types and form.is_valid():
        with transaction.atomic():
            changed = [
                problem
                for problem, pain_type in form.confirmed()
                if problem.confirm_type(pain_type, request.user)
            ]
        if changed:
            messages.success(
                request,
                _("The pain types are saved; %(name)s sees them beside their own guesses.")
                % {"name": person.name},
            )
        else:
            messages.info(request, _("Nothing changed."))
        return redirect(reverse("trends:overview", kwargs={"person_id": person.pk}) + "#review")
    return render(
        request,
        "diary/confirm_pain_types.html",
        {
            "title": _("Pain types for %(name)s") % {"name": person.name},
            "form": form,
            "problem_types": problem_types,
            "submit_label": _("Save the pain types"),
        },
    )


def _list_model(items: str):
    model = LISTS.get(items)
    if model is None:
        raise Http404("No such list.")
    return model


def _own_item(person, items: str, pk: int):
    """The one lookup for an own item: the person's, or 404 (a built-in one is never "own")."""
    return get_object_or_404(_list_model(items).objects.filter(owner=person), pk=pk)


def _builtin_item(items: str, slug: str):
    return get_object_or_404(_list_model(items).objects.filter(owner=None), slug=slug)


def _lists_url(model, anchor: str = "") -> str:
    section = "triggers" if model is Trigger else "interventions"
    return f"{reverse('diary:own_items')}#{anchor or section}"


@person_view("manage")
def own_items(request, person):
    """The person's own triggers and interventions, next to the built-in lists: add, rename,
    archive and bring back their own; hide the built-ins they never use, and show them again."""
    trigger_form = OwnTriggerForm(
        request.POST if "add_trigger" in request.POST else None,
        owner=person,
        prefix="trigger",
    )
    intervention_form = OwnInterventionForm(
        request.POST if "add_intervention" in request.POST else None,
        owner=person,
        prefix="intervention",
    )
    for form in (trigger_form, intervention_form):
        if form.is_bound and form.is_valid():
            item = form.save()
            messages.success(request, _("“%(name)s” is added to your list.") % {"name": item.name})
            return redirect("diary:own_items")
    lists = [
        {
            "list": my_list(person, "triggers"),
            "form": trigger_form,
            "add_name": "add_trigger",
            "heading": _("Triggers"),
            "add_label": _("Add trigger"),
        },
        {
            "list": my_list(person, "interventions"),
            "form": intervention_form,
            "add_name": "add_intervention",
            "heading": _("What you try"),
            "add_label": _("Add"),
        },
    ]
    return render(
        request,
        "diary/own_items.html",
        {"title": _("Your triggers and what you try"), "lists": lists},
    )


@person_view("manage")
def rename_item(request, person, items, pk):
    """Rename one of the person's own items; the entries that have it show the new name."""
    item = _own_item(person, items, pk)
    old_name = item.name
    data = request.POST if request.method == "POST" else None  # an empty post is still one
    form = RENAME_FORMS[type(item)](data, instance=item, owner=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("“%(old)s” is now called “%(new)s”, on your old entries too.")
            % {"old": old_name, "new": item.name},
        )
        return redirect(_lists_url(type(item), f"item-{items}-{item.pk}"))
    return render(
        request,
        "diary/rename_item.html",
        {"title": _("Rename “%(name)s”") % {"name": old_name}, "form": form, "item": item},
    )


@require_POST
@person_view("manage")
def archive_item(request, person, items, pk):
    """Set an own item aside: no longer offered on new entries, kept on the old ones. Bringing
    it back is the undo, so nothing is asked first."""
    item = _own_item(person, items, pk)
    type(item).objects.filter(pk=item.pk).update(archived=True)
    messages.success(
        request,
        _(
            "“%(name)s” is archived: it is no longer offered, and stays on the entries that "
            "have it. Bring it back under “Archived”."
        )
        % {"name": item.name},
    )
    return redirect(_lists_url(type(item), f"archived-{items}"))


@require_POST
@person_view("manage")
def bring_back_item(request, person, items, pk):
    item = _own_item(person, items, pk)
    type(item).objects.filter(pk=item.pk).update(archived=False)
    messages.success(request, _("“%(name)s” is back on your list.") % {"name": item.name})
    return redirect(_lists_url(type(item), f"item-{items}-{item.pk}"))


@require_POST
@person_view("manage")
def hide_item(request, person, items, slug):
    """Hide a built-in item from the person's forms; "Show again" is the undo."""
    item = _builtin_item(items, slug)
    hide_builtin(person, item, hidden=True)
    messages.success(
        request,
        _(
            "“%(name)s” is hidden from your forms; entries that have it still show it. "
            "“Show again” brings it back."
        )
        % {"name": item.label},
    )
    return redirect(_lists_url(type(item), f"builtin-{items}-{item.slug}"))


@require_POST
@person_view("manage")
def show_item(request, person, items, slug):
    item = _builtin_item(items, slug)
    hide_builtin(person, item, hidden=False)
    messages.success(request, _("“%(name)s” is back in your forms.") % {"name": item.label})
    return redirect(_lists_url(type(item), f"builtin-{items}-{item.slug}"))
