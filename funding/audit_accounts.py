"""The audit events of later joiners and sales (funding/events_accounts.py), written to the
one log."""

from audit.services import log_event, written_in_chinese

from .events_accounts import AccountEvent


@written_in_chinese
def late_join_recorded(*, late_join, shares, actor) -> None:
    log_event(
        event=AccountEvent.LATE_JOIN_RECORDED,
        actor=actor,
        case=late_join.case,
        obj=late_join,
        message=(
            f"登记后续加入补缴：{late_join.number}，{late_join.flat.room}室补缴{late_join.amount}元"
            f"（原分摊{late_join.share}元，使用登记后{late_join.months}个月），分回{len(shares)}户"
        ),
        data={
            "number": late_join.number,
            "flat": late_join.flat.room,
            "share": str(late_join.share),
            "registered_on": late_join.registered_on.isoformat(),
            "joined_on": late_join.joined_on.isoformat(),
            "months": late_join.months,
            "full_years": late_join.full_years,
            "zero_years": late_join.zero_years,
            "amount": str(late_join.amount),
            "entry": late_join.entry.number,
            "shares": {s.flat.room: str(s.amount) for s in shares},
        },
    )


@written_in_chinese
def late_join_reversed(*, late_join, reversals, reason, actor) -> None:
    log_event(
        event=AccountEvent.LATE_JOIN_REVERSED,
        actor=actor,
        case=late_join.case,
        obj=late_join,
        message=f"冲销后续加入补缴：{late_join.number}，冲销分录{len(reversals)}笔，原因：{reason}",
        data={"number": late_join.number, "reversals": [r.number for r in reversals], "reason": reason},
    )


@written_in_chinese
def flat_transfer_recorded(*, transfer, actor) -> None:
    log_event(
        event=AccountEvent.FLAT_TRANSFER_RECORDED,
        actor=actor,
        case=transfer.case,
        obj=transfer,
        message=(
            f"登记过户转移账户：{transfer.number}，{transfer.flat.room}室由{transfer.previous_owners}"
            f"转至{transfer.new_owners}，原业主已缴{transfer.paid_before}元"
        ),
        data={
            "number": transfer.number,
            "flat": transfer.flat.room,
            "transferred_on": transfer.transferred_on.isoformat(),
            "previous_owners": transfer.previous_owners,
            "new_owners": transfer.new_owners,
            "paid_before": str(transfer.paid_before),
            "last_seq": transfer.last_seq,
        },
    )
