"""Which jurisdiction a record belongs to: for the write-permission check in the services
and for whose audit log an event goes to."""

from django.db import models

from .models import (
    AgentBuilder,
    Building,
    Case,
    ElevatorUnit,
    Flat,
    Jurisdiction,
    Owner,
    Ownership,
    User,
)


def jurisdiction_of(obj: models.Model | None) -> Jurisdiction | None:
    """The office a record belongs to, or None for records of no one office (a Person)."""
    if obj is None:
        return None
    if isinstance(obj, Jurisdiction):
        return obj
    if isinstance(obj, (Building, Case, Owner, AgentBuilder, User)):  # a user: their office
        return obj.jurisdiction if obj.jurisdiction_id else None
    if isinstance(obj, ElevatorUnit):
        return obj.building.jurisdiction
    if isinstance(obj, Flat):
        return obj.unit.building.jurisdiction
    if isinstance(obj, Ownership):
        return obj.flat.unit.building.jurisdiction
    # A step, an attachment, a vote, a document, the case's money (funding): its case's office.
    case = getattr(obj, "case", None)
    return case.jurisdiction if isinstance(case, Case) else None
