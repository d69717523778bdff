"""Reads of an elevator's register. The caller has found the case through
`cases.selectors.case_list_visible_to` (staff) or `owners.selectors.case_for_owner` (an
owner): another office's or another unit's case is a 404 before these run."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from cases.deadlines import WorkCalendar, load_calendar
from cases.models import Case, CaseStatus, Ownership
from cases.roles import SPEC_BY_ROLE, Role
from cases.selectors import case_list_visible_to, unit_flats_with_owners
from cases.validators import format_day
from funding.costs import allocate_shares, shares
from funding.models import Agreement, ElevatorOwnershipMode

from . import rules
from .models import (
    CostKind,
    Inspection,
    MaintenanceContract,
    MaintenanceVisit,
    Register,
    RunningCost,
    UsingUnitMember,
)
from .permissions import is_using_unit_user


def cases_managed_by(*, user) -> QuerySet[Case]:
    """The completed cases whose registers the office tied this using unit's account to."""
    if not is_using_unit_user(user):
        return Case.objects.none()
    return Case.objects.filter(
        status=CaseStatus.COMPLETED,
        pk__in=UsingUnitMember.objects.filter(user_id=user.pk).values("register__case_id"),
    )


def register_case_list_visible_to(*, user) -> QuerySet[Case]:
    """The cases whose register pages the user may open: a using unit's account, only the
    registers it manages (whatever else its account says); anyone else, the cases
    `case_list_visible_to` gives them."""
    if is_using_unit_user(user):
        return cases_managed_by(user=user)
    return case_list_visible_to(user=user)


def register_of(*, case: Case) -> Register | None:
    return Register.objects.filter(case_id=case.pk).first()


def _with_facts(qs):
    """Annotate each register with what its warnings are read from: one query for any
    number of registers."""
    current = MaintenanceContract.objects.filter(register=OuterRef("pk"), replaced_on__isnull=True)
    latest = Inspection.objects.filter(register=OuterRef("pk")).order_by("-inspected_on", "-id")
    last_visit = MaintenanceVisit.objects.filter(register=OuterRef("pk")).order_by("-visited_on", "-id")
    return qs.annotate(
        f_contract_id=Subquery(current.values("pk")[:1]),
        f_contract_starts=Subquery(current.values("starts_on")[:1]),
        f_contract_ends=Subquery(current.values("ends_on")[:1]),
        f_inspection_id=Subquery(latest.values("pk")[:1]),
        f_inspection_until=Subquery(latest.values("valid_until")[:1]),
        f_last_visit=Subquery(last_visit.values("visited_on")[:1]),
    )


def _facts(register: Register) -> rules.Facts:
    return rules.Facts(
        first_used_on=register.first_used_on,
        registered_on=register.registered_on,
        inspection_valid_until=register.f_inspection_until,
        inspection_id=register.f_inspection_id or 0,
        contract_ends_on=register.f_contract_ends,
        contract_id=register.f_contract_id or 0,
        last_visit_on=register.f_last_visit,
        maintenance_from=register.f_contract_starts,
    )


def register_dues(register: Register, *, calendar: WorkCalendar | None = None) -> list[rules.Due]:
    """The register's due dates, moved back to a working day on the holiday calendar in the
    database (`calendar`: loaded once by a caller that loops; else read here, one query)."""
    calendar = calendar or load_calendar()
    return rules.dues(
        _facts(register),
        registration_within_days=settings.UPKEEP_REGISTRATION_WITHIN_DAYS,
        maintenance_interval_days=settings.UPKEEP_MAINTENANCE_INTERVAL_DAYS,
        is_working_day=calendar.is_working_day,
    )


def register_warnings(
    register: Register, *, today: datetime.date, calendar: WorkCalendar | None = None
) -> list[rules.Warning]:
    """Today's warnings of a register read through `_with_facts`."""
    return rules.warnings(
        register_dues(register, calendar=calendar), today=today, lead_days=settings.UPKEEP_WARNING_LEAD_DAYS
    )


