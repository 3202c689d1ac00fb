"""The hooks only queue: a consenting suspect's change marks him to upload, a withdrawal or an
erasure leaves a tombstone for his ref, and nothing talks to the network during casework."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from aigaq.accounts.models import User
from aigaq.cases import erasure, services
from aigaq.cases.inputs import SurvivorInput, SuspectInput
from aigaq.cases.models import Case
from aigaq.network.models import NetworkSuspect, Tombstone, version_now

from .conftest import FakeNetwork


def test_a_consenting_cases_suspect_is_queued_for_upload(consenting_case: Case, network: FakeNetwork) -> None:
    row = NetworkSuspect.objects.get()
    assert row.suspect == consenting_case.suspects.get()
    assert row.dirty and row.version > 0
    assert len(row.ref) >= 16
    assert network.requests == [], "casework never waits for the network"


def test_a_change_to_him_raises_his_version(alice: User, consenting_case: Case) -> None:
    NetworkSuspect.objects.update(dirty=False)
    before = NetworkSuspect.objects.get().version
    suspect = consenting_case.suspects.get()
    for phone in ("+7 702 000 00 00", "+7 702 000 00 01"):  # twice within a second: still newer each time
        services.suspect_update(actor=alice, suspect=(_s := suspect), data=replace(SuspectInput.of(_s), phones=phone),
                                version=_s.version)
        row = NetworkSuspect.objects.get()
        assert row.dirty and row.version > before
        before = row.version


def test_versions_keep_growing_after_a_restore_from_an_older_backup(alice: User, consenting_case: Case) -> None:
    """A restored database holds older versions than the hub: the next change must still be newer
    than anything sent before the restore."""
    NetworkSuspect.objects.update(version=5)  # as a backup of long ago had it
    services.suspect_update(actor=alice, suspect=(_s := consenting_case.suspects.get()),
        data=replace(SuspectInput.of(_s), plates="123ABC02"), version=_s.version)
    assert NetworkSuspect.objects.get().version >= version_now() - 1


def test_a_new_suspect_of_a_consenting_case_is_queued(alice: User, consenting_case: Case) -> None:
    services.suspect_add(actor=alice, case=consenting_case, data=SuspectInput(full_name="Ерлан Омаров"))
    assert NetworkSuspect.objects.filter(suspect__case=consenting_case).count() == 2


def test_without_her_consent_nothing_is_queued(alice: User, case: Case) -> None:
    services.suspect_add(actor=alice, case=case, data=SuspectInput(full_name="Ерлан Омаров"))
    services.suspect_update(actor=alice, suspect=(_s := case.suspects.first()),
        data=replace(SuspectInput.of(_s), plates="123ABC02"), version=_s.version)
    assert not NetworkSuspect.objects.exists()
    assert not Tombstone.objects.exists()


def test_consent_given_later_queues_all_her_cases_suspects(alice: User, case: Case) -> None:
    services.suspect_add(actor=alice, case=case, data=SuspectInput(full_name="Ерлан Омаров"))
    services.survivor_consent_update(actor=alice, case=case, services=False, matching=True, statistics=True,
                                     network=True)
    assert NetworkSuspect.objects.filter(suspect__case=case, dirty=True).count() == 2


def test_withdrawing_consent_turns_her_suspects_refs_into_tombstones(alice: User, consenting_case: Case) -> None:
    ref = NetworkSuspect.objects.get().ref
    services.survivor_consent_update(actor=alice, case=consenting_case, services=False, matching=True,
                                     statistics=True, network=False)
    assert not NetworkSuspect.objects.exists()
    assert list(Tombstone.objects.values_list("ref", flat=True)) == [ref]


def test_consent_given_again_gets_a_new_ref(alice: User, consenting_case: Case) -> None:
    old = NetworkSuspect.objects.get().ref
    for network in (False, True):
        services.survivor_consent_update(actor=alice, case=consenting_case, services=False, matching=True,
                                         statistics=True, network=network)
    assert NetworkSuspect.objects.get().ref != old


def test_other_consents_changing_leave_the_network_queue_alone(alice: User, consenting_case: Case) -> None:
    NetworkSuspect.objects.update(dirty=False)
    services.survivor_consent_update(actor=alice, case=consenting_case, services=True, matching=False,
                                     statistics=False)
    assert not NetworkSuspect.objects.get().dirty
    assert not Tombstone.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_erasing_a_case_leaves_tombstones_that_outlive_it(
    cora: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(cora, survivor=SurvivorInput(sex="female", consent_network=True),
                     suspects=[SuspectInput(full_name="Жәнібек Сейітов"), SuspectInput(full_name="Ерлан Омаров")])
    refs = set(NetworkSuspect.objects.values_list("ref", flat=True))
    erasure.case_erase(actor=cora, case=case)
    assert not Case.objects.exists()
    assert not NetworkSuspect.objects.exists()
    assert set(Tombstone.objects.values_list("ref", flat=True)) == refs
