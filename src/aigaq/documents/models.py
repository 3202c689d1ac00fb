"""Documents generated from a case. The .docx and the PDF are kept in the row, each sealed under
the case's data key (associated data "document:<case>:<document>:<format>"), so erasing the case
(its key destroyed, its rows deleted) takes them with it, and a copy of the database without the
key file reads nothing of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from aigaq.accounts.models import Organisation
from aigaq.cases.models import Case, CaseRecord
from aigaq.lib.crypto import random_code


class GeneratedDocument(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    template = models.CharField(max_length=40)
    language = models.CharField(max_length=2)
    with_name = models.BooleanField(default=False)  # her legal name was revealed into it (step-up)
    docx_sealed = models.BinaryField()
    pdf_sealed = models.BinaryField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return self.code


class TemplateUpload(models.Model):
    """An organisation's own .docx for one document in one language, uploaded by a coordinator;
    it takes the place of the built-in text. It holds placeholders, never a case's data."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    template = models.CharField(max_length=40)
    language = models.CharField(max_length=2)
    docx = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "template", "language"],
                                               name="one_upload_per_document_and_language")]

    def __str__(self) -> str:
        return self.code
