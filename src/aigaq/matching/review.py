"""Writes of the coordinators' review: opening an alert, claiming it, deciding it. Each is
audited on both cases in its transaction; a decision also regroups the repeat suspects and
counts towards the next re-fit of the weights."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role, User
from aigaq.audit.log import record
from aigaq.audit.models import Action

from .groups import repeat_suspects_regroup
from .models import DECISIONS, AlertDecision, MatchAlert, Status
from .weights import model_decision_count


def _check_coordinator(actor: User, alert: MatchAlert) -> None:
    member = current_member(actor)
    if member is None or member.role != Role.COORDINATOR or member.organisation_id != alert.organisation_id:
        raise PermissionError("only a coordinator of the alert's organisation reviews it")


def _record_for_both(actor: User, action: Action, alert: MatchAlert, extra: dict[str, str]) -> None:
    for case in (alert.case_a, alert.case_b):
        record(actor=actor, action=action, case_code=case.code, object_code=alert.code, extra=extra)


@transaction.atomic
def alert_open(*, actor: User, alert: MatchAlert) -> None:
    """She opened the alert and read both suspects: audited on both cases. The first coordinator
    to open an undecided alert is shown as reviewing it."""
    _check_coordinator(actor, alert)
    now = timezone.now()
    changed = []
    if alert.opened_at is None:
        alert.opened_at = now
        changed.append("opened_at")
    if alert.claimed_by_id is None and alert.status in (Status.OPEN, Status.UNSURE):
        alert.claimed_by, alert.claimed_at = actor, now
        changed += ["claimed_by", "claimed_at"]
    if changed:
        alert.save(update_fields=changed)
    _record_for_both(actor, Action.CASE_VIEWED, alert, {"via": "match_alert"})


@transaction.atomic
def alert_reveal(*, actor: User, alert: MatchAlert) -> None:
    """She asked to see both suspects' identifiers in full (after step-up): audited on each
    suspect's case as a reveal of that suspect, the same entry the case page writes."""
    _check_coordinator(actor, alert)
    for suspect in (alert.suspect_a, alert.suspect_b):
        record(
            actor=actor,
            action=Action.SUSPECT_REVEALED,
            case_code=suspect.case.code,
            object_code=suspect.code,
            extra={"via": "match_alert", "alert": alert.code},
        )


@transaction.atomic
def alert_claim(*, actor: User, alert: MatchAlert, release: bool = False) -> MatchAlert:
    """Marks the alert as in review by her (or by no one, to release it)."""
    _check_coordinator(actor, alert)
    if release:
        alert.claimed_by, alert.claimed_at = None, None
    else:
        alert.claimed_by, alert.claimed_at = actor, timezone.now()
    alert.save(update_fields=["claimed_by", "claimed_at"])
    _record_for_both(actor, Action.ALERT_REVIEWED, alert, {"claim": "released" if release else "claimed"})
    return alert


@transaction.atomic
def alert_decide(*, actor: User, alert: MatchAlert, decision: str, note: str = "") -> AlertDecision:
    """Confirm, reject or mark unsure. The note is sealed; the audit holds the decision only."""
    _check_coordinator(actor, alert)
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    if alert.status == Status.WITHDRAWN:
        raise ValueError("the survivor withdrew her consent: this alert can no longer be reviewed")
    if alert.status == Status.CLOSED:
        raise ValueError("the suspects no longer match: this alert can no longer be reviewed")
    made = AlertDecision.objects.create(alert=alert, decided_by=actor, decision=decision, note=note)
    alert.status, alert.claimed_by, alert.claimed_at = decision, None, None
    alert.save(update_fields=["status", "claimed_by", "claimed_at", "updated_at"])
    _record_for_both(actor, Action.ALERT_REVIEWED, alert, {"decision": decision})
    repeat_suspects_regroup(organisation_id=alert.organisation_id)
    model_decision_count(organisation_id=alert.organisation_id, decision=decision)
    return made
