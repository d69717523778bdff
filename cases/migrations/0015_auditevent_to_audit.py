# The audit log now lives in the audit app (audit 0001_initial, same table, same rows):
# cases forgets the model in Django's state only; the table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        ('cases', '0014_step_waiting_for_applicant'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='AuditEvent',
                ),
            ],
            database_operations=[],
        ),
    ]
