# The records are now per office: the new columns become required, the numbers unique per office.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_split_records_per_jurisdiction")]

    operations = [
        migrations.AlterField(
            model_name="owner",
            name="jurisdiction",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owners",
                to="cases.jurisdiction",
                verbose_name="登记辖区",
            ),
        ),
        migrations.AlterField(
            model_name="owner",
            name="person",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owner_records",
                to="cases.person",
                verbose_name="身份",
            ),
        ),
        migrations.AlterField(
            model_name="agentbuilder",
            name="jurisdiction",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agent_builders",
                to="cases.jurisdiction",
                verbose_name="登记辖区",
            ),
        ),
        migrations.AlterField(
            model_name="agentbuilder",
            name="person",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agent_builder_records",
                to="cases.person",
                verbose_name="身份",
            ),
        ),
        migrations.AddConstraint(
            model_name="owner",
            constraint=models.UniqueConstraint(
                fields=("jurisdiction", "id_number"),
                name="owner_id_number_unique_in_jurisdiction",
                violation_error_message="本辖区已登记该证件号码的业主，请在业主列表中查找并修改该记录。",
            ),
        ),
        migrations.AddConstraint(
            model_name="agentbuilder",
            constraint=models.UniqueConstraint(
                fields=("jurisdiction", "credit_code"),
                name="agent_builder_credit_code_unique_in_jurisdiction",
                violation_error_message="本辖区已登记该统一社会信用代码的代建单位，请在列表中查找并修改该记录。",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["jurisdiction", "-created_at", "-id"], name="audit_by_office_newest"),
        ),
    ]
