"""The one filter every number, chart, export and report of a view goes through.

A `Filter` holds the organisations the user may see (never chosen by the request alone), the
incident period, an optional region and the breakdown dimension. Every metric starts from
`Filter.figures()`, so a chart cannot show a different population from the table or export
beside it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aigaq import reference
from aigaq.accounts.models import Organisation
from aigaq.formats.text import GuardedForm
from aigaq.i18n import active_language

from .models import CaseFigures
from .rollup import Tallied, tally

BREAKDOWNS: tuple[tuple[str, Any], ...] = (
    ("year", gettext_lazy("Year")),
    ("region", gettext_lazy("Region")),
    ("area", gettext_lazy("Urban or rural")),
    ("gbv_type", gettext_lazy("Type of violence (GBVIMS)")),
)


@dataclass(frozen=True)
class Filter:
    organisations: tuple[Organisation, ...]
    since: dt.date | None = None
    until: dt.date | None = None
    region: str = ""
    by: str = "year"

    def figures(self) -> QuerySet[CaseFigures]:
        rows = CaseFigures.objects.filter(organisation_id__in=[o.pk for o in self.organisations])
        if self.since:
            rows = rows.filter(incident_date__gte=self.since)
        if self.until:
            rows = rows.filter(incident_date__lte=self.until)
        if self.region:
            rows = rows.filter(region=self.region)
        return rows

    def tally(self, measure: str, *, keys: list[str] | None = None) -> list[Tallied]:
        """A measure of `rollup.MEASURES` over this filter, grouped by the breakdown."""
        return tally(self.organisations, self.since, self.until, self.region, self.by, measure, keys=keys)

    def period_label(self) -> str:
        if self.since and self.until:
            return f"{self.since:%Y-%m-%d} – {self.until:%Y-%m-%d}"
        if self.since:
            return _("from %(date)s") % {"date": f"{self.since:%Y-%m-%d}"}
        if self.until:
            return _("until %(date)s") % {"date": f"{self.until:%Y-%m-%d}"}
        return _("all years")

    def region_label(self) -> str:
        found = reference.region(self.region) if self.region else None
        return found.label(active_language()) if found else _("all regions")

    def organisation_label(self) -> str:
        return ", ".join(o.name for o in self.organisations)


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """A year ("2025"), a range of years ("2024-2025") or two dates ("2025-01-01..2025-06-30"), inclusive."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", text):
        first, last = int(m.group(1)), int(m.group(2))
        if first > last:
            raise ValueError(_("the period %(text)s ends before it starts") % {"text": text})
        return dt.date(first, 1, 1), dt.date(last, 12, 31)
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", text):
        try:
            since, until = dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
        except ValueError:
            raise ValueError(_("%(text)s is not a real pair of dates") % {"text": text}) from None
        if since > until:
            raise ValueError(_("the period %(text)s ends before it starts") % {"text": text})
        return since, until
    raise ValueError(
        _(
            "cannot read the period %(text)s: write a year (2025), a range of years (2024-2025) "
            "or two dates (2025-01-01..2025-06-30)"
        )
        % {"text": text}
    )


class FilterForm(GuardedForm):
    since = forms.DateField(
        label=gettext_lazy("Incidents from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Incidents until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"), required=False)
    by = forms.ChoiceField(label=gettext_lazy("Break down by"), required=False, choices=BREAKDOWNS)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = organisations
        lang = active_language()
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            ("", _("All regions")),
            *reference.choices(reference.regions(), lang),
        ]
        choices = [(o.code, o.name) for o in organisations]
        cast(forms.ChoiceField, self.fields["organisation"]).choices = (
            [("", _("All my organisations")), *choices] if len(choices) > 1 else choices
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        return data

    def to_filter(self) -> Filter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        code = data.get("organisation") or ""
        chosen = tuple(o for o in self.allowed if not code or o.code == code)
        return Filter(
            organisations=chosen,
            since=data.get("since"),
            until=data.get("until"),
            region=data.get("region") or "",
            by=data.get("by") or "year",
        )
