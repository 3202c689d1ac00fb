"""What the hub keeps: its members, the invitations it issued, the members' keyed encodings and
the alerts between them.

No plaintext about anyone a case records ever reaches the hub: an encoding is a member's opaque
ref, a month, a region code and OPRF tokens (32 hex characters each) under a key the hub never
holds. The contact texts two members exchange on an alert are their staff's work contacts.
"""

from __future__ import annotations

from django.db import models

from aigaq.lib.crypto import random_code


class Member(models.Model):
    """An organisation of the network. Its signing key is the `peers.Peer` named `code`."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Removed by the hub's operator (`aigaq network hub remove`): its refs are gone, its key is no
    # longer a peer; the row stays so that the other side's closed alerts still name it.
    removed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"member {self.code}"


class Invitation(models.Model):
    """One use, until `expires_at`. Only the SHA-256 of the code is kept: the code is printed once."""

    code_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)  # the organisation it is for: the name others will see
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    member = models.OneToOneField(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class KeyService(models.Model):
    """The key service this hub registers members at (one row, set by `aigaq network hub init`)."""

    url = models.CharField(max_length=300)
    oprf_public_key = models.CharField(max_length=64)
    signing_public_key = models.CharField(max_length=64)
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "key service"


class Encoding(models.Model):
    """One suspect as a member shares him: its ref, the version it was sent at, and its tokens."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="encodings")
    ref = models.CharField(max_length=64)
    version = models.PositiveBigIntegerField()
    year_month = models.CharField(max_length=7, blank=True)
    region = models.CharField(max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "ref"], name="hub_encoding_ref_once")]

    def __str__(self) -> str:
        return f"encoding {self.pk}"


class EncodingToken(models.Model):
    """One OPRF token of an encoding; a candidate shares at least one (kind, token) with it."""

    encoding = models.ForeignKey(Encoding, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=16)
    token = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["kind", "token"], name="hub_token_lookup")]
        constraints = [models.UniqueConstraint(fields=["encoding", "kind", "token"], name="hub_token_once")]

    def __str__(self) -> str:
        return f"token {self.pk}"


class Link(models.Model):
    """Two encodings the hub chains (any two members, one member's own refs too): their score is at
    least linkage.network.CHAIN_THRESHOLD, or, `cannot`, they cannot be one man (different IINs;
    one name, two birth years or fathers) and no chain may join them. `low` is the smaller id.
    Written by matching.rematch of either side; gone with either encoding."""

    low = models.ForeignKey(Encoding, on_delete=models.CASCADE, related_name="+")
    high = models.ForeignKey(Encoding, on_delete=models.CASCADE, related_name="+")
    strength = models.FloatField()
    cannot = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["low", "high"], name="hub_link_once")]

    def __str__(self) -> str:
        return f"link {self.pk}"


class SyncBatch(models.Model):
    """A sync request already applied, with its answer: the same batch again changes nothing and
    gets the same answer (a member retrying after a lost response)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    batch = models.UUIDField()
    accepted = models.PositiveIntegerField()
    deleted = models.PositiveIntegerField()
    at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "batch"], name="hub_batch_once")]

    def __str__(self) -> str:
        return f"batch {self.batch}"


class AlertState(models.TextChoices):
    OPEN = "open"
    CLOSED = "closed"


class ClosedReason(models.TextChoices):
    NONE = ""
    WITHDRAWN = "withdrawn"
    NO_LONGER_MATCHES = "no_longer_matches"


class Decision(models.TextChoices):
    NONE = ""
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Side(models.TextChoices):
    A = "a"
    B = "b"


class Alert(models.Model):
    """Two refs of two members whose agreeing kinds score at least the threshold, or (`chained`)
    that a chain of links puts in one cluster.

    The sides are kept as (member, ref), side A the smaller (member code, ref), so that one pair is
    always written the same way, and outlive the encodings: a withdrawn ref's alert stays, closed,
    for both sides to see. At most one open alert per pair; a pair that matches again after its
    alert was closed gets a new one (the closed one keeps its decisions as they were)."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    member_a = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    ref_a = models.CharField(max_length=64)
    year_month_a = models.CharField(max_length=7, blank=True)
    decision_a = models.CharField(max_length=16, choices=Decision.choices, blank=True, default=Decision.NONE)
    member_b = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    ref_b = models.CharField(max_length=64)
    year_month_b = models.CharField(max_length=7, blank=True)
    decision_b = models.CharField(max_length=16, choices=Decision.choices, blank=True, default=Decision.NONE)
    strength = models.FloatField()
    evidence_kinds = models.JSONField(default=list)
    # A chained alert: the two refs are one man through a chain of links (hub/chaining.py), not
    # (or no longer) by their own evidence; its kinds are those the two share directly, maybe none.
    chained = models.BooleanField(default=False)
    state = models.CharField(max_length=8, choices=AlertState.choices, default=AlertState.OPEN)
    closed_reason = models.CharField(max_length=32, choices=ClosedReason.choices, blank=True,
                                     default=ClosedReason.NONE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["member_a", "ref_a"], name="hub_alert_side_a"),
                   models.Index(fields=["member_b", "ref_b"], name="hub_alert_side_b")]
        constraints = [models.UniqueConstraint(fields=["member_a", "ref_a", "member_b", "ref_b"],
                                               condition=models.Q(state="open"), name="hub_alert_open_once")]

    def __str__(self) -> str:
        return f"alert {self.code}"


class ContactState(models.TextChoices):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ContactRequest(models.Model):
    """One side asks the other for contact on an alert both confirmed; the two work contacts are
    shown to each other only once the other side accepts (a declined answer keeps no contact)."""

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="contact")
    requested_by = models.CharField(max_length=1, choices=Side.choices)
    message = models.TextField()
    contact = models.CharField(max_length=500)
    state = models.CharField(max_length=16, choices=ContactState.choices, default=ContactState.PENDING)
    answer_contact = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)  # when it was answered: the audit log says

    def __str__(self) -> str:
        return f"contact request {self.pk}"
