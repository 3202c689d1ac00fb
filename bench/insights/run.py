"""Insights benchmark: N synthetic incidents, the dashboard's metrics, charts and the PDF.

    .venv/bin/python bench/insights/run.py --db sqlite --n 1000000
    .venv/bin/python bench/insights/run.py --db postgres --n 1000000

Cases, survivors, incidents, pathway events and costs are written with plain bulk INSERTs that
bypass the services (and so encryption): the metrics never read a sealed column, so the sealed
columns are left empty. The statistics cache is then built by the production code
(`figures_rebuild_all`), which is also the naive baseline: it derives every case in Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def configure(db: str) -> str:
    if db == "sqlite":
        path = Path(tempfile.gettempdir()) / "aigaq-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS aigaq_bench")
            conn.execute("CREATE DATABASE aigaq_bench")
        url = "postgres://postgres@127.0.0.1:5432/aigaq_bench"
    os.environ["AIGAQ_TEST_ON_POSTGRES"] = "1"  # tests.settings: use AIGAQ_TEST_DATABASE_URL as it is
    os.environ["AIGAQ_TEST_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT rows with every concrete column: given values, else the field's default."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    now = dt.datetime.now(dt.UTC)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608

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

    with connection.cursor() as cursor:
        cursor.executemany(sql, [[value(f, row) for f in fields] for row in rows])


def generate(n: int, seed: int = 6) -> int:
    import json

    from django.db import transaction

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
    units = [f"District police department {i}" for i in range(200)]
    start = dt.date(2019, 1, 1)
    batch = 20000
    next_id = 1
    for first in range(0, n, batch):
        cases, survivors, incidents, events, costs, figures = [], [], [], [], [], []
        for case_id in range(next_id, next_id + min(batch, n - first)):
            code = f"bench{case_id:011d}"
            cases.append({"id": case_id, "code": code, "organisation_id": org.pk})
            survivors.append(
                {
                    "case_id": case_id,
                    "code": f"s{code}",
                    "pseudonym": f"S-{case_id}",
                    "consent_statistics": rng.random() < 0.85,
                }
            )
            city, region, urban = rng.choice(cities)
            date = start + dt.timedelta(days=rng.randrange(7 * 365))
            incidents.append(
                {
                    "case_id": case_id,
                    "code": f"i{code}",
                    "date_from": date,
                    "region": region,
                    "city": city,
                    "area": "urban" if urban else "rural",
                    "place_type": "street",
                    "gbv_type": rng.choice(gbv),
                }
            )
            day = date

            def event(
                kind: str, facts: dict[str, Any], cid: int = case_id, out: list[dict[str, Any]] = events
            ) -> None:
                nonlocal day
                day = day + dt.timedelta(days=rng.randrange(0, 40))
                out.append(
                    {
                        "case_id": cid,
                        "code": f"e{cid}-{len(out)}",
                        "type": kind,
                        "date": day,
                        "facts": json.dumps(facts),
                    }
                )

            event("incident", {})
            if rng.random() < 0.75:
                unit = rng.choice(units)
                event("police_contacted", {"unit": unit})
                registered = True
                if rng.random() < 0.3:
                    event("report_refused", {"reason": rng.choice(reasons), "unit": unit})
                    registered = rng.random() < 0.4
                if registered and rng.random() < 0.8:
                    article = rng.choice(["CC-120", "CC-120", "CC-121", "CC-123", "CC-131"])
                    event("report_registered", {"initial_article": article, "unit": unit})
                    if rng.random() < 0.25:
                        event(
                            "requalified",
                            {"from_article": article, "to_article": rng.choice(["CAO-434", "CC-293", "CC-121"])},
                        )
                    if rng.random() < 0.15:
                        event("investigation_terminated", {"ground": "insufficient_evidence"})
                    elif rng.random() < 0.5:
                        event("sent_to_court", {"article": article})
                        event(
                            "hearing",
                            {
                                "closed": rng.random() < 0.5,
                                "defence_arguments": rng.sample(arguments, rng.randrange(0, 3)),
                            },
                        )
                        if rng.random() < 0.85:
                            outcome = rng.choice(["convicted", "convicted", "convicted", "acquitted", "case_dismissed"])
                            event("verdict", {"outcome": outcome})
                            if outcome == "convicted":
                                kind = rng.choice(["imprisonment", "imprisonment", "suspended", "fine"])
                                event("sentence", {"sentence_type": kind, "length_months": rng.randrange(6, 180)})
            if rng.random() < 0.3:
                costs.append(
                    {
                        "case_id": case_id,
                        "code": f"c{code}",
                        "kind": rng.choice(["lawyer", "travel"]),
                        "amount": rng.randrange(5, 300) * 1000,
                        "payer": rng.choice(["survivor", "family", "organisation"]),
                    }
                )
        # The statistics cache, by the same rules as figures_refresh() (timed separately, on a sample).
        by_case: dict[int, list[Any]] = {}
        for e in events:
            by_case.setdefault(e["case_id"], []).append(EventRow(e["type"], e["date"], json.loads(e["facts"])))
        paid: dict[int, list[CostLike]] = {}
        for c in costs:
            paid.setdefault(c["case_id"], []).append(CostLike(c["kind"], c["payer"], c["amount"]))
        for survivor, incident in zip(survivors, incidents, strict=True):
            if survivor["consent_statistics"]:
                cid = incident["case_id"]
                date = incident["date_from"]
                figures.append(
                    {
                        "case_id": cid,
                        "organisation_id": org.pk,
                        "incident_date": date,
                        "year": date.year,
                        "region": incident["region"],
                        "city": incident["city"],
                        "area": incident["area"],
                        "gbv_type": incident["gbv_type"],
                        **vars(case_figures(by_case[cid], incident_date=date, costs=paid.get(cid, []))),
                    }
                )
        with transaction.atomic():
            insert(Case, cases)
            insert(Survivor, survivors)
            insert(Incident, incidents)
            insert(PathwayEvent, events)
            insert(Cost, costs)
            insert(CaseFigures, figures)
        next_id += len(cases)
        print(f"  {next_id - 1:>9} cases written", end="\r", file=sys.stderr)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{Case._meta.db_table}', 'id'), %s)", [next_id])
    return user.pk


def timed(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=100000)
    parser.add_argument("--naive-sample", type=int, default=50000)
    args = parser.parse_args()
    configure(args.db)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import translation

    from aigaq.accounts.models import Organisation, User
    from aigaq.cases.models import Case, PathwayEvent
    from aigaq.cases.pathway import derive
    from aigaq.insights import charts
    from aigaq.insights.figures import CASE_COLUMNS, _rows
    from aigaq.insights.filters import Filter
    from aigaq.insights.metrics import all_sections
    from aigaq.insights.models import CaseFigures
    from aigaq.insights.report import render_report

    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    t0 = time.perf_counter()
    user_id = generate(args.n)
    t_generate = time.perf_counter() - t0
    events = PathwayEvent.objects.count()
    counted = CaseFigures.objects.count()
    # The rebuild command's rate, on the first cases (a full rebuild is linear in the cases).
    sample_ids = list(Case.objects.order_by("pk").values_list("pk", flat=True)[: args.naive_sample])
    t0 = time.perf_counter()
    rebuilt = len(_rows(list(Case.objects.filter(pk__in=sample_ids).values(*CASE_COLUMNS))))
    t_rebuild = (time.perf_counter() - t0) * args.n / len(sample_ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    org = Organisation.objects.get(name="Bench network")
    rows = []

    def metrics_only(f: Filter) -> Any:
        return all_sections(f)

    def metrics_and_charts(f: Filter) -> Any:
        charts._draw.cache_clear()
        sections = all_sections(f)
        return [charts.chart_svg(c) for s in sections for c in s.charts]

    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    filters = {
        "all years, by year": (Filter(organisations=(org,)), ""),
        "one year (2024), by region": (
            Filter(organisations=(org,), since=dt.date(2024, 1, 1), until=dt.date(2024, 12, 31), by="region"),
            "since=2024-01-01&until=2024-12-31&by=region",
        ),
        "one region (KZ-75), by GBV type": (
            Filter(organisations=(org,), region="KZ-75", by="gbv_type"),
            "region=KZ-75&by=gbv_type",
        ),
    }
    with translation.override("kk"):
        for name, (f, query) in filters.items():
            t_metrics, _ = timed(lambda f=f: metrics_only(f))
            t_charts, _ = timed(lambda f=f: metrics_and_charts(f))

            def page(query: str = query) -> int:
                charts._draw.cache_clear()
                return client.get(f"/insights/?{query}", HTTP_HOST="127.0.0.1", secure=True).status_code

            t_page, status = timed(page)
            assert status == 200, status
            rows.append((name, t_metrics, t_charts, t_page))
    t_pdf, pdf = timed(
        lambda: (
            charts._draw.cache_clear(),
            render_report(
                Filter(organisations=(org,), since=dt.date(2025, 1, 1), until=dt.date(2025, 12, 31)), lang="kk"
            ),
        )[1],
        repeat=2,
    )

    # Naive baseline: load every event and derive each case in Python, on a sample, then scale.
    sample = sample_ids
    t0 = time.perf_counter()
    by_case: dict[int, list[Any]] = {}
    for event in (
        PathwayEvent.objects.filter(case_id__in=sample)
        .only("case_id", "type", "date", "facts")
        .iterator(chunk_size=5000)
    ):
        by_case.setdefault(event.case_id, []).append(event)
    refused = sum(
        derive(evs, today=dt.date.today(), waiting_limit_days=30).refused_registration for evs in by_case.values()
    )
    t_naive = (time.perf_counter() - t0) * args.n / len(sample)

    print(f"\n## {connection.vendor}, {args.n:,} incidents, {events:,} events, {counted:,} counted (consent)\n")
    print(
        f"data and statistics cache written in {t_generate:.0f} s; `insights_rebuild` rate: {rebuilt:,} rows "
        f"of a {len(sample_ids):,}-case sample, scaled to {args.n:,} cases: {t_rebuild:.0f} s"
    )
    print(
        f"naive per-case Python derivation (refusal count only), {len(sample):,} cases scaled to {args.n:,}: "
        f"{t_naive:.1f} s ({refused} refused in the sample)\n"
    )
    print("| filter | metrics (SQL) | metrics + 8 charts | dashboard page (GET) |")
    print("|---|---:|---:|---:|")
    for name, t_metrics, t_charts, t_page in rows:
        print(f"| {name} | {t_metrics * 1000:.0f} ms | {t_charts * 1000:.0f} ms | {t_page * 1000:.0f} ms |")
    print(f"\nPDF report (2025, kk): {t_pdf:.2f} s, {len(pdf) // 1024} KiB")


if __name__ == "__main__":
    main()
