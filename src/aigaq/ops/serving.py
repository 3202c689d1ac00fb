"""How `aigaq serve` runs behind the reverse proxy (docs/deploy.md, deploy/nginx/aigaq.conf).

nginx connects from AIGAQ_TRUSTED_PROXY and sets two headers: X-Forwarded-For (the visitor's
address, which the rate limits key on) and X-Forwarded-Proto (https, which the HTTPS redirect, HSTS
and the CSRF check rely on). They are believed only from that peer: REMOTE_ADDR and
wsgi.url_scheme are then rewritten, and from any other peer they are dropped, so a visitor who
reaches the port directly can neither pick her address nor pass for HTTPS. Under gunicorn (the
default server) `TrustedProxy` below does this, gunicorn itself trusting no peer's headers; under
waitress (`--server waitress`) waitress does it with `proxy_options`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

# The two headers deploy/nginx/aigaq.conf sets; waitress drops every other proxy header
# (Forwarded, X-Forwarded-Host, -Port, -By) even from the proxy.
PROXY_HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto"})


def proxy_options(trusted_proxy: str | None) -> dict[str, Any]:
    """waitress.serve's keyword arguments for the proxy headers: without a trusted proxy, every
    peer's are dropped."""
    if not trusted_proxy:
        return {"clear_untrusted_proxy_headers": True}
    return {
        "trusted_proxy": trusted_proxy,
        "trusted_proxy_headers": set(PROXY_HEADERS),
        # The last address in X-Forwarded-For is the one the trusted proxy itself saw: any address
        # the visitor wrote in front of it is ignored.
        "trusted_proxy_count": 1,
        "clear_untrusted_proxy_headers": True,
    }


# Every header a proxy could use to claim an address, a scheme, a host or a port: dropped from
# every request but the two above from the trusted proxy.
_PROXY_ENVIRON = ("HTTP_FORWARDED", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                  "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_BY", "HTTP_X_FORWARDED_SCHEME", "HTTP_X_FORWARDED_SSL",
                  "HTTP_X_REAL_IP")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class TrustedProxy:
    """WSGI middleware with waitress's rule for the proxy headers, for any server: from the trusted
    proxy, the last X-Forwarded-For address becomes REMOTE_ADDR (the one the proxy itself saw: any
    address the visitor wrote in front of it is ignored) and X-Forwarded-Proto (http or https) the
    scheme; every other proxy header is dropped, and from every other peer all of them are."""

    def __init__(self, app: WSGIApp, trusted_proxy: str | None) -> None:
        self.app = app
        self.trusted_proxy = trusted_proxy or None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "")
        proto = environ.get("HTTP_X_FORWARDED_PROTO", "").strip().lower()
        trusted = self.trusted_proxy is not None and environ.get("REMOTE_ADDR") == self.trusted_proxy
        for key in _PROXY_ENVIRON:
            environ.pop(key, None)
        if trusted:
            address = forwarded_for.split(",")[-1].strip()
            if address:
                environ["REMOTE_ADDR"] = address
                environ["HTTP_X_FORWARDED_FOR"] = address
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
                environ["HTTP_X_FORWARDED_PROTO"] = proto
        return self.app(environ, start_response)


def refresh_query_statistics() -> None:
    """Gives SQLite's query planner the tables' statistics (ANALYZE, sampled: well under a second at
    100,000 cases), as `aigaq serve` does at each start. Without them SQLite takes one
    organisation's cases for a handful of rows and answers a search by walking all of them in list
    order (100,000 cases: 30 ms instead of 1 ms, docs/benchmarks.md "Web"). PostgreSQL's autovacuum
    keeps its own statistics."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
