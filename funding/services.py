"""Every write to a case's money: the funding plan, the floor coefficients, the agreement's
terms. Views, admin, commands and the demo call these.

Each runs in one transaction, locks the case, checks the actor's office
(`cases.services.ensure_actor_in_jurisdiction`: another office and the city-wide
read-only role are refused) and writes its audit event in the same transaction.
`actor=None` means the system.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus
from cases.services import ensure_actor_in_jurisdiction, record_save

from . import audit
from .models import Agreement, FloorCoefficient, FundingSource, FundingSourceKind

# The agreement's terms a form or the demo may set (all but the case).
AGREEMENT_TERMS = (
    "ownership_mode",
    "using_unit",
    "maintenance_company",
    "payment_schedule",
    "running_costs",
    "low_floor_compensation",
    "joining_later",
    "dispute_resolution",
)


def default_coefficient(floor: int) -> Decimal:
    """[practice] The ground floor pays nothing; 2nd 0.60, 3rd 0.80, 4th 1.00, then +0.15 a floor."""
    table = {1: Decimal("0.00"), 2: Decimal("0.60"), 3: Decimal("0.80"), 4: Decimal("1.00")}
    return table.get(floor, Decimal("1.00") + Decimal("0.15") * (floor - 4)) if floor >= 1 else Decimal("0.00")


def case_money_start(*, case: Case, actor) -> None:
    """When a case opens (registered with `cases.extensions.register_case_opened`, so it
    runs inside the opening's transaction): the agreement with its common wording, and the
    default coefficient of each floor with flats."""
    Agreement.objects.create(case=case)
    floors = sorted(set(case.unit.flats.values_list("floor", flat=True)))
    FloorCoefficient.objects.bulk_create(
        FloorCoefficient(case=case, floor=f, coefficient=default_coefficient(f)) for f in floors
    )


def _locked_case(case: Case, *, actor) -> Case:
    # The case's row only (docs/locking.md): its office is read, not locked.
    case = Case.objects.select_for_update(of=("self",), no_key=True).select_related("jurisdiction").get(pk=case.pk)
    ensure_actor_in_jurisdiction(actor=actor, jurisdiction=case.jurisdiction)
    return case


def case_set_funding(
    *, case: Case, actor, amounts: Mapping[str, Decimal], notes: Mapping[str, str] | None = None
) -> None:
    """Replace the funding plan: amount per source (zero or missing removes the source), and
    each source's note (说明) where given."""
    notes = notes or {}
    with transaction.atomic():
        case = _locked_case(case, actor=actor)
        unknown = (set(amounts) | set(notes)) - set(FundingSourceKind.values)
        if unknown:
            raise ValidationError(_("未知的资金来源：%(kinds)s") % {"kinds": "、".join(sorted(unknown))})
        if any(a < 0 for a in amounts.values()):
            raise ValidationError(_("资金金额不能为负数。"))
        case.funding_sources.all().delete()
        FundingSource.objects.bulk_create(
            FundingSource(case=case, kind=k, amount=a, note=notes.get(k, "").strip())
            for k, a in amounts.items()
            if a > 0
        )
        audit.funding_plan_set(case=case, actor=actor, amounts=amounts)


def case_set_floor_coefficients(*, case: Case, actor, coefficients: Mapping[int, Decimal]) -> None:
    """Replace the floor-coefficient table; every floor with flats needs a coefficient (a
    floor left out would pay nothing without anyone having agreed to it)."""
    with transaction.atomic():
        case = _locked_case(case, actor=actor)
        floors = set(case.unit.flats.values_list("floor", flat=True))
        missing = sorted(floors - set(coefficients))
        if missing:
            raise ValidationError(
                _("以下楼层缺少分摊系数：%(floors)s") % {"floors": "、".join(str(f) for f in missing)}
            )
        if any(c < 0 for c in coefficients.values()):
            raise ValidationError(_("分摊系数不能为负数。"))
        case.floor_coefficients.all().delete()
        FloorCoefficient.objects.bulk_create(
            FloorCoefficient(case=case, floor=f, coefficient=c) for f, c in sorted(coefficients.items())
        )
        audit.floor_coefficients_set(case=case, actor=actor, coefficients=coefficients)


def agreement_update(*, case: Case, actor, **terms) -> Agreement:
    """Change the agreement's terms (a case opened before the agreement existed gets one)."""
    unknown = set(terms) - set(AGREEMENT_TERMS)
    if unknown:
        raise ValueError(f"not terms of the agreement: {sorted(unknown)}")
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update(no_key=True).filter(case=case).first()
        if agreement is None:
            agreement = Agreement(case=case)
        for name, value in terms.items():
            setattr(agreement, name, value)
        record_save(obj=agreement, actor=actor, fields=list(terms))
    return agreement


def case_money_update(
    *,
    case: Case,
    actor,
    amounts: Mapping[str, Decimal] | None = None,
    notes: Mapping[str, str] | None = None,
    coefficients: Mapping[int, Decimal] | None = None,
    terms: Mapping[str, object] | None = None,
) -> None:
    """The money form's save: the funding plan, the coefficients and the agreement's terms,
    each only if given, all in one transaction: a refusal of any part leaves all as they
    were. Only an open case's money changes: a finished case is a record."""
    with transaction.atomic():
        locked = _locked_case(case, actor=actor)
        if locked.status != CaseStatus.OPEN:
            raise ValidationError(
                _("案件已结束（%(status)s），资金与分摊不能再修改。") % {"status": locked.get_status_display()},
                code="case_closed",
            )
        if amounts is not None:
            case_set_funding(case=locked, actor=actor, amounts=amounts, notes=notes)
        if coefficients is not None:
            case_set_floor_coefficients(case=locked, actor=actor, coefficients=coefficients)
        if terms:
            agreement_update(case=locked, actor=actor, **terms)
