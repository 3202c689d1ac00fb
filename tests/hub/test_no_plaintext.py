"""The hub holds no plaintext about anyone: after members sync the tokens of demo-like suspects
(names in both alphabets, phones, plates, IINs, through the member's own `network_inputs` and the
OPRF), the bytes of the hub's database contain none of the values the tokens were made from."""

from __future__ import annotations

import json
import re
import uuid
from importlib import resources
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigaq.linkage.mention import Mention
from aigaq.linkage.network import network_inputs

from .conftest import Party, alerts, sync, tok

pytestmark = pytest.mark.urls("aigaq.hub.urls")

NAMES = json.loads(resources.files("aigaq.demo").joinpath("data", "names.json").read_text(encoding="utf-8"))
SURNAMES = [s for row in NAMES["kazakh_surnames"] for s in row] + [s for row in NAMES["russian_surnames"] for s in row]
GIVEN = [g for row in NAMES["kazakh_given"] for g in row] + [g for row in NAMES["russian_given"][:12] for g in row[:2]]
OPERATORS = NAMES["operators"]
HEX = re.compile(r"[0-9a-f]+")
MIN_WORD = 3  # shorter words of a name are found anywhere (in the schema, in the migrations' names)


@st.composite
def mentions(draw: st.DrawFn) -> Mention:
    name = f"{draw(st.sampled_from(SURNAMES))} {draw(st.sampled_from(GIVEN))}"
    phone = f"+7 {draw(st.sampled_from(OPERATORS))} {draw(st.integers(100, 999))} " \
            f"{draw(st.integers(10, 99))} {draw(st.integers(10, 99))}"
    plate = f"{draw(st.integers(100, 999))}{draw(st.sampled_from(['ABC', 'KMO', 'TXE']))}0{draw(st.integers(1, 9))}"
    return Mention(id=str(uuid.uuid4()), full_name=name, phones=[phone], plates=[plate],
                   handles=[f"@{draw(st.sampled_from(GIVEN))}{draw(st.integers(1, 99))}"],
                   birth_date=f"19{draw(st.integers(60, 99))}-0{draw(st.integers(1, 9))}-1{draw(st.integers(0, 9))}")


def _plaintexts(mention: Mention, inputs: dict[str, list[str]]) -> set[str]:
    """Everything the tokens were made from, as it would appear if stored: what the case records
    and what the member fed to the OPRF (pure hex values only with their kind: a token may hold
    a run of digits by chance)."""
    found = {mention.full_name or "", *mention.phones, *mention.plates, *mention.handles, mention.birth_date or ""}
    found |= {w for w in (mention.full_name or "").split() if len(w) > MIN_WORD}
    for kind, values in inputs.items():
        for value in values:
            found.add(f"{kind}:{value}")
            if not HEX.fullmatch(value):
                found.add(value)
    return {f for f in found if f}


def _database_bytes() -> bytes:
    connection.ensure_connection()
    return bytes(connection.connection.serialize())  # type: ignore[union-attr]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads the SQLite database's bytes")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(mentions(), min_size=1, max_size=4))
def test_the_hub_database_holds_no_plaintext(client: Client, two: tuple[Party, Party], drawn: list[Mention]) -> None:
    almaty, oral = two
    plaintexts: set[str] = set()
    tokens: set[str] = set()
    for i, mention in enumerate(drawn):
        inputs = network_inputs(mention)
        plaintexts |= _plaintexts(mention, inputs)
        sent = {kind: [tok(kind, v) for v in values] for kind, values in inputs.items()}
        tokens |= {t for ts in sent.values() for t in ts}
        upsert: dict[str, Any] = {"ref": uuid.uuid4().hex, "version": 1, "year_month": "2025-05", "region": "KZ-75",
                                  "tokens": sent}
        # Every mention goes to both members, so alerts are opened too.
        sync(client, almaty if i % 2 else oral, [upsert])
        sync(client, oral if i % 2 else almaty, [upsert | {"ref": uuid.uuid4().hex}])
    assert alerts(client, almaty), "the same suspects at two members alert"
    raw = _database_bytes()
    assert all(t.encode() in raw for t in tokens), "the scan sees what the hub stored"
    leaked = sorted(p for p in plaintexts if p.encode() in raw)
    assert not leaked
