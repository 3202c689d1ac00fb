"""Case views: parse the request, check access, call a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from aigaq import i18n, reference
from aigaq.accounts.decorators import require_step_up
from aigaq.accounts.members import current_member

from . import reveal, services
from .access import can_edit, get_case_for_user
from .forms import (
    CaseFilterForm,
    ConsentForm,
    CostForm,
    EventForm,
    IncidentForm,
    NoteForm,
    ReferralForm,
    SurvivorForm,
    SuspectForm,
    SuspectFormSet,
    WitnessForm,
    event_forms,
)
from .models import Case, Suspect
from .pathway import SPECS, STAGES
from .selectors import case_list as select_cases
from .selectors import derived_for


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


@records_required
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    rows = []
    if form.is_bound and form.is_valid():
        rows = select_cases(request.user, **form.cleaned_data)
    elif not form.is_bound:
        rows = select_cases(request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/list.html", {
        "form": form, "page": page, "total": len(rows), "query": query.urlencode(),
        "stage_labels": dict(STAGES),
    })


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


def _render_case(request: HttpRequest, case: Case, bound: dict[str, forms.Form] | None = None,
                 status: int = 200) -> HttpResponse:
    bound = bound or {}
    incident = getattr(case, "incident", None)
    incident_date = incident.date_from if incident else None
    lang = i18n.active_language()
    label = i18n.label

    forms_by_type = {f.spec.type: f for f in event_forms(incident_date)}
    for key, form in bound.items():
        if key in forms_by_type:
            forms_by_type[key] = form  # type: ignore[assignment]
    events = list(case.events.all())
    timeline = [_event_view(e, lang) for e in events]
    derived = derived_for(case)
    context = {
        "case": case,
        "survivor": getattr(case, "survivor", None),
        "incident": incident,
        "place": label(reference.place_types(), incident.place_type) if incident else "",
        "gbv": label(reference.gbv_types(), incident.gbv_type) if incident else "",
        "suspects": [
            (s, label(reference.relations(), s.relation), reveal.identifiers(request, s),
             reveal.is_revealed(request, s.code))
            for s in case.suspects.all()
        ],
        "witnesses": case.witnesses.all(),
        "referrals": [
            (r, label(reference.referral_types(), r.kind), label(reference.referral_statuses(), r.status))
            for r in case.referrals.all()
        ],
        "notes": case.notes.select_related("author"),
        "costs": [
            (c, label(reference.cost_kinds(), c.kind), label(reference.payers(), c.payer)) for c in case.costs.all()
        ],
        "timeline": timeline,
        "derived": derived,
        "stage_label": dict(STAGES).get(derived.stage, derived.stage),
        "event_forms": list(forms_by_type.values()),
        "suspect_form": bound.get("suspect") or SuspectForm(prefix="suspect"),
        "referral_form": bound.get("referral") or ReferralForm(prefix="referral"),
        "note_form": bound.get("note") or NoteForm(prefix="note"),
        "cost_form": bound.get("cost") or CostForm(prefix="cost"),
        "witness_form": bound.get("witness") or WitnessForm(prefix="witness"),
        "consent_form": bound.get("consent") or _consent_form(case),
        "open_form": next(iter(bound), ""),
    }
    return render(request, "cases/detail.html", context, status=status)


def _consent_form(case: Case) -> ConsentForm | None:
    survivor = getattr(case, "survivor", None)
    if survivor is None:
        return None
    return ConsentForm(prefix="consent", initial={
        "services": survivor.consent_services, "matching": survivor.consent_matching,
        "statistics": survivor.consent_statistics})


@require_POST
@records_required
def consent_update(request: HttpRequest, code: str) -> HttpResponse:
    case = _editable_case(request, code)
    form = ConsentForm(request.POST, prefix="consent")
    if getattr(case, "survivor", None) is None or not form.is_valid():
        raise Http404("No such case")
    actor = request.user
    services.survivor_consent_update(actor=actor, case=case, **form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, _("Her consent was updated."))
    return redirect("cases:detail", code=case.code)


def _event_view(event: Any, lang: str) -> dict[str, Any]:
    """The event as label/value lines, in the user's language."""
    from .forms import lazy_choices

    spec = SPECS.get(event.type)
    entry = reference.event_type(event.type)
    lines = []
    values = {**(event.facts or {}), **event.details}
    for field_spec in spec.fields if spec else ():
        value = values.get(field_spec.name)
        if value in (None, "", []):
            continue
        if field_spec.kind == "article":
            art = reference.article(value)
            shown = f"{art.short(lang)} — {art.label(lang)}" if art else value
        elif field_spec.kind in ("choice", "multichoice"):
            labels = dict(lazy_choices(field_spec.choices)())
            shown = ", ".join(str(labels.get(v, v)) for v in (value if isinstance(value, list) else [value]))
        elif field_spec.kind == "bool":
            shown = _("yes") if value else _("no")
        else:
            shown = str(value)
        lines.append((field_spec.label, shown, field_spec.kind == "longtext"))
    return {"event": event, "label": entry.label(lang) if entry else event.type, "lines": lines}


