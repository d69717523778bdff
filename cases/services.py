"""Every write to the case domain. Views, admin, forms and commands call these.

Each service runs in one transaction, locks what it changes, validates, and writes its
audit event in the same transaction. `actor=None` means the system (a management
command run by an operator on the server).

Locks follow the one order of docs/locking.md: case → its steps (by number) → unit →
the case-number sequence. A lock names its own row only (`of=("self",)`: the jurisdiction
and the building joined by `select_related` are read, never locked, so one district's
cases do not queue behind each other) and is FOR NO KEY UPDATE (`no_key=True`), which an
audit row or any new row pointing at the locked one does not wait for.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, extensions, permissions, validators
from .deadlines import step_review_due
from .eligibility import UnitFacts, eligibility_problems
from .files import FilesWritten, inspect_upload
from .models import (
    AgentBuilder,
    AreaSource,
    Attachment,
    AttachmentKind,
    Building,
    Case,
    CaseSequence,
    CaseStatus,
    ElevatorUnit,
    Flat,
    Jurisdiction,
    Owner,
    OwnerKind,
    Ownership,
    PaperSubmission,
    Person,
    ProcedureStep,
    StepHistory,
    owner_kind_for,
)
from .roles import is_city_wide
from .scoping import jurisdiction_of
from .search import case_search_refresh
from .workflow import (
    DECISIONS,
    DONE_STATES,
    LAST_STEP,
    PROCEDURES,
    STEP_ACTION_BY_NAME,
    StepState,
    TransitionNotAllowed,
    step_required,
    transition_for,
)


class CaseNotEligible(ValidationError):
    """The unit fails the eligibility gate; `problems` names every failed condition."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems, code="not_eligible")


# --- scope ----------------------------------------------------------------------------


def ensure_actor_in_jurisdiction(*, actor, jurisdiction: Jurisdiction | None) -> None:
    """Writers act only in their own jurisdiction; the system (None) and superusers anywhere."""
    if actor is None or actor.is_superuser or jurisdiction is None:
        return
    if is_city_wide(actor):
        raise PermissionDenied(_("市级督导账号只能查看，不能修改案件数据。"))
    if actor.jurisdiction_id != jurisdiction.pk:
        raise PermissionDenied(_("无权操作%(jurisdiction)s的数据。") % {"jurisdiction": jurisdiction.name})


# --- master data ----------------------------------------------------------------------


def ensure_roster_not_frozen(*, obj: models.Model) -> None:
    """Once the unit's vote opens its flats and ownerships are the roster it counts: frozen."""
    unit = {Flat: lambda o: o.unit, Ownership: lambda o: o.flat.unit}.get(type(obj), lambda o: None)(obj)
    if unit is not None and unit.pk and extensions.roster_locked(unit=unit):
        raise ValidationError(
            _("%(unit)s的业主表决已开始，房屋与业主名册已冻结，不能修改。") % {"unit": unit}, code="roster_frozen"
        )


# Who an owner is, as the frozen roster and the ballots name them. A phone number is
# contact data, not identity: it may still be corrected.
OWNER_IDENTITY_FIELDS = frozenset({"name", "id_number"})


def frozen_unit_of_owner(*, owner: Owner) -> ElevatorUnit | None:
    """A unit whose frozen roster lists this owner, if any."""
    if owner.pk is None:
        return None
    units = ElevatorUnit.objects.filter(flats__ownerships__owner=owner).distinct()
    return next((unit for unit in units if extensions.roster_locked(unit=unit)), None)


def _person_for(number: str) -> Person:
    """The city-wide identity of an ID number or credit code, created on first sight."""
    person, _created = Person.objects.get_or_create(id_number=number)
    return person


