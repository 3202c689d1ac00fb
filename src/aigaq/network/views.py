"""The coordinators' network alerts page and her answers to an alert.

Her answers go to the hub at once. When the hub cannot be reached she is told so, and the form she
filled in comes back as she left it: nothing was sent, nothing is lost, she tries again later.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aigaq.accounts.decorators import coordinator_required
from aigaq.accounts.models import Membership, Role, User
from aigaq.accounts.nav import NavLink
from aigaq.lib.netproto import NetworkError

from . import selectors, services
from .forms import ContactAnswerForm, ContactRequestForm, DecisionForm
from .models import Decision, NetworkConfig


def nav_links(member: Membership) -> list[NavLink]:
    if member.role != Role.COORDINATOR:
        return []
    config = NetworkConfig.current()
    if config is None or config.organisation_id != member.organisation_id:
        return []
    return [NavLink(url=reverse("network:alerts"), label=_("Network alerts"))]


def _actor(request: HttpRequest) -> User:
    """The signed-in coordinator (the decorator has checked she is one)."""
    return cast(User, request.user)


def _ids(code: str) -> str:
    """HTML ids of one alert's form fields: the page has a form of each kind per alert."""
    return f"{code}-%s"


def _page(request: HttpRequest, *, code: str = "", bound: forms.Form | None = None, status: int = 200) -> HttpResponse:
    """The page; `bound` is the form she just sent for alert `code`, shown again with her input."""
    joined = NetworkConfig.current() is not None
    if joined and selectors.config_for(request.user) is None:
        raise Http404("No such page")  # a coordinator of another organisation of this instance
    cards = []  # (row, its request-for-contact form, its answer form)
    for row in selectors.alert_rows(request.user):
        mine = row.alert.code == code
        request_form = bound if mine and isinstance(bound, ContactRequestForm) else None
        answer_form = bound if mine and isinstance(bound, ContactAnswerForm) else None
        cards.append((row, request_form or ContactRequestForm(auto_id=_ids(row.alert.code)),
                       answer_form or ContactAnswerForm(auto_id=_ids(row.alert.code))))
    return render(request, "network/alerts.html", {"joined": joined, "cards": cards}, status=status)


def _to_alert(code: str) -> HttpResponse:
    return redirect(f"{reverse('network:alerts')}#alert-{code}")


def _network_failed(request: HttpRequest, exc: NetworkError) -> None:
    if exc.code == "unreachable":
        messages.error(request, _("The network hub could not be reached. Nothing was sent and nothing is lost: "
                                  "try again in a few minutes."))
    else:
        messages.error(request, _("The network hub did not accept this (%(code)s). Nothing was changed.")
                       % {"code": exc.code})


def _stale(request: HttpRequest) -> None:
    messages.error(request, _("This alert has changed since the page was loaded. Nothing was sent."))


@coordinator_required
def alerts(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@coordinator_required
def alert_decide(request: HttpRequest, code: str) -> HttpResponse:
    alert = selectors.get_alert_for_user(request.user, code)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _stale(request)
        return _to_alert(code)
    try:
        services.alert_review(actor=_actor(request), alert=alert, decision=form.cleaned_data["decision"])
    except NetworkError as exc:
        _network_failed(request, exc)
        return _page(request, code=code, status=503)
    except (ValueError, PermissionError):  # a stale page, or a sealed report she has not shared
        _stale(request)
        return _to_alert(code)
    messages.success(request, _("Confirmed for your side.") if form.cleaned_data["decision"] == Decision.CONFIRMED
                     else _("Rejected for your side: the other organisation is told only that."))
    return _to_alert(code)


@require_POST
@coordinator_required
def contact_request(request: HttpRequest, code: str) -> HttpResponse:
    alert = selectors.get_alert_for_user(request.user, code)
    form = ContactRequestForm(request.POST, auto_id=_ids(code))
    if not form.is_valid():
        messages.error(request, _("Nothing was sent: please correct the fields marked below."))
        return _page(request, code=code, bound=form, status=400)
    try:
        services.alert_contact_request(actor=_actor(request), alert=alert, message=form.cleaned_data["message"],
                                       contact=form.cleaned_data["contact"])
    except NetworkError as exc:
        _network_failed(request, exc)
        return _page(request, code=code, bound=form, status=503)
    except (ValueError, PermissionError):  # a stale page, or a sealed report she has not shared
        _stale(request)
        return _to_alert(code)
    messages.success(request, _("Your request was sent. You will see their answer here."))
    return _to_alert(code)


@require_POST
@coordinator_required
def contact_answer(request: HttpRequest, code: str) -> HttpResponse:
    alert = selectors.get_alert_for_user(request.user, code)
    form = ContactAnswerForm(request.POST, auto_id=_ids(code))
    if not form.is_valid():
        messages.error(request, _("Nothing was sent: please correct the fields marked below."))
        return _page(request, code=code, bound=form, status=400)
    try:
        services.alert_contact_answer(actor=_actor(request), alert=alert, accept=form.accepted,
                                      contact=form.cleaned_data["contact"])
    except NetworkError as exc:
        _network_failed(request, exc)
        return _page(request, code=code, bound=form, status=503)
    except (ValueError, PermissionError):  # a stale page, or a sealed report she has not shared
        _stale(request)
        return _to_alert(code)
    messages.success(request, _("Accepted: you can now see each other's work contact.") if form.accepted
                     else _("Declined: nothing was shared."))
    return _to_alert(code)
