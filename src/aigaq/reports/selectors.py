"""Reads on survivors' reports, for the coordinators of the report's organisation only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role, User
from aigaq.cases.access import can_edit, visible_cases
from aigaq.cases.models import Case

from .models import Report

QUEUES = ("new", "case", "merged", "spam")


def report_queue(user: User, status: str = "new") -> QuerySet[Report]:
    """Her organisation's reports with that status, oldest first, so a flood of new ones cannot
    push a real report off the first page. Only plaintext columns are read (no decryption)."""
    member = current_member(user)
    if member is None or member.role != Role.COORDINATOR:
        return Report.objects.none()
    return (Report.objects.filter(organisation=member.organisation, status=status)
            .only("code", "created_at", "choice", "status", "case_code", "release", "organisation_id")
            .order_by("created_at", "id"))


def report_for_coordinator(user: User, code: str) -> Report:
    """Http404 unless she is a coordinator of the report's organisation."""
    member = current_member(user)
    if member is None or member.role != Role.COORDINATOR:
        raise Http404("No such report")
    report = Report.objects.filter(code=code, organisation=member.organisation).select_related("organisation").first()
    if report is None:
        raise Http404("No such report")
    return report


def case_to_merge_into(user: User, typed: str) -> Case | None:
    """The case she means by the code she typed (its 8 first characters as the case page shows
    them, or all of it), if she may add to it; else None, the same for a case she may not see
    as for no case at all."""
    typed = typed.strip().lower()
    if len(typed) < 8:
        return None
    found = list(visible_cases(user).filter(code__startswith=typed).select_related("organisation")[:2])
    if len(found) != 1 or not can_edit(user, found[0]):
        return None
    return found[0]
