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


# --- objections (issue 13 §2) -----------------------------------------------------------------


class ObjectionChannel(models.TextChoices):
    ONLINE = "online", _("业主端网上提出")
    PAPER = "paper", _("书面递交（工作人员登记）")


class ObjectionState(models.TextChoices):
    """Where an objection stands. Never set by hand: `notices.services_objections` moves it
    (received → handling on the first contact or meeting → closed with its outcome and reply)."""

    RECEIVED = "received", _("已受理，待联系")
    HANDLING = "handling", _("处理中")
    CLOSED = "closed", _("已办结")


class ObjectionOutcome(models.TextChoices):
    WITHDRAWN = "withdrawn", _("异议人撤回异议")
    RESOLVED = "resolved", _("经协调解决（方案调整）")
    NOT_UPHELD = "not_upheld", _("异议不成立")


class Objection(models.Model):
    """A written, real-name objection to the notice (书面实名异议): brought online by an owner
    of the unit or on paper to the office. Its receipt (number, time, verification code) is
    re-rendered from this row at any time (notices/objection_pdf.py), and so is the reply
    once it is closed: what the PDFs print is what is stored here, never recomputed."""

    notice = models.ForeignKey(Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections")
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("异议编号"), max_length=32, unique=True)  # "<case number>-YY01"
    code = models.CharField(_("回执核验码"), max_length=16, unique=True)  # random: the QR's address
    owner = models.ForeignKey(
        "cases.Owner", verbose_name=_("异议人（业主）"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("异议人姓名"), max_length=100)  # the real name, as registered when received
    rooms = models.CharField(_("房号"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=11, blank=True)
    channel = models.CharField(_("提出方式"), max_length=8, choices=ObjectionChannel.choices)
    reasons = models.TextField(_("异议理由"))
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    late = models.BooleanField(_("逾期提出"), default=False)  # received after the notice's last day
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交/登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.RECEIVED)
    outcome = models.CharField(_("处理结果"), max_length=12, choices=ObjectionOutcome.choices, blank=True)
    outcome_reasons = models.TextField(_("结果说明"), blank=True)
    reply_text = models.TextField(_("书面答复"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["notice", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "seq"], name="objection_seq_unique_in_notice"),
            models.CheckConstraint(condition=Q(state__in=ObjectionState.values), name="objection_state_known"),
            # Closed exactly when it has an outcome, a reply and a time.
            models.CheckConstraint(
                condition=(
                    Q(state=ObjectionState.CLOSED, closed_at__isnull=False, outcome__in=ObjectionOutcome.values)
                    & ~Q(reply_text="")
                )
                | (~Q(state=ObjectionState.CLOSED) & Q(closed_at__isnull=True, outcome="")),
                name="objection_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state != ObjectionState.CLOSED


def objection_file_path(instance: "ObjectionFile", filename: str) -> str:
    # Private storage; the name never includes anything a user typed.
    ext = {"image/png": "png", "image/jpeg": "jpg"}.get(instance.content_type, "pdf")
    return f"objections/{instance.objection.number}/{instance.sha256[:16]}.{ext}"


class ObjectionFileKind(models.TextChoices):
    PHOTO = "photo", _("异议人提供的照片")
    SCAN = "scan", _("书面异议扫描件")


class ObjectionFile(models.Model):
    objection = models.ForeignKey(Objection, verbose_name=_("异议"), on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("类别"), max_length=8, choices=ObjectionFileKind.choices)
    file = models.FileField(_("文件"), upload_to=objection_file_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("异议附件")
        verbose_name_plural = _("异议附件")
        ordering = ["objection", "pk"]

    def __str__(self) -> str:
        return self.original_name


class HandlingKind(models.TextChoices):
    CONTACT = "contact", _("联系异议人")
    MEETING = "meeting", _("调解协调会")


class ObjectionHandling(models.Model):
    """One step of handling, append-only: a contact with the objector (how, what was said) or
    a mediation meeting (when, who attended, what was agreed)."""

    objection = models.ForeignKey(Objection, verbose_name=_("异议"), on_delete=models.PROTECT, related_name="handling")
    kind = models.CharField(_("类别"), max_length=8, choices=HandlingKind.choices)
    on = models.DateField(_("日期"))
    how = models.CharField(_("方式/地点"), max_length=100, blank=True)
    attendees = models.TextField(_("参加人员"), blank=True)
    summary = models.TextField(_("情况/议定事项"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("异议处理记录")
        verbose_name_plural = _("异议处理记录")
        ordering = ["objection", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.objection.number} {self.get_kind_display()}"
