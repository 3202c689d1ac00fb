from __future__ import annotations

from django.db import models


class RemovedMember(models.Model):
    """A member the key service's operator removed (`aigaq network keyservice remove`): its key is
    no longer a peer, and the hub cannot register it again."""

    member = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"removed member {self.member}"


class EvaluationCount(models.Model):
    """How many values one member had evaluated in one hour (its start, UTC): the limits per hour
    and per day are read from these, and `status` prints them. Counts only: inputs never exist here."""

    member = models.CharField(max_length=32)
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "hour"], name="keyservice_count_once")]
