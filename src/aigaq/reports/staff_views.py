"""The coordinators' queue of survivors' reports: read one, reply through it, mark it spam, turn
it into a case with the intake form prefilled from it, or add it to an existing case. A sealed
report (choice c) shows only that it exists and when it came; none of these pages opens it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aigaq.accounts.decorators import coordinator_required
from aigaq.accounts.models import Membership, Role, User
from aigaq.accounts.nav import NavLink
from aigaq.cases.forms import IncidentForm, SurvivorForm, SuspectFormSet
from aigaq.cases.models import Case
from aigaq.cases.pathway import choice_items

from . import selectors, services
from .forms import MergeCaseForm, MergeConfirmForm, ReplyForm
from .models import Report


def nav_links(member: Membership) -> list[NavLink]:
    if member.role != Role.COORDINATOR:
        return []
    return [NavLink(url=reverse("reports:queue"), label=_("Reports from survivors"))]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@coordinator_required
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("show", "new")
    if status not in selectors.QUEUES:
        status = "new"
    return render(request, "reports/queue.html", {
        "reports": selectors.report_queue(_user(request), status)[:200], "show": status,
        "queues": [(code, label) for code, label in Report.Status.choices],
    })


def _readable(user: User, code: str) -> Report:
    report = selectors.report_for_coordinator(user, code)
    if not report.readable_by_staff:
        raise Http404("A sealed report is not shown")
    return report


@coordinator_required
def detail(request: HttpRequest, code: str, reply_form: ReplyForm | None = None) -> HttpResponse:
    report = selectors.report_for_coordinator(_user(request), code)
    if report.readable_by_staff:
        services.report_viewed(actor=_user(request), report=report)
    return render(request, "reports/detail.html", {
        "report": report, "entries": list(report.messages.all()) if report.readable_by_staff else [],
        "files": list(report.files.all()) if report.readable_by_staff else [],
        "reply_form": reply_form or ReplyForm(prefix="reply"),
    }, status=400 if reply_form is not None else 200)


@require_POST
@coordinator_required
def reply(request: HttpRequest, code: str) -> HttpResponse:
    report = _readable(_user(request), code)
    form = ReplyForm(request.POST, prefix="reply")
    if not form.is_valid():
        return detail(request, code, reply_form=form)
    services.report_reply(actor=_user(request), report=report, text=form.cleaned_data["text"])
    messages.success(request, _("Your reply was saved. She reads it when she opens her report."))
    return redirect("reports:detail", code=report.code)


@require_POST
@coordinator_required
def spam(request: HttpRequest, code: str) -> HttpResponse:
    report = selectors.report_for_coordinator(_user(request), code)
    services.report_mark_spam(actor=_user(request), report=report)
    messages.success(request, _("The report was marked as spam."))
    return redirect("reports:queue")


def _initial(report: Report) -> dict[str, Any]:
    consents = services.consents_from_choice(report.choice)
    survivor: dict[str, Any] = {f"survivor-{name}": value for name, value in consents.items() if value}
    survivor["survivor-contact"] = "\n".join(v for v in (report.contact_details, report.safe_times) if v)
    incident = {"incident-date_from": report.date_from, "incident-date_to": report.date_to,
                "incident-settlement": report.city, "incident-place_type": report.place_type,
                "incident-account": report.account}
    suspect = {"suspects-0-full_name": report.his_name, "suspects-0-phones": report.his_phones,
               "suspects-0-handles": report.his_handles, "suspects-0-plates": report.his_plates,
               "suspects-0-description": report.his_description}
    return {**survivor, **incident, **suspect}


@coordinator_required
def to_case(request: HttpRequest, code: str) -> HttpResponse:
    """The intake form filled from her report; the coordinator completes what the survivor's form
    does not ask (region, urban or rural, the GBVIMS questions) and saves."""
    report = _readable(_user(request), code)
    if report.status in (Report.Status.CASE, Report.Status.MERGED):
        return redirect("cases:detail", code=report.case_code)
    if request.method == "POST":
        data = request.POST
        survivor, incident = SurvivorForm(data, prefix="survivor"), IncidentForm(data, prefix="incident")
        suspects = SuspectFormSet(data, prefix="suspects")
        if survivor.is_valid() and incident.is_valid() and suspects.is_valid():
            case = services.report_to_case(
                actor=_user(request), report=report, survivor=survivor.to_input(), incident=incident.to_input(),
                suspects=[f.to_input() for f in suspects.forms if f.cleaned_data and f.has_content()])
            messages.success(request, _("The case was created from the report."))
            return redirect("cases:detail", code=case.code)
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        status = 400
    else:
        initial = _initial(report)
        survivor = SurvivorForm(prefix="survivor", initial={k.split("-", 1)[1]: v for k, v in initial.items()
                                                            if k.startswith("survivor-")})
        incident = IncidentForm(prefix="incident", initial={k.split("-", 1)[1]: v for k, v in initial.items()
                                                            if k.startswith("incident-") and v})
        suspects = SuspectFormSet(prefix="suspects", initial=[
            {k.split("-", 2)[2]: v for k, v in initial.items() if k.startswith("suspects-0-") and v}])
        status = 200
    return render(request, "reports/to_case.html", {
        "report": report, "survivor": survivor, "incident": incident, "suspects": suspects}, status=status)


def _suspect_choices(report: Report, case: Case) -> list[tuple[str, str]]:
    if services.report_suspect_input(report) is None:
        return [(services.NO_SUSPECT, _("She names no one: nothing to add"))]
    relations = dict(choice_items("relations"))
    return [
        (services.NEW_SUSPECT, _("Add him to the case as a new suspect")),
        *[(s.code, _("Add what she says of him to suspect %(n)s (%(relation)s)")
           % {"n": n, "relation": relations.get(s.relation, s.relation)})
          for n, s in enumerate(case.suspects.order_by("id"), start=1)],
        (services.NO_SUSPECT, _("Do not add his identifiers")),
    ]


@coordinator_required
def merge(request: HttpRequest, code: str) -> HttpResponse:
    """Adds her report to an existing case: first which case (its code), then, on a second page
    showing what will be added, what to do with the man she names, and a confirmation."""
    user = _user(request)
    report = _readable(user, code)
    if report.status in (Report.Status.CASE, Report.Status.MERGED):
        return redirect("cases:detail", code=report.case_code)
    choose = MergeCaseForm(prefix="merge")
    confirm: MergeConfirmForm | None = None
    case: Case | None = None
    status = 200
    if request.method == "POST" and request.POST.get("step") == "confirm":
        case = selectors.case_to_merge_into(user, request.POST.get("merge-case", ""))
        if case is None:
            raise Http404("No such case")
        confirm = MergeConfirmForm(request.POST, prefix="merge", suspects=_suspect_choices(report, case))
        if confirm.is_valid():
            services.report_merge(actor=user, report=report, case=case, suspect=confirm.cleaned_data["suspect"])
            messages.success(request, _("The report was added to the case."))
            return redirect("cases:detail", code=case.code)
        status = 400
    elif request.method == "POST":
        choose = MergeCaseForm(request.POST, prefix="merge")
        if choose.is_valid():
            case = selectors.case_to_merge_into(user, choose.cleaned_data["case"])
            if case is None:
                choose.add_error("case", _("No case you can add to has this code."))
        if case is None:
            status = 400
        else:
            suspects = _suspect_choices(report, case)
            confirm = MergeConfirmForm(prefix="merge", suspects=suspects,
                                       initial={"case": case.code, "suspect": suspects[0][0]})
    return render(request, "reports/merge.html", {
        "report": report, "case": case, "choose": choose, "confirm": confirm,
        "note": services.merge_note_text(report) if case is not None else "",
        "files": list(report.files.all()) if case is not None else [],
    }, status=status)
