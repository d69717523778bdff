"""Named audit events of cases: one function per event, each writing one row of the log
(audit.services.log_event) with an event declared in cases/events.py.

Call them inside the service's transaction so the row exists exactly when the change does.
Each runs under `written_in_chinese`: the log is kept in Chinese whatever the language of
the user who acted.
"""

from django.db import models

from audit.models import AuditEvent
from audit.services import log_event, written_in_chinese

from .models import Case


@written_in_chinese
def case_opened(*, case: Case, actor) -> AuditEvent:
    return log_event(
        event="case_opened", actor=actor, case=case, obj=case, message=f"立案：{case.number}（{case.unit}）"
    )


@written_in_chinese
def case_details_changed(*, case: Case, actor, fields: list[str]) -> AuditEvent:
    return log_event(
        event="case_details_changed",
        actor=actor,
        case=case,
        obj=case,
        message=f"修改案件信息：{case.number}",
        data={"fields": fields},
    )


@written_in_chinese
def record_saved(*, obj: models.Model, actor, created: bool, fields: list[str]) -> AuditEvent:
    verb = "新增" if created else "修改"
    return log_event(
        event="record_created" if created else "record_changed",
        actor=actor,
        obj=obj,
        message=f"{verb}{obj._meta.verbose_name}：{obj}",
        data={"fields": fields},
    )


@written_in_chinese
def record_deleted(*, obj: models.Model, actor) -> AuditEvent:
    return log_event(event="record_deleted", actor=actor, obj=obj, message=f"删除{obj._meta.verbose_name}：{obj}")


@written_in_chinese
def personal_data_viewed(
    *, obj: models.Model, actor, field: str = "", whose: str = "", case: Case | None = None
) -> AuditEvent:
    """Someone was shown a person's data in full: `field` names which (证件号码, 手机号码),
    `whose` the person; the value itself is never written here."""
    field = str(field)  # a translatable label, in Chinese here
    what = f"{whose or obj}" + (f"的{field}" if field else "")
    return log_event(
        event="personal_data_viewed",
        actor=actor,
        case=case,
        obj=obj,
        message=f"查看个人信息：{what}",
        data={"field": field} if field else None,
    )


@written_in_chinese
def staff_signed_in(*, user, ip_address: str | None) -> AuditEvent:
    return log_event(
        event="staff_signed_in",
        actor=user,
        obj=user,
        message=f"后台登录：{user.username}",
        data={"ip": ip_address or ""},
    )


@written_in_chinese
def sign_in_failed(*, name: str, user=None, ip_address: str | None) -> AuditEvent:
    """A wrong password (or a locked-out pair) for the user name or mobile number `name`, as
    typed and already masked by the caller; `user` the account it names, if any, so the
    attempt shows in that user's office's log."""
    return log_event(
        event="sign_in_failed",
        actor=None,
        obj=user,
        message=f"登录失败：{name}",
        data={"ip": ip_address or "", "name": name},
    )


@written_in_chinese
def case_completed(*, case: Case, actor) -> AuditEvent:
    return log_event(
        event="case_completed", actor=actor, case=case, obj=case, message=f"八个程序全部办结：{case.number}"
    )


@written_in_chinese
def step_submitted(*, step, actor, paper: bool) -> AuditEvent:
    how = "窗口纸质" if paper else "网上"
    return log_event(
        event="case_step_submitted",
        actor=actor,
        case=step.case,
        obj=step,
        message=f"{how}申报：{step.case.number} {step.procedure.name}",
        data={"step": step.number, "paper": paper},
    )


@written_in_chinese
def case_step_decided(*, step, actor, decision: str, note: str) -> AuditEvent:
    return log_event(
        event="case_step_decided",
        actor=actor,
        case=step.case,
        obj=step,
        message=f"{step.case.number} {step.procedure.name}：{step.get_state_display()}",
        data={"step": step.number, "decision": decision, "note": note},
    )


@written_in_chinese
def notice_period_set(*, step, actor) -> AuditEvent:
    return log_event(
        event="notice_period_set",
        actor=actor,
        case=step.case,
        obj=step,
        message=f"登记公示期：{step.notice_start:%Y-%m-%d}至{step.notice_end:%Y-%m-%d}",
        data={"start": step.notice_start.isoformat(), "end": step.notice_end.isoformat()},
    )


@written_in_chinese
def attachment_added(*, attachment, actor) -> AuditEvent:
    return log_event(
        event="attachment_added",
        actor=actor,
        case=attachment.case,
        obj=attachment,
        message=f"上传{attachment.get_kind_display()}：{attachment.original_name}",
        data={"sha256": attachment.sha256, "size": attachment.size},
    )


@written_in_chinese
def attachment_downloaded(*, attachment, actor) -> AuditEvent:
    return log_event(
        event="attachment_downloaded",
        actor=actor,
        case=attachment.case,
        obj=attachment,
        message=f"下载{attachment.get_kind_display()}：{attachment.original_name}",
    )


@written_in_chinese
def paper_submission_recorded(*, paper, actor) -> AuditEvent:
    return log_event(
        event="paper_submission_recorded",
        actor=actor,
        case=paper.step.case,
        obj=paper,
        message=f"窗口收件：{paper.brought_by}递交{paper.step.procedure.name}材料",
        data={"attachments": paper.attachments.count()},
    )


@written_in_chinese
def case_step_started(*, step) -> AuditEvent:
    return log_event(
        event="case_step_started",
        actor=None,
        case=step.case,
        obj=step,
        message=f"开始办理：{step.case.number} {step.procedure.name}",
        data={"step": step.number},
    )


@written_in_chinese
def case_step_skipped(*, step) -> AuditEvent:
    return log_event(
        event="case_step_skipped",
        actor=None,
        case=step.case,
        obj=step,
        message=f"无需办理：{step.case.number} {step.procedure.name}（已预留电梯井）",
        data={"step": step.number},
    )


@written_in_chinese
def holiday_calendar_set(*, year, actor, change, replaced: bool) -> AuditEvent:
    verb = "更正" if replaced else "录入"
    return log_event(
        event="holiday_calendar_set",
        actor=actor,
        obj=year,
        message=(
            f"{verb}{change.year}年节假日安排：放假{change.holidays}天、调休上班{change.workdays}天，"
            f"重新计算办理时限{change.recomputed}个"
        ),
        data={
            "year": change.year,
            "source": year.source,
            "holidays": change.holidays,
            "workdays": change.workdays,
            "recomputed": change.recomputed,
            "provisional_before": change.provisional_before,
            "replaced": replaced,
        },
    )


@written_in_chinese
def step_time_limit_set(*, limit, actor, before: int | None) -> AuditEvent:
    return log_event(
        event="step_time_limit_set",
        actor=actor,
        obj=limit.jurisdiction,
        message=(
            f"设置办理时限：{limit.jurisdiction.name} {limit.get_number_display()} "
            f"{before if before is not None else '默认'}→{limit.working_days}个工作日"
        ),
        data={"number": limit.number, "before": before, "working_days": limit.working_days},
    )
