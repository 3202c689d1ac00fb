"""Which stored suspects a new one is scored against: the most selective block keys first, capped,
so a common name's thousands of namesakes cost nothing and his true match is still found."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from aigaq.accounts.models import User
from aigaq.cases.inputs import SuspectInput
from aigaq.cases.models import Case
from aigaq.matching import relink, services
from aigaq.matching.models import MatchAlert

from .conftest import ORAL


def test_block_keys_are_taken_smallest_block_first_while_the_total_stays_under_the_cap() -> None:
    sizes = {"name-pair": 5000, "phone": 2, "name-year": 40, "name-date": 3}
    assert services.selective_keys(sizes, limit=100) == ["phone", "name-date", "name-year"]
    assert services.selective_keys(sizes, limit=44) == ["phone", "name-date"]
    assert services.selective_keys({"common": 10}, limit=5) == []


def test_a_namesake_crowd_over_the_cap_does_not_hide_the_same_phone(
    alice: User, make_case: Callable[..., Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "MAX_CANDIDATES", 3)
    for year in ("1960", "1970", "1980", "2000"):  # namesakes: only the name blocks join them
        make_case(alice, suspects=[SuspectInput(full_name="Нурлан Ахметов", birth_date=year, sex="male")])
    make_case(alice, suspects=[SuspectInput(full_name="Нурлан Ахметов", phones="+7 701 222 3344", sex="male")])
    MatchAlert.objects.all().delete()
    make_case(
        alice,
        incident=ORAL,
        suspects=[SuspectInput(full_name="Nurlan Akhmetov", phones="87012223344", sex="male")],
    )
    alert = MatchAlert.objects.get()
    assert alert.outcomes["phone"] == "agree"


def test_the_suspect_count_behind_name_frequencies_follows_adds_edits_withdrawals_and_relink(
    alice: User, dina: User, astana_case: Case, oral_case: Case
) -> None:
    from django.core.management import call_command

    from aigaq.cases import services as cases
    from aigaq.matching.models import SuspectCount, SuspectEncoding

    def count() -> int:
        return SuspectCount.objects.get(organisation_id=astana_case.organisation_id).suspects

    assert count() == 2
    suspect = oral_case.suspects.get()
    renamed = dataclasses.replace(SuspectInput.of(suspect), full_name="Ерлан Омаров")
    cases.suspect_update(actor=dina, suspect=suspect, data=renamed, version=suspect.version)
    assert count() == 2
    cases.survivor_consent_update(actor=dina, case=oral_case, services=False, matching=False, statistics=True)
    assert count() == 1
    call_command("relink", "--quiet")
    assert count() == 1 == SuspectEncoding.objects.count()


def test_relink_with_forked_encoding_workers_raises_the_same_alerts(
    astana_case: Case, oral_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.management import call_command

    before = list(MatchAlert.objects.values_list("suspect_a_id", "suspect_b_id", "outcomes"))
    monkeypatch.setattr(relink, "PARALLEL_MIN_SUSPECTS", 1)
    monkeypatch.setattr(relink, "ENCODE_CHUNK", 1)
    call_command("relink", "--quiet")
    assert list(MatchAlert.objects.values_list("suspect_a_id", "suspect_b_id", "outcomes")) == before


def test_suspects_known_only_by_a_first_name_are_matched_without_a_server_error(
    alice: User, make_case: Callable[..., Case]
) -> None:
    # Issue 17: one-word names crashed the batch comparator; a survivor often knows only his first name.
    make_case(alice, suspects=[SuspectInput(full_name="Ерлан", sex="male")])
    make_case(alice, suspects=[SuspectInput(full_name="Ерлан", phones="+7 701 444 5566", sex="male")])
    make_case(alice, incident=ORAL, suspects=[SuspectInput(full_name="Yerlan", phones="87014445566", sex="male")])
    assert MatchAlert.objects.count() == 1  # the shared phone links; the bare first name alone does not
