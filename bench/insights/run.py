"""Insights benchmark: N synthetic incidents; the dashboard cold and warm, every chart, the CSV
export and the PDF, on SQLite and PostgreSQL, beside the naive per-case Python derivation.

    .venv/bin/python bench/insights/run.py --db both --n 1000000        # SQLite, then PostgreSQL
    .venv/bin/python bench/insights/run.py --db sqlite --n 100000

Cases, survivors, incidents, pathway events and costs are written in bulk, bypassing the services
(and so encryption: the metrics never read a sealed column, which stay empty): executemany in one
transaction on SQLite, COPY on PostgreSQL (database `aigaq_bench_insights`, dropped and created).
The per-case statistics cache is computed with the production `case_figures()` as rows are
generated; its monthly sums with the production `tally_rebuild_all()` (timed).

"cold" is a request whose eight charts are not in the chart cache (each is drawn by matplotlib);
"warm" repeats the request. Each figure is the median of 3 runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "aigaq_bench_insights"


def configure(db: str, *, fresh: bool) -> None:
    """Points Django at the benchmark database, emptied first when `fresh`, and migrates it."""
    if db == "sqlite":
        path = Path(tempfile.gettempdir()) / "aigaq-bench-insights.sqlite3"
        for suffix in ("", "-wal", "-shm") if fresh else ():
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        if fresh:
            with psycopg.connect(PG_SERVER, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
                conn.execute(f"CREATE DATABASE {PG_DATABASE}")
        url = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
    os.environ["AIGAQ_TEST_ON_POSTGRES"] = "1"  # tests.settings: use AIGAQ_TEST_DATABASE_URL as it is
    os.environ["AIGAQ_TEST_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def write(model: Any, rows: list[dict[str, Any]]) -> None:
    """Writes rows with every concrete column: the given value, else the field's default."""
    from django.db import connection

    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    now = dt.datetime.now(dt.UTC)

    def value(f: Any, row: dict[str, Any]) -> Any:
        if f.attname in row:
            return row[f.attname]
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            return now
        default = f.get_default()
        if isinstance(default, dict):
            return "{}"
        if default is None and not f.null:
            return b"" if f.get_internal_type() == "BinaryField" else ""
        return default

    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = ([value(f, row) for f in fields] for row in rows)
    if connection.vendor == "postgresql":
        copying = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        with connection.connection.cursor() as cursor, cursor.copy(copying) as copy:
            for row_values in values:
                copy.write_row(row_values)
    else:
        marks = ", ".join(["%s"] * len(fields))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})", list(values))  # noqa: S608