@records_required
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    services.case_viewed(actor=request.user, case=case)  # type: ignore[arg-type]
    return _render_case(request, case)


def _editable_case(request: HttpRequest, code: str) -> Case:
    case = get_case_for_user(request.user, code)
    if not can_edit(request.user, case):
        raise Http404("No such case")
    return case


@require_POST
@records_required
def event_add(request: HttpRequest, code: str, event_type: str) -> HttpResponse:
    case = _editable_case(request, code)
    spec = SPECS.get(event_type)
    if spec is None or event_type == "incident":
        raise Http404("No such event type")
    incident = getattr(case, "incident", None)
    form = EventForm(spec, request.POST, incident_date=incident.date_from if incident else None)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return _render_case(request, case, {event_type: form}, status=400)
    data = dict(form.cleaned_data)
    date = data.pop("date")
    services.pathway_event_add(actor=request.user, case=case, event_type=event_type, date=date,  # type: ignore[arg-type]
                               data=data)
    messages.success(request, _("The event was added to the pathway."))
    return redirect("cases:detail", code=case.code)


def _simple_add(form_class: type[forms.Form], key: str, save: Callable[..., Any], done: str) -> Callable[..., Any]:
    @require_POST
    @records_required
    def view(request: HttpRequest, code: str) -> HttpResponse:
        case = _editable_case(request, code)
        form = form_class(request.POST, prefix=key)
        if not form.is_valid():
            messages.error(request, _("Nothing was saved: please correct the fields marked below."))
            return _render_case(request, case, {key: form}, status=400)
        save(request, case, form)
        messages.success(request, _(done))
        return redirect("cases:detail", code=case.code)

    view.__name__ = f"{key}_add"
    return view


suspect_add = _simple_add(SuspectForm, "suspect", lambda r, c, f: services.suspect_add(
    actor=r.user, case=c, data=f.to_input()), gettext_noop("The suspect was added."))
referral_add = _simple_add(ReferralForm, "referral", lambda r, c, f: services.referral_add(
    actor=r.user, case=c, data=f.to_input()), gettext_noop("The referral was added."))
note_add = _simple_add(NoteForm, "note", lambda r, c, f: services.note_add(
    actor=r.user, case=c, text=f.cleaned_data["text"]), gettext_noop("The note was added."))
cost_add = _simple_add(CostForm, "cost", lambda r, c, f: services.cost_add(
    actor=r.user, case=c, data=f.to_input()), gettext_noop("The cost was added."))
witness_add = _simple_add(WitnessForm, "witness", lambda r, c, f: services.witness_add(
    actor=r.user, case=c, data=f.to_input()), gettext_noop("The witness was added."))


@require_POST
@records_required
def suspect_reveal(request: HttpRequest, code: str, suspect_code: str) -> HttpResponse:
    """Shows one suspect's identifiers after step-up re-authentication; written to the audit log.

    Access is checked before step-up, so someone without access to the case gets 404 and never
    even the confirmation form."""
    case = get_case_for_user(request.user, code)
    suspect = case.suspects.filter(code=suspect_code).first()
    if suspect is None:
        raise Http404("No such suspect")
    return _reveal_after_step_up(request, case, suspect)


@require_step_up
def _reveal_after_step_up(request: HttpRequest, case: Case, suspect: Suspect) -> HttpResponse:
    services.suspect_revealed(actor=request.user, suspect=suspect)  # type: ignore[arg-type]
    reveal.mark_revealed(request, suspect.code)
    return redirect(f"{reverse('cases:detail', args=[case.code])}#suspect-{suspect.code}")
