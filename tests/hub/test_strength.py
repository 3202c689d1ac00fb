"""What the hub weighs beyond the kinds that agree: how many refs of the network hold the shared
token (a common name is weak evidence), the kinds both refs hold without sharing a token (two men of
one name born in different years), and the region codes; and it weighs them in a fixed number of
queries whatever the number of candidates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aigaq.hub import matching
from aigaq.hub.models import Encoding
from aigaq.linkage.network import REGION

from .conftest import Party, alerts, sync, upsert

pytestmark = pytest.mark.urls("aigaq.hub.urls")

COMMON = "ahmetov zhanibek"
RARE = "seitov nurlan"


def name(full: str, **more: Any) -> dict[str, list[str]]:
    """The name kinds a member sends for a surname-forename pair (a stand-in for network_inputs)."""
    surname, forename = full.split()
    return {"name": [f"{forename} {surname}"], "name_phonetic": [f"{forename[:3]} {surname[:3]}"],
            "name_initial": [f"{surname} {forename[0]}"], **more}


def strength_of(client: Client, party: Party, ref: str) -> float:
    [alert] = [a for a in alerts(client, party) if a["my_ref"] == ref and a["state"] == "open"]
    return float(alert["strength"])


def test_a_name_held_by_fifty_refs_scores_lower_than_one_held_by_two(
        client: Client, two: tuple[Party, Party], joiner: Callable[..., Party]) -> None:
    almaty, oral = two
    crowd = joiner("Crowd centre", "Shymkent")
    sync(client, crowd, [upsert(f"c{i}", region="", **name(COMMON)) for i in range(48)])
    sync(client, almaty, [upsert("common", **name(COMMON)), upsert("rare", **name(RARE))])
    sync(client, oral, [upsert("common", **name(COMMON)), upsert("rare", **name(RARE))])
    oral_common = Encoding.objects.get(member__code=oral.code, ref="common")
    almaty_common = Encoding.objects.get(member__code=almaty.code, ref="common")
    assert matching.candidates(oral_common)[almaty_common.pk].counts == {
        "name": 50, "name_phonetic": 50, "name_initial": 50}
    assert strength_of(client, oral, "common") < strength_of(client, oral, "rare")


@pytest.mark.parametrize(("theirs", "kinds_have_region"), [("KZ-75", True), ("", False), ("KZ-27", False)])
def test_a_region_conflict_lowers_the_score(client: Client, two: tuple[Party, Party], theirs: str,
                                            kinds_have_region: bool) -> None:
    almaty, oral = two
    sync(client, almaty, [upsert("a", region="KZ-75", **name(RARE))])
    sync(client, oral, [upsert("o", region=theirs, **name(RARE))])
    [alert] = alerts(client, oral)
    assert (REGION in alert["evidence_kinds"]) is kinds_have_region
    same, unknown, other = (matching.strength(["name", "name_phonetic", "name_initial", *extra],
                                              counts={"name": 2, "name_phonetic": 2, "name_initial": 2},
                                              conflicts=conflicts)
                            for extra, conflicts in (([REGION], ()), ([], ()), ([], (REGION,))))
    assert same > unknown > other
    assert alert["strength"] == round({"KZ-75": same, "": unknown, "KZ-27": other}[theirs], 2)


def test_namesakes_with_different_documented_birth_years_get_no_alert(
        client: Client, two: tuple[Party, Party]) -> None:
    almaty, oral = two
    sync(client, almaty, [upsert("born-1985", **name(RARE, name_birth=["nurlan seitov 1985"])),
                          upsert("birth-unknown", **name(COMMON))])
    sync(client, oral, [upsert("born-1990", **name(RARE, name_birth=["nurlan seitov 1990"])),
                        upsert("born-1991", **name(COMMON, name_birth=["zhanibek ahmetov 1991"]))])
    assert [a["my_ref"] for a in alerts(client, oral)] == ["born-1991"], \
        "the same name and birth years that differ is two men; a birth only one side knows is no conflict"


def test_matching_one_ref_takes_as_many_queries_for_thirty_candidates_as_for_one(
        client: Client, two: tuple[Party, Party], joiner: Callable[..., Party]) -> None:
    almaty, oral = two
    sync(client, almaty, [upsert("one", phone=["+77010000001"], **name(RARE))])
    sync(client, oral, [upsert(f"o{i}", phone=["+77010000002"], **name(COMMON)) for i in range(30)])

    def queries(ref: str) -> int:
        encoding = Encoding.objects.get(member__code=almaty.code, ref=ref)
        with CaptureQueriesContext(connection) as captured:
            hits = matching.evaluate(encoding).hits
        assert hits, "the candidates score above the threshold"
        return len(captured.captured_queries)

    sync(client, oral, [upsert("single", phone=["+77010000001"])])
    few = queries("one")
    assert few == 5, "this ref's tokens, candidates, counts, the candidates' kinds, their encodings"
    sync(client, almaty, [upsert("many", phone=["+77010000002"], **name(COMMON))])
    assert queries("many") == few
