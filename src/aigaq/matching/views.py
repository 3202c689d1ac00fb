"""The coordinators' review queue and alert pages."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aigaq.accounts.decorators import coordinator_required, require_step_up
from aigaq.accounts.models import Membership, Role, User
from aigaq.accounts.nav import NavLink
from aigaq.cases import reveal

from . import review, selectors
from .forms import DecisionForm
from .models import MatchAlert, Status


def _actor(request: HttpRequest) -> User:
    """The signed-in coordinator (the decorators have checked she is one)."""
    return cast(User, request.user)


def nav_links(member: Membership) -> list[NavLink]:
    if member.role != Role.COORDINATOR:
        return []
    return [NavLink(url=reverse("matching:queue"), label=_("Match alerts"))]


@coordinator_required
def queue(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("show", "review")
    if name not in selectors.QUEUES:
        name = "review"
    return render(
        request,
        "matching/queue.html",
        {
            "alerts": selectors.alert_queue(request.user, queue=name),
            "show": name,
            "sizes": selectors.queue_sizes(request.user),
        },
    )


def _render_alert(
    request: HttpRequest, code: str, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    alert = selectors.get_alert_for_user(request.user, code=code)
    review.alert_open(actor=_actor(request), alert=alert)
    page = selectors.alert_page(request.user, alert=alert, revealed_codes=reveal.revealed_codes(request))
    return render(
        request,
        "matching/alert.html",
        {
            "alert": alert,
            "sides": page.sides,
            "lines": page.lines,
            "form": form or DecisionForm(),
            "decisions": page.decisions,
            "decided": page.decided,
            "revealed": page.revealed,
            "any_identifier": page.any_identifier,
        },
        status=status,
    )


@coordinator_required
def alert_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_alert(request, code)


@require_POST
@coordinator_required
def alert_decide(request: HttpRequest, code: str) -> HttpResponse:
    alert = selectors.get_alert_for_user(request.user, code=code)
    if alert.status == Status.CLOSED:
        messages.error(request, _("This alert was closed: the suspects no longer match. Nothing was saved."))
        return redirect("matching:alert", code=alert.code)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return _render_alert(request, code, form, status=400)
    review.alert_decide(
        actor=_actor(request),
        alert=alert,
        decision=form.cleaned_data["decision"],
        note=form.cleaned_data["note"],
    )
    messages.success(
        request,
        {
            Status.CONFIRMED: _("Confirmed: the cases are linked under one repeat suspect."),
            Status.REJECTED: _("Rejected: this pair will not be shown again."),
            Status.UNSURE: _("Marked unsure: the alert stays in the queue."),
        }[form.cleaned_data["decision"]],
    )
    return redirect("matching:queue")


@require_POST
@coordinator_required
def alert_reveal(request: HttpRequest, code: str) -> HttpResponse:
    """Shows both suspects' identifiers after step-up re-authentication, the rule of the case page
    (cases.reveal): the alert is looked up first, so anyone but its coordinators gets 404 and
    never the confirmation form."""
    alert = selectors.get_alert_for_user(request.user, code=code)
    return _reveal_after_step_up(request, alert)


@require_step_up
def _reveal_after_step_up(request: HttpRequest, alert: MatchAlert) -> HttpResponse:
    review.alert_reveal(actor=_actor(request), alert=alert)
    for suspect in (alert.suspect_a, alert.suspect_b):
        reveal.mark_revealed(request, suspect.code)
    return redirect("matching:alert", code=alert.code)


@require_POST
@coordinator_required
def alert_claim(request: HttpRequest, code: str) -> HttpResponse:
    alert = selectors.get_alert_for_user(request.user, code=code)
    review.alert_claim(actor=_actor(request), alert=alert, release=request.POST.get("release") == "1")
    return redirect("matching:queue")
