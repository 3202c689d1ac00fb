"""Reads for evidence, on behalf of a user who already passed cases.access."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.hooks import EvidenceListing
from aigaq.cases.models import Case

from .models import EvidenceItem, EvidenceRevision

CUSTODY_ACTIONS = (Action.EVIDENCE_ADDED, Action.EVIDENCE_FROM_SURVIVOR, Action.EVIDENCE_DOWNLOADED,
                   Action.EVIDENCE_INTEGRITY_FAILED, Action.EVIDENCE_CHANGED, Action.EVIDENCE_BUNDLED)


@dataclass(frozen=True)
class EvidenceRow:
    item: EvidenceItem
    custody: list[AuditEntry]

    @property
    def revisions(self) -> list[EvidenceRevision]:
        """Its earlier descriptions, oldest first (prefetched by evidence_items)."""
        return list(self.item.revisions.all())


def evidence_items(case: Case) -> QuerySet[EvidenceItem]:
    return case.evidence.select_related("uploaded_by").prefetch_related("revisions__changed_by")


def evidence_with_custody(case: Case) -> list[EvidenceRow]:
    """Each file with its chain of custody, read from the hash-chained audit log (not a second
    copy), oldest first."""
    entries: dict[str, list[AuditEntry]] = {}
    for entry in AuditEntry.objects.filter(case_code=case.code, action__in=CUSTODY_ACTIONS).order_by("id"):
        entries.setdefault(entry.object_code, []).append(entry)
    return [EvidenceRow(item, entries.get(item.code, [])) for item in evidence_items(case)]


def evidence_row(case: Case, item: EvidenceItem) -> EvidenceRow:
    """One file with its chain of custody, for a case the user already passed cases.access."""
    custody = AuditEntry.objects.filter(case_code=case.code, object_code=item.code,
                                        action__in=CUSTODY_ACTIONS).order_by("id")
    return EvidenceRow(item, list(custody))


def evidence_listing(*, case: Case) -> list[EvidenceListing]:
    """Answers `cases.hooks.case_evidence`: the case's files as documents cite them."""
    return [
        EvidenceListing(code=item.code, title=item.title, filename=item.filename, sha256=item.sha256,
                        size=item.size, kind=item.kind, received_at=item.uploaded_at)
        for item in case.evidence.all()
    ]