def warning_text(warning: rules.Warning) -> str:
    """The warning in the user's language, with the day to act by."""
    due = warning.due
    on = format_day(due.act_by)
    moved = (
        _("（法定期限%(due)s为休息日，提前至最后一个工作日）") % {"due": format_day(due.due_on)}
        if due.act_by != due.due_on
        else ""
    )
    overdue = warning.level == rules.Level.OVERDUE
    days = abs(warning.days_left)
    if due.what == rules.What.REGISTRATION:
        text = (
            _("使用登记已逾期%(days)s天：最迟应于%(on)s向市场监管部门办理使用登记。")
            if overdue
            else _("请最迟于%(on)s向市场监管部门办理使用登记（%(left)s）。")
        )
    elif due.what == rules.What.INSPECTION:
        text = (
            _("定期检验申请已逾期%(days)s天：最迟应于%(on)s（检验有效期届满前一个月）提出定期检验申请。")
            if overdue
            else _("请最迟于%(on)s（检验有效期届满前一个月）提出定期检验申请（%(left)s）。")
        )
    elif due.what == rules.What.CONTRACT:
        text = (
            _("维护保养合同已到期：应于%(on)s前续签，已过%(days)s天，请尽快续签或另签合同。")
            if overdue
            else _("维护保养合同即将到期：请最迟于%(on)s续签（%(left)s）。")
        )
    else:
        text = (
            _("维护保养已超过规定间隔：最迟应于%(on)s保养，已逾期%(days)s天。")
            if overdue
            else _("下次维护保养最迟于%(on)s完成（%(left)s）。")
        )
    left = _("今天到期") if days == 0 else _("还有%(days)s天") % {"days": days}
    return (text % {"on": on, "days": days, "left": left}) + moved


@dataclass(frozen=True)
class PanelSummary:
    register: Register | None
    warnings: list[str]


def panel_summary(*, case: Case, today: datetime.date) -> PanelSummary | None:
    """The case page's line: nothing read for a case not completed; otherwise the register
    (one query) and, for its due dates, the holiday calendar (one more)."""
    if case.status != CaseStatus.COMPLETED:
        return None
    register = _with_facts(Register.objects.filter(case_id=case.pk)).first()
    if register is None:
        return PanelSummary(register=None, warnings=[])
    return PanelSummary(register=register, warnings=[warning_text(w) for w in register_warnings(register, today=today)])


@dataclass
class RegisterPage:
    register: Register | None
    warnings: list[str] = field(default_factory=list)
    contracts: list[MaintenanceContract] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    visits: list[MaintenanceVisit] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    dues: list[rules.Due] = field(default_factory=list)

    @property
    def current_contract(self) -> MaintenanceContract | None:
        return next((c for c in self.contracts if c.replaced_on is None), None)

    @property
    def latest_inspection(self) -> Inspection | None:
        return self.inspections[0] if self.inspections else None


def register_page(*, case: Case, today: datetime.date) -> RegisterPage:
    """The register page: the register, its contracts (current first), inspections,
    visits, warnings and gaps between visits: five queries."""
    register = _with_facts(Register.objects.filter(case_id=case.pk).select_related("responsible_owner")).first()
    if register is None:
        return RegisterPage(register=None)
    contracts = sorted(register.contracts.all(), key=lambda c: (c.replaced_on is not None, -c.starts_on.toordinal()))
    visits = list(register.visits.all())
    interval = settings.UPKEEP_MAINTENANCE_INTERVAL_DAYS
    gaps = [
        _("%(a)s至%(b)s间隔%(days)s天，超过%(interval)s天。")
        % {"a": format_day(a), "b": format_day(b), "days": (b - a).days, "interval": interval}
        for a, b in rules.maintenance_gaps((v.visited_on for v in visits), interval_days=interval)
    ]
    dues = register_dues(register)
    return RegisterPage(
        register=register,
        warnings=[
            warning_text(w) for w in rules.warnings(dues, today=today, lead_days=settings.UPKEEP_WARNING_LEAD_DAYS)
        ],
        contracts=contracts,
        inspections=list(register.inspections.all()),
        visits=visits,
        gaps=gaps,
        dues=dues,
    )


@dataclass
class ManagedRegister:
    """One line of 我管理的电梯: the register, its case and today's warnings, most urgent
    first (each with its text)."""

    register: Register
    warnings: list[tuple[rules.Warning, str]]

    @property
    def case(self) -> Case:
        return self.register.case

    @property
    def most_urgent(self) -> int | None:
        return self.warnings[0][0].days_left if self.warnings else None

    @property
    def overdue(self) -> bool:
        return any(w.level == rules.Level.OVERDUE for w, _text in self.warnings)


def managed_registers(*, user, today: datetime.date) -> list[ManagedRegister]:
    """我管理的电梯: every register the using unit's account manages with its warnings; the
    registers with the most urgent warning first (overdue longest at the top), then those
    without warnings by case number. Two queries (the registers with their facts, the
    holiday calendar), whatever the number of registers."""
    registers = _with_facts(
        Register.objects.filter(case__in=cases_managed_by(user=user)).select_related(
            "case__jurisdiction", "case__unit__building"
        )
    ).order_by("case__number")
    calendar = None
    rows = []
    for register in registers:
        calendar = calendar or load_calendar()
        found = sorted(register_warnings(register, today=today, calendar=calendar), key=lambda w: w.days_left)
        rows.append(ManagedRegister(register=register, warnings=[(w, warning_text(w)) for w in found]))
    rows.sort(key=lambda row: (row.most_urgent is None, row.most_urgent or 0))
    return rows


