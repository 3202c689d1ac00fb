"""Alerts that no longer hold after a suspect is corrected are closed with a reason, not deleted."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0004_matching_refit'),
    ]

    operations = [
        migrations.AddField(
            model_name='matchalert',
            name='closed_reason',
            field=models.CharField(blank=True, choices=[('suspect_changed', "A suspect's details were corrected and the two no longer match.")], max_length=24),
        ),
        migrations.AlterField(
            model_name='alertdecision',
            name='decision',
            field=models.CharField(choices=[('open', 'to review'), ('unsure', 'unsure'), ('confirmed', 'confirmed'), ('rejected', 'rejected'), ('withdrawn', 'consent withdrawn'), ('closed', 'no longer matches')], max_length=10),
        ),
        migrations.AlterField(
            model_name='matchalert',
            name='status',
            field=models.CharField(choices=[('open', 'to review'), ('unsure', 'unsure'), ('confirmed', 'confirmed'), ('rejected', 'rejected'), ('withdrawn', 'consent withdrawn'), ('closed', 'no longer matches')], default='open', max_length=10),
        ),
    ]
