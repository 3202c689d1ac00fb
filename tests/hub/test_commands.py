"""`aigaq network hub init|invite|status|serve`, and the hub's secret file."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aigaq.audit.models import Action, AuditEntry
from aigaq.hub.files import SecretFileError, secret_read, secret_write
from aigaq.hub.identity import signing_key, signing_key_path
from aigaq.hub.models import Invitation, KeyService
from aigaq.lib import netproto
from aigaq.lib.crypto.signing import public_key_of

ROOT = Path(__file__).resolve().parents[2]
IDENTITY = {"oprf_public_key": "oprf-pub", "signing_public_key": "sign-pub", "info": "aigaq-network-v1"}


def _run(*args: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "hub"
    return Path(settings.DATA_DIR)


def _identity_at(monkeypatch: pytest.MonkeyPatch, answer: Any) -> list[tuple[str, str, str]]:
    asked: list[tuple[str, str, str]] = []

    def call(base_url: str, method: str, path: str, body: Any = None, **_: Any) -> Any:
        asked.append((base_url, method, path))
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(netproto, "call", call)
    return asked


def test_init_creates_the_key_and_keeps_the_key_service(db: Any, data_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _identity_at(monkeypatch, IDENTITY)
    out = _run("hub_init", "--keyservice", "http://127.0.0.1:9/")
    assert asked == [("http://127.0.0.1:9/", "GET", "/v1/identity")]
    service = KeyService.objects.get()
    assert (service.url, service.oprf_public_key, service.signing_public_key) == (
        "http://127.0.0.1:9", "oprf-pub", "sign-pub")
    assert stat.S_IMODE(signing_key_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    public = public_key_of(signing_key())
    assert f"aigaq network keyservice trust-hub {public}" in out
    again = _run("hub_init", "--keyservice", "http://127.0.0.1:9")
    assert "Kept the hub's signing key" in again and public in again
    assert KeyService.objects.count() == 1


@pytest.mark.parametrize("answer", [netproto.NetworkError("unreachable"), {"info": "something else"},
                                    IDENTITY | {"oprf_public_key": ""}, ["not", "an", "object"]])
def test_init_refuses_what_is_not_a_key_service(db: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                answer: Any) -> None:
    _identity_at(monkeypatch, answer)
    with pytest.raises(CommandError, match="did not answer as one"):
        _run("hub_init", "--keyservice", "http://127.0.0.1:9")
    assert not KeyService.objects.exists()


def test_invite_prints_the_code_once_and_keeps_only_its_hash(db: Any) -> None:
    out = _run("hub_invite", "Oral network", "--days", "3")
    code = out.splitlines()[1]
    invitation = Invitation.objects.get()
    assert invitation.code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert invitation.name == "Oral network"
    assert 2.9 < (invitation.expires_at - invitation.created_at).total_seconds() / 86400 < 3.1
    entry = AuditEntry.objects.get(action=Action.NETWORK_INVITATION_ISSUED)
    assert code not in str(entry.extra) and entry.extra == {"days": 3}


@pytest.mark.parametrize("args", [["  "], ["x" * 201], ["Oral", "--days", "0"]])
def test_invite_refuses_a_bad_name_or_term(db: Any, args: list[str]) -> None:
    with pytest.raises(CommandError):
        _run("hub_invite", *args)
    assert not Invitation.objects.exists()


def test_status_counts(db: Any) -> None:
    _run("hub_invite", "Oral network")
    out = _run("hub_status")
    assert "members: 0" in out and "open invitations: 1" in out and "alerts: 0 open, 0 closed" in out


def test_a_secret_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "dir" / "secret"
    old = os.umask(0)
    try:
        secret_write(path, b"x" * 32)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with pytest.raises(SecretFileError, match="never overwritten"):
        secret_write(path, b"y" * 32)
    assert secret_read(path) == b"x" * 32
    path.chmod(0o640)
    with pytest.raises(SecretFileError, match="read by others"):
        secret_read(path)
    with pytest.raises(SecretFileError, match="cannot be read"):
        secret_read(tmp_path / "missing")


def test_a_signing_key_of_the_wrong_size_is_refused(data_dir: Path) -> None:
    secret_write(signing_key_path(), b"short")
    with pytest.raises(SecretFileError, match="not a signing key"):
        signing_key()


def _aigaq(data: Path, *args: str) -> subprocess.Popen[str]:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), "AIGAQ_DATA_DIR": str(data),
           "AIGAQ_ALLOWED_HOSTS": "127.0.0.1"}
    data.mkdir(parents=True, exist_ok=True)
    with (data.parent / "stderr.txt").open("a") as errors:  # the child keeps its own copy of the file
        return subprocess.Popen([sys.executable, "-m", "aigaq.ops.cli", "network", "hub", *args], env=env,
                                stdout=subprocess.PIPE, stderr=errors, text=True)


@pytest.mark.slow
def test_the_hub_runs_as_its_own_process_with_its_own_database(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    invite = _aigaq(data, "invite", "Oral network")
    out, _ = invite.communicate(timeout=120)
    assert invite.returncode == 0, (tmp_path / "stderr.txt").read_text()
    code = out.splitlines()[1]
    assert "no key service yet" in (tmp_path / "stderr.txt").read_text()
    assert (data / "hub.sqlite3").exists(), "its own database, in its own data directory"
    status = _aigaq(data, "status")
    assert "open invitations: 1" in status.communicate(timeout=120)[0]
    server = _aigaq(data, "serve", "--port", "0")
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "The hub is serving on http://127.0.0.1:" in line, line
        url = line.split(" on ")[1].split()[0].rstrip("/")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "/v1/alerts", timeout=30)  # noqa: S310 - a local test server
        assert refused.value.code == 401 and b'"unsigned"' in refused.value.read()
        with pytest.raises(netproto.NetworkError) as joined:
            netproto.call(url, "POST", "/v1/join", {"invitation": code, "name": "x", "city": "Oral",
                                                    "public_key": public_key_of(b"k" * 32)})
        assert (joined.value.code, joined.value.status) == ("unavailable", 503), "not initialised yet"
    finally:
        server.terminate()
        server.wait(timeout=30)
    raw = b"".join(p.read_bytes() for p in data.glob("hub.sqlite3*"))
    assert code.encode() not in raw, "the invitation's code is never stored"
