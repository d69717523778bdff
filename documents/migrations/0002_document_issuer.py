"""Who issued each generated document (the office or the applicant, by organisation), and
whether it prints each owner's choice.

Versions printed before this migration get their issuer from who printed them: an
applicant's account (agent builder or owner representative) or, otherwise, the office.
A tally sheet printed after the case's vote closed names each owner's choice."""

from django.db import migrations, models
from django.db.models import Q


def fill_issuers(apps, schema_editor):
    GeneratedDocument = apps.get_model("documents", "GeneratedDocument")
    Vote = apps.get_model("voting", "Vote")
    documents = GeneratedDocument.objects.select_related(
        "case__jurisdiction", "case__agent_builder", "generated_by__agent_builder"
    )
    for document in documents.iterator():
        user = document.generated_by
        case = document.case
        if user is not None and (user.agent_builder_id or user.owner_id) and not user.is_superuser:
            document.issuer = "applicant"
            if user.agent_builder_id and user.agent_builder_id == case.agent_builder_id:
                document.issuer_name = case.agent_builder.name
            else:
                document.issuer_name = "业主代表"
        else:
            document.issuer = "office"
            document.issuer_name = case.jurisdiction.housing_office
        document.shows_choices = (
            document.template == "ballots"
            and Vote.objects.filter(case_id=case.pk, state="closed", closed_at__lte=document.generated_at).exists()
        )
        document.save(update_fields=["issuer", "issuer_name", "shows_choices"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_generated_documents"),
        ("voting", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="generateddocument",
            name="issuer",
            field=models.CharField(
                choices=[("office", "受理部门"), ("applicant", "申请人")],
                default="office",
                max_length=16,
                verbose_name="出具方",
            ),
        ),
        migrations.AddField(
            model_name="generateddocument",
            name="issuer_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="出具单位"),
        ),
        migrations.AddField(
            model_name="generateddocument",
            name="shows_choices",
            field=models.BooleanField(default=False, verbose_name="载有逐户表决意见"),
        ),
        migrations.AddConstraint(
            model_name="generateddocument",
            constraint=models.CheckConstraint(
                condition=Q(issuer__in=["office", "applicant"]), name="document_issuer_known"
            ),
        ),
        migrations.RunPython(fill_issuers, migrations.RunPython.noop),
    ]
