"""Moves authenticator apps from django-otp's otp_totp_totpdevice, where the secret sits in clear
hex, to accounts.TotpDevice, where it is sealed (aigaq.accounts.totp), and drops the old table.

django_otp.plugins.otp_totp is no longer installed, so its table is read with plain SQL when it
exists (databases made before this migration) and this does nothing on a new database. Each device
keeps its user, name, drift, tolerance, throttling, timestamps and last_t, so a code already used
stays spent and the same app keeps working. On SQLite the old rows are deleted with secure_delete,
so their bytes are overwritten in the database file rather than left on free pages. The migration
records of otp_totp are removed with its table, so that reinstalling the app would create it anew.

Sessions that passed the second factor with an old device name it by its old id
("otp_totp.totpdevice/<pk>"), which no longer resolves: they are asked for a code once more.

Reversing leaves the sealed devices in place: nothing puts a secret back in clear.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

LEGACY_TABLE = "otp_totp_totpdevice"
# Copied as they are: values the ORM would otherwise reset (auto_now_add) or re-convert.
_TIMESTAMPS = ("created_at", "last_used_at", "throttling_failure_timestamp")


def seal_legacy_devices(apps: Any, schema_editor: Any) -> None:
    from aigaq.accounts import totp
    from aigaq.lib.crypto import random_code

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if LEGACY_TABLE not in connection.introspection.table_names(cursor):
            return
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT * FROM {qn(LEGACY_TABLE)} ORDER BY {qn('id')}")  # noqa: S608 - constant name
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

        TotpDevice = apps.get_model("accounts", "TotpDevice")
        User = apps.get_model("accounts", "User")
        user_codes = dict(User.objects.filter(pk__in={r["user_id"] for r in rows}).values_list("pk", "code"))
        copied = [column for column in _TIMESTAMPS if column in names]
        for row in rows:
            code = random_code()
            device = TotpDevice.objects.create(
                user_id=row["user_id"],
                name=row["name"],
                confirmed=bool(row["confirmed"]),
                code=code,
                sealed_key=totp.seal_secret(
                    bytes.fromhex(row["key"]), device_code=code, user_code=user_codes[row["user_id"]]
                ),
                step=row["step"],
                t0=row["t0"],
                digits=row["digits"],
                tolerance=row["tolerance"],
                drift=row["drift"],
                last_t=row["last_t"],
                throttling_failure_count=row.get("throttling_failure_count", 0),
            )
            if copied:
                sets = ", ".join(
                    f"{qn(c)} = (SELECT {qn(c)} FROM {qn(LEGACY_TABLE)} WHERE {qn('id')} = %s)" for c in copied
                )
                cursor.execute(
                    f"UPDATE {qn(TotpDevice._meta.db_table)} SET {sets} WHERE {qn('id')} = %s",  # noqa: S608 - quoted names
                    [row["id"]] * len(copied) + [device.pk],
                )

        if connection.vendor == "sqlite":
            # Overwrite the deleted rows' bytes in the file instead of leaving them on free pages.
            cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute(f"DELETE FROM {qn(LEGACY_TABLE)}")  # noqa: S608 - constant name
        cursor.execute(f"DROP TABLE {qn(LEGACY_TABLE)}")
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["otp_totp"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_totp_device"),
    ]

    operations = [
        migrations.RunPython(seal_legacy_devices, migrations.RunPython.noop, elidable=False),
    ]
