"""The network's wire format: JSON bodies over HTTP(S), every request signed (lib.crypto.signing).

Pure Python (urllib), shared by the member side, the hub and the key service. See docs/network.md
for the messages themselves.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from aigaq.lib.crypto.signing import sign_request

TIMEOUT_SECONDS = 20
MAX_BODY_BYTES = 8 * 1024 * 1024


class NetworkError(Exception):
    """A request that did not get a good answer: the peer said no (`code` from its JSON), or it
    could not be reached (`code` "unreachable"). `retry_after` is set on rate limits."""

    def __init__(self, code: str, *, status: int = 0, retry_after: int = 0) -> None:
        super().__init__(f"{code} (HTTP {status})" if status else code)
        self.code = code
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Identity:
    """Who we are to a peer: the name we sign as and our signing key (32 raw bytes)."""

    sender: str
    private_key: bytes


def encode(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def decode(raw: bytes) -> Any:
    if len(raw) > MAX_BODY_BYTES:
        raise NetworkError("too_large")
    try:
        return json.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NetworkError("bad_request") from None


def call(base_url: str, method: str, path: str, body: Any = None, *, identity: Identity | None = None) -> Any:
    """One request; the decoded JSON answer, or NetworkError."""
    data = b"" if body is None else encode(body)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if identity is not None:
        headers |= sign_request(private_key=identity.private_key, sender=identity.sender, method=method,
                                path=path, body=data)
    url = base_url.rstrip("/") + path
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise NetworkError("bad_url")
    request = urllib.request.Request(url, data=data if method != "GET" else None,  # noqa: S310 - http(s) only
                                     method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) only
            return decode(response.read(MAX_BODY_BYTES + 1))
    except urllib.error.HTTPError as exc:
        answer = {}
        with contextlib.suppress(NetworkError):
            answer = decode(exc.read(MAX_BODY_BYTES + 1))
        code = answer.get("error", "http_error") if isinstance(answer, dict) else "http_error"
        retry = int(answer.get("retry_after", 0)) if isinstance(answer, dict) else 0
        raise NetworkError(str(code), status=exc.code, retry_after=retry) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise NetworkError("unreachable") from exc
