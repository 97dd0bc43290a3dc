"""The medicine pages: the list, add, change and stop one, a due dose's one tap (from the Log
page and the home page) and an as-needed dose. Thin: the rules are diary.medicines'.

A carer opens the same pages under the person's diary address (person_view "log"): the one who
gives the medicines can keep the list and log the doses.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from sci_tracker.accounts.models import User
from sci_tracker.core.dates import long_day
from sci_tracker.diary import medicines
from sci_tracker.diary.medicine_forms import (
    AddMedicineForm,
    AsNeededDoseForm,
    ChangeMedicineForm,
    DueDoseForm,
    StopMedicineForm,
    schedule_of,
)
from sci_tracker.diary.medicines import MedicineRefused
from sci_tracker.diary.models import Medicine
from sci_tracker.diary.taps import TapRefused
from sci_tracker.diary.views import _take_tap, _tap_answer, in_persons_zone, log_home
from sci_tracker.sharing.access import person_view, scope_kwargs


def medicines_home(request: HttpRequest) -> str:
    return reverse("diary:medicines", kwargs=scope_kwargs(request))


def _says(request: HttpRequest, own: str, for_someone: str, **words: str) -> str:
    """A message for the person, or (naming them) for a carer in their diary."""
    if request.access.is_own:
        return own % words
    return for_someone % {"name": request.access.person.name, **words}


def _medicine(person: User, pk: int) -> Medicine:
    """The one lookup for a medicine: the person's, or 404."""
    return get_object_or_404(Medicine.objects.filter(owner=person), pk=pk)


@require_safe
@person_view("log", page=gettext_noop("Medicines"))
@in_persons_zone
def medicine_list(request: HttpRequest, person: User) -> HttpResponse:
    today = person.local_today()
    current, stopped = medicines.medicine_list(person, today)
    return render(
        request,
        "diary/medicines.html",
        {
            "title": _("Medicines")
            if request.access.is_own
            else _("%(name)s’s medicines") % {"name": person.name},
            "current": current,
            "stopped": stopped,
            "due_doses": medicines.due_on(person, today),
            "today": today,
            "back": request.get_full_path(),
        },
    )


