"""What the protection tests share: a case with distinctive plaintexts, and a stepped-up client."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client

from aigaq.accounts.models import User
from aigaq.accounts.sessions import STEP_UP_KEY
from aigaq.cases import services
from aigaq.cases.models import Case

from ..conftest import INCIDENT, SURVIVOR, SUSPECT, case_data, client_for

# Distinctive enough that finding them anywhere means a leak, not a coincidence.
SURVIVOR_NAME = "Гүлназ Жаңабаева-Qxzv"
ACCOUNT = "Ол мені Абай даңғылындағы подъезде ұстап алды, marker-7Kq2"
SUSPECT_PHONE = "+7 701 987 65 43"
PLAINTEXTS = (SURVIVOR_NAME, ACCOUNT, SUSPECT_PHONE, "987 65 43", "7019876543")


def secret_case(actor: User) -> Case:
    data = case_data(
        survivor=dataclasses.replace(SURVIVOR, name=SURVIVOR_NAME),
        incident=dataclasses.replace(INCIDENT, account=ACCOUNT),
        suspects=[dataclasses.replace(SUSPECT, phones=SUSPECT_PHONE)],
    )
    return services.case_create(actor=actor, **data)


def leaks(blob: bytes) -> list[str]:
    return [p for p in PLAINTEXTS if p.encode("utf-8") in blob]


def stepped_up(user: User) -> Client:
    client = client_for(user)
    session = client.session
    session[STEP_UP_KEY] = time.time()
    session.save()
    return client


def step_up_session(client: Client) -> Any:
    session = client.session
    session[STEP_UP_KEY] = time.time()
    session.save()
    return client


def sqlite_file_bytes() -> bytes:
    """On SQLite, the database file's bytes as they would be copied: checkpointed, serialised
    (whether on disk or in memory), plus the file and its WAL on disk. Empty on other databases."""
    if connection.vendor != "sqlite":
        return b""
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    name = connection.settings_dict["NAME"]
    files = [Path(str(name)), Path(f"{name}-wal")]
    return raw.serialize() + b"".join(p.read_bytes() for p in files if p.is_file())


_ON_A_FILE = """
import os, shutil, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
{body}
# Copied while this process still has the database open, as from a laptop seized while the server
# runs: closing the last connection would checkpoint the WAL and delete it.
name = str(connection.settings_dict["NAME"])
for suffix in ("", "-wal", "-journal"):
    if os.path.exists(name + suffix):
        shutil.copyfile(name + suffix, os.path.join(sys.argv[1], "db" + suffix))
"""


def database_files_after(body: str, out: Path) -> dict[str, bytes]:
    """Runs `body` (Python, after django.setup() and migrate) in a new process whose database is a
    real SQLite file in WAL mode, as in production (the suite's own database is in memory, with no
    WAL). Returns the bytes of the database file, its WAL and its rollback journal ("db", "db-wal",
    "db-journal", those that exist), copied while that process still had the database open."""
    import os
    import subprocess
    import sys
    import textwrap

    import aigaq

    root = Path(aigaq.__file__).resolve().parent.parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGAQ_")}
    env.update(DJANGO_SETTINGS_MODULE="tests.settings",
               PYTHONPATH=os.pathsep.join([str(root / "src"), str(root)]))
    out.mkdir(parents=True, exist_ok=True)
    script = _ON_A_FILE.replace("{body}", textwrap.dedent(body))
    done = subprocess.run([sys.executable, "-c", script, str(out)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "db" in files
    return files
