"""Evidence files attached to a case. The file itself is in the encrypted file store
(evidence.files); this row holds what describes it, sealed like every personal field."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aigaq.cases.models import Case, CaseRecord
from aigaq.keys.sealed import SealedTextField
from aigaq.lib.crypto import random_code


class EvidenceItem(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    title = SealedTextField(_("what it shows"), blank=True)
    filename = SealedTextField(_("file name"))
    # SHA-256 of the file as stored and as received (they differ when metadata was removed).
    # Sealed, not plain: a plain hash would let anyone who reads the database test whether a
    # known file (a photo circulating online, say) is held here.
    sha256 = SealedTextField()
    received_sha256 = SealedTextField()
    kind = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField()
    metadata_removed = models.BooleanField(default=False)
    stored_name = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Sealed at receipt (evidence.seal): the organisation's Ed25519 signature, base64, of the
    # stored file's hash, size, case and time of receipt, made when it was received. Sealed like
    # the hash itself: with the public key, a plain signature would test a guessed file as well.
    # Empty for files received before sealing existed.
    receipt_signature = SealedTextField(blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.code


class EvidenceRevision(CaseRecord):
    """A description of a file as it was before a correction, with who corrected it, when and why.

    A description is corrected, never silently overwritten: the item holds the current one and
    its revisions the earlier ones, oldest first."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="revisions")
    title = SealedTextField(_("what it showed"), blank=True)
    reason = SealedTextField(_("why it was corrected"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
