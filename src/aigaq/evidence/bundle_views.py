"""The court bundle on the web: choose files and a language, confirm with step-up, download the
ZIP; and the organisation's public signing key, published apart from any bundle."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aigaq.accounts.decorators import require_step_up
from aigaq.accounts.members import current_member
from aigaq.cases.access import get_case_for_user
from aigaq.cases.models import Case
from aigaq.cases.views import records_required

from . import bundle, seal, services
from .forms import BundleForm
from .selectors import evidence_items


def _form(case: Case, data: object = None) -> BundleForm:
    files = [(item.code, f"{item.title or item.filename} · {item.kind.upper()} · {item.code[:8]}")
             for item in evidence_items(case)]
    return BundleForm(data, files=files, initial={"evidence": [code for code, _ in files],
                                                  "language": case.organisation.default_language})


def _page(request: HttpRequest, case: Case, form: BundleForm, status: int = 200) -> HttpResponse:
    _pem, fp = seal.public_key(case.organisation, actor=request.user)  # type: ignore[arg-type]
    tsa = urlsplit(settings.TSA_URL).hostname if settings.TSA_URL else ""
    return render(request, "evidence/bundle.html", {"case": case, "form": form, "fingerprint": fp, "tsa": tsa},
                  status=status)


@require_http_methods(["GET", "POST"])
@records_required
def bundle_page(request: HttpRequest, code: str) -> HttpResponse:
    """A lawyer or coordinator of the case's organisation with access to the case; anyone else
    gets 404 before step-up is asked, so the page says nothing of the case to her."""
    case = get_case_for_user(request.user, code)
    if not bundle.may_bundle(request.user, case):  # type: ignore[arg-type]
        raise Http404("No such page")
    if request.method == "POST":
        return _bundle_after_step_up(request, case)
    return _page(request, case, _form(case))


@require_step_up
def _bundle_after_step_up(request: HttpRequest, case: Case) -> HttpResponse:
    form = _form(case, request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was made: please correct the fields marked below."))
        return _page(request, case, form, status=400)
    chosen = set(form.cleaned_data["evidence"])
    items = [item for item in evidence_items(case) if item.code in chosen]
    out = io.BytesIO()  # in memory: the bundle holds the evidence in the clear
    try:
        made = bundle.bundle_make(actor=request.user, case=case, items=items,  # type: ignore[arg-type]
                                  lang=form.cleaned_data["language"], target=out)
    except services.EvidenceUnreadable:
        messages.error(request, _("A stored file failed its integrity check, so no bundle was made. "
                                  "The failure is in the file's chain of custody; see the evidence page."))
        return _page(request, case, form, status=409)
    if made.timestamp_problem:
        # Shown on the next page she opens (the answer to this one is the download itself), and
        # said by the bundle too: verify reports that it has no timestamp.
        messages.warning(request, _("The court bundle was made WITHOUT a timestamp: the timestamp server did "
                                    "not answer properly. The bundle is complete and signed with your "
                                    "organisation's key; make it again later to have a timestamp."))
    response = HttpResponse(out.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="aigaq-bundle-{case.short_code.lower()}.zip"'
    return response


@require_GET
@records_required
def signing_key_page(request: HttpRequest) -> HttpResponse:
    """Her organisation's public signing key and its fingerprint, for anyone who checks a bundle."""
    member = current_member(request.user)
    if member is None:
        raise Http404("No such page")
    pem, fp = seal.public_key(member.organisation, actor=request.user)  # type: ignore[arg-type]
    return render(request, "evidence/signing_key.html",
                  {"organisation": member.organisation, "pem": pem, "fingerprint": fp})


@require_GET
@records_required
def signing_key_pem(request: HttpRequest) -> HttpResponse:
    member = current_member(request.user)
    if member is None:
        raise Http404("No such page")
    pem, _fp = seal.public_key(member.organisation, actor=request.user)  # type: ignore[arg-type]
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="public-key.pem"'
    return response
