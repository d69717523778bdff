"""The audit events of withdrawals and the subsidy, under the names events_withdrawal.py
declares. No personal data beyond the room and the applicant's relation: the log is read
by supervisors of every district."""

from audit.services import log_event, written_in_chinese

from .events_withdrawal import WithdrawalEvent


def _data(w) -> dict:
    return {
        "number": w.number,
        "source": w.source,
        "room": w.flat.room,
        "amount": str(w.amount),
        "state": w.state,
        "channel": w.channel,
        "relation": w.relation,
    }


@written_in_chinese
def withdrawal_applied(*, withdrawal, actor) -> None:
    w = withdrawal
    log_event(
        event=WithdrawalEvent.WITHDRAWAL_APPLIED,
        actor=actor,
        case=w.case,
        obj=w,
        message=f"提交提取申请：{w.number}（{w.get_source_display()}，{w.flat.room}室，{w.amount}元，{w.get_channel_display()}）",
        data=_data(w),
    )


@written_in_chinese
def withdrawal_resubmitted(*, withdrawal, actor) -> None:
    w = withdrawal
    log_event(
        event=WithdrawalEvent.WITHDRAWAL_RESUBMITTED,
        actor=actor,
        case=w.case,
        obj=w,
        message=f"补正后重新提交提取申请：{w.number}（{w.amount}元）",
        data=_data(w),
    )


@written_in_chinese
def withdrawal_decided(*, withdrawal, actor, decision: str) -> None:
    w = withdrawal
    log_event(
        event=WithdrawalEvent.WITHDRAWAL_DECIDED,
        actor=actor,
        case=w.case,
        obj=w,
        message=f"审核提取申请：{w.number} {w.get_state_display()}"
        + (f"，意见：{w.decision_note}" if w.decision_note else ""),
        data={**_data(w), "decision": decision, "note": w.decision_note},
    )


@written_in_chinese
def withdrawal_paid(*, withdrawal, actor) -> None:
    w = withdrawal
    log_event(
        event=WithdrawalEvent.WITHDRAWAL_PAID,
        actor=actor,
        case=w.case,
        obj=w,
        message=f"提取款到账入账：{w.number} {w.amount}元，入账{w.ledger_entry.number}",
        data={**_data(w), "entry": w.ledger_entry.number},
    )


@written_in_chinese
def withdrawal_packet_printed(*, withdrawal, actor) -> None:
    w = withdrawal
    log_event(
        event=WithdrawalEvent.WITHDRAWAL_PACKET_PRINTED,
        actor=actor,
        case=w.case,
        obj=w,
        message=f"打印提取申请表：{w.number}",
        data={"number": w.number},
    )


@written_in_chinese
def subsidy_claimed(*, claim, actor) -> None:
    log_event(
        event=WithdrawalEvent.SUBSIDY_CLAIMED,
        actor=actor,
        case=claim.case,
        obj=claim,
        message=f"申请增设电梯补贴：{claim.case.number} {claim.amount}元（使用登记证{claim.certificate}）",
        data={"amount": str(claim.amount), "certificate": claim.certificate},
    )


@written_in_chinese
def subsidy_paid(*, claim, actor) -> None:
    log_event(
        event=WithdrawalEvent.SUBSIDY_PAID,
        actor=actor,
        case=claim.case,
        obj=claim,
        message=f"增设电梯补贴到账：{claim.case.number} {claim.amount}元，入账{claim.ledger_entry.number}",
        data={"amount": str(claim.amount), "entry": claim.ledger_entry.number},
    )


@written_in_chinese
def funding_rules_saved(*, rules, actor, changed: dict) -> None:
    log_event(
        event=WithdrawalEvent.FUNDING_RULES_SAVED,
        actor=actor,
        obj=rules,
        message=f"修改辖区资金规则：{rules.jurisdiction}",
        data={k: ("" if v is None else str(v)) for k, v in changed.items()},
    )
