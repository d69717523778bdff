"""Every write of withdrawals and the subsidy (issue 15 §2): an application to withdraw from the
housing provident fund (公积金) or the residential special maintenance fund (维修资金) for a
flat's share, its correction after a return, the decision on it; the subsidy's claim and
its payment into the ledger.

Each runs in one transaction that locks the case row first (docs/locking.md, row 1), then
the application it decides or corrects (row 14), checks who acts and the rules
(funding/withdrawal_rules.py, each refusal naming its rule and numbers) under that lock,
writes, and logs its named event. Two applications for one flat at the same moment meet at
the case's lock: the second reads the first and is refused (the partial unique constraint
`withdrawal_once_per_flat` is the backstop).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.extensions import use_registered_on
from cases.models import Case, Flat

from . import audit_withdrawal as audit
from .models import LedgerKind
from .models_withdrawal import (
    LIVE_STATES,
    ApplicantRelation,
    FundingRules,
    SubsidyClaim,
    Withdrawal,
    WithdrawalChannel,
    WithdrawalMove,
    WithdrawalSource,
    WithdrawalState,
)
from .permissions import can_record_ledger
from .permissions_withdrawal import can_claim_subsidy, can_decide_withdrawal, can_take_at_window
from .selectors_withdrawal import flat_caps, flats_over_cap, is_representative, my_flats, rules_for
from .services_ledger import FORMULA_STARTS, _text, ledger_entry_record, parse_amount
from .withdrawal_rules import (
    MoveNotAllowed,
    cap_problem,
    keep_problem,
    move_for,
    relation_problem,
    window_problem,
)

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12
MAX_NOTE = 500
NUMBER_PREFIX = {WithdrawalSource.PROVIDENT_FUND: "GJJ", WithdrawalSource.MAINTENANCE_FUND: "WXZJ"}
SOURCE_WHAT = {
    WithdrawalSource.PROVIDENT_FUND: gettext_lazy("提取住房公积金"),
    WithdrawalSource.MAINTENANCE_FUND: gettext_lazy("使用住宅专项维修资金"),
}


def _lock_case(case: Case) -> Case:
    # The case's row first (docs/locking.md), then read it with its office and unit.
    Case.objects.select_for_update(no_key=True).only("pk").get(pk=case.pk)
    return Case.objects.select_related("jurisdiction", "unit__building").get(pk=case.pk)


def _name(value, *, what: str) -> str:
    text = _text(value, what=what, limit=64)
    if text.startswith(FORMULA_STARTS):
        raise ValidationError(_("%(what)s不能以 = + - @ 开头。") % {"what": what}, code="formula")
    return text


def _bank(value) -> str:
    return _name(value, what=_("收款银行"))


def _account(value) -> str:
    text = _text(value, what=_("收款账号"), limit=40).replace(" ", "").replace("-", "")
    if not (text.isascii() and text.isdigit() and 8 <= len(text) <= 30):
        raise ValidationError(_("收款账号应为8至30位数字。"), code="account")
    return text


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Withdrawal.objects.filter(verify_code=code).exists():
            return code


def _next_number(case: Case, source: str) -> str:
    n = Withdrawal.objects.filter(case=case, source=source).count() + 1
    return f"{case.number}-{NUMBER_PREFIX[WithdrawalSource(source)]}{n:03d}"


def _window(case: Case, *, source: str, rules) -> None:
    years = (
        rules.provident_window_years if source == WithdrawalSource.PROVIDENT_FUND else rules.maintenance_window_years
    )
    problem = window_problem(
        registered_on=use_registered_on(case),
        today=timezone.localdate(),
        years=years,
        what=SOURCE_WHAT[WithdrawalSource(source)],
    )
    if problem:
        raise ValidationError(problem, code="window")


def _once(case: Case, flat: Flat, source: str, *, exclude_pk: int | None = None) -> None:
    earlier = Withdrawal.objects.filter(flat=flat, source=source, state__in=LIVE_STATES)
    if exclude_pk is not None:
        earlier = earlier.exclude(pk=exclude_pk)
    earlier = earlier.first()
    if earlier is not None:
        raise ValidationError(
            _("每户只能%(what)s一次：%(room)s室已有申请%(number)s（%(state)s）。")
            % {
                "what": SOURCE_WHAT[WithdrawalSource(source)],
                "room": flat.room,
                "number": earlier.number,
                "state": earlier.get_state_display(),
            },
            code="once_per_flat",
        )


def _cap(case: Case, flat: Flat, amount: Decimal, *, rules, exclude_pk: int | None = None) -> None:
    cap = flat_caps(case=case, rules=rules, exclude_pk=exclude_pk).get(flat.pk)
    if cap is None:
        raise ValidationError(_("房号%(room)s不属于本案的单元。") % {"room": flat.room}, code="flat_unit")
    problem = cap_problem(cap=cap, amount=amount, room=flat.room)
    if problem:
        raise ValidationError(problem, code="cap")


def _create(*, case: Case, actor, source: str, **values) -> Withdrawal:
    """A new application, submitted (the table's first move), numbered under the case's lock."""
    withdrawal = Withdrawal.objects.create(
        case=case,
        source=source,
        number=_next_number(case, source),
        state=move_for("submit", None).target,
        verify_code=_new_code(),
        submitted_by=actor,
        submitted_at=timezone.now(),
        **values,
    )
    _record_move(withdrawal, move="submit", from_state="", actor=actor)
    audit.withdrawal_applied(withdrawal=withdrawal, actor=actor)
    return withdrawal


def _record_move(withdrawal: Withdrawal, *, move: str, from_state: str, actor, note: str = "") -> None:
    WithdrawalMove.objects.create(
        withdrawal=withdrawal,
        move=move,
        from_state=from_state,
        to_state=withdrawal.state,
        actor=actor if getattr(actor, "pk", None) else None,
        at=timezone.now(),
        note=note,
    )


def _actor_for_online(actor, case: Case, flat: Flat) -> None:
    if flat.pk not in {f.pk for f in my_flats(user=actor, case=case)}:
        raise PermissionDenied(_("只能为本人名下的房屋申请。"))


def provident_withdrawal_apply(
    *,
    case: Case,
    actor,
    flat: Flat,
    applicant_name: str,
    relation: str,
    amount,
    payee_bank: str,
    payee_account: str,
) -> Withdrawal:
    """An application to withdraw provident fund for a flat's share: online by an owner of
    the flat (for themself, their spouse or child), or taken at the window by the office."""
    amount = parse_amount(amount, what=_("申请金额"))
    applicant_name = _name(applicant_name, what=_("申请人姓名"))
    payee_bank, payee_account = _bank(payee_bank), _account(payee_account)
    if relation not in ApplicantRelation.values:
        raise ValidationError(_("请选择申请人与产权人的关系。"), code="relation")
    source = WithdrawalSource.PROVIDENT_FUND
    with transaction.atomic():
        case = _lock_case(case)
        channel = WithdrawalChannel.WINDOW if actor.is_staff else WithdrawalChannel.ONLINE
        if actor.is_staff:
            if not can_take_at_window(actor, case, source):
                raise PermissionDenied(_("公积金提取申请由受理本案的公积金审查员或区住建经办人在窗口受理。"))
        else:
            _actor_for_online(actor, case, flat)
        if flat.unit_id != case.unit_id:
            raise ValidationError(_("房号%(room)s不属于本案的单元。") % {"room": flat.room}, code="flat_unit")
        rules = rules_for(case.jurisdiction)
        problem = relation_problem(
            relation=relation, allowed=rules.provident_relations, labels=dict(ApplicantRelation.choices)
        )
        if problem:
            raise ValidationError(problem, code="relation")
        _window(case, source=source, rules=rules)
        _once(case, flat, source)
        _cap(case, flat, amount, rules=rules)
        withdrawal = _create(
            case=case,
            actor=actor,
            flat=flat,
            source=source,
            channel=channel,
            applicant_name=applicant_name,
            relation=relation,
            amount=amount,
            payee_bank=payee_bank,
            payee_account=payee_account,
        )
    return withdrawal


@dataclass(frozen=True)
class MaintenanceRow:
    """One flat that agrees: the amount asked for and the balance its fund statement shows."""

    flat: Flat
    amount: object
    fund_balance: object


def maintenance_withdrawal_apply(
    *, case: Case, actor, rows: Sequence[MaintenanceRow], payee_bank: str, payee_account: str
) -> list[Withdrawal]:
    """The owner representative's application for the flats that agree, one application per
    flat (each decided on its own), made together: all or none. The office may take it at
    the window."""
    if not rows:
        raise ValidationError(_("请至少选择一户同意使用维修资金的房屋。"), code="no_flats")
    if len({r.flat.pk for r in rows}) != len(rows):
        raise ValidationError(_("同一户不能重复填写。"), code="duplicate_flat")
    parsed = [
        (
            r.flat,
            parse_amount(r.amount, what=_("%(room)s室申请金额") % {"room": r.flat.room}),
            parse_amount(r.fund_balance, what=_("%(room)s室维修资金余额") % {"room": r.flat.room}),
        )
        for r in rows
    ]
    payee_bank, payee_account = _bank(payee_bank), _account(payee_account)
    source = WithdrawalSource.MAINTENANCE_FUND
    with transaction.atomic():
        case = _lock_case(case)
        if actor.is_staff:
            channel = WithdrawalChannel.WINDOW
            if not can_take_at_window(actor, case, source):
                raise PermissionDenied(_("维修资金使用申请由受理本案的区住建经办人受理。"))
            applicant = actor.get_full_name() or actor.username
        else:
            channel = WithdrawalChannel.ONLINE
            if not is_representative(user=actor, case=case):
                raise PermissionDenied(_("维修资金使用申请由本案的业主代表提出。"))
            applicant = actor.get_full_name() or actor.username
        rules = rules_for(case.jurisdiction)
        _window(case, source=source, rules=rules)
        made = []
        group = f"{case.number}-{timezone.now():%Y%m%d%H%M%S}"
        for flat, amount, balance in parsed:
            if flat.unit_id != case.unit_id:
                raise ValidationError(_("房号%(room)s不属于本案的单元。") % {"room": flat.room}, code="flat_unit")
            _once(case, flat, source)
            problem = keep_problem(
                balance=balance, amount=amount, keep_percent=rules.maintenance_keep_percent, room=flat.room
            )
            if problem:
                raise ValidationError(problem, code="keep")
            _cap(case, flat, amount, rules=rules)
            made.append(
                _create(
                    case=case,
                    actor=actor,
                    flat=flat,
                    source=source,
                    channel=channel,
                    applicant_name=_name(applicant, what=_("申请人姓名")),
                    relation=ApplicantRelation.OWNER,
                    amount=amount,
                    fund_balance=balance,
                    payee_bank=payee_bank,
                    payee_account=payee_account,
                    group=group,
                )
            )
    return made


def _lock_withdrawal(withdrawal: Withdrawal) -> tuple[Case, Withdrawal]:
    case = _lock_case(withdrawal.case)
    locked = (
        Withdrawal.objects.select_for_update(of=("self",), no_key=True).select_related("flat").get(pk=withdrawal.pk)
    )
    locked.case = case
    return case, locked


def withdrawal_resubmit(
    *, withdrawal: Withdrawal, actor, amount, payee_bank: str, payee_account: str, fund_balance=None
) -> Withdrawal:
    """A returned application corrected and handed in again (by whoever may make it), checked
    against the rules anew (the window may have passed; others may have applied since)."""
    amount = parse_amount(amount, what=_("申请金额"))
    payee_bank, payee_account = _bank(payee_bank), _account(payee_account)
    with transaction.atomic():
        case, w = _lock_withdrawal(withdrawal)
        try:
            move = move_for("submit", w.state)
        except MoveNotAllowed as exc:
            raise ValidationError(str(exc), code="state") from exc
        if actor.is_staff:
            if not can_take_at_window(actor, case, w.source):
                raise PermissionDenied(_("只有受理窗口可以代为补正提交。"))
        elif w.source == WithdrawalSource.PROVIDENT_FUND:
            _actor_for_online(actor, case, w.flat)
        elif not is_representative(user=actor, case=case):
            raise PermissionDenied(_("维修资金使用申请由本案的业主代表提出。"))
        rules = rules_for(case.jurisdiction)
        _window(case, source=w.source, rules=rules)
        if w.source == WithdrawalSource.MAINTENANCE_FUND:
            balance = parse_amount(
                fund_balance if fund_balance not in (None, "") else w.fund_balance, what=_("维修资金余额")
            )
            problem = keep_problem(
                balance=balance, amount=amount, keep_percent=rules.maintenance_keep_percent, room=w.flat.room
            )
            if problem:
                raise ValidationError(problem, code="keep")
            w.fund_balance = balance
        _cap(case, w.flat, amount, rules=rules, exclude_pk=w.pk)
        w.amount, w.payee_bank, w.payee_account = amount, payee_bank, payee_account
        before = w.state
        w.state = move.target
        w.submitted_at = timezone.now()
        w.save(update_fields=["amount", "payee_bank", "payee_account", "fund_balance", "state", "submitted_at"])
        _record_move(w, move=move.name, from_state=before, actor=actor)
        audit.withdrawal_resubmitted(withdrawal=w, actor=actor)
    return w


def withdrawal_decide(*, withdrawal: Withdrawal, actor, decision: str, note: str = "") -> Withdrawal:
    """The decision on a submitted application: 审查通过 / 退回补正 / 不予通过 (the steps'
    words), by the fund reviewer (公积金) or the district officer (维修资金) of the case's
    office. A return and a rejection give their reason. An approval checks the cap again:
    the subsidy may have been claimed since the application."""
    if decision not in ("approve", "return", "reject"):
        raise ValidationError(_("未知操作：%(name)s") % {"name": str(decision)[:20]}, code="decision")
    note = _text(note, what=_("审核意见"), limit=MAX_NOTE, required=False)
    with transaction.atomic():
        case, w = _lock_withdrawal(withdrawal)
        if not can_decide_withdrawal(actor, case, w.source):
            who = _("公积金审查员") if w.source == WithdrawalSource.PROVIDENT_FUND else _("区住建经办人")
            raise PermissionDenied(_("这份申请由受理本案的%(who)s审核。") % {"who": who})
        try:
            move = move_for(decision, w.state)
        except MoveNotAllowed as exc:
            raise ValidationError(str(exc), code="state") from exc
        if move.needs_reason and not note:
            raise ValidationError(_("“%(action)s”须写明理由。") % {"action": move.label}, code="reason_required")
        if move.target == WithdrawalState.APPROVED:
            _cap(case, w.flat, w.amount, rules=rules_for(case.jurisdiction), exclude_pk=w.pk)
        before = w.state
        w.state = move.target
        w.decided_by = actor
        w.decided_at = timezone.now()
        w.decision_note = note
        w.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        _record_move(w, move=move.name, from_state=before, actor=actor, note=note)
        audit.withdrawal_decided(withdrawal=w, actor=actor, decision=decision)
    return w


def withdrawal_paid(*, withdrawal: Withdrawal, actor, date: datetime.date, voucher=None) -> Withdrawal:
    """An approved withdrawal's money has come into the unit's account: it is entered in the
    ledger for the flat (公积金提取转入 / 维修资金转入, so it counts to the flat's paid), once,
    by the office that keeps the ledger."""
    with transaction.atomic():
        case, w = _lock_withdrawal(withdrawal)
        if not can_record_ledger(actor, case):
            raise PermissionDenied(_("只有受理本案的区住建部门可以登记收支台账。"))
        if w.state != WithdrawalState.APPROVED:
            raise ValidationError(
                _("只有已核准的申请可以登记到账，当前状态为“%(state)s”。") % {"state": w.get_state_display()},
                code="state",
            )
        if w.ledger_entry_id is not None:
            raise ValidationError(_("%(number)s已登记到账，不能重复登记。") % {"number": w.number}, code="already_paid")
        provident = w.source == WithdrawalSource.PROVIDENT_FUND
        entry = ledger_entry_record(
            case=case,
            actor=actor,
            kind=LedgerKind.PROVIDENT_FUND if provident else LedgerKind.MAINTENANCE_FUND,
            date=date,
            amount=w.amount,
            counterparty=_("住房公积金管理中心") if provident else _("住宅专项维修资金管理机构"),
            note=_("%(number)s到账") % {"number": w.number},
            flat=w.flat,
            voucher=voucher,
        )
        w.ledger_entry = entry
        w.save(update_fields=["ledger_entry"])
        audit.withdrawal_paid(withdrawal=w, actor=actor)
    return w


def withdrawal_packet_printed(*, withdrawal: Withdrawal, actor) -> None:
    with transaction.atomic():
        audit.withdrawal_packet_printed(withdrawal=withdrawal, actor=actor)


# --- the subsidy ------------------------------------------------------------------------------


def subsidy_claim(*, case: Case, actor, certificate: str) -> SubsidyClaim:
    """Claim the district's subsidy for the elevator: after its use registration, with the
    use certificate's number, for the amount the office grants per elevator. Once per case."""
    certificate = _name(certificate, what=_("使用登记证编号"))
    if len(certificate) > 40:
        raise ValidationError(_("使用登记证编号不能超过40字。"), code="too_long")
    with transaction.atomic():
        case = _lock_case(case)
        if not can_claim_subsidy(actor, case):
            raise PermissionDenied(_("增设电梯补贴由受理本案的区住建部门申请。"))
        if use_registered_on(case) is None:
            raise ValidationError(_("电梯尚未办理使用登记，补贴须在使用登记后凭使用登记证申请。"), code="window")
        earlier = SubsidyClaim.objects.filter(case=case).first()
        if earlier is not None:
            raise ValidationError(
                _("本案已于%(date)s申请补贴%(amount)s元，不能重复申请。")
                % {"date": timezone.localtime(earlier.claimed_at).date().isoformat(), "amount": earlier.amount},
                code="once",
            )
        rules = rules_for(case.jurisdiction)
        if not rules.subsidy_per_elevator:
            raise ValidationError(
                _("%(office)s未设定增设电梯补贴（每台电梯补贴金额为空），无补贴可申请。")
                % {"office": case.jurisdiction.name},
                code="no_subsidy",
            )
        # The withdrawals already made count against the shares: the subsidy may not push a
        # flat over its cap (the office's amount may have grown since they were approved).
        over = flats_over_cap(case=case, rules=rules, subsidy=rules.subsidy_per_elevator)
        if over:
            raise ValidationError(
                _(
                    "申请补贴%(amount)s元后，以下房屋已核准的公积金与维修资金合计将超过上限（分摊额减去补贴）：%(rooms)s。"
                    "请先与这些业主核对已提取的金额，再申请补贴。"
                )
                % {
                    "amount": rules.subsidy_per_elevator,
                    "rooms": "；".join(
                        _("%(room)s室已核准%(taken)s元，上限%(limit)s元")
                        % {"room": flat.room, "taken": cap.provident + cap.maintenance, "limit": cap.limit}
                        for flat, cap in over
                    ),
                },
                code="cap",
            )
        claim = SubsidyClaim(
            case=case,
            amount=rules.subsidy_per_elevator,
            certificate=certificate,
            claimed_by=actor,
            claimed_at=timezone.now(),
        )
        claim.save()
        audit.subsidy_claimed(claim=claim, actor=actor)
    return claim


def subsidy_paid(*, claim: SubsidyClaim, actor, date: datetime.date, voucher=None) -> SubsidyClaim:
    """The subsidy has arrived: it is entered in the ledger (money in, 政府补贴) and the claim
    points at its entry. Once."""
    with transaction.atomic():
        case = _lock_case(claim.case)
        locked = SubsidyClaim.objects.select_for_update(of=("self",), no_key=True).get(pk=claim.pk)
        if locked.ledger_entry_id is not None:
            raise ValidationError(_("补贴已入账，不能重复登记。"), code="already_paid")
        entry = ledger_entry_record(
            case=case,
            actor=actor,
            kind=LedgerKind.SUBSIDY,
            date=date,
            amount=locked.amount,
            counterparty=case.jurisdiction.housing_office or case.jurisdiction.name,
            note=_("增设电梯补贴（使用登记证%(certificate)s）") % {"certificate": locked.certificate},
            voucher=voucher,
        )
        locked.ledger_entry = entry
        locked.save(update_fields=["ledger_entry"])
        locked.case = case
        audit.subsidy_paid(claim=locked, actor=actor)
    return locked


def funding_rules_save(*, rules: FundingRules, actor, changed: Sequence[str]) -> FundingRules:
    """The admin's save of an office's rules (superusers), logged."""
    with transaction.atomic():
        rules.save()
        audit.funding_rules_saved(rules=rules, actor=actor, changed={k: getattr(rules, k) for k in changed})
    return rules
