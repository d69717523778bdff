"""Every write to the case domain. Views, admin, forms and commands call these.

Each service runs in one transaction, locks what it changes, validates, and writes its
audit event in the same transaction. `actor=None` means the system (a management
command run by an operator on the server).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from . import audit
from .eligibility import UnitFacts, eligibility_problems
from .models import (
    AgentBuilder,
    AreaSource,
    Building,
    Case,
    CaseSequence,
    CaseStatus,
    ElevatorUnit,
    Flat,
    Jurisdiction,
    Owner,
    Ownership,
)
from .roles import is_city_wide


class CaseNotEligible(ValidationError):
    """The unit fails the eligibility gate; `problems` names every failed condition."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems, code="not_eligible")


# --- scope ----------------------------------------------------------------------------


def jurisdiction_of(obj: models.Model) -> Jurisdiction | None:
    """The jurisdiction a record belongs to, for the write-permission check."""
    if isinstance(obj, Jurisdiction):
        return obj
    if isinstance(obj, (Building, Case)):
        return obj.jurisdiction
    if isinstance(obj, ElevatorUnit):
        return obj.building.jurisdiction
    if isinstance(obj, Flat):
        return obj.unit.building.jurisdiction
    if isinstance(obj, Ownership):
        return obj.flat.unit.building.jurisdiction
    return None  # owners and agent builders are not bound to one jurisdiction


def ensure_actor_in_jurisdiction(*, actor, jurisdiction: Jurisdiction | None) -> None:
    """Writers act only in their own jurisdiction; the system (None) and superusers anywhere."""
    if actor is None or actor.is_superuser or jurisdiction is None:
        return
    if is_city_wide(actor):
        raise PermissionDenied("市级督导账号只能查看，不能修改案件数据。")
    if actor.jurisdiction_id != jurisdiction.pk:
        raise PermissionDenied(f"无权操作{jurisdiction.name}的数据。")


# --- master data ----------------------------------------------------------------------


def record_save(*, obj: models.Model, actor, fields: Sequence[str] = ()) -> models.Model:
    """Validate and save a building, unit, flat, owner, ownership or agent builder."""
    with transaction.atomic():
        ensure_actor_in_jurisdiction(actor=actor, jurisdiction=jurisdiction_of(obj))
        created = obj.pk is None
        obj.full_clean()
        obj.save()
        audit.record_saved(obj=obj, actor=actor, created=created, fields=list(fields))
    return obj


def record_delete(*, obj: models.Model, actor) -> None:
    with transaction.atomic():
        ensure_actor_in_jurisdiction(actor=actor, jurisdiction=jurisdiction_of(obj))
        audit.record_deleted(obj=obj, actor=actor)
        obj.delete()


@dataclass(frozen=True)
class OwnerData:
    name: str
    id_number: str
    phone: str = ""


def owner_upsert(*, data: OwnerData, actor) -> Owner:
    """Find an owner by ID number (the identity), creating or renaming as needed."""
    from .validators import normalize_id

    id_number = normalize_id(data.id_number)
    owner = Owner.objects.select_for_update().filter(id_number=id_number).first()
    if owner is None:
        owner = Owner(name=data.name.strip(), id_number=id_number, phone=data.phone)
        return record_save(obj=owner, actor=actor, fields=["name", "id_number", "phone"])
    changed = []
    if owner.name != data.name.strip():
        owner.name = data.name.strip()
        changed.append("name")
    if data.phone and owner.phone != data.phone:
        owner.phone = data.phone
        changed.append("phone")
    if changed:
        record_save(obj=owner, actor=actor, fields=changed)
    return owner


@transaction.atomic
def flat_register(
    *,
    unit: ElevatorUnit,
    room: str,
    floor: int,
    area: Decimal,
    area_source: str = AreaSource.REGISTER,
    certificate_no: str = "",
    developer_held: bool = False,
    owners: Iterable[OwnerData],
    actor,
) -> Flat:
    """Create or update one flat and set exactly the given owners on it."""
    flat = Flat.objects.select_for_update().filter(unit=unit, room=room).first() or Flat(unit=unit, room=room)
    flat.floor, flat.area, flat.area_source = floor, area, area_source
    flat.certificate_no, flat.developer_held = certificate_no, developer_held
    record_save(obj=flat, actor=actor, fields=["floor", "area", "area_source", "certificate_no", "developer_held"])
    owner_objs = [owner_upsert(data=o, actor=actor) for o in owners]
    if not owner_objs:
        raise ValidationError(f"{room}室至少需要一名业主。")
    Ownership.objects.filter(flat=flat).exclude(owner__in=owner_objs).delete()
    for owner in owner_objs:
        Ownership.objects.get_or_create(flat=flat, owner=owner)
    return flat


# --- cases ----------------------------------------------------------------------------


