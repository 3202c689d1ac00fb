"""The menu: the one way an app adds its pages to the navigation bar, so base.html never needs to
know which apps exist. Each app that has pages for some roles registers a provider from its
`AppConfig.ready()`; the provider gets the signed-in member and returns the links she may follow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import Membership


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str


NavProvider = Callable[[Membership], list[NavLink]]

_providers: list[NavProvider] = []


def register(provider: NavProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def links_for(member: Membership | None) -> list[NavLink]:
    if member is None:
        return []
    return [link for provider in _providers for link in provider(member)]
