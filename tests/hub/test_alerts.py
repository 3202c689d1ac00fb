"""Alerts: opened when two members' refs share tokens that score at least the threshold, seen by
each side from its own perspective and by no one else, followed as refs change, closed when a ref
is withdrawn or no longer matches; decisions, then contact, revealed only on acceptance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aigaq.audit.models import Action, AuditEntry
from aigaq.hub import matching
from aigaq.hub.models import Alert, Encoding
from aigaq.linkage.network import MATCH_THRESHOLD, REGION, score

from .conftest import Party, alerts, post, sync, upsert

pytestmark = pytest.mark.urls("aigaq.hub.urls")

PHONE = "+77015551234"


def expected(kinds: list[str], conflicts: tuple[str, ...] = ()) -> float:
    """The strength of a pair of two refs whose tokens no third ref holds, as the hub rounds it."""
    counts = {k: 2 for k in kinds if k != REGION}
    return round(score(kinds, counts=counts, conflicts=conflicts), 2)


@pytest.fixture
def matched(client: Client, two: tuple[Party, Party]) -> tuple[Party, Party, str]:
    """Two members whose refs share a phone: the alert's id."""
    almaty, oral = two
    sync(client, almaty, [upsert("almaty-ref", phone=[PHONE], name=["seitov zhanibek"], year_month="2025-03")])
    sync(client, oral, [upsert("oral-ref", phone=[PHONE, "+77019998877"], name=["other man"], year_month="2025-05")])
    [alert] = alerts(client, almaty)
    return almaty, oral, alert["id"]


def test_a_shared_phone_opens_one_alert_seen_by_both_from_their_side(
        client: Client, matched: tuple[Party, Party, str]) -> None:
    almaty, oral, _ = matched
    [mine], [theirs] = alerts(client, almaty), alerts(client, oral)
    assert Alert.objects.count() == 1
    # Both refs are of region KZ-75 (conftest.upsert), and hold names that share no token.
    strength = expected(["phone", REGION], conflicts=("name",))
    assert mine == {"id": theirs["id"], "my_ref": "almaty-ref", "other_member": "Oral network", "other_city": "Oral",
                    "strength": strength, "evidence_kinds": ["phone", REGION], "chained": False,
                    "my_year_month": "2025-03",
                    "other_year_month": "2025-05", "state": "open", "closed_reason": "", "my_decision": "",
                    "other_decision": "", "contact": None}
    assert theirs | {"id": mine["id"]} == mine | {
        "my_ref": "oral-ref", "other_member": "Crisis centre Almaty", "other_city": "Almaty",
        "my_year_month": "2025-05", "other_year_month": "2025-03"}
    synced = AuditEntry.objects.filter(action=Action.NETWORK_SYNCED).order_by("id").last()
    assert synced is not None and synced.extra["alerts_opened"] == 1


def test_a_third_member_sees_nothing_of_it(client: Client, matched: tuple[Party, Party, str],
                                           joiner: Callable[..., Party]) -> None:
    *_, code = matched
    third = joiner("Third centre")
    assert alerts(client, third) == []
    for path, body in [(f"/v1/alerts/{code}/decision", {"decision": "confirmed"}),
                       (f"/v1/alerts/{code}/contact", {"message": "hi", "contact": "x"}),
                       (f"/v1/alerts/{code}/contact/answer", {"accept": False})]:
        response = post(client, third, path, body)
        assert (response.status_code, response.json()) == (404, {"error": "not_found"})


def test_the_same_members_two_refs_never_alert(client: Client, two: tuple[Party, Party]) -> None:
    almaty, _ = two
    sync(client, almaty, [upsert("a1", phone=[PHONE], iin=["900101300123"]),
                          upsert("a2", phone=[PHONE], iin=["900101300123"])])
    assert alerts(client, almaty) == [] and not Alert.objects.exists()


def test_kinds_that_score_below_the_threshold_open_nothing(client: Client, two: tuple[Party, Party]) -> None:
    almaty, oral = two
    assert score(["name_phonetic", REGION], counts={"name_phonetic": 2}) < MATCH_THRESHOLD
    sync(client, almaty, [upsert("a1", name_phonetic=["stv jnbk"], phone=["+77010000001"])])
    sync(client, oral, [upsert("o1", name_phonetic=["stv jnbk"], phone=["+77010000002"])])
    assert not Alert.objects.exists()


def test_the_kinds_that_agree_are_those_with_a_shared_token(client: Client, two: tuple[Party, Party]) -> None:
    almaty, oral = two
    # A whole name that agrees gives its phonetic key too (linkage.network.network_inputs).
    sync(client, almaty, [upsert("a1", phone=[PHONE], name=["seitov zhanibek"], name_phonetic=["stv jnbk"],
                                 name_initial=["seitov z"], plate=["123abc02"])])
    # The same plaintext under another kind is another token: "phone" and "handle" never agree.
    sync(client, oral, [upsert("o1", handle=[PHONE], name=["seitov zhanibek"], name_phonetic=["stv jnbk"],
                               name_initial=["seitov z"], plate=["777aaa01"])])
    [alert] = alerts(client, oral)
    assert alert["evidence_kinds"] == ["name", "name_phonetic", "name_initial", REGION]
    assert alert["strength"] == expected(["name", "name_phonetic", "name_initial", REGION], conflicts=("plate",))


