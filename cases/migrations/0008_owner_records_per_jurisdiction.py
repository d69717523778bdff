# Owner and agent-builder records per jurisdiction, tied to one city-wide Person identity;
# audit events carry the jurisdiction whose log they belong to. See cases.models.Person for why.

import django.db.models.deletion

import cases.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_audit_event_labels"),
    ]

    operations = [
        migrations.CreateModel(
            name="Person",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("id_number", models.CharField(max_length=18, unique=True, verbose_name="证件号码")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="登记时间")),
            ],
            options={"verbose_name": "身份", "verbose_name_plural": "身份"},
        ),
        migrations.AddField(
            model_name="owner",
            name="jurisdiction",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owners",
                to="cases.jurisdiction",
                verbose_name="登记辖区",
            ),
        ),
        migrations.AddField(
            model_name="owner",
            name="person",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owner_records",
                to="cases.person",
                verbose_name="身份",
            ),
        ),
        migrations.AddField(
            model_name="agentbuilder",
            name="jurisdiction",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agent_builders",
                to="cases.jurisdiction",
                verbose_name="登记辖区",
            ),
        ),
        migrations.AddField(
            model_name="agentbuilder",
            name="person",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agent_builder_records",
                to="cases.person",
                verbose_name="身份",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="jurisdiction",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.jurisdiction",
                verbose_name="辖区",
            ),
        ),
        migrations.AlterField(
            model_name="owner",
            name="id_number",
            field=models.CharField(
                max_length=18, validators=[cases.validators.validate_owner_identity], verbose_name="证件号码"
            ),
        ),
        migrations.AlterField(
            model_name="agentbuilder",
            name="credit_code",
            field=models.CharField(
                max_length=18, validators=[cases.validators.validate_credit_code], verbose_name="统一社会信用代码"
            ),
        ),
    ]
