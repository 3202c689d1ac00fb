"""Stage and flags are derived from the events: the boundaries a caseworker would notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from aigaq.cases.pathway import derive, is_downgrade

TODAY = dt.date(2026, 6, 1)


@dataclass
class E:
    type: str
    date: dt.date
    facts: dict[str, Any] = field(default_factory=dict)


def d(days_ago: int) -> dt.date:
    return TODAY - dt.timedelta(days=days_ago)


def test_a_case_with_no_events_is_at_intake_with_no_flags() -> None:
    got = derive([], today=TODAY, waiting_limit_days=30)
    assert got.stage == "intake"
    assert not (got.refused_registration or got.waiting or got.downgraded or got.closed_hearing)
    assert got.custodial is None


def test_a_refusal_sets_the_stage_and_the_flag() -> None:
    got = derive([E("incident", d(10)), E("police_contacted", d(9)), E("report_refused", d(9))],
                 today=TODAY, waiting_limit_days=30)
    assert got.stage == "refused"
    assert got.refused_registration


def test_registration_after_a_refusal_moves_on_but_keeps_the_refusal_flag() -> None:
    got = derive([E("report_refused", d(9)), E("report_registered", d(8), {"initial_article": "CC-120"})],
                 today=TODAY, waiting_limit_days=30)
    assert got.stage == "investigation"
    assert got.refused_registration


def test_waiting_exactly_the_limit_is_not_yet_overdue() -> None:
    got = derive([E("report_registered", d(30))], today=TODAY, waiting_limit_days=30)
    assert not got.waiting


def test_waiting_one_day_more_than_the_limit_is_overdue() -> None:
    got = derive([E("report_registered", d(31))], today=TODAY, waiting_limit_days=30)
    assert got.waiting
    assert got.waiting_days == 31


def test_a_decided_complaint_awaits_nothing_but_a_pending_one_does() -> None:
    decided = derive([E("complaint_filed", d(60), {"outcome": "rejected"})], today=TODAY, waiting_limit_days=30)
    pending = derive([E("complaint_filed", d(60), {"outcome": "pending"})], today=TODAY, waiting_limit_days=30)
    assert not decided.waiting
    assert pending.waiting


def test_a_decided_appeal_awaits_nothing_but_a_pending_one_does() -> None:
    decided = derive([E("appeal", d(60), {"outcome": "upheld"})], today=TODAY, waiting_limit_days=30)
    pending = derive([E("appeal", d(60), {"outcome": "pending"})], today=TODAY, waiting_limit_days=30)
    assert not decided.waiting
    assert pending.waiting


def test_a_verdict_is_not_waiting_for_a_decision() -> None:
    got = derive([E("verdict", d(400), {"outcome": "convicted"})], today=TODAY, waiting_limit_days=30)
    assert not got.waiting
    assert got.stage == "verdict"


def test_events_are_ordered_by_date_whatever_order_they_were_entered() -> None:
    got = derive([E("sent_to_court", d(5)), E("report_registered", d(50))], today=TODAY, waiting_limit_days=30)
    assert got.stage == "court"


@pytest.mark.parametrize(
    ("old", "new", "downgraded"),
    [
        ("CC-120", "CAO-434", True),   # rape argued down to petty hooliganism
        ("CC-121", "CC-293", True),    # sexual violence to hooliganism: not a sexual offence
        ("CC-120", "CC-121", False),   # one grave sexual offence to another
        ("CC-293", "CAO-434", False),  # was never a sexual offence
        ("CAO-434", "CC-120", False),  # an upgrade
        ("CC-120", "CC-999", False),   # unknown article: not counted
    ],
)
def test_downgrade_means_from_a_sexual_offence_to_a_lesser_or_administrative_article(
    old: str, new: str, downgraded: bool
) -> None:
    assert is_downgrade(old, new) is downgraded


def test_a_case_requalified_twice_is_downgraded_if_either_step_was() -> None:
    events = [E("requalified", d(40), {"from_article": "CC-120", "to_article": "CC-121"}),
              E("requalified", d(20), {"from_article": "CC-121", "to_article": "CAO-434"})]
    assert derive(events, today=TODAY, waiting_limit_days=30).downgraded


def test_closed_hearing_and_custody_flags() -> None:
    events = [E("hearing", d(30), {"closed": True}), E("verdict", d(20), {"outcome": "convicted"}),
              E("sentence", d(20), {"sentence_type": "fine"})]
    got = derive(events, today=TODAY, waiting_limit_days=30)
    assert got.closed_hearing
    assert got.custodial is False
    events.append(E("sentence", d(10), {"sentence_type": "imprisonment"}))
    assert derive(events, today=TODAY, waiting_limit_days=30).custodial is True
