"""Re-encode every suspect for the linkage engine's second encoding and refit the weights: fathers'
names as their own keyed tokens with one-slip keys, -ұлы words kept apart from forenames, no
whole-name token for a single word, initials in the name filters, and XOR-folded 512-bit filters.

Encodings written by the first version do not meet the new ones on names, so every suspect is
encoded again and the alerts are raised again; reviewers' decisions stay. A database without
suspects in matching (a new installation, the test database) has nothing to do.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def reencode(apps: Any, schema_editor: Any) -> None:
    encoding = apps.get_model("matching", "SuspectEncoding")
    if not encoding.objects.exists():
        return
    # relink works on the current models, which are this migration's models: it is the latest one
    # touching matching, and a database that reaches it later with suspects is migrated in order.
    from aigaq.matching.relink import relink

    relink()


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_suspect_count")]

    operations = [migrations.RunPython(reencode, migrations.RunPython.noop)]
