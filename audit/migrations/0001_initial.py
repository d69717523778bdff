# The audit log moves from cases to its own app without moving a row: the table keeps its
# name (cases_auditevent) and its indexes, so this only tells Django's state that the
# model now lives here; cases 0015_auditevent_to_audit forgets it there.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to_audit(apps, schema_editor):
    """The log's content type follows the model, so the permissions granted on it (the
    district officer's and the city supervisor's view_auditevent) and the admin history
    pointing at it stay attached. On a fresh database there is none yet."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="audit", model="auditevent").exists():
        ContentType.objects.filter(app_label="cases", model="auditevent").update(app_label="audit")


def content_type_to_cases(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="cases", model="auditevent").exists():
        ContentType.objects.filter(app_label="audit", model="auditevent").update(app_label="cases")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0014_step_waiting_for_applicant'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='时间')),
                        ('event', models.CharField(db_index=True, max_length=64, verbose_name='事件')),
                        ('object_type', models.CharField(blank=True, max_length=64, verbose_name='对象类型')),
                        ('object_id', models.CharField(blank=True, max_length=64, verbose_name='对象ID')),
                        ('message', models.CharField(max_length=500, verbose_name='说明')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='详情')),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                        ('case', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_events', to='cases.case', verbose_name='案件')),
                        ('jurisdiction', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.jurisdiction', verbose_name='辖区')),
                    ],
                    options={
                        'verbose_name': '审计日志',
                        'verbose_name_plural': '审计日志',
                        'db_table': 'cases_auditevent',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [
                            models.Index(fields=['jurisdiction', '-created_at', '-id'], name='audit_by_office_newest'),
                            models.Index(fields=['-created_at', '-id'], name='audit_newest'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_audit, content_type_to_cases),
    ]
