"""The log of online abuse that the organisation's activists receive: threats and hate messages,
kept apart from survivors' cases (no case, no hook, no matching of cases).

Each entry has a data key of its own in the key store (`aigaq.keys.store.abuse_key_create`):
everything she writes, the sender's identifiers and the files' names and hashes are
SealedTextFields under it, and the files sit sealed under it in the file locker
($AIGAQ_DATA_DIR/files/abuse-<code>/). What stays in plaintext is what the list, the figures and
access need: the organisation, the author, the platform, when it was received, the threat level
and the days it was reported. The senders' identifiers are also kept as keyed blind-index tokens
(SenderToken), as a case's suspects are, so the same sender is found across entries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aigaq.accounts.models import Organisation
from aigaq.keys.sealed import SealedTextField
from aigaq.lib.crypto import random_code


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    TELEGRAM = "telegram", "Telegram"
    WHATSAPP = "whatsapp", "WhatsApp"
    TIKTOK = "tiktok", "TikTok"
    FACEBOOK = "facebook", "Facebook"
    VK = "vk", _("VK")
    X = "x", _("X (Twitter)")
    YOUTUBE = "youtube", "YouTube"
    PHONE = "phone", _("Phone call or SMS")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")
    OTHER = "other", _("Other")


class ThreatLevel(models.TextChoices):
    INSULT = "insult", _("Insult")
    HARASSMENT = "harassment", _("Harassment")
    THREAT = "threat", _("Threat")
    LOCATED = "located", _("Threat naming where she lives or her family")


class AbuseEntry(models.Model):
    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    received_at = models.DateTimeField(_("received"))
    threat_level = models.CharField(_("threat level"), max_length=16, choices=ThreatLevel.choices)
    sender_handle = SealedTextField(_("sender's account"), blank=True)
    sender_phone = SealedTextField(_("sender's phone number"), blank=True)
    sender_name = SealedTextField(_("sender's name"), blank=True)
    message = SealedTextField(_("the message"))
    platform_reported_on = models.DateField(_("reported to the platform on"), null=True, blank=True)
    platform_outcome = SealedTextField(_("what the platform did"), blank=True)
    police_reported_on = models.DateField(_("reported to the police on"), null=True, blank=True)
    police_outcome = SealedTextField(_("what the police did"), blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["organisation", "received_at"], name="abuse_org_received")]

    def __str__(self) -> str:
        return self.code

    @property
    def short_code(self) -> str:
        return self.code[:8].upper()

    def data_key(self) -> bytes:
        dek = getattr(self, "_dek", None)
        if dek is None:
            from aigaq.keys.store import abuse_key

            dek = abuse_key(self.code)
            self._dek = dek
        return dek


class AbuseRevision(models.Model):
    """An entry as it was before a correction (its fields as sealed JSON), with who corrected it,
    when and why. An entry is corrected, never silently overwritten: revisions are kept oldest first."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    entry = models.ForeignKey(AbuseEntry, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    values = SealedTextField()
    reason = SealedTextField(_("why it was corrected"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def data_key(self) -> bytes:
        return self.entry.data_key()


class AbuseFile(models.Model):
    """A screenshot, a saved page (WARC) or another file of an entry, sealed in the file locker."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    entry = models.ForeignKey(AbuseEntry, on_delete=models.CASCADE, related_name="files")
    filename = SealedTextField(_("file name"))
    # Of the file as stored and as received (they differ when metadata was removed). Sealed: a plain
    # hash would tell anyone who reads the database whether a known file is held.
    sha256 = SealedTextField()
    received_sha256 = SealedTextField()
    kind = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField()
    metadata_removed = models.BooleanField(default=False)
    stored_name = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def data_key(self) -> bytes:
        return self.entry.data_key()


class SenderToken(models.Model):
    """Keyed blind indexes of the sender's phone, account and full name (cases.search), so that
    entries from the same sender are found without reading them."""

    entry = models.ForeignKey(AbuseEntry, on_delete=models.CASCADE, related_name="tokens")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=8)
    token = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["organisation", "token"], name="abuse_token_org")]
