"""The one filter every number, chart, export and report of a view goes through.

A `Filter` holds the organisations the user may see (never chosen by the request alone), the
incident period, an optional region and the breakdown dimension. Every metric starts from
`Filter.figures()`, so a chart cannot show a different population from the table or export
beside it.

The period is whole months, whatever asks for it (the form, `aigaq report`, a link typed by
hand): two exports whose periods differ by a day would single out the cases of that day, so a
`Filter` widens its dates to the first and the last day of their months.
"""

from __future__ import annotations

import calendar
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

from .figures import FUNNEL_LABELS, FUNNEL_STEPS
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

    def __post_init__(self) -> None:
        # Whole months only (module docstring); frozen, hence object.__setattr__.
        if self.since is not None:
            object.__setattr__(self, "since", month_start(self.since))
        if self.until is not None:
            object.__setattr__(self, "until", month_end(self.until))

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
            return f"{self.since:%Y-%m} – {self.until:%Y-%m}"
        if self.since:
            return _("from %(date)s") % {"date": f"{self.since:%Y-%m}"}
        if self.until:
            return _("until %(date)s") % {"date": f"{self.until:%Y-%m}"}
        return _("all years")

    def region_label(self) -> str:
        found = reference.region(self.region) if self.region else None
        return found.label(active_language()) if found else _("all regions")

    def organisation_label(self) -> str:
        return ", ".join(o.name for o in self.organisations)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """A year ("2025"), a range of years ("2024-2025"), two months ("2025-01..2025-06") or two
    dates ("2025-01-01..2025-06-30", widened to their whole months by the Filter), inclusive."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})\s*\.\.\s*(\d{4})-(\d{2})", text):
        try:
            since = dt.date(int(m.group(1)), int(m.group(2)), 1)
            until = month_end(dt.date(int(m.group(3)), int(m.group(4)), 1))
        except ValueError:
            raise ValueError(_("%(text)s is not a real pair of months") % {"text": text}) from None
        if since > until:
            raise ValueError(_("the period %(text)s ends before it starts") % {"text": text})
        return since, until
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
            "or two months (2025-01..2025-06)"
        )
        % {"text": text}
    )


class MonthField(forms.CharField):
    """A month, "2025-01" (what `<input type="month">` sends), as its first day. A date is taken
    as its month, so old links keep working; the Filter widens it to the whole month anyway."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month", "placeholder": "2025-01"}))
        kwargs.setdefault("help_text", gettext_lazy("A month, for example 2025-01: periods are whole months."))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", text.strip()[:20])
        if m is None or not 1900 <= int(m.group(1)) <= 2100 or not 1 <= int(m.group(2)) <= 12:
            raise forms.ValidationError(gettext_lazy("Write a month as, for example, 2025-01."), code="month")
        return dt.date(int(m.group(1)), int(m.group(2)), 1)


class FilterForm(GuardedForm):
    since = MonthField(label=gettext_lazy("Incidents from"), required=False)
    until = MonthField(label=gettext_lazy("Incidents until"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"), required=False)
    by = forms.ChoiceField(label=gettext_lazy("Break down by"), required=False, choices=BREAKDOWNS)
    # What the map of the regions is coloured by; it selects no cases, so it is not part of the Filter.
    map = forms.ChoiceField(
        label=gettext_lazy("Colour the map by"),
        required=False,
        choices=list(zip(FUNNEL_STEPS, FUNNEL_LABELS, strict=True)),
    )

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

    def map_figure(self) -> str:
        """The funnel step the map shows (figures.FUNNEL_STEPS): the incidents unless she chose another."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("map") or FUNNEL_STEPS[0]

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
