"""The audit log for coordinators: who opened or changed which case, and when.

It lives in accounts, not in aigaq.audit: the audit app records and verifies entries for every app
(layer 2, below accounts), while this page is for a role that accounts defines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aigaq.audit.log import verify
from aigaq.audit.models import Action, AuditEntry
from aigaq.formats.text import GuardedForm

from .decorators import coordinator_required
from .members import acting_member
from .models import Membership, Role
from .nav import NavLink


def audit_link(member: Membership) -> list[NavLink]:
    if member.role != Role.COORDINATOR:
        return []
    return [NavLink(url=reverse("audit:log"), label=_("Audit log"))]


def audit_entries(
    member: Membership,
    *,
    user: str = "",
    case: str = "",
    action: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Her organisation's entries, newest first. Only a coordinator reads the log."""
    if member.role != Role.COORDINATOR:
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.filter(organisation_code=member.organisation.code)
    if user:
        entries = entries.filter(actor__code=user)
    if case:
        # People read case codes as the first 8 characters in capitals (Case.short_code).
        entries = entries.filter(case_code__startswith=case.strip().lower())
    if action is not None:
        entries = entries.filter(action=action)
    zone = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone))
    if until:
        next_day = until + dt.timedelta(days=1)
        entries = entries.filter(at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=zone))
    return entries.order_by("-id")


class AuditFilterForm(GuardedForm):
    user = forms.ChoiceField(label=gettext_lazy("Who"), required=False)
    case = forms.CharField(label=gettext_lazy("Case"), required=False, max_length=32,
                           help_text=gettext_lazy("The case number, or its first characters"))
    action = forms.TypedChoiceField(label=gettext_lazy("What"), required=False, coerce=int, empty_value=None)
    since = forms.DateField(label=gettext_lazy("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Membership.objects.filter(organisation=member.organisation).select_related("user")
        user_field: Any = self.fields["user"]
        people_choices = sorted(((m.user.code, m.user.get_username()) for m in people), key=lambda c: c[1])
        user_field.choices = [("", "—"), *people_choices]
        action_field: Any = self.fields["action"]
        action_field.choices = [("", "—"), *Action.choices]

    def clean_case(self) -> str:
        value: str = self.cleaned_data["case"]
        if value and not value.strip().isalnum():
            raise forms.ValidationError(_("A case number has only letters and digits."), code="case")
        return value.strip()


@require_GET
@coordinator_required
def audit_log(request: HttpRequest) -> HttpResponse:
    member = acting_member(request.user)
    form = AuditFilterForm(request.GET or None, member=member)
    valid = not form.is_bound or form.is_valid()
    entries = audit_entries(member, **(form.cleaned_data if form.is_bound and valid else {}))
    if not valid:
        entries = entries.none()
    page = Paginator(entries.select_related("actor"), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})


@require_POST
@coordinator_required
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Checks the whole chain (every organisation's entries: a break anywhere matters to all);
    shows only entry numbers and reasons, never other organisations' entries."""
    problems = list(verify())
    return render(request, "audit/verify.html", {"problems": problems}, status=200)
