"""Cases opened before the workflow existed get their eight steps, step 1 in progress."""

from django.db import migrations
from django.utils import timezone

DEPARTMENTS = {1: "housing", 2: "housing", 3: "planning", 4: "housing", 5: "urban", 6: "housing", 7: "housing", 8: "market"}


def create(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    ProcedureStep = apps.get_model("cases", "ProcedureStep")
    for case in Case.objects.filter(steps__isnull=True):
        ProcedureStep.objects.bulk_create(
            ProcedureStep(
                case=case, number=n, department=d,
                state="in_progress" if n == 1 else "not_started",
                started_at=timezone.now() if n == 1 else None,
            )
            for n, d in DEPARTMENTS.items()
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_workflow")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