@person_view("log", page=gettext_noop("Added a medicine"))
@in_persons_zone
def add_medicine(request: HttpRequest, person: User) -> HttpResponse:
    form = AddMedicineForm(request.POST or None, owner=person, writer=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            medicine = medicines.start_medicine(
                person,
                request.user,
                name=data["name"],
                unit=data["unit"],
                route=data["route"],
                reason=data["reason"],
                dose=data["dose"],
                times=data["dose_times"],
                day=data["day"],
            )
        except IntegrityError:  # the same name added in another tab a moment ago
            form.add_error("name", _("That one is on the list already."))
        else:
            messages.success(
                request,
                _says(
                    request,
                    _("%(medicine)s is on your list."),
                    _("%(medicine)s is on %(name)s’s list."),
                    medicine=medicine.name,
                ),
            )
            return redirect(medicines_home(request))
    return render(
        request,
        "diary/medicine_form.html",
        {
            "title": _("Add a medicine")
            if request.access.is_own
            else _("Add a medicine for %(name)s") % {"name": person.name},
            "form": form,
            "common": AddMedicineForm.common,
            "submit_label": _("Add the medicine"),
        },
    )


@person_view("log", page=gettext_noop("Changed a medicine"))
@in_persons_zone
def change_medicine(request: HttpRequest, person: User, pk: int) -> HttpResponse:
    medicine = _medicine(person, pk)
    state = medicines.state_on(medicine, person.local_today())
    initial = {}
    if state.regimen is not None:
        schedule, typed = schedule_of(list(state.regimen.times))
        initial = {"dose": state.regimen.dose, "schedule": schedule, "times": typed}
    form = ChangeMedicineForm(
        request.POST or None, owner=person, writer=request.user, initial=initial
    )
    if form.is_valid():
        data = form.cleaned_data
        event = medicines.change_medicine(
            medicine, request.user, dose=data["dose"], times=data["dose_times"], day=data["day"]
        )
        started = event.event_kind == medicines.START
        messages.success(
            request,
            _("%(medicine)s started again from %(day)s.")
            % {"medicine": medicine.name, "day": long_day(event.date)}
            if started
            else _("%(medicine)s changed from %(day)s.")
            % {"medicine": medicine.name, "day": long_day(event.date)},
        )
        return redirect(medicines_home(request))
    title = (_("Change %(medicine)s") if state.current else _("Start %(medicine)s again")) % {
        "medicine": medicine.name
    }
    return render(
        request,
        "diary/medicine_form.html",
        {
            "title": title,
            "form": form,
            "medicine": medicine,
            "state": state,
            "submit_label": _("Save the change") if state.current else _("Start again"),
        },
    )


@person_view("log", page=gettext_noop("Stopped a medicine"))
@in_persons_zone
def stop_medicine(request: HttpRequest, person: User, pk: int) -> HttpResponse:
    medicine = _medicine(person, pk)
    form = StopMedicineForm(request.POST or None, owner=person)
    if form.is_valid():
        try:
            event = medicines.stop_medicine(medicine, request.user, day=form.cleaned_data["day"])
        except MedicineRefused as refusal:
            form.add_error("day", refusal.message)
        else:
            messages.success(
                request,
                _("%(medicine)s stopped from %(day)s. It stays on the list under “Stopped”.")
                % {"medicine": medicine.name, "day": long_day(event.date)},
            )
            return redirect(medicines_home(request))
    return render(
        request,
        "diary/medicine_stop.html",
        {
            "title": _("Stop %(medicine)s?") % {"medicine": medicine.name},
            "form": form,
            "medicine": medicine,
        },
    )


def _back(request: HttpRequest) -> str:
    """The page a tap came from (the Log page, home or the medicine list), else the Log page."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return log_home(request)


@require_POST
@person_view("log", page=gettext_noop("Answered a due dose"))
@in_persons_zone
def answer_dose(request: HttpRequest, person: User) -> HttpResponse:
    """One tap on a due dose: "Baclofen 08:00 - Taken" or "Missed"; a second tap finds the
    first answer (diary.medicines.answer_due_dose)."""

    def save(data, tap):
        try:
            return medicines.answer_scheduled(
                person,
                request.user,
                data["medicine"],
                data["day"],
                data["time"],
                data["status"],
                at=tap.tapped_at,
                client_id=tap.client_id,
            )
        except MedicineRefused as refusal:
            raise TapRefused(refusal.message, refusal.status) from refusal

    saved, refused = _take_tap(request, DueDoseForm, save)
    if refused:
        return refused
    dose, made = saved
    words = {
        "medicine": dose.medicine.name,
        "time": f"{timezone.localtime(dose.scheduled_for, person.zone):%H:%M}",
        "status": dose.get_status_display().lower(),
    }
    if made:
        done = _says(
            request,
            _("%(medicine)s %(time)s: %(status)s. Saved."),
            _("%(medicine)s %(time)s: %(status)s. Saved for %(name)s."),
            **words,
        )
    else:
        done = _("%(medicine)s %(time)s was already saved as %(status)s.") % words
    return _tap_answer(request, made, done, _back(request))


@person_view("log", page=gettext_noop("As-needed dose"))
@in_persons_zone
def as_needed(request: HttpRequest, person: User) -> HttpResponse:
    today = person.local_today()
    offered = medicines.current_on(person, today)
    form = AsNeededDoseForm(
        request.POST or None, owner=person, medicines=offered, writer=request.user
    )
    if form.is_valid():
        data = form.cleaned_data
        dose, _made = medicines.as_needed_dose(
            person, request.user, data["medicine"], data["moment"], amount=data["amount"]
        )
        messages.success(
            request,
            _says(
                request,
                _("%(medicine)s taken at %(time)s: saved."),
                _("%(medicine)s taken at %(time)s: saved for %(name)s."),
                medicine=dose.medicine.name,
                time=f"{timezone.localtime(dose.occurred_at, person.zone):%H:%M}",
            ),
        )
        return redirect(log_home(request))
    return render(
        request,
        "diary/as_needed.html",
        {
            "title": _("Took an as-needed dose")
            if request.access.is_own
            else _("An as-needed dose for %(name)s") % {"name": person.name},
            "form": form,
            "offered": offered,
            "submit_label": _("Save the dose"),
        },
    )
