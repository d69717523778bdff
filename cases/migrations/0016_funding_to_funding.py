# The funding plan, the floor coefficients and the agreement's terms belong to the funding
# app now (funding/migrations/0001_initial.py took them over in Django's state): here they
# leave the cases app's state. Nothing changes in the database: the tables stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0015_auditevent_to_audit"),
        ("funding", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Agreement"),
                migrations.DeleteModel(name="FloorCoefficient"),
                migrations.DeleteModel(name="FundingSource"),
            ],
            database_operations=[],
        ),
    ]
