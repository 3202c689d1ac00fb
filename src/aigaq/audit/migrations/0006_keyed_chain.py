"""Keyed links for the audit chain: entries and the head gain a `mac`, the head a `keyed_since`.

The existing chain is anchored where it stands, if the key file can be read: entries written so
far keep no keyed link and are verified as before (the first keyed entry's hash chains over all of
them, so rewriting one of them breaks that entry's link), every later entry is keyed. Without
the key file nothing is anchored; `aigaq audit anchor` does it later.
"""

from django.db import migrations, models


def anchor_existing_chain(apps, schema_editor):  # type: ignore[no-untyped-def]
    from aigaq.audit import chainkey

    key = chainkey.chain_key()
    if key is None:
        return
    ChainHead = apps.get_model("audit", "ChainHead")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    head = ChainHead.objects.filter(id=1).first()
    if head is None:
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        head = ChainHead(id=1, last_hash=last or "0" * 64, count=AuditEntry.objects.count())
    head.keyed_since = head.count + 1
    head.mac = chainkey.head_link(key, keyed_since=head.keyed_since, count=head.count, last_hash=head.last_hash)
    head.save()


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_network_actions'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='mac',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='chainhead',
            name='keyed_since',
            field=models.BigIntegerField(default=None, null=True),
        ),
        migrations.AddField(
            model_name='chainhead',
            name='mac',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.RunPython(anchor_existing_chain, migrations.RunPython.noop),
    ]
