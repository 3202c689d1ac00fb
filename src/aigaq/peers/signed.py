"""`@signed`: a view that only a registered peer can call, with a fresh, correctly signed request.

Refusals answer 401 with a JSON error code and are written to this process's audit log with the
claimed sender and the reason, never the body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.lib.crypto.signing import MAX_SKEW_SECONDS, SignatureError, sender_of, verify_request

from .models import Peer, SeenNonce

View = Callable[..., HttpResponse]

_REASONS = {"unsigned request": "unsigned", "bad time": "unsigned", "expired request": "expired",
            "wrong signature": "bad_signature"}


def refuse(sender: str, reason: str) -> JsonResponse:
    with transaction.atomic():
        record(actor=None, action=Action.NETWORK_REQUEST_REFUSED, organisation_code=sender[:32],
               extra={"reason": reason})
    return JsonResponse({"error": reason}, status=401)


def verify(request: HttpRequest) -> str | JsonResponse:
    """The verified sender's name, or the refusal to send back."""
    headers = {k: v for k, v in request.headers.items()}
    try:
        sender = sender_of(headers)
    except SignatureError:
        return refuse("", "unsigned")
    peer = Peer.objects.filter(name=sender).first()
    if peer is None:
        return refuse(sender, "unknown_sender")
    try:
        verified = verify_request(public_key=peer.public_key, headers=headers, method=request.method or "",
                                  path=request.get_full_path(), body=request.body)
    except SignatureError as exc:
        return refuse(sender, _REASONS.get(str(exc), "bad_signature"))
    now = timezone.now()
    try:
        with transaction.atomic():
            SeenNonce.objects.create(sender=sender, nonce=verified.nonce, at=now)
    except IntegrityError:
        return refuse(sender, "replayed")
    # Nonces older than twice the allowed skew can no longer come with a valid time.
    SeenNonce.objects.filter(at__lt=now - dt.timedelta(seconds=2 * MAX_SKEW_SECONDS)).delete()
    return sender


def signed(view: View) -> View:
    """Calls `view(request, sender, ...)` for a verified request; refuses every other."""

    @csrf_exempt  # no cookies, no browser: the signature is the authentication
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        outcome = verify(request)
        if isinstance(outcome, JsonResponse):
            return outcome
        return view(request, outcome, *args, **kwargs)

    return wrapped


def peer_register(*, name: str, public_key: str) -> Peer:
    """Adds or updates a peer (idempotent)."""
    peer, _ = Peer.objects.update_or_create(name=name, defaults={"public_key": public_key})
    return peer
