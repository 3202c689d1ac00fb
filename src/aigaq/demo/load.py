"""The demo written to the database: `demo_create` makes the demo organisation, its four accounts
and the planned cases (`generate.plan_cases`).

The cases go through the same services as the web forms, so encryption, search tokens, audit
entries, derived stages and statistics are exactly those of real use. Only passwords and the random
record codes differ between runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from aigaq.accounts.models import Membership, Organisation, Role, User
from aigaq.accounts.services import temporary_password
from aigaq.cases import hooks, services
from aigaq.cases.inputs import CostInput, IncidentInput, ReferralInput, SurvivorInput, SuspectInput, WitnessInput
from aigaq.cases.models import Assignment, Case

from .corpus import ORGANISATION_NAME, STAFF, Member
from .generate import CasePlan, plan_cases

USERNAMES = tuple(s.username for s in STAFF)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    organisation: Organisation
    accounts: tuple[DemoAccount, ...]
    cases: int


@transaction.atomic
def demo_create(
    *,
    count: int = 300,
    seed: int = 2026,
    today: dt.date | None = None,
    on_case: Callable[[], object] | None = None,
    member: Member | None = None,
) -> DemoResult:
    """The demo organisation, its four accounts and `count` cases, in one transaction. For a
    `member` of the network demo, that member's organisation and cases (generate.plan_cases).

    Argon2 runs only for the four accounts; the cases go through the same services as the web
    forms, so they are encrypted, indexed for search and audited exactly as in real use."""
    today = today or timezone.localdate()
    # accounts has no service that creates an organisation or its first member, and its
    # member_create makes a member replace her password at first sign-in: the demo's accounts keep
    # the passwords it prints, so these rows are written here. The passwords are accounts' own.
    organisation = Organisation.objects.create(name=member.name if member else ORGANISATION_NAME,
                                               default_language="kk")
    users: dict[str, User] = {}
    accounts = []
    for staff in STAFF:
        role = Role(staff.role)
        password = temporary_password()
        user = User.objects.create_user(staff.username, password=password, first_name=staff.first_name,
                                        last_name=staff.last_name)
        Membership.objects.create(user=user, organisation=organisation, role=role)
        users[staff.username] = user
        accounts.append(DemoAccount(role=str(role), username=staff.username, password=password))
    plans = plan_cases(count=count, seed=seed, today=today, member=member)
    for plan in plans:
        # Derived data (statistics) is brought up to date once per case, after all its writes,
        # instead of after each one: the result is the same, and the demo loads several times faster.
        with hooks.case_changes_coalesced():
            _write(plan, users)
        if on_case is not None:
            on_case()
    return DemoResult(organisation=organisation, accounts=tuple(accounts), cases=len(plans))


def _write(plan: CasePlan, users: Mapping[str, User]) -> Case:
    creator, lawyer, coordinator = users[plan.created_by], users["lawyer"], users["coordinator"]
    created_at = timezone.make_aware(dt.datetime.combine(plan.created_on, plan.created_time))
    case = services.case_create(
        actor=creator, survivor=SurvivorInput(**plan.survivor), incident=IncidentInput(**plan.incident),
        suspects=[SuspectInput(**s) for s in plan.suspects], created_at=min(created_at, timezone.now()),
    )
    if plan.lawyer_assigned:
        services.case_share(actor=coordinator, case=case, user=lawyer, role=Assignment.Role.LAWYER)
    if plan.shared_with_caseworker:
        services.case_share(actor=coordinator, case=case, user=users["caseworker"],
                            role=Assignment.Role.CASEWORKER)
    court = {"sent_to_court", "hearing", "verdict", "sentence", "appeal"}
    for step in plan.events:
        actor = lawyer if plan.lawyer_assigned and step.type in court else creator
        services.pathway_event_add(actor=actor, case=case, event_type=step.type, date=step.date,
                                   time=step.time, data=dict(step.data))
    for witness in plan.witnesses:
        services.witness_add(actor=creator, case=case, data=WitnessInput(**witness))
    for referral in plan.referrals:
        services.referral_add(actor=creator, case=case, data=ReferralInput(**referral))
    for cost in plan.costs:
        services.cost_add(actor=creator, case=case, data=CostInput(**cost))
    for text in plan.notes:
        services.note_add(actor=creator, case=case, text=text)
    return case


def accounts_text(result: DemoResult, url: str) -> str:
    """What `aigaq demo` prints and writes to demo-accounts.txt."""
    lines = [
        f"Aigaq demo: {url}",
        f"Organisation: {result.organisation.name}",
        "",
        f"{'role':<13}{'username':<13}password",
        *(f"{a.role:<13}{a.username:<13}{a.password}" for a in result.accounts),
    ]
    return "\n".join(lines) + "\n"

