"""Reads that depend on who is asking. Every view and admin queryset starts here, so
jurisdiction isolation is written once: a user sees their own jurisdiction's records,
the city-wide roles see all, and a staff user with no jurisdiction sees nothing.
"""

from decimal import Decimal
from typing import NamedTuple

from django.db.models import F, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent

from .deadlines import provisional_due, shift_sum, working_days_left
from .expressions import InSubquery
from .models import (
    AgentBuilder,
    Attachment,
    AttachmentKind,
    Building,
    Case,
    ElevatorUnit,
    Flat,
    Jurisdiction,
    Owner,
    Ownership,
    PaperSubmission,
    ProcedureStep,
    StepHistory,
)
from .permissions import actions_for, departments_of
from .roles import Role, is_city_wide, roles_of
from .workflow import DEPARTMENT_LABELS, PROCEDURES, STEP_ACTION_BY_NAME, Department, StepState


def _scope(qs: QuerySet, *, user, path: str) -> QuerySet:
    if is_city_wide(user):
        return qs
    if not user.is_authenticated or user.jurisdiction_id is None:
        return qs.none()
    # A using unit's account (a property company's people, upkeep/) reaches only the
    # registers it manages, through upkeep's own checks: never an office's records, even
    # when an administrator gave the account a jurisdiction by mistake.
    if Role.USING_UNIT in roles_of(user):
        return qs.none()
    return qs.filter(**{path: user.jurisdiction_id})


def jurisdiction_list_visible_to(*, user) -> QuerySet[Jurisdiction]:
    return _scope(Jurisdiction.objects.all(), user=user, path="pk")


def case_list_visible_to(*, user) -> QuerySet[Case]:
    """Staff: their jurisdiction's cases. Applicants (agent builder, owner representative):
    only the cases they act for, wherever they are."""
    if user.is_authenticated and not is_city_wide(user) and Role.AGENT_BUILDER in roles_of(user):
        mine = Q(pk__in=[])
        if user.agent_builder_id:
            mine |= Q(agent_builder_id=user.agent_builder_id)
        if user.owner_id:
            mine |= Q(pk__in=Case.representatives.through.objects.filter(owner_id=user.owner_id).values("case_id"))
        return Case.objects.filter(mine)
    return _scope(Case.objects.all(), user=user, path="jurisdiction_id")


def step_list_visible_to(*, user) -> QuerySet[ProcedureStep]:
    return ProcedureStep.objects.filter(case__in=case_list_visible_to(user=user))


def attachment_list_visible_to(*, user) -> QuerySet[Attachment]:
    return Attachment.objects.filter(case__in=case_list_visible_to(user=user))


def step_queue_for(*, user) -> QuerySet[ProcedureStep]:
    """My queue: the submitted steps waiting for the user's department in their jurisdiction,
    oldest first; for an applicant, the steps waiting for them to submit or correct.

    Scoped by a join on the step's case (its office, its agent builder), not by a list of
    every visible case: the queue reads the waiting steps (an index of its own) and only
    those steps' cases."""
    steps = ProcedureStep.objects.all()
    if not user.is_authenticated:
        return steps.none()
    if not is_city_wide(user) and Role.AGENT_BUILDER in roles_of(user):
        # The applicant's cases, then their waiting steps through the partial index
        # `step_waiting_for_applicant`, one probe per case (see InSubquery).
        mine = Q(pk__in=[])
        if user.agent_builder_id:
            mine |= Q(agent_builder_id=user.agent_builder_id)
        if user.owner_id:
            mine |= Q(representatives__pk=user.owner_id)
        cases = Case.objects.filter(mine).order_by().values("pk")
        waiting = steps.filter(
            InSubquery(F("case_id"), Subquery(cases)), state__in=[StepState.IN_PROGRESS, StepState.RETURNED]
        )
        return waiting.order_by("started_at", "pk")
    if user.is_superuser:
        return steps.filter(state=StepState.SUBMITTED).order_by("submitted_at", "pk")
    if is_city_wide(user) or user.jurisdiction_id is None:
        return steps.none()
    return steps.filter(
        state=StepState.SUBMITTED, department__in=departments_of(user), case__jurisdiction_id=user.jurisdiction_id
    ).order_by("submitted_at", "pk")