def record_save(*, obj: models.Model, actor, fields: Sequence[str] = ()) -> models.Model:
    """Validate and save a building, unit, flat, owner, ownership or agent builder."""
    with transaction.atomic():
        ensure_actor_in_jurisdiction(actor=actor, jurisdiction=jurisdiction_of(obj))
        if isinstance(obj, Owner) and obj.id_number:
            obj.person = _person_for(obj.id_number)
        elif isinstance(obj, AgentBuilder) and obj.credit_code:
            obj.person = _person_for(obj.credit_code)
        ensure_roster_not_frozen(obj=obj)
        if isinstance(obj, Owner) and OWNER_IDENTITY_FIELDS & set(fields):
            unit = frozen_unit_of_owner(owner=obj)
            if unit is not None:
                raise ValidationError(
                    _("%(unit)s的业主表决已开始，业主姓名和证件号码已冻结，不能修改。") % {"unit": unit},
                    code="roster_frozen",
                )
        created = obj.pk is None
        obj.full_clean()
        obj.save()
        if not created and not isinstance(obj, Flat):  # a flat's own fields are not searched
            _refresh_search_after_change(obj=obj, fields=fields)
        elif isinstance(obj, Ownership):
            case_search_refresh(cases=Case.objects.filter(unit_id=obj.flat.unit_id))
        audit.record_saved(obj=obj, actor=actor, created=created, fields=list(fields))
    return obj


# What the case search reads (cases.search): who changes it refreshes the cases it names.
_SEARCHED_FIELDS = {Building: {"address", "compound_name"}, ElevatorUnit: {"name"}, Owner: {"name"}}


def _refresh_search_after_change(*, obj: models.Model, fields: Sequence[str]) -> None:
    searched = _SEARCHED_FIELDS.get(type(obj))
    if searched is not None and fields and not searched & set(fields):
        return  # a change the search does not read (a phone number, the floors)
    if isinstance(obj, Building):
        case_search_refresh(cases=Case.objects.filter(unit__building=obj))
    elif isinstance(obj, ElevatorUnit):
        case_search_refresh(cases=Case.objects.filter(unit=obj))
    elif isinstance(obj, Owner):
        case_search_refresh(cases=Case.objects.filter(unit__flats__ownerships__owner=obj).distinct())
    elif isinstance(obj, (Ownership, Flat)):
        unit_id = obj.flat.unit_id if isinstance(obj, Ownership) else obj.unit_id
        case_search_refresh(cases=Case.objects.filter(unit_id=unit_id))


def record_delete(*, obj: models.Model, actor) -> None:
    with transaction.atomic():
        ensure_actor_in_jurisdiction(actor=actor, jurisdiction=jurisdiction_of(obj))
        ensure_roster_not_frozen(obj=obj)
        audit.record_deleted(obj=obj, actor=actor)
        obj.delete()
        if isinstance(obj, (Ownership, Flat)):  # the unit's owners changed
            _refresh_search_after_change(obj=obj, fields=())


@dataclass(frozen=True)
class OwnerData:
    name: str
    id_number: str
    phone: str = ""


def owner_upsert(*, data: OwnerData, jurisdiction: Jurisdiction, actor, developer: bool = False) -> Owner:
    """Find the jurisdiction's own record of an owner by ID number, creating or renaming it
    as needed. Another office's record of the same person is never read or changed: it is
    that office's (see `Person`).

    `developer`: the roster lists the owner on a developer-held flat (开发商持有). A new
    record's kind (person or organisation) is decided then, from that and the number
    (`owner_kind_for`); an existing person record the roster names as the developer becomes
    an organisation when its number is a credit code. Otherwise the kind stays as recorded
    (an officer may have corrected it)."""
    id_number = validators.normalize_id(data.id_number)
    mine = Owner.objects.select_for_update(no_key=True).filter(jurisdiction=jurisdiction, id_number=id_number)
    owner = mine.first()
    if owner is None:
        owner = Owner(
            jurisdiction=jurisdiction,
            name=data.name.strip(),
            id_number=id_number,
            kind=owner_kind_for(id_number, developer=developer),
            phone=data.phone,
        )
        try:
            with transaction.atomic():  # a savepoint: the race below must not spoil the import
                return record_save(obj=owner, actor=actor, fields=["name", "id_number", "kind", "phone"])
        except (IntegrityError, ValidationError):
            # Another import created the same record a moment ago (the unique index made this
            # one wait for it): use that record. Anything else wrong with the data stands.
            owner = mine.first()
            if owner is None:
                raise
    changed = []
    if owner.name != data.name.strip():
        owner.name = data.name.strip()
        changed.append("name")
    if data.phone and owner.phone != data.phone:
        owner.phone = data.phone
        changed.append("phone")
    if developer and owner_kind_for(id_number, developer=True) == OwnerKind.ORGANISATION != owner.kind:
        owner.kind = OwnerKind.ORGANISATION
        changed.append("kind")
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
    jurisdiction = unit.building.jurisdiction
    owner_objs = [
        owner_upsert(data=o, jurisdiction=jurisdiction, actor=actor, developer=developer_held) for o in owners
    ]
    if not owner_objs:
        raise ValidationError(_("%(room)s室至少需要一名业主。") % {"room": room})
    ensure_roster_not_frozen(obj=flat)
    Ownership.objects.filter(flat=flat).exclude(owner__in=owner_objs).delete()
    for owner in owner_objs:
        Ownership.objects.get_or_create(flat=flat, owner=owner)
    case_search_refresh(cases=Case.objects.filter(unit=unit))
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
    seq, _created = CaseSequence.objects.get_or_create(jurisdiction=jurisdiction, year=year)
    CaseSequence.objects.filter(pk=seq.pk).update(last_value=F("last_value") + 1)
    value = CaseSequence.objects.values_list("last_value", flat=True).get(pk=seq.pk)
    return f"{jurisdiction.code}-{year}-{value:04d}"


