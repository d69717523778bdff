"""The 13 offices that receive applications (DOMAIN.md), with the codes used in case numbers."""

from django.db import migrations

JURISDICTIONS = [
    # code, name, receiving office
    ("LC", "鲤城区", "鲤城区住房和城乡建设局"),
    ("FZ", "丰泽区", "丰泽区住房和城乡建设局"),
    ("LJ", "洛江区", "洛江区住房和城乡建设局"),
    ("QG", "泉港区", "泉港区住房和城乡建设局"),
    ("SS", "石狮市", "石狮市住房和城乡建设局"),
    ("JJ", "晋江市", "晋江市住房和城乡建设局"),
    ("NA", "南安市", "南安市住房和城乡建设局"),
    ("HA", "惠安县", "惠安县住房和城乡建设局"),
    ("AX", "安溪县", "安溪县住房和城乡建设局"),
    ("YC", "永春县", "永春县住房和城乡建设局"),
    ("DH", "德化县", "德化县住房和城乡建设局"),
    ("KF", "泉州开发区", "泉州开发区管委会建设职能部门"),
    ("TZ", "泉州台商投资区", "泉州台商投资区管委会建设职能部门"),
]


def create(apps, schema_editor):
    Jurisdiction = apps.get_model("cases", "Jurisdiction")
    for order, (code, name, office) in enumerate(JURISDICTIONS, start=1):
        Jurisdiction.objects.update_or_create(
            code=code, defaults={"name": name, "housing_office": office, "sort_order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("cases", "Jurisdiction").objects.filter(code__in=[j[0] for j in JURISDICTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
