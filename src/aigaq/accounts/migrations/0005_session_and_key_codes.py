"""A random code for each session (UserSession) and security key (WebAuthnCredential), so that her
account page names them by code rather than by their sequential id.

The column is added empty, each existing row is given its own code, and only then is it made unique
and required: a callable default on AddField is evaluated once, which would give every existing
row the same code. Reversing drops the column.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

import aigaq.lib.crypto

MODELS = ("UserSession", "WebAuthnCredential")


def give_each_row_a_code(apps: Any, schema_editor: Any) -> None:
    from aigaq.lib.crypto import random_code

    for name in MODELS:
        model = apps.get_model("accounts", name)
        rows = list(model.objects.filter(code__isnull=True).only("pk"))
        for row in rows:
            row.code = random_code()
        model.objects.bulk_update(rows, ["code"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_totp_secrets_sealed"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name.lower(),
                name="code",
                field=models.CharField(editable=False, max_length=32, null=True),
            )
            for name in MODELS
        ),
        migrations.RunPython(give_each_row_a_code, migrations.RunPython.noop, elidable=False),
        *(
            migrations.AlterField(
                model_name=name.lower(),
                name="code",
                field=models.CharField(
                    default=aigaq.lib.crypto.random_code, editable=False, max_length=32, unique=True
                ),
            )
            for name in MODELS
        ),
    ]
