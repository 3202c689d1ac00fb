"""Migration insights 0008: the statistics cache names no police unit, only its code, and the
tallies are summed again so that two spellings of one unit are one row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.insights.models import CaseFigures, FigureTally

from ..conftest import INCIDENT, case_data


def test_written_units_in_the_cache_become_codes_and_the_tallies_hold_no_name(alice: User) -> None:
    migration = importlib.import_module("aigaq.insights.migrations.0008_police_unit_codes")
    cases = []
    for written in ("УП г. Уральска", "Орал қ. ПБ", "Шонжы полиция бекеті"):
        case = services.case_create(actor=alice, **case_data(incident=dataclasses.replace(INCIDENT, region="KZ-27")))
        services.pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=dt.date(2025, 5, 5),
                                   data={"unit": "kz-27-up-oral"})
        CaseFigures.objects.filter(case_id=case.pk).update(police_unit=written)  # as an older version stored it
        cases.append(case)
    before = MigrationExecutor(connection).loader.project_state(("insights", "0007_measure_length")).apps
    migration.code_units(before, None)
    units = [CaseFigures.objects.get(case_id=c.pk).police_unit for c in cases]
    assert units == ["kz-27-up-oral", "kz-27-up-oral", ""]
    keys = set(FigureTally.objects.filter(measure__in=("unit", "unit_days")).values_list("key", flat=True))
    assert keys <= {"kz-27-up-oral", ""} and "kz-27-up-oral" in keys
