# The money moves from the cases app to this one in Django's state only: the tables keep
# their names (db_table cases_fundingsource, cases_floorcoefficient, cases_agreement), their
# constraints and indexes; no row moves. cases/migrations/0016_funding_to_funding.py then
# removes the models from the cases app's state. The content types are renamed to this app,
# so the permissions (and the groups holding them) stay the same rows.

import django.db.models.deletion
from django.db import migrations, models

MONEY_MODELS = ["fundingsource", "floorcoefficient", "agreement"]


def content_types_to_funding(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="cases", model__in=MONEY_MODELS).update(app_label="funding")


def content_types_to_cases(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="funding", model__in=MONEY_MODELS).update(app_label="cases")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cases", "0014_step_waiting_for_applicant"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Agreement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('ownership_mode', models.CharField(choices=[('joint', '共同共有'), ('shares', '按份共有')], default='shares', help_text='按份共有时，各户份额与费用分摊比例相同', max_length=8, verbose_name='电梯产权')),
                        ('using_unit', models.CharField(blank=True, help_text='受托管理电梯的物业服务企业或专业公司', max_length=100, verbose_name='使用单位')),
                        ('maintenance_company', models.CharField(blank=True, max_length=100, verbose_name='维护保养单位')),
                        ('payment_schedule', models.TextField(default='协议签订后15日内缴纳分摊金额的50%；电梯安装完成后15日内缴纳40%；竣工验收合格后15日内缴纳10%。', verbose_name='缴款安排')),
                        ('running_costs', models.TextField(default='电梯运行电费、维护保养费、年度检验费及维修费用，按本协议费用分摊比例由各户承担。', verbose_name='运行维护费用分摊')),
                        ('low_floor_compensation', models.TextField(blank=True, verbose_name='低层住户补偿')),
                        ('joining_later', models.TextField(default='未出资业主日后申请使用电梯的，应按届时评估的分摊金额补交费用，经出资业主同意后方可使用。', verbose_name='后续加入')),
                        ('dispute_resolution', models.TextField(default='因本协议发生争议的，各方协商解决；协商不成的，可申请社区、街道调解，或依法向房屋所在地人民法院提起诉讼。', verbose_name='争议解决')),
                        ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='agreement', to='cases.case', verbose_name='案件')),
                    ],
                    options={
                        'verbose_name': '业主协议条款',
                        'verbose_name_plural': '业主协议条款',
                        'db_table': 'cases_agreement',
                    },
                ),
                migrations.CreateModel(
                    name='FloorCoefficient',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('floor', models.SmallIntegerField(verbose_name='楼层')),
                        ('coefficient', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='分摊系数')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='floor_coefficients', to='cases.case', verbose_name='案件')),
                    ],
                    options={
                        'verbose_name': '楼层分摊系数',
                        'verbose_name_plural': '楼层分摊系数',
                        'db_table': 'cases_floorcoefficient',
                        'ordering': ['case', 'floor'],
                        'constraints': [models.UniqueConstraint(fields=('case', 'floor'), name='floor_coefficient_unique'), models.CheckConstraint(condition=models.Q(('coefficient__gte', 0)), name='floor_coefficient_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='FundingSource',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('owners', '业主共同出资'), ('provident_fund', '提取住房公积金'), ('maintenance_fund', '使用住宅专项维修资金'), ('other', '其他资金')], max_length=20, verbose_name='资金来源')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='金额（元）')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='funding_sources', to='cases.case', verbose_name='案件')),
                    ],
                    options={
                        'verbose_name': '资金来源',
                        'verbose_name_plural': '资金筹集方案',
                        'db_table': 'cases_fundingsource',
                        'ordering': ['case', models.Case(models.When(kind='owners', then=0), models.When(kind='provident_fund', then=1), models.When(kind='maintenance_fund', then=2), models.When(kind='other', then=3), default=4)],
                        'constraints': [models.UniqueConstraint(fields=('case', 'kind'), name='funding_source_unique_per_case'), models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='funding_amount_not_negative')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_funding, content_types_to_cases),
    ]
