"""The documents page and the case page's block: a lawyer makes a document and downloads it; her
legal name goes in only after step-up; another organisation, and a caseworker, cannot make one."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.documents.models import GeneratedDocument

from ..conftest import PASSWORD, client_for
from .conftest import KUI, LEGAL_NAME, docx_text, pdf_text

pytestmark = pytest.mark.django_db


def _make(client: Client, case: Case, **extra: str) -> HttpResponse:
    return client.post(f"/cases/{case.code}/documents/make/",
                       {"template": "refusal_complaint", "language": "ru", **extra})


def test_a_lawyer_makes_a_document_and_the_case_page_lists_it_with_who_and_when(
    bob: User, record_case: Case
) -> None:
    client = client_for(bob)
    assert _make(client, record_case).status_code == 302
    document = GeneratedDocument.objects.get()
    assert (document.made_by, document.with_name) == (bob, False)
    body = client.get(f"/cases/{record_case.code}/").content.decode()
    assert "Complaint about the refusal or failure to register a report" in body and ">bob<" in body
    response = client.get(f"/cases/{record_case.code}/documents/{document.code}/docx/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert KUI in docx_text(response.content) and LEGAL_NAME not in docx_text(response.content)
    assert AuditEntry.objects.filter(action=Action.DOCUMENT_DOWNLOADED, object_code=document.code).exists()


def test_her_legal_name_needs_step_up_and_then_goes_into_the_document(bob: User, record_case: Case) -> None:
    client = client_for(bob)
    confirm = _make(client, record_case, with_name="on")
    assert confirm.status_code == 200 and b'name="step_up_password"' in confirm.content
    assert not GeneratedDocument.objects.exists()
    done = client.post(f"/cases/{record_case.code}/documents/make/", {
        "template": "refusal_complaint", "language": "ru", "with_name": "on",
        "step_up_method": "POST", "step_up_password": PASSWORD})
    assert done.status_code == 302
    document = GeneratedDocument.objects.get()
    assert document.with_name
    pdf = client.get(f"/cases/{record_case.code}/documents/{document.code}/pdf/").content
    assert LEGAL_NAME in pdf_text(pdf)


def test_another_organisation_gets_404_for_the_page_making_and_the_files(
    bob: User, olga: User, record_case: Case
) -> None:
    _make(client_for(bob), record_case)
    document = GeneratedDocument.objects.get()
    outsider = client_for(olga)
    assert outsider.get(f"/cases/{record_case.code}/documents/").status_code == 404
    assert _make(outsider, record_case).status_code == 404
    for fmt in ("docx", "pdf"):
        assert outsider.get(f"/cases/{record_case.code}/documents/{document.code}/{fmt}/").status_code == 404
    assert GeneratedDocument.objects.count() == 1


def test_a_caseworker_sees_the_documents_but_cannot_make_one(alice: User, record_case: Case) -> None:
    client = client_for(alice)
    page = client.get(f"/cases/{record_case.code}/documents/")
    assert page.status_code == 200 and b"/documents/make/" not in page.content
    assert _make(client, record_case).status_code == 404
    assert not GeneratedDocument.objects.exists()


def test_an_unknown_template_is_refused_and_keeps_the_chosen_language(cora: User, record_case: Case) -> None:
    response = client_for(cora).post(f"/cases/{record_case.code}/documents/make/",
                                     {"template": "nonexistent", "language": "kk"})
    assert response.status_code == 400 and not GeneratedDocument.objects.exists()
    assert b'<option value="kk" selected>' in response.content


def test_the_case_page_offers_making_a_document_only_to_those_who_may(
    alice: User, bob: User, record_case: Case
) -> None:
    assert "Make a document" in client_for(bob).get(f"/cases/{record_case.code}/").content.decode()
    body = client_for(alice).get(f"/cases/{record_case.code}/").content.decode()
    assert "Make a document" not in body and "Open the documents" in body
