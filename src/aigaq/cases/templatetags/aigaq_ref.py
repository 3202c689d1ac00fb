"""Labels of reference codes in the active language."""

from __future__ import annotations

from django import template

from aigaq import i18n, reference
from aigaq.i18n import active_language

register = template.Library()


@register.simple_tag
def region_label(code: str) -> str:
    region = reference.region(code or "")
    return region.label(active_language()) if region else (code or "")


@register.simple_tag
def city_label(code: str) -> str:
    city = reference.city(code or "")
    return city.label(active_language()) if city else (code or "")


@register.simple_tag
def ref_label(list_name: str, code: str) -> str:
    return i18n.label(getattr(reference, list_name)(), code)


@register.simple_tag
def place_label(city_code: str, region_code: str) -> str:
    """"Oral, West Kazakhstan region"; a city that is itself a region is named once ("Astana")."""
    lang = active_language()
    city = reference.city(city_code or "")
    region = reference.region(region_code or "")
    parts = [city.label(lang)] if city else []
    if region and not (city and region.centre is None):
        parts.append(region.label(lang))
    return ", ".join(parts)
