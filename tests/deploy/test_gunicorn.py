"""`aigaq serve` under gunicorn: gunicorn started exactly as serve starts it (its command line, one
worker), the trusted-proxy rule applied by TrustedProxy, gunicorn itself believing no peer; and
the task queue's worker started once, by serve, never by gunicorn's workers."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from aigaq.ops.management.commands import serve

PROXY = "127.0.0.1"
VISITOR = "127.0.0.2"
FORWARDED = {"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"}
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(trusted_proxy: str | None) -> Iterator[int]:
    port = free_port()
    argv = serve.gunicorn_argv(host="127.0.0.1", port=port, workers=1, threads=1)
    argv[-1] = "tests.deploy.echo_app:application"
    env = {**os.environ, "ECHO_TRUSTED_PROXY": trusted_proxy or "",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def seen(port: int, source: str, headers: dict[str, str]) -> dict[str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    conn.request("GET", "/", headers={"Host": "localhost", **headers})
    data: dict[str, str] = json.loads(conn.getresponse().read())
    conn.close()
    return data


def test_under_gunicorn_the_trusted_proxy_gives_the_visitors_address_and_https_and_no_one_else_does() -> None:
    with gunicorn(PROXY) as port:
        proxied = seen(port, PROXY, FORWARDED)
        direct = seen(port, VISITOR, FORWARDED)
    assert proxied["REMOTE_ADDR"] == "203.0.113.5" and proxied["wsgi.url_scheme"] == "https"
    assert direct["REMOTE_ADDR"] == VISITOR and direct["wsgi.url_scheme"] == "http"
    assert "HTTP_X_FORWARDED_FOR" not in direct and "HTTP_X_FORWARDED_PROTO" not in direct


def test_gunicorn_itself_never_takes_a_forwarded_proto_for_https() -> None:
    # Gunicorn's default believes X-Forwarded-Proto from 127.0.0.1: serve's command line turns it off.
    with gunicorn(None) as port:
        environ = seen(port, PROXY, {**FORWARDED, "X-Forwarded-Ssl": "on", "X-Forwarded-Protocol": "ssl"})
    assert environ["REMOTE_ADDR"] == PROXY and environ["wsgi.url_scheme"] == "http"


class _Child:
    launched: list[list[str]] = []

    def __init__(self, argv: list[str]) -> None:
        self.launched.append(argv)
        self.signals: list[int] = []

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def poll(self) -> int | None:
        return None

    def terminate(self) -> None:
        self.signals.append(15)

    def send_signal(self, signum: int) -> None:
        self.signals.append(signum)


def test_serve_starts_one_worker_process_and_gunicorn_with_a_worker_per_core(
    monkeypatch: pytest.MonkeyPatch, db: Any
) -> None:
    from django.core.management import call_command

    _Child.launched = []
    monkeypatch.delenv("AIGAQ_SERVE_WORKER", raising=False)
    monkeypatch.setattr(serve, "default_workers", lambda: 2)
    monkeypatch.setattr(serve.subprocess, "Popen", _Child)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    call_command("serve", "--no-migrate", "--port", "8799")
    worker, server = _Child.launched
    assert worker[1:4] == ["-m", "django", "worker"] and worker[worker.index("--parent") + 1].isdigit()
    assert server[server.index("--workers") + 1] == "2"
    assert server[-1] == "aigaq.ops.served:application"


def test_serve_starts_no_worker_when_the_operator_runs_it_as_its_own_unit(
    monkeypatch: pytest.MonkeyPatch, db: Any
) -> None:
    from django.core.management import call_command

    _Child.launched = []
    monkeypatch.setenv("AIGAQ_SERVE_WORKER", "0")
    monkeypatch.setattr(serve.subprocess, "Popen", _Child)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    call_command("serve", "--no-migrate", "--port", "8799")
    assert [argv[-1] for argv in _Child.launched] == ["aigaq.ops.served:application"]
    _Child.launched = []
    monkeypatch.delenv("AIGAQ_SERVE_WORKER")
    call_command("serve", "--no-migrate", "--port", "8799", "--no-worker")
    assert [argv[-1] for argv in _Child.launched] == ["aigaq.ops.served:application"]


def test_serve_with_waitress_starts_the_worker_and_stops_it_after(monkeypatch: pytest.MonkeyPatch, db: Any) -> None:
    from unittest import mock

    from django.core.management import call_command

    _Child.launched = []
    monkeypatch.delenv("AIGAQ_SERVE_WORKER", raising=False)
    started: list[_Child] = []
    monkeypatch.setattr(serve, "start_worker", lambda: started.append(_Child(serve.worker_argv())) or started[-1])
    with mock.patch("waitress.serve") as served:
        call_command("serve", "--no-migrate", "--server", "waitress", "--port", "8126")
    served.assert_called_once()
    assert len(started) == 1 and started[0].signals == [15]


def test_gunicorn_opens_no_control_socket_in_the_hidden_home_directory() -> None:
    argv = serve.gunicorn_argv(host="127.0.0.1", port=8000, workers=2, threads=1)
    assert "--no-control-socket" in argv or not serve._has_control_socket()
