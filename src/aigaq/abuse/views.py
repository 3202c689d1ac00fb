"""The abuse log's pages: the list (with the report of ticked entries), recording an entry with a
file, an entry with its files, history and same-sender entries, correcting it, deleting it (its
number typed again and a fresh re-authentication), adding and downloading a file, the entries
grouped by sender, and the figures.

Every page is for members of an organisation (anyone else: 404); which entries each sees is
selectors.visible_entries (her own; a coordinator all of her organisation's)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aigaq import locker
from aigaq.accounts.decorators import require_step_up
from aigaq.accounts.members import current_member
from aigaq.accounts.models import Membership, User
from aigaq.accounts.nav import NavLink
from aigaq.i18n import active_language
from aigaq.uploads import MemoryOnlyUploadHandler

from . import selectors, services
from .forms import DeleteForm, EntryCreateForm, EntryEditForm, FileForm, ReportForm, edit_initial
from .models import AbuseEntry
from .report import CONTENT_TYPES

View = Callable[..., HttpResponse]


def nav_links(member: Membership) -> list[NavLink]:
    return [NavLink(url=reverse("abuse:list"), label=_("Abuse log"))]


def member_required(view: View) -> View:
    """Members of an organisation only (any role: each keeps her own log); anyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if current_member(request.user) is None:
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _list_page(request: HttpRequest, form: ReportForm | None = None, status: int = 200) -> HttpResponse:
    entries = selectors.with_keys(list(selectors.visible_entries(request.user)))
    counts = selectors.same_sender_counts(entries)
    codes = [e.code for e in entries]
    form = form or ReportForm(codes=codes, initial={"language": active_language()})
    return render(request, "abuse/list.html", {
        "rows": [(e, counts.get(e.code, 0)) for e in entries], "form": form,
        "figures": selectors.may_see_figures(request.user),
    }, status=status)


@require_GET
@member_required
def entry_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@csrf_protect
def _create(request: HttpRequest, handler: MemoryOnlyUploadHandler | None) -> HttpResponse:
    if request.method != "POST":
        return render(request, "abuse/new.html", {"form": EntryCreateForm()})
    form = EntryCreateForm(request.POST, request.FILES, too_big=handler is not None and handler.too_big)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return render(request, "abuse/new.html", {"form": form}, status=400)
    upload = form.cleaned_data.get("file")
    attachments = [(upload.name, upload.read())] if upload else []
    try:
        entry = services.entry_create(actor=_user(request), data=form.to_input(), attachments=attachments)
    except locker.FileRefused:
        form.add_error("file", _("This file could not be read as the kind of file its name says."))
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return render(request, "abuse/new.html", {"form": form}, status=400)
    messages.success(request, _("The entry was recorded and encrypted."))
    return redirect("abuse:detail", entry=entry.code)


# CSRF is checked in _create and _upload, after the upload handlers are replaced (as for evidence):
# CsrfViewMiddleware would otherwise read the body with Django's handlers, which spill large files
# to a plaintext temporary file.
@csrf_exempt
@member_required
def entry_new(request: HttpRequest) -> HttpResponse:
    handler = None
    if request.method == "POST":
        handler = MemoryOnlyUploadHandler(request, limit=int(settings.EVIDENCE_MAX_BYTES))
        request.upload_handlers = [handler]
    return _create(request, handler)


def _detail_page(request: HttpRequest, entry: AbuseEntry, file_form: FileForm | None = None,
                 status: int = 200) -> HttpResponse:
    visible = selectors.with_keys(list(selectors.visible_entries(request.user)))
    group = next((g for g in selectors.sender_groups(visible) if any(e.code == entry.code for e in g)), [entry])
    return render(request, "abuse/detail.html", {
        "entry": entry, "files": selectors.files_of(entry), "revisions": selectors.revisions(entry),
        "same_sender": [e for e in group if e.code != entry.code], "file_form": file_form or FileForm(),
    }, status=status)


@require_GET
@member_required
def entry_detail(request: HttpRequest, entry: str) -> HttpResponse:
    found = selectors.entry_for_user(request.user, entry)
    services.entry_viewed(actor=_user(request), entry=found)
    return _detail_page(request, found)


@member_required
def entry_edit(request: HttpRequest, entry: str) -> HttpResponse:
    """GET: the form as the entry is now. POST: save (the earlier version kept), or the form again
    with what she typed (400 for an invalid field, 409 when someone saved it in between)."""
    found = selectors.entry_for_user(request.user, entry)
    if request.method != "POST":
        return _edit_page(request, found, EntryEditForm(initial=edit_initial(found)))
    form = EntryEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return _edit_page(request, found, form, status=400)
    try:
        services.entry_update(actor=_user(request), entry=found, data=form.to_input(),
                              version=form.cleaned_data["version"], reason=form.cleaned_data["reason"])
    except services.StaleVersion:
        found.refresh_from_db()
        data = request.POST.copy()
        data["version"] = str(found.version)
        messages.error(request, _(
            "Someone else saved this entry while you were correcting it, so nothing of yours was saved."
            " Your input is kept below: compare it with their change (in the history) and save again."))
        return _edit_page(request, found, EntryEditForm(data), status=409)
    messages.success(request, _("The entry was corrected; the earlier version stays in its history."))
    return redirect("abuse:detail", entry=found.code)


