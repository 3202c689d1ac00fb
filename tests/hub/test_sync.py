"""POST /v1/sync stores a member's encodings idempotently: the same batch twice, or a version that
is not newer, changes nothing; a newer version replaces the ref's tokens; deletes remove them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aigaq.audit.models import Action, AuditEntry
from aigaq.hub.models import Encoding, EncodingToken, SyncBatch

from .conftest import Party, post, sync, tok, upsert

pytestmark = pytest.mark.urls("aigaq.hub.urls")


@pytest.fixture
def member(joiner: Callable[..., Party]) -> Party:
    return joiner("Crisis centre Almaty")


def _tokens(ref: str) -> set[tuple[str, str]]:
    return set(EncodingToken.objects.filter(encoding__ref=ref).values_list("kind", "token"))


def test_the_same_batch_twice_stores_once_and_answers_the_same(client: Client, member: Party) -> None:
    batch = str(uuid.uuid4())
    ups = [upsert("r1", phone=["+77015551234"], name=["seitov zhanibek"]), upsert("r2", plate=["123abc02"])]
    first = sync(client, member, ups, deletes=["gone"], batch=batch)
    second = sync(client, member, ups, deletes=["gone"], batch=batch)
    assert first == second == {"accepted": 2, "deleted": 0}
    assert Encoding.objects.count() == 2 and EncodingToken.objects.count() == 3
    assert SyncBatch.objects.count() == 1
    assert AuditEntry.objects.filter(action=Action.NETWORK_SYNCED).count() == 1


def test_a_version_that_is_not_newer_changes_nothing(client: Client, member: Party) -> None:
    sync(client, member, [upsert("r1", 3, phone=["+77015551234"])])
    assert sync(client, member, [upsert("r1", 3, phone=["+77015550000"])]) == {"accepted": 0, "deleted": 0}
    assert sync(client, member, [upsert("r1", 2, phone=["+77015550000"], year_month="2020-01")])["accepted"] == 0
    encoding = Encoding.objects.get(ref="r1")
    assert (encoding.version, encoding.year_month) == (3, "2025-05")
    assert _tokens("r1") == {("phone", tok("phone", "+77015551234"))}


def test_a_newer_version_replaces_the_tokens(client: Client, member: Party) -> None:
    sync(client, member, [upsert("r1", 1, phone=["+77015551234"], name=["seitov zhanibek"])])
    assert sync(client, member, [upsert("r1", 2, handle=["@zhan"], region="KZ-71")])["accepted"] == 1
    encoding = Encoding.objects.get(ref="r1")
    assert (encoding.version, encoding.region) == (2, "KZ-71")
    assert _tokens("r1") == {("handle", tok("handle", "@zhan"))}


def test_deletes_remove_a_ref_and_its_tokens_and_an_unknown_ref_is_fine(client: Client, member: Party) -> None:
    sync(client, member, [upsert("r1", phone=["+77015551234"]), upsert("r2", phone=["+77015559999"])])
    assert sync(client, member, deletes=["r1", "never-sent"]) == {"accepted": 0, "deleted": 1}
    assert list(Encoding.objects.values_list("ref", flat=True)) == ["r2"]
    assert not _tokens("r1")


def test_refs_are_each_members_own(client: Client, joiner: Callable[..., Party]) -> None:
    one, two = joiner("One"), joiner("Two")
    sync(client, one, [upsert("same-ref", phone=["+77015551234"])])
    sync(client, two, [upsert("same-ref", phone=["+77015559999"])])
    assert sync(client, two, deletes=["same-ref"])["deleted"] == 1
    assert Encoding.objects.get().member.code == one.code, "a member deletes only its own refs"


def test_the_audit_entry_counts_and_never_holds_tokens(client: Client, member: Party) -> None:
    sync(client, member, [upsert("r1", phone=["+77015551234"])], deletes=["x"])
    entry = AuditEntry.objects.get(action=Action.NETWORK_SYNCED)
    assert entry.organisation_code == member.code
    assert entry.extra == {"upserts": 1, "accepted": 1, "deletes": 1, "deleted": 0, "alerts_opened": 0,
                           "alerts_updated": 0, "alerts_closed": 0}
    assert tok("phone", "+77015551234") not in str(entry.extra) and "r1" not in str(entry.extra)


GOOD: dict[str, Any] = {"ref": "r1", "version": 1, "year_month": "2025-05", "region": "KZ-71",
                        "tokens": {"phone": ["0" * 32]}}


@pytest.mark.parametrize("body", [
    {"upserts": [GOOD]},  # no batch
    {"batch": "not-a-uuid", "upserts": [GOOD]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD | {"version": -1}]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD | {"version": True}]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD | {"version": "2"}]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD | {"ref": "has space"}]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD | {"year_month": "2025-13"}]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD | {"region": "kz-71"}]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD | {"tokens": {"surname": ["0" * 32]}}]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD | {"tokens": {"phone": ["+77015551234"]}}]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD | {"tokens": {"phone": ["A" * 32]}}]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD | {"tokens": {"phone": [f"{i:032x}" for i in range(201)]}}]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD, GOOD]},
    {"batch": str(uuid.uuid4()), "upserts": [GOOD] * 501},
    {"batch": str(uuid.uuid4()), "upserts": GOOD},
    {"batch": str(uuid.uuid4()), "deletes": ["r1"]},
    [GOOD],
])
def test_a_malformed_batch_is_refused_whole(client: Client, member: Party, body: Any) -> None:
    response = post(client, member, "/v1/sync", body)
    assert (response.status_code, response.json()) == (400, {"error": "bad_request"})
    assert not Encoding.objects.exists() and not SyncBatch.objects.exists()


def test_a_minimal_upsert_is_enough(client: Client, member: Party) -> None:
    response = post(client, member, "/v1/sync", {"batch": str(uuid.uuid4()), "upserts": [{"ref": "r", "version": 0}]})
    assert response.json() == {"accepted": 1, "deleted": 0}
    assert Encoding.objects.get().year_month == ""
