"""Evidence pages: the case's files with their chain of custody, upload, and download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from aigaq.cases import services as case_services
from aigaq.cases.access import can_edit, get_case_for_user, get_case_to_edit
from aigaq.cases.models import Case
from aigaq.cases.selectors import case_record
from aigaq.cases.views import records_required
from aigaq.uploads import MemoryOnlyUploadHandler

from . import services
from .bundle import may_bundle
from .files import KINDS
from .forms import EvidenceDescribeForm, EvidenceForm
from .models import EvidenceItem
from .selectors import evidence_row, evidence_with_custody


def _page(request: HttpRequest, case: Case, form: EvidenceForm, status: int = 200,
          describe: tuple[str, EvidenceDescribeForm] | None = None) -> HttpResponse:
    """The evidence page; `describe`: an item's code and its description form that did not
    validate, shown open with what she typed."""
    invalid_code, invalid_form = describe if describe else ("", None)
    rows = [
        (row, invalid_form if row.item.code == invalid_code and invalid_form is not None else
         EvidenceDescribeForm(prefix=f"describe-{row.item.code}", initial={"title": row.item.title}))
        for row in evidence_with_custody(case)
    ]
    return render(request, "evidence/page.html", {
        "case": case, "rows": rows, "form": form, "can_add": can_edit(request.user, case),
        "describe_code": invalid_code, "can_bundle": may_bundle(request.user, case),  # type: ignore[arg-type]
    }, status=status)


@require_GET
@records_required
def evidence_page(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    case_services.case_viewed(actor=request.user, case=case)  # type: ignore[arg-type]
    return _page(request, case, EvidenceForm())


@csrf_protect
def _upload(request: HttpRequest, code: str, handler: MemoryOnlyUploadHandler) -> HttpResponse:
    case = get_case_to_edit(request.user, code)
    form = EvidenceForm(request.POST, request.FILES, too_big=handler.too_big)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return _page(request, case, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        services.evidence_add(actor=request.user, case=case, filename=upload.name,  # type: ignore[arg-type]
                              data=upload.read(), title=form.cleaned_data["title"])
    except services.EvidenceRefused:
        form.add_error("file", _("This file could not be read as the kind of file its name says."))
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return _page(request, case, form, status=400)
    messages.success(request, _("The file was encrypted and added to the case."))
    return redirect("evidence:page", code=case.code)


# CSRF is checked in _upload, after the upload handlers are replaced: CsrfViewMiddleware would
# otherwise read the body first with Django's default handlers, which spill large files to a
# plaintext temporary file on disk.
@csrf_exempt
@require_POST
@records_required
def evidence_upload(request: HttpRequest, code: str) -> HttpResponse:
    handler = MemoryOnlyUploadHandler(request, limit=int(settings.EVIDENCE_MAX_BYTES))
    request.upload_handlers = [handler]
    return _upload(request, code, handler)


@require_GET
@records_required
def evidence_download(request: HttpRequest, code: str, item: str) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    evidence = case_record(case, EvidenceItem, item)
    if evidence is None:
        raise Http404("No such file")
    kind = KINDS[evidence.kind]
    response = HttpResponse(content_type=kind.content_type)
    try:
        services.evidence_download(actor=request.user, item=evidence, dst=response)  # type: ignore[arg-type]
    except services.EvidenceUnreadable as failure:
        # `response` may hold part of the plaintext: it is dropped, and a new page sent instead.
        response.content = b""
        return _unreadable_page(request, case, evidence, failure.reason)
    # A neutral name: the original one could describe the survivor, and would stay in the
    # browser's download history on a laptop that may be seized.
    response["Content-Disposition"] = f'attachment; filename="aigaq-{evidence.code[:8]}.{kind.extension}"'
    return response


def _unreadable_page(request: HttpRequest, case: Case, item: EvidenceItem, reason: str) -> HttpResponse:
    """The stored file failed its integrity check (409) or is gone (404): say so, show the record
    that is kept, and say what to do. Never a byte of the file."""
    return render(request, "evidence/unreadable.html", {
        "case": case, "row": evidence_row(case, item), "reason": reason,
    }, status=404 if reason == "missing" else 409)


@require_POST
@records_required
def evidence_describe(request: HttpRequest, code: str, item: str) -> HttpResponse:
    """Corrects a file's description; the earlier one is kept in the file's history."""
    case = get_case_to_edit(request.user, code)
    evidence = case_record(case, EvidenceItem, item)
    if evidence is None:
        raise Http404("No such file")
    form = EvidenceDescribeForm(request.POST, prefix=f"describe-{evidence.code}")
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return _page(request, case, EvidenceForm(), status=400, describe=(evidence.code, form))
    services.evidence_describe(actor=request.user, item=evidence, title=form.cleaned_data["title"],  # type: ignore[arg-type]
                               reason=form.cleaned_data["reason"])
    messages.success(request, _("The description was corrected; the earlier one stays in the file's history."))
    return redirect("evidence:page", code=case.code)
