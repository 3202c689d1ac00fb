"""`aigaq network keyservice init|trust-hub|serve|status`: the secrets are made once (0600) and
never replaced, the hub's key is checked before it is trusted, and serve refuses to start
without the secrets."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from aigaq.audit.models import Action, AuditEntry
from aigaq.keyservice import limits, services, wire
from aigaq.keyservice.models import EvaluationCount
from aigaq.lib.crypto import oprf
from aigaq.lib.crypto.signing import new_signing_key, public_key_of
from aigaq.peers.models import Peer

from .helpers import Party


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_init_makes_the_seed_and_signing_key_0600_and_prints_their_public_keys(db: Any, data_dir: Path) -> None:
    said = run("keyservice_init")
    seed, key = data_dir / "oprf-seed", data_dir / "signing-key"
    for path in (seed, key):
        assert path.stat().st_mode & 0o777 == 0o600
        assert len(path.read_bytes()) == 32
    assert data_dir.stat().st_mode & 0o777 == 0o700
    oprf_key = base64.urlsafe_b64encode(oprf.KeyHolder(seed.read_bytes()).public_key).decode().rstrip("=")
    assert f"OPRF public key:    {oprf_key}" in said
    assert f"Signing public key: {public_key_of(key.read_bytes())}" in said
    assert "aigaq network hub init --keyservice" in said and "trust-hub" in said


def test_init_refuses_to_overwrite_and_keeps_what_exists_with_if_missing(db: Any, data_dir: Path) -> None:
    run("keyservice_init")
    seed = (data_dir / "oprf-seed").read_bytes()
    with pytest.raises(CommandError, match="never overwritten"):
        run("keyservice_init")
    (data_dir / "signing-key").unlink()
    with pytest.raises(CommandError, match="oprf-seed already exists"):
        run("keyservice_init")
    run("keyservice_init", "--if-missing")
    assert (data_dir / "oprf-seed").read_bytes() == seed
    assert (data_dir / "signing-key").exists()


def test_init_refuses_an_unsafe_seed(db: Any, data_dir: Path) -> None:
    run("keyservice_init")
    (data_dir / "oprf-seed").chmod(0o644)
    with pytest.raises(CommandError, match="chmod 600"):
        run("keyservice_init", "--if-missing")


def test_trust_hub_registers_the_hubs_key_once(db: Any) -> None:
    public_key = public_key_of(new_signing_key())
    assert "now trusts the hub" in run("keyservice_trust_hub", public_key)
    assert "already trusted" in run("keyservice_trust_hub", public_key)
    assert Peer.objects.get(name="hub").public_key == public_key
    newer = public_key_of(new_signing_key())
    assert "new key" in run("keyservice_trust_hub", newer)
    assert Peer.objects.get(name="hub").public_key == newer
    assert [e.organisation_code for e in AuditEntry.objects.filter(action=Action.NETWORK_MEMBER_JOINED)] == ["hub"] * 3


def test_trust_hub_takes_a_key_that_starts_with_a_dash(db: Any) -> None:
    """urlsafe base64 may start with "-": argparse must not take the key for an option."""
    while not (public_key := public_key_of(new_signing_key())).startswith("-"):
        pass
    assert "now trusts the hub" in run("keyservice_trust_hub", public_key)
    assert Peer.objects.get(name="hub").public_key == public_key


@pytest.mark.parametrize("text", ["abc", "x" * 43 + "!", base64.urlsafe_b64encode(b"k" * 31).decode()])
def test_trust_hub_refuses_what_is_not_a_public_key(db: Any, text: str) -> None:
    with pytest.raises(CommandError, match="not a signing public key"):
        run("keyservice_trust_hub", text)
    assert not Peer.objects.exists()


def test_serve_refuses_to_start_before_init(db: Any, data_dir: Path) -> None:
    with pytest.raises(CommandError, match="keyservice init"):
        run("keyservice_serve")


def test_status_prints_counts_per_member(db: Any, holder: oprf.KeyHolder, member: Party) -> None:
    assert "Hub trusted: no" in run("keyservice_status")
    services.hub_trust(public_key=public_key_of(new_signing_key()))
    EvaluationCount.objects.create(member=member.name, hour=limits.bucket(timezone.now()) - limits.DAY, count=7)
    services.batch_evaluate(member=member.name, blinded=oprf.blind([b"a", b"b"]).messages, holder=holder)
    said = run("keyservice_status")
    assert "OPRF seed:   present" in said and "Hub trusted: yes" in said
    row = next(line for line in said.splitlines() if line.startswith(member.name))
    assert row.split()[-3:] == ["2", "2", "9"]


def test_status_without_members_says_so(db: Any, data_dir: Path) -> None:
    said = run("keyservice_status")
    assert "OPRF seed:   MISSING" in said and "No members registered." in said


def test_the_hub_is_never_registered_as_a_member(db: Any) -> None:
    with pytest.raises(wire.BadRequest):
        services.member_register(member="hub", public_key=public_key_of(new_signing_key()))
    assert not Peer.objects.exists()
