from __future__ import annotations

from django.db import models


class Peer(models.Model):
    """A party allowed to sign requests here: a member (by its network id) or the hub."""

    name = models.CharField(max_length=64, unique=True)
    public_key = models.CharField(max_length=64)
    added_at = models.DateTimeField(auto_now_add=True)


class SeenNonce(models.Model):
    """A nonce of an accepted request, kept a little longer than a signature stays valid."""

    sender = models.CharField(max_length=64)
    nonce = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sender", "nonce"], name="peers_nonce_once")]
