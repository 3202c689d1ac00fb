"""The lawyer's documents of a case: the page (pick a document, the ones made so far), making
one, and downloading its .docx or PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aigaq.accounts.decorators import require_step_up
from aigaq.accounts.members import acting_member
from aigaq.accounts.models import Role
from aigaq.cases.access import get_case_for_user
from aigaq.cases.models import Case
from aigaq.cases.views import records_required

from . import services
from .forms import DocumentForm
from .selectors import document_of, documents_of

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _page(request: HttpRequest, case: Case, form: DocumentForm, status: int = 200) -> HttpResponse:
    return render(request, "documents/page.html", {
        "case": case, "form": form, "rows": documents_of(case),
        "may_make": services.may_make(request.user, case),  # type: ignore[arg-type]
        "is_coordinator": acting_member(request.user).role == Role.COORDINATOR,
    }, status=status)


@require_GET
@records_required
def documents_page(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    return _page(request, case, DocumentForm())


@require_POST
@records_required
def document_make(request: HttpRequest, code: str) -> HttpResponse:
    """Makes the chosen document. Access is checked before step-up, so someone without access to
    the case gets 404 and never the confirmation form; her legal name needs step-up."""
    case = get_case_for_user(request.user, code)
    if not services.may_make(request.user, case):  # type: ignore[arg-type]
        raise Http404("No such case")
    form = DocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was made: please correct the fields marked below."))
        return _page(request, case, form, status=400)
    if form.cleaned_data["with_name"]:
        return _make_named(request, case, form)
    return _make(request, case, form, with_name=False)


@require_step_up
def _make_named(request: HttpRequest, case: Case, form: DocumentForm) -> HttpResponse:
    return _make(request, case, form, with_name=True)


def _make(request: HttpRequest, case: Case, form: DocumentForm, *, with_name: bool) -> HttpResponse:
    services.document_generate(actor=request.user, case=case,  # type: ignore[arg-type]
                               template_key=form.cleaned_data["template"],
                               language=form.cleaned_data["language"], with_name=with_name)
    messages.success(request, _("The document was made and kept in the case."))
    return redirect("documents:page", code=case.code)


@require_GET
@records_required
def document_download(request: HttpRequest, code: str, document: str, fmt: str) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    found = document_of(request.user, case, document)
    if found is None or fmt not in CONTENT_TYPES:
        raise Http404("No such document")
    data = services.document_hand_out(actor=request.user, document=found, fmt=fmt)  # type: ignore[arg-type]
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    # A neutral name: it stays in the browser's download history.
    response["Content-Disposition"] = f'attachment; filename="aigaq-{found.template}-{found.code[:8]}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
