"""The hub's side of the wire format (docs/network.md, "Hub API"): request bodies parsed into
typed values, strictly (anything else is HubError "bad_request", nothing stored), and the Alert
object rendered from one member's perspective."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aigaq.linkage.network import KINDS

from .errors import HubError
from .selectors import MemberAlert

# Bounds that keep one request well under Django's 2.5 MB request body limit.
MAX_UPSERTS = 500
MAX_DELETES = 2000
MAX_TOKENS = 200  # of one upsert, all kinds together
MAX_NAME = 200
MAX_CITY = 100
MAX_MESSAGE = 2000
MAX_CONTACT = 500

_REF = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN = re.compile(r"[0-9a-f]{32}")
_YEAR_MONTH = re.compile(r"(\d{4}-(0[1-9]|1[0-2]))?")
_REGION = re.compile(r"[A-Z0-9-]{0,16}")
_MAX_VERSION = 2**63 - 1


@dataclass(frozen=True)
class JoinRequest:
    """A join. Its "name" is checked but not kept: the name other members see is the one the hub
    operator invited (`aigaq network hub invite NAME`), so no member can pass for another."""

    invitation: str
    city: str
    public_key: str


@dataclass(frozen=True)
class Upsert:
    ref: str
    version: int
    year_month: str
    region: str
    tokens: Mapping[str, frozenset[str]]  # kind -> its tokens


@dataclass(frozen=True)
class SyncRequest:
    batch: uuid.UUID
    upserts: tuple[Upsert, ...]
    deletes: tuple[str, ...]


def _bad() -> HubError:
    return HubError("bad_request", 400)


def _object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _bad() from None
    if not isinstance(value, dict):
        raise _bad()
    return value


def _text(value: Any, limit: int, *, required: bool = True) -> str:
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise _bad()
    return value.strip()


def _match(pattern: re.Pattern[str], value: Any) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _bad()
    return value


def _public_key(value: Any) -> str:
    # 43 unpadded base64 characters are always 32 bytes: the pattern is the whole check.
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_-]{43}", value):
        raise _bad()
    return value


def parse_join(body: bytes) -> JoinRequest:
    data = _object(body)
    _text(data.get("name", ""), MAX_NAME, required=False)
    return JoinRequest(invitation=_text(data.get("invitation"), 100),
                       city=_text(data.get("city", ""), MAX_CITY, required=False),
                       public_key=_public_key(data.get("public_key")))


def _tokens(value: Any) -> dict[str, frozenset[str]]:
    if not isinstance(value, dict):
        raise _bad()
    out: dict[str, frozenset[str]] = {}
    total = 0
    for kind, tokens in value.items():
        if kind not in KINDS or not isinstance(tokens, list):
            raise _bad()
        total += len(tokens)
        if total > MAX_TOKENS:
            raise _bad()
        if tokens:
            out[kind] = frozenset(_match(_TOKEN, t) for t in tokens)
    return out


def _upsert(value: Any) -> Upsert:
    if not isinstance(value, dict):
        raise _bad()
    version = value.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= _MAX_VERSION:
        raise _bad()
    return Upsert(ref=_match(_REF, value.get("ref")), version=version,
                  year_month=_match(_YEAR_MONTH, value.get("year_month", "")),
                  region=_match(_REGION, value.get("region", "")), tokens=_tokens(value.get("tokens", {})))


def parse_sync(body: bytes) -> SyncRequest:
    data = _object(body)
    try:
        batch = uuid.UUID(str(data.get("batch")))
    except ValueError:
        raise _bad() from None
    upserts, deletes = data.get("upserts", []), data.get("deletes", [])
    if not isinstance(upserts, list) or not isinstance(deletes, list):
        raise _bad()
    if len(upserts) > MAX_UPSERTS or len(deletes) > MAX_DELETES:
        raise _bad()
    parsed = tuple(_upsert(u) for u in upserts)
    if len({u.ref for u in parsed}) != len(parsed):
        raise _bad()  # one ref twice in one batch: which one holds is not for the hub to guess
    refs = tuple(_match(_REF, d.get("ref") if isinstance(d, dict) else None) for d in deletes)
    return SyncRequest(batch=batch, upserts=parsed, deletes=refs)


def parse_decision(body: bytes) -> str:
    decision = _object(body).get("decision")
    if decision not in {"confirmed", "rejected"}:
        raise _bad()
    return str(decision)


def parse_contact(body: bytes) -> tuple[str, str]:
    """(message, contact) of a request for contact."""
    data = _object(body)
    return _text(data.get("message"), MAX_MESSAGE), _text(data.get("contact"), MAX_CONTACT)


def parse_answer(body: bytes) -> tuple[bool, str]:
    """(accept, contact) of an answer; the contact is needed only to accept."""
    data = _object(body)
    accept = data.get("accept")
    if not isinstance(accept, bool):
        raise _bad()
    if not accept:
        return False, ""
    return True, _text(data.get("contact"), MAX_CONTACT)


def alert_json(alert: MemberAlert) -> dict[str, Any]:
    contact = None
    if alert.contact is not None:
        contact = {"requested_by": "me" if alert.contact.requested_by_me else "other",
                   "message": alert.contact.message, "state": alert.contact.state,
                   "other_contact": alert.contact.other_contact}
    return {"id": alert.code, "my_ref": alert.my_ref, "other_member": alert.other_member,
            "other_city": alert.other_city, "strength": round(alert.strength, 2),
            "evidence_kinds": list(alert.evidence_kinds), "chained": alert.chained,
            "my_year_month": alert.my_year_month,
            "other_year_month": alert.other_year_month, "state": alert.state,
            "closed_reason": alert.closed_reason, "my_decision": alert.my_decision,
            "other_decision": alert.other_decision, "contact": contact}
