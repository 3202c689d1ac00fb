"""The case's records, each added from its own form on the case page: suspects, witnesses,
referrals, costs and notes; her consents; and showing a suspect's identifiers.

Each view: the case she may add to, her form, then one service and back to the case page, or the
case page again with the form open and what she typed (400).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aigaq.accounts.decorators import require_step_up

from . import reveal, services
from .access import get_case_for_user, get_case_to_edit
from .forms import ConsentForm, CostForm, NoteForm, ReferralForm, SuspectForm, WitnessForm
from .models import Case, Suspect
from .selectors import case_record
from .views import case_form_invalid, case_saved, records_required


@require_POST
@records_required
def suspect_add(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_to_edit(request.user, code)
    form = SuspectForm(request.POST, prefix="suspect")
    if not form.is_valid():
        return case_form_invalid(request, case, form)
    services.suspect_add(actor=request.user, case=case, data=form.to_input())  # type: ignore[arg-type]
    return case_saved(request, case, _("The suspect was added."))


@require_POST
@records_required
def witness_add(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_to_edit(request.user, code)
    form = WitnessForm(request.POST, prefix="witness")
    if not form.is_valid():
        return case_form_invalid(request, case, form)
    services.witness_add(actor=request.user, case=case, data=form.to_input())  # type: ignore[arg-type]
    return case_saved(request, case, _("The witness was added."))


@require_POST
@records_required
def referral_add(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_to_edit(request.user, code)
    form = ReferralForm(request.POST, prefix="referral")
    if not form.is_valid():
        return case_form_invalid(request, case, form)
    services.referral_add(actor=request.user, case=case, data=form.to_input())  # type: ignore[arg-type]
    return case_saved(request, case, _("The referral was added."))


@require_POST
@records_required
def cost_add(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_to_edit(request.user, code)
    form = CostForm(request.POST, prefix="cost")
    if not form.is_valid():
        return case_form_invalid(request, case, form)
    services.cost_add(actor=request.user, case=case, data=form.to_input())  # type: ignore[arg-type]
    return case_saved(request, case, _("The cost was added."))


@require_POST
@records_required
def note_add(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_to_edit(request.user, code)
    form = NoteForm(request.POST, prefix="note")
    if not form.is_valid():
        return case_form_invalid(request, case, form)
    services.note_add(actor=request.user, case=case, text=form.cleaned_data["text"])  # type: ignore[arg-type]
    return case_saved(request, case, _("The note was added."))


@require_POST
@records_required
def consent_update(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_to_edit(request.user, code)
    form = ConsentForm(request.POST, prefix="consent")
    if getattr(case, "survivor", None) is None or not form.is_valid():
        raise Http404("No such case")
    services.survivor_consent_update(actor=request.user, case=case, **form.cleaned_data)  # type: ignore[arg-type]
    return case_saved(request, case, _("Her consent was updated."))


@require_POST
@records_required
def suspect_reveal(request: HttpRequest, code: str, suspect_code: str) -> HttpResponse:
    """Shows one suspect's identifiers after step-up re-authentication; written to the audit log.

    Access is checked before step-up, so someone without access to the case gets 404 and never
    even the confirmation form."""
    case = get_case_for_user(request.user, code)
    suspect = case_record(case, Suspect, suspect_code)
    if suspect is None:
        raise Http404("No such suspect")
    return _reveal_after_step_up(request, case, suspect)


@require_step_up
def _reveal_after_step_up(request: HttpRequest, case: Case, suspect: Suspect) -> HttpResponse:
    services.suspect_revealed(actor=request.user, suspect=suspect)  # type: ignore[arg-type]
    reveal.mark_revealed(request, suspect.code)
    return redirect(f"{reverse('cases:detail', args=[case.code])}#suspect-{suspect.code}")