def register_members(*, register: Register | None) -> list[UsingUnitMember]:
    """The using unit's accounts tied to the register, for its office (one query)."""
    if register is None:
        return []
    return list(register.members.select_related("user", "added_by"))


def member_emails_by_register() -> dict[int, list[str]]:
    """The reminder addresses of the using units' accounts, by register: the active accounts
    still holding the role, with an e-mail. One query for every register."""
    group = SPEC_BY_ROLE[Role.USING_UNIT].group_name
    rows = (
        UsingUnitMember.objects.filter(user__is_active=True, user__groups__name=group)
        .exclude(user__email="")
        .values_list("register_id", "user__email")
    )
    found: dict[int, set[str]] = {}
    for register_id, email in rows:
        found.setdefault(register_id, set()).add(email)
    return {pk: sorted(emails) for pk, emails in found.items()}


def registers_for_reminders():
    """Every register of a completed case, with its facts and what the mail needs: one query."""
    return _with_facts(
        Register.objects.filter(case__status=CaseStatus.COMPLETED).select_related(
            "case__jurisdiction", "case__unit__building"
        )
    ).order_by("pk")


def use_registered_on(*, case) -> datetime.date | None:
    """The use registration's date, or None (cases.extensions asks this for funding)."""
    return Register.objects.filter(case_id=case.pk).values_list("registered_on", flat=True).first()


# --- the property share table and running costs ---------------------------------------------


@dataclass
class ShareRow:
    room: str
    floor: int
    area: Decimal
    owners: list[str]
    coefficient: Decimal
    share: Fraction
    amounts: dict[int, Decimal] = field(default_factory=dict)  # running cost id → amount


@dataclass
class ShareTable:
    case: Case
    mode: str  # funding.ElevatorOwnershipMode
    mode_label: str
    rows: list[ShareRow]
    costs: list[RunningCost]
    totals: dict[int, Decimal]

    @property
    def in_shares(self) -> bool:
        return self.mode == ElevatorOwnershipMode.SHARES


def share_table(*, case: Case, costs: list[RunningCost] | None = None) -> ShareTable:
    """Each flat's share of the elevator and of the running costs, by the agreement's rule
    (the floor coefficients the owners agreed: `funding.costs`, to the fen). In shares (按份
    共有) each flat's share of the elevator is its cost share (the agreement says so); held
    jointly (共同共有) there are no shares of ownership, the running costs are still shared.
    Four queries plus the costs', whatever the number of flats."""
    agreement = Agreement.objects.filter(case_id=case.pk).only("ownership_mode").first()
    mode = agreement.ownership_mode if agreement else ElevatorOwnershipMode.SHARES
    coefficients = dict(case.floor_coefficients.values_list("floor", "coefficient"))
    flats = list(unit_flats_with_owners(unit=case.unit))
    weights = {f.room: coefficients.get(f.floor, Decimal("0")) for f in flats}
    share_of = shares(weights)
    costs = costs if costs is not None else []
    split = {c.pk: allocate_shares(c.amount, share_of) for c in costs}
    rows = [
        ShareRow(
            room=f.room,
            floor=f.floor,
            area=f.area,
            owners=[o.owner.name for o in f.ownerships.all()],
            coefficient=weights[f.room],
            share=share_of[f.room],
            amounts={pk: amounts[f.room] for pk, amounts in split.items()},
        )
        for f in flats
    ]
    return ShareTable(
        case=case,
        mode=mode,
        mode_label=str(ElevatorOwnershipMode(mode).label),
        rows=rows,
        costs=costs,
        totals={c.pk: c.amount for c in costs},
    )


def costs_of(*, register: Register, published_only: bool = False) -> list[RunningCost]:
    qs = register.costs.all()
    if published_only:
        qs = qs.filter(published_at__isnull=False)
    return list(qs)


def cost_kind_label(kind: str) -> str:
    return str(CostKind(kind).label)


@dataclass
class OwnerView:
    """What an owner of the unit reads in the portal: the warnings, the elevator and who
    looks after it, and the published running costs with each flat's amount (their own
    flats marked)."""

    page: RegisterPage
    table: ShareTable | None
    my_rooms: set[str]
    years: list[int]


def owner_view(*, case: Case, person_id: int, today: datetime.date) -> OwnerView:
    page = register_page(case=case, today=today)
    if page.register is None:
        return OwnerView(page=page, table=None, my_rooms=set(), years=[])
    costs = costs_of(register=page.register, published_only=True)
    my_rooms = set(
        Ownership.objects.filter(owner__person_id=person_id, flat__unit_id=case.unit_id).values_list(
            "flat__room", flat=True
        )
    )
    return OwnerView(
        page=page,
        table=share_table(case=case, costs=costs) if costs else None,
        my_rooms=my_rooms,
        years=sorted({c.year for c in costs}, reverse=True),
    )
