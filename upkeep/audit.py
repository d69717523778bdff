"""The register's audit events, written to the one log under the names upkeep/events.py
declares, in the service's transaction."""

from audit.models import AuditEvent
from audit.services import log_event, written_in_chinese

from .events import UpkeepEvent


@written_in_chinese
def register_saved(*, register, actor, changed: list[str]) -> AuditEvent:
    return log_event(
        event=UpkeepEvent.REGISTER_SAVED,
        actor=actor,
        case=register.case,
        obj=register,
        message=f"登记电梯使用管理档案：{register.case.number}（{'、'.join(changed) or '无变化'}）",
        data={"changed": changed},
    )


@written_in_chinese
def use_registered(*, register, actor) -> AuditEvent:
    return log_event(
        event=UpkeepEvent.USE_REGISTERED,
        actor=actor,
        case=register.case,
        obj=register,
        message=(
            f"登记电梯使用登记证：{register.case.number} {register.registration_certificate}"
            f"（{register.registered_on:%Y-%m-%d}）"
        ),
        data={"on": register.registered_on.isoformat(), "certificate": register.registration_certificate},
    )


@written_in_chinese
def contract_recorded(*, contract, replaced, actor) -> AuditEvent:
    case = contract.register.case
    return log_event(
        event=UpkeepEvent.CONTRACT_RECORDED,
        actor=actor,
        case=case,
        obj=contract,
        message=(
            f"登记维护保养合同：{case.number} {contract.company} "
            f"{contract.starts_on:%Y-%m-%d}至{contract.ends_on:%Y-%m-%d}"
            + (f"（替换原合同：{replaced.company}）" if replaced else "")
        ),
        data={
            "company": contract.company,
            "licence": contract.licence_number,
            "starts_on": contract.starts_on.isoformat(),
            "ends_on": contract.ends_on.isoformat(),
            "price": str(contract.price),
            "interval_days": contract.interval_days,
            "replaced": replaced.pk if replaced else None,
        },
    )


@written_in_chinese
def inspection_recorded(*, inspection, actor) -> AuditEvent:
    case = inspection.register.case
    return log_event(
        event=UpkeepEvent.INSPECTION_RECORDED,
        actor=actor,
        case=case,
        obj=inspection,
        message=(
            f"登记定期检验：{case.number} {inspection.inspected_on:%Y-%m-%d} {inspection.get_result_display()}，"
            f"报告{inspection.certificate_number}，有效期至{inspection.valid_until:%Y-%m-%d}"
        ),
        data={
            "on": inspection.inspected_on.isoformat(),
            "result": inspection.result,
            "certificate": inspection.certificate_number,
            "valid_until": inspection.valid_until.isoformat(),
        },
    )


@written_in_chinese
def visit_recorded(*, visit, actor) -> AuditEvent:
    case = visit.register.case
    return log_event(
        event=UpkeepEvent.VISIT_RECORDED,
        actor=actor,
        case=case,
        obj=visit,
        message=f"登记维护保养记录：{case.number} {visit.visited_on:%Y-%m-%d} {visit.done_by}",
        data={"on": visit.visited_on.isoformat(), "by": visit.done_by, "sha256": visit.scan_sha256},
    )


@written_in_chinese
def visit_scan_downloaded(*, visit, actor) -> AuditEvent:
    case = visit.register.case
    return log_event(
        event=UpkeepEvent.VISIT_SCAN_DOWNLOADED,
        actor=actor,
        case=case,
        obj=visit,
        message=f"下载维护保养记录扫描件：{case.number} {visit.visited_on:%Y-%m-%d}",
        data={"sha256": visit.scan_sha256},
    )


@written_in_chinese
def cost_recorded(*, cost, actor) -> AuditEvent:
    case = cost.register.case
    return log_event(
        event=UpkeepEvent.COST_RECORDED,
        actor=actor,
        case=case,
        obj=cost,
        message=f"登记电梯运行费用：{case.number} {cost.year}年 {cost.get_kind_display()} {cost.amount}元",
        data={"year": cost.year, "kind": cost.kind, "amount": str(cost.amount)},
    )


@written_in_chinese
def costs_published(*, register, year: int, count: int, actor) -> AuditEvent:
    return log_event(
        event=UpkeepEvent.COSTS_PUBLISHED,
        actor=actor,
        case=register.case,
        obj=register,
        message=f"向业主公布运行费用：{register.case.number} {year}年（{count}项）",
        data={"year": year, "count": count},
    )


@written_in_chinese
def reminder_sent(*, register, what: str, due_on, recipients: list[str]) -> AuditEvent:
    return log_event(
        event=UpkeepEvent.REMINDER_SENT,
        actor=None,
        case=register.case,
        obj=register,
        message=f"发送电梯到期提醒：{register.case.number} {what} {due_on:%Y-%m-%d}（{len(recipients)}人）",
        data={"what": what, "due_on": due_on.isoformat(), "recipients": len(recipients)},
    )


@written_in_chinese
def shares_exported(*, register, actor, fmt: str) -> AuditEvent:
    return log_event(
        event=UpkeepEvent.SHARES_EXPORTED,
        actor=actor,
        case=register.case,
        obj=register,
        message=f"导出电梯产权份额表：{register.case.number}（{fmt}）",
        data={"format": fmt},
    )


@written_in_chinese
def member_added(*, member, actor) -> AuditEvent:
    register = member.register
    return log_event(
        event=UpkeepEvent.MEMBER_ADDED,
        actor=actor,
        case=register.case,
        obj=register,
        message=f"添加使用单位账号：{register.case.number} {member.user.username}（{member.user.full_name}）",
        data={"user": member.user_id, "username": member.user.username},
    )


@written_in_chinese
def member_removed(*, member, actor) -> AuditEvent:
    register = member.register
    return log_event(
        event=UpkeepEvent.MEMBER_REMOVED,
        actor=actor,
        case=register.case,
        obj=register,
        message=f"移除使用单位账号：{register.case.number} {member.user.username}（{member.user.full_name}）",
        data={"user": member.user_id, "username": member.user.username},
    )
