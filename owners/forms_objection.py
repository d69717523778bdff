"""The owner's objection to the notice (提出异议): the reasons, up to three photos, and the
statement that it is brought in their own name."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notices.services_objections import MAX_PHOTOS, MAX_TEXT


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one field (Django's documented pattern); each is checked by the
    service (type by content, size, pixels)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ObjectionForm(forms.Form):
    reasons = forms.CharField(
        label=_("异议理由"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明您对增设电梯的哪些方面有异议，以及理由（例如采光、通风、噪音、通行、费用分摊）。"),
        error_messages={
            "required": _("请填写异议理由。"),
            "max_length": _("异议理由不能超过%(limit_value)d字（现有%(show_value)d字）。"),
        },
    )
    photos = MultiplePhotoField(
        label=_("照片（可选，最多%(n)s张）") % {"n": MAX_PHOTOS},
        required=False,
    )
    real_name = forms.BooleanField(
        label=_("本人以真实姓名提出以上异议，内容属实。"),
        error_messages={"required": _("请勾选确认以本人真实姓名提出异议。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _("JPEG或PNG照片，每张不超过%(mb)s MB。") % {
            "mb": settings.NOTICE_PHOTO_MAX_BYTES // (1024 * 1024)
        }

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传%(n)s张照片。") % {"n": MAX_PHOTOS})
        return photos
