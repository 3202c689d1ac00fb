"""The append-only, hash-chained log of who viewed, changed or exported what.

Entries never hold personal data: only codes, actions and coded facts. Each entry's hash
covers the previous entry's hash, so an altered, removed or reordered entry breaks the chain
(`aigaq audit verify`). The hashes are unkeyed, so each entry and the chain head also carry a
keyed link (HMAC under a subkey of the key file, `audit.chainkey`): someone who can write the
database but has no key file cannot rewrite an entry and recompute the chain unnoticed. Entries
written before the chain was anchored carry none; the first keyed one covers them (its hash
chains over all of them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.IntegerChoices):
    # Numbered constants (as Zulip's RealmAuditLog does): numbers are never reused.
    LOGIN = 1, _("signed in")
    LOGIN_FAILED = 2, _("failed sign-in")
    LOGOUT = 3, _("signed out")
    CASE_CREATED = 10, _("created the case")
    CASE_VIEWED = 11, _("opened the case")
    CASE_CHANGED = 12, _("changed the case")
    CASE_ERASED = 13, _("erased the case")
    CASE_SHARED = 14, _("shared the case")
    CASE_CLOSED = 15, _("closed the case")
    CASE_REOPENED = 16, _("reopened the case")
    CASE_UNSHARED = 17, _("removed a member from the case")
    SUSPECT_ADDED = 20, _("added a suspect")
    SUSPECT_CHANGED = 21, _("changed a suspect")
    SUSPECT_REVEALED = 22, _("revealed a suspect's identifiers")
    # Corrections of records after they were added (the extra holds the changed field names only).
    SURVIVOR_CHANGED = 24, _("corrected the survivor's record")
    INCIDENT_CHANGED = 25, _("corrected the incident")
    WITNESS_CHANGED = 26, _("corrected a witness")
    REFERRAL_CHANGED = 27, _("corrected a referral")
    COST_CHANGED = 28, _("corrected a cost")
    NOTE_CHANGED = 29, _("corrected a note")
    EVENT_ADDED = 30, _("added a pathway event")
    REFERRAL_ADDED = 31, _("added a referral")
    NOTE_ADDED = 32, _("added a note")
    COST_ADDED = 33, _("added a cost")
    WITNESS_ADDED = 34, _("added a witness")
    EVIDENCE_ADDED = 35, _("added an evidence file")
    EXPORTED = 40, _("exported data")
    REPORT_DOWNLOADED = 41, _("downloaded a report")
    EVIDENCE_DOWNLOADED = 42, _("downloaded an evidence file")
    EVIDENCE_INTEGRITY_FAILED = 43, _("tried to open an evidence file that failed its integrity check")
    ALERT_REVIEWED = 50, _("reviewed a match alert")
    USER_SESSIONS_ENDED = 60, _("ended a user's sessions")
    DEVICE_REVOKED = 61, _("revoked a device")
    USER_CREATED = 62, _("created a user")
    PASSWORD_RESET = 63, _("issued a temporary password")
    DEVICE_ADDED = 64, _("added a sign-in device")
    PASSWORD_CHANGED = 65, _("changed her password")
    USER_ROLE_CHANGED = 66, _("changed a member's role")
    USER_DEACTIVATED = 67, _("deactivated a member")
    USER_REACTIVATED = 68, _("reactivated a member")
    INVITATION_ISSUED = 69, _("invited a member")
    KEYS_ROTATED = 70, _("rotated the keys")
    RETENTION_ERASED = 71, _("erased cases past the retention period")
    BACKUP_MADE = 72, _("made a backup")
    BACKUP_RESTORED = 73, _("restored a backup")
    # The network of organisations: written by members, the hub and the key service, each in its own log.
    NETWORK_REQUEST_REFUSED = 80, _("refused a network request")
    NETWORK_INVITATION_ISSUED = 81, _("issued a network invitation")
    NETWORK_MEMBER_JOINED = 82, _("registered a network member")
    NETWORK_EVALUATED = 83, _("evaluated blinded values for a member")
    NETWORK_SYNCED = 84, _("synced suspects with the network")
    NETWORK_JOINED = 85, _("joined the network")
    NETWORK_ALERT_REVIEWED = 86, _("reviewed a network alert")
    NETWORK_CONTACT_REQUESTED = 87, _("asked another organisation for contact")
    NETWORK_CONTACT_ANSWERED = 88, _("answered a request for contact")
    NETWORK_LEFT = 175, _("left the network")
    NETWORK_MEMBER_REMOVED = 176, _("removed a network member")
    NETWORK_REMATCHED = 177, _("re-matched every network suspect")
    # Corrections of the case's history: the old version is kept, the entry names fields only.
    EVENT_CORRECTED = 90, _("corrected a pathway event")
    EVENT_RETRACTED = 91, _("retracted a pathway event")
    EVIDENCE_CHANGED = 92, _("corrected an evidence file's description")
    CASES_IMPORTED = 93, _("imported cases from a spreadsheet")
    # A lawyer's documents: the entry names the template, the language and the fields filled in,
    # never their values.
    DOCUMENT_GENERATED = 100, _("generated a document")
    DOCUMENT_DOWNLOADED = 101, _("downloaded a document")
    TEMPLATE_CHANGED = 102, _("changed a document template")
    OFFICE_MAPPED = 94, _("mapped an office onto the list")
    # Survivors' own reports (aigaq.reports): the survivor acts without an account (actor None).
    REPORT_SUBMITTED = 120, _("a survivor sent a report")
    REPORT_OPENED = 121, _("a survivor opened her report with its receipt code")
    REPORT_RECEIPT_FAILED = 122, _("a wrong receipt code or PIN was given")
    REPORT_ADDED_TO = 123, _("a survivor added to her report")
    REPORT_CHOICE_CHANGED = 124, _("a survivor changed her choices")
    REPORT_DELETED = 125, _("a survivor deleted her report")
    REPORT_VIEWED = 126, _("opened a survivor's report")
    REPORT_REPLIED = 127, _("replied to a survivor's report")
    REPORT_SPAM = 128, _("marked a report as spam")
    REPORT_TO_CASE = 129, _("turned a survivor's report into a case")
    REPORT_MATCHED = 131, _("a sealed report was found to name the same man as a case or another report")
    REPORT_SHARED = 132, _("a survivor answered whether to share her sealed report")
    REPORT_MERGED = 133, _("added a survivor's report to a case")
    NETWORK_REPORT_KEYED = 134, _("a sealed survivor's report was keyed for the network")
    NETWORK_REPORT_WITHDRAWN = 135, _("a sealed survivor's report was withdrawn from the network")
    EVIDENCE_FROM_SURVIVOR = 130, _("added a file submitted by the survivor with her report")
    # The court bundle (aigaq.evidence.bundle): made, each file put into it, the signing key made.
    BUNDLE_MADE = 140, _("made a court bundle")
    EVIDENCE_BUNDLED = 141, _("put an evidence file into a court bundle")
    SIGNING_KEY_CREATED = 142, _("created the organisation's signing key")
    BUNDLE_TIMESTAMPED = 143, _("a timestamp server timestamped a court bundle")
    BUNDLE_NOT_TIMESTAMPED = 144, _("a court bundle was made without a timestamp: the timestamp server failed")
    # The abuse log of the organisation's activists (aigaq.abuse): codes only, never what she wrote.
    ABUSE_ENTRY_ADDED = 160, _("recorded abuse she received")
    ABUSE_ENTRY_VIEWED = 161, _("opened an abuse log entry")
    ABUSE_ENTRY_CHANGED = 162, _("corrected an abuse log entry")
    ABUSE_FILE_ADDED = 163, _("added a file to an abuse log entry")
    ABUSE_FILE_DOWNLOADED = 164, _("downloaded a file of an abuse log entry")
    ABUSE_FILE_INTEGRITY_FAILED = 165, _("tried to open an abuse log file that failed its integrity check")
    ABUSE_REPORT_MADE = 166, _("made a report of abuse log entries")
    ABUSE_ENTRY_DELETED = 167, _("deleted an abuse log entry")
    # Exports of the case list: the entry holds the format, the filters' codes and the number of rows,
    # never the search text (it may be a name).
    CASES_EXPORTED = 150, _("exported the case list")


class AuditEntry(models.Model):
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    organisation_code = models.CharField(max_length=32, blank=True, db_index=True)
    action = models.PositiveSmallIntegerField(choices=Action.choices)
    case_code = models.CharField(max_length=32, blank=True, db_index=True)
    object_code = models.CharField(max_length=32, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    mac = models.CharField(max_length=64, blank=True, default="")  # keyed link of `hash`; "" before the anchor

    class Meta:
        ordering = ["id"]


class ChainHead(models.Model):
    """A single row locked while an entry is appended, so concurrent writers cannot fork the chain.

    `keyed_since` is the position (1 = the oldest entry) from which every entry must carry a keyed
    link; `mac` is the keyed link of (keyed_since, count, last_hash), so neither the anchor nor the
    head can be moved without the key."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)
    keyed_since = models.BigIntegerField(null=True, default=None)
    mac = models.CharField(max_length=64, blank=True, default="")
