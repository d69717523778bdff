from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    mail_enabled = forms.BooleanField(label=_("同时发送邮件通知"), required=False)
