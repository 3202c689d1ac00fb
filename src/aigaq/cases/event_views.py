"""The pathway: adding a dated step (an event) to the case, from the event type's form on the case
page; correcting an event (a new entry supersedes it) or retracting one entered in error, on the
event's own page. An event is never edited in place."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .access import get_case_to_edit
from .forms import EventCorrectionForm, EventForm, EventRetractionForm
from .models import Case, PathwayEvent
from .pathway import SPECS
from .selectors import case_record, timeline
from .views import case_form_invalid, case_saved, records_required


@require_POST
@records_required
def event_add(request: HttpRequest, code: str, event_type: str) -> HttpResponse:
    case = get_case_to_edit(request.user, code)
    spec = SPECS.get(event_type)
    if spec is None or event_type == "incident":
        raise Http404("No such event type")
    incident = getattr(case, "incident", None)
    form = EventForm(spec, request.POST, incident_date=incident.date_from if incident else None,
                     region=incident.region if incident else "")
    if not form.is_valid():
        return case_form_invalid(request, case, form)
    date, time, values = form.split()
    services.pathway_event_add(actor=request.user, case=case, event_type=event_type, date=date,  # type: ignore[arg-type]
                               time=time, data=values)
    return case_saved(request, case, _("The event was added to the pathway."))


def _correctable_event(request: HttpRequest, code: str, event_code: str) -> tuple[Case, PathwayEvent]:
    """The case (she may edit it) and its current event with this code; 404 for anything else."""
    case = get_case_to_edit(request.user, code)
    event = case_record(case, PathwayEvent, event_code)
    if event is None or not event.is_current or event.type == "incident" or event.type not in SPECS:
        raise Http404("No such event")
    return case, event


def _page(request: HttpRequest, case: Case, event: PathwayEvent, correct: EventCorrectionForm,
          retract: forms.Form, *, invalid: bool = False) -> HttpResponse:
    entry = timeline([event])[0]
    return render(request, "cases/event_correct.html", {
        "case": case, "event": event, "entry": entry, "correct_form": correct, "retract_form": retract,
    }, status=400 if invalid else 200)


def _incident_date(case: Case) -> dt.date | None:
    incident = getattr(case, "incident", None)
    return incident.date_from if incident else None


def _region(case: Case) -> str:
    incident = getattr(case, "incident", None)
    return incident.region if incident else ""


@require_http_methods(["GET", "POST"])
@records_required
def event_correct(request: HttpRequest, code: str, event_code: str) -> HttpResponse:
    """GET: the event's page with the correction form (filled with what was recorded) and the
    retraction form. POST: records the correction."""
    case, event = _correctable_event(request, code, event_code)
    spec = SPECS[event.type]
    retract = EventRetractionForm(prefix="retract")
    if request.method == "GET":
        services.case_viewed(actor=request.user, case=case)  # type: ignore[arg-type]
        correct = EventCorrectionForm(spec, prefix="correct", initial=EventForm.initial_of(event),
                                      incident_date=_incident_date(case), region=_region(case))
        return _page(request, case, event, correct, retract)
    correct = EventCorrectionForm(spec, request.POST, prefix="correct",
                                  incident_date=_incident_date(case), region=_region(case))
    if not correct.is_valid():
        return _invalid(request, case, event, correct, retract)
    date, time, values = correct.split()
    try:
        services.pathway_event_correct(actor=request.user, event=event, date=date, time=time,  # type: ignore[arg-type]
                                       data=values, reason=correct.cleaned_data["correction_reason"])
    except services.EventNotCorrectable:
        raise Http404("No such event") from None
    return case_saved(request, case, _("The correction was recorded; the earlier entry stays in the history."))


@require_POST
@records_required
def event_retract(request: HttpRequest, code: str, event_code: str) -> HttpResponse:
    case, event = _correctable_event(request, code, event_code)
    retract = EventRetractionForm(request.POST, prefix="retract")
    if not retract.is_valid():
        correct = EventCorrectionForm(SPECS[event.type], prefix="correct", initial=EventForm.initial_of(event),
                                      incident_date=_incident_date(case), region=_region(case))
        return _invalid(request, case, event, correct, retract)
    try:
        services.pathway_event_retract(actor=request.user, event=event,  # type: ignore[arg-type]
                                       reason=retract.cleaned_data["reason"])
    except services.EventNotCorrectable:
        raise Http404("No such event") from None
    return case_saved(request, case, _("The event was marked as entered in error; it stays in the history."))


def _invalid(request: HttpRequest, case: Case, event: PathwayEvent, correct: EventCorrectionForm,
             retract: forms.Form) -> HttpResponse:
    messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return _page(request, case, event, correct, retract, invalid=True)
