"""A role on the case (owner, caseworker, lawyer, read-only) and an end date for each place on a
case, in place of the two kinds "assigned" and "shared"; a random code to name a place in forms.

Existing places keep the access they gave: the case's creator becomes its owner, a lawyer's place
becomes a lawyer's, any other place a caseworker's. The code column is added empty, each row gets
its own code, and only then is it made unique (a callable default is evaluated once for AddField).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

import aigaq.lib.crypto


def roles_from_kinds(apps: Any, schema_editor: Any) -> None:
    from aigaq.lib.crypto import random_code

    assignment = apps.get_model("cases", "Assignment")
    membership = apps.get_model("accounts", "Membership")
    lawyers = set(membership.objects.filter(role="lawyer").values_list("user_id", flat=True))
    rows = list(assignment.objects.select_related("case"))
    for row in rows:
        row.code = random_code()
        if row.kind == "assigned" and row.user_id == row.case.created_by_id:
            row.role = "owner"
        elif row.user_id in lawyers:
            row.role = "lawyer"
        else:
            row.role = "caseworker"
    assignment.objects.bulk_update(rows, ["code", "role"], batch_size=500)


def kinds_from_roles(apps: Any, schema_editor: Any) -> None:
    assignment = apps.get_model("cases", "Assignment")
    assignment.objects.filter(role="read_only").update(kind="shared")


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_event_corrections")]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="code",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.AddField(
            model_name="assignment",
            name="role",
            field=models.CharField(
                choices=[("owner", "owner"), ("caseworker", "caseworker"), ("lawyer", "lawyer"),
                         ("read_only", "read-only")],
                default="caseworker", max_length=12, verbose_name="role on the case",
            ),
        ),
        migrations.AddField(
            model_name="assignment",
            name="ends_on",
            field=models.DateField(blank=True, null=True, verbose_name="access until"),
        ),
        migrations.RunPython(roles_from_kinds, kinds_from_roles, elidable=False),
        migrations.AlterField(
            model_name="assignment",
            name="code",
            field=models.CharField(default=aigaq.lib.crypto.random_code, editable=False, max_length=32, unique=True),
        ),
        migrations.RemoveField(model_name="assignment", name="kind"),
        migrations.AlterModelOptions(name="assignment", options={"ordering": ["created_at", "id"]}),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["user", "ends_on"], name="assignment_user_ends"),
        ),
    ]