def case_eligibility_problems(*, unit: ElevatorUnit) -> list[str]:
    building = unit.building
    flats = list(unit.flats.only("room", "certificate_no"))
    return eligibility_problems(
        UnitFacts(
            in_demolition_plan=building.in_demolition_plan,
            land_inside_plot=building.land_inside_plot,
            in_heritage_area=building.in_heritage_area,
            rooms_without_certificate=[f.room for f in flats if not f.certificate_no.strip()],
            flat_count=len(flats),
        )
    )


def _next_case_number(*, jurisdiction: Jurisdiction, year: int) -> str:
    """FZ-2026-0001. The UPDATE takes the sequence row's lock, so two cases opening at the
    same moment wait for each other instead of reading the same last value."""
    seq, _ = CaseSequence.objects.get_or_create(jurisdiction=jurisdiction, year=year)
    CaseSequence.objects.filter(pk=seq.pk).update(last_value=F("last_value") + 1)
    value = CaseSequence.objects.values_list("last_value", flat=True).get(pk=seq.pk)
    return f"{jurisdiction.code}-{year}-{value:04d}"


def _check_representatives(*, unit: ElevatorUnit, representatives: Sequence[Owner]) -> None:
    unit_owner_ids = set(Ownership.objects.filter(flat__unit=unit).values_list("owner_id", flat=True))
    strangers = [o.name for o in representatives if o.pk not in unit_owner_ids]
    if strangers:
        raise ValidationError(f"业主代表必须是本梯号的业主：{'、'.join(strangers)}不是。")


def case_open(
    *,
    unit: ElevatorUnit,
    actor,
    representatives: Sequence[Owner] = (),
    agent_builder: AgentBuilder | None = None,
    stretcher_capable: bool = False,
    scheme_summary: str = "",
    budget: Decimal | None = None,
) -> Case:
    """Open the unit's case after the eligibility gate; refuse naming every failed condition."""
    with transaction.atomic():
        # Locking the unit serializes two openings of the same unit; the partial unique
        # constraint is the backstop.
        unit = ElevatorUnit.objects.select_for_update().select_related("building__jurisdiction").get(pk=unit.pk)
        jurisdiction = unit.building.jurisdiction
        ensure_actor_in_jurisdiction(actor=actor, jurisdiction=jurisdiction)
        existing = Case.objects.filter(unit=unit, status=CaseStatus.OPEN).first()
        if existing is not None:
            raise ValidationError(f"该梯号已有办理中的案件：{existing.number}。", code="case_exists")
        problems = case_eligibility_problems(unit=unit)
        if problems:
            raise CaseNotEligible(problems)
        _check_representatives(unit=unit, representatives=representatives)
        if budget is not None and budget < 0:
            raise ValidationError("工程预算不能为负数。")
        case = Case(
            number=_next_case_number(jurisdiction=jurisdiction, year=timezone.localdate().year),
            jurisdiction=jurisdiction,
            unit=unit,
            agent_builder=agent_builder,
            stretcher_capable=stretcher_capable,
            scheme_summary=scheme_summary,
            budget=budget,
            opened_by=actor,
        )
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as exc:
            raise ValidationError("该梯号已有办理中的案件。", code="case_exists") from exc
        case.representatives.set(representatives)
        audit.case_opened(case=case, actor=actor)
    return case


def case_open_or_reuse(*, unit: ElevatorUnit, actor) -> tuple[Case, bool]:
    """The unit's open case if it has one, else a newly opened one; (case, created)."""
    existing = Case.objects.filter(unit=unit, status=CaseStatus.OPEN).first()
    if existing is not None:
        return existing, False
    return case_open(unit=unit, actor=actor), True


_CASE_DETAIL_FIELDS = ("agent_builder", "stretcher_capable", "scheme_summary", "budget")


def case_update_details(
    *, case: Case, actor, representatives: Sequence[Owner] | None = None, **changes
) -> Case:
    """Change the descriptive fields of an open case (not its number, unit or state)."""
    unknown = set(changes) - set(_CASE_DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not editable through case_update_details: {sorted(unknown)}")
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("unit__building").get(pk=case.pk)
        ensure_actor_in_jurisdiction(actor=actor, jurisdiction=case.jurisdiction)
        if case.status != CaseStatus.OPEN:
            raise ValidationError("案件已结束，不能再修改。")
        changed = [name for name, value in changes.items() if getattr(case, name) != value]
        for name in changed:
            setattr(case, name, changes[name])
        if case.budget is not None and case.budget < 0:
            raise ValidationError("工程预算不能为负数。")
        case.save()
        if representatives is not None:
            _check_representatives(unit=case.unit, representatives=representatives)
            if set(case.representatives.values_list("pk", flat=True)) != {o.pk for o in representatives}:
                case.representatives.set(representatives)
                changed.append("representatives")
        if changed:
            audit.case_details_changed(case=case, actor=actor, fields=changed)
    return case
