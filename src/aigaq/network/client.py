"""The member's side of the wire: one function per request of docs/network.md, to the hub or the
key service, through `lib.netproto.call` (signed with the member's key, except the join).

Answers are checked here, as anything from another process must be: a field of the wrong type or
an id that is not a plain code is a NetworkError("bad_answer"), never a crash further in. Values
travel as unpadded URL-safe base64 (docs/network.md, "Identities and keys"); what comes back is
read in either base64 alphabet, padded or not.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aigaq.lib import netproto
from aigaq.lib.netproto import Identity, NetworkError

ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
YEAR_MONTH_RE = re.compile(r"^(\d{4}-\d{2})?$")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise NetworkError("bad_answer")
    core = text.rstrip("=").replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(core + "=" * (-len(core) % 4))
    except (binascii.Error, ValueError):
        raise NetworkError("bad_answer") from None


def _text(answer: Mapping[str, Any], name: str, *, limit: int = 500) -> str:
    value = answer.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit:
        raise NetworkError("bad_answer")
    return value


def _object(answer: Any) -> Mapping[str, Any]:
    if not isinstance(answer, dict):
        raise NetworkError("bad_answer")
    return answer


# --- Joining ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    member_id: str
    keyservice_url: str
    keyservice_oprf_public_key: str
    hub_public_key: str


def join(*, hub_url: str, invitation: str, name: str, city: str, public_key: str) -> Joined:
    """POST /v1/join: unsigned, the one-time invitation authenticates."""
    answer = _object(netproto.call(hub_url, "POST", "/v1/join", {
        "invitation": invitation, "name": name, "city": city, "public_key": public_key}))
    joined = Joined(
        member_id=_text(answer, "member", limit=64),
        keyservice_url=_text(answer, "keyservice_url"),
        keyservice_oprf_public_key=_text(answer, "keyservice_oprf_public_key", limit=100),
        hub_public_key=_text(answer, "hub_public_key", limit=100),
    )
    if not ID_RE.match(joined.member_id) or not joined.keyservice_url or not joined.keyservice_oprf_public_key:
        raise NetworkError("bad_answer")
    unb64(joined.keyservice_oprf_public_key)
    return joined


# --- The key service ----------------------------------------------------------------------------

MAX_BLINDED = 2000  # per POST /v1/evaluate (docs/network.md)


def evaluate(*, keyservice_url: str, identity: Identity, messages: Sequence[bytes]) -> bytes:
    """POST /v1/evaluate: the key service's one batch answer (outputs and proof) for the messages."""
    if len(messages) > MAX_BLINDED:
        raise ValueError(f"at most {MAX_BLINDED} blinded values a request")
    answer = _object(netproto.call(keyservice_url, "POST", "/v1/evaluate",
                                   {"blinded": [b64(m) for m in messages]}, identity=identity))
    return unb64(answer.get("evaluated"))


# --- The hub ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upsert:
    ref: str
    version: int
    year_month: str
    region: str
    tokens: dict[str, list[str]]

    def wire(self) -> dict[str, Any]:
        return {"ref": self.ref, "version": self.version, "year_month": self.year_month,
                "region": self.region, "tokens": self.tokens}


@dataclass(frozen=True)
class Synced:
    accepted: int
    deleted: int


def sync(*, hub_url: str, identity: Identity, upserts: Sequence[Upsert], deletes: Sequence[str]) -> Synced:
    """POST /v1/sync: one batch (a fresh batch id; the hub's versions make a repeat harmless)."""
    answer = _object(netproto.call(hub_url, "POST", "/v1/sync", {
        "batch": str(uuid.uuid4()),
        "upserts": [u.wire() for u in upserts],
        "deletes": [{"ref": r} for r in deletes],
    }, identity=identity))
    accepted, deleted = answer.get("accepted", 0), answer.get("deleted", 0)
    if not isinstance(accepted, int) or not isinstance(deleted, int):
        raise NetworkError("bad_answer")
    return Synced(accepted=accepted, deleted=deleted)


@dataclass(frozen=True)
class Contact:
    requested_by: str  # "me" or "other"
    message: str
    state: str  # "pending", "accepted" or "declined"
    other_contact: str


