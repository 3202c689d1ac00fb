"""What waits for the next sync: suspects to upload (dirty `NetworkSuspect` rows) and refs to delete
(`Tombstone` rows). Written inside the transaction of the casework that caused them, so a change
and its queue entry commit together; nothing here talks to the hub (docs/network.md: casework
never waits for the network)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Greatest

from aigaq.cases.models import Case, Survivor, Suspect

from .models import NetworkSuspect, Tombstone, version_now


def consents(case_id: int) -> bool:
    """Read from the database, not from a cached `case.survivor`: the write that called us may have
    just changed it."""
    return Survivor.objects.filter(case_id=case_id, consent_network=True).exists()


def consenting_cases(case_ids: set[int]) -> set[int]:
    """Those of these cases whose survivor consents to the network (read as `consents` is)."""
    return set(Survivor.objects.filter(case_id__in=case_ids, consent_network=True).values_list("case_id", flat=True))


def _bump(rows: QuerySet[NetworkSuspect]) -> int:
    """A newer version for each: one more than before, or the clock if that is later."""
    return rows.update(version=Greatest(F("version") + 1, Value(version_now())), dirty=True)


def suspects_enqueue(suspects: Iterable[Suspect]) -> None:
    """Each suspect's newest state is to be uploaded: a new ref for one the network does not know
    yet, a higher version for one it does."""
    ids = [s.pk for s in suspects]
    known = set(NetworkSuspect.objects.filter(suspect_id__in=ids).values_list("suspect_id", flat=True))
    _bump(NetworkSuspect.objects.filter(suspect_id__in=known))
    NetworkSuspect.objects.bulk_create(NetworkSuspect(suspect_id=pk) for pk in ids if pk not in known)


def refs_withdraw(rows: QuerySet[NetworkSuspect]) -> None:
    """The hub is to delete these refs: each becomes a tombstone (kept until the hub has it), and
    the suspect no longer takes part. A suspect who takes part again later gets a new ref."""
    refs = list(rows.values_list("ref", flat=True))
    Tombstone.objects.bulk_create([Tombstone(ref=r) for r in refs], ignore_conflicts=True)
    NetworkSuspect.objects.filter(ref__in=refs).delete()


def all_enqueue(organisation_id: int) -> int:
    """Every taking-part suspect of the organisation is to be sent again (after restoring a backup,
    or once the network's key was rotated: the hub then holds tokens under the old key)."""
    return _bump(NetworkSuspect.objects.filter(suspect__case__organisation_id=organisation_id))


def case_rows(case: Case) -> QuerySet[NetworkSuspect]:
    return NetworkSuspect.objects.filter(suspect__case=case)
