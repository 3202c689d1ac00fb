"""Alerts are raised as suspects are recorded: the same man across alphabets and cities is found,
namesakes are not, consent decides, and organisations never see each other's suspects."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.db import connection

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.inputs import SurvivorInput, SuspectInput
from aigaq.cases.models import Case
from aigaq.matching.models import CloseReason, MatchAlert, Status, SuspectBlockKey, SuspectEncoding, SuspectNameToken

from .conftest import ORAL, story


def test_the_same_man_in_astana_and_oral_in_two_alphabets_raises_an_alert(astana_case: Case, oral_case: Case) -> None:
    alert = MatchAlert.objects.get()
    assert {alert.case_a_id, alert.case_b_id} == {astana_case.pk, oral_case.pk}
    assert alert.status == Status.OPEN
    assert alert.probability > 0.9
    assert alert.outcomes["phone"] == "agree"
    assert alert.outcomes["name"] == "agree"
    assert alert.outcomes["birth"] == "agree"


def test_namesakes_whose_ages_cannot_match_raise_no_alert(alice: User, make_case: Callable[..., Case]) -> None:
    make_case(alice, suspects=[SuspectInput(full_name="Нурлан Ахметов", birth_date="1970", sex="male")])
    make_case(
        alice,
        incident=ORAL,
        suspects=[SuspectInput(full_name="Нурлан Ахметов", birth_date="1998", sex="male")],
    )
    assert not MatchAlert.objects.exists()


def test_the_same_common_name_born_on_the_same_day_is_an_alert(alice: User, make_case: Callable[..., Case]) -> None:
    """The control for the namesakes: the same two names, born on the same day, in one city."""
    make_case(alice, suspects=[SuspectInput(full_name="Нурлан Ахметов", birth_date="1990-03-14", sex="male")])
    make_case(alice, suspects=[SuspectInput(full_name="Nurlan Akhmetov", birth_date="1990-03-14", sex="male")])
    assert MatchAlert.objects.count() == 1


def test_suspects_of_one_case_are_not_matched_with_each_other(alice: User, make_case: Callable[..., Case]) -> None:
    make_case(alice, suspects=[story(), story(full_name="Жәнібек Сейітов")])
    assert not MatchAlert.objects.exists()


def test_cases_of_another_organisation_are_never_matched(
    astana_case: Case, olga: User, make_case: Callable[..., Case]
) -> None:
    make_case(olga, incident=ORAL, suspects=[story()])
    assert not MatchAlert.objects.exists()
    assert SuspectEncoding.objects.count() == 2


def test_a_case_without_consent_to_matching_takes_no_part(
    alice: User, astana_case: Case, make_case: Callable[..., Case]
) -> None:
    make_case(alice, incident=ORAL, suspects=[story()], survivor=SurvivorInput(sex="female", consent_matching=False))
    assert not MatchAlert.objects.exists()
    assert SuspectEncoding.objects.count() == 1


def test_withdrawing_consent_removes_the_alerts_and_all_future_matching(
    alice: User, dina: User, astana_case: Case, oral_case: Case
) -> None:
    services.survivor_consent_update(actor=dina, case=oral_case, services=False, matching=False, statistics=True)
    assert not MatchAlert.objects.exclude(status=Status.WITHDRAWN).exists()
    assert not SuspectEncoding.objects.filter(case=oral_case).exists()
    assert not SuspectBlockKey.objects.filter(case=oral_case).exists()
    services.suspect_add(actor=dina, case=oral_case, data=story(full_name="Жанибек Сеитов"))
    services.suspect_add(actor=alice, case=astana_case, data=story(full_name="Zhanibek Seitov"))
    assert not MatchAlert.objects.filter(case_b=oral_case, status=Status.OPEN).exists()
    assert not MatchAlert.objects.filter(case_a=oral_case, status=Status.OPEN).exists()


def test_consent_given_again_brings_the_alert_back(dina: User, astana_case: Case, oral_case: Case) -> None:
    services.survivor_consent_update(actor=dina, case=oral_case, services=False, matching=False, statistics=True)
    services.survivor_consent_update(actor=dina, case=oral_case, services=False, matching=True, statistics=True)
    assert MatchAlert.objects.get().status == Status.OPEN


def test_editing_a_suspect_rematches_him_at_once(dina: User, astana_case: Case, oral_case: Case) -> None:
    suspect = oral_case.suspects.get()
    services.suspect_update(
        actor=dina,
        suspect=suspect,
        data=dataclasses.replace(
            SuspectInput.of(suspect), full_name="Ерлан Омаров", phones="+7 777 000 1122", approx_age=60
        ),
        version=suspect.version,
    )
    alert = MatchAlert.objects.get()
    assert alert.status == Status.CLOSED
    assert alert.closed_reason == CloseReason.SUSPECT_CHANGED
    services.suspect_update(actor=dina, suspect=suspect, data=story(), version=suspect.version)
    alert = MatchAlert.objects.get()
    assert alert.status == Status.OPEN
    assert alert.closed_reason == ""


def test_a_later_incident_by_the_same_phone_alone_is_raised(
    alice: User, astana_case: Case, make_case: Callable[..., Case]
) -> None:
    """A third case has only his phone, in yet another format."""
    make_case(
        alice,
        incident=dataclasses.replace(ORAL, date_from=dt.date(2026, 1, 5)),
        suspects=[SuspectInput(phones="87015551234", sex="male", relation="acquaintance")],
    )
    assert MatchAlert.objects.count() == 1


def test_matching_features_are_stored_only_in_keyed_form(astana_case: Case, oral_case: Case) -> None:
    """No name, phone digits or age in any matching table, as the database holds them."""
    tables = [m._meta.db_table for m in (SuspectEncoding, SuspectBlockKey, SuspectNameToken, MatchAlert)]
    with connection.cursor() as cursor:
        dump = ""
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            dump += repr(cursor.fetchall())
    for plain in (
        "Жәнібек",
        "Сейітов",
        "ZHANIBEK",
        "SEITOV",
        "zhanibek",
        "seitov",
        "жанибек",
        "5551234",
        "555-12-34",
        "7015551234",
        "Астана",
        "oral",
    ):
        assert plain not in dump
    assert SuspectEncoding.objects.count() == 2
