"""Reads of insights, on behalf of a coordinator or an analyst: the filter she may set, and the
dashboard for it."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.utils.safestring import SafeString

from .access import check_scope, organisations_for
from .charts import section_charts
from .filters import Filter, FilterForm
from .metrics import Section, all_sections
from .regionmap import RegionMap, region_map


@dataclass(frozen=True)
class FilterChoice:
    form: FilterForm
    filter: Filter  # the form's filter, over the organisations she may see only

    @property
    def invalid(self) -> bool:
        return self.form.is_bound and not self.form.is_valid()


@dataclass(frozen=True)
class Dashboard:
    sections: list[Section]
    charts: dict[str, SafeString]  # each chart's SVG, by its key
    region_map: RegionMap


def filter_choice(user: AbstractBaseUser | AnonymousUser, *, data: QueryDict) -> FilterChoice:
    """The filter form as she filled it in (unbound when she did not), and the filter it sets."""
    form = FilterForm(data or None, organisations=organisations_for(user))
    return FilterChoice(form, form.to_filter())


def dashboard(user: AbstractBaseUser | AnonymousUser, *, f: Filter, figure: str = "incident") -> Dashboard:
    """The dashboard's sections, charts and map (coloured by the funnel step `figure`)."""
    check_scope(user, f)
    sections = all_sections(f)
    return Dashboard(sections, section_charts(sections), region_map(f, figure=figure, sections=sections))
