"""Closing, reopening and erasing a case. Erasing asks for confirmation (the case number typed
again) and a fresh re-authentication (step-up), and only a coordinator may do it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aigaq.accounts.decorators import coordinator_required, require_step_up

from . import erasure
from .access import get_case_for_user
from .forms import EraseForm
from .models import Case
from .views import records_required


def _closable(request: HttpRequest, code: str) -> Case:
    case = get_case_for_user(request.user, code)
    if not erasure.can_close(request.user, case):  # type: ignore[arg-type]
        raise Http404("No such case")
    return case


@require_POST
@records_required
def case_close(request: HttpRequest, code: str) -> HttpResponse:
    erasure.case_close(actor=request.user, case=_closable(request, code))  # type: ignore[arg-type]
    messages.success(request, _("The case was closed."))
    return redirect("cases:detail", code=code)


@require_POST
@records_required
def case_reopen(request: HttpRequest, code: str) -> HttpResponse:
    erasure.case_reopen(actor=request.user, case=_closable(request, code))  # type: ignore[arg-type]
    messages.success(request, _("The case was reopened."))
    return redirect("cases:detail", code=code)


@require_http_methods(["GET", "POST"])
@coordinator_required
@require_step_up
def case_erase(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    form = EraseForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and form.is_valid():
        erasure.case_erase(actor=request.user, case=case)  # type: ignore[arg-type]
        messages.success(request, _("The case was erased. Its records and files can no longer be read."))
        return redirect("cases:list")
    return render(request, "cases/erase.html", {"case": case, "form": form},
                  status=400 if request.method == "POST" else 200)
