from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NoticePlace

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublishForm(forms.Form):
    start = forms.DateField(label=_("公示开始日期"), widget=_DATE)
    end = forms.DateField(label=_("公示结束日期"), widget=_DATE)
    places = forms.MultipleChoiceField(
        label=_("张贴位置"),
        choices=[c for c in NoticePlace.choices if c[0] != NoticePlace.ONLINE],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("业主端网上公示总是同时发布。"),
    )


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("张贴照片"), widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})
    )
    taken_by = forms.CharField(label=_("拍摄人"), max_length=64)


class TakeDownForm(forms.Form):
    on = forms.DateField(label=_("撤下日期"), widget=_DATE)
    reason = forms.CharField(
        label=_("撤下原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("提前撤下的须填写。")
    )
