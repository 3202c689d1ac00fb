"""Writes for documents: generating one from the case (kept sealed in the case) and handing one
out, each with its audit entry. The entries name the template, the language and the fields the
record filled in, never a value."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from aigaq.accounts.members import acting_member
from aigaq.accounts.models import Role, User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.cases.access import can_edit
from aigaq.cases.models import Case
from aigaq.formats.paper import Part, Rendered, to_docx, to_pdf
from aigaq.lib import crypto

from .catalogue import LANGUAGES, template
from .fields import fill
from .models import GeneratedDocument, TemplateUpload
from .render import compose
from .uploads import fill_upload, placeholders_of

MAKERS = (Role.LAWYER, Role.COORDINATOR)
FORMATS = ("docx", "pdf")


def may_make(actor: User, case: Case) -> bool:
    """A lawyer or a coordinator of the case's organisation who may write to the case."""
    member = acting_member(actor)
    return member.role in MAKERS and member.organisation_id == case.organisation_id and can_edit(actor, case)


def aad(document: GeneratedDocument, fmt: str) -> str:
    return f"document:{document.case.code}:{document.code}:{fmt}"


@transaction.atomic
def document_generate(*, actor: User, case: Case, template_key: str, language: str,
                      with_name: bool = False) -> GeneratedDocument:
    """Fills the template from the record and keeps the .docx and the PDF, sealed, in the case.
    `with_name`: her legal name goes into it; the view lets that through only after step-up."""
    if not may_make(actor, case):
        raise PermissionError("only a lawyer or a coordinator who writes to the case makes its documents")
    doc = template(template_key)
    if doc is None or language not in LANGUAGES:
        raise ValueError("unknown template or language")
    with translation.override(language):
        filled = fill(case, doc, lang=language, with_name=with_name)
        rendered = compose(doc, filled, lang=language)
        own = TemplateUpload.objects.filter(organisation_id=case.organisation_id, template=doc.key,
                                            language=language).first()
        if own is None:
            docx, pdf = to_docx(rendered), to_pdf(rendered, lang=language)
        else:
            docx, lines = fill_upload(bytes(own.docx), filled, rendered.footer)
            pdf = to_pdf(Rendered(title="", addressee="", parts=tuple(Part(text=line) for line in lines),
                                  footer=rendered.footer), lang=language)
    document = GeneratedDocument(case=case, template=doc.key, language=language, with_name=with_name,
                                 made_by=actor)
    dek = case.data_key()
    document.docx_sealed = crypto.seal(dek, docx, aad=aad(document, "docx"))
    document.pdf_sealed = crypto.seal(dek, pdf, aad=aad(document, "pdf"))
    document.save()
    record(actor=actor, action=Action.DOCUMENT_GENERATED, case_code=case.code, object_code=document.code,
           extra={"template": doc.key, "language": language, "with_name": with_name,
                  "own_template": own is not None, "fields": sorted(filled.given)})
    return document


@transaction.atomic
def document_hand_out(*, actor: User, document: GeneratedDocument, fmt: str) -> bytes:
    """The document's file in `fmt`, opened with the case's key; the download is audited."""
    if fmt not in FORMATS:
        raise ValueError("unknown format")
    sealed = bytes(document.docx_sealed if fmt == "docx" else document.pdf_sealed)
    data = crypto.open_sealed(document.case.data_key(), sealed, aad=aad(document, fmt))
    record(actor=actor, action=Action.DOCUMENT_DOWNLOADED, case_code=document.case.code,
           object_code=document.code, extra={"format": fmt})
    return data


def _coordinator(actor: User) -> int:
    member = acting_member(actor)
    if member.role != Role.COORDINATOR:
        raise PermissionError("only a coordinator changes her organisation's templates")
    return member.organisation_id


@transaction.atomic
def template_upload(*, actor: User, template_key: str, language: str, data: bytes) -> TemplateUpload:
    """Her organisation's own .docx for a document in a language, in place of the built-in text.
    Checked first (uploads.UploadRefused names unknown placeholders); nothing is saved on error."""
    organisation_id = _coordinator(actor)
    if template(template_key) is None or language not in LANGUAGES:
        raise ValueError("unknown template or language")
    named = placeholders_of(data)
    upload, _ = TemplateUpload.objects.update_or_create(
        organisation_id=organisation_id, template=template_key, language=language,
        defaults={"docx": data, "uploaded_by": actor})
    record(actor=actor, action=Action.TEMPLATE_CHANGED, object_code=upload.code,
           extra={"template": template_key, "language": language, "placeholders": sorted(named)})
    return upload


@transaction.atomic
def template_upload_remove(*, actor: User, template_key: str, language: str) -> None:
    """Back to the built-in text for that document and language."""
    organisation_id = _coordinator(actor)
    removed, _ = TemplateUpload.objects.filter(organisation_id=organisation_id, template=template_key,
                                               language=language).delete()
    if removed:
        record(actor=actor, action=Action.TEMPLATE_CHANGED,
               extra={"template": template_key, "language": language, "removed": True})