def generate(n: int, seed: int = 6) -> int:
    """Writes n cases with their events, costs and statistics rows; returns the analyst's id."""
    from django.db import connection, transaction

    from aigaq import reference
    from aigaq.accounts.models import Membership, Organisation, Role, User
    from aigaq.cases.models import Case, Cost, Incident, PathwayEvent, Survivor
    from aigaq.insights.figures import CostLike, EventRow, case_figures
    from aigaq.insights.models import CaseFigures

    rng = random.Random(seed)
    org = Organisation.objects.create(name="Bench network")
    user = User.objects.create_user("bench-analyst", password="x" * 16)
    Membership.objects.create(user=user, organisation=org, role=Role.ANALYST)
    cities = [(c.code, c.region, c.urban) for c in reference.cities()]
    gbv = [g.code for g in reference.gbv_types()]
    reasons = [r.code for r in reference.refusal_reasons()]
    arguments = [a.code for a in reference.defence_arguments()]
    # Police units by their codes (cases.offices): the city's own, else its region's department.
    police = [o for o in reference.offices() if o.kind == "police"]
    units = {
        code: [o.code for o in police if o.city == code]
        or [o.code for o in police if o.region == region and o.level == "region"]
        for code, region, _u in cities
    }
    start = dt.date(2019, 1, 1)
    batch = 50000
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")  # a benchmark load; lost on a crash, rerun
    with transaction.atomic():
        for first in range(1, n + 1, batch):
            cases, survivors, incidents, events, costs, figures = [], [], [], [], [], []
            for case_id in range(first, min(first + batch, n + 1)):
                code = f"bench{case_id:011d}"
                cases.append({"id": case_id, "code": code, "organisation_id": org.pk})
                consent = rng.random() < 0.85
                survivors.append(
                    {"case_id": case_id, "code": f"s{code}", "pseudonym": "", "consent_statistics": consent}
                )
                city, region, urban = rng.choice(cities)
                date = start + dt.timedelta(days=rng.randrange(7 * 365))
                incident = {
                    "case_id": case_id,
                    "code": f"i{code}",
                    "date_from": date,
                    "region": region,
                    "city": city,
                    "area": "urban" if urban else "rural",
                    "place_type": "street",
                    "gbv_type": rng.choice(gbv),
                }
                incidents.append(incident)
                mine: list[EventRow] = []
                day = date

                def event(kind: str, facts: dict[str, Any], out: list[EventRow] = mine) -> None:
                    nonlocal day
                    day = day + dt.timedelta(days=rng.randrange(0, 40))
                    out.append(EventRow(kind, day, facts))

                event("incident", {})
                if rng.random() < 0.75:
                    unit = rng.choice(units[city])
                    event("police_contacted", {"unit": unit})
                    registered = True
                    if rng.random() < 0.3:
                        event("report_refused", {"reason": rng.choice(reasons), "unit": unit})
                        registered = rng.random() < 0.4
                    if registered and rng.random() < 0.8:
                        article = rng.choice(["CC-120", "CC-120", "CC-121", "CC-123", "CC-131"])
                        event("report_registered", {"initial_article": article, "unit": unit})
                        if rng.random() < 0.25:
                            to = rng.choice(["CAO-434", "CC-293", "CC-121"])
                            event("requalified", {"from_article": article, "to_article": to})
                        if rng.random() < 0.15:
                            event("investigation_terminated", {"ground": "insufficient_evidence"})
                        elif rng.random() < 0.5:
                            event("sent_to_court", {"article": article})
                            heard = rng.sample(arguments, rng.randrange(0, 3))
                            event("hearing", {"closed": rng.random() < 0.5, "defence_arguments": heard})
                            if rng.random() < 0.85:
                                outcome = rng.choice(["convicted"] * 3 + ["acquitted", "case_dismissed"])
                                event("verdict", {"outcome": outcome})
                                if outcome == "convicted":
                                    kind = rng.choice(["imprisonment", "imprisonment", "suspended", "fine"])
                                    months = rng.randrange(6, 180)
                                    event("sentence", {"sentence_type": kind, "length_months": months})
                events += [
                    {
                        "case_id": case_id,
                        "code": f"e{case_id}-{i}",
                        "type": e.type,
                        "date": e.date,
                        "facts": json.dumps(e.facts),
                    }
                    for i, e in enumerate(mine)
                ]
                paid: list[CostLike] = []
                if rng.random() < 0.3:
                    cost = CostLike(
                        rng.choice(["lawyer", "travel"]),
                        rng.choice(["survivor", "family", "organisation"]),
                        Decimal(rng.randrange(5, 300) * 1000),
                    )
                    costs.append(
                        {
                            "case_id": case_id,
                            "code": f"c{code}",
                            "kind": cost.kind,
                            "amount": cost.amount,
                            "payer": cost.payer,
                        }
                    )
                    paid.append(cost)
                if consent:
                    figures.append(
                        {
                            "case_id": case_id,
                            "organisation_id": org.pk,
                            "incident_date": date,
                            "year": date.year,
                            "region": region,
                            "city": city,
                            "area": incident["area"],
                            "gbv_type": incident["gbv_type"],
                            **vars(case_figures(mine, incident_date=date, costs=paid)),
                        }
                    )
            write(Case, cases)
            write(Survivor, survivors)
            write(Incident, incidents)
            write(PathwayEvent, events)
            write(Cost, costs)
            write(CaseFigures, figures)
            print(f"  {first + len(cases) - 1:>9} cases written", end="\r", file=sys.stderr)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{Case._meta.db_table}', 'id'), %s)", [n + 1])
    return user.pk


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def machine() -> str:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
    wanted = ("Model name", "CPU(s):", "Thread(s) per core", "CPU MHz", "L3 cache")
    cpu = "; ".join(" ".join(line.split()) for line in lscpu if line.startswith(wanted))
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
    return f"{cpu}; memory {memory}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"


