"""Forms of the vote page and the owners' online ballot. They collect and check input; the
services decide (and check everything again under lock)."""

import hashlib

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .models import PROXY_NAME_MAX_LENGTH, PROXY_RELATION_MAX_LENGTH, BallotChoice, WitnessOrganisation

_DATETIME = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
}
_TABLE_HELP = _(".xlsx 或 .csv（UTF-8 或 GB18030 编码）；表头可用中文或英文，列的顺序不限。")
_SCAN_HELP = _("PDF、JPEG或PNG，按文件内容判断类型。")


def _file_field(label, help_text, **kwargs) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=help_text,
        error_messages={"required": _("请选择文件。"), "empty": _("文件是空的。")},
        **kwargs,
    )


class TableUploadForm(forms.Form):
    file = _file_field(_("文件"), _TABLE_HELP)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TABLE_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件有 %(size)s MB，超过名册和选票文件的上限 %(max)s MB：请确认选择了正确的文件。")
                % {"size": f"{upload.size / 1048576:.1f}", "max": f"{limit / 1048576:.1f}"}
            )
        return upload

    def read(self) -> tuple[bytes, str]:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read(), upload.name or ""


class RosterUploadForm(TableUploadForm):
    file = _file_field(
        _("业主名册文件"),
        # format_lazy, not +: adding to a lazy string translates it once, at import.
        format_lazy(
            "{} {}",
            _(
                "列：房号、楼层、专有部分面积、面积来源（登记/实测/合同）、业主姓名、证件号码、开发商持有（是/否）、"
                "不动产权证号；共有人以“、”分隔。"
            ),
            _TABLE_HELP,
        ),
    )
    # Areas outside the usual range for one flat are imported only once the clerk confirms
    # them for this very file: the checkbox appears after such a refusal (`ask_area_confirmation`)
    # and counts only for the file whose digest the form carries.
    confirm_areas = forms.BooleanField(
        label=_("已核对上述面积，确认无误（请重新选择同一文件后提交）"), required=False, widget=forms.HiddenInput
    )
    areas_file = forms.CharField(required=False, widget=forms.HiddenInput)

    def areas_confirmed(self, data: bytes) -> bool:
        digest = hashlib.sha256(data).hexdigest()
        return bool(self.cleaned_data.get("confirm_areas")) and self.cleaned_data.get("areas_file") == digest

    def ask_area_confirmation(self, data: bytes) -> None:
        """Show the confirmation checkbox, unticked, for this file."""
        self.data = self.data.copy()
        self.data[self.add_prefix("areas_file")] = hashlib.sha256(data).hexdigest()
        self.data.pop(self.add_prefix("confirm_areas"), None)
        self.fields["confirm_areas"].widget = forms.CheckboxInput()


class BallotFileForm(TableUploadForm):
    file = _file_field(
        _("选票文件"),
        _("列：房号、表决意见（同意/反对/弃权）；可直接使用导出的名册填写“表决意见”列。同一表决人已有的选票将被更正。"),
    )


class VoteOpenForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("表决截止时间"),
        required=False,
        help_text=_("可不填：由经办人结束表决。填写后，截止时间之后不再接受选票。"),
        **_DATETIME,
    )

    confirm = forms.BooleanField(
        label=_(
            "确认开始表决：开始后名册（房屋、面积、业主姓名和证件号码）冻结，表决票上印出的增设方案和工程预算冻结，"
            "如需变更须重新组织表决"
        ),
        error_messages={"required": _("请核对上列表决事项，勾选确认后再开始表决。")},
    )

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("表决截止时间须晚于现在。"))
        return value


class NewRoundForm(VoteOpenForm):
    """A re-vote after a failed one: its own button, and a box to tick."""

    confirm = forms.BooleanField(
        label=_("确认开始新一轮表决：上一轮未通过，其选票和结果保留为记录，新一轮的选票须重新收集"),
        error_messages={"required": _("请勾选确认后再开始新一轮表决。")},
    )


class BallotOverrideConfirmForm(forms.Form):
    """The second step of a ballot file that would replace signed or online ballots: the
    rows are listed on the page and the file waits in the session (`token` is its SHA-256)."""

    token = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("我已逐行核对，确认以选票文件为准覆盖上列选票（原选票保留在更正记录中，并记录更正理由）"),
        error_messages={"required": _("请勾选确认后再覆盖。")},
    )


class VoteCloseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("确认结束表决：结束后不再接受选票，以当时的计票结果为表决结果"),
        error_messages={"required": _("请勾选确认后再结束表决。")},
    )


