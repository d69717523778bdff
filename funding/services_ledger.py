"""Every write to a unit's ledger (收支台账, issue 15 §1): an entry of money in or out with its
voucher, the counter-entry that reverses a mistake, a milestone of the installation
contract, and the record that a receipt or statement was printed.

Each runs in one transaction that locks the case row first (docs/locking.md), checks who
acts (`permissions.can_record_ledger`: the district officer of the case's own office),
validates, writes, and logs its named event. A voucher is checked before the transaction
(cases.files.inspect_upload: its real type, its size) and deleted again if the transaction
fails (cases.files.FilesWritten): a refusal leaves neither row nor file.

Nothing here updates or deletes an entry: there is no such service. A mistake is reversed
by `ledger_entry_reverse`, once, with a reason.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.files import FilesWritten, inspect_upload
from cases.models import Case, Flat
from cases.validators import clean_text

from . import audit
from .models import (
    FLAT_KINDS,
    KIND_DIRECTION,
    LATE_JOIN_KINDS,
    RECEIPT_KINDS,
    LedgerDirection,
    LedgerEntry,
    LedgerKind,
    Milestone,
)
from .permissions import can_record_ledger

# One entry of an elevator's money stays under a hundred million yuan: anything above is a
# typing mistake (and the column holds 12 digits).
MAX_AMOUNT = Decimal("99999999.99")
FEN = Decimal("0.01")
EARLIEST_DATE = datetime.date(2000, 1, 1)
MAX_COUNTERPARTY = 100
MAX_NOTE = 200
MAX_REASON = 200
MAX_MILESTONE_NAME = 60
MAX_DUE_CONDITION = 200
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RECEIPT_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no look-alikes, as the objection receipts
RECEIPT_CODE_LENGTH = 12


def parse_amount(value, *, what: str | None = None) -> Decimal:
    """An amount to the fen, positive, finite, within the limit; refused in Chinese otherwise.
    Accepts a Decimal, an int or a string; never a float (its binary value is not the fen)."""
    what = what or _("金额")
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError(_("%(what)s格式不正确。") % {"what": what}, code="amount_type")
    if isinstance(value, int):
        value = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        if not text:
            raise ValidationError(_("请填写%(what)s。") % {"what": what}, code="amount_required")
        if len(text) > 30:
            raise ValidationError(_("%(what)s格式不正确。") % {"what": what}, code="amount_format")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(_("%(what)s格式不正确。") % {"what": what}, code="amount_format") from exc
    elif not isinstance(value, Decimal):
        raise ValidationError(_("%(what)s格式不正确。") % {"what": what}, code="amount_type")
    if not value.is_finite():
        raise ValidationError(_("%(what)s格式不正确。") % {"what": what}, code="amount_format")
    if value <= 0:
        raise ValidationError(_("%(what)s必须大于零。") % {"what": what}, code="amount_not_positive")
    if value > MAX_AMOUNT:
        raise ValidationError(
            _("%(what)s不能超过%(limit)s元。") % {"what": what, "limit": f"{MAX_AMOUNT:,}"}, code="amount_too_large"
        )
    if value != value.quantize(FEN):
        raise ValidationError(_("%(what)s只能精确到分（两位小数）。") % {"what": what}, code="amount_below_fen")
    return value.quantize(FEN)


def _text(value, *, what: str, limit: int, required: bool = True) -> str:
    # One line each (a name, a summary, a reason): a line break becomes a space.
    return clean_text(value, what=what, limit=limit, required=required)


def _counterparty(value) -> str:
    text = _text(value, what=_("收付款方"), limit=MAX_COUNTERPARTY)
    if text.startswith(FORMULA_STARTS):
        raise ValidationError(_("收付款方不能以 = + - @ 开头，请填写单位或个人名称。"), code="formula")
    return text


def _date(value) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationError(_("日期格式不正确。"), code="date_type")
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}, code="date_future")
    if value < EARLIEST_DATE:
        raise ValidationError(
            _("日期不能早于%(earliest)s。") % {"earliest": EARLIEST_DATE.isoformat()}, code="date_too_early"
        )
    return value


def _lock_case(case: Case, *, actor) -> Case:
    # The case's row first (docs/locking.md), then read it with its office and unit.
    Case.objects.select_for_update(no_key=True).only("pk").get(pk=case.pk)
    case = Case.objects.select_related("jurisdiction", "unit__building").get(pk=case.pk)
    if actor is not None and not can_record_ledger(actor, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以登记收支台账。"))
    return case


def _next_seq(case: Case) -> int:
    return (LedgerEntry.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0) + 1


def new_receipt_code() -> str:
    while True:
        code = "".join(secrets.choice(RECEIPT_CODE_ALPHABET) for _ in range(RECEIPT_CODE_LENGTH))
        if not LedgerEntry.objects.filter(receipt_code=code).exists():
            return code


def ledger_entry_record(
    *,
    case: Case,
    actor,
    kind: str,
    date: datetime.date,
    amount,
    counterparty: str,
    note: str = "",
    flat: Flat | None = None,
    milestone: Milestone | None = None,
    voucher=None,
) -> LedgerEntry:
    """One entry of money in or out. A flat's own money (its contribution, a withdrawal paid
    in for it) names the flat; a payment to the installer may name the milestone it pays.
    Money out needs its voucher (invoice, bank slip); money in may have one (the office's
    own receipt stands for a contribution's)."""
    if kind not in KIND_DIRECTION:
        raise ValidationError(_("请选择收支类别。"), code="kind")
    if kind in LATE_JOIN_KINDS:
        raise ValidationError(
            _("后续加入的补缴及分回在该户的账户页“后续加入”中一并登记，不能单独登记。"), code="late_join_kind"
        )
    direction = KIND_DIRECTION[LedgerKind(kind)]
    amount = parse_amount(amount)
    date = _date(date)
    counterparty = _counterparty(counterparty)
    note = _text(note, what=_("摘要"), limit=MAX_NOTE, required=False)
    if kind in FLAT_KINDS and flat is None:
        raise ValidationError(_("%(kind)s须注明房号。") % {"kind": LedgerKind(kind).label}, code="flat_required")
    if kind not in FLAT_KINDS and flat is not None:
        raise ValidationError(
            _("%(kind)s不计入某一户，请不要选择房号。") % {"kind": LedgerKind(kind).label}, code="flat_not_allowed"
        )
    if milestone is not None and kind != LedgerKind.INSTALLER:
        raise ValidationError(_("只有电梯采购安装款对应合同付款节点。"), code="milestone_kind")
    facts = None
    if voucher is not None:
        facts = inspect_upload(voucher, what=_("凭证"))
    elif direction == LedgerDirection.OUT:
        raise ValidationError(_("支出须上传凭证（发票、收据或银行回单）。"), code="voucher_required")
    with FilesWritten() as written, transaction.atomic():
        case = _lock_case(case, actor=actor)
        if flat is not None and flat.unit_id != case.unit_id:
            raise ValidationError(_("房号%(room)s不属于本案的单元。") % {"room": flat.room}, code="flat_unit")
        if milestone is not None and milestone.case_id != case.pk:
            raise ValidationError(_("付款节点不属于本案。"), code="milestone_case")
        seq = _next_seq(case)
        entry = LedgerEntry(
            case=case,
            seq=seq,
            number=f"{case.number}-SZ{seq:04d}",
            direction=direction,
            kind=kind,
            flat=flat,
            milestone=milestone,
            date=date,
            amount=amount,
            counterparty=counterparty,
            note=note,
            receipt_code=new_receipt_code() if kind == LedgerKind.CONTRIBUTION else None,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        if facts is not None:
            entry.voucher_name = facts.name
            entry.voucher_type = facts.content_type
            entry.voucher_sha256 = facts.sha256
            entry.voucher.save(facts.name, voucher, save=False)
            written.add(entry.voucher)
        entry.save()
        audit.ledger_entry_recorded(entry=entry, actor=actor)
    return entry


def ledger_entry_reverse(*, entry: LedgerEntry, actor, reason: str, date: datetime.date | None = None) -> LedgerEntry:
    """The counter-entry of a mistaken entry: the same amount, kind, flat and milestone, the
    other way, with its reason. An entry is reversed once; a reversal is not reversed (a
    wrong reversal is put right by recording the entry again)."""
    reason = _text(reason, what=_("冲销原因"), limit=MAX_REASON)
    date = _date(date or timezone.localdate())
    with transaction.atomic():
        case = _lock_case(entry.case, actor=actor)
        original = LedgerEntry.objects.select_related("flat", "milestone").get(pk=entry.pk)
        if original.case_id != case.pk:
            raise ValidationError(_("分录不属于本案。"), code="entry_case")
        if original.kind in LATE_JOIN_KINDS:
            raise ValidationError(
                _("%(number)s是后续加入的补缴或分回分录，与其他分回分录一体，不能单独冲销。")
                % {"number": original.number},
                code="late_join_reversal",
            )
        if original.reverses_id is not None:
            raise ValidationError(
                _("%(number)s本身是冲销分录，不能再冲销；如冲销有误，请重新登记原分录。") % {"number": original.number},
                code="reversal_of_reversal",
            )
        done = LedgerEntry.objects.filter(reverses=original).first()
        if done is not None:
            raise ValidationError(
                _("%(number)s已于%(date)s由%(reversal)s冲销，不能重复冲销。")
                % {"number": original.number, "date": done.date.isoformat(), "reversal": done.number},
                code="already_reversed",
            )
        if date < original.date:
            raise ValidationError(
                _("冲销日期不能早于原分录日期（%(date)s）。") % {"date": original.date.isoformat()}, code="date_before"
            )
        reversal = counter_entry(case=case, original=original, actor=actor, reason=reason, date=date)
        audit.ledger_entry_reversed(entry=reversal, actor=actor)
    return reversal


def counter_entry(*, case: Case, original: LedgerEntry, actor, reason: str, date: datetime.date) -> LedgerEntry:
    """The counter-entry itself (the caller holds the case's lock and checked the rules): the
    same amount, kind, flat and milestone the other way, pointing at the original."""
    seq = _next_seq(case)
    reversal = LedgerEntry(
        case=case,
        seq=seq,
        number=f"{case.number}-SZ{seq:04d}",
        direction=LedgerDirection.OUT if original.direction == LedgerDirection.IN else LedgerDirection.IN,
        kind=original.kind,
        flat=original.flat,
        milestone=original.milestone,
        date=date,
        amount=original.amount,
        counterparty=original.counterparty,
        note=_("冲销%(number)s") % {"number": original.number},
        reverses=original,
        reason=reason,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    reversal.save()
    return reversal


def milestone_add(*, case: Case, actor, name: str, due_condition: str, percent=None, amount=None) -> Milestone:
    """A payment milestone of the installation contract, at the end of the case's list:
    a percentage of the budget or a fixed amount, not both."""
    name = _text(name, what=_("节点名称"), limit=MAX_MILESTONE_NAME)
    due_condition = _text(due_condition, what=_("付款条件"), limit=MAX_DUE_CONDITION)
    if (percent in (None, "")) == (amount in (None, "")):
        raise ValidationError(_("付款节点须填写比例或金额（二者选一）。"), code="percent_or_amount")
    if percent not in (None, ""):
        percent = parse_amount(percent, what=_("比例"))
        if percent > 100:
            raise ValidationError(_("比例不能超过100%。"), code="percent_range")
        amount = None
    else:
        amount = parse_amount(amount)
        percent = None
    with transaction.atomic():
        case = _lock_case(case, actor=actor)
        seq = (Milestone.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0) + 1
        milestone = Milestone.objects.create(
            case=case, seq=seq, name=name, percent=percent, amount=amount, due_condition=due_condition
        )
        audit.ledger_milestone_added(milestone=milestone, actor=actor)
    return milestone


def ledger_receipt_printed(*, entry: LedgerEntry, actor) -> None:
    """The audit record of a receipt handed out (the caller checked who may print)."""
    if entry.kind not in RECEIPT_KINDS or entry.reverses_id is not None:
        raise ValidationError(_("只有业主出资分录有收款收据。"), code="no_receipt")
    with transaction.atomic():
        audit.ledger_receipt_printed(entry=entry, actor=actor)


def ledger_statement_printed(*, case: Case, actor, month: str) -> None:
    with transaction.atomic():
        audit.ledger_statement_printed(case=case, actor=actor, month=month)
