"""What the application sees of a request, behind TrustedProxy, for tests/deploy/test_gunicorn.py
(gunicorn imports it by name in its own process)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

from aigaq.ops.serving import TrustedProxy


def echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    seen = {k: v for k, v in environ.items() if k.startswith("HTTP_") or k in ("REMOTE_ADDR", "wsgi.url_scheme")}
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(seen).encode()]


application = TrustedProxy(echo, os.environ.get("ECHO_TRUSTED_PROXY") or None)
