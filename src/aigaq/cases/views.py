"""Case views: the list, intake and the case page. Each parses the request, checks access, calls a
service or a selector, and renders.

The forms on the case page post to views of their own: the records' in `record_views`, the
pathway's in `event_views`, closing and erasure in `erasure_views`. They end with `case_saved`, or
with `case_form_invalid`, which shows the case page again with the form open and what she typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aigaq.accounts.decorators import require_step_up
from aigaq.accounts.members import current_member

from . import exports, listing, reveal, services
from .access import can_edit, get_case_for_user
from .forms import (
    CaseFilterForm,
    ConsentForm,
    CostForm,
    IncidentForm,
    NoteForm,
    ReferralForm,
    SurvivorForm,
    SuspectForm,
    SuspectFormSet,
    WitnessForm,
    event_forms,
)
from .models import Case
from .pathway import STAGES
from .people_forms import people_block
from .selectors import case_page, repeat_case_ids


def records_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only staff who work with records (not analysts) reach case pages; others get 404."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = current_member(request.user)
        if member is None or not member.sees_records:
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _list_data(request: HttpRequest) -> QueryDict:
    """The list's filters. The search box goes by POST only: what she types there may be a
    suspect's name or phone, and an address ends up in the browser's history and the server's
    logs. A `q` in an address is ignored; the other filters are codes and dates, kept in links."""
    if request.method == "POST":
        data = request.POST.copy()
        data.pop("csrfmiddlewaretoken", None)
    else:
        data = request.GET.copy()
        data.pop("q", None)
    return data


@records_required
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    """One page of her list (50 cases), as one query for the page and one for the count."""
    sort = listing.default_sort(request.user)
    data = _list_data(request)
    page_number = data.pop("page", [None])[-1]
    form = CaseFilterForm(data or None, initial={"sort": sort})
    cases = Case.objects.none()
    if form.is_bound and form.is_valid():
        cases = listing.case_list(request.user, **form.cleaned_data)
    elif not form.is_bound:
        cases = listing.case_list(request.user)
    page = Paginator(cases, 50).get_page(page_number)
    rows = listing.case_rows(page.object_list, repeat=repeat_case_ids(request.user))
    searching = bool(data.get("q", "").strip())
    query = data.copy()
    query.pop("q", None)
    current_view = form.cleaned_data.get("view", "") if form.is_bound and form.is_valid() else ""
    view_links = []
    for code, label in listing.VIEWS:
        link = query.copy()
        link.pop("view", None)
        if code:
            link["view"] = code
        view_links.append((code, label, link.urlencode()))
    return render(request, "cases/list.html", {
        "form": form, "page": page, "rows": rows, "total": page.paginator.count, "query": query.urlencode(),
        "carried": [(key, value) for key, values in data.lists() for value in values], "searching": searching,
        "stage_labels": dict(STAGES), "views": view_links, "current_view": current_view,
    })


@records_required
@require_POST
@require_step_up
def case_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Her list with the filters of the list page (sent in the body, never the address) as xlsx or
    CSV; a fresh step-up first, and audited (cases.exports)."""
    if fmt not in exports.EXPORT_TYPES:
        raise Http404("No such format")
    form = CaseFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The filters could not be read, so nothing was exported. Check them and try again."))
        return redirect("cases:list")
    export = exports.case_list_export(actor=request.user, filters=form.cleaned_data, fmt=fmt)  # type: ignore[arg-type]
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@records_required
def case_new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    survivor = SurvivorForm(data, prefix="survivor")
    incident = IncidentForm(data, prefix="incident")
    suspects = SuspectFormSet(data, prefix="suspects")
    if data is not None and survivor.is_valid() and incident.is_valid() and suspects.is_valid():
        case = services.case_create(
            actor=request.user,  # type: ignore[arg-type]
            survivor=survivor.to_input(),
            incident=incident.to_input(),
            suspects=[f.to_input() for f in suspects.forms if f.cleaned_data and f.has_content()],
        )
        messages.success(request, _("The case was created."))
        return redirect("cases:detail", code=case.code)
    if data is not None:
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "cases/new.html", {"survivor": survivor, "incident": incident, "suspects": suspects},
                  status=400 if data is not None else 200)


@records_required
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    services.case_viewed(actor=request.user, case=case)  # type: ignore[arg-type]
    return case_page_response(request, case)


def case_page_response(request: HttpRequest, case: Case, invalid: forms.Form | None = None) -> HttpResponse:
    """The case page. With `invalid`, a form of the page that did not validate: it is shown open,
    with what she typed, in place of the empty form with its prefix, and the status is 400."""
    shown = {invalid.prefix: invalid} if invalid is not None else {}

    def form_for(empty: forms.Form) -> forms.Form:
        return shown.get(empty.prefix, empty)

    page = case_page(case, revealed=reveal.revealed_codes(request), user=request.user)
    incident_date = page.incident.date_from if page.incident else None
    return render(request, "cases/detail.html", {
        "page": page,
        "case": case,
        "derived": page.derived,
        "event_forms": [form_for(f) for f in event_forms(incident_date, page.incident.region if page.incident else "")],
        "suspect_form": form_for(SuspectForm(prefix="suspect")),
        "referral_form": form_for(ReferralForm(prefix="referral")),
        "note_form": form_for(NoteForm(prefix="note")),
        "cost_form": form_for(CostForm(prefix="cost")),
        "witness_form": form_for(WitnessForm(prefix="witness")),
        "consent_form": ConsentForm.of(page.survivor) if page.survivor is not None else None,
        "open_form": invalid.prefix if invalid is not None else "",
        "can_edit": can_edit(request.user, case),
        **people_block(request.user, case, invalid),
    }, status=400 if invalid is not None else 200)


def case_form_invalid(request: HttpRequest, case: Case, form: forms.Form) -> HttpResponse:
    """Nothing saved: the case page again, the form open with her input and its errors."""
    messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return case_page_response(request, case, invalid=form)


def case_saved(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    """Saved: back to the case page, saying what was done."""
    messages.success(request, message)
    return redirect("cases:detail", code=case.code)
