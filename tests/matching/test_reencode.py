"""Encoding version 3 (issue 17) in matching: stored suspects of version 2 are re-encoded from
their sealed fields by migration 0007 and still match; one-sided block keys find a surname with
initials from a whole name and back; `aigaq check` names encodings left at an older version."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from aigaq.accounts.models import User
from aigaq.cases.inputs import SuspectInput
from aigaq.cases.mention import mention_for
from aigaq.cases.models import Case, Suspect
from aigaq.linkage import ENCODING_VERSION, EncodedMention, encode_mentions
from aigaq.matching import services
from aigaq.matching.encoding import linkage_key
from aigaq.matching.models import BlockRole, MatchAlert, SuspectBlockKey, SuspectEncoding
from aigaq.matching.relink import outdated_encodings
from aigaq.matching.storage import encodings_store

from .conftest import ORAL

reencode = importlib.import_module("aigaq.matching.migrations.0007_reencode_for_linkage_v3").reencode


def _store_as_version_2() -> None:
    """Rewrites every stored encoding as version 2 wrote it (what a database had before 0007)."""
    for suspect in Suspect.objects.filter(encoding__isnull=False).select_related("case__incident"):
        (old,) = encode_mentions([mention_for(suspect)], linkage_key(), version=2)
        encodings_store(rows=[(suspect.pk, suspect.case_id, suspect.case.organisation_id, old)])


def _stored() -> list[str]:
    return list(SuspectEncoding.objects.values_list("encoded", flat=True))


def test_version_2_encodings_are_re_encoded_by_the_migration_and_still_match(
    astana_case: Case, oral_case: Case
) -> None:
    pair = MatchAlert.objects.values_list("suspect_a_id", "suspect_b_id").get()
    _store_as_version_2()
    MatchAlert.objects.all().delete()
    assert outdated_encodings() == 2 == SuspectEncoding.objects.filter(version=2).count()
    assert {EncodedMention.from_json(t).version for t in _stored()} == {2}
    reencode(apps, None)
    assert outdated_encodings() == 0
    assert set(SuspectEncoding.objects.values_list("version", flat=True)) == {ENCODING_VERSION}
    assert {EncodedMention.from_json(t).version for t in _stored()} == {3}
    # The two suspects of the story meet again.
    assert MatchAlert.objects.values_list("suspect_a_id", "suspect_b_id").get() == pair


def test_the_migration_has_nothing_to_do_without_suspects_in_matching(db: Any) -> None:
    reencode(apps, None)
    assert not SuspectEncoding.objects.exists()


def _candidates(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    seen: list[list[str]] = []
    real = services.score_encoded

    def spy(new: EncodedMention, candidates: list[EncodedMention], *a: Any, **kw: Any) -> Any:
        seen.append(sorted(c.id for c in candidates))
        return real(new, candidates, *a, **kw)

    monkeypatch.setattr(services, "score_encoded", spy)
    return seen


def test_a_surname_with_initials_and_a_stored_whole_name_are_compared_both_ways(
    alice: User, make_case: Callable[..., Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _candidates(monkeypatch)
    whole = make_case(alice, suspects=[SuspectInput(full_name="Өмiржан Ғалибеков", sex="male")])
    assert SuspectBlockKey.objects.filter(role=BlockRole.TARGET, suspect__case=whole).exists()
    probe = make_case(alice, incident=ORAL, suspects=[SuspectInput(full_name="Галибеков О.У.", sex="male")])
    assert SuspectBlockKey.objects.filter(role=BlockRole.PROBE, suspect__case=probe).exists()
    whole_id, probe_id = str(whole.suspects.get().pk), str(probe.suspects.get().pk)
    assert seen[-1] == [whole_id]
    # And the other way round: a whole name recorded after the surname with initials finds it.
    later = make_case(alice, suspects=[SuspectInput(full_name="Омиржан Галибеков", sex="male")])
    assert probe_id in seen[-1] and str(later.suspects.get().pk) not in seen[-1]


def test_two_whole_names_sharing_only_a_word_and_an_initial_are_not_compared(
    alice: User, make_case: Callable[..., Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _candidates(monkeypatch)
    make_case(alice, suspects=[SuspectInput(full_name="Ерлан Ахметов", sex="male")])
    make_case(alice, incident=ORAL, suspects=[SuspectInput(full_name="Ержан Ахметов", sex="male")])
    assert seen == [] or seen[-1] == []


def test_aigaq_check_names_encodings_of_an_older_version(
    astana_case: Case, oral_case: Case, settings: Any, capsys: Any
) -> None:
    settings.REQUIRE_2FA = True
    _store_as_version_2()
    with pytest.raises(CommandError):
        call_command("aigaq_check")
    assert "2 suspects in matching are encoded with an older encoding version" in capsys.readouterr().err
    call_command("relink", "--quiet")
    call_command("aigaq_check")
    assert "configuration looks right" in capsys.readouterr().out


def test_the_scoring_model_counts_the_candidates_one_word_names_and_scales_their_share(
    alice: User, make_case: Callable[..., Case]
) -> None:
    from aigaq.matching import weights
    from aigaq.matching.models import MatchingModel

    first = make_case(alice, suspects=[SuspectInput(full_name="Галибеков О.У.", sex="male")])
    make_case(alice, suspects=[SuspectInput(full_name="Галибеков О.", sex="male")])
    org = first.organisation_id
    stored = [EncodedMention.from_json(t) for t in _stored()]
    (new,) = encode_mentions([mention_for(Suspect.objects.first())], linkage_key())
    new.tokens.pop("name1", None)
    model = weights.scoring_model(organisation_id=org, new=new, candidates=stored)
    (one_word,) = {t for e in stored for t in e.tokens["name1"]}
    assert model.tf[one_word] == 2
    assert model.tf_one == 0  # no fit yet: such pairs stay unadjusted
    call_command("relink", "--quiet")
    fitted = weights.scoring_model(organisation_id=org, new=new, candidates=stored)
    assert MatchingModel.objects.get(organisation_id=org) and fitted.tf_one == fitted.tf_total == 2
