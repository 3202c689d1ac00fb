"""Audit actions for corrections of the survivor, incident, witness, referral, cost and note."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0006_keyed_chain'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.PositiveSmallIntegerField(choices=[(1, 'signed in'), (2, 'failed sign-in'), (3, 'signed out'), (10, 'created the case'), (11, 'opened the case'), (12, 'changed the case'), (13, 'erased the case'), (14, 'shared the case'), (15, 'closed the case'), (16, 'reopened the case'), (20, 'added a suspect'), (21, 'changed a suspect'), (22, "revealed a suspect's identifiers"), (24, "corrected the survivor's record"), (25, 'corrected the incident'), (26, 'corrected a witness'), (27, 'corrected a referral'), (28, 'corrected a cost'), (29, 'corrected a note'), (30, 'added a pathway event'), (31, 'added a referral'), (32, 'added a note'), (33, 'added a cost'), (34, 'added a witness'), (35, 'added an evidence file'), (40, 'exported data'), (41, 'downloaded a report'), (42, 'downloaded an evidence file'), (43, 'tried to open an evidence file that failed its integrity check'), (50, 'reviewed a match alert'), (60, "ended a user's sessions"), (61, 'revoked a device'), (62, 'created a user'), (63, 'issued a temporary password'), (64, 'added a sign-in device'), (65, 'changed her password'), (70, 'rotated the keys'), (71, 'erased cases past the retention period'), (72, 'made a backup'), (73, 'restored a backup'), (80, 'refused a network request'), (81, 'issued a network invitation'), (82, 'registered a network member'), (83, 'evaluated blinded values for a member'), (84, 'synced suspects with the network'), (85, 'joined the network'), (86, 'reviewed a network alert'), (87, 'asked another organisation for contact'), (88, 'answered a request for contact')]),
        ),
    ]
