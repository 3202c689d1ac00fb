from __future__ import annotations

from django.db import models


class EvaluationCount(models.Model):
    """How many values one member had evaluated in one hour (its start, UTC): the limits per hour
    and per day are read from these, and `status` prints them. Counts only: inputs never exist here."""

    member = models.CharField(max_length=32)
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "hour"], name="keyservice_count_once")]
