# Owner.kind: a person or an organisation, recorded rather than read from the number's shape
# (a resident ID number can also pass the credit code's check). Existing records are set as a
# new one would be (cases.models.owner_kind_for): an organisation when the number is a valid
# credit code and either the roster lists the owner on a developer-held flat or the number is
# not also a valid ID number; a person otherwise.

from django.db import migrations, models

from cases.validators import is_valid_credit_code, is_valid_id_number


def backfill_kind(apps, schema_editor):
    Owner = apps.get_model("cases", "Owner")
    Ownership = apps.get_model("cases", "Ownership")
    developers = set(Ownership.objects.filter(flat__developer_held=True).values_list("owner_id", flat=True))
    organisations = [
        pk
        for pk, number in Owner.objects.values_list("pk", "id_number").iterator(chunk_size=5000)
        if is_valid_credit_code(number) and (pk in developers or not is_valid_id_number(number))
    ]
    for start in range(0, len(organisations), 5000):
        Owner.objects.filter(pk__in=organisations[start : start + 5000]).update(kind="organisation")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_list_order_search_queue_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="owner",
            name="kind",
            field=models.CharField(
                choices=[("person", "个人"), ("organisation", "单位")],
                default="person",
                help_text="个人填身份证号码，在协议书上签名并按手印；单位（如开发建设单位）填统一社会信用代码，盖章。",
                max_length=16,
                verbose_name="业主类型",
            ),
        ),
        migrations.RunPython(backfill_kind, migrations.RunPython.noop),
    ]
