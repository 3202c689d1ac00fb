"""An evidence file's description is corrected, never silently overwritten: the earlier one stays in
the file's history with who corrected it, when and why; the audit names the field, not its values."""

from __future__ import annotations

import pytest

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.evidence import services
from aigaq.evidence.models import EvidenceItem, EvidenceRevision

from ..conftest import client_for


@pytest.fixture
def item(alice: User, case: Case) -> EvidenceItem:
    return services.evidence_add(actor=alice, case=case, filename="chat.txt", data=b"messages",
                                 title="Screenshot of his messages")


def test_a_correction_keeps_the_earlier_description_in_the_history(
    alice: User, case: Case, item: EvidenceItem
) -> None:
    services.evidence_describe(actor=alice, item=item, title="His messages of 3 May", reason="Wrong date.")
    item.refresh_from_db()
    assert item.title == "His messages of 3 May"
    [revision] = EvidenceRevision.objects.filter(item=item)
    assert (revision.title, revision.reason, revision.changed_by) == ("Screenshot of his messages", "Wrong date.",
                                                                      alice)
    body = client_for(alice).get(f"/cases/{case.code}/evidence/").content.decode()
    assert "<del>Screenshot of his messages</del>" in body and "Wrong date." in body


def test_the_audit_names_the_field_and_not_the_descriptions(alice: User, item: EvidenceItem) -> None:
    services.evidence_describe(actor=alice, item=item, title="Secret-title-9", reason="Secret-reason-9")
    entry = AuditEntry.objects.get(action=Action.EVIDENCE_CHANGED)
    assert (entry.object_code, entry.extra) == (item.code, {"fields": ["title"]})
    assert "Secret" not in str(entry.extra)


def test_the_earlier_description_and_the_reason_are_stored_sealed(alice: User, item: EvidenceItem) -> None:
    services.evidence_describe(actor=alice, item=item, title="New", reason="Sealed-reason-1")
    raw = EvidenceRevision.objects.values_list("title", "reason").get()
    assert all(v and "Sealed-reason" not in v and "Screenshot" not in v for v in raw)


def test_a_correction_without_a_reason_is_refused_and_keeps_what_she_typed(
    alice: User, case: Case, item: EvidenceItem
) -> None:
    response = client_for(alice).post(f"/cases/{case.code}/evidence/{item.code}/describe/",
                                      {f"describe-{item.code}-title": "Typed description"})
    assert response.status_code == 400
    assert "Typed description" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Screenshot of his messages" and not EvidenceRevision.objects.exists()


def test_the_correction_form_saves_and_goes_back_to_the_files(alice: User, case: Case, item: EvidenceItem) -> None:
    response = client_for(alice).post(f"/cases/{case.code}/evidence/{item.code}/describe/", {
        f"describe-{item.code}-title": "Corrected", f"describe-{item.code}-reason": "Typo."})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.code}/evidence/"
    item.refresh_from_db()
    assert item.title == "Corrected"


def test_another_organisation_cannot_correct_a_description(olga: User, case: Case, item: EvidenceItem) -> None:
    response = client_for(olga).post(f"/cases/{case.code}/evidence/{item.code}/describe/", {
        f"describe-{item.code}-title": "Changed", f"describe-{item.code}-reason": "x"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.title == "Screenshot of his messages"
