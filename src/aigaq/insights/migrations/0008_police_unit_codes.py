"""The statistics cache names no police unit: `CaseFigures.police_unit` holds the code of an entry
of reference.offices() (or "" when the case's unit is not in the list), matched from the name as it
was written (cases.offices.resolve, with the case's region first) like the events in
cases 0008. The tallies are then summed again, so that "УП г. Орал" and "Орал қ. ПБ" are one unit
and no written name stays in a tally's key."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def code_units(apps: Any, schema_editor: Any) -> None:
    from aigaq import reference
    from aigaq.cases import offices
    from aigaq.insights.rollup import tally_rebuild_all

    figures = apps.get_model("insights", "CaseFigures")
    changed = False
    for row in figures.objects.exclude(police_unit="").only("pk", "police_unit", "region").iterator(chunk_size=500):
        if reference.office(row.police_unit) is not None:
            continue
        code, _text = offices.resolve(row.police_unit, kind="police", region=row.region)
        figures.objects.filter(pk=row.pk).update(police_unit=code if code != offices.OTHER else "")
        changed = True
    if changed:
        tally_rebuild_all()


class Migration(migrations.Migration):
    dependencies = [("insights", "0007_measure_length"), ("cases", "0008_offices_coded_pseudonym_sealed")]

    operations = [migrations.RunPython(code_units, migrations.RunPython.noop)]
