"""Behind the reverse proxy: the server, as `aigaq serve` starts it, believes X-Forwarded-For and
X-Forwarded-Proto from AIGAQ_TRUSTED_PROXY only. Real sockets: the trusted proxy connects from
127.0.0.1, a visitor who reaches the port directly from 127.0.0.2 (Linux answers all of 127/8).

Each test runs twice: with waitress's own proxy options (`aigaq serve --server waitress`), and with
the TrustedProxy middleware on a server that passes every header through untouched and believes
none, as gunicorn does (`aigaq serve`; tests/deploy/test_gunicorn.py checks gunicorn itself)."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from waitress import create_server

from aigaq.accounts.models import Organisation
from aigaq.ops.serving import TrustedProxy, proxy_options
from tests.conftest import PASSWORD, make_user

PROXY = "127.0.0.1"
VISITOR = "127.0.0.2"  # someone who reaches waitress's port without going through nginx

App = Callable[[dict[str, Any], Callable[..., Any]], Any]
Serving = Callable[[App, str | None], Any]  # (app, trusted proxy) -> a context manager of the port


def echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """What the application sees of the request."""
    seen = {k: v for k, v in environ.items() if k.startswith("HTTP_") or k in ("REMOTE_ADDR", "wsgi.url_scheme")}
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(seen).encode()]


@contextmanager
def waitress(app: App, trusted_proxy: str | None, *, middleware: bool = False) -> Iterator[int]:
    """Waitress on a free port of 127.0.0.1 with `aigaq serve --server waitress`'s proxy options;
    yields the port. With `middleware`: waitress believing and dropping nothing, the app behind
    TrustedProxy (what `aigaq serve` runs under gunicorn)."""
    if middleware:
        server: Any = create_server(TrustedProxy(app, trusted_proxy), host="127.0.0.1", port=0, threads=2,
                                    clear_untrusted_proxy_headers=False)
    else:
        server = create_server(app, host="127.0.0.1", port=0, threads=2, **proxy_options(trusted_proxy))
    stop = threading.Event()

    def run() -> None:  # server.run() until stopped, then closed from its own thread
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.close()
        server.task_dispatcher.shutdown()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield int(server.effective_port)
    finally:
        stop.set()
        thread.join(timeout=5)


def request(port: int, source: str, path: str = "/", *, method: str = "GET", body: str | None = None,
            headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    conn.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def seen(port: int, source: str, headers: dict[str, str]) -> dict[str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    conn.request("GET", "/", headers={"Host": "localhost", **headers})
    data: dict[str, str] = json.loads(conn.getresponse().read())
    conn.close()
    return data


@pytest.fixture(params=["waitress", "middleware"])
def serving(request: pytest.FixtureRequest) -> Callable[[App, str | None], Any]:
    middleware = request.param == "middleware"
    return lambda app, trusted_proxy: waitress(app, trusted_proxy, middleware=middleware)


FORWARDED = {"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"}


def test_forwarded_headers_from_the_trusted_proxy_give_the_visitors_address_and_https(serving: Serving) -> None:
    with serving(echo, PROXY) as port:
        environ = seen(port, PROXY, FORWARDED)
    assert environ["REMOTE_ADDR"] == "203.0.113.5"
    assert environ["wsgi.url_scheme"] == "https"


def test_forwarded_headers_from_untrusted_peer_are_ignored(serving: Serving) -> None:
    with serving(echo, PROXY) as port:
        environ = seen(port, VISITOR, FORWARDED)
    assert environ["REMOTE_ADDR"] == VISITOR
    assert environ["wsgi.url_scheme"] == "http"
    # Dropped, so nothing further in (Django included) can believe them either.
    assert "HTTP_X_FORWARDED_FOR" not in environ and "HTTP_X_FORWARDED_PROTO" not in environ


def test_without_a_trusted_proxy_no_peer_is_believed(serving: Serving) -> None:
    with serving(echo, None) as port:
        environ = seen(port, PROXY, FORWARDED)
    assert environ["REMOTE_ADDR"] == PROXY
    assert environ["wsgi.url_scheme"] == "http"
    assert "HTTP_X_FORWARDED_FOR" not in environ


def test_an_address_the_visitor_writes_before_the_proxys_is_ignored(serving: Serving) -> None:
    with serving(echo, PROXY) as port:
        environ = seen(port, PROXY, {"X-Forwarded-For": "198.51.100.66, 203.0.113.5"})
    assert environ["REMOTE_ADDR"] == "203.0.113.5"


def test_other_proxy_headers_are_dropped_even_from_the_trusted_proxy(serving: Serving) -> None:
    with serving(echo, PROXY) as port:
        environ = seen(port, PROXY, {"X-Forwarded-Host": "evil.example", "Forwarded": "for=198.51.100.66"})
    assert environ["HTTP_HOST"] == "localhost"
    assert environ["REMOTE_ADDR"] == PROXY
    assert "HTTP_X_FORWARDED_HOST" not in environ and "HTTP_FORWARDED" not in environ


# --- The whole app behind it -------------------------------------------------------------------


@pytest.fixture
def app(transactional_db: Any, settings: Any) -> App:
    """Aigaq in production mode with the HTTPS redirect on, as deployed (tests switch it off)."""
    settings.SECURE_SSL_REDIRECT = True
    return WSGIHandler()  # built after the override: SecurityMiddleware reads it once


def sign_in(port: int, source: str, username: str, password: str, forwarded_for: str) -> int:
    """Gets the form (session cookie, CSRF token), posts it as a browser would; the status."""
    headers = {"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    conn.request("GET", "/accounts/login/", headers={"Host": "localhost", **headers})
    page = conn.getresponse()
    html = page.read().decode()
    cookie = "; ".join(c.split(";", 1)[0] for c in page.headers.get_all("Set-Cookie") or [])
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, f"no sign-in form (status {page.status})"
    scheme = "https" if source == PROXY else "http"
    body = f"csrfmiddlewaretoken={match.group(1)}&username={username}&password={password.replace(' ', '+')}"
    conn.request("POST", "/accounts/login/", body=body, headers={
        "Host": "localhost", "Cookie": cookie, "Origin": f"{scheme}://localhost",
        "Content-Type": "application/x-www-form-urlencoded", **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def test_https_through_the_trusted_proxy_is_served_not_redirected_again(serving: Serving, app: App) -> None:
    with serving(app, PROXY) as port:
        response = request(port, PROXY, "/accounts/login/", headers=FORWARDED)
    assert response.status == 200
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_a_forged_https_header_from_an_untrusted_peer_is_redirected_to_https(serving: Serving, app: App) -> None:
    with serving(app, PROXY) as port:
        response = request(port, VISITOR, "/accounts/login/", headers=FORWARDED)
    assert response.status == 301
    assert response.headers["Location"] == "https://localhost/accounts/login/"


def test_one_attacking_address_does_not_lock_out_another(serving: Serving, app: App) -> None:
    org = Organisation.objects.create(name="Crisis centre Almaty", default_language="en")
    make_user("alice", org, "caseworker")
    with serving(app, PROXY) as port:
        statuses = [sign_in(port, PROXY, f"guess{i}", "wrong guess", "203.0.113.9") for i in range(21)]
        assert statuses[-1] == 429  # the attacker's address is locked out...
        assert sign_in(port, PROXY, "alice", PASSWORD, "203.0.113.9") == 429
        # ...and alice, behind the same proxy but from her own address, signs in.
        assert sign_in(port, PROXY, "alice", PASSWORD, "198.51.100.4") == 302


def test_a_direct_visitor_cannot_escape_the_limit_by_forging_x_forwarded_for(
    serving: Serving, app: App, settings: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = False  # (AIGAQ_SSL_REDIRECT=0) else she only ever gets the redirect
    with serving(WSGIHandler(), PROXY) as port:
        statuses = [sign_in(port, VISITOR, f"guess{i}", "wrong guess", f"198.51.100.{i}") for i in range(21)]
    assert statuses[-1] == 429


# --- Configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["*", "nginx", "127.0.0.1,10.0.0.1", "127.0.0.0/8"])
def test_the_trusted_proxy_must_be_one_address_never_a_wildcard(monkeypatch: Any, value: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from aigaq.envconfig import envaddress

    monkeypatch.setenv("AIGAQ_TRUSTED_PROXY", value)
    with pytest.raises(ImproperlyConfigured, match="one IP address"):
        envaddress("AIGAQ_TRUSTED_PROXY")


def test_check_says_that_https_behind_a_proxy_needs_the_trusted_proxy(db: Any, settings: Any, capsys: Any) -> None:
    from django.core.management import CommandError, call_command

    settings.REQUIRE_2FA = True
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXY = None
    with pytest.raises(CommandError):
        call_command("aigaq_check")
    assert "AIGAQ_TRUSTED_PROXY is not set" in capsys.readouterr().err
    settings.TRUSTED_PROXY = "127.0.0.1"
    call_command("aigaq_check")
