"""Re-encode every suspect for the linkage engine's second encoding and refit the weights: fathers'
names as their own keyed tokens with one-slip keys, -ұлы words kept apart from forenames, no
whole-name token for a single word, initials in the name filters, and XOR-folded 512-bit filters.

Encodings written by the first version do not meet the new ones on names, so every suspect is
encoded again and the alerts are raised again; reviewers' decisions stay.

Now a no-op: relink writes the layout of the latest migration (block key roles and encoding
versions, 0006), which a database at 0003 does not have yet, and migration 0007 relinks every
suspect anyway (encoding version 3).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def reencode(apps: Any, schema_editor: Any) -> None:
    """Superseded by 0007_reencode_for_linkage_v3 (the module's docstring)."""


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_suspect_count")]

    operations = [migrations.RunPython(reencode, migrations.RunPython.noop)]
