"""The flags of a case as the list and the case page show them (listing.shown_flags)."""

from __future__ import annotations

from django import template

from ..listing import shown_flags
from ..pathway import Derived

register = template.Library()


@register.simple_tag
def case_flags(derived: Derived, repeat: bool = False) -> list[tuple[str, str]]:
    return shown_flags(derived, bool(repeat))
