"""Spreadsheet import benchmark: N generated rows (every tenth with a suspect's phone and name,
dates in the formats people type, regions by their Russian names) read from an xlsx, checked and
imported through `aigaq.imports.importer` on SQLite, as `aigaq import cases` does.

    .venv/bin/python bench/import/run.py --rows 2000

Prints the time to write the workbook, to read it, to check every row (`plan`) and to import it
(`import_cases`: the cases' bulk path, `cases.bulk`, which leaves every case as `case_create` and
its events would, with matching, the figures, the case summary and the audit), the import's CPU
time, and the rate per row; then runs `aigaq audit verify`.

    .venv/bin/python bench/import/run.py --rows 50000 --preview-only

times the mapping page's preview instead: the sheet read and checked as the page did before
(every row) and as it does now (its first rows, and a count of the others), and imports nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

REGIONS = ["Алматинская область", "ЗКО", "Карагандинская область", "Алматы", "Астана", "Абай облысы"]
TYPES = ["изнасилование", "побои", "зорлау", "sexual assault", "угрозы"]


def configure() -> None:
    path = Path(tempfile.gettempdir()) / "aigaq-bench-import.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["AIGAQ_TEST_ON_POSTGRES"] = "1"  # tests.settings: use AIGAQ_TEST_DATABASE_URL as it is
    os.environ["AIGAQ_TEST_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def workbook(rows: int, seed: int = 16) -> bytes:
    import openpyxl

    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Дела")
    sheet.append(["№", "Дата", "Область", "Вид насилия", "ФИО подозреваемого", "Телефон подозреваемого",
                  "Дата обращения в полицию"])
    today = dt.date.today()
    for n in range(rows):
        day = today - dt.timedelta(days=rng.randint(30, 3000))
        typed = rng.choice([day.strftime("%d.%m.%Y"), day.isoformat(), day.strftime("%d/%m/%y")])
        suspect = n % 10 == 0
        sheet.append([f"B-{n}", typed, rng.choice(REGIONS), rng.choice(TYPES),
                      f"Подозреваемый {n // 30}" if suspect else None,
                      f"8 701 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}" if suspect else None,
                      (day + dt.timedelta(days=2)).strftime("%d.%m.%Y") if rng.random() < 0.5 else None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--preview-only", action="store_true", help="time the mapping page's preview, import nothing")
    args = parser.parse_args()
    configure()
    from aigaq.accounts.models import Membership, Organisation, Role, User
    from aigaq.imports import importer
    from aigaq.imports.columns import suggest
    from aigaq.imports.reader import read

    org = Organisation.objects.create(name="Bench centre", default_language="ru")
    user = User.objects.create_user("bench-coordinator", password="x" * 16)
    Membership.objects.create(user=user, organisation=org, role=Role.COORDINATOR)
    start = time.perf_counter()
    data = workbook(args.rows)
    if args.preview_only:
        preview(data, args.rows, org)
        return
    written, cpu_start = time.perf_counter(), time.process_time()
    sheet = read(data, "bench.xlsx")
    was_read = time.perf_counter()
    plan = importer.plan(sheet, suggest(sheet.headers), organisation=org)
    planned = time.perf_counter()
    assert not plan.all_problems, plan.all_problems[:3]
    cpu = time.process_time()
    result = importer.import_cases(actor=user, plan=plan, options=importer.Options())
    done, cpu, cpu_all = time.perf_counter(), time.process_time() - cpu, time.process_time() - cpu_start
    assert result.created == args.rows
    from django.core.management import call_command

    call_command("audit", "verify")  # the chain holds after the import
    # On a shared machine the wall-clock time counts the time other jobs had the cores; the CPU
    # time of this process is what the import itself cost.
    print("| rows | write xlsx (s) | read (s) | check (s) | import (s) | import CPU (s) | read + check + import (s) "
          "| its CPU (s) | import per row (ms) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.rows:,} | {written - start:.1f} | {was_read - written:.1f} | {planned - was_read:.1f} "
          f"| {done - planned:.1f} | {cpu:.1f} | {done - written:.1f} | {cpu_all:.1f} "
          f"| {(done - planned) / args.rows * 1000:.1f} |")


def preview(data: bytes, rows: int, org: object) -> None:
    """The mapping page's read and check of the sheet: all of it (before) and its first rows (now)."""
    from aigaq.imports import importer, views
    from aigaq.imports.columns import suggest
    from aigaq.imports.reader import read

    times = []
    for limit in (None, views.PREVIEW_ROWS + 1):
        began, cpu = time.perf_counter(), time.process_time()
        sheet = read(data, "bench.xlsx", limit=limit)
        importer.plan(sheet, suggest(sheet.headers), organisation=org)  # type: ignore[arg-type]
        assert sheet.row_count == rows, sheet.row_count
        times.append((time.perf_counter() - began, time.process_time() - cpu))
    print("| rows | preview, whole sheet read and checked (s) | its CPU (s) | preview, first rows and a count (s) "
          "| its CPU (s) |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {rows:,} | {times[0][0]:.1f} | {times[0][1]:.1f} | {times[1][0]:.2f} | {times[1][1]:.2f} |")


if __name__ == "__main__":
    main()
