"""Labels of reference codes in the active language."""

from __future__ import annotations

from django import template

from aigaq import i18n, reference

register = template.Library()


@register.simple_tag
def region_label(code: str) -> str:
    return i18n.label(reference.regions(), code or "")


@register.simple_tag
def place_label(city_code: str, region_code: str) -> str:
    """"Oral, West Kazakhstan region"; a city that is itself a region is named once ("Astana")."""
    lang = i18n.active_language()
    city = reference.city(city_code or "")
    region = reference.region(region_code or "")
    parts = [city.label(lang)] if city else []
    if region and not (city and region.centre is None):
        parts.append(region.label(lang))
    return ", ".join(parts)
