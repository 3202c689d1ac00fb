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