def _check_representatives(*, unit: ElevatorUnit, representatives: Sequence[Owner]) -> None:
    unit_owner_ids = set(Ownership.objects.filter(flat__unit=unit).values_list("owner_id", flat=True))
    strangers = [o.name for o in representatives if o.pk not in unit_owner_ids]
    if strangers:
        raise ValidationError(_("业主代表必须是本梯号的业主：%(names)s不是。") % {"names": "、".join(strangers)})


def _check_agent_builder(*, case_jurisdiction: Jurisdiction, agent_builder: AgentBuilder | None) -> None:
    if agent_builder is not None and agent_builder.jurisdiction_id != case_jurisdiction.pk:
        raise ValidationError(
            _("代建单位“%(name)s”是其他辖区登记的记录：请在本辖区（%(office)s）登记该单位后再选择。")
            % {"name": agent_builder.name, "office": case_jurisdiction.name},
            code="agent_builder_other_jurisdiction",
        )


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
        unit = (
            ElevatorUnit.objects.select_for_update(of=("self",), no_key=True)
            .select_related("building__jurisdiction")
            .get(pk=unit.pk)
        )
        jurisdiction = unit.building.jurisdiction
        ensure_actor_in_jurisdiction(actor=actor, jurisdiction=jurisdiction)
        existing = Case.objects.filter(unit=unit, status=CaseStatus.OPEN).first()
        if existing is not None:
            raise ValidationError(
                _("该梯号已有办理中的案件：%(number)s。") % {"number": existing.number}, code="case_exists"
            )
        problems = case_eligibility_problems(unit=unit)
        if problems:
            raise CaseNotEligible(problems)
        _check_representatives(unit=unit, representatives=representatives)
        _check_agent_builder(case_jurisdiction=jurisdiction, agent_builder=agent_builder)
        if budget is not None and budget < 0:
            raise ValidationError(_("工程预算不能为负数。"))
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
            raise ValidationError(_("该梯号已有办理中的案件。"), code="case_exists") from exc
        case.representatives.set(representatives)
        case_search_refresh(cases=[case])
        _create_steps(case=case)
        extensions.case_opened(case=case, actor=actor)  # the apps above: funding's agreement and coefficients
        _start_next_steps(case=case, actor=actor)
        audit.case_opened(case=case, actor=actor)
    return case


def case_open_or_reuse(*, unit: ElevatorUnit, actor) -> tuple[Case, bool]:
    """The unit's open case if it has one, else a newly opened one; (case, created)."""
    existing = Case.objects.filter(unit=unit, status=CaseStatus.OPEN).first()
    if existing is not None:
        return existing, False
    return case_open(unit=unit, actor=actor), True


