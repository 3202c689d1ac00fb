"""Encodings carry their version (aigaq.linkage's EncodedMention.version; the stored ones are of
version 2), and block keys their role: ordinary, or one-sided (a surname with initials probes the
whole names filed as targets; encoding version 3)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0005_alert_closed_reason'),
    ]

    operations = [
        migrations.AddField(
            model_name='suspectencoding',
            name='version',
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AddField(
            model_name='suspectblockkey',
            name='role',
            field=models.PositiveSmallIntegerField(choices=[(0, 'both'), (1, 'probe'), (2, 'target')], default=0),
        ),
    ]
