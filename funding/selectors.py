"""Reads of a case's money. The caller has found the case through
`cases.selectors.case_list_visible_to` (another office's case is a 404 before these run)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from cases.models import Case
from cases.selectors import unit_flat_rows, unit_flats_with_owners

from .costs import allocate_shares, shares
from .models import Agreement, FundingSource, FundingSourceKind

# What the owners share among their flats; the maintenance fund and other money are collective.
SHARED_KINDS = (FundingSourceKind.OWNERS, FundingSourceKind.PROVIDENT_FUND)


def case_funding_total(*, case: Case):
    """The funding plan's total, or None without a plan."""
    return case.funding_sources.aggregate(total=Sum("amount"))["total"]


def _shared_total(*, sources: list[FundingSource], budget) -> Decimal:
    if not sources:
        return budget or Decimal("0.00")
    by_kind = {f.kind: f.amount for f in sources}
    return sum((by_kind.get(kind, Decimal(0)) for kind in SHARED_KINDS), Decimal(0))


def case_shared_total(*, case: Case):
    """The amount the owners share: their own money and provident-fund withdrawals; the
    maintenance fund and other money are collective. Without a funding plan, the budget."""
    return _shared_total(sources=list(case.funding_sources.all()), budget=case.budget)


def _shares_of(flats, coefficients: dict[int, Decimal], total: Decimal):
    """Per flat (by room): its coefficient, exact share and amount to the fen. A floor
    without a coefficient weighs nothing here; the money panel says so."""
    weights = {f.room: coefficients.get(f.floor, Decimal("0")) for f in flats}
    share_of = shares(weights)
    return weights, share_of, allocate_shares(total, share_of)


def cost_sharing_table(*, case: Case) -> list[dict]:
    """Per flat: floor, owners, coefficient, exact share and amount to the fen (the printed
    agreement's table)."""
    coefficients = {c.floor: c.coefficient for c in case.floor_coefficients.all()}
    flats = list(unit_flats_with_owners(unit=case.unit))
    weights, share_of, amount_of = _shares_of(flats, coefficients, case_shared_total(case=case))
    return [
        {
            "flat": f,
            "owners": [o.owner for o in f.ownerships.all()],
            "coefficient": weights[f.room],
            "share": share_of[f.room],
            "amount": amount_of[f.room],
        }
        for f in flats
    ]


@dataclass
class CaseMoney:
    """What the case page's money panel shows."""

    sources: list[FundingSource]
    funding_total: Decimal | None  # None: no funding plan
    budget: Decimal | None
    shared_total: Decimal
    coefficients: dict[int, Decimal]
    floors_without_coefficient: list[int]
    rows: list[dict] = field(default_factory=list)  # room, floor, coefficient, share, amount
    agreement: Agreement | None = None

    @property
    def funding_differs_from_budget(self) -> bool:
        return self.funding_total is not None and self.budget is not None and self.funding_total != self.budget


def case_money(*, case: Case) -> CaseMoney:
    """The funding plan, the coefficients, each flat's share and the agreement's terms: four
    queries, whatever the number of flats."""
    # In the guidance's order, sorted here: the model's ordering (a CASE over the kinds) cost
    # a millisecond to compile on every case page.
    position = {kind: i for i, kind in enumerate(FundingSourceKind.values)}
    sources = sorted(case.funding_sources.order_by(), key=lambda s: position.get(s.kind, len(position)))
    coefficients = dict(case.floor_coefficients.values_list("floor", "coefficient"))
    flats = unit_flat_rows(unit=case.unit)  # the case page's flat table read them already
    shared_total = _shared_total(sources=sources, budget=case.budget)
    weights, share_of, amount_of = _shares_of(flats, coefficients, shared_total)
    rows = [
        {
            "room": f.room,
            "floor": f.floor,
            "coefficient": weights[f.room],
            "share": share_of[f.room],
            "amount": amount_of[f.room],
        }
        for f in flats
    ]
    return CaseMoney(
        sources=sources,
        funding_total=sum((s.amount for s in sources), Decimal("0.00")) if sources else None,
        budget=case.budget,
        shared_total=shared_total,
        coefficients=coefficients,
        floors_without_coefficient=sorted({f.floor for f in flats} - set(coefficients)),
        rows=rows,
        agreement=next(iter(Agreement.objects.filter(case=case)[:1]), None),  # one per case
    )
