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
    return reference.label_of(getattr(reference, list_name)(), code, _lang())


@register.simple_tag
def place_label(city_code: str, region_code: str) -> str:
    """"Oral, West Kazakhstan region"; a city that is itself a region is named once ("Astana")."""
    lang = _lang()
    city = reference.city(city_code or "")
    region = reference.region(region_code or "")
    parts = [city.label(lang)] if city else []
    if region and not (city and region.centre is None):
        parts.append(region.label(lang))
    return ", ".join(parts)
