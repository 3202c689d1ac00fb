"""Insights pages: the dashboard, its exports and the printable report."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.i18n import active_language

from . import exports
from .access import insights_required, organisations_for
from .charts import chart_svg
from .filters import Filter, FilterForm
from .metrics import all_sections
from .report import REPORT_LANGUAGES, render_report


def _filter(request: HttpRequest) -> tuple[FilterForm, Filter]:
    form = FilterForm(request.GET or None, organisations=organisations_for(request.user))
    return form, form.to_filter()


def _audit(request: HttpRequest, action: Action, f: Filter, **extra: str) -> None:
    with transaction.atomic():
        record(
            actor=request.user,
            action=action,
            extra={
                "since": str(f.since or ""),
                "until": str(f.until or ""),
                "region": f.region,
                "by": f.by,
                **extra,
            },
        )


@require_GET
@insights_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, f = _filter(request)
    sections = all_sections(f)
    charts = {c.key: chart_svg(c) for s in sections for c in s.charts}
    query = request.GET.urlencode()
    return render(
        request,
        "insights/dashboard.html",
        {
            "form": form,
            "filter": f,
            "sections": sections,
            "charts": charts,
            "query": query,
            "report_languages": REPORT_LANGUAGES,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_GET
@insights_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "json"}:
        raise Http404("No such format")
    _, f = _filter(request)
    sections = all_sections(f)
    _audit(request, Action.EXPORTED, f, format=fmt)
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(f, sections), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.to_json(f, sections), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="aigaq-insights.{fmt}"'
    return response


@require_GET
@insights_required
def report(request: HttpRequest) -> HttpResponse:
    lang = request.GET.get("lang", "")
    if lang not in REPORT_LANGUAGES:
        lang = active_language()
    _, f = _filter(request)
    pdf = render_report(f, lang=lang)
    _audit(request, Action.REPORT_DOWNLOADED, f, lang=lang)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="aigaq-report-{lang}.pdf"'
    return response
