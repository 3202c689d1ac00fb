"""Re-encode every suspect for the linkage engine's encoding version 3 (issue 17) and refit the
weights: the names an alias or a handle implies (a surname found only in @abaev_k) are name
variants too, and a surname with initials gets one-sided block keys against whole names.

The suspects are encoded again from their sealed fields under the current key (the key file's
"linkage" subkey, as every write of matching does): ``aigaq.matching.relink.relink`` decrypts each
case's suspects with the case key from the key store, encodes them in memory and stores only the
encodings, then raises the alerts again; reviewers' decisions stay. A database without suspects
in matching (a new installation, the test database) has nothing to do. Encodings are read and
written in the current layout, which is this migration's: it is the latest one touching
matching (a later migration that changes what relink writes must make this one a no-op and
relink itself, as this one did to 0003).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def reencode(apps: Any, schema_editor: Any) -> None:
    encoding = apps.get_model("matching", "SuspectEncoding")
    if not encoding.objects.exists():
        return
    from aigaq.matching.relink import relink

    relink()


class Migration(migrations.Migration):
    dependencies = [("matching", "0006_suspect_encoding_version")]

    operations = [migrations.RunPython(reencode, migrations.RunPython.noop)]