def _edit_page(request: HttpRequest, entry: AbuseEntry, form: EntryEditForm, status: int = 200) -> HttpResponse:
    return render(request, "abuse/edit.html", {"entry": entry, "form": form, "revisions": selectors.revisions(entry)},
                  status=status)


@require_http_methods(["GET", "POST"])
@member_required
def entry_delete(request: HttpRequest, entry: str) -> HttpResponse:
    """GET: the confirmation page. POST: the entry deleted for good (services.entry_delete).
    Whether she may is asked first (404 for anyone else), then the step-up."""
    return _delete(request, selectors.entry_for_user(request.user, entry))


@require_step_up
def _delete(request: HttpRequest, entry: AbuseEntry) -> HttpResponse:
    form = DeleteForm(request.POST if request.method == "POST" else None, entry=entry)
    if request.method == "POST" and form.is_valid():
        services.entry_delete(actor=_user(request), entry=entry)
        messages.success(request, _("The entry was deleted. It and its files can no longer be read."))
        return redirect("abuse:list")
    return render(request, "abuse/delete.html", {"entry": entry, "form": form},
                  status=400 if request.method == "POST" else 200)


@csrf_protect
def _upload(request: HttpRequest, entry: str, handler: MemoryOnlyUploadHandler) -> HttpResponse:
    found = selectors.entry_for_user(request.user, entry)
    form = FileForm(request.POST, request.FILES, too_big=handler.too_big)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return _detail_page(request, found, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        services.file_add(actor=_user(request), entry=found, filename=upload.name, data=upload.read())
    except locker.FileRefused:
        form.add_error("file", _("This file could not be read as the kind of file its name says."))
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return _detail_page(request, found, form, status=400)
    messages.success(request, _("The file was encrypted and added to the entry."))
    return redirect("abuse:detail", entry=found.code)


@csrf_exempt
@require_POST
@member_required
def file_upload(request: HttpRequest, entry: str) -> HttpResponse:
    handler = MemoryOnlyUploadHandler(request, limit=int(settings.EVIDENCE_MAX_BYTES))
    request.upload_handlers = [handler]
    return _upload(request, entry, handler)


@require_GET
@member_required
def file_download(request: HttpRequest, entry: str, item: str) -> HttpResponse:
    found = selectors.entry_for_user(request.user, entry)
    stored = selectors.file_of(found, item)
    kinds = services.KINDS
    response = HttpResponse(content_type=kinds[stored.kind].content_type)
    try:
        services.file_download(actor=_user(request), item=stored, dst=response)  # type: ignore[arg-type]
    except services.FileUnreadable as failure:
        response.content = b""  # may hold part of the plaintext: dropped
        return render(request, "abuse/unreadable.html", {"entry": found, "item": stored, "reason": failure.reason},
                      status=404 if failure.reason == "missing" else 409)
    # A neutral name: hers could say what it shows, and stays in the browser's download history.
    response["Content-Disposition"] = f'attachment; filename="aigaq-{stored.code[:8]}.{stored.kind}"'
    return response


@require_POST
@member_required
def report(request: HttpRequest) -> HttpResponse:
    """The ticked entries as a PDF or a .docx, in the chosen language, with each file's SHA-256."""
    codes = request.POST.getlist("entries")
    form = ReportForm(request.POST, codes=codes)
    if not form.is_valid():
        messages.error(request, _("No report was made: please correct the fields marked below."))
        return _list_page(request, ReportForm(request.POST, codes=[e.code for e in
                                                                   selectors.visible_entries(request.user)]),
                          status=400)
    entries = selectors.entries_for_user(request.user, form.cleaned_data["entries"])
    fmt, lang = form.cleaned_data["format"], form.cleaned_data["language"]
    content = services.report_make(actor=_user(request), entries=entries, lang=lang, fmt=fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="aigaq-abuse-report-{lang}.{fmt}"'
    return response


@require_GET
@member_required
def senders(request: HttpRequest) -> HttpResponse:
    groups = selectors.sender_groups(selectors.with_keys(list(selectors.visible_entries(request.user))))
    return render(request, "abuse/senders.html", {"groups": [g for g in groups if len(g) > 1],
                                                  "single": sum(1 for g in groups if len(g) == 1)})


@require_GET
@member_required
def figures(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_figures(request.user):
        raise Http404("No such page")
    return render(request, "abuse/figures.html", {"figures": selectors.figures(request.user)})