_CASE_DETAIL_FIELDS = ("agent_builder", "stretcher_capable", "scheme_summary", "budget", "design_firm", "installer")


# What the owners vote on: the ballot prints the scheme and the budget as the motion.
VOTED_ON_FIELDS = frozenset({"scheme_summary", "budget"})


def case_motion_problems(*, case: Case) -> list[str]:
    """What the motion (表决事项) still lacks; empty when the vote may open. The ballots print
    the scheme and the budget, and both freeze when the vote opens, so an empty one would be
    voted on and printed as a blank."""
    problems = []
    if not (case.scheme_summary or "").strip():
        problems.append(_("未填写增设方案概要（表决票上印出的方案）"))
    if case.budget is None or case.budget <= 0:
        problems.append(_("未填写工程预算（元）"))
    return problems


def case_update_details(*, case: Case, actor, representatives: Sequence[Owner] | None = None, **changes) -> Case:
    """Change the descriptive fields of an open case (not its number, unit or state)."""
    unknown = set(changes) - set(_CASE_DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not editable through case_update_details: {sorted(unknown)}")
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",), no_key=True).select_related("unit__building").get(pk=case.pk)
        )
        ensure_actor_in_jurisdiction(actor=actor, jurisdiction=case.jurisdiction)
        if case.status != CaseStatus.OPEN:
            raise ValidationError(_("案件已结束，不能再修改。"))
        changed = [name for name, value in changes.items() if getattr(case, name) != value]
        voted_on = VOTED_ON_FIELDS.intersection(changed)
        if voted_on and extensions.roster_locked(unit=case.unit):
            raise ValidationError(
                _("业主表决已开始：表决票上的增设方案和工程预算不能再修改。方案或预算确需变更的，须重新组织表决。"),
                code="voted_on",
            )
        if "agent_builder" in changed:
            _check_agent_builder(case_jurisdiction=case.jurisdiction, agent_builder=changes["agent_builder"])
        for name in changed:
            setattr(case, name, changes[name])
        if case.budget is not None and case.budget < 0:
            raise ValidationError(_("工程预算不能为负数。"))
        case.save()
        if representatives is not None:
            _check_representatives(unit=case.unit, representatives=representatives)
            if set(case.representatives.values_list("pk", flat=True)) != {o.pk for o in representatives}:
                case.representatives.set(representatives)
                changed.append("representatives")
        if changed:
            audit.case_details_changed(case=case, actor=actor, fields=changed)
    return case


# --- the eight procedures ---------------------------------------------------------------


class StepGuardFailed(ValidationError):
    """A move the table allows but a rule of the guidance forbids now (e.g. notice not over)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems, code="guard_failed")


def _move(*, step: ProcedureStep, name: str, actor, note: str = "", channel: str = StepHistory.Channel.ONLINE) -> None:
    """The only place a step's state changes: along the table, with its history row."""
    try:
        transition = transition_for(name, StepState(step.state))
    except TransitionNotAllowed as exc:
        raise ValidationError(str(exc), code="transition_not_allowed") from exc
    if transition.needs_reason and not note.strip():
        raise ValidationError(_("“%(action)s”须写明理由。") % {"action": transition.label}, code="reason_required")
    StepHistory.objects.create(
        step=step,
        from_state=step.state,
        to_state=transition.target,
        transition=name,
        actor=actor,
        note=note,
        channel=channel,
    )
    step.state = transition.target


def _create_steps(*, case: Case) -> None:
    ProcedureStep.objects.bulk_create(
        ProcedureStep(case=case, number=p.number, department=p.department) for p in PROCEDURES
    )


