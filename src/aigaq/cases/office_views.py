"""The coordinator's "Offices to map" page: names written for "other" in the pathway's office
fields, each with a list of the offices of its kind to map it onto."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aigaq.accounts.decorators import coordinator_required
from aigaq.accounts.models import Membership, Role, User
from aigaq.accounts.nav import NavLink
from aigaq.formats.text import GuardedForm
from aigaq.i18n import active_language

from . import office_map, offices
from .pathway import SPECS

KIND_LABELS = {f.choices: f.label for spec in SPECS.values() for f in spec.fields if f.kind == "office"}


def nav_links(member: Membership) -> list[NavLink]:
    if member.role != Role.COORDINATOR:
        return []
    return [NavLink(url=reverse("cases:offices_to_map"), label=_("Offices to map"))]


class OfficeMapForm(GuardedForm):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    office = forms.ChoiceField(label=gettext_lazy("The office it is"))

    def __init__(self, *args: object, row: office_map.Unmapped, **kwargs: object) -> None:
        kwargs.setdefault("prefix", f"map-{row.key}")
        kwargs.setdefault("initial", {"key": row.key})
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *offices.grouped_choices(row.kind, row.region, active_language())]
        suggestion = offices.best_match(row.text, kind=row.kind, region=row.region)
        if suggestion is not None and not self.is_bound:
            self.initial["office"] = suggestion.code


@require_http_methods(["GET", "POST"])
@coordinator_required
def offices_to_map(request: HttpRequest) -> HttpResponse:
    actor = cast(User, request.user)
    rows = office_map.offices_to_map(actor)
    entries = []
    invalid = False
    for row in rows:
        prefix = f"map-{row.key}"
        bound = request.method == "POST" and request.POST.get(f"{prefix}-key") == row.key
        form = OfficeMapForm(request.POST if bound else None, row=row)
        if bound:
            if form.is_valid():
                count = office_map.office_map(actor=actor, key=row.key, code=form.cleaned_data["office"])
                messages.success(request, _("Mapped. Events that now name this office: %(count)s.") % {"count": count})
                return redirect("cases:offices_to_map")
            invalid = True
        entries.append({"row": row, "form": form, "kind": KIND_LABELS.get(row.kind, row.kind)})
    if invalid:
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "cases/offices_to_map.html", {"entries": entries},
                  status=400 if invalid else 200)
