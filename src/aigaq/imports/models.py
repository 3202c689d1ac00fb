"""What an import keeps: which case each external reference became (so a re-import creates no
duplicate), the column mapping each organisation last used, and uploads waiting to be imported
(sealed, for an hour at most)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from aigaq.accounts.models import Organisation
from aigaq.cases.models import Case
from aigaq.lib.crypto import random_code


class ImportedCase(models.Model):
    """A case made from a row of a sheet, by the organisation's own reference for it. The reference
    is the organisation's case number (never a name): it is kept as written, to be found again.

    It outlives the case: when the case is erased at the survivor's request `case` becomes None and
    the reference stays, so that importing the old sheet again does not bring her case back."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    external_ref = models.CharField(max_length=100)
    case = models.OneToOneField(Case, on_delete=models.SET_NULL, null=True, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "external_ref"], name="one_case_per_external_ref"),
        ]


class ColumnMapping(models.Model):
    """The organisation's last mapping: folded header name to column key."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)


class PendingUpload(models.Model):
    """An uploaded sheet between its upload and its import: sealed under the key file's "imports"
    subkey (bound to its code), in the database, never on disk in plaintext; deleted by the import
    or, unimported, after settings.IMPORT_UPLOAD_SECONDS."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, default="xlsx")  # xlsx | csv
    sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()


class ImportJob(models.Model):
    """A web import, run by the task queue's worker (`jobs.import_task`) rather than in the request:
    its progress (rows checked of the total, the state) and its outcome, kept so that the progress
    page shows the same after a reload. The problems found may quote the sheet's cells: they are
    sealed like the upload (the "imports" subkey, bound to the job's code)."""

    class State(models.TextChoices):
        QUEUED = "queued"
        CHECKING = "checking"
        SAVING = "saving"
        DONE = "done"  # imported
        REFUSED = "refused"  # problems, nothing saved
        FAILED = "failed"  # an error of the system, nothing saved

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    upload = models.ForeignKey(PendingUpload, on_delete=models.SET_NULL, null=True, related_name="+")
    upload_code = models.CharField(max_length=32)  # for "back to the columns" once the upload is gone
    mapping = models.JSONField(default=list)  # column keys, one per column of the sheet
    options = models.JSONField(default=dict)  # importer.Options' fields
    language = models.CharField(max_length=8)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    already = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    problems_sealed = models.BinaryField(default=b"")
    dropped = models.JSONField(default=dict)  # column key: values left out (lenient)
    errors_code = models.CharField(max_length=32, blank=True)  # the error sheet's upload (skip bad rows)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.REFUSED, self.State.FAILED}
