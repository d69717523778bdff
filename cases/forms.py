"""Forms of the step actions. They only collect and check input; the services decide."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import validators
from .models import AttachmentKind
from .workflow import Procedure, StepAction


class StepForm(forms.Form):
    """The step pages' forms: required fields' labels in bold, as on the admin's own forms."""

    required_css_class = "required"

    @classmethod
    def initial_for(cls, procedure: Procedure) -> dict:
        """What the form shows filled in on this procedure's step."""
        return {}


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

    @classmethod
    def initial_for(cls, procedure: Procedure) -> dict:
        # What the step usually carries, preselected so an upload is not filed as the first
        # type in the list.
        return {"kind": procedure.usual_papers[0]}


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

    @classmethod
    def initial_for(cls, procedure: Procedure) -> dict:
        # What the step usually carries, preselected so a clerk does not file every scan as
        # the first type in the list (step 1's two scans are what its submission requires).
        usual = procedure.usual_papers
        return {f"kind_{i}": kind for i, kind in enumerate(usual, start=1)} | {
            f"kind_{i}": AttachmentKind.OTHER for i in range(len(usual) + 1, 4)
        }

    def files_with_kinds(self) -> list[tuple[str, object]]:
        return [
            (self.cleaned_data[f"kind_{i}"] or AttachmentKind.OTHER, self.cleaned_data[f"file_{i}"])
            for i in (1, 2, 3)
            if self.cleaned_data.get(f"file_{i}")
        ]


# The forms the step actions name (cases.workflow.STEP_ACTIONS, `StepAction.form`).
STEP_FORMS = {
    "note": NoteForm,
    "reason": ReasonForm,
    "upload": UploadForm,
    "notice": NoticeForm,
    "paper": PaperSubmissionForm,
}


def step_action_form(action: StepAction, procedure: Procedure, data=None, files=None) -> StepForm:
    """The action's form on this procedure's step, bound when there is data."""
    form_class = STEP_FORMS[action.form]
    return form_class(data, files, initial=form_class.initial_for(procedure))
