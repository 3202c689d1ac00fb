"""Reads: the member behind a verified sender, and alerts as one of their two sides sees them.

An alert is only ever found through a member that is one of its sides; to anyone else it does
not exist (HubError "not_found", the same as an id that was never issued)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .errors import HubError
from .models import Alert, AlertState, ContactRequest, ContactState, Encoding, EncodingToken, Invitation, Member, Side


@dataclass(frozen=True)
class MemberContact:
    requested_by_me: bool
    message: str
    state: str
    other_contact: str  # the other side's work contact, once accepted; "" before


@dataclass(frozen=True)
class MemberAlert:
    """An alert from one side's perspective (docs/network.md, the Alert object)."""

    code: str
    my_ref: str
    other_member: str
    other_city: str
    strength: float
    evidence_kinds: tuple[str, ...]
    chained: bool  # one man through a chain of other refs (hub/chaining.py), not by the pair's own evidence
    my_year_month: str
    other_year_month: str
    state: str
    closed_reason: str
    my_decision: str
    other_decision: str
    contact: MemberContact | None


@dataclass(frozen=True)
class HubCounts:
    members: int
    invitations_open: int
    encodings: int
    tokens: int
    alerts_open: int
    alerts_closed: int
    contacts_accepted: int


def member_for_sender(sender: str) -> Member:
    """The member a verified request comes from (a peer that is not a member, or a removed one, is
    refused)."""
    member = Member.objects.filter(code=sender, removed_at__isnull=True).first()
    if member is None:
        raise HubError("unknown_sender", 401)
    return member


def side_of(alert: Alert, member: Member) -> Side:
    return Side.A if alert.member_a_id == member.pk else Side.B


def _of(member: Member) -> QuerySet[Alert]:
    return Alert.objects.filter(Q(member_a=member) | Q(member_b=member)).select_related("member_a", "member_b")


def alert_of(*, member: Member, code: str, lock: bool = False) -> Alert:
    """One of this member's alerts by its id (locked for an update when `lock`)."""
    alerts = _of(member)
    if lock:
        alerts = alerts.select_for_update(of=("self",))
    alert = alerts.filter(code=code).first()
    if alert is None:
        raise HubError("not_found", 404)
    return alert


def _contact(request: ContactRequest | None, mine: Side) -> MemberContact | None:
    if request is None:
        return None
    by_me = request.requested_by == mine
    accepted = request.state == ContactState.ACCEPTED
    other = (request.answer_contact if by_me else request.contact) if accepted else ""
    return MemberContact(requested_by_me=by_me, message=request.message, state=request.state, other_contact=other)


def member_alert(alert: Alert, member: Member) -> MemberAlert:
    mine = side_of(alert, member)
    a = mine == Side.A
    other = alert.member_b if a else alert.member_a
    return MemberAlert(
        code=alert.code, my_ref=alert.ref_a if a else alert.ref_b, other_member=other.name, other_city=other.city,
        strength=alert.strength, evidence_kinds=tuple(alert.evidence_kinds), chained=alert.chained,
        my_year_month=alert.year_month_a if a else alert.year_month_b,
        other_year_month=alert.year_month_b if a else alert.year_month_a,
        state=alert.state, closed_reason=alert.closed_reason,
        my_decision=alert.decision_a if a else alert.decision_b,
        other_decision=alert.decision_b if a else alert.decision_a,
        contact=_contact(getattr(alert, "contact", None), mine),
    )


def alerts_for(member: Member) -> list[MemberAlert]:
    """All of this member's alerts, open and closed, oldest first."""
    alerts = _of(member).select_related("contact").order_by("created_at", "pk")
    return [member_alert(alert, member) for alert in alerts]


def hub_counts() -> HubCounts:
    alerts = Alert.objects.all()
    return HubCounts(
        members=Member.objects.filter(removed_at__isnull=True).count(),
        invitations_open=Invitation.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now()).count(),
        encodings=Encoding.objects.count(), tokens=EncodingToken.objects.count(),
        alerts_open=alerts.filter(state=AlertState.OPEN).count(),
        alerts_closed=alerts.filter(state=AlertState.CLOSED).count(),
        contacts_accepted=ContactRequest.objects.filter(state=ContactState.ACCEPTED).count(),
    )
