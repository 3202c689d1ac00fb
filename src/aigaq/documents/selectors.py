"""Reads for documents, on behalf of a user who already passed cases.access."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from aigaq.cases.models import Case
from aigaq.i18n import active_language

from .catalogue import template
from .models import GeneratedDocument


@dataclass(frozen=True)
class DocumentRow:
    document: GeneratedDocument
    title: str
    made_by: str


def documents_of(case: Case) -> list[DocumentRow]:
    """The case's documents, newest first, titled in the interface language."""
    lang = active_language()
    rows = []
    for document in case.documents.select_related("made_by"):
        doc = template(document.template)
        rows.append(DocumentRow(document=document, title=doc.title[lang] if doc else document.template,
                                made_by=document.made_by.get_username() if document.made_by else ""))
    return rows


def document_of(user: AbstractBaseUser | AnonymousUser, case: Case, code: str) -> GeneratedDocument | None:
    """One document of a case she may see (the caller looked the case up through cases.access)."""
    del user  # access is the case's: whoever sees the case sees its documents
    return case.documents.filter(code=code).first()
