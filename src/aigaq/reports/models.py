"""Reports a survivor sends herself, without an account, and the messages on them.

Everything she writes is a SealedTextField under the report's own data key, kept in the key store
(`aigaq.keys.store.report_key_create`), never in the database: deleting the report destroys the
key first, and from then on no database backup can open what she wrote. The key store holds the
data key twice: wrapped by the server's key file, and wrapped under a key only her receipt code
and PIN give (`report_key_wrap_for_survivor`). A sealed report (choice c) keeps only her wrap
(`key_wrap`), so the server's own keys do not open it: her code and PIN do, and her "yes" to a
match wraps it for the server again. What stays in plaintext
is what the coordinators' queue needs: the organisation, when it came, her choice (a, b or c) and
its status. The receipt code itself is never stored: only a keyed look-up index of it and an
Argon2id hash of code and PIN together (`aigaq.lib.crypto.receipt`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aigaq.accounts.models import Organisation
from aigaq.keys.sealed import SealedTextField
from aigaq.lib.crypto import random_code


class Choice(models.TextChoices):
    RECORD = "record", _("Just keep it on record")
    CONTACT = "contact", _("An organisation may contact me")
    SEALED = "sealed", _("Keep it sealed: only if another report names the same man, tell a coordinator and ask me")


class Contact(models.TextChoices):
    NONE = "none", _("Do not contact me")
    PHONE = "phone", _("By phone")
    MESSENGER = "messenger", _("Through a messenger")


class Report(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("new")
        CASE = "case", _("turned into a case")
        SPAM = "spam", _("spam")
        MERGED = "merged", _("added to a case")

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="survivor_reports")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    choice = models.CharField(max_length=8, choices=Choice.choices, default=Choice.RECORD)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.NEW)
    # The keyed index of the receipt code (to find the row) and the slow hash of code and PIN.
    receipt_index = models.CharField(max_length=64, unique=True)
    receipt_hash = models.CharField(max_length=200)
    case_code = models.CharField(max_length=32, blank=True)  # the case it became, if any
    # A sealed report (choice c) that another report or a case names the same man in: the coordinator
    # is told, she is asked (on her report's page), and only her "yes" opens it to staff.
    class Release(models.TextChoices):
        NONE = "", _("no match")
        ASKED = "asked", _("matches: waiting for her answer")
        AGREED = "agreed", _("she agreed to share it")
        REFUSED = "refused", _("she did not agree to share it")

    release = models.CharField(max_length=8, choices=Release.choices, default="", blank=True)
    # A sealed report only: she also asked that he be looked for in the other organisations of the
    # network (her own consent: a case's network consent does not carry over). Its keyed tokens are
    # the network app's (network.reports), made while her data is in hand.
    network = models.BooleanField(default=False)

    # Who holds a wrap of the report's data key. "survivor": only her code and PIN open it (a
    # sealed report before her "yes"); "both": the server's key file too; "server": a report from
    # before survivors' wraps existed, wrapped for her too at her next visit with code and PIN.
    class KeyWrap(models.TextChoices):
        SERVER = "server", _("the server's keys only (from before survivors' keys)")
        BOTH = "both", _("the server's keys and her receipt code")
        SURVIVOR = "survivor", _("her receipt code and PIN only")

    key_wrap = models.CharField(max_length=8, choices=KeyWrap.choices, default=KeyWrap.SERVER)
    matched_at = models.DateTimeField(null=True, blank=True)
    # What she wrote, sealed. Dates are kept as she gave them (ISO text), so they are sealed too.
    date_from = SealedTextField(blank=True)
    date_to = SealedTextField(blank=True)
    city = SealedTextField(blank=True)
    place_type = SealedTextField(blank=True)
    account = SealedTextField(blank=True)
    his_name = SealedTextField(blank=True)
    his_phones = SealedTextField(blank=True)
    his_handles = SealedTextField(blank=True)
    his_plates = SealedTextField(blank=True)
    his_description = SealedTextField(blank=True)
    contact_way = SealedTextField(blank=True)  # a Contact value: how she may be reached is personal
    contact_details = SealedTextField(blank=True)
    safe_times = SealedTextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "created_at"], name="report_org_status")]

    def __str__(self) -> str:
        return self.code

    def data_key(self) -> bytes:
        dek = getattr(self, "_dek", None)
        if dek is None:
            from aigaq.keys.store import report_key

            dek = report_key(self.code)
            self._dek = dek
        return dek

    @property
    def short_code(self) -> str:
        return self.code[:8].upper()

    @property
    def readable_by_staff(self) -> bool:
        """A sealed report (choice c) is not shown to anyone until a match releases it and she agrees."""
        return self.choice != Choice.SEALED or self.release == self.Release.AGREED


class ReportMessage(models.Model):
    """Something she added to her report later, or a coordinator's reply, which she reads with her code."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    created_at = models.DateTimeField(auto_now_add=True)
    from_survivor = models.BooleanField(default=True)
    text = SealedTextField()

    class Meta:
        ordering = ["created_at", "id"]

    def data_key(self) -> bytes:
        return self.report.data_key()


class ReportFile(models.Model):
    """A photo or screenshot she sent with her report. The file is sealed under the report's key in
    the report's folder of the file store (`reports.files`); this row seals its name. Metadata is
    removed, and the hash taken, by the evidence locker when a case is made from the report."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = SealedTextField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at", "id"]

    def data_key(self) -> bytes:
        return self.report.data_key()


class ReportToken(models.Model):
    """Keyed blind indexes of the man's identifiers as she gave them (the same tokens as a case's
    suspect, cases.search), so a sealed report can be found to name the same man as a case or
    another report without anyone reading it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="tokens")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=8)
    token = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["organisation", "token"], name="report_token_org")]
