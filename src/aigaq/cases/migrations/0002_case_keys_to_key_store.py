"""Moves each case's wrapped data key out of the database into the key store (cases.keys).

Database backups must not hold case keys, or erasing a case could not shred its older backups.
The wrapped bytes are copied unchanged (same KEK, same context), then the column is dropped.
"""

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.db import migrations


def keys_to_store(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    rows = [(code, bytes(wrapped)) for code, wrapped in Case.objects.values_list("code", "wrapped_key")]
    if not rows:
        return
    path = Path(settings.KEY_STORE)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS case_key (case_code TEXT PRIMARY KEY, wrapped BLOB NOT NULL)"
        )
        conn.executemany("INSERT OR REPLACE INTO case_key (case_code, wrapped) VALUES (?, ?)", rows)


def keys_from_store(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    path = Path(settings.KEY_STORE)
    if not path.exists():
        return
    with closing(sqlite3.connect(path)) as conn:
        for code, wrapped in conn.execute("SELECT case_code, wrapped FROM case_key"):
            Case.objects.filter(code=code).update(wrapped_key=bytes(wrapped))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunPython(keys_to_store, keys_from_store),
        migrations.RemoveField(model_name="case", name="wrapped_key"),
    ]
