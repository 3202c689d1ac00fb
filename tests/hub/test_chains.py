"""Chained alerts: two refs of different members that share nothing may still be one man through a
chain of strong links (hub/chaining.py). The chain may run through a third member's ref or a
member's own other ref; it never joins across a cannot-link pair; it follows changes and
withdrawals, and the reason a chained alert closes never tells that a third ref existed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aigaq.hub.models import Alert, Link
from aigaq.linkage.network import CHAIN_THRESHOLD, REGION, score

from .conftest import Party, alerts, sync, upsert

pytestmark = pytest.mark.urls("aigaq.hub.urls")

P1, P2 = "+77015551234", "+77017770000"


@pytest.fixture
def three(joiner: Callable[..., Party]) -> tuple[Party, Party, Party]:
    return joiner("Crisis centre Almaty", "Almaty"), joiner("Astana centre", "Astana"), joiner("Oral network", "Oral")


def _phone_link() -> float:
    """The strength of two refs sharing one phone no third ref holds, and their region."""
    return score(["phone", REGION], counts={"phone": 2})


def _by_other(client: Client, party: Party) -> dict[str, dict[str, Any]]:
    return {a["other_member"]: a for a in alerts(client, party) if a["state"] == "open"}


@pytest.fixture
def chain(client: Client, three: tuple[Party, Party, Party]) -> tuple[Party, Party, Party]:
    """Almaty's ref shares P1 with Astana's, which shares P2 with Oral's: Almaty and Oral share nothing."""
    almaty, astana, oral = three
    sync(client, almaty, [upsert("a-ref", phone=[P1])])
    sync(client, astana, [upsert("b-ref", phone=[P1, P2])])
    sync(client, oral, [upsert("c-ref", phone=[P2])])
    return almaty, astana, oral


def test_the_two_ends_of_a_chain_get_a_chained_alert_besides_the_direct_ones(
        client: Client, chain: tuple[Party, Party, Party]) -> None:
    almaty, astana, oral = chain
    assert _phone_link() >= CHAIN_THRESHOLD
    mine = _by_other(client, almaty)
    assert set(mine) == {"Astana centre", "Oral network"}
    assert mine["Astana centre"]["chained"] is False
    chained = mine["Oral network"]
    assert chained["chained"] is True
    # The product of the two links' strengths; the kinds the two share directly: only the region.
    assert chained["strength"] == round(_phone_link() ** 2, 2)
    assert chained["evidence_kinds"] == [REGION]
    [theirs] = [a for a in alerts(client, oral) if a["other_member"] == "Crisis centre Almaty"]
    assert theirs["id"] == chained["id"] and theirs["chained"] is True
    assert {a["chained"] for a in alerts(client, astana)} == {False}  # the middle has two direct alerts
    assert Alert.objects.filter(state="open").count() == 3


def test_a_members_own_refs_chain(client: Client, three: tuple[Party, Party, Party]) -> None:
    almaty, _, oral = three
    sync(client, almaty, [upsert("a1", phone=[P1]), upsert("a2", phone=[P1, P2])])
    sync(client, oral, [upsert("c-ref", phone=[P2])])
    assert Link.objects.filter(cannot=False).count() == 2  # a1–a2 (one member's) and a2–c-ref
    by_ref = {a["my_ref"]: a for a in alerts(client, almaty)}
    assert set(by_ref) == {"a1", "a2"}  # never an alert between a member's own refs
    assert by_ref["a2"]["chained"] is False and by_ref["a1"]["chained"] is True


def test_withdrawing_the_middle_ref_closes_the_chained_alert_without_telling_a_third_ref_existed(
        client: Client, chain: tuple[Party, Party, Party]) -> None:
    almaty, astana, oral = chain
    code = _by_other(client, almaty)["Oral network"]["id"]
    sync(client, astana, deletes=["b-ref"])
    for party in (almaty, oral):
        [closed] = [a for a in alerts(client, party) if a["id"] == code]
        # The reason a changed ref gives: nothing says a ref in between was withdrawn.
        assert (closed["state"], closed["closed_reason"]) == ("closed", "no_longer_matches")
    reasons = {a["other_member"]: a["closed_reason"] for a in alerts(client, almaty)}
    assert reasons == {"Astana centre": "withdrawn", "Oral network": "no_longer_matches"}
    assert not Alert.objects.filter(state="open").exists() and not Link.objects.exists()


def test_withdrawing_an_end_closes_its_chained_alert_as_withdrawn(
        client: Client, chain: tuple[Party, Party, Party]) -> None:
    almaty, _, oral = chain
    sync(client, oral, deletes=["c-ref"])
    assert {a["other_member"]: (a["state"], a["closed_reason"]) for a in alerts(client, almaty)} == {
        "Astana centre": ("open", ""), "Oral network": ("closed", "withdrawn")}


def test_a_chain_never_joins_across_a_cannot_link_pair(client: Client, three: tuple[Party, Party, Party]) -> None:
    almaty, astana, oral = three
    # Almaty's and Oral's refs share a whole name but hold different IINs: never one man.
    sync(client, almaty, [upsert("a-ref", phone=[P1], name=["seitov zhanibek"], iin=["900101300123"])])
    sync(client, astana, [upsert("b-ref", phone=[P1, P2])])
    sync(client, oral, [upsert("c-ref", phone=[P2], name=["seitov zhanibek"], iin=["850505300456"])])
    assert Link.objects.filter(cannot=True).count() == 1
    assert set(_by_other(client, almaty)) == {"Astana centre"}
    assert set(_by_other(client, oral)) == {"Astana centre"}
    assert not Alert.objects.filter(chained=True).exists()


def test_a_change_that_breaks_the_chain_closes_it_and_a_direct_match_takes_over_the_same_alert(
        client: Client, chain: tuple[Party, Party, Party]) -> None:
    almaty, astana, oral = chain
    code = _by_other(client, almaty)["Oral network"]["id"]
    sync(client, oral, [upsert("c-ref", 2, phone=[P2, P1])])  # now shares P1 with Almaty directly
    direct = _by_other(client, almaty)["Oral network"]
    assert (direct["id"], direct["chained"]) == (code, False) and "phone" in direct["evidence_kinds"]
    sync(client, oral, [upsert("c-ref", 3, phone=[P2])])  # back to the chain: the same alert, chained again
    again = _by_other(client, almaty)["Oral network"]
    assert (again["id"], again["chained"]) == (code, True)
    sync(client, astana, [upsert("b-ref", 2, phone=[P1])])  # the middle no longer holds P2
    assert set(_by_other(client, almaty)) == {"Astana centre"}
    [closed] = [a for a in alerts(client, oral) if a["id"] == code]
    assert closed["closed_reason"] == "no_longer_matches"


def test_syncing_the_same_chain_again_changes_nothing(client: Client, chain: tuple[Party, Party, Party]) -> None:
    almaty, astana, _ = chain
    before = sorted(alerts(client, almaty), key=lambda a: a["id"])
    sync(client, astana, [upsert("b-ref", 2, phone=[P1, P2])])  # a newer version, the same tokens
    assert sorted(alerts(client, almaty), key=lambda a: a["id"]) == before
    assert Alert.objects.count() == 3
