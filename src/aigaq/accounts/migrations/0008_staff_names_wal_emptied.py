"""Empties SQLite's WAL after 0007 sealed the staff names: until a checkpoint, the WAL still holds
the accounts pages as they were, names in clear. Outside a transaction (a checkpoint cannot run
inside one); nothing to do on other databases."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def empty_wal(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0007_staff_names_sealed"),
    ]

    operations = [
        migrations.RunPython(empty_wal, migrations.RunPython.noop, elidable=False),
    ]
