"""A coordinator's own .docx for a document: placeholders checked (unknown ones named, nothing
saved), then used for new documents of her organisation only; back to the built-in text."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.documents import services
from aigaq.documents.models import TemplateUpload

from ..conftest import client_for
from .conftest import KUI, OFFICER_WORDS, texts

pytestmark = pytest.mark.django_db
URL = "/documents/templates/"


def own_docx(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client: Client, data: bytes, template: str = "refusal_complaint", language: str = "ru") -> HttpResponse:
    return client.post(f"{URL}upload/", {"template": template, "language": language,
                                         "file": SimpleUploadedFile("mine.docx", data)})


def test_an_upload_with_unknown_placeholders_names_them_and_saves_nothing(cora: User) -> None:
    response = _upload(client_for(cora), own_docx("КУИ № {kui_number}", "{victim_name} и {kui_nomer}"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "{kui_nomer}" in body and "{victim_name}" in body and "{kui_number}," not in body
    assert not TemplateUpload.objects.exists()
    assert '<option value="refusal_complaint" selected>' in body  # what she chose is kept


def test_a_file_that_is_not_a_docx_is_refused(cora: User) -> None:
    assert _upload(client_for(cora), b"%PDF-1.7 not a docx").status_code == 400
    assert not TemplateUpload.objects.exists()


def test_new_documents_use_her_own_template_filled_from_the_record(cora: User, record_case: Case) -> None:
    assert _upload(client_for(cora), own_docx("Наша жалоба. КУИ № {kui_number}.", "Слова: {officer_words}",
                                              "{events}")).status_code == 302
    entry = AuditEntry.objects.get(action=Action.TEMPLATE_CHANGED)
    assert entry.extra["placeholders"] == ["events", "kui_number", "officer_words"]
    document = services.document_generate(actor=cora, case=record_case, template_key="refusal_complaint",
                                          language="ru")
    for text in texts(document, cora):
        assert "Наша жалоба." in text and f"КУИ № {KUI}" in text and OFFICER_WORDS in text
        assert "05.05.2025 14:30" in text  # one paragraph per event
        assert "Не проверено" in text  # the unverified footer is added to her own text too
    # Another language still uses the built-in text.
    kk = services.document_generate(actor=cora, case=record_case, template_key="refusal_complaint",
                                    language="kk")
    assert "Наша жалоба." not in texts(kk, cora)[0]


def test_going_back_to_the_built_in_text(cora: User, record_case: Case) -> None:
    client = client_for(cora)
    _upload(client, own_docx("Наша жалоба. {kui_number}"))
    assert client.post(f"{URL}refusal_complaint/ru/reset/").status_code == 302
    assert not TemplateUpload.objects.exists()
    document = services.document_generate(actor=cora, case=record_case, template_key="refusal_complaint",
                                          language="ru")
    assert "Наша жалоба." not in texts(document, cora)[0]


def test_the_built_in_text_downloads_with_its_placeholders(cora: User) -> None:
    from .conftest import docx_text

    response = client_for(cora).get(f"{URL}refusal_complaint/kk/starter/")
    assert response.status_code == 200 and "{officer_words}" in docx_text(response.content)


def test_only_a_coordinator_changes_templates(bob: User, alice: User, olga: User, cora: User) -> None:
    for user in (bob, alice):
        client = client_for(user)
        assert client.get(URL).status_code == 404
        assert _upload(client, own_docx("x {kui_number}")).status_code == 404
    assert not TemplateUpload.objects.exists()
    _upload(client_for(olga), own_docx("Oral {kui_number}"))
    assert "your own ·" not in client_for(cora).get(URL).content.decode()  # another organisation's upload
