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
