"""A lawyer's document is filled from the record: the KUI and ERDR numbers, the dates and times,
the articles, the officer's words and the evidence with its hash, in the .docx and in the PDF, in
Kazakh and in Russian; her legal name only after step-up; names declined in Kazakh and Russian; unverified
legal bases named in the footer."""

from __future__ import annotations

import hashlib

import pytest

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.documents import services
from aigaq.documents.catalogue import templates
from aigaq.documents.models import GeneratedDocument

from .conftest import ERDR, KUI, LEGAL_NAME, OFFICER_WORDS, texts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_refusal_complaint_holds_the_numbers_the_dates_the_officers_words_and_the_evidence_hash(
    bob: User, record_case: Case, lang: str
) -> None:
    document = services.document_generate(actor=bob, case=record_case, template_key="refusal_complaint",
                                          language=lang)
    digest = hashlib.sha256(b"his messages").hexdigest()
    for text in texts(document, bob):
        assert "05.05.2025 14:30" in text and "04.05.2025" in text
        assert OFFICER_WORDS in text and "Капитан Ермеков" in text
        assert digest in text
        assert KUI in text and ERDR in text  # the events list names them through the registration


@pytest.mark.parametrize(("lang", "article"), [("kk", "ҚР ҚК 120-бабы"), ("ru", "ст. 120 УК РК")])
def test_the_requalification_complaint_names_both_articles_and_the_numbers(
    bob: User, record_case: Case, lang: str, article: str
) -> None:
    document = services.document_generate(actor=bob, case=record_case, template_key="requalification_complaint",
                                          language=lang)
    cao = {"kk": "ӘҚБтК 434-бабы", "ru": "ст. 434 КоАП РК"}[lang]
    for text in texts(document, bob):
        assert article in text and cao in text
        assert f"№ {KUI}" in text and f"№ {ERDR}" in text
        assert "12.05.2025" in text and "02.06.2025" in text


def test_without_step_up_her_name_is_a_placeholder(bob: User, record_case: Case) -> None:
    document = services.document_generate(actor=bob, case=record_case, template_key="refusal_complaint",
                                          language="ru")
    for text in texts(document, bob):
        assert LEGAL_NAME not in text and "Нұрланқызы" not in text
        assert "[ФИО пострадавшей]" in text


def test_with_her_name_revealed_it_is_written_and_declined_in_kazakh(bob: User, record_case: Case) -> None:
    document = services.document_generate(actor=bob, case=record_case, template_key="protection_request",
                                          language="kk", with_name=True)
    for text in texts(document, bob):
        assert f"Өтініш беруші: {LEGAL_NAME}." in text
        assert "Айгерім Нұрланқызына қатысты" in text  # dative of a patronymic in -қызы: -на
        assert "Жәнібек Сейітовке" in text  # the suspect's name in the dative


def test_in_russian_the_suspects_name_is_declined_by_his_sex(bob: User, record_case: Case) -> None:
    document = services.document_generate(actor=bob, case=record_case, template_key="requalification_complaint",
                                          language="ru")
    for text in texts(document, bob):
        assert "в действиях Жәнібека Сейітова" in text  # genitive, not "в действиях Жәнібек Сейітов"


def test_a_document_with_unverified_legal_bases_says_so_in_its_footer(bob: User, record_case: Case) -> None:
    document = services.document_generate(actor=bob, case=record_case, template_key="refusal_complaint",
                                          language="en")
    for text in texts(document, bob):
        assert "Unverified, check against the current law before filing" in text
        assert "CPC art. 105" in text


def test_a_document_whose_bases_are_all_verified_has_no_unverified_line(bob: User, record_case: Case) -> None:
    document = services.document_generate(actor=bob, case=record_case, template_key="closed_hearing_motion",
                                          language="en")
    for text in texts(document, bob):
        assert "Unverified" not in text and "CPC art. 29" in text


def test_the_files_are_kept_sealed_and_the_audit_names_fields_not_values(bob: User, record_case: Case) -> None:
    document = services.document_generate(actor=bob, case=record_case, template_key="refusal_complaint",
                                          language="kk", with_name=True)
    raw = GeneratedDocument.objects.get(pk=document.pk)
    assert not bytes(raw.docx_sealed).startswith(b"PK") and not bytes(raw.pdf_sealed).startswith(b"%PDF")
    entry = AuditEntry.objects.get(action=Action.DOCUMENT_GENERATED)
    assert entry.object_code == document.code and "kui_number" in entry.extra["fields"]
    assert KUI not in str(entry.extra) and LEGAL_NAME not in str(entry.extra)


def test_every_template_exists_in_kk_ru_and_en_with_a_source_for_each_legal_basis() -> None:
    assert len(templates()) >= 6
    for doc in templates().values():
        assert all(doc.body[lang] and doc.title[lang] for lang in ("kk", "ru", "en"))
        assert all(basis.source for basis in doc.legal_basis)


def test_erasing_the_case_erases_its_documents(cora: User, record_case: Case) -> None:
    from aigaq.cases.erasure import case_erase

    services.document_generate(actor=cora, case=record_case, template_key="closed_hearing_motion", language="kk")
    case_erase(actor=cora, case=record_case)
    assert not GeneratedDocument.objects.exists()


def test_a_caseworker_cannot_make_a_document_through_the_service(alice: User, record_case: Case) -> None:
    with pytest.raises(PermissionError):
        services.document_generate(actor=alice, case=record_case, template_key="refusal_complaint", language="kk")
