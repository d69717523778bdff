"""Reads of one flat's account (issue 15 §3): what a later joiner would pay today and why, and
who paid what under each owner across a sale. The caller found the case through
`cases.selectors.case_list_visible_to` (staff) or `owners.selectors.case_for_owner` (an owner),
and the flat among the case's unit's flats."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from cases.extensions import use_registered_on
from cases.models import Case

from . import latejoin_rules
from .models import LedgerEntry, LedgerKind
from .models_accounts import FlatTransfer
from .selectors_ledger import ZERO, FlatAccount, Ledger, case_ledger


def late_join_years() -> tuple[int, int]:
    return settings.LATE_JOIN_FULL_YEARS, settings.LATE_JOIN_ZERO_YEARS


@dataclass
class LateJoinPlan:
    """A later joiner's amount on a day and how it is shared back, or why it cannot join."""

    account: FlatAccount
    quote: latejoin_rules.LateJoinQuote | None = None
    shares: list[tuple[FlatAccount, Decimal, Decimal]] = field(default_factory=list)  # account, basis, part
    problems: list[str] = field(default_factory=list)


def late_join_plan(*, ledger: Ledger, flat_id: int, on: datetime.date, registered_on=None) -> LateJoinPlan:
    """What the flat would pay on `on` and each paying flat's part of it; `problems` name
    each rule that stands in the way (no use registration, already paid or joined, no share,
    nothing left to pay, nobody to share it back to)."""
    account = next((a for a in ledger.accounts if a.flat_id == flat_id), None)
    if account is None:
        raise LookupError(flat_id)
    plan = LateJoinPlan(account=account)
    if registered_on is None:
        registered_on = use_registered_on(ledger.case)
    if account.late_join is not None:
        plan.problems.append(
            _("%(room)s室已于%(date)s后续加入（%(number)s），不能重复登记。")
            % {
                "room": account.room,
                "date": account.late_join.joined_on.isoformat(),
                "number": account.late_join.number,
            }
        )
        return plan
    if account.paid != 0:
        plan.problems.append(
            _("%(room)s室已出资%(paid)s元，后续加入只适用于未出资的住户。")
            % {"room": account.room, "paid": account.paid}
        )
    if account.original_share == 0:
        plan.problems.append(_("%(room)s室无需分摊费用，不需要补缴。") % {"room": account.room})
    if registered_on is None:
        plan.problems.append(
            _("电梯尚未办理使用登记：后续加入的金额自使用登记之日起计算，请先在电梯使用管理档案中登记。")
        )
    if plan.problems:
        return plan
    full, zero = late_join_years()
    plan.quote = latejoin_rules.quote(
        share=account.original_share, registered_on=registered_on, on=on, full_years=full, zero_years=zero
    )
    if plan.quote.amount <= 0:
        plan.problems.append(_("使用登记已满%(years)s年，按协议补缴金额为零，无需登记。") % {"years": zero})
        return plan
    payers = {a.flat_id: a for a in ledger.accounts if a.flat_id != flat_id and a.paid > 0}
    basis = {str(pk): min(a.paid, a.share) for pk, a in payers.items()}
    if not any(v > 0 for v in basis.values()):
        plan.problems.append(_("本单元尚无已出资的住户，补缴款无法分回。"))
        return plan
    parts = latejoin_rules.share_back(plan.quote.amount, basis)
    plan.shares = [(payers[int(k)], basis[k], part) for k, part in parts.items() if part > 0]
    plan.shares.sort(key=lambda row: (row[0].floor, row[0].room))
    return plan


@dataclass
class Holder:
    """One owner's time with the flat's account: who, from when, what they paid."""

    owners: str
    since: datetime.date | None  # None: from the start
    until: datetime.date | None  # None: still the owner
    paid: Decimal
    entries: list[LedgerEntry]

    @property
    def shared_back(self) -> Decimal:
        return sum((e.amount for e in self.entries if e.kind == LedgerKind.LATE_JOIN_SHARE), ZERO)


@dataclass
class FlatAccountPage:
    ledger: Ledger
    account: FlatAccount
    entries: list[LedgerEntry]
    holders: list[Holder]
    transfers: list[FlatTransfer]


def flat_account(*, case: Case, flat_id: int, current_owners: str = "") -> FlatAccountPage:
    """The flat's account with its entries split by owner across its sales: the entries up to
    a transfer's `last_seq` were paid under the owners before it."""
    ledger = case_ledger(case=case, with_owners=True)
    account = next((a for a in ledger.accounts if a.flat_id == flat_id), None)
    if account is None:
        raise LookupError(flat_id)
    entries = [e for e in ledger.entries if e.flat_id == flat_id]
    transfers = list(account.transfers)
    holders = []
    start_seq, since = 0, None
    for t in transfers:
        mine = [e for e in entries if start_seq < e.seq <= t.last_seq]
        holders.append(Holder(t.previous_owners, since, t.transferred_on, _own_money(mine), mine))
        start_seq, since = t.last_seq, t.transferred_on
    rest = [e for e in entries if e.seq > start_seq]
    last = transfers[-1].new_owners if transfers else current_owners
    holders.append(Holder(last, since, None, _own_money(rest), rest))
    return FlatAccountPage(ledger=ledger, account=account, entries=entries, holders=holders, transfers=transfers)


def _own_money(entries) -> Decimal:
    return sum((e.signed_amount for e in entries if e.kind != LedgerKind.LATE_JOIN_SHARE), ZERO)
