"""Forms of the step actions. They only collect and check input; the services decide."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import validators
from .models import AttachmentKind


class StepForm(forms.Form):
    """The step pages' forms: required fields' labels in bold, as on the admin's own forms."""

    required_css_class = "required"


class NoteForm(StepForm):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(StepForm):
    note = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写明需要补正或不予通过的具体内容，申请人将看到这段文字。"),
        error_messages={"required": _("请写明理由。")},
    )


class UploadForm(StepForm):
    kind = forms.ChoiceField(label=_("材料类型"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、JPEG或PNG，单个文件不超过上限（默认20 MB）。"))


class NoticeForm(StepForm):
    notice_start = forms.DateField(label=_("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    notice_end = forms.DateField(label=_("公示结束日期"), widget=forms.DateInput(attrs={"type": "date"}))

    # The service holds the rule; these put its message next to the field concerned.
    def clean_notice_start(self):
        value = self.cleaned_data["notice_start"]
        validators.validate_date_in_range(value, what=_("公示开始日期"))
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("notice_start"), data.get("notice_end")
        if start and end and end >= start:
            try:
                validators.validate_period_length(start, end, what=_("公示期"), max_days=settings.NOTICE_MAX_DAYS)
            except ValidationError as err:
                self.add_error("notice_end", err)
        return data


class PaperSubmissionForm(StepForm):
    """What the applicant brought to the window; up to three scans, each with its type."""

    brought_by = forms.CharField(label=_("递交人"), max_length=64)
    brought_by_phone = forms.CharField(label=_("递交人手机"), max_length=11, required=False)
    brought_at = forms.DateTimeField(
        label=_("递交时间"),
        initial=lambda: timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(label=_("材料清单/说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kind_1 = forms.ChoiceField(label=_("扫描件1类型"), choices=AttachmentKind.choices, required=False)
    file_1 = forms.FileField(label=_("扫描件1"), required=False)
    kind_2 = forms.ChoiceField(label=_("扫描件2类型"), choices=AttachmentKind.choices, required=False)
    file_2 = forms.FileField(label=_("扫描件2"), required=False)
    kind_3 = forms.ChoiceField(label=_("扫描件3类型"), choices=AttachmentKind.choices, required=False)
    file_3 = forms.FileField(label=_("扫描件3"), required=False)

    def clean_brought_at(self):
        value = self.cleaned_data["brought_at"]
        validators.validate_past_moment(value, what=_("递交时间"))
        return value

    def files_with_kinds(self) -> list[tuple[str, object]]:
        return [
            (self.cleaned_data[f"kind_{i}"] or AttachmentKind.OTHER, self.cleaned_data[f"file_{i}"])
            for i in (1, 2, 3)
            if self.cleaned_data.get(f"file_{i}")
        ]


# What a window submission or an upload at each step usually carries, preselected so a
# clerk does not file every scan as the first type in the list. Step 1's two scans are
# what its approval requires.
_USUAL_KINDS = {
    1: (AttachmentKind.OWNERS_AGREEMENT, AttachmentKind.SCHEME_DRAWING),
    3: (AttachmentKind.PLANNING_PERMIT,),
    4: (AttachmentKind.DRAWING_REVIEW,),
    7: (AttachmentKind.ACCEPTANCE_RECORD,),
    8: (AttachmentKind.INSPECTION_CERTIFICATE,),
}


def initial_kinds(action: str, step_number: int) -> dict:
    usual = _USUAL_KINDS.get(step_number, (AttachmentKind.OTHER,))
    if action == "upload":
        return {"kind": usual[0]}
    if action == "paper":
        return {f"kind_{i}": kind for i, kind in enumerate(usual, start=1)} | {
            f"kind_{i}": AttachmentKind.OTHER for i in range(len(usual) + 1, 4)
        }
    return {}


FORM_FOR_ACTION = {
    "submit": NoteForm,
    "approve": NoteForm,
    "return": ReasonForm,
    "reject": ReasonForm,
    "upload": UploadForm,
    "notice": NoticeForm,
    "paper": PaperSubmissionForm,
}
