"""The people on a case: a coordinator or the case's owner gives a member a place on it (owner,
caseworker, lawyer or read-only, with an optional last day) or takes it away; whoever may write
to the case sets the date of the next hearing. Places are named by their random codes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .access import get_case_to_edit, get_case_to_manage
from .people import get_place
from .people_forms import NextHearingForm, ShareForm
from .views import case_form_invalid, case_saved, records_required


@require_POST
@records_required
def case_share(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_to_manage(request.user, code)
    form = ShareForm(request.POST, case=case)
    if not form.is_valid():
        return case_form_invalid(request, case, form)
    services.case_share(actor=request.user, case=case, user=form.chosen(),  # type: ignore[arg-type]
                        role=form.cleaned_data["role"], ends_on=form.cleaned_data["ends_on"])
    return case_saved(request, case, _("The member's place on the case is saved."))


@require_POST
@records_required
def case_unshare(request: HttpRequest, code: str, place: str) -> HttpResponse:
    case = get_case_to_manage(request.user, code)
    services.case_unshare(actor=request.user, assignment=get_place(case, place))  # type: ignore[arg-type]
    return case_saved(request, case, _("The member was taken off the case."))


@require_POST
@records_required
def next_hearing_set(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_to_edit(request.user, code)
    form = NextHearingForm(request.POST)
    if not form.is_valid():
        return case_form_invalid(request, case, form)
    services.case_next_hearing_set(actor=request.user, case=case,  # type: ignore[arg-type]
                                   next_hearing_on=form.cleaned_data["next_hearing_on"])
    return case_saved(request, case, _("The date of the next hearing is saved."))
