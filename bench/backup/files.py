"""What `aigaq backup --files` and `aigaq restore --files` cost: seconds and peak memory for a file
store of --files files of --mib MiB each (random bytes standing in for sealed files), to show that
both stream (peak memory does not grow with the store).

    AIGAQ_DEV=1 AIGAQ_DATA_DIR=/tmp/aigaq-bench-files AIGAQ_KEY_FILE=/tmp/aigaq-bench-files-keys/keys.json \\
        PYTHONPATH=src .venv/bin/python bench/backup/files.py --files 16 --mib 16

Needs a fresh, empty data directory (it is filled and left there). No database is touched."""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import time
from pathlib import Path


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=16, help="files in the store (default 16)")
    parser.add_argument("--mib", type=int, default=16, help="MiB per file (default 16)")
    args = parser.parse_args()
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigaq.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from aigaq.lib.crypto import random_code
    from aigaq.ops import backup

    if not Path(settings.KEY_FILE).exists():
        call_command("keys", "init")
    store = Path(settings.DATA_DIR) / "files"
    wanted = set()
    for _ in range(args.files):
        code = random_code()
        (store / code).mkdir(mode=0o700, parents=True)
        with (store / code / random_code()).open("wb") as out:
            for _ in range(args.mib):
                out.write(os.urandom(1 << 20))
        wanted.add(("files", code))
    before = _peak_mib()
    out = Path(settings.DATA_DIR) / "bench-files.aigaqbak"
    start = time.perf_counter()
    backup.backup_files(out)
    made = time.perf_counter() - start
    after_backup = _peak_mib()
    shutil.rmtree(store)
    start = time.perf_counter()
    backup.restore_files(out, wanted=wanted)
    restored = time.perf_counter() - start
    total = args.files * args.mib
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"store: {args.files} files x {args.mib} MiB = {total} MiB; peak RSS before {before:.0f} MiB")
    print("| step | seconds | MiB/s | peak RSS after (MiB) |")
    print("|---|---|---|---|")
    print(f"| backup --files | {made:.1f} | {total / made:.0f} | {after_backup:.0f} |")
    print(f"| restore --files (verify + write) | {restored:.1f} | {total / restored:.0f} | {_peak_mib():.0f} |")


if __name__ == "__main__":
    main()