def _start_next_steps(*, case: Case, actor) -> None:
    """Open the first step not yet done; skip planning review where the shaft is reserved;
    complete the case when all eight are done."""
    now = timezone.now()
    has_shaft = case.unit.building.has_reserved_shaft
    for step in case.steps.select_for_update(no_key=True).order_by("number"):
        state = StepState(step.state)
        if state in DONE_STATES:
            continue
        if state != StepState.NOT_STARTED:
            return  # this step is under way: it is the current one
        if not step_required(step.number, has_reserved_shaft=has_shaft):
            _move(
                step=step,
                name="skip",
                actor=None,
                note="已预留电梯井，无需办理规划审查。",
                channel=StepHistory.Channel.SYSTEM,
            )
            step.decided_at = now
            step.save(update_fields=["state", "decided_at"])
            audit.case_step_skipped(step=step)
            continue
        _move(step=step, name="start", actor=None, channel=StepHistory.Channel.SYSTEM)
        step.started_at = now
        step.save(update_fields=["state", "started_at"])
        audit.case_step_started(step=step)
        Case.objects.filter(pk=case.pk).update(current_step=step.number)
        return
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.COMPLETED, closed_at=now, current_step=LAST_STEP)
    audit.case_completed(case=case, actor=actor)


def _locked_step(step: ProcedureStep) -> ProcedureStep:
    # The case, then the step (docs/locking.md); the step row alone: the joined case, unit,
    # building and jurisdiction are read, not locked, so other cases of the district go on.
    Case.objects.select_for_update(no_key=True).only("pk").get(pk=step.case_id)
    return (
        ProcedureStep.objects.select_for_update(of=("self",), no_key=True)
        .select_related("case__unit__building", "case__jurisdiction")
        .get(pk=step.pk)
    )


def step_submission_problems(*, step: ProcedureStep) -> list[str]:
    """Why the step may not be submitted now; empty when it may. Its required papers must be
    there, and after a return at least one paper uploaded since: a resubmission without the
    document it was returned for would only come back again."""
    problems = extensions.registered_step_problems(step=step, stage="submit")
    kinds = set(step.attachments.values_list("kind", flat=True))
    for kind in step.procedure.submission_papers:  # uploaded on the step or brought to the window
        if kind not in kinds:
            problems.append(
                _("缺少%(document)s：请先上传，或在窗口收件时附上扫描件。") % {"document": AttachmentKind(kind).label}
            )
    if step.state == StepState.RETURNED:
        returned = step.history.filter(transition="return").order_by("-at", "-pk").first()
        since = returned.at if returned is not None else step.decided_at
        if since is not None and not step.attachments.filter(uploaded_at__gt=since).exists():
            problems.append(
                _("本程序于%(when)s被退回补正（%(reason)s）：重新申报须附上退回后补交的材料。")
                % {
                    "when": dateformat.format(timezone.localtime(since), _("Y年m月d日 H:i")),
                    "reason": step.decision_note or _("未写理由"),
                }
            )
    return problems


# What an approval's refusal says of each paper the step lacks (workflow.Procedure).
_MISSING_FOR_APPROVAL = {
    AttachmentKind.OWNERS_AGREEMENT: gettext_lazy("缺少业主协议书。"),
    AttachmentKind.SCHEME_DRAWING: gettext_lazy("缺少设计方案图。"),
    AttachmentKind.HERITAGE_OPINION: gettext_lazy("该楼栋位于文化遗产保护范围，缺少文物/历史建筑主管部门意见。"),
}


def _missing_paper(kind: str) -> str:
    message = _MISSING_FOR_APPROVAL.get(kind)
    if message is None:
        return _("缺少%(document)s。") % {"document": AttachmentKind(kind).label}
    return str(message)


def step_guard_problems(*, step: ProcedureStep) -> list[str]:
    """Why the step may not be approved now; empty when it may: what the apps above cases
    registered (step 1: the vote and its witness record; step 2: the notice period, from
    notices), the motion the vote decided, the papers."""
    case = step.case
    problems = extensions.registered_step_problems(step=step, stage="approve")
    if step.procedure.decided_by_vote:
        for missing in case_motion_problems(case=case):
            problems.append(_("表决事项不完整：%(missing)s。") % {"missing": missing})
    procedure = step.procedure
    needed = procedure.approval_papers
    if procedure.heritage_papers and case.needs_heritage_opinion:
        needed += procedure.heritage_papers
    if needed:
        kinds = set(case.attachments.filter(step__number=step.number).values_list("kind", flat=True))
        problems.extend(_missing_paper(kind) for kind in needed if kind not in kinds)
    # The notice period (a step with has_notice) is the notices app's check, registered above.
    return problems


