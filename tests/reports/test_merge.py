"""A coordinator adds a survivor's report to an existing case: its facts as a note, the man she
names as a new suspect or added to one, her files as evidence submitted by the survivor; audited;
never a case she cannot write to, never a sealed report before the survivor's "yes"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aigaq.accounts.models import Organisation, User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case, Note, Suspect
from aigaq.evidence.models import EvidenceItem
from aigaq.reports import services
from aigaq.reports.models import Report

from ..conftest import client_for
from .helpers import ACCOUNT, HIS_NAME, send_report
from .test_attachments import photo

pytestmark = pytest.mark.django_db


def _merge(client: Client, report: Report, case: Case, suspect: str = "new", confirm: bool = True) -> object:
    data = {"step": "confirm", "merge-case": case.code, "merge-suspect": suspect}
    if confirm:
        data["merge-confirm"] = "on"
    return client.post(f"/report/queue/{report.code}/merge/", data)


def test_a_report_is_added_to_a_case_as_a_note_a_suspect_and_evidence(
        org: Organisation, cora: User, case: Case) -> None:
    send_report(org, attachment=SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg"))
    report = Report.objects.get()
    coordinator = client_for(cora)
    assert coordinator.get(f"/report/queue/{report.code}/merge/").status_code == 200
    page = coordinator.post(f"/report/queue/{report.code}/merge/", {"merge-case": case.short_code})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="merge-note"' in text and ACCOUNT in text and "photo.jpg" in text and "new suspect" in text
    assert not Note.objects.filter(case=case).exists()  # nothing is added before she confirms
    response = _merge(coordinator, report, case)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.code}/"
    note = Note.objects.get(case=case)
    assert ACCOUNT in note.text and report.short_code in note.text
    assert case.suspects.count() == 2
    assert any(s.full_name == HIS_NAME for s in case.suspects.all())
    item = EvidenceItem.objects.get(case=case)
    assert item.filename == "photo.jpg" and item.metadata_removed
    first = AuditEntry.objects.filter(object_code=item.code).order_by("id").first()
    assert first is not None and first.action == Action.EVIDENCE_FROM_SURVIVOR
    report = Report.objects.get(pk=report.pk)
    assert report.status == Report.Status.MERGED and report.case_code == case.code
    entry = AuditEntry.objects.get(action=Action.REPORT_MERGED)
    assert entry.case_code == case.code and entry.object_code == report.code
    assert ACCOUNT not in str(entry.extra) and HIS_NAME not in str(entry.extra)


def test_his_identifiers_are_added_to_the_suspect_she_confirms(org: Organisation, cora: User, case: Case) -> None:
    send_report(org)
    report = Report.objects.get()
    suspect = case.suspects.get()
    assert _merge(client_for(cora), report, case, suspect=suspect.code).status_code == 302
    suspect = Suspect.objects.get(pk=suspect.pk)
    assert case.suspects.count() == 1
    assert "+7 701 999 12 34" in suspect.phones and "8 (701) 555-12-34" in suspect.phones
    assert HIS_NAME in suspect.aliases and suspect.full_name == "Жәнібек Сейітов"
    assert "@erlan_k" in suspect.handles


def test_nothing_is_added_without_the_confirmation(org: Organisation, cora: User, case: Case) -> None:
    send_report(org)
    report = Report.objects.get()
    assert _merge(client_for(cora), report, case, confirm=False).status_code == 400
    assert not Note.objects.filter(case=case).exists() and Report.objects.get().status == "new"


def test_her_contact_goes_into_the_note_only_if_she_chose_to_be_contacted(
        org: Organisation, cora: User, case: Case, make_case: Callable[..., Case], alice: User) -> None:
    send_report(org, choice="record")
    send_report(org)  # choice (b)
    recorded, contact = Report.objects.order_by("created_at", "id")
    _merge(client_for(cora), recorded, case, suspect="none")
    other = make_case(alice)
    _merge(client_for(cora), contact, other, suspect="none")
    assert "705 111 22 33" not in Note.objects.get(case=case).text
    assert "705 111 22 33" in Note.objects.get(case=other).text


def test_a_sealed_report_cannot_be_merged_before_her_yes(org: Organisation, cora: User, case: Case) -> None:
    send_report(org, choice="sealed", contact_way="none", contact_details="")
    report = Report.objects.get()
    coordinator = client_for(cora)
    assert coordinator.get(f"/report/queue/{report.code}/merge/").status_code == 404
    assert _merge(coordinator, report, case).status_code == 404
    with pytest.raises(PermissionError):
        services.report_merge(actor=cora, report=report, case=case)
    assert not Note.objects.filter(case=case).exists() and Report.objects.get().status == "new"


def test_a_case_of_another_organisation_is_not_found(
        org: Organisation, cora: User, olga: User, make_case: Callable[..., Case]) -> None:
    theirs = make_case(olga)
    send_report(org)
    report = Report.objects.get()
    coordinator = client_for(cora)
    page = coordinator.post(f"/report/queue/{report.code}/merge/", {"merge-case": theirs.short_code})
    assert page.status_code == 400 and "No case you can add to has this code" in page.content.decode()
    assert _merge(coordinator, report, theirs).status_code == 404
    with pytest.raises(PermissionError):
        services.report_merge(actor=cora, report=report, case=theirs)
    assert not Note.objects.filter(case=theirs).exists() and Report.objects.get().status == "new"


def test_outsiders_cannot_merge_a_report(org: Organisation, olga: User, alice: User, case: Case) -> None:
    send_report(org)
    report = Report.objects.get()
    for user in (olga, alice):  # a coordinator of another organisation; a caseworker on the case
        client = client_for(user)
        assert client.get(f"/report/queue/{report.code}/merge/").status_code == 404
        assert _merge(client, report, case).status_code == 404
    assert not Note.objects.filter(case=case).exists() and Report.objects.get().status == "new"


def test_a_merged_report_leaves_the_new_queue_and_is_not_merged_twice(
        org: Organisation, cora: User, case: Case) -> None:
    send_report(org)
    report = Report.objects.get()
    coordinator = client_for(cora)
    _merge(coordinator, report, case, suspect="none")
    assert report.short_code not in coordinator.get("/report/queue/").content.decode()
    assert report.short_code in coordinator.get("/report/queue/?show=merged").content.decode()
    again = coordinator.get(f"/report/queue/{report.code}/merge/")
    assert again.status_code == 302 and again["Location"] == f"/cases/{case.code}/"
    assert coordinator.get(f"/report/queue/{report.code}/case/").status_code == 302
    with pytest.raises(services.AlreadyHandled):
        services.report_merge(actor=cora, report=Report.objects.get(), case=case)
    assert Note.objects.filter(case=case).count() == 1
