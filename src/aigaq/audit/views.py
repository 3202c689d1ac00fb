"""The audit log for coordinators: who opened or changed which case, and when."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from aigaq.accounts.decorators import coordinator_required
from aigaq.accounts.models import Membership

from .forms import AuditFilterForm
from .log import verify
from .selectors import audit_entries


def _member(request: HttpRequest) -> Membership:
    return request.user.membership  # type: ignore[union-attr]


@require_GET
@coordinator_required
def audit_log(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = AuditFilterForm(request.GET or None, member=member)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = audit_entries(member, **filters) if not form.is_bound or form.is_valid() else audit_entries(
        member).none()
    page = Paginator(entries.select_related("actor"), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})


@require_POST
@coordinator_required
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Checks the whole chain (every organisation's entries: a break anywhere matters to all);
    shows only entry numbers and reasons, never other organisations' entries."""
    problems = list(verify())
    return render(request, "audit/verify.html", {"problems": problems}, status=200)
