"""Insights pages: the dashboard, its exports and the printable report. Downloads ask for a
fresh step-up (docs/security.md): they leave the server, so a session left open, or taken over,
does not hand the figures out. The confirmation is a POST to the same address; the download
itself follows as a GET."""

from __future__ import annotations

from typing import cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from aigaq.accounts.decorators import require_step_up
from aigaq.accounts.models import User
from aigaq.i18n import active_language

from . import selectors, services
from .access import insights_required
from .report import REPORT_LANGUAGES


def _actor(request: HttpRequest) -> User:
    """The signed-in coordinator or analyst (insights_required has checked she is one)."""
    return cast(User, request.user)


def _attachment(download: services.Download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@require_GET
@insights_required
def dashboard(request: HttpRequest) -> HttpResponse:
    choice = selectors.filter_choice(request.user, data=request.GET)
    page = selectors.dashboard(request.user, f=choice.filter, figure=choice.form.map_figure())
    return render(
        request,
        "insights/dashboard.html",
        {
            "form": choice.form,
            "filter": choice.filter,
            "sections": page.sections,
            "charts": page.charts,
            "region_map": page.region_map,
            "query": request.GET.urlencode(),
            "report_languages": REPORT_LANGUAGES,
        },
        status=400 if choice.invalid else 200,
    )


@require_http_methods(["GET", "POST"])
@insights_required
@require_step_up
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in services.EXPORT_TYPES:
        raise Http404("No such format")
    f = selectors.filter_choice(request.user, data=request.GET).filter
    return _attachment(services.insights_export(actor=_actor(request), f=f, fmt=fmt))


@require_http_methods(["GET", "POST"])
@insights_required
@require_step_up
def report(request: HttpRequest) -> HttpResponse:
    lang = request.GET.get("lang", "")
    if lang not in REPORT_LANGUAGES:
        lang = active_language()
    choice = selectors.filter_choice(request.user, data=request.GET)
    download = services.report_download(actor=_actor(request), f=choice.filter, lang=lang,
                                         figure=choice.form.map_figure())
    return _attachment(download)
