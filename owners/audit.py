"""The owners' side's audit events, one function per event, written inside the service's
transaction (audit.services.log_event) under the names owners/events.py declares.

Sign-ins and activations belong to no case: their row carries the account and, as its
office, the one whose letter was used (activation) or none (sign-in; the log of the city
and the superusers shows it)."""

from audit.services import log_event, written_in_chinese

from .events import OwnersEvent


@written_in_chinese
def activation_codes_issued(*, case, actor, count: int, owners: list[str]) -> None:
    log_event(
        event=OwnersEvent.ACTIVATION_CODES_ISSUED,
        actor=actor,
        case=case,
        obj=case,
        message=f"签发业主激活函{count}份：{case.number}",
        data={"owners": owners},
    )


@written_in_chinese
def account_activated(*, account, code) -> None:
    log_event(
        event=OwnersEvent.ACCOUNT_ACTIVATED,
        actor=account.user,
        case=code.case,
        obj=account,
        message=f"业主账户激活：{code.owner.name}（手机{account.masked_mobile}）",
        data={"code": code.pk},
    )


@written_in_chinese
def activation_failed(*, code, reason: str, ip_address: str | None) -> None:
    log_event(
        event=OwnersEvent.ACTIVATION_FAILED,
        actor=None,
        case=code.case,
        obj=code.owner,
        message=f"业主激活失败：{code.owner.name}（{reason}）",
        data={"code": code.pk, "ip": ip_address or "", "failed_attempts": code.failed_attempts},
    )


@written_in_chinese
def signed_in(*, account, ip_address: str | None) -> None:
    log_event(
        event=OwnersEvent.SIGNED_IN,
        actor=account.user,
        obj=account,
        message=f"业主登录（手机{account.masked_mobile}）",
        data={"ip": ip_address or ""},
    )


@written_in_chinese
def signed_out(*, account) -> None:
    log_event(
        event=OwnersEvent.SIGNED_OUT,
        actor=account.user,
        obj=account,
        message=f"业主退出登录（手机{account.masked_mobile}）",
    )


@written_in_chinese
def account_disabled(*, account, actor, reason: str) -> None:
    log_event(
        event=OwnersEvent.ACCOUNT_DISABLED,
        actor=actor,
        obj=account,
        message=f"停用业主账户（手机{account.masked_mobile}）：{reason}",
    )


@written_in_chinese
def ballot_receipt_issued(*, receipt) -> None:
    ballot = receipt.ballot
    log_event(
        event=OwnersEvent.BALLOT_RECEIPT_ISSUED,
        actor=receipt.account.user,
        case=ballot.vote.case,
        obj=ballot,
        message=f"网上表决回执 {receipt.code}：{ballot.rooms}",
    )


@written_in_chinese
def agreement_signed(*, signature, actor) -> None:
    how = signature.get_channel_display()
    proxy = f"，由{signature.proxy_name}（{signature.proxy_relation}）代签" if signature.proxy_name else ""
    log_event(
        event=OwnersEvent.AGREEMENT_SIGNED,
        actor=actor,
        case=signature.case,
        obj=signature,
        message=f"{signature.owner.name}{how}增设电梯协议书{proxy}",
    )


@written_in_chinese
def proxy_letter_downloaded(*, signature, actor) -> None:
    log_event(
        event=OwnersEvent.PROXY_LETTER_DOWNLOADED,
        actor=actor,
        case=signature.case,
        obj=signature,
        message=f"下载委托书：{signature.owner.name}（代签人{signature.proxy_name}）",
    )
