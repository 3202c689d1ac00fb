"""Match alerts and what matching keeps about each suspect.

Nothing here is a plaintext copy of a suspect: a suspect takes part in matching only through
keyed encodings (HMAC tokens and Bloom filters from ``aigaq.linkage``, under the key file's
"linkage" subkey). The evidence shown to a coordinator is rebuilt from the two sealed suspects
when she opens the alert; an alert itself stores only which fields agreed (levels), which the
keyed tokens already reveal to anyone holding the database. A reviewer's note is sealed under
the key of the first suspect's case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aigaq.accounts.models import Organisation
from aigaq.cases.models import Case, Suspect
from aigaq.keys.sealed import SealedTextField
from aigaq.lib.crypto import random_code


class SuspectEncoding(models.Model):
    """A suspect as linkage sees him: ``aigaq.linkage.EncodedMention`` as JSON (keyed only)."""

    suspect = models.OneToOneField(Suspect, on_delete=models.CASCADE, related_name="encoding")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    encoded = models.TextField()
    # EncodedMention.version: encodings of an older version than aigaq.linkage's are re-encoded
    # by migration 0007 (or `aigaq manage relink`); `aigaq check` counts any left.
    version = models.PositiveSmallIntegerField(default=2)

    class Meta:
        indexes = [models.Index(fields=["organisation"])]

    def __str__(self) -> str:
        return f"encoding of suspect {self.suspect_id}"



class BlockRole(models.IntegerChoices):
    """How a block key pairs suspects: with everyone filed under it, or one-sided (encoding version
    3): a probe (a surname with initials) with the targets (whole names) of its key only."""

    BOTH = 0, "both"
    PROBE = 1, "probe"
    TARGET = 2, "target"


class SuspectBlockKey(models.Model):
    """A keyed blocking token: a new suspect's candidates share at least one with him."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)
    role = models.PositiveSmallIntegerField(choices=BlockRole.choices, default=BlockRole.BOTH)
    suspect = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["organisation", "token"])]

    def __str__(self) -> str:
        return f"block key {self.token[:8]} of suspect {self.suspect_id}"



class SuspectNameToken(models.Model):
    """A keyed whole-name token, counted to weigh common names less (term frequency)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)
    suspect = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["organisation", "token"])]

    def __str__(self) -> str:
        return f"name token {self.token[:8]} of suspect {self.suspect_id}"



class SuspectCount(models.Model):
    """How many of an organisation's suspects take part in matching: the denominator of the name
    frequencies. Kept by the writes that store and forget encodings, because a COUNT over
    100,000 encodings costs PostgreSQL more time than the rest of adding a suspect."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    suspects = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.suspects} suspects of organisation {self.organisation_id} in matching"


class MatchingModel(models.Model):
    """An organisation's fitted Fellegi–Sunter weights (``aigaq.linkage.Model`` as JSON)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    model = models.TextField()
    fitted_at = models.DateTimeField()
    labels = models.PositiveIntegerField(default=0)  # reviewed pairs the fit learnt from
    decisions_since = models.PositiveIntegerField(default=0)  # reviews made after the fit

    def __str__(self) -> str:
        return f"weights of organisation {self.organisation_id}"


class MatchingRefit(models.Model):
    """An organisation whose weights are due a re-fit. Review decisions only write this row (one
    an organisation, however many decisions); the re-fit runs outside the request, in
    ``aigaq manage matching_refit`` or the task queue's worker (``aigaq.matching.refit``),
    and deletes the row in the transaction that stores the new weights. Until then alerts are
    scored with the previous weights.

    Relinking, which refits too, leaves this table alone (it stores the new weights itself)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    # When a worker took it: a claim, so two workers do not fit the same weights twice. A claim
    # older than ``aigaq.matching.refit.CLAIM_EXPIRES`` (a failed or killed re-fit) is taken again.
    started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"re-fit due for organisation {self.organisation_id}"



class RepeatSuspect(models.Model):
    """Suspects a coordinator confirmed to be one man: the union of confirmed pairs."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"repeat suspect {self.code[:8]}"



class RepeatSuspectMember(models.Model):
    group = models.ForeignKey(RepeatSuspect, on_delete=models.CASCADE, related_name="members")
    suspect = models.OneToOneField(Suspect, on_delete=models.CASCADE, related_name="repeat")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"suspect {self.suspect_id} in {self.group_id}"



class Status(models.TextChoices):
    OPEN = "open", _("to review")
    UNSURE = "unsure", _("unsure")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("consent withdrawn")
    CLOSED = "closed", _("no longer matches")


class CloseReason(models.TextChoices):
    """Why matching closed an alert by itself (MatchAlert.closed_reason)."""

    SUSPECT_CHANGED = "suspect_changed", _("A suspect's details were corrected and the two no longer match.")


DECISIONS = (Status.CONFIRMED, Status.REJECTED, Status.UNSURE)


class MatchAlert(models.Model):
    """Two suspects of one organisation that may be one man. ``suspect_a`` has the smaller id,
    so a pair has one alert, and its decision outlives every re-run of matching."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    suspect_a = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="+")
    suspect_b = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="+")
    case_a = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    case_b = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    weight = models.FloatField()
    # Linkage field → "agree", "partial", "disagree" or "conflict", as the keyed comparison found
    # it: the equality pattern the tokens already show, never the values.
    outcomes = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set while the status is CLOSED: why matching closed it (a CloseReason code, never a value).
    closed_reason = models.CharField(max_length=24, choices=CloseReason.choices, blank=True)

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [models.UniqueConstraint(fields=["suspect_a", "suspect_b"], name="one_alert_per_pair")]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"alert {self.code[:8]} ({self.status})"

    def data_key(self) -> bytes:
        return self.case_a.data_key()



class AlertDecision(models.Model):
    """One review of an alert, kept for good: the history of who decided what."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    alert = models.ForeignKey(MatchAlert, on_delete=models.CASCADE, related_name="decisions")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Status.choices)
    note = SealedTextField(_("note"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.decision} on alert {self.alert_id}"

    def data_key(self) -> bytes:
        return self.alert.data_key()
