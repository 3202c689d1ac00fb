"""How `aigaq serve` runs waitress behind the reverse proxy (docs/deploy.md, deploy/nginx/aigaq.conf).

nginx connects from AIGAQ_TRUSTED_PROXY and sets two headers: X-Forwarded-For (the visitor's
address, which the rate limits key on) and X-Forwarded-Proto (https, which the HTTPS redirect, HSTS
and the CSRF check rely on). Waitress believes them only from that peer: it then rewrites
REMOTE_ADDR and wsgi.url_scheme, and from any other peer it drops them, so a visitor who reaches
the port directly can neither pick her address nor pass for HTTPS."""

from __future__ import annotations

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
