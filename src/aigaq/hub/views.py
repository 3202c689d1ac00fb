"""The Hub API (docs/network.md): thin views that parse, call a service or selector, answer JSON.

Every endpoint but /v1/join is signed by a member (`@signed`, which refuses and audits the rest);
/v1/join is authenticated by its invitation."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from aigaq.peers.signed import signed

from . import services, wire
from .errors import HubError
from .selectors import alerts_for, member_alert, member_for_sender


def _answers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turns a HubError into its JSON answer."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except HubError as exc:
            return JsonResponse({"error": exc.code}, status=exc.status)

    return wrapped


@csrf_exempt  # no cookies, no browser: the invitation is the authentication
@require_POST
@_answers
def join(request: HttpRequest) -> HttpResponse:
    parsed = wire.parse_join(request.body)
    joined = services.member_join(invitation=parsed.invitation, city=parsed.city, public_key=parsed.public_key)
    return JsonResponse({"member": joined.member.code, "keyservice_url": joined.keyservice.url,
                         "keyservice_oprf_public_key": joined.keyservice.oprf_public_key,
                         "hub_public_key": joined.hub_public_key})


@require_POST
@signed
@_answers
def sync(request: HttpRequest, sender: str) -> HttpResponse:
    member = member_for_sender(sender)
    synced = services.sync_apply(member=member, request=wire.parse_sync(request.body))
    return JsonResponse({"accepted": synced.accepted, "deleted": synced.deleted})


@require_GET
@signed
@_answers
def alerts(request: HttpRequest, sender: str) -> HttpResponse:
    member = member_for_sender(sender)
    return JsonResponse({"alerts": [wire.alert_json(a) for a in alerts_for(member)]})


@require_POST
@signed
@_answers
def decision(request: HttpRequest, sender: str, code: str) -> HttpResponse:
    member = member_for_sender(sender)
    alert = services.alert_decide(member=member, code=code, decision=wire.parse_decision(request.body))
    return JsonResponse({"ok": True, "alert": wire.alert_json(member_alert(alert, member))})


@require_POST
@signed
@_answers
def contact(request: HttpRequest, sender: str, code: str) -> HttpResponse:
    member = member_for_sender(sender)
    message, their_contact = wire.parse_contact(request.body)
    alert = services.contact_request(member=member, code=code, message=message, contact=their_contact)
    return JsonResponse({"ok": True, "alert": wire.alert_json(member_alert(alert, member))})


@require_POST
@signed
@_answers
def contact_answer(request: HttpRequest, sender: str, code: str) -> HttpResponse:
    member = member_for_sender(sender)
    accept, their_contact = wire.parse_answer(request.body)
    alert = services.contact_answer(member=member, code=code, accept=accept, contact=their_contact)
    return JsonResponse({"ok": True, "alert": wire.alert_json(member_alert(alert, member))})