class PaperBallotForm(forms.Form):
    """One voter's signed paper ballot; the voter is picked by any of their rooms."""

    room = forms.ChoiceField(label=_("表决人（房号）"))
    choice = forms.ChoiceField(label=_("表决意见"), choices=BallotChoice.choices, widget=forms.RadioSelect)
    signed_on = forms.DateField(
        label=_("签署日期"),
        initial=timezone.localdate,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    scan = _file_field(_("签字选票扫描件"), _SCAN_HELP)
    reason = forms.CharField(
        label=_("更正理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("该表决人已有选票时必填：写明更正原因（如：业主本人书面申请更改意见）。"),
    )

    # 由他人代为表决 (optional): a family member signed for the owner with the owner's power
    # of attorney. Left empty, the owner signed themselves; the service checks the rest.
    proxy_name = forms.CharField(
        label=_("代为表决人姓名"), required=False, widget=forms.TextInput(attrs={"maxlength": PROXY_NAME_MAX_LENGTH})
    )
    proxy_relation = forms.CharField(
        label=_("与业主关系"),
        required=False,
        help_text=_("如：子女、配偶"),
        widget=forms.TextInput(attrs={"maxlength": PROXY_RELATION_MAX_LENGTH}),
    )
    proxy_id_number = forms.CharField(
        label=_("代为表决人身份证号码"),
        required=False,
        help_text=_("可不填；填写的须为有效的18位身份证号码，列表中只显示首尾。"),
        widget=forms.TextInput(attrs={"maxlength": 18}),
    )
    proxy_letter = forms.FileField(
        label=_("委托书扫描件"),
        required=False,
        help_text=format_lazy("{} {}", _("业主签署的授权委托书。"), _SCAN_HELP),
        error_messages={"empty": _("文件是空的。")},
    )

    PROXY_FIELDS = ("proxy_name", "proxy_relation", "proxy_id_number", "proxy_letter")

    def __init__(self, *args, voters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [("", _("—— 请选择 ——"))] + [
            (voter.rooms[0], f"{voter.rooms_label} {voter.names}") for voter in voters
        ]

    @property
    def ballot_fields(self) -> list:
        return [self[name] for name in self.fields if name not in self.PROXY_FIELDS]

    @property
    def proxy_fields(self) -> list:
        return [self[name] for name in self.PROXY_FIELDS]

    @property
    def proxy_given(self) -> bool:
        """Whether the clerk filled in any of the proxy part (it then shows opened)."""
        if not self.is_bound:
            return False
        return any(self.data.get(self.add_prefix(name)) for name in self.PROXY_FIELDS) or any(
            self.files.get(self.add_prefix(name)) for name in self.PROXY_FIELDS
        )

    def proxy(self) -> services.Proxy | None:
        """The proxy as the service takes it, or None when the part was left empty."""
        data = self.cleaned_data
        if not any(data.get(name) for name in self.PROXY_FIELDS):
            return None
        return services.Proxy(
            name=data["proxy_name"],
            relation=data["proxy_relation"],
            id_number=data["proxy_id_number"],
            letter=data["proxy_letter"],
        )


class WitnessForm(forms.Form):
    witness_name = forms.CharField(label=_("见证人"), max_length=100)
    organisation_kind = forms.ChoiceField(label=_("见证单位类型"), choices=WitnessOrganisation.choices)
    organisation_name = forms.CharField(
        label=_("见证单位名称"), max_length=100, help_text=_("如：东湖街道刺桐社区居民委员会")
    )
    witnessed_at = forms.DateTimeField(label=_("见证时间"), **_DATETIME)
    method = forms.CharField(label=_("见证方式"), max_length=200, help_text=_("如：现场见证投票、唱票和计票"))
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = _file_field(_("见证记录（签字扫描件）"), _SCAN_HELP)


class OnlineBallotForm(forms.Form):
    """The owner's online ballot (网上表决). Owner login arrives with the owner portal; the
    view there builds this form with the owner and the case's open vote and calls `save`."""

    voter_key = forms.ChoiceField(label=_("为哪些房屋投票"), widget=forms.RadioSelect)
    choice = forms.ChoiceField(label=_("您的表决意见"), choices=BallotChoice.choices, widget=forms.RadioSelect)

    def __init__(self, *args, owner, vote, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner, self.vote = owner, vote
        mine = selectors.voters_of_owner(case=vote.case, owner=owner)
        self.fields["voter_key"].choices = [
            (v.key, _("%(rooms)s（%(area)s ㎡）") % {"rooms": v.rooms_label, "area": f"{v.area:.2f}"}) for v in mine
        ]
        if len(mine) == 1:
            self.fields["voter_key"].initial = mine[0].key
            self.fields["voter_key"].widget = forms.HiddenInput()

    def save(self, *, actor):
        return services.ballot_cast_online(
            vote=self.vote,
            owner=self.owner,
            choice=self.cleaned_data["choice"],
            actor=actor,
            voter_key=self.cleaned_data["voter_key"],
        )
