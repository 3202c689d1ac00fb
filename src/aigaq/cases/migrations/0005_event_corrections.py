"""Pathway events are never edited in place: a correction supersedes an event, a retraction marks
one entered in error, each with its reason (sealed). Events and the incident gain an optional time
of day (`occurred_at`, a UTC instant). `placed_at` keeps a correction in the old event's place among
the events of its day; existing events are placed when they were entered."""

import aigaq.keys.sealed
import django.db.models.deletion
from django.conf import settings


from django.db import migrations, models
from django.db.models import F


def place_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("cases", "PathwayEvent").objects.update(placed_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_record_versions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='pathwayevent',
            options={'ordering': ['date', 'placed_at', 'id']},
        ),
        migrations.AddField(
            model_name='incident',
            name='occurred_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='time'),
        ),
        migrations.AddField(
            model_name='pathwayevent',
            name='correction_reason',
            field=aigaq.keys.sealed.SealedTextField(blank=True, verbose_name='why it was corrected'),
        ),
        migrations.AddField(
            model_name='pathwayevent',
            name='corrects',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='cases.pathwayevent'),
        ),
        migrations.AddField(
            model_name='pathwayevent',
            name='occurred_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='time'),
        ),
        migrations.AddField(
            model_name='pathwayevent',
            name='placed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='pathwayevent',
            name='retracted_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='pathwayevent',
            name='retracted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='pathwayevent',
            name='retraction_reason',
            field=aigaq.keys.sealed.SealedTextField(blank=True, verbose_name='why it was retracted'),
        ),
        migrations.AddField(
            model_name='pathwayevent',
            name='superseded_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(place_existing, migrations.RunPython.noop),
    ]
