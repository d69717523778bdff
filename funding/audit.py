"""The money's audit events, written to the one log under the names funding/events.py
declares. A change of the agreement's terms is a record change (`cases.audit.record_saved`,
through `cases.services.record_save`)."""

from audit.services import log_event, written_in_chinese

from .events import FundingEvent


@written_in_chinese
def funding_plan_set(*, case, actor, amounts: dict) -> None:
    log_event(
        event=FundingEvent.FUNDING_PLAN_SET,
        actor=actor,
        case=case,
        obj=case,
        message=f"登记资金筹集方案：{case.number}",
        data={k: str(a) for k, a in amounts.items()},
    )


@written_in_chinese
def floor_coefficients_set(*, case, actor, coefficients: dict) -> None:
    log_event(
        event=FundingEvent.FLOOR_COEFFICIENTS_SET,
        actor=actor,
        case=case,
        obj=case,
        message=f"登记楼层分摊系数：{case.number}",
        data={str(f): str(c) for f, c in coefficients.items()},
    )


@written_in_chinese
def ledger_entry_recorded(*, entry, actor) -> None:
    log_event(
        event=FundingEvent.LEDGER_ENTRY_RECORDED,
        actor=actor,
        case=entry.case,
        obj=entry,
        message=f"登记收支分录：{entry.number}（{entry.get_kind_display()}，{entry.get_direction_display()}{entry.amount}元）",
        data={
            "number": entry.number,
            "kind": entry.kind,
            "direction": entry.direction,
            "amount": str(entry.amount),
            "date": entry.date.isoformat(),
            "flat": entry.flat.room if entry.flat_id else "",
            "voucher_sha256": entry.voucher_sha256,
        },
    )


@written_in_chinese
def ledger_entry_reversed(*, entry, actor) -> None:
    log_event(
        event=FundingEvent.LEDGER_ENTRY_REVERSED,
        actor=actor,
        case=entry.case,
        obj=entry,
        message=f"冲销收支分录：{entry.reverses.number}，冲销分录{entry.number}，原因：{entry.reason}",
        data={
            "number": entry.number,
            "reverses": entry.reverses.number,
            "amount": str(entry.amount),
            "reason": entry.reason,
        },
    )


@written_in_chinese
def ledger_milestone_added(*, milestone, actor) -> None:
    log_event(
        event=FundingEvent.LEDGER_MILESTONE_ADDED,
        actor=actor,
        case=milestone.case,
        obj=milestone,
        message=f"登记合同付款节点：{milestone.case.number} {milestone.seq}. {milestone.name}",
        data={
            "name": milestone.name,
            "percent": str(milestone.percent) if milestone.percent is not None else "",
            "amount": str(milestone.amount) if milestone.amount is not None else "",
        },
    )


@written_in_chinese
def ledger_receipt_printed(*, entry, actor) -> None:
    log_event(
        event=FundingEvent.LEDGER_RECEIPT_PRINTED,
        actor=actor,
        case=entry.case,
        obj=entry,
        message=f"打印收款收据：{entry.number}",
        data={"number": entry.number},
    )


@written_in_chinese
def ledger_voucher_downloaded(*, entry, actor) -> None:
    log_event(
        event=FundingEvent.LEDGER_VOUCHER_DOWNLOADED,
        actor=actor,
        case=entry.case,
        obj=entry,
        message=f"下载收支凭证：{entry.number}",
        data={"number": entry.number, "sha256": entry.voucher_sha256},
    )


@written_in_chinese
def ledger_statement_printed(*, case, actor, month: str) -> None:
    log_event(
        event=FundingEvent.LEDGER_STATEMENT_PRINTED,
        actor=actor,
        case=case,
        obj=case,
        message=f"打印月度收支明细：{case.number} {month}",
        data={"month": month},
    )
