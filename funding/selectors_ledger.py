"""Reads of a unit's ledger (收支台账). The caller found the case through
`cases.selectors.case_list_visible_to` (staff) or `owners.selectors.case_for_owner` (an owner):
another office's or unit's case is a 404 before these run.

Every sum is of Decimals to the fen, never a float. A fixed number of queries whatever
the number of entries or flats."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cases.models import Case

from .models import LedgerDirection, LedgerEntry, LedgerKind, Milestone
from .models_accounts import FlatTransfer, LateJoin
from .selectors import cost_sharing_table

ZERO = Decimal("0.00")


class PaidStatus:
    PAID = "paid"  # 已缴清
    PARTLY = "partly"  # 部分缴纳
    NONE = "none"  # 未缴
    OVERPAID = "overpaid"  # 多缴
    NO_SHARE = "no_share"  # 无需分摊


PAID_STATUS_LABELS = {
    PaidStatus.PAID: _("已缴清"),
    PaidStatus.PARTLY: _("部分缴纳"),
    PaidStatus.NONE: _("未缴"),
    PaidStatus.OVERPAID: _("多缴"),
    PaidStatus.NO_SHARE: _("无需分摊"),
}


def net_totals(entries) -> tuple[Decimal, Decimal]:
    """Money in and money out net of reversals: a reversal takes its amount off the side of
    the entry it reverses (an owner's contribution entered by mistake and reversed is neither
    income nor expense), so the totals are what came in and went out; the balance is the same
    either way."""
    total_in = total_out = ZERO
    for e in entries:
        reversal = e.reverses_id is not None
        if e.direction == LedgerDirection.IN:
            if reversal:
                total_out -= e.amount
            else:
                total_in += e.amount
        elif reversal:
            total_in -= e.amount
        else:
            total_out += e.amount
    return total_in, total_out


@dataclass
class FlatAccount:
    """A flat's account: its share from the cost table, what it has paid, what it owes.

    A later joiner's share is what it joined for (`original_share` keeps the cost table's);
    a flat that paid gets a part of a later joiner's money back (`shared_back`), which does
    not count against what it paid of its share."""

    flat_id: int
    room: str
    floor: int
    share: Decimal
    paid: Decimal = ZERO
    owners: list = field(default_factory=list)  # staff only; the owners' page never reads it
    original_share: Decimal | None = None
    shared_back: Decimal = ZERO
    late_join: LateJoin | None = None
    transfers: list = field(default_factory=list)

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.shared_back

    @property
    def owing(self) -> Decimal:
        return max(self.share - self.paid, ZERO)

    @property
    def status(self) -> str:
        if self.share == 0 and self.paid == 0:
            return PaidStatus.NO_SHARE
        if self.paid == 0:
            return PaidStatus.NONE
        if self.paid < self.share:
            return PaidStatus.PARTLY
        if self.paid == self.share:
            return PaidStatus.PAID
        return PaidStatus.OVERPAID

    @property
    def status_label(self) -> str:
        return str(PAID_STATUS_LABELS[self.status])


@dataclass
class MilestoneRow:
    milestone: Milestone
    due: Decimal | None  # None: a percentage of a case without a budget
    paid: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.due is None else self.due - self.paid


@dataclass
class Ledger:
    case: Case
    entries: list[LedgerEntry]
    total_in: Decimal
    total_out: Decimal
    accounts: list[FlatAccount]
    milestones: list[MilestoneRow]
    reversed_ids: set[int]
    installer_unassigned: Decimal  # installer payments against no milestone

    @property
    def balance(self) -> Decimal:
        return self.total_in - self.total_out

    @property
    def shares_total(self) -> Decimal:
        return sum((a.share for a in self.accounts), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum((a.paid for a in self.accounts), ZERO)

    @property
    def owing_total(self) -> Decimal:
        return sum((a.owing for a in self.accounts), ZERO)


def ledger_entries(*, case: Case, until: datetime.date | None = None, since: datetime.date | None = None):
    entries = LedgerEntry.objects.filter(case=case).select_related("flat", "milestone", "recorded_by", "reverses")
    if since is not None:
        entries = entries.filter(date__gte=since)
    if until is not None:
        entries = entries.filter(date__lte=until)
    return entries.order_by("seq")


def flat_sums(entries) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Per flat: what it paid (its own money, net of reversals) and what it got back of a
    later joiner's payment."""
    paid: dict[int, Decimal] = {}
    back: dict[int, Decimal] = {}
    for e in entries:
        if e.flat_id is None:
            continue
        if e.kind == LedgerKind.LATE_JOIN_SHARE:
            back[e.flat_id] = back.get(e.flat_id, ZERO) - e.signed_amount
        else:
            paid[e.flat_id] = paid.get(e.flat_id, ZERO) + e.signed_amount
    return paid, back


