"""`aigaq serve` gives SQLite's planner the tables' statistics, so that a search among 100,000
cases looks up its hits instead of walking every case of the organisation."""

from __future__ import annotations

import pytest
from django.db import connection

from aigaq.cases.models import Case
from aigaq.ops.serving import refresh_query_statistics

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner only")
def test_serving_starts_with_sqlites_query_statistics(case: Case) -> None:
    refresh_query_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [Case._meta.db_table])
        assert cursor.fetchone()[0] > 0
