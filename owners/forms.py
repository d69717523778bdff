"""The owners' forms. Labels are the words on the owner's letter and the contract of issue 12:
激活码, 身份证号后六位, 手机号码, 设置密码, 确认密码; 手机号码 and 密码 to sign in."""

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases import validators

from . import codes


class ActivationForm(forms.Form):
    code = forms.CharField(
        label=_("激活码"),
        max_length=40,
        help_text=_("激活函上的12位激活码，可不输入短横线"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "class": "code-input"}),
    )
    id_tail = forms.CharField(
        label=_("身份证号后六位"),
        max_length=6,
        help_text=_("末位是X的请输入X"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "autocapitalize": "characters"}),
    )
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        help_text=_("以后用这个号码登录"),
        validators=[validators.validate_mobile],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )
    password1 = forms.CharField(
        label=_("设置密码"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        max_length=128,
        help_text=_("再输入一次同样的密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean_code(self) -> str:
        code = codes.normalize(self.cleaned_data["code"])
        if len(code) != codes.CODE_LENGTH:
            raise ValidationError(_("激活码是12位字母和数字，请核对激活函。"), code="code_length")
        return code

    def clean_id_tail(self) -> str:
        tail = validators.normalize_id(self.cleaned_data["id_tail"])
        if len(tail) != 6 or not (tail[:5].isdigit() and (tail[5].isdigit() or tail[5] == "X")):
            raise ValidationError(_("请输入身份证号码的最后六位（数字，末位可为X）。"), code="id_tail_format")
        return tail

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", ValidationError(_("两次输入的密码不一致。"), code="password_mismatch"))
        return cleaned


class LoginForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