def case_ledger(*, case: Case, with_owners: bool = False) -> Ledger:
    """The whole ledger: entries, totals, each flat's account, the milestones and what was
    paid against each, later joiners and sales. Seven queries with the cost table, whatever
    the rows."""
    entries = list(ledger_entries(case=case))
    total_in, total_out = net_totals(entries)
    paid_by_flat, shared_back = flat_sums(entries)
    # A joining reversed as a mistake no longer counts (its entries are counter-entered).
    joins = {
        j.flat_id: j
        for j in LateJoin.objects.filter(case=case, entry__reversed_by__isnull=True).select_related("entry")
    }
    transfers: dict[int, list[FlatTransfer]] = {}
    for t in FlatTransfer.objects.filter(case=case).order_by("pk"):
        transfers.setdefault(t.flat_id, []).append(t)
    accounts = []
    for row in cost_sharing_table(case=case):
        share = row["amount"].quantize(Decimal("0.01"))
        joined = joins.get(row["flat"].pk)
        accounts.append(
            FlatAccount(
                flat_id=row["flat"].pk,
                room=row["flat"].room,
                floor=row["flat"].floor,
                share=joined.amount if joined else share,
                paid=paid_by_flat.get(row["flat"].pk, ZERO),
                owners=row["owners"] if with_owners else [],
                original_share=share,
                shared_back=shared_back.get(row["flat"].pk, ZERO),
                late_join=joined,
                transfers=transfers.get(row["flat"].pk, []),
            )
        )
    milestones = list(Milestone.objects.filter(case=case).order_by("seq"))
    # A payment to the installer is money out (+); its reversal money in (−).
    paid_by_milestone: dict[int, Decimal] = {}
    unassigned = ZERO
    for e in entries:
        if e.kind != LedgerKind.INSTALLER:
            continue
        if e.milestone_id is None:
            unassigned -= e.signed_amount
        else:
            paid_by_milestone[e.milestone_id] = paid_by_milestone.get(e.milestone_id, ZERO) - e.signed_amount
    rows = []
    for m in milestones:
        if m.amount is not None:
            due = m.amount
        elif case.budget is not None:
            due = (case.budget * m.percent / 100).quantize(Decimal("0.01"))
        else:
            due = None
        rows.append(MilestoneRow(milestone=m, due=due, paid=paid_by_milestone.get(m.pk, ZERO)))
    return Ledger(
        case=case,
        entries=entries,
        total_in=total_in,
        total_out=total_out,
        accounts=accounts,
        milestones=rows,
        reversed_ids={e.reverses_id for e in entries if e.reverses_id is not None},
        installer_unassigned=unassigned,
    )


@dataclass
class MonthStatement:
    """月度收支明细: the month's entries, the balance carried in and out."""

    case: Case
    month: datetime.date  # its first day
    opening: Decimal
    entries: list[LedgerEntry]
    month_in: Decimal
    month_out: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.month_in - self.month_out


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def month_statement(*, case: Case, month: datetime.date) -> MonthStatement:
    first, last = month_bounds(month)
    before = LedgerEntry.objects.filter(case=case, date__lt=first).values_list("direction", "amount")
    opening = sum((a if d == LedgerDirection.IN else -a for d, a in before), ZERO)
    entries = list(ledger_entries(case=case, since=first, until=last))
    month_in, month_out = net_totals(entries)
    return MonthStatement(
        case=case, month=first, opening=opening, entries=entries, month_in=month_in, month_out=month_out
    )


def entry_for_case(*, case: Case, pk: int) -> LedgerEntry | None:
    return (
        LedgerEntry.objects.select_related("case__jurisdiction", "case__unit__building", "flat", "reverses")
        .filter(case=case, pk=pk)
        .first()
    )


def entry_by_receipt_code(code: str) -> LedgerEntry | None:
    """The public check of a receipt (its QR code)."""
    code = "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())[:32]
    if not code:
        return None
    return (
        LedgerEntry.objects.select_related("case__jurisdiction", "case__unit__building", "flat")
        .filter(receipt_code=code)
        .first()
    )


def entry_is_reversed(entry: LedgerEntry) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(reverses=entry).first()
