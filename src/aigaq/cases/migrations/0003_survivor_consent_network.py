"""Consent to network matching (docs/network.md): a new consent, False for every existing case, so
no survivor's case reaches the network because of a consent she gave for something else."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_keys_to_key_store")]

    operations = [
        migrations.AddField(
            model_name="survivor",
            name="consent_network",
            field=models.BooleanField(
                default=False, verbose_name="consents to network matching with other organisations"
            ),
        ),
    ]
