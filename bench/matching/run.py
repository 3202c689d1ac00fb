"""Matching benchmark: with N suspects in the database, the time to add one suspect and get his
alerts, and the time of a full relink.

    .venv/bin/python bench/matching/run.py --db sqlite --suspects 100000
    .venv/bin/python bench/matching/run.py --db postgres --suspects 100000

Suspects are generated mentions (bench/linkage/generate.py: multi-script names, serial offenders
with several mentions months apart, namesakes), one per case. Cases, survivors, incidents and
suspects are written with bulk inserts that bypass the services, but the suspects' fields are
sealed under real per-case keys (stored in one key-store transaction), so the relink measured
here decrypts every suspect as production does. Then:

* relink: `aigaq.matching.relink.relink` (decrypt, encode, store keyed encodings and block keys,
  fit the weights, raise the alerts), timed end to end;
* add: `aigaq.cases.services.suspect_add` of held-out mentions into empty cases (seal, audit,
  search tokens, encode, one indexed candidate lookup, scoring, alerts) followed by reading the
  case's alerts, timed per suspect. Held-out mentions are drawn at random, so serial offenders'
  later mentions meet their earlier ones and raise alerts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench" / "linkage")]

# Plain dataclasses: importable before django.setup(), unlike the models and services below.
from aigaq.cases.inputs import IncidentInput, SurvivorInput, SuspectInput  # noqa: E402


def configure(db: str) -> str:
    if db == "sqlite":
        path = Path(tempfile.gettempdir()) / "aigaq-bench-matching.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS aigaq_bench_matching")
            conn.execute("CREATE DATABASE aigaq_bench_matching")
        url = "postgres://postgres@127.0.0.1:5432/aigaq_bench_matching"
    os.environ["AIGAQ_TEST_ON_POSTGRES"] = "1"  # tests.settings: use AIGAQ_TEST_DATABASE_URL as it is
    os.environ["AIGAQ_TEST_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def suspect_data(m: dict[str, Any]) -> SuspectInput:
    return SuspectInput(
        full_name=m.get("full_name", ""),
        aliases="\n".join(m.get("aliases", [])),
        phones="\n".join(m.get("phones", [])),
        handles="\n".join(m.get("handles", [])),
        plates="\n".join(m.get("plates", [])),
        iins="\n".join(m.get("iins", [])),
        birth_date=m.get("birth_date", ""),
        approx_age=m.get("age_at_incident"),
        sex={"M": "male", "F": "female"}.get(str(m.get("sex", "")), "male"),
        relation="stranger",
    )


def incident_data(m: dict[str, Any], rng: random.Random) -> IncidentInput:
    from aigaq import reference

    city = reference.find_city(str(m.get("city", ""))) if m.get("city") else None
    day = (
        dt.date.fromisoformat(str(m["incident_date"]))
        if m.get("incident_date")
        else dt.date(2020 + rng.randrange(5), 1 + rng.randrange(12), 1 + rng.randrange(28))
    )
    return IncidentInput(
        date_from=day,
        region=city.region if city else "KZ-75",
        city=city.code if city else "",
        area="urban",
        place_type="street",
        gbv_type="sexual_assault",
    )


def populate(mentions: list[dict[str, Any]], org: Any, user: Any) -> None:
    from aigaq.cases.models import Case, Incident, Survivor, Suspect
    from aigaq.keys import store as keys
    from aigaq.lib import crypto

    rng = random.Random(7)
    batch = 5000
    for start in range(0, len(mentions), batch):
        chunk = mentions[start : start + batch]
        cases = [Case(organisation=org, created_by=user) for _ in chunk]
        wrapped = []
        for case in cases:
            case._dek = crypto.new_data_key()  # type: ignore[attr-defined]
            wrapped.append((case.code, crypto.wrap_data_key(keys.keyring(), case._dek, context=f"case:{case.code}")))  # type: ignore[attr-defined]
        with keys._store() as conn:  # one key-store transaction for the batch (the bench's shortcut)
            conn.executemany("INSERT INTO case_key (case_code, wrapped) VALUES (?, ?)", wrapped)
        Case.objects.bulk_create(cases)
        Survivor.objects.bulk_create(
            Survivor(case=c, pseudonym=f"S-{c.code[:6]}", consent_matching=True, consent_statistics=True) for c in cases
        )
        Incident.objects.bulk_create(
            Incident(case=c, **incident_data(m, rng).values()) for c, m in zip(cases, chunk, strict=True)
        )
        Suspect.objects.bulk_create(
            Suspect(case=c, **suspect_data(m).values()) for c, m in zip(cases, chunk, strict=True)
        )
        print(f"  populated {start + len(chunk)}/{len(mentions)}", file=sys.stderr)


class Stages:
    """Wall seconds per relink stage, from the progress callback (first call to last)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.last = self.start
        self.seconds: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self.last
        self.last = now


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--suspects", type=int, default=100_000)
    parser.add_argument("--adds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-candidates", type=int, help="override aigaq.matching.services.MAX_CANDIDATES (to check the cap)"
    )
    args = parser.parse_args()
    url = configure(args.db)

    from django.db import connection
    from generate import generate

    from aigaq.accounts.models import Membership, Organisation, Role, User
    from aigaq.cases import services
    from aigaq.matching import services as matching
    from aigaq.matching.models import MatchAlert, SuspectBlockKey
    from aigaq.matching.relink import relink

    if args.max_candidates:
        matching.MAX_CANDIDATES = args.max_candidates

    org = Organisation.objects.create(name="Bench network")
    user = User.objects.create_user("bench")
    Membership.objects.create(user=user, organisation=org, role=Role.CASEWORKER)
    t0 = time.perf_counter()
    mentions = [json.loads(m) for m, _pid in generate(0, args.seed, mentions=args.suspects + args.adds, names="stress")]
    rng = random.Random(args.seed)
    held = set(rng.sample(range(len(mentions)), args.adds))
    stored = [m for k, m in enumerate(mentions) if k not in held]
    added = [mentions[k] for k in sorted(held)]
    print(f"generated {len(mentions)} mentions in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    t0 = time.perf_counter()
    populate(stored, org, user)
    print(f"populated in {time.perf_counter() - t0:.1f}s", file=sys.stderr)

    t0, c0 = time.perf_counter(), time.process_time()
    stages = Stages()
    summary = relink(organisations=[org], progress=stages)
    relink_s, relink_cpu = time.perf_counter() - t0, time.process_time() - c0
    children = os.times()  # CPU of the forked encoding workers, once they have been reaped
    print(f"relink {relink_s:.1f}s: {summary}", file=sys.stderr)

    # The adds are measured as in the web process, which never runs a relink (that is `aigaq manage
    # relink`, or the migration, in a process of its own) and freezes what it loaded at start-up
    # (aigaq/wsgi.py): without this, the relink's leftovers made a full garbage collection during
    # one add in a hundred cost 260 ms on PostgreSQL runs.
    import gc

    gc.collect()
    gc.freeze()
    empty = [
        services.case_create(
            actor=user, survivor=SurvivorInput(consent_matching=True), incident=incident_data(m, rng), suspects=[]
        )
        for m in added
    ]
    times, cpu, alerts = [], [], 0
    for case, m in zip(empty, added, strict=True):
        t, c = time.perf_counter(), time.process_time()
        services.suspect_add(actor=user, case=case, data=suspect_data(m))
        found = list(MatchAlert.objects.filter(case_b=case)) + list(MatchAlert.objects.filter(case_a=case))
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        alerts += len(found)
    order = sorted(range(len(times)), key=times.__getitem__, reverse=True)
    # Which adds were slowest, and whether they waited (wall) or worked (CPU): the first add after a
    # relink meets cold database caches and plans.
    slowest = [{"add": k + 1, "wall_ms": round(times[k], 1), "cpu_ms": round(cpu[k], 1)} for k in order[:3]]
    times.sort()
    result = {
        "db": args.db,
        "vendor": connection.vendor,
        "suspects": summary.suspects,
        "block_keys": SuspectBlockKey.objects.count(),
        "relink_s": round(relink_s, 1),
        "relink_cpu_s": round(relink_cpu + children.children_user + children.children_system, 1),
        "candidate_pairs": summary.candidate_pairs,
        "alerts_after_relink": summary.alerts_open,
        "relink_stages_s": {k: round(v, 1) for k, v in stages.seconds.items()},
        "add_ms_median": round(statistics.median(times), 1),
        "add_ms_p95": round(times[int(0.95 * (len(times) - 1))], 1),
        "add_ms_max": round(times[-1], 1),
        "add_cpu_ms_median": round(statistics.median(cpu), 1),
        "add_slowest": slowest,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "adds": len(times),
        "alerts_from_adds": alerts,
        "max_candidates": matching.MAX_CANDIDATES,
        "url": url.split("@")[-1],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
