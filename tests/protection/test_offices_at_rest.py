"""What names or locates a person or an office on the pathway is sealed at rest: the survivor's
pseudonym, the officer's and the judge's names and the name of an office written for "other" are
in neither the database file nor its WAL, nor the statistics cache; a police unit of the list is
stored by its code only."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.models import PathwayEvent
from aigaq.insights.models import CaseFigures

from ..conftest import SURVIVOR, case_data
from .helpers import sqlite_file_bytes

PSEUDONYM = "Айгерім-Zq81"
OFFICER = "лейтенант Сейітов-Wx4"
JUDGE = "судья Оспанова-Kv9"
OTHER_UNIT = "Шонжы ауылдық полиция бекеті-Jm3"
OTHER_COURT = "Ұйғыр аудандық соты-Pf5"
PLAINTEXTS = (PSEUDONYM, OFFICER, JUDGE, OTHER_UNIT, OTHER_COURT)
DAY = dt.date(2025, 5, 5)


def _every_stored_value() -> bytes:
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts).encode("utf-8")


def _leaks(blob: bytes) -> list[str]:
    return [p for p in PLAINTEXTS if p.encode("utf-8") in blob]


@pytest.mark.django_db(transaction=True)
def test_pseudonym_officer_judge_and_written_offices_are_absent_from_the_database_file_and_wal(
    alice: User,
) -> None:
    data = case_data(survivor=dataclasses.replace(SURVIVOR, pseudonym=PSEUDONYM, consent_statistics=True))
    case = services.case_create(actor=alice, **data)
    add = services.pathway_event_add
    add(actor=alice, case=case, event_type="police_contacted", date=DAY, data={"unit": OTHER_UNIT})
    add(actor=alice, case=case, event_type="report_refused", date=DAY,
        data={"reason": "natural_instincts", "unit": "kz-71-up-yesil", "officer": OFFICER})
    add(actor=alice, case=case, event_type="sent_to_court", date=DAY,
        data={"article": "CC-120", "court": "other", "court_other": OTHER_COURT})
    add(actor=alice, case=case, event_type="hearing", date=DAY, data={"judge": JUDGE})
    # They are there, sealed, and open with the case's key.
    assert case.survivor.pseudonym == PSEUDONYM
    contacted = PathwayEvent.objects.get(case=case, type="police_contacted")
    assert contacted.facts == {"unit": "other"} and contacted.details == {"unit_other": OTHER_UNIT}
    figures = CaseFigures.objects.get(case_id=case.pk)
    assert figures.police_unit == "kz-71-up-yesil"  # the first unit of the list, by its code
    assert not _leaks(_every_stored_value())
    assert not _leaks(sqlite_file_bytes())
