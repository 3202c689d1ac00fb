"""The one error the hub answers with: a protocol error code (docs/network.md) and its status."""

from __future__ import annotations


class HubError(Exception):
    """A request the hub refuses; the view answers {"error": code} with `status`."""

    def __init__(self, code: str, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
