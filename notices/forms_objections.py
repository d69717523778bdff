"""The office's forms for objections: a paper objection with its scan, a contact or a
mediation meeting, and the close with its outcome and reply."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Owner

from .models import HandlingKind, ObjectionOutcome
from .services_objections import MAX_OUTCOME_REASONS, MAX_REPLY, MAX_TEXT

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXT_ERRORS = {"max_length": _("不能超过%(limit_value)d字（现有%(show_value)d字）。")}


class OwnerChoiceField(forms.ModelChoiceField):
    rooms: dict[int, str] = {}

    def label_from_instance(self, obj):
        rooms = self.rooms.get(obj.pk)
        return f"{obj.name}（{rooms}室）" if rooms else obj.name


class PaperObjectionForm(forms.Form):
    owner = OwnerChoiceField(
        label=_("异议人（本单元业主）"),
        queryset=Owner.objects.none(),
        error_messages={"invalid_choice": _("请选择本单元的业主。"), "required": _("请选择异议人。")},
    )
    received_at = forms.DateTimeField(
        label=_("受理时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        error_messages={"invalid": _("请填写有效的受理时间。")},
    )
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=11)
    reasons = forms.CharField(
        label=_("异议理由（摘要）"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_TEXT_ERRORS,
    )
    scan = forms.FileField(label=_("书面异议扫描件"), help_text=_("PDF、JPEG或PNG，须有异议人签名。"))

    def __init__(self, *args, owners, rooms: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].rooms = rooms


class HandlingForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=HandlingKind.choices, widget=forms.HiddenInput)
    on = forms.DateField(label=_("日期"), widget=_DATE, error_messages={"invalid": _("请填写有效的日期。")})
    how = forms.CharField(label=_("方式/地点"), required=False, max_length=100, error_messages=_TEXT_ERRORS)
    attendees = forms.CharField(
        label=_("参加人员"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label=_("情况/议定事项"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_TEXT_ERRORS,
    )


class ContactForm(HandlingForm):
    attendees = None
    how = forms.CharField(
        label=_("联系方式"),
        required=False,
        max_length=100,
        help_text=_("如电话、上门、短信。"),
        error_messages=_TEXT_ERRORS,
    )
    summary = forms.CharField(
        label=_("联系情况"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}), error_messages=_TEXT_ERRORS
    )


class MeetingForm(HandlingForm):
    how = forms.CharField(label=_("地点"), required=False, max_length=100, error_messages=_TEXT_ERRORS)
    attendees = forms.CharField(
        label=_("参加人员"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), error_messages=_TEXT_ERRORS
    )
    summary = forms.CharField(
        label=_("议定事项"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}), error_messages=_TEXT_ERRORS
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("结果说明/不予支持的理由"),
        required=False,
        max_length=MAX_OUTCOME_REASONS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("经协调解决的写明方案如何调整；异议不成立的写明理由。"),
        error_messages=_TEXT_ERRORS,
    )
    reply_text = forms.CharField(
        label=_("书面答复正文"),
        max_length=MAX_REPLY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("打印为一页的书面答复，交异议人；异议人在业主端也可查看。"),
        error_messages=_TEXT_ERRORS,
    )
