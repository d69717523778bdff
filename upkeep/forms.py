"""The register page's forms. They parse what was typed (dates, numbers, choices); the
services check the rest and refuse in the user's language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CostKind, InspectionResult, UsingUnitKind

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterForm(forms.Form):
    using_unit_kind = forms.ChoiceField(label=_("使用单位类型"), choices=UsingUnitKind.choices)
    using_unit_name = forms.CharField(label=_("使用单位名称"), required=False, max_length=100)
    responsible_owner = forms.TypedChoiceField(
        label=_("负责业主"), required=False, coerce=int, empty_value=None, help_text=_("业主自行管理时必填")
    )
    safety_admin_name = forms.CharField(label=_("安全管理员"), required=False, max_length=40)
    safety_admin_certificate = forms.CharField(label=_("安全管理员证书编号"), required=False, max_length=40)
    contact_name = forms.CharField(label=_("联系人"), required=False, max_length=40)
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    contact_email = forms.CharField(
        label=_("提醒邮箱"), required=False, max_length=120, help_text=_("到期提醒发送至此邮箱及本区住建经办人")
    )
    maker = forms.CharField(label=_("制造单位"), required=False, max_length=100)
    model = forms.CharField(label=_("型号"), required=False, max_length=60)
    rated_load_kg = forms.IntegerField(label=_("额定载重量（kg）"), required=False, min_value=100, max_value=5000)
    rated_speed = forms.DecimalField(
        label=_("额定速度（m/s）"), required=False, max_digits=4, decimal_places=2, min_value=0.1, max_value=10
    )
    stops = forms.IntegerField(label=_("层站数"), required=False, min_value=2, max_value=60)
    factory_number = forms.CharField(label=_("出厂编号"), required=False, max_length=40)
    rescue_code = forms.CharField(label=_("96196应急救援识别码"), required=False, max_length=12)
    installer = forms.CharField(label=_("安装单位"), required=False, max_length=100)
    first_used_on = forms.DateField(label=_("首次投入使用日期"), required=False, widget=_DATE)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_owner"].choices = [("", "—")] + [(o.pk, o.name) for o in owners]


class UseRegistrationForm(forms.Form):
    registered_on = forms.DateField(label=_("使用登记日期"), widget=_DATE)
    certificate = forms.CharField(label=_("使用登记证编号"), max_length=40)


class ContractForm(forms.Form):
    company = forms.CharField(label=_("维保单位"), max_length=100)
    licence_number = forms.CharField(label=_("许可证编号"), max_length=40)
    starts_on = forms.DateField(label=_("合同起始日期"), widget=_DATE)
    ends_on = forms.DateField(label=_("合同终止日期"), widget=_DATE)
    price = forms.CharField(label=_("合同价款（元/年）"), max_length=20)
    interval_days = forms.IntegerField(label=_("保养周期（天）"), initial=15, min_value=1, max_value=15)


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("检验日期"), widget=_DATE)
    result = forms.ChoiceField(label=_("检验结论"), choices=InspectionResult.choices)
    certificate_number = forms.CharField(label=_("检验报告编号"), max_length=40)
    valid_until = forms.DateField(label=_("下次检验日期（有效期至）"), widget=_DATE)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("保养日期"), widget=_DATE)
    done_by = forms.CharField(label=_("保养人员"), max_length=64)
    work = forms.CharField(label=_("保养内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    scan = forms.FileField(
        label=_("签字记录扫描件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class CostForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("费用类别"), choices=CostKind.choices)
    amount = forms.CharField(label=_("金额（元）"), max_length=20)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class PublishCostsForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class MemberAddForm(forms.Form):
    # Not `username`: #id_username is the sign-in page's field, which the browser tests
    # (and password managers) take as "signed out".
    account = forms.CharField(
        label=_("使用单位账号（登录名）"),
        max_length=150,
        help_text=_("由系统管理员建立、角色为“使用单位”的账号；添加后该账号可查看本电梯并登记维护保养和定期检验。"),
    )
