"""Correcting a record after it was added: the survivor, the incident, a suspect, witness,
referral, cost or note, each on a page of its own with its change history.

The form is the record's creation form (same validation) with the version it was loaded with; a
save from a stale version is refused (409) with her input kept and the history showing what was
saved meanwhile. Pathway events are not edited here: an event is corrected by a new event.
A suspect's page shows his identifiers whole, so it takes the same step-up as revealing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aigaq.accounts.decorators import require_step_up
from aigaq.accounts.models import User

from . import reveal, services
from .access import get_case_to_edit
from .forms import (
    CostEditForm,
    IncidentEditForm,
    NoteEditForm,
    ReferralEditForm,
    SurvivorEditForm,
    SuspectEditForm,
    VersionedForm,
    WitnessEditForm,
    edit_initial,
)
from .models import Case, CaseRecord, Cost, Incident, Note, Referral, Survivor, Suspect, Witness
from .selectors import case_record, record_history
from .views import records_required

Save = Callable[..., object]  # (actor=, record=, data=, version=) -> the record


@dataclass(frozen=True)
class Editable:
    """One kind of record that can be corrected."""

    model: type[CaseRecord]
    form: type[VersionedForm]
    title: Promise
    saved: Promise
    save: Save


def _save_survivor(*, actor: User, record: Survivor, data: Any, version: int) -> object:
    return services.survivor_update(actor=actor, survivor=record, data=data, version=version)


def _save_incident(*, actor: User, record: Incident, data: Any, version: int) -> object:
    return services.incident_update(actor=actor, incident=record, data=data, version=version)


def _save_suspect(*, actor: User, record: Suspect, data: Any, version: int) -> object:
    return services.suspect_update(actor=actor, suspect=record, data=data, version=version)


def _save_witness(*, actor: User, record: Witness, data: Any, version: int) -> object:
    return services.witness_update(actor=actor, witness=record, data=data, version=version)


def _save_referral(*, actor: User, record: Referral, data: Any, version: int) -> object:
    return services.referral_update(actor=actor, referral=record, data=data, version=version)


def _save_cost(*, actor: User, record: Cost, data: Any, version: int) -> object:
    return services.cost_update(actor=actor, cost=record, data=data, version=version)


def _save_note(*, actor: User, record: Note, data: Any, version: int) -> object:
    return services.note_update(actor=actor, note=record, text=data, version=version)


EDITABLE: dict[str, Editable] = {
    "survivor": Editable(Survivor, SurvivorEditForm, gettext_lazy("Correct the survivor's record"),
                         gettext_lazy("Her record was corrected."), _save_survivor),
    "incident": Editable(Incident, IncidentEditForm, gettext_lazy("Correct the incident"),
                         gettext_lazy("The incident was corrected."), _save_incident),
    "suspect": Editable(Suspect, SuspectEditForm, gettext_lazy("Correct a suspect"),
                        gettext_lazy("The suspect was corrected; matching was run again for him."), _save_suspect),
    "witness": Editable(Witness, WitnessEditForm, gettext_lazy("Correct a witness"),
                        gettext_lazy("The witness was corrected."), _save_witness),
    "referral": Editable(Referral, ReferralEditForm, gettext_lazy("Correct a referral"),
                         gettext_lazy("The referral was corrected."), _save_referral),
    "cost": Editable(Cost, CostEditForm, gettext_lazy("Correct a cost"),
                     gettext_lazy("The cost was corrected."), _save_cost),
    "note": Editable(Note, NoteEditForm, gettext_lazy("Correct a note"),
                     gettext_lazy("The note was corrected."), _save_note),
}
ONE_PER_CASE = ("survivor", "incident")


@records_required
def record_edit(request: HttpRequest, code: str, kind: str, record_code: str = "") -> HttpResponse:
    """GET: the form filled with the record as it is now. POST: save, or the form again with what
    she typed (400 for an invalid field, 409 when someone saved the record in between)."""
    editable = EDITABLE[kind]
    case = get_case_to_edit(request.user, code)
    found: CaseRecord | None
    if kind in ONE_PER_CASE:
        found = getattr(case, kind, None)
        if found is not None:
            found.case = case
    else:
        found = case_record(case, editable.model, record_code)
    if found is None:
        raise Http404("No such record")
    if isinstance(found, Suspect) and found.code not in reveal.revealed_codes(request):
        return _suspect_edit_after_step_up(request, case, found)
    return _edit(request, case, kind, found)


@require_step_up
def _suspect_edit_after_step_up(request: HttpRequest, case: Case, suspect: Suspect) -> HttpResponse:
    """His page shows his identifiers whole: the same confirmation and audit entry as revealing."""
    services.suspect_revealed(actor=request.user, suspect=suspect)  # type: ignore[arg-type]
    reveal.mark_revealed(request, suspect.code)
    return _edit(request, case, "suspect", suspect)


def _edit(request: HttpRequest, case: Case, kind: str, found: CaseRecord) -> HttpResponse:
    editable = EDITABLE[kind]
    if request.method != "POST":
        form = editable.form(prefix=kind, initial=edit_initial(found))  # type: ignore[arg-type]
        return _page(request, case, kind, found, form)
    form = editable.form(request.POST, prefix=kind)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return _page(request, case, kind, found, form, status=400)
    try:
        editable.save(actor=request.user, record=found, data=form.to_input(),  # type: ignore[attr-defined]
                      version=form.cleaned_data["version"])
    except services.StaleVersion:
        found.refresh_from_db()
        # Her input stays; the form now carries the version she has seen the history of, so
        # saving again, after she compared, is her deliberate choice.
        data = request.POST.copy()
        data[f"{kind}-version"] = str(found.version)
        messages.error(request, _(
            "Someone else saved this record while you were correcting it, so nothing of yours was saved."
            " Your input is kept below: compare it with their change (in the history) and save again."))
        return _page(request, case, kind, found, editable.form(data, prefix=kind), status=409)
    messages.success(request, str(editable.saved))
    return redirect("cases:detail", code=case.code)


def _page(request: HttpRequest, case: Case, kind: str, found: CaseRecord, form: VersionedForm,
          status: int = 200) -> HttpResponse:
    return render(request, "cases/edit.html", {
        "case": case, "kind": kind, "record": found, "form": form, "title": EDITABLE[kind].title,
        "history": record_history(case, found),
    }, status=status)