def test_a_withdrawn_ref_closes_its_alert_for_both(client: Client, matched: tuple[Party, Party, str]) -> None:
    almaty, oral, _ = matched
    sync(client, oral, deletes=["oral-ref"])
    for party in (almaty, oral):
        [alert] = alerts(client, party)
        assert (alert["state"], alert["closed_reason"]) == ("closed", "withdrawn")


def test_a_changed_ref_is_followed_then_closed_when_it_no_longer_matches(
        client: Client, matched: tuple[Party, Party, str]) -> None:
    almaty, oral, code = matched
    sync(client, oral, [upsert("oral-ref", 2, phone=[PHONE], name=["seitov zhanibek"], year_month="2025-06")])
    [alert] = alerts(client, almaty)
    assert alert["id"] == code, "the same alert, updated"
    assert alert["evidence_kinds"] == ["phone", "name", REGION]
    assert alert["strength"] == expected(["phone", "name", REGION])
    assert alert["other_year_month"] == "2025-06"
    sync(client, almaty, [upsert("almaty-ref", 2, name_initial=["seitov z"])])
    for party in (almaty, oral):
        [alert] = alerts(client, party)
        assert (alert["id"], alert["state"], alert["closed_reason"]) == (code, "closed", "no_longer_matches")


def test_a_pair_that_matches_again_gets_a_new_alert(client: Client, matched: tuple[Party, Party, str]) -> None:
    almaty, _, code = matched
    sync(client, almaty, [upsert("almaty-ref", 2, name=["nobody"])])
    sync(client, almaty, [upsert("almaty-ref", 3, phone=[PHONE])])
    first, second = alerts(client, almaty)
    assert (first["id"], first["state"]) == (code, "closed")
    assert second["id"] != code and second["state"] == "open"


def test_one_ref_can_match_refs_of_several_members(client: Client, matched: tuple[Party, Party, str],
                                                   joiner: Callable[..., Party]) -> None:
    almaty, oral, _ = matched
    third = joiner("Third centre", "Shymkent")
    sync(client, third, [upsert("t1", phone=[PHONE])])
    assert sorted(a["other_member"] for a in alerts(client, third)) == ["Crisis centre Almaty", "Oral network"]
    assert len(alerts(client, almaty)) == len(alerts(client, oral)) == 2


def test_every_strength_goes_through_one_function(client: Client, two: tuple[Party, Party],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[frozenset[str], dict[str, int], frozenset[str]]] = []

    def strength(kinds: Any, *, counts: Any, conflicts: Any) -> float:
        seen.append((frozenset(kinds), dict(counts), frozenset(conflicts)))
        return 0.9

    monkeypatch.setattr(matching, "strength", strength)
    almaty, oral = two
    sync(client, almaty, [upsert("a1", name_initial=["seitov z"])])
    sync(client, oral, [upsert("o1", name_initial=["seitov z"])])
    assert seen and all(s == (frozenset({"name_initial", REGION}), {"name_initial": 2}, frozenset()) for s in seen)
    assert alerts(client, oral)[0]["strength"] == 0.9


def _decide(client: Client, party: Party, code: str, decision: str) -> Any:
    return post(client, party, f"/v1/alerts/{code}/decision", {"decision": decision})


def test_each_side_decides_and_sees_the_others_decision(client: Client, matched: tuple[Party, Party, str]) -> None:
    almaty, oral, code = matched
    response = _decide(client, almaty, code, "confirmed")
    assert response.status_code == 200 and response.json()["alert"]["my_decision"] == "confirmed"
    _decide(client, oral, code, "rejected")
    [mine], [theirs] = alerts(client, almaty), alerts(client, oral)
    assert (mine["my_decision"], mine["other_decision"]) == ("confirmed", "rejected")
    assert (theirs["my_decision"], theirs["other_decision"]) == ("rejected", "confirmed")
    _decide(client, oral, code, "confirmed")
    assert alerts(client, almaty)[0]["other_decision"] == "confirmed", "a decision can change until contact"
    entry = AuditEntry.objects.filter(action=Action.NETWORK_ALERT_REVIEWED).order_by("id").last()
    assert entry is not None
    assert (entry.organisation_code, entry.object_code, entry.extra) == (oral.code, code, {"decision": "confirmed"})


