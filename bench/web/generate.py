"""A bench database for the web load test: the demo (its 300 cases, four accounts, suspects, events,
evidence) and N more cases written in bulk into the demo organisation.

    AIGAQ_DEV=1 AIGAQ_DATA_DIR=/tmp/aigaq-bench-web .venv/bin/python bench/web/generate.py --cases 100000

The bulk cases (bench/cases/run.py's generator: case, incident, survivor and places on cases, the
stored stage and flags drawn at random) fill the case list; the load test opens and adds events to
the demo's cases only, which have real sealed records. Writes DATA_DIR/bench-web.json for
bench/web/locustfile.py: the accounts' passwords, for each role the codes of the demo cases it may
open, and suspects' surnames as the search box gets them in another alphabet (Cyrillic names in
Latin letters), each checked to find its case. DATA_DIR/demo-accounts.txt is the demo's own file.
Everything is synthetic.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench" / "insights")]

# One Latin spelling of Kazakh and Russian Cyrillic letters (search must still find the suspect).
LATIN = dict(zip("абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяә",
                 ["a", "b", "v", "g", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "q", "l", "m", "n", "n",
                  "o", "o", "p", "r", "s", "t", "u", "u", "u", "f", "kh", "h", "ts", "ch", "sh", "shch", "",
                  "y", "i", "", "e", "yu", "ya", "a"], strict=True))
ROLES = ("caseworker", "lawyer", "coordinator")


def latin(word: str) -> str:
    return "".join(LATIN.get(c, c) for c in word.lower())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000, help="cases in all, the demo's 300 included")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    if os.environ.get("AIGAQ_DEV") != "1" or not os.environ.get("AIGAQ_DATA_DIR"):
        sys.exit("set AIGAQ_DEV=1 and AIGAQ_DATA_DIR (a new directory for the bench database)")
    data = Path(os.environ["AIGAQ_DATA_DIR"])
    if (data / "aigaq.sqlite3").exists() and not os.environ.get("AIGAQ_DATABASE_URL"):
        sys.exit(f"{data}/aigaq.sqlite3 exists: use a new AIGAQ_DATA_DIR")
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigaq.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Max

    started = time.perf_counter()
    call_command("keys", "init", "--if-missing", verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", "--cases", "300")
    print(f"demo loaded in {time.perf_counter() - started:.1f} s")

    spec = importlib.util.spec_from_file_location("cases_run", ROOT / "bench" / "cases" / "run.py")
    assert spec is not None and spec.loader is not None
    cases_run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases_run)

    from aigaq.accounts.models import Membership, Role
    from aigaq.cases.access import visible_cases
    from aigaq.cases.listing import case_list
    from aigaq.cases.models import Case, Suspect

    members = {str(m.role): m for m in Membership.objects.select_related("user", "organisation")}
    org = members[Role.COORDINATOR].organisation
    demo_ids = set(Case.objects.values_list("id", flat=True))
    bulk = max(0, args.cases - len(demo_ids))
    started = time.perf_counter()
    first = (Case.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    cases_run.bulk_cases(org.pk, bulk, random.Random(args.seed), first_id=first,
               owners=(members[Role.CASEWORKER].user_id, members[Role.COORDINATOR].user_id),
               lawyer=members[Role.LAWYER].user_id)
    print(f"{bulk:,} bulk cases written in {time.perf_counter() - started:.1f} s")

    passwords = {}
    for line in (data / "demo-accounts.txt").read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in ROLES:
            passwords[parts[0]] = {"username": parts[1], "password": parts[2]}
    bench: dict[str, object] = {"accounts": passwords, "cases": {}, "names": {}}
    for role in ROLES:
        user = members[role].user
        codes = list(visible_cases(user).filter(id__in=demo_ids).values_list("code", flat=True))
        bench["cases"][role] = codes  # type: ignore[index]
        names = set()
        for suspect in Suspect.objects.filter(case__code__in=codes[:200]).select_related("case"):
            words = [w for w in suspect.full_name.split() if len(w) >= 4 and any("а" <= c <= "я" for c in w.lower())]
            if words and len(names) < 40:
                query = latin(words[0])
                if case_list(user, q=query).exists():
                    names.add(query)
        bench["names"][role] = sorted(names)  # type: ignore[index]
        print(f"{role}: {len(codes)} demo cases to open, {len(names)} Latin search names")
    from aigaq.ops.serving import refresh_query_statistics

    refresh_query_statistics()  # as `aigaq serve` does; the other servers of bench/web/run.py skip it
    out = data / "bench-web.json"
    out.write_text(json.dumps(bench, ensure_ascii=False, indent=1))
    out.chmod(0o600)
    print(f"{Case.objects.count():,} cases; wrote {out}")


if __name__ == "__main__":
    main()