@dataclass(frozen=True)
class Alert:
    """One alert as GET /v1/alerts describes it (docs/network.md, "Alert")."""

    id: str
    my_ref: str
    other_member: str
    other_city: str
    strength: float
    evidence_kinds: list[str]
    chained: bool
    my_year_month: str
    other_year_month: str
    state: str
    closed_reason: str
    my_decision: str
    other_decision: str
    contact: Contact | None


_CHOICES = {
    "state": {"open", "closed"},
    "closed_reason": {"", "withdrawn", "no_longer_matches"},
    "my_decision": {"", "confirmed", "rejected"},
    "other_decision": {"", "confirmed", "rejected"},
}


def _contact(raw: Any) -> Contact | None:
    if raw is None:
        return None
    raw = _object(raw)
    contact = Contact(requested_by=_text(raw, "requested_by", limit=8), message=_text(raw, "message", limit=4000),
                      state=_text(raw, "state", limit=10), other_contact=_text(raw, "other_contact", limit=1000))
    if contact.requested_by not in {"me", "other"} or contact.state not in {"pending", "accepted", "declined"}:
        raise NetworkError("bad_answer")
    return contact


def _alert(raw: Any) -> Alert:
    raw = _object(raw)
    strength, kinds = raw.get("strength"), raw.get("evidence_kinds", [])
    if isinstance(strength, bool) or not isinstance(strength, int | float) or not 0 <= strength <= 1:
        raise NetworkError("bad_answer")
    if not isinstance(kinds, list) or not all(isinstance(k, str) and len(k) <= 32 for k in kinds):
        raise NetworkError("bad_answer")
    chained = raw.get("chained", False)  # a hub before chained alerts sends none
    if not isinstance(chained, bool):
        raise NetworkError("bad_answer")
    alert = Alert(
        id=_text(raw, "id", limit=64), my_ref=_text(raw, "my_ref", limit=32),
        other_member=_text(raw, "other_member", limit=200), other_city=_text(raw, "other_city", limit=100),
        strength=round(float(strength), 2), evidence_kinds=list(kinds), chained=chained,
        my_year_month=_text(raw, "my_year_month", limit=7), other_year_month=_text(raw, "other_year_month", limit=7),
        state=_text(raw, "state", limit=8), closed_reason=_text(raw, "closed_reason", limit=24),
        my_decision=_text(raw, "my_decision", limit=12), other_decision=_text(raw, "other_decision", limit=12),
        contact=_contact(raw.get("contact")),
    )
    if not ID_RE.match(alert.id) or not ID_RE.match(alert.my_ref):
        raise NetworkError("bad_answer")
    if not (YEAR_MONTH_RE.match(alert.my_year_month) and YEAR_MONTH_RE.match(alert.other_year_month)):
        raise NetworkError("bad_answer")
    if any(getattr(alert, name) not in allowed for name, allowed in _CHOICES.items()):
        raise NetworkError("bad_answer")
    return alert


def alerts(*, hub_url: str, identity: Identity) -> list[Alert]:
    """GET /v1/alerts: every alert of this member."""
    raw = _object(netproto.call(hub_url, "GET", "/v1/alerts", identity=identity)).get("alerts")
    if not isinstance(raw, list):
        raise NetworkError("bad_answer")
    return [_alert(a) for a in raw]


def _alert_path(alert_id: str, tail: str) -> str:
    if not ID_RE.match(alert_id):
        raise ValueError("not a hub alert id")
    return f"/v1/alerts/{alert_id}/{tail}"


def decide(*, hub_url: str, identity: Identity, alert_id: str, decision: str) -> None:
    """POST /v1/alerts/<id>/decision."""
    netproto.call(hub_url, "POST", _alert_path(alert_id, "decision"), {"decision": decision}, identity=identity)


def contact_request(*, hub_url: str, identity: Identity, alert_id: str, message: str, contact: str) -> None:
    """POST /v1/alerts/<id>/contact (the hub accepts it only when both sides confirmed)."""
    netproto.call(hub_url, "POST", _alert_path(alert_id, "contact"), {"message": message, "contact": contact},
                  identity=identity)


def contact_answer(*, hub_url: str, identity: Identity, alert_id: str, accept: bool, contact: str) -> None:
    """POST /v1/alerts/<id>/contact/answer (the side that was asked)."""
    netproto.call(hub_url, "POST", _alert_path(alert_id, "contact/answer"), {"accept": accept, "contact": contact},
                  identity=identity)
