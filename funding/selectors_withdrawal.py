"""Reads of withdrawals and the subsidy (issue 15 §2): the rules in force for an office, each
flat's cap across the sources, the lists. The caller found the case through
`cases.selectors.case_list_visible_to` (staff) or `owners.selectors.case_for_owner` (an
owner). A fixed number of queries whatever the number of flats or applications."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Q, QuerySet

from cases.models import Case, Flat, Jurisdiction

from .costs import allocate_shares
from .models_withdrawal import (
    LIVE_STATES,
    FundingRules,
    SubsidyClaim,
    Withdrawal,
    WithdrawalSource,
    WithdrawalState,
)
from .selectors import cost_sharing_table
from .withdrawal_rules import MOVE_BY_NAME, ZERO, FlatCap, Rules


def _decimal_setting(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    return amount if amount.is_finite() and amount > 0 else None


def rules_for(jurisdiction: Jurisdiction) -> Rules:
    """The settings' defaults, with what the office set in the admin (资金规则) over them."""
    own = FundingRules.objects.filter(jurisdiction=jurisdiction).first()
    subsidy = _decimal_setting(settings.FUNDING_SUBSIDY_PER_ELEVATOR)
    keep = Decimal(str(settings.FUNDING_MAINTENANCE_KEEP_PERCENT))
    rules = Rules(
        provident_relations=frozenset(settings.FUNDING_PROVIDENT_RELATIONS),
        provident_window_years=settings.FUNDING_PROVIDENT_WINDOW_YEARS,
        maintenance_window_years=settings.FUNDING_MAINTENANCE_WINDOW_YEARS,
        maintenance_keep_percent=keep,
        subsidy_per_elevator=subsidy,
    )
    if own is None:
        return rules
    return Rules(
        provident_relations=rules.provident_relations,
        provident_window_years=own.provident_window_years or rules.provident_window_years,
        maintenance_window_years=own.maintenance_window_years or rules.maintenance_window_years,
        maintenance_keep_percent=(own.maintenance_keep_percent if own.maintenance_keep_percent is not None else keep),
        subsidy_per_elevator=((own.subsidy_per_elevator or None) if own.subsidy_per_elevator is not None else subsidy),
    )


def subsidy_amount(*, case: Case, rules: Rules) -> Decimal:
    """The subsidy that counts against the flats' shares: the claim's amount once claimed,
    else what the office grants per elevator (a flat cannot withdraw now what the subsidy
    will pay later), else none."""
    claim = SubsidyClaim.objects.filter(case=case).first()
    if claim is not None:
        return claim.amount
    return rules.subsidy_per_elevator or ZERO


def shares_and_subsidy(
    *, case: Case, rules: Rules, subsidy: Decimal | None = None
) -> tuple[dict[int, Flat], dict[int, Decimal], dict[int, Decimal]]:
    """Per flat (by pk): the flat, its share of the cost to the fen, its part of the subsidy
    (the case's, or `subsidy` when given) shared by the same rule as the cost (the
    agreement's coefficients), summing exactly."""
    table = cost_sharing_table(case=case)
    flats = {row["flat"].pk: row["flat"] for row in table}
    share = {row["flat"].pk: row["amount"].quantize(Decimal("0.01")) for row in table}
    total = subsidy_amount(case=case, rules=rules) if subsidy is None else subsidy
    part = allocate_shares(total, {row["flat"].pk: row["share"] for row in table}) if total else {}
    return flats, share, {pk: part.get(pk, ZERO) for pk in flats}


def live_amounts(*, case: Case, exclude_pk: int | None = None, states=LIVE_STATES) -> dict[tuple[int, str], Decimal]:
    """(flat pk, source) → the amount of its live application (one at most per flat and
    source), or of its applications in `states`."""
    rows = Withdrawal.objects.filter(case=case, state__in=states)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    found: dict[tuple[int, str], Decimal] = {}
    for flat_id, source, amount in rows.values_list("flat_id", "source", "amount"):
        found[(flat_id, source)] = found.get((flat_id, source), ZERO) + amount
    return found


