"""Case list benchmark: one page of the list at N cases, for a coordinator (every case of the
organisation) and a caseworker (the cases she has a place on), in each saved view and sort.

    .venv/bin/python bench/cases/run.py --n 100000

Cases, incidents, survivors and places on cases are written in bulk on SQLite, bypassing the
services (the list never reads a sealed column, which stay empty); the stored stage and flags
(`cases.summary`) are drawn at random, as events would have set them. Each figure is the median of
5 requests of the list page through Django's test client (the whole request: session, access, the
page's query, its count and the template), after one warm-up request.

    .venv/bin/python bench/cases/run.py --n 100000 --exports

times instead one whole export of the list (`POST /cases/export.csv` and `.xlsx`, stepped up) for the
coordinator and the caseworker: the query, the rows, the file and the audit entry.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
sys.path.insert(0, str(ROOT / "bench" / "insights"))


def configure() -> None:
    path = Path(tempfile.gettempdir()) / "aigaq-bench-cases.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["AIGAQ_TEST_ON_POSTGRES"] = "1"  # tests.settings: use AIGAQ_TEST_DATABASE_URL as it is
    os.environ["AIGAQ_TEST_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(n: int, seed: int = 12) -> dict[str, Any]:
    from aigaq.accounts.models import Membership, Organisation, Role, User

    rng = random.Random(seed)
    org = Organisation.objects.create(name="Bench centre")
    users = {}
    for name, role in (("coordinator", Role.COORDINATOR), ("caseworker", Role.CASEWORKER),
                       ("other", Role.CASEWORKER), ("lawyer", Role.LAWYER)):
        users[name] = User.objects.create_user(f"bench-{name}", password="x" * 16)
        Membership.objects.create(user=users[name], organisation=org, role=role)
    bulk_cases(org.pk, n, rng, owners=(users["caseworker"].pk, users["other"].pk),
               lawyer=users["lawyer"].pk)
    return users


def bulk_cases(org_id: int, n: int, rng: random.Random, *, owners: tuple[int, int], lawyer: int,
               first_id: int = 1) -> None:
    """Writes n cases with their incident, survivor and places on cases in bulk (ids from
    `first_id`): 20 % owned by owners[0], 70 % by owners[1], 5 % with the lawyer on them. Also
    used by bench/web/generate.py."""
    from django.db import transaction
    from run import write  # bench/insights/run.py: bulk rows with every column

    from aigaq.cases.models import Assignment, Case, Incident, Survivor
    from aigaq.cases.pathway import STAGES
    from aigaq.lib.crypto import random_code

    stages = [code for code, _label in STAGES]
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        cases, incidents, survivors, places = [], [], [], []
        for i in range(first_id, first_id + n):
            waiting = rng.random() < 0.3
            happened = today - dt.timedelta(days=rng.randint(0, 2000))
            cases.append({"id": i, "code": random_code(), "organisation_id": org_id, "created_at": now,
                          "stage": rng.choice(stages), "refused_registration": rng.random() < 0.1,
                          "awaiting_since": today - dt.timedelta(days=rng.randint(0, 200)) if waiting else None,
                          "downgraded": rng.random() < 0.05, "closed_hearing": False, "custodial": None,
                          "incident_on": happened,
                          "last_activity_at": now - dt.timedelta(minutes=rng.randint(0, 500_000)),
                          "next_hearing_on": today + dt.timedelta(days=rng.randint(-30, 60))
                          if rng.random() < 0.1 else None})
            incidents.append({"id": i, "code": random_code(), "case_id": i, "region": "KZ-71", "area": "urban",
                              "place_type": "home", "gbv_type": "physical_assault",
                              "date_from": happened})
            survivors.append({"id": i, "code": random_code(), "case_id": i, "pseudonym": ""})  # sealed: left empty
            worker = owners[0] if rng.random() < 0.2 else owners[1]
            if rng.random() < 0.9:
                places.append({"code": random_code(), "case_id": i, "user_id": worker, "role": "owner",
                               "created_at": now})
            if rng.random() < 0.05:
                places.append({"code": random_code(), "case_id": i, "user_id": lawyer,
                               "role": "lawyer", "created_at": now})
        write(Case, cases)
        write(Incident, incidents)
        write(Survivor, survivors)
        write(Assignment, places)


def median_ms(client: Any, params: dict[str, str], repeat: int = 5) -> float:
    client.get("/cases/", params)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get("/cases/", params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def export_seconds(client: Any, fmt: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    response = client.post(f"/cases/export.{fmt}")
    seconds = time.perf_counter() - start
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    lines = response.content.count(b"\n") if fmt == "csv" else 0
    return seconds, len(response.content), lines


def exports(users: dict[str, Any]) -> None:
    from django.test import Client

    from aigaq.accounts.sessions import STEP_UP_KEY

    print("| user | format | rows | size | seconds |")
    print("|---|---|---:|---:|---:|")
    for name in ("coordinator", "caseworker"):
        client = Client()
        client.force_login(users[name])
        rows = 0
        for fmt in ("csv", "xlsx"):
            session = client.session
            session[STEP_UP_KEY] = time.time()  # she confirmed it is her just now
            session.save()
            seconds, size, lines = export_seconds(client, fmt)
            rows = lines - 1 if fmt == "csv" else rows
            print(f"| {name} | {fmt} | {rows:,} | {size / 1e6:.1f} MB | {seconds:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--exports", action="store_true", help="time the list's xlsx and CSV exports instead")
    args = parser.parse_args()
    configure()
    start = time.perf_counter()
    users = generate(args.n)
    print(f"generated {args.n:,} cases in {time.perf_counter() - start:.1f} s")
    if args.exports:
        exports(users)
        return
    from django.test import Client

    print("| user | view / sort | page 1 (ms) | page 100 (ms) |")
    print("|---|---|---:|---:|")
    for name in ("coordinator", "caseworker", "lawyer"):
        client = Client()
        client.force_login(users[name])
        for params in ({}, {"sort": "stage"}, {"sort": "activity"}, {"sort": "hearing"}, {"view": "mine"},
                       {"view": "unassigned"}, {"view": "waiting"}, {"view": "hearing_week"},
                       {"stage": "court", "flag": "refused_registration"}):
            label = " ".join(f"{k}={v}" for k, v in params.items()) or "all, default sort"
            first = median_ms(client, params)
            deep = median_ms(client, {**params, "page": "100"})
            print(f"| {name} | {label} | {first:.0f} | {deep:.0f} |")


if __name__ == "__main__":
    main()
