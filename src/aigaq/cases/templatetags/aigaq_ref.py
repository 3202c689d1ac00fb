"""Labels of reference codes in the active language."""

from __future__ import annotations

from django import template
from django.utils import translation

from aigaq import reference

register = template.Library()


def _lang() -> str:
    return (translation.get_language() or "kk")[:2]


@register.simple_tag
def region_label(code: str) -> str:
    region = reference.region(code or "")
    return region.label(_lang()) if region else (code or "")


@register.simple_tag
def city_label(code: str) -> str:
    city = reference.city(code or "")
    return city.label(_lang()) if city else (code or "")


@register.simple_tag
def ref_label(list_name: str, code: str) -> str:
    entries = getattr(reference, list_name)()
    return next((e.label(_lang()) for e in entries if e.code == code), code or "")
