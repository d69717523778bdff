"""The inbox (站内通知), each user's mail switch and the digest's one run a day.

A notification is written once, in Chinese, when the event it tells of happens (like the
audit log: what a user was told stays what they were told); the inbox lists it until the
user has read it and after. Mail is a copy of it, sent only after the transaction commits,
to users who have an e-mail address and did not turn mail off. The inbox stays either way.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    STEP_SUBMITTED = "step_submitted", _("申报待审查")
    STEP_APPROVED = "step_approved", _("审查通过")
    STEP_RETURNED = "step_returned", _("退回补正")
    STEP_REJECTED = "step_rejected", _("不予通过")
    VOTE_OPENED = "vote_opened", _("表决开始")
    VOTE_CLOSED = "vote_closed", _("表决结束")
    NOTICE_PUBLISHED = "notice_published", _("公示发布")
    OBJECTION_ANSWERED = "objection_answered", _("异议已答复")
    DIGEST = "digest", _("即将到期提醒")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=24, choices=NotificationKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # A path inside the portal (the case page, the owners' vote page, …), never another site.
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The inbox, newest first.
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            # The unread count in every page's header: only the unread rows.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice about mail; without a row, mail is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    mail_enabled = models.BooleanField(_("接收邮件通知"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return str(self.user)


class DigestRun(models.Model):
    """The daily digest ran for this date: the unique date makes a second run the same day,
    or two at once, send nothing."""

    date = models.DateField(_("日期"), primary_key=True)
    ran_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    steps = models.PositiveIntegerField(_("到期程序数"), default=0)
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)

    class Meta:
        verbose_name = _("每日到期提醒")
        verbose_name_plural = _("每日到期提醒")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"
