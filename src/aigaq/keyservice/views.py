"""The key service's HTTP API (docs/network.md "Key service API"): parse, call a service, answer
JSON. Signatures are checked by aigaq.peers.signed before any of these run."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from aigaq.peers.signed import refuse, signed

from . import keyfiles, limits, services, wire


def _bad_request(sender: str, count: int = 0) -> JsonResponse:
    services.refusal_record(sender=sender, reason="bad_request", count=count)
    return JsonResponse({"error": "bad_request"}, status=400)


@require_GET
def identity(request: HttpRequest) -> HttpResponse:
    keys = keyfiles.identity()
    return JsonResponse({"oprf_public_key": wire.b64(keys.oprf_public_key),
                         "signing_public_key": keys.signing_public_key, "info": keys.info})


@require_POST
@signed
def members(request: HttpRequest, sender: str) -> HttpResponse:
    if sender != wire.HUB:  # only the hub vouches for members; a member cannot add another
        return refuse(sender, "unknown_sender")
    try:
        member, public_key = wire.registration(request.body)
    except wire.BadRequest:
        return _bad_request(sender)
    try:
        services.member_register(member=member, public_key=public_key)
    except services.MemberRemoved:
        services.refusal_record(sender=sender, reason="removed", count=0)
        return JsonResponse({"error": "removed"}, status=403)
    return JsonResponse({"ok": True})


@require_POST
@signed
def evaluate(request: HttpRequest, sender: str) -> HttpResponse:
    if sender == wire.HUB:  # the hub holds every member's tokens: it must never be able to make them
        return refuse(sender, "unknown_sender")
    try:
        blinded = wire.batch(request.body, max_batch=limits.current().max_batch)
    except wire.BadRequest:
        return _bad_request(sender)
    try:
        evaluated = services.batch_evaluate(member=sender, blinded=blinded, holder=keyfiles.key_holder())
    except wire.BadRequest:
        return JsonResponse({"error": "bad_request"}, status=400)
    except services.RateLimited as exc:
        return JsonResponse({"error": "rate_limited", "retry_after": exc.retry_after}, status=429,
                            headers={"Retry-After": str(exc.retry_after)})
    return JsonResponse({"evaluated": wire.b64(evaluated)})
