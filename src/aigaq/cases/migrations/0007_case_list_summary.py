"""What the case list sorts and filters on, stored on the case (cases.summary): the stage and
flags derived from its events, the date an awaited decision started, the last activity, the
incident's date, the next hearing's date; and the indexes that keep one page of the list one query at 100,000 cases.

Existing cases are derived here once, with the same derivation as the case page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations, models


def derive_existing(apps: Any, schema_editor: Any) -> None:
    from django.db.models import Max
    from django.utils import timezone

    from aigaq.cases.pathway import derive

    case_model = apps.get_model("cases", "Case")
    today = timezone.localdate()
    cases = (
        case_model.objects.annotate(last_event=Max("events__created_at"))
        .select_related("incident")
        .prefetch_related("events")
    )
    batch = []
    for case in cases.iterator(chunk_size=500):
        current = [e for e in case.events.all() if e.superseded_at is None and e.retracted_at is None]
        derived = derive(current, today=today, waiting_limit_days=-1)
        case.stage = derived.stage
        case.awaiting_since = (
            today - dt.timedelta(days=derived.waiting_days) if derived.waiting_days is not None else None
        )
        case.refused_registration = derived.refused_registration
        case.downgraded = derived.downgraded
        case.closed_hearing = derived.closed_hearing
        case.custodial = derived.custodial
        case.last_activity_at = max(filter(None, (case.created_at, case.last_event)))
        incident = getattr(case, "incident", None)
        case.incident_on = incident.date_from if incident is not None else None
        batch.append(case)
        if len(batch) >= 500:
            case_model.objects.bulk_update(batch, FIELDS)
            batch = []
    case_model.objects.bulk_update(batch, FIELDS)


FIELDS = ["stage", "awaiting_since", "refused_registration", "downgraded", "closed_hearing", "custodial",
          "last_activity_at", "incident_on"]


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_assignment_roles")]

    operations = [
        migrations.AddField(model_name="case", name="stage", field=models.CharField(default="intake", max_length=16)),
        migrations.AddField(model_name="case", name="awaiting_since", field=models.DateField(blank=True, null=True)),
        migrations.AddField(model_name="case", name="refused_registration", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="case", name="downgraded", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="case", name="closed_hearing", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="case", name="custodial", field=models.BooleanField(blank=True, null=True)),
        migrations.AddField(model_name="case", name="last_activity_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="case", name="incident_on", field=models.DateField(blank=True, null=True)),
        migrations.AddField(
            model_name="case", name="next_hearing_on",
            field=models.DateField(blank=True, null=True, verbose_name="next hearing"),
        ),
        migrations.RunPython(derive_existing, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="incident",
            name="date_from",
            field=models.DateField(db_index=True, verbose_name="date (or start of the period)"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["organisation", "incident_on", "id"], name="case_org_incident"),
        ),
        migrations.AddIndex(model_name="case", index=models.Index(fields=["organisation", "stage"], name="case_org_stage")),
        migrations.AddIndex(
            model_name="case", index=models.Index(fields=["organisation", "awaiting_since"], name="case_org_awaiting")
        ),
        migrations.AddIndex(
            model_name="case", index=models.Index(fields=["organisation", "last_activity_at"], name="case_org_activity")
        ),
        migrations.AddIndex(
            model_name="case", index=models.Index(fields=["organisation", "next_hearing_on"], name="case_org_hearing")
        ),
    ]
