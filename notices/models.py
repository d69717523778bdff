"""The public notice of step 2 (公示见证): what was posted, where, by whom, the photos that
prove it, and an early take-down.

One source of truth for the period: the dates live on the step
(`cases.ProcedureStep.notice_start` / `notice_end`), where the workflow already reads them
(the review's due date, the printed notice, the "登记公示期" action). A Notice does not copy
them: `notice_publish` sets them on the step through `cases.services.step_set_notice_period`
(one validation of the jurisdiction's minimum) and the Notice reads them through its step.
A period corrected later on the step is the Notice's period too; the audit log keeps each
period that was set.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, ProcedureStep
from documents.models import GeneratedDocument


class NoticePlace(models.TextChoices):
    UNIT = "unit", _("单元门口")
    BOARD = "board", _("小区公告栏")
    ONLINE = "online", _("业主端网上公示")


class Notice(models.Model):
    """The publication of one case's notice (one per case: publishing again after a
    correction or an early take-down replaces what is posted; the audit log keeps each)."""

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="notice")
    step = models.OneToOneField(
        ProcedureStep, verbose_name=_("办理程序"), on_delete=models.PROTECT, related_name="published_notice"
    )
    # The version posted: printed by `notice_publish` after the period was set, so its pages
    # carry these dates and its own verification code.
    document = models.ForeignKey(
        GeneratedDocument, verbose_name=_("张贴的公示书"), on_delete=models.PROTECT, related_name="+"
    )
    places = models.JSONField(_("张贴位置"), default=list)  # NoticePlace values
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    taken_down_on = models.DateField(_("撤下日期"), null=True, blank=True)
    taken_down_reason = models.TextField(_("撤下原因"), blank=True)
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记撤下人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self) -> str:
        return f"{self.case.number} {_('公示')}"

    @property
    def start(self):
        return self.step.notice_start

    @property
    def end(self):
        return self.step.notice_end

    @property
    def taken_down_early(self) -> bool:
        return self.taken_down_on is not None and self.end is not None and self.taken_down_on < self.end

    def place_labels(self) -> list[str]:
        return [str(NoticePlace(p).label) for p in NoticePlace.values if p in self.places]


def photo_path(instance: "NoticePhoto", filename: str) -> str:
    # Private storage; the name never includes anything a user typed.
    ext = "png" if instance.content_type == "image/png" else "jpg"
    return f"notices/{instance.notice.case.number}/{instance.sha256[:16]}.{ext}"


class TakenAtSource(models.TextChoices):
    EXIF = "exif", _("照片EXIF拍摄时间")
    UPLOAD = "upload", _("上传时间（照片无拍摄时间）")


class NoticePhoto(models.Model):
    """A photo of the posted notice: when it was taken (EXIF DateTimeOriginal where the
    camera wrote it, else the upload's time, and which), who took it, who uploaded it."""

    notice = models.ForeignKey(Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(_("照片"), upload_to=photo_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    taken_at = models.DateTimeField(_("拍摄时间"))
    taken_at_source = models.CharField(_("拍摄时间来源"), max_length=8, choices=TakenAtSource.choices)
    taken_by = models.CharField(_("拍摄人"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公示张贴照片")
        verbose_name_plural = _("公示张贴照片")
        ordering = ["notice", "taken_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken_at_source__in=TakenAtSource.values), name="notice_photo_source_known"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