def building_list_visible_to(*, user) -> QuerySet[Building]:
    return _scope(Building.objects.all(), user=user, path="jurisdiction_id")


def unit_list_visible_to(*, user) -> QuerySet[ElevatorUnit]:
    return _scope(ElevatorUnit.objects.all(), user=user, path="building__jurisdiction_id")


def flat_list_visible_to(*, user) -> QuerySet[Flat]:
    return _scope(Flat.objects.all(), user=user, path="unit__building__jurisdiction_id")


def ownership_list_visible_to(*, user) -> QuerySet[Ownership]:
    return _scope(Ownership.objects.all(), user=user, path="flat__unit__building__jurisdiction_id")


def owner_list_visible_to(*, user) -> QuerySet[Owner]:
    """The user's office's own owner records. The same person's record at another office
    is that office's: not listed, not found by ID number, not opened (see cases.models.Person)."""
    return _scope(Owner.objects.all(), user=user, path="jurisdiction_id")


def agent_builder_list_visible_to(*, user) -> QuerySet[AgentBuilder]:
    """The user's office's own records of agent-builder companies: an office edits and picks
    only what it registered."""
    if not user.is_authenticated or not user.is_staff:
        return AgentBuilder.objects.none()
    return _scope(AgentBuilder.objects.all(), user=user, path="jurisdiction_id")


def audit_event_list_visible_to(*, user) -> QuerySet[AuditEvent]:
    """The log of the user's office: events on its cases and on its own records. The audit
    app reads its log through this (registered in CasesConfig.ready())."""
    return _scope(AuditEvent.objects.all(), user=user, path="jurisdiction_id")


def unit_flats_with_owners(*, unit: ElevatorUnit) -> QuerySet[Flat]:
    """The unit's flats, each with its ownerships and their owners: two queries (the
    ownerships joined to their owners), whatever the number of flats."""
    ownerships = Ownership.objects.select_related("owner").order_by("pk")
    return unit.flats.prefetch_related(Prefetch("ownerships", queryset=ownerships)).order_by("floor", "room")


class FlatRow(NamedTuple):
    """A flat as the case page's table lists it."""

    room: str
    floor: int
    area: Decimal
    area_source: str
    developer_held: bool
    owner_names: list[str]


def unit_flat_rows(*, unit: ElevatorUnit) -> list[FlatRow]:
    """The unit's flats with their owners' names, as plain values: two light queries (the
    flats; the ownerships' owner names), no model objects (loading each flat, ownership and
    owner record took a tenth of the case page's time). Read once per loaded unit: the case
    page's flat table and its money panel (funding) share the list; a unit loaded afresh
    reads afresh."""
    cached = unit.__dict__.get("_portal_flat_rows")
    if cached is not None:
        return cached
    names: dict[int, list[str]] = {}
    for flat_id, name in Ownership.objects.filter(flat__unit=unit).order_by("pk").values_list("flat_id", "owner__name"):
        names.setdefault(flat_id, []).append(name)
    rows = [
        FlatRow(room, floor, area, source, developer_held, names.get(pk, []))
        for pk, room, floor, area, source, developer_held in unit.flats.order_by("floor", "room").values_list(
            "pk", "room", "floor", "area", "area_source", "developer_held"
        )
    ]
    unit.__dict__["_portal_flat_rows"] = rows
    return rows


def step_waiting_for(*, state: str | None, department: str | None) -> str:
    """Whom a step waits for, as the list and the case page say it; "" when nobody."""
    if state in (StepState.IN_PROGRESS, StepState.RETURNED):
        return _("待申请人申报") if state == StepState.IN_PROGRESS else _("待申请人补正后重新申报")
    if state == StepState.SUBMITTED and department:
        return _("待%(department)s审查") % {"department": DEPARTMENT_LABELS[Department(department)]}
    return ""


