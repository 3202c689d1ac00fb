"""What this instance keeps about its part in the network (docs/network.md, "Member side").

Nothing here is a copy of a suspect: a suspect takes part only through a random `ref` that the hub
knows him by, and the hub gets only OPRF tokens made from his fields at each sync. The signing key
and the coordinators' contact messages and work contacts are sealed under the key file's "network"
subkey (`aigaq.network.sealing`), so a copy of the database alone gives neither.
"""

from __future__ import annotations

import time

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aigaq.accounts.models import Organisation
from aigaq.cases.models import Suspect
from aigaq.lib.crypto import random_code
from aigaq.lib.netproto import Identity

from . import sealing

CONFIG_ID = 1


class NetworkConfig(models.Model):
    """The one membership of this instance: which organisation takes part, at which hub, and the
    keys it pinned when it joined. There is at most one row (id 1)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)  # as the hub shows it to other members
    city = models.CharField(max_length=100)
    hub_url = models.CharField(max_length=500)
    member_id = models.CharField(max_length=64)
    keyservice_url = models.CharField(max_length=500)
    keyservice_oprf_public_key = models.CharField(max_length=100)
    hub_public_key = models.CharField(max_length=100)
    signing_key_sealed = models.TextField(editable=False)
    joined_at = models.DateTimeField()
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=40, blank=True)  # a NetworkError code, never a message
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=CONFIG_ID), name="one_network_config")]

    def __str__(self) -> str:
        return f"member {self.member_id} at {self.hub_url}"

    @classmethod
    def current(cls) -> NetworkConfig | None:
        return cls.objects.select_related("organisation").filter(pk=CONFIG_ID).first()

    def set_signing_key(self, private_key: bytes) -> None:
        self.signing_key_sealed = sealing.seal(private_key.hex(), place=sealing.SIGNING_KEY_PLACE)

    def identity(self) -> Identity:
        """Who this instance is to the hub and the key service (its key opened for this process)."""
        key = bytes.fromhex(sealing.unseal(self.signing_key_sealed, place=sealing.SIGNING_KEY_PLACE))
        return Identity(sender=self.member_id, private_key=key)


def version_now() -> int:
    """A version from the clock (seconds): versions then keep growing even across a database
    restored from an older backup, so the hub never ignores a newer upload as an old one."""
    return int(time.time())


class NetworkSuspect(models.Model):
    """A suspect whose survivor consents to network matching, as the hub knows him.

    `version` grows with every change (`queue.suspects_enqueue`), so the hub keeps only the newest
    upload; `dirty` says the hub has not yet accepted the newest one. The suspect is SET_NULL rather
    than CASCADE: should a suspect's row ever go without the hooks hearing of it, the sync still
    finds his ref and has the hub delete it."""

    suspect = models.OneToOneField(Suspect, on_delete=models.SET_NULL, null=True, related_name="network")
    ref = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    version = models.PositiveBigIntegerField(default=version_now)
    dirty = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["dirty"])]

    def __str__(self) -> str:
        return f"network ref {self.ref[:8]} v{self.version}"


class NetworkReport(models.Model):
    """A sealed survivor's report (choice c) whose survivor asked that he be looked for in the
    network too, as the hub knows it: a random `ref` and the OPRF tokens made from the man's
    identifiers when she sent or changed it (`network.reports`), while her data was in hand. Only
    the keyed tokens are kept: they are made under the key service's key, which this instance does
    not hold, so the server cannot read the report from them, nor test a guess without asking the
    key service. The report is named by its code (reports and network do not import each other);
    `shared` says she agreed to share it, so its alerts may be answered."""

    report_code = models.CharField(max_length=32, unique=True)
    ref = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=version_now)
    dirty = models.BooleanField(default=True)
    year_month = models.CharField(max_length=7, blank=True)
    tokens = models.JSONField(default=dict)  # kind -> sorted hex OPRF tokens
    shared = models.BooleanField(default=False)
    keyed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"network report ref {self.ref[:8]} v{self.version}"


class Tombstone(models.Model):
    """A ref the hub must delete (consent withdrawn, case erased, suspect gone). It outlives the
    case: it holds nothing but the random ref."""

    ref = models.CharField(max_length=32, unique=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"tombstone {self.ref[:8]}"


# The closed reason of the alerts of a hub this instance left (`aigaq network leave`, or
# `join --rejoin`); the hub's own reasons are "withdrawn" and "no_longer_matches".
LEFT = "left"


class AlertState(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Decision(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")


class ContactState(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class NetworkAlert(models.Model):
    """One of this member's alerts as the hub last reported it (GET /v1/alerts), plus the work
    contact this side sent, which the hub does not send back. `code` names it in URLs."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    hub_id = models.CharField(max_length=64, unique=True)
    my_ref = models.CharField(max_length=32, db_index=True)
    other_member = models.CharField(max_length=200)
    other_city = models.CharField(max_length=100, blank=True)
    strength = models.FloatField()
    evidence_kinds = models.JSONField(default=list)
    chained = models.BooleanField(default=False)  # one man through a chain of other suspects of the network
    my_year_month = models.CharField(max_length=7, blank=True)
    other_year_month = models.CharField(max_length=7, blank=True)
    state = models.CharField(max_length=8, choices=AlertState.choices, default=AlertState.OPEN)
    closed_reason = models.CharField(max_length=24, blank=True)
    my_decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    other_decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    contact_requested_by = models.CharField(max_length=8, blank=True)  # "me", "other" or ""
    contact_state = models.CharField(max_length=10, choices=ContactState.choices, blank=True)
    contact_message_sealed = models.TextField(blank=True)
    contact_other_sealed = models.TextField(blank=True)  # her counterpart's work contact, once accepted
    contact_mine_sealed = models.TextField(blank=True)  # what this side sent, kept here only
    first_seen_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_seen_at", "-id"]

    def __str__(self) -> str:
        return f"network alert {self.code[:8]}"

    def _open(self, name: str) -> str:
        return sealing.unseal(getattr(self, f"{name}_sealed"), place=sealing.alert_place(self.code, name))

    def _seal(self, name: str, value: str) -> None:
        setattr(self, f"{name}_sealed", sealing.seal(value, place=sealing.alert_place(self.code, name)))

    @property
    def contact_message(self) -> str:
        return self._open("contact_message")

    @contact_message.setter
    def contact_message(self, value: str) -> None:
        self._seal("contact_message", value)

    @property
    def contact_other(self) -> str:
        return self._open("contact_other")

    @contact_other.setter
    def contact_other(self, value: str) -> None:
        self._seal("contact_other", value)

    @property
    def contact_mine(self) -> str:
        return self._open("contact_mine")

    @contact_mine.setter
    def contact_mine(self, value: str) -> None:
        self._seal("contact_mine", value)

    @property
    def both_confirmed(self) -> bool:
        return self.my_decision == Decision.CONFIRMED and self.other_decision == Decision.CONFIRMED
