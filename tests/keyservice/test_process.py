"""The key service as it is deployed: `init`, `trust-hub` and `serve` as their own processes with
their own data directory and database; the hub registers a member over HTTP, and the member's
batch finalizes to the outputs of the network key in the seed file."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import aigaq
from aigaq.lib.crypto import oprf
from aigaq.lib.crypto.signing import new_signing_key, public_key_of
from aigaq.lib.netproto import Identity, NetworkError, call

INPUTS = [b"phone:+77015551234", b"handle:@zhanibek_s", b"iin:900101300123"]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """The service's own environment: its data directory, no test settings, no test database."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "AIGAQ_DATABASE_URL"} and not k.startswith("PYTEST")}
    source = str(Path(aigaq.__file__).resolve().parents[1])  # the code under test, wherever it is installed
    env |= {"AIGAQ_DATA_DIR": str(tmp_path / "keyservice"), "AIGAQ_KEY_FILE": str(tmp_path / "keys.json"),
            "PYTHONPATH": os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p)}
    return env


def aigaq_network(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "aigaq.ops.cli", "network", "keyservice", *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def served(environment: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """The URL of a key service that `init` set up and `serve` serves; stopped afterwards, always."""
    aigaq_network(environment, "init")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "aigaq.ops.cli", "network", "keyservice", "serve",
                                "--port", str(port)], env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                call(url, "GET", "/v1/identity")
                break
            except NetworkError:
                assert time.monotonic() < deadline, "the key service did not start in 30 s"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_a_served_key_service_evaluates_a_registered_members_batch(served: str, environment: dict[str, str]) -> None:
    data_dir = Path(environment["AIGAQ_DATA_DIR"])
    seed = data_dir / "oprf-seed"
    assert seed.stat().st_mode & 0o777 == 0o600
    holder = oprf.KeyHolder(seed.read_bytes())
    identity = call(served, "GET", "/v1/identity")
    assert unb64(identity["oprf_public_key"]) == holder.public_key
    assert identity["signing_public_key"] == public_key_of((data_dir / "signing-key").read_bytes())

    hub, member = Identity("hub", new_signing_key()), Identity("m-aq1", new_signing_key())
    registration = {"member": member.sender, "public_key": public_key_of(member.private_key)}
    with pytest.raises(NetworkError) as untrusted:
        call(served, "POST", "/v1/members", registration, identity=hub)
    assert (untrusted.value.status, untrusted.value.code) == (401, "unknown_sender")
    aigaq_network(environment, "trust-hub", public_key_of(hub.private_key))
    assert call(served, "POST", "/v1/members", registration, identity=hub) == {"ok": True}

    blinded = oprf.blind(INPUTS)
    answer = call(served, "POST", "/v1/evaluate", {"blinded": [b64(m) for m in blinded.messages]}, identity=member)
    outputs = oprf.finalize(blinded, unb64(answer["evaluated"]), unb64(identity["oprf_public_key"]))
    assert outputs == [holder.evaluate_known(value) for value in INPUTS]
    with pytest.raises(NetworkError) as refused:
        call(served, "POST", "/v1/evaluate", {"blinded": [b64(m) for m in blinded.messages]}, identity=hub)
    assert (refused.value.status, refused.value.code) == (401, "unknown_sender")
    assert "m-aq1" in aigaq_network(environment, "status")