def step_submit(*, step: ProcedureStep, actor, note: str = "", paper: PaperSubmission | None = None) -> ProcedureStep:
    """The applicant submits (or resubmits after a return). Officers record paper submissions
    through `paper_submission_record`, which calls this with `paper`."""
    with transaction.atomic():
        step = _locked_step(step)
        if paper is None and actor is not None and not permissions.entitled_to(actor, step, "submit"):
            raise PermissionDenied(_("只有本案的代建单位或业主代表可以网上申报。"))
        if StepState(step.state) in STEP_ACTION_BY_NAME["submit"].sources:
            problems = step_submission_problems(step=step)
            if problems:
                raise StepGuardFailed(problems)
        _move(
            step=step,
            name="submit",
            actor=actor,
            note=note,
            channel=StepHistory.Channel.PAPER if paper else StepHistory.Channel.ONLINE,
        )
        step.submitted_at = timezone.now()
        step.due_date = _review_due_date(step)
        step.save(update_fields=["state", "submitted_at", "due_date"])
        audit.step_submitted(step=step, actor=actor, paper=paper is not None)
    return step


def case_decide_step(*, step: ProcedureStep, actor, decision: str, note: str = "") -> ProcedureStep:
    """A reviewer of the step's department decides a submitted step. The row lock means two
    officers deciding at once cannot both win: the second finds it already decided."""
    if decision not in DECISIONS:
        raise ValueError(f"{decision!r} is not a decision: {DECISIONS}")
    with transaction.atomic():
        step = _locked_step(step)
        if actor is not None and not permissions.entitled_to(actor, step, decision):
            raise PermissionDenied(
                _("只有%(jurisdiction)s%(department)s的审查人员可以决定“%(procedure)s”。")
                % {
                    "jurisdiction": step.case.jurisdiction.name,
                    "department": step.get_department_display(),
                    "procedure": step.procedure.name,
                }
            )
        if StepState(step.state) not in STEP_ACTION_BY_NAME[decision].sources:
            raise ValidationError(
                _("“%(procedure)s”当前为“%(state)s”，已被处理或尚未申报，不能再作决定。")
                % {"procedure": step.procedure.name, "state": StepState(step.state).label},
                code="already_decided",
            )
        if decision == "approve":
            problems = step_guard_problems(step=step)
            if problems:
                raise StepGuardFailed(problems)
        _move(step=step, name=decision, actor=actor, note=note)
        step.decided_at, step.decided_by, step.decision_note = timezone.now(), actor, note
        step.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
        audit.case_step_decided(step=step, actor=actor, decision=decision, note=note)
        case = step.case
        if decision == "approve":
            _start_next_steps(case=case, actor=actor)
        elif decision == "reject":
            Case.objects.filter(pk=case.pk).update(status=CaseStatus.REJECTED, closed_at=timezone.now())
    return step


def _review_due_date(step: ProcedureStep):
    """The department's working days (its jurisdiction's limit for the step) run from the
    submission, or for the public notice from its last day, before which the step cannot be
    approved (cases.deadlines). A date counted into a year whose holidays are not known yet
    is provisional, and is recomputed when the year is entered (cases.calendar)."""
    return step_review_due(step).date