def flat_caps(
    *,
    case: Case,
    rules: Rules,
    exclude_pk: int | None = None,
    subsidy: Decimal | None = None,
    states=LIVE_STATES,
) -> dict[int, FlatCap]:
    _, share, part = shares_and_subsidy(case=case, rules=rules, subsidy=subsidy)
    live = live_amounts(case=case, exclude_pk=exclude_pk, states=states)
    return {
        pk: FlatCap(
            share=share[pk],
            subsidy_part=part[pk],
            provident=live.get((pk, WithdrawalSource.PROVIDENT_FUND), ZERO),
            maintenance=live.get((pk, WithdrawalSource.MAINTENANCE_FUND), ZERO),
        )
        for pk in share
    }


def flats_over_cap(*, case: Case, rules: Rules, subsidy: Decimal) -> list[tuple[Flat, FlatCap]]:
    """The flats whose approved withdrawals would be over the cap if the subsidy were
    `subsidy` (a claim about to be made), each with its cap under that subsidy. Pending ones
    are checked again when they are decided."""
    flats = {flat.pk: flat for flat in Flat.objects.filter(unit_id=case.unit_id)}
    caps = flat_caps(case=case, rules=rules, subsidy=subsidy, states=(WithdrawalState.APPROVED,))
    return [(flats[pk], cap) for pk, cap in caps.items() if cap.provident + cap.maintenance > cap.limit]


def withdrawals_of_case(*, case: Case) -> QuerySet[Withdrawal]:
    return (
        Withdrawal.objects.filter(case=case)
        .select_related("flat", "submitted_by", "decided_by")
        .order_by("-submitted_at", "-pk")
    )


def withdrawal_for_case(*, case: Case, pk: int) -> Withdrawal | None:
    return (
        Withdrawal.objects.select_related(
            "case__jurisdiction", "case__unit__building", "flat", "decided_by", "ledger_entry"
        )
        .filter(case=case, pk=pk)
        .first()
    )


def withdrawal_history(withdrawal: Withdrawal) -> list[dict]:
    """The application's moves, oldest first, each with its label in the steps' words."""
    return [
        {"m": m, "label": MOVE_BY_NAME[m.move].label if m.move in MOVE_BY_NAME else m.move}
        for m in withdrawal.moves.select_related("actor").order_by("at", "pk")
    ]


def withdrawal_queue_for(*, cases: QuerySet[Case]) -> QuerySet[Withdrawal]:
    """The submitted applications of the cases a user sees, oldest first."""
    return (
        Withdrawal.objects.filter(case__in=cases, state="submitted")
        .select_related("case", "flat")
        .order_by("submitted_at", "pk")
    )


def my_flats(*, user, case: Case) -> list[Flat]:
    """The flats of the case's unit that this owner's identity owns."""
    return list(
        Flat.objects.filter(unit_id=case.unit_id, ownerships__owner__person_id=user.person_id)
        .distinct()
        .order_by("floor", "room")
    )


def is_representative(*, user, case: Case) -> bool:
    return bool(user.person_id) and case.representatives.filter(person_id=user.person_id).exists()


def withdrawals_of_owner(*, user, case: Case) -> QuerySet[Withdrawal]:
    """The applications for the owner's flats, and those the owner made (a representative's
    maintenance-fund applications)."""
    flats = Flat.objects.filter(unit_id=case.unit_id, ownerships__owner__person_id=user.person_id).values("pk")
    return withdrawals_of_case(case=case).filter(Q(flat__in=flats) | Q(submitted_by=user))


def withdrawal_by_code(code: str) -> Withdrawal | None:
    code = "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())[:32]
    if not code:
        return None
    return (
        Withdrawal.objects.select_related("case__jurisdiction", "case__unit__building", "flat")
        .filter(verify_code=code)
        .first()
    )
