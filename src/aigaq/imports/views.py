"""The coordinators' import pages: upload a sheet, map its columns (suggested, then remembered for
the organisation), see the first rows as they will be saved with every problem named, then import.

The mapping page reads and checks only the rows it shows (`PREVIEW_ROWS`, with a count of the
others from the sheet's XML): a 50,000-row sheet is previewed in about a second instead of 20.
Every row is read and checked by the import job (`jobs`) before anything is written, and its
page names every problem with its row and column.

The upload is read into memory only (never Django's temporary file), sealed at once
(`uploads`), and deleted by the import or after an hour. The import itself runs in the task
queue's worker (`jobs`), with a progress page that reads its state from the database."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aigaq import reference
from aigaq.accounts.decorators import coordinator_required
from aigaq.accounts.members import current_member
from aigaq.accounts.models import Membership, Role, User
from aigaq.accounts.nav import NavLink
from aigaq.i18n import active_language
from aigaq.uploads import MemoryOnlyUploadHandler

from . import importer, jobs, uploads
from .columns import BY_KEY, header_key, suggest
from .forms import MappingForm, UploadForm
from .models import ColumnMapping
from .reader import Sheet, Unreadable, read

PREVIEW_ROWS = 10
PROBLEMS_SHOWN = 200
REFRESH_SECONDS = 2


def nav_links(member: Membership) -> list[NavLink]:
    if member.role != Role.COORDINATOR:
        return []
    return [NavLink(url=reverse("imports:start"), label=_("Import"))]


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


@require_GET
@coordinator_required
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "imports/start.html", {"form": UploadForm()})


@csrf_protect
def _upload(request: HttpRequest, handler: MemoryOnlyUploadHandler) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES, too_big=handler.too_big)
    if not form.is_valid():
        return render(request, "imports/start.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        read(data, upload.name, limit=PREVIEW_ROWS + 1)
    except Unreadable as exc:
        form.add_error("file", str(exc))
        return render(request, "imports/start.html", {"form": form}, status=400)
    kind = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
    pending = uploads.upload_store(actor=_actor(request), data=data, kind=kind)
    return redirect("imports:map", code=pending.code)


# CSRF is checked in _upload, after the upload handlers are replaced (as for evidence): the
# middleware would otherwise read the body with Django's handlers, which spill to a plaintext file.
@csrf_exempt
@require_POST
@coordinator_required
def upload(request: HttpRequest) -> HttpResponse:
    handler = MemoryOnlyUploadHandler(request, limit=int(settings.IMPORT_MAX_BYTES))
    request.upload_handlers = [handler]
    return _upload(request, handler)


def _sheet_of(request: HttpRequest, code: str) -> tuple[Any, Sheet]:
    pending = uploads.upload_for(_actor(request), code)
    if pending is None or pending.kind not in {"xlsx", "csv"}:
        raise Http404("No such upload")
    # The preview's rows only (one more for a template's row of labels); the job reads them all.
    return pending, read(uploads.upload_open(pending), f"upload.{pending.kind}", limit=PREVIEW_ROWS + 1)


def _remembered(member: Membership) -> dict[str, str]:
    found = ColumnMapping.objects.filter(organisation=member.organisation).first()
    return dict(found.mapping) if found else {}


def _show(key: str, value: Any) -> str:
    """A parsed value as the case will show it."""
    lang = active_language()
    if value is None or value == "":
        return ""
    kind = BY_KEY[key].kind
    if kind == "date":
        return str(value.strftime("%d.%m.%Y"))
    if kind == "region":
        region = reference.region(value)
        return region.label(lang) if region else value
    if kind == "city":
        city = reference.city(value[0]) if value[0] else None
        return city.label(lang) if city else value[1]
    if kind == "gbv":
        gbv = reference.gbv_type(value)
        return gbv.label(lang) if gbv else value
    if kind == "bool":
        return _("yes") if value else _("no")
    return str(value)


def _options(form: MappingForm) -> importer.Options:
    mode = form.cleaned_data.get("mode") or "strict"
    return importer.Options(
        skip_bad_rows=mode == "skip", lenient=mode == "lenient",
        consent_matching=bool(form.cleaned_data.get("consent_matching")),
        consent_statistics=bool(form.cleaned_data.get("consent_statistics")),
        consent_services=bool(form.cleaned_data.get("consent_services")),
    )


def _preview(plan: importer.Plan) -> dict[str, Any]:
    keys = [k for k in plan.mapping if k]
    rows = [{"number": row.number, "cells": [_show(k, row.values.get(k)) for k in keys],
             "problems": row.problems, "already": row.already, "dropped": row.dropped}
            for row in plan.rows[:PREVIEW_ROWS]]
    return {"labels": [BY_KEY[k].label for k in keys], "rows": rows,
            "problems": plan.all_problems[:PROBLEMS_SHOWN], "problem_count": len(plan.all_problems),
            "new_count": len(plan.new_rows), "bad_count": len(plan.bad_rows),
            "already_count": sum(1 for r in plan.rows if r.already and not r.problems), "dropped": dict(plan.dropped),
            "complete": plan.sheet.complete, "checked": len(plan.rows)}


@require_http_methods(["GET", "POST"])
@coordinator_required
def mapping(request: HttpRequest, code: str) -> HttpResponse:
    member = current_member(request.user)
    assert member is not None
    pending, sheet = _sheet_of(request, code)
    suggested = suggest(sheet.headers, _remembered(member))
    form = MappingForm(request.POST or None, headers=sheet.headers, suggested=suggested)
    if request.method == "POST" and form.is_valid():
        options = _options(form)
        if request.POST.get("action") == "import":
            return _import(request, pending, sheet, form.mapping(), options, member)
        plan = importer.plan(sheet, form.mapping(), organisation=member.organisation, lenient=options.lenient)
    else:
        plan = importer.plan(sheet, suggested, organisation=member.organisation)
    context = {"form": form, "upload": pending, "sheet": sheet, "preview": _preview(plan)}
    return render(request, "imports/map.html", context, status=400 if form.errors else 200)


def _import(request: HttpRequest, pending: Any, sheet: Sheet, mapping: list[str], options: importer.Options,
            member: Membership) -> HttpResponse:
    """Remembers the mapping and hands the import to the worker; the progress page follows it."""
    ColumnMapping.objects.update_or_create(
        organisation=member.organisation,
        defaults={"mapping": {header_key(h): k for h, k in zip(sheet.headers, mapping, strict=False)
                              if k and header_key(h)}},
    )
    job = jobs.job_start(actor=_actor(request), upload=pending, mapping=mapping, options=options,
                         language=active_language())
    return redirect("imports:job", code=job.code)


@require_GET
@coordinator_required
def job(request: HttpRequest, code: str) -> HttpResponse:
    """Where a web import stands, from its row (so the same after a reload); the page reloads
    itself every few seconds until the import has ended."""
    found = jobs.job_for(_actor(request), code)
    if found is None:
        raise Http404("No such import")
    percent = found.rows_done * 100 // found.rows_total if found.rows_total else 0
    return render(request, "imports/job.html", {
        "job": found, "percent": percent, "problems": jobs.job_problems(found) if found.finished else [],
        "refresh_seconds": None if found.finished else REFRESH_SECONDS,
    }, status=400 if found.state == found.State.REFUSED else 200)


@require_GET
@coordinator_required
def errors(request: HttpRequest, code: str) -> HttpResponse:
    pending = uploads.upload_for(_actor(request), code)
    if pending is None or pending.kind != "errors":
        raise Http404("No such file")
    response = HttpResponse(uploads.error_sheet_download(actor=_actor(request), upload=pending),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="aigaq-import-errors.xlsx"'
    return response


@require_GET
@coordinator_required
def template(request: HttpRequest) -> HttpResponse:
    member = current_member(request.user)
    lang = member.organisation.default_language if member else active_language()
    with translation.override(lang):
        data = importer.template()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="aigaq-template.xlsx"'
    return response
