"""Named audit events: one function per event, each writing one AuditEvent row.

Call them inside the service's transaction so the row exists exactly when the change does.
"""

from typing import Any

from django.db import models

from .models import AuditEvent, Case


def _log(*, event: str, actor, message: str, case: Case | None = None, obj: models.Model | None = None,
         data: dict[str, Any] | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        event=event,
        actor=actor if getattr(actor, "pk", None) else None,
        case=case,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        message=message[:500],
        data=data or {},
    )


def case_opened(*, case: Case, actor) -> AuditEvent:
    return _log(event="case_opened", actor=actor, case=case, obj=case, message=f"立案：{case.number}（{case.unit}）")


def case_details_changed(*, case: Case, actor, fields: list[str]) -> AuditEvent:
    return _log(event="case_details_changed", actor=actor, case=case, obj=case,
                message=f"修改案件信息：{case.number}", data={"fields": fields})


def record_saved(*, obj: models.Model, actor, created: bool, fields: list[str]) -> AuditEvent:
    verb = "新增" if created else "修改"
    return _log(event="record_created" if created else "record_changed", actor=actor, obj=obj,
                message=f"{verb}{obj._meta.verbose_name}：{obj}", data={"fields": fields})


def record_deleted(*, obj: models.Model, actor) -> AuditEvent:
    return _log(event="record_deleted", actor=actor, obj=obj, message=f"删除{obj._meta.verbose_name}：{obj}")


def personal_data_viewed(*, obj: models.Model, actor) -> AuditEvent:
    return _log(event="personal_data_viewed", actor=actor, obj=obj, message=f"查看个人信息：{obj}")
