"""Writes to a flat's account over time (issue 15 §3): a later joiner's payment shared back to
the flats that paid, and a sale that moves the account to the new owner.

As the ledger's services (services_ledger.py): one transaction that locks the case row first
(docs/locking.md), the recording office only (`permissions.can_record_ledger`), every input
checked and refused in Chinese naming its rule, the audit event in the same transaction.
The amounts are worked out inside the lock from the ledger as it then stands
(`selectors_accounts.late_join_plan`), never taken from the form: the page shows the same
computation before staff confirm it, and a confirmation whose amount no longer matches is
refused.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Flat

from . import audit_accounts
from .models import LedgerDirection, LedgerEntry, LedgerKind
from .models_accounts import FlatTransfer, LateJoin, LateJoinShare
from .selectors_accounts import late_join_plan
from .selectors_ledger import ZERO, case_ledger
from .services_ledger import (
    FORMULA_STARTS,
    MAX_COUNTERPARTY,
    MAX_NOTE,
    MAX_REASON,
    _counterparty,
    _date,
    _lock_case,
    _next_seq,
    _text,
    counter_entry,
    new_receipt_code,
    parse_amount,
)

MAX_OWNERS = 200


def _entry(*, case: Case, actor, kind: str, flat: Flat, date, amount, counterparty: str, note: str) -> LedgerEntry:
    seq = _next_seq(case)
    entry = LedgerEntry(
        case=case,
        seq=seq,
        number=f"{case.number}-SZ{seq:04d}",
        direction=LedgerDirection.IN if kind == LedgerKind.LATE_JOIN else LedgerDirection.OUT,
        kind=kind,
        flat=flat,
        date=date,
        amount=amount,
        counterparty=counterparty[:MAX_COUNTERPARTY],
        note=note[:MAX_NOTE],
        receipt_code=new_receipt_code() if kind == LedgerKind.LATE_JOIN else None,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    entry.save()
    return entry


def late_join_record(
    *,
    case: Case,
    flat: Flat,
    actor,
    joined_on: datetime.date,
    counterparty: str,
    expected_amount=None,
    note: str = "",
) -> LateJoin:
    """A flat that did not pay joins: its amount on `joined_on` (latejoin_rules) is one entry
    in, shared back to the flats that paid by what each paid of its share, one entry out each,
    to the fen. `expected_amount`: the amount staff saw on the page; refused if it changed."""
    joined_on = _date(joined_on)
    counterparty = _counterparty(counterparty)
    note = _text(note, what=_("摘要"), limit=MAX_NOTE, required=False)
    if expected_amount not in (None, ""):
        expected_amount = parse_amount(expected_amount, what=_("补缴金额"))
    with transaction.atomic():
        case = _lock_case(case, actor=actor)
        if flat.unit_id != case.unit_id:
            raise ValidationError(_("房号%(room)s不属于本案的单元。") % {"room": flat.room}, code="flat_unit")
        ledger = case_ledger(case=case, with_owners=True)
        # One joining per flat at a time: the case's lock serialises this check and the write.
        plan = late_join_plan(ledger=ledger, flat_id=flat.pk, on=joined_on)
        if plan.problems:
            raise ValidationError(plan.problems, code="late_join_refused")
        quote = plan.quote
        if expected_amount not in (None, "") and expected_amount != quote.amount:
            raise ValidationError(
                _("补缴金额已变为%(amount)s元（台账或使用登记已有变化），请核对后重新确认。")
                % {"amount": quote.amount},
                code="amount_changed",
            )
        number = f"{case.number}-HJ{LateJoin.objects.filter(case=case).count() + 1:02d}"
        paid_in = _entry(
            case=case,
            actor=actor,
            kind=LedgerKind.LATE_JOIN,
            flat=flat,
            date=joined_on,
            amount=quote.amount,
            counterparty=counterparty,
            note=note or _("%(number)s 后续加入补缴") % {"number": number},
        )
        late_join = LateJoin.objects.create(
            case=case,
            flat=flat,
            number=number,
            share=quote.share,
            registered_on=quote.registered_on,
            joined_on=joined_on,
            months=quote.months,
            full_years=quote.full_years,
            zero_years=quote.zero_years,
            amount=quote.amount,
            entry=paid_in,
            recorded_by=paid_in.recorded_by,
        )
        shares = []
        for account, basis, part in plan.shares:
            out = _share_entry(case=case, actor=actor, account=account, part=part, date=joined_on, number=number)
            shares.append(
                LateJoinShare.objects.create(late_join=late_join, flat=out.flat, paid=basis, amount=part, entry=out)
            )
        late_join.flat = flat
        audit_accounts.late_join_recorded(late_join=late_join, shares=shares, actor=actor)
    return late_join


def _share_entry(*, case, actor, account, part, date, number) -> LedgerEntry:
    # The flat's holder now: the buyer after a sale, else the owners on record.
    names = account.transfers[-1].new_owners if account.transfers else "、".join(o.name for o in account.owners)
    return _entry(
        case=case,
        actor=actor,
        kind=LedgerKind.LATE_JOIN_SHARE,
        flat=Flat(pk=account.flat_id, room=account.room, unit_id=case.unit_id),
        date=date,
        amount=part,
        counterparty=names or _("%(room)s室业主") % {"room": account.room},
        note=_("%(number)s 后续加入款分回") % {"number": number},
    )


def late_join_reverse(*, late_join: LateJoin, actor, reason: str, date: datetime.date | None = None) -> LateJoin:
    """A joining recorded by mistake (wrong flat, wrong day) is reversed as a whole: its payment
    and every part shared back are counter-entered with the reason, in one transaction; the
    flat may then join again. Never one entry of it alone (services_ledger refuses that)."""
    reason = _text(reason, what=_("冲销原因"), limit=MAX_REASON)
    date = _date(date or timezone.localdate())
    with transaction.atomic():
        case = _lock_case(late_join.case, actor=actor)
        join = LateJoin.objects.select_related("flat", "entry").get(pk=late_join.pk)
        if join.case_id != case.pk:
            raise ValidationError(_("后续加入记录不属于本案。"), code="late_join_case")
        done = LedgerEntry.objects.filter(reverses=join.entry).first()
        if done is not None:
            raise ValidationError(
                _("%(number)s已于%(date)s冲销，不能重复冲销。")
                % {"number": join.number, "date": done.date.isoformat()},
                code="already_reversed",
            )
        if date < join.joined_on:
            raise ValidationError(
                _("冲销日期不能早于补缴日期（%(date)s）。") % {"date": join.joined_on.isoformat()}, code="date_before"
            )
        originals = [join.entry, *(s.entry for s in join.shares.select_related("entry__flat").order_by("pk"))]
        reversals = [counter_entry(case=case, original=e, actor=actor, reason=reason, date=date) for e in originals]
        audit_accounts.late_join_reversed(late_join=join, reversals=reversals, reason=reason, actor=actor)
    return join


def _owners_text(value, *, what: str) -> str:
    text = _text(value, what=what, limit=MAX_OWNERS)
    if text.startswith(FORMULA_STARTS):
        raise ValidationError(_("%(what)s不能以 = + - @ 开头，请填写姓名。") % {"what": what}, code="formula")
    return text


def flat_transfer_record(
    *,
    case: Case,
    flat: Flat,
    actor,
    transferred_on: datetime.date,
    new_owners: str,
    previous_owners: str = "",
    note: str = "",
) -> FlatTransfer:
    """The flat was sold: its account goes on under `new_owners` from `transferred_on`. What
    was paid until now stays the previous owners' on record (`paid_before`, the entries up to
    `last_seq`). The property register (产权关系) is changed in the master data as before."""
    transferred_on = _date(transferred_on)
    new_owners = _owners_text(new_owners, what=_("新业主"))
    note = _text(note, what=_("说明"), limit=MAX_NOTE, required=False)
    with transaction.atomic():
        case = _lock_case(case, actor=actor)
        if flat.unit_id != case.unit_id:
            raise ValidationError(_("房号%(room)s不属于本案的单元。") % {"room": flat.room}, code="flat_unit")
        ledger = case_ledger(case=case, with_owners=True)
        account = next(a for a in ledger.accounts if a.flat_id == flat.pk)
        earlier = account.transfers[-1] if account.transfers else None
        if earlier is not None and transferred_on < earlier.transferred_on:
            raise ValidationError(
                _("过户日期不能早于上一次过户（%(date)s，%(number)s）。")
                % {"date": earlier.transferred_on.isoformat(), "number": earlier.number},
                code="date_before_transfer",
            )
        holder = earlier.new_owners if earlier else "、".join(o.name for o in account.owners)
        previous_owners = _owners_text(previous_owners or holder or _("原业主"), what=_("原业主"))
        if previous_owners == new_owners:
            raise ValidationError(_("新业主与原业主相同，不是过户。"), code="same_owner")
        last_seq = LedgerEntry.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0
        start = earlier.last_seq if earlier else 0
        paid_before = sum(
            (
                e.signed_amount
                for e in ledger.entries
                if e.flat_id == flat.pk and start < e.seq <= last_seq and e.kind != LedgerKind.LATE_JOIN_SHARE
            ),
            ZERO,
        )
        count = FlatTransfer.objects.filter(case=case).count()
        transfer = FlatTransfer.objects.create(
            case=case,
            flat=flat,
            number=f"{case.number}-GH{count + 1:02d}",
            transferred_on=transferred_on,
            previous_owners=previous_owners,
            new_owners=new_owners,
            paid_before=paid_before,
            last_seq=last_seq,
            note=note,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_accounts.flat_transfer_recorded(transfer=transfer, actor=actor)
    return transfer
