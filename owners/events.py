"""The named events of the owners' side (owners/audit.py), with the labels the audit log
shows; registered with audit from OwnersConfig.ready(). The codes are what is stored:
never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnersEvent(models.TextChoices):
    ACTIVATION_CODES_ISSUED = "owner_codes_issued", _("签发业主激活函")
    ACCOUNT_ACTIVATED = "owner_account_activated", _("业主账户激活")
    ACTIVATION_FAILED = "owner_activation_failed", _("业主激活失败")
    SIGNED_IN = "owner_signed_in", _("业主登录")
    SIGNED_OUT = "owner_signed_out", _("业主退出登录")
    ACCOUNT_DISABLED = "owner_account_disabled", _("停用业主账户")
    BALLOT_RECEIPT_ISSUED = "owner_ballot_receipt", _("出具网上表决回执")
    AGREEMENT_SIGNED = "owner_agreement_signed", _("业主签署协议")
    PROXY_LETTER_DOWNLOADED = "owner_proxy_letter_downloaded", _("下载代签委托书")
