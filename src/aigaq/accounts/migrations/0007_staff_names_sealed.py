"""Seals staff first and last names, which were stored in clear (Django's AbstractUser fields).

The columns become text (a sealed value is longer than 150 characters) and each non-empty name is
replaced by `seal_text(subkey("staff-names"), name, aad="accounts_user:<user code>:<field>")`,
exactly what `SealedTextField` writes for `User` (aigaq.accounts.models). On SQLite the change runs
with `secure_delete` on, so the table rebuilt for the new column type and the overwritten values
leave no clear name on free pages; migration 0008 then empties the WAL, which still holds the old
pages. What this cannot reach: older database backups, and on PostgreSQL the dead tuples (until
`VACUUM FULL accounts_user`) and WAL segments.

Reversing opens the names back into the columns, so the old column type can hold them.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

import aigaq.keys.sealed

FIELDS = ("first_name", "last_name")


def _secure_delete(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def _aad(code: str, field: str) -> str:
    # SealedTextField.aad: "<table>:<row code>:<field>"
    return f"accounts_user:{code}:{field}"


def seal_names(apps: Any, schema_editor: Any) -> None:
    from aigaq.accounts.models import staff_names_key
    from aigaq.lib import crypto

    User = apps.get_model("accounts", "User")
    rows = User.objects.exclude(first_name="", last_name="").values_list("pk", "code", *FIELDS)
    for pk, code, *names in rows:
        sealed = {
            field: crypto.seal_text(staff_names_key(), str(name), aad=_aad(code, field)) if name else ""
            for field, name in zip(FIELDS, names, strict=True)
        }
        User.objects.filter(pk=pk).update(**sealed)


def open_names(apps: Any, schema_editor: Any) -> None:
    from aigaq.accounts.models import staff_names_key
    from aigaq.lib import crypto

    User = apps.get_model("accounts", "User")
    rows = User.objects.exclude(first_name="", last_name="").values_list("pk", "code", *FIELDS)
    for pk, code, *values in rows:
        opened = {
            field: crypto.open_text(staff_names_key(), str(value), aad=_aad(code, field)) if value else ""
            for field, value in zip(FIELDS, values, strict=True)
        }
        User.objects.filter(pk=pk).update(**opened)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_team_invitations"),
    ]

    operations = [
        migrations.RunPython(_secure_delete, _secure_delete, elidable=False),
        migrations.AlterField(
            model_name="user",
            name="first_name",
            field=aigaq.keys.sealed.SealedTextField(blank=True, verbose_name="first name"),
        ),
        migrations.AlterField(
            model_name="user",
            name="last_name",
            field=aigaq.keys.sealed.SealedTextField(blank=True, verbose_name="last name"),
        ),
        migrations.RunPython(seal_names, open_names, elidable=False),
    ]
