"""Writing to the log: `log_event`, which every app's named event functions call
(cases/audit.py, voting/audit.py, documents/audit.py), inside the service's transaction so
the row exists exactly when the change does.

The log is written in Chinese whatever the language of the user who acted: each event
function runs under `written_in_chinese`, so the labels it takes from the models and the
workflow table (verbose names, choices, procedure names: translated strings) come out in
Chinese too.
"""

import functools
from typing import Any

from django.db import models
from django.utils import translation

from . import registry
from .models import AuditEvent

AUDIT_LANGUAGE = "zh-hans"


def written_in_chinese(event_function):
    """Decorator for an audit event function: build its message under zh-hans."""

    @functools.wraps(event_function)
    def wrapper(*args, **kwargs):
        with translation.override(AUDIT_LANGUAGE):
            return event_function(*args, **kwargs)

    return wrapper


def log_event(
    *,
    event: str,
    actor,
    message: str,
    case: models.Model | None = None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """One row of the log. `event` must be declared by an app (audit.registry): the log
    shows nothing it cannot name."""
    if not registry.is_registered(event):
        raise ValueError(f"audit event {event!r} is not declared: add it to the app's events module")
    # The log an event belongs to: its case's office, else the office of the record it is
    # about, else the actor's (see AuditEvent.jurisdiction).
    if case is not None:
        jurisdiction_id = case.jurisdiction_id
    else:
        office = registry.office_of(obj)
        jurisdiction_id = office.pk if office is not None else getattr(actor, "jurisdiction_id", None)
    return AuditEvent.objects.create(
        event=event,
        actor=actor if getattr(actor, "pk", None) else None,
        case=case,
        jurisdiction_id=jurisdiction_id,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        message=message[:500],
        data=data or {},
    )