def heritage_requirement() -> str:
    """What a building in a heritage area needs, as the procedures' table says it: the
    step whose approval waits for which papers."""
    procedure = next(p for p in PROCEDURES if p.heritage_papers)
    papers = "、".join(str(AttachmentKind(kind).label) for kind in procedure.heritage_papers)
    return _("%(step)s通过前须上传%(papers)s") % {"step": procedure.name, "papers": papers}


def step_overdue(*, state: str | None, due_date, today=None) -> bool:
    """A submitted step whose review deadline (办理时限) has passed. `today`: the portal's
    date, when a caller asks for many rows at once."""
    return state == StepState.SUBMITTED and due_date is not None and due_date < (today or timezone.localdate())


def case_timeline(*, case: Case, user) -> list[dict]:
    """The eight steps as the case page shows them: state, who it waits for, due date,
    attachments, window submissions, history, and the moves this user may make now (code
    and label)."""
    # Each step's `case` is `case` itself (the related manager sets it), not a joined copy.
    # Whether each due date is provisional (暂定) and its working days left come in the same
    # query (cases.deadlines): no query more for the calendar.
    today = timezone.localdate()
    steps = list(
        case.steps.select_related("decided_by")
        .annotate(due_provisional=provisional_due("due_date"), due_shift=shift_sum("due_date", today=today))
        .order_by("number")
    )
    # The steps' files, submissions and history: one query each for the whole case, with
    # who acted joined (the count stays four however much the case holds), grouped by
    # step here rather than through prefetch_related and a related manager per step.
    ids = [step.pk for step in steps]
    attachments = _by_step(Attachment.objects.filter(step_id__in=ids).order_by("uploaded_at", "pk"))
    history = _by_step(StepHistory.objects.filter(step_id__in=ids).select_related("actor"))
    papers = _by_step(PaperSubmission.objects.filter(step_id__in=ids).select_related("received_by"))
    rows = []
    for step in steps:
        rows.append(
            {
                "step": step,
                "state": StepState(step.state),
                "waiting": step_waiting_for(state=step.state, department=step.department),
                "overdue": step_overdue(state=step.state, due_date=step.due_date, today=today),
                "due_provisional": step.due_date is not None and step.due_provisional,
                "working_days_left": working_days_left(today=today, due=step.due_date, shift=step.due_shift),
                "actions": [(action, STEP_ACTION_BY_NAME[action].label) for action in actions_for(user, step)],
                "attachments": attachments.get(step.pk, []),
                "history": history.get(step.pk, []),
                "papers": papers.get(step.pk, []),
            }
        )
    return rows


def _by_step(rows) -> dict[int, list]:
    grouped = {}
    for row in rows:
        grouped.setdefault(row.step_id, []).append(row)
    return grouped


# Events that record someone reading (a download, personal data viewed): the audit log's
# business (who looked), not the case's history of what was done.
_READ_EVENTS = ("attachment_downloaded", "vote_file_downloaded", "document_downloaded", "personal_data_viewed")


def case_history(*, case: Case) -> QuerySet[AuditEvent]:
    """What was done on the case, newest first: opening, edits, steps, the vote and its
    ballots, documents printed. The caller has found `case` through `case_list_visible_to`
    (another office's case is a 404 before this runs)."""
    return (
        AuditEvent.objects.filter(case=case)
        .exclude(event__in=_READ_EVENTS)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def recent_case_actions_of(*, user, limit: int = 10) -> list[AuditEvent]:
    """The user's own latest actions on cases they may still see (the home page's "最近动作")."""
    return list(
        AuditEvent.objects.filter(actor=user, case__in=case_list_visible_to(user=user))
        .exclude(event__in=_READ_EVENTS)
        .select_related("case__unit__building")
        .order_by("-created_at", "-id")[:limit]
    )