def measure(db: str, n: int, naive_sample: int, *, reuse: bool) -> None:
    configure(db, fresh=not reuse)
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import translation

    from aigaq.accounts.models import Organisation, User
    from aigaq.cases.models import Case, Cost, PathwayEvent
    from aigaq.insights import charts
    from aigaq.insights.figures import CASE_COLUMNS, _rows, case_figures, figures_refresh
    from aigaq.insights.filters import Filter
    from aigaq.insights.metrics import all_sections
    from aigaq.insights.models import CaseFigures, FigureTally
    from aigaq.insights.report import render_report
    from aigaq.insights.rollup import tally_rebuild_all

    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    if reuse:
        n = Case.objects.count()
    print(f"\n## {connection.vendor}, {n:,} incidents\n\nmachine at the start: {machine()}\n")
    if reuse:
        user_id = User.objects.get(username="bench-analyst").pk
    else:
        t0 = time.perf_counter()
        user_id = generate(n)
        t_generate = time.perf_counter() - t0
        t0 = time.perf_counter()
        tally_rows = tally_rebuild_all()
        t_tally = time.perf_counter() - t0
        years = FigureTally.objects.filter(span="year").count()
        print(
            f"- written with their per-case cache in {t_generate:.0f} s; monthly sums (`tally_rebuild_all`) "
            f"in {t_tally:.1f} s: {tally_rows:,} rows ({tally_rows - years:,} month rows, {years:,} year rows)"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    events = PathwayEvent.objects.count()
    counted = CaseFigures.objects.count()
    print(f"- {n:,} incidents, {events:,} events, {counted:,} counted cases (consent)")

    # A write: what the insights hook adds to every change of a case (its row and the sums).
    writes = []
    for case_id in CaseFigures.objects.order_by("case_id").values_list("case_id", flat=True)[1000:1011]:
        t0 = time.perf_counter()
        figures_refresh(case=Case.objects.get(pk=case_id))
        writes.append(time.perf_counter() - t0)
    print(
        "- the insights hook per write to a case (`figures_refresh`): "
        f"median {statistics.median(writes[1:]) * 1000:.0f} ms"
    )

    # The `insights_rebuild` rate and the naive baseline, on the first cases (both linear in cases).
    sample = list(Case.objects.order_by("pk").values_list("pk", flat=True)[:naive_sample])
    t0 = time.perf_counter()
    _rows(list(Case.objects.filter(pk__in=sample).values(*CASE_COLUMNS)))
    t_rebuild = (time.perf_counter() - t0) * n / len(sample)
    t0 = time.perf_counter()
    by_case: dict[int, list[Any]] = {}
    for event in PathwayEvent.objects.filter(case_id__in=sample).order_by("date").iterator(chunk_size=5000):
        by_case.setdefault(event.case_id, []).append(event)
    incidents = dict(Case.objects.filter(pk__in=sample).values_list("pk", "incident__date_from"))
    costs: dict[int, list[Any]] = {}
    for cost in Cost.objects.filter(case_id__in=sample):
        costs.setdefault(cost.case_id, []).append(cost)
    steps = [0] * 7
    for case_id, evs in by_case.items():
        for k in range(
            case_figures(evs, incident_date=incidents[case_id], costs=costs.get(case_id, [])).funnel_step + 1
        ):
            steps[k] += 1
    t_naive = (time.perf_counter() - t0) * n / len(sample)
    t_scan, _ = timed(
        lambda: list(CaseFigures.objects.values("year", "funnel_step").annotate(c=Count("*"))),
    )
    print(
        f"- baseline, naive per-case Python derivation (load every event and cost, `case_figures()` each case, "
        f"count the funnel): {len(sample):,}-case sample scaled to {n:,}: **{t_naive:.0f} s** per view\n"
        f"- one GROUP BY (year × funnel step) over the {counted:,}-row per-case cache, as every query of the "
        f"last version did: {t_scan * 1000:.0f} ms (a view made about 12 of them)\n"
        f"- `insights_rebuild`'s per-case derivation, sample scaled to {n:,} cases: {t_rebuild:.0f} s"
    )

    org = Organisation.objects.get(name="Bench network")
    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    filters = {
        "all years, by year": (Filter(organisations=(org,)), ""),
        "2024, by region": (
            Filter(organisations=(org,), since=dt.date(2024, 1, 1), until=dt.date(2024, 12, 31), by="region"),
            "since=2024-01-01&until=2024-12-31&by=region",
        ),
        "region KZ-75, by GBV type": (
            Filter(organisations=(org,), region="KZ-75", by="gbv_type"),
            "region=KZ-75&by=gbv_type",
        ),
        "2023-03-15..2025-06-10 (part-months), by area": (
            Filter(organisations=(org,), since=dt.date(2023, 3, 15), until=dt.date(2025, 6, 10), by="area"),
            "since=2023-03-15&until=2025-06-10&by=area",
        ),
    }
    print("\n| filter | metrics | dashboard GET, cold | dashboard GET, warm | CSV export GET |")
    print("|---|---:|---:|---:|---:|")
    with translation.override("kk"):
        for name, (f, query) in filters.items():
            t_metrics, _ = timed(lambda f=f: all_sections(f))

            def page(query: str = query, cold: bool = True) -> int:
                if cold:
                    charts._draw.cache_clear()
                response = client.get(f"/insights/?{query}", HTTP_HOST="127.0.0.1", secure=True)
                assert response.status_code == 200, response.status_code
                return len(response.content)

            t_cold, _ = timed(page)
            t_warm, _ = timed(lambda query=query: page(query, cold=False))
            t_csv, _ = timed(
                lambda query=query: client.get(f"/insights/export.csv?{query}", HTTP_HOST="127.0.0.1", secure=True)
            )
            print(
                f"| {name} | {t_metrics * 1000:.0f} ms | {t_cold * 1000:.0f} ms | {t_warm * 1000:.0f} ms | "
                f"{t_csv * 1000:.0f} ms |"
            )
        sections = all_sections(Filter(organisations=(org,)))
        per_chart = []
        for chart in (c for s in sections for c in s.charts):

            def draw(chart: Any = chart) -> Any:
                charts._draw.cache_clear()
                return charts.chart_svg(chart)

            t_chart, svg = timed(draw)
            per_chart.append(f"{chart.key} {t_chart * 1000:.0f} ms ({len(svg) // 1024} KiB)")
        print(f"\n- every chart (all years, kk), drawn cold: {'; '.join(per_chart)}")
    report_filter = Filter(organisations=(org,), since=dt.date(2025, 1, 1), until=dt.date(2025, 12, 31))

    def pdf() -> bytes:
        charts._draw.cache_clear()
        return render_report(report_filter, lang="kk")

    t_pdf, document = timed(pdf, repeat=2)
    print(f"- PDF report (2025, kk, charts cold): {t_pdf:.2f} s, {len(document) // 1024} KiB")
    print(f"- machine at the end: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--n", type=int, default=100000)
    parser.add_argument("--naive-sample", type=int, default=20000)
    parser.add_argument("--reuse", action="store_true", help="measure the database of the last run again")
    args = parser.parse_args()
    if args.db == "both":
        # One process per database: Django is configured once per process.
        for db in ("sqlite", "postgres"):
            command = [
                sys.executable,
                __file__,
                "--db",
                db,
                "--n",
                str(args.n),
                "--naive-sample",
                str(args.naive_sample),
            ]
            subprocess.run(command + (["--reuse"] if args.reuse else []), check=True)
        return
    measure(args.db, args.n, args.naive_sample, reuse=args.reuse)


if __name__ == "__main__":
    main()
