"""The owners' side of the portal (业主端): owner accounts made from a printed activation
letter, the activation codes behind the letters, the receipts of online ballots and the
owners' confirmations of the agreement.

Owners are not staff: an owner's account is a `cases.User` with `person` set (one account
per identity, city-wide, whatever office recorded the flats), `is_staff` false, no role,
so the admin and every staff selector refuse it. What the account adds is here: the
mobile number the owner signs in with and whether staff have disabled it.

Every write goes through `owners.services`. Codes are stored as a keyed digest only
(`codes.digest`): the plaintext exists on the printed letter and nowhere else.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import validators
from cases.models import Case, Owner, Person


class OwnerAccount(models.Model):
    """An owner's sign-in: the mobile number and the state staff keep. The password is the
    user's (Django's hashers)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="owner_account",
    )
    mobile = models.CharField(_("手机号码"), max_length=11, unique=True, validators=[validators.validate_mobile])
    activated_at = models.DateTimeField(_("激活时间"), default=timezone.now)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    disabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("停用人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("业主账户")
        verbose_name_plural = _("业主账户")
        ordering = ["-activated_at"]

    def __str__(self) -> str:
        return validators.mask_mobile(self.mobile)

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None

    @property
    def masked_mobile(self) -> str:
        return validators.mask_mobile(self.mobile)


class CodeVoided(models.TextChoices):
    REISSUED = "reissued", _("已补发新激活码")
    TOO_MANY_ATTEMPTS = "attempts", _("身份证号后六位错误次数过多")
    ACCOUNT_DISABLED = "disabled", _("账户已停用")


class ActivationCode(models.Model):
    """One printed letter's code. Single use; expires; issuing again voids the person's
    earlier unused code (at most one live code per person, a database constraint)."""

    person = models.ForeignKey(Person, verbose_name=_("身份"), on_delete=models.PROTECT, related_name="+")
    # The office record the letter was addressed from (name and rooms as that office keeps them).
    owner = models.ForeignKey(Owner, verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(_("激活码摘要"), max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_because = models.CharField(_("作废原因"), max_length=16, choices=CodeVoided.choices, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("核对失败次数"), default=0)

    class Meta:
        verbose_name = _("激活码")
        verbose_name_plural = _("激活码")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(used_at__isnull=True, voided_at__isnull=True),
                name="one_live_activation_code_per_person",
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("issued_at")), name="code_expires_after_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.issued_at:%Y-%m-%d}"

    def is_live_at(self, moment) -> bool:
        return self.used_at is None and self.voided_at is None and moment < self.expires_at


class ActivationFailure(models.Model):
    """A wrong attempt on the activation page, kept to throttle by address (per code, the
    code's own `failed_attempts` counts). Old rows are only read inside the window."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True)
    digest = models.CharField(_("激活码摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("激活失败记录")
        verbose_name_plural = _("激活失败记录")
        indexes = [models.Index(fields=["ip_address", "at"], name="activation_failure_by_ip")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.ip_address or ''}"


class BallotReceipt(models.Model):
    """The receipt of an owner's online ballot (回执): a code printed with a verification QR."""

    ballot = models.OneToOneField(
        "voting.Ballot", verbose_name=_("选票"), on_delete=models.PROTECT, related_name="receipt"
    )
    code = models.CharField(_("回执编号"), max_length=16, unique=True)
    account = models.ForeignKey(
        OwnerAccount, verbose_name=_("业主账户"), on_delete=models.PROTECT, related_name="receipts"
    )
    issued_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("网上表决回执")
        verbose_name_plural = _("网上表决回执")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.code


class SignatureChannel(models.TextChoices):
    ONLINE = "online", _("网上确认签署")
    PAPER = "paper", _("纸质签署")


def proxy_letter_path(instance: "AgreementSignature", filename: str) -> str:
    return f"agreements/{instance.case.number}/{secrets.token_hex(16)}.{instance.letter_extension}"


class AgreementSignature(models.Model):
    """An owner's signature of the owners' agreement (增设电梯协议书): confirmed online by
    their own account, or signed on paper and recorded by staff (by a proxy with a power of
    attorney, 委托书, where the owner could not sign themselves)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Owner, verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("方式"), max_length=8, choices=SignatureChannel.choices)
    signed_at = models.DateTimeField(_("签署时间"), default=timezone.now)
    account = models.ForeignKey(
        OwnerAccount, verbose_name=_("业主账户"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The agreement version the owner read and confirmed (documents.GeneratedDocument).
    document = models.ForeignKey(
        "documents.GeneratedDocument",
        verbose_name=_("协议书版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proxy_name = models.CharField(_("代签人"), max_length=50, blank=True)
    proxy_relation = models.CharField(_("与业主关系"), max_length=20, blank=True)
    proxy_letter = models.FileField(_("委托书"), upload_to=proxy_letter_path, max_length=200, blank=True)
    proxy_letter_type = models.CharField(_("文件类型"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("协议签署")
        verbose_name_plural = _("协议签署")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "owner"], name="one_signature_per_owner_and_case"),
            models.CheckConstraint(
                condition=Q(channel__in=SignatureChannel.values), name="agreement_signature_channel_known"
            ),
            # Online: the owner's own account, never a proxy. Paper: recorded by staff.
            models.CheckConstraint(
                condition=Q(channel="online", account__isnull=False, proxy_name="")
                | Q(channel="paper", recorded_by__isnull=False),
                name="agreement_signature_channel_consistent",
            ),
            models.CheckConstraint(condition=Q(proxy_name="") | ~Q(proxy_letter=""), name="agreement_proxy_has_letter"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.owner}"

    @property
    def letter_extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(self.proxy_letter_type, "bin")