def test_a_bad_decision_or_one_on_a_closed_alert_is_refused(client: Client, matched: tuple[Party, Party, str]) -> None:
    almaty, oral, code = matched
    assert _decide(client, almaty, code, "maybe").json() == {"error": "bad_request"}
    assert _decide(client, almaty, "no-such-alert", "confirmed").status_code == 404
    sync(client, oral, deletes=["oral-ref"])
    response = _decide(client, almaty, code, "confirmed")
    assert (response.status_code, response.json()) == (400, {"error": "bad_request"})


def _ask(client: Client, party: Party, code: str, contact: str = "Aigerim, +7 727 000 00 00") -> Any:
    return post(client, party, f"/v1/alerts/{code}/contact", {"message": "Could we talk?", "contact": contact})


def _answer(client: Client, party: Party, code: str, accept: bool, contact: str = "") -> Any:
    return post(client, party, f"/v1/alerts/{code}/contact/answer", {"accept": accept, "contact": contact})


def test_contact_only_after_both_confirm(client: Client, matched: tuple[Party, Party, str]) -> None:
    almaty, oral, code = matched
    assert _ask(client, almaty, code).status_code == 400
    _decide(client, almaty, code, "confirmed")
    assert _ask(client, almaty, code).status_code == 400
    _decide(client, oral, code, "rejected")
    assert _ask(client, almaty, code).status_code == 400
    _decide(client, oral, code, "confirmed")
    assert post(client, almaty, f"/v1/alerts/{code}/contact", {"contact": "x"}).status_code == 400, "a message"
    response = _ask(client, almaty, code)
    assert response.status_code == 200
    assert response.json()["alert"]["contact"] == {"requested_by": "me", "message": "Could we talk?",
                                                   "state": "pending", "other_contact": ""}
    assert _ask(client, oral, code).status_code == 400, "one request per alert"
    assert _decide(client, oral, code, "rejected").status_code == 400, "decisions are settled once contact is asked"


@pytest.fixture
def asked(client: Client, matched: tuple[Party, Party, str]) -> tuple[Party, Party, str]:
    almaty, oral, code = matched
    _decide(client, almaty, code, "confirmed")
    _decide(client, oral, code, "confirmed")
    assert _ask(client, almaty, code).status_code == 200
    return matched


def test_contacts_are_revealed_to_the_two_sides_only_on_acceptance(
        client: Client, asked: tuple[Party, Party, str], joiner: Callable[..., Party]) -> None:
    almaty, oral, code = asked
    [theirs] = alerts(client, oral)
    assert theirs["contact"] == {"requested_by": "other", "message": "Could we talk?", "state": "pending",
                                 "other_contact": ""}
    assert _answer(client, almaty, code, True, "me again").status_code == 400, "the requester cannot answer"
    assert _answer(client, oral, code, True).json() == {"error": "bad_request"}, "accepting needs a contact"
    assert post(client, oral, f"/v1/alerts/{code}/contact/answer", {"accept": "yes"}).status_code == 400
    response = _answer(client, oral, code, True, "Dana, dana@oral.example")
    assert response.status_code == 200
    assert alerts(client, almaty)[0]["contact"] == {"requested_by": "me", "message": "Could we talk?",
                                                    "state": "accepted", "other_contact": "Dana, dana@oral.example"}
    assert alerts(client, oral)[0]["contact"]["other_contact"] == "Aigerim, +7 727 000 00 00"
    assert _answer(client, oral, code, False).status_code == 400, "answered once"
    assert alerts(client, joiner("Third centre")) == []
    entries = AuditEntry.objects.filter(action__in=[Action.NETWORK_CONTACT_REQUESTED, Action.NETWORK_CONTACT_ANSWERED])
    assert [(e.organisation_code, e.extra) for e in entries.order_by("id")] == [
        (almaty.code, {}), (oral.code, {"accepted": True})]
    assert not any("dana" in str(e.extra).lower() or "Could" in str(e.extra) for e in AuditEntry.objects.all())


def test_a_declined_request_reveals_nothing(client: Client, asked: tuple[Party, Party, str]) -> None:
    almaty, oral, code = asked
    assert _answer(client, oral, code, False, "ignored contact").status_code == 200
    for party in (almaty, oral):
        contact = alerts(client, party)[0]["contact"]
        assert (contact["state"], contact["other_contact"]) == ("declined", "")
    assert not Alert.objects.get().contact.answer_contact


def test_no_contact_on_a_closed_alert(client: Client, asked: tuple[Party, Party, str]) -> None:
    almaty, oral, code = asked
    sync(client, almaty, deletes=["almaty-ref"])
    assert _answer(client, oral, code, True, "Dana").status_code == 400


def test_a_pair_opened_by_the_other_sides_sync_at_the_same_moment_is_opened_once(
        matched: tuple[Party, Party, str]) -> None:
    encoding = Encoding.objects.get(ref="oral-ref")
    [hit] = matching.evaluate(encoding).hits.values()
    assert matching._open(encoding, hit) is False
    assert Alert.objects.count() == 1