def step_set_notice_period(*, step: ProcedureStep, actor, start, end) -> ProcedureStep:
    """Record the public-notice period of step 2; it must last the jurisdiction's minimum."""
    with transaction.atomic():
        step = _locked_step(step)
        if not step.procedure.has_notice:
            raise ValidationError(_("只有“公示见证”程序有公示期。"))
        if actor is not None and not permissions.entitled_to(actor, step, "notice"):
            raise PermissionDenied(_("只有受理辖区的住建经办人可以登记公示期。"))
        if StepState(step.state) not in STEP_ACTION_BY_NAME["notice"].sources:
            raise ValidationError(_("该程序当前不能修改公示期。"))
        minimum = step.case.jurisdiction.notice_days
        validators.validate_date_in_range(start, what=_("公示开始日期"))
        if end < start:
            raise ValidationError(_("公示结束日期不能早于开始日期。"))
        # The end is bounded by the longest notice: a typo such as 9999-12-31 would stall the
        # step (its review due date could not be counted).
        validators.validate_period_length(start, end, what=_("公示期"), max_days=settings.NOTICE_MAX_DAYS)
        # The notice follows the preliminary review: a period dated before this step began
        # would let the minimum notice be skipped on paper.
        began = timezone.localdate(step.started_at) if step.started_at else timezone.localdate()
        if start < began:
            raise ValidationError(
                _("公示开始日期不能早于本程序开始的日期（%(date)s）。") % {"date": validators.format_day(began)}
            )
        if (end - start).days + 1 < minimum:
            raise ValidationError(
                _("公示期不得少于%(days)s个日历日（%(jurisdiction)s的设定）。")
                % {"days": minimum, "jurisdiction": step.case.jurisdiction.name}
            )
        step.notice_start, step.notice_end = start, end
        fields = ["notice_start", "notice_end"]
        if step.state == StepState.SUBMITTED:  # already waiting: the review clock moves with it
            step.due_date = _review_due_date(step)
            fields.append("due_date")
        step.save(update_fields=fields)
        audit.notice_period_set(step=step, actor=actor)
    return step


# --- attachments and paper submissions -------------------------------------------------------


def _store_attachment(
    *, step: ProcedureStep, kind: str, upload, actor, written: FilesWritten, paper=None
) -> Attachment:
    if kind not in AttachmentKind.values:
        raise ValidationError(_("未知的材料类型：%(kind)s") % {"kind": kind})
    facts = inspect_upload(upload)
    attachment = Attachment(
        case=step.case,
        step=step,
        paper_submission=paper,
        kind=kind,
        original_name=facts.name,
        content_type=facts.content_type,
        size=facts.size,
        sha256=facts.sha256,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    written.add(attachment.file)  # from here on, a failure must take the file away too
    attachment.save()
    return attachment


def attachment_add(*, step: ProcedureStep, kind: str, upload, actor) -> Attachment:
    with FilesWritten() as written, transaction.atomic():
        step = _locked_step(step)
        if actor is not None and not permissions.entitled_to(actor, step, "upload"):
            raise PermissionDenied(_("无权为该程序上传材料。"))
        if StepState(step.state) not in STEP_ACTION_BY_NAME["upload"].sources:
            raise ValidationError(
                _("“%(procedure)s”当前为“%(state)s”，不能再上传材料。")
                % {"procedure": step.procedure.name, "state": StepState(step.state).label}
            )
        attachment = _store_attachment(step=step, kind=kind, upload=upload, actor=actor, written=written)
        audit.attachment_added(attachment=attachment, actor=actor)
    return attachment


def paper_submission_record(
    *,
    step: ProcedureStep,
    actor,
    brought_by: str,
    brought_at,
    brought_by_phone: str = "",
    note: str = "",
    files: Sequence[tuple[str, object]] = (),
) -> PaperSubmission:
    """An officer records what the applicant brought to the window, with the scans, and the
    step counts as submitted on paper. All or nothing."""
    with FilesWritten() as written, transaction.atomic():
        step = _locked_step(step)
        if actor is None or not permissions.entitled_to(actor, step, "paper"):
            raise PermissionDenied(_("只有受理辖区的住建经办人可以登记窗口收件。"))
        if not brought_by.strip():
            raise ValidationError(_("请填写递交人。"))
        validators.validate_past_moment(brought_at, what=_("递交时间"))
        paper = PaperSubmission(
            step=step,
            brought_by=brought_by.strip(),
            brought_by_phone=brought_by_phone,
            brought_at=brought_at,
            received_by=actor,
            note=note,
        )
        paper.full_clean()
        paper.save()
        for kind, upload in files:
            _store_attachment(step=step, kind=kind, upload=upload, actor=actor, written=written, paper=paper)
        step_submit(step=step, actor=actor, note=note or f"窗口收件：{paper.brought_by}递交", paper=paper)
        audit.paper_submission_recorded(paper=paper, actor=actor)
    return paper
