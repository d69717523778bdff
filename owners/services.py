"""Every write of the owners' side: issuing activation letters, activating and disabling
an account, an owner's online ballot with its receipt, and signatures of the agreement.

Lock order (docs/locking.md, rows 8–10): the case row first where a case is involved, then
the person's activation codes, then the owner's user row, then the account. Activation locks
its code row so two activations with one code cannot both succeed; the owner's ballot takes
the vote's locks (voting.services) and then writes its receipt.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import validators
from cases.files import FilesWritten, inspect_upload
from cases.models import Case, CaseStatus, Owner, Ownership
from cases.permissions import can_run_vote
from voting.models import Ballot, BallotChannel, Vote
from voting.services import ballot_cast_online

from . import audit, codes
from .letters import render_letters
from .models import (
    ActivationCode,
    ActivationFailure,
    AgreementSignature,
    BallotReceipt,
    CodeVoided,
    OwnerAccount,
    SignatureChannel,
)
from .selectors import accounts_by_person, owners_of_unit, rooms_by_owner


def code_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.OWNER_ACTIVATION_CODE_DAYS)


def can_manage_owner_accounts(user, case: Case) -> bool:
    """The receiving office, which keeps the unit's roster and runs its vote."""
    return user is None or can_run_vote(user, case)


# --- activation letters --------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLetter:
    """One letter's content: the plaintext code exists only here and on the paper."""

    owner: Owner
    rooms: tuple[str, ...]
    code: str  # grouped, as printed: ACDE-FGHJ-KMNP
    expires_at: datetime.datetime

    @property
    def rooms_label(self) -> str:
        return "、".join(self.rooms)


def _in_use(account: OwnerAccount | None) -> bool:
    return account is not None and not account.is_disabled


def _has_active_account(owner: Owner) -> bool:
    return _in_use(accounts_by_person(person_ids=[owner.person_id]).get(owner.person_id))


def activation_codes_issue(*, case: Case, actor, owners: list[Owner] | None = None) -> list[IssuedLetter]:
    """Letters for the unit's owners without an active account (or for the given owners of
    the unit). Issuing again voids the person's earlier unused code. `actor=None` is the
    office's administrator on the server (`issue_activation_codes`)."""
    if not can_manage_owner_accounts(actor, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以签发业主激活函。"))
    unit_owners = owners_of_unit(unit=case.unit)
    if owners is not None:
        wanted = {o.pk for o in owners}
        if not wanted <= {o.pk for o in unit_owners}:
            raise ValidationError(_("所选业主不是本梯号房屋的登记业主。"), code="not_in_unit")
        unit_owners = [o for o in unit_owners if o.pk in wanted]
    rooms = rooms_by_owner(unit=case.unit)
    now = timezone.now()
    with transaction.atomic():
        Case.objects.select_for_update(no_key=True).filter(pk=case.pk).get()
        # The unit's accounts read once, the earlier codes voided in one statement and the
        # new ones written in one: a 2,000-flat unit is three statements, not 4,000.
        accounts = accounts_by_person(person_ids=[o.person_id for o in unit_owners])
        needing = [o for o in unit_owners if not _in_use(accounts.get(o.person_id))]
        ActivationCode.objects.filter(
            person_id__in=[o.person_id for o in needing], used_at__isnull=True, voided_at__isnull=True
        ).update(voided_at=now, voided_because=CodeVoided.REISSUED)
        issued_by = actor if getattr(actor, "pk", None) else None
        plain = {owner.pk: codes.new_code() for owner in needing}
        ActivationCode.objects.bulk_create(
            ActivationCode(
                person_id=owner.person_id,
                owner=owner,
                case=case,
                digest=codes.digest(plain[owner.pk]),
                issued_at=now,
                issued_by=issued_by,
                expires_at=now + code_lifetime(),
            )
            for owner in needing
        )
        # One letter per office record: an office has one record per ID number.
        letters = [
            IssuedLetter(
                owner=owner,
                rooms=tuple(rooms.get(owner.pk, ())),
                code=codes.grouped(plain[owner.pk]),
                expires_at=now + code_lifetime(),
            )
            for owner in needing
        ]
        if letters:
            audit.activation_codes_issued(
                case=case, actor=actor, count=len(letters), owners=[letter.owner.name for letter in letters]
            )
    return letters


# --- activation ----------------------------------------------------------------------------


class ActivationRefused(ValidationError):
    """Why the activation page says no, in the owner's words (code: which rule)."""


def _address_blocked(ip_address: str | None, now) -> bool:
    if not ip_address:
        return False
    since = now - datetime.timedelta(minutes=settings.OWNER_ACTIVATION_WINDOW_MINUTES)
    failures = ActivationFailure.objects.filter(ip_address=ip_address, at__gte=since).count()
    return failures >= settings.OWNER_ACTIVATION_FAILURES_PER_ADDRESS


def _record_failure(*, ip_address, code_digest: str, code: ActivationCode | None, reason: str, now) -> None:
    """Kept whatever the request's outcome: called outside the activation's transaction."""
    with transaction.atomic():
        # Rows older than the window are never read again: each failure sweeps them.
        window = datetime.timedelta(minutes=settings.OWNER_ACTIVATION_WINDOW_MINUTES)
        ActivationFailure.objects.filter(at__lt=now - window).delete()
        ActivationFailure.objects.create(at=now, ip_address=ip_address, digest=code_digest)
        if code is not None:
            code = ActivationCode.objects.select_for_update().get(pk=code.pk)
            code.failed_attempts += 1
            fields = ["failed_attempts"]
            if code.failed_attempts >= settings.OWNER_ACTIVATION_ATTEMPTS_PER_CODE and code.voided_at is None:
                code.voided_at, code.voided_because = now, CodeVoided.TOO_MANY_ATTEMPTS
                fields += ["voided_at", "voided_because"]
            code.save(update_fields=fields)
            audit.activation_failed(code=code, reason=reason, ip_address=ip_address)


USED = gettext_lazy("该激活码已经使用过。如需重新激活，请联系区住建部门补发激活函。")
VOIDED = gettext_lazy("该激活码已作废（%(why)s），请使用最新的激活函或联系区住建部门补发。")
MOBILE_TAKEN = gettext_lazy("该手机号码已用于另一个业主账户，请换一个号码，或联系区住建部门。")


def _refuse(message, code: str) -> ActivationRefused:
    return ActivationRefused(message, code=code)


def _id_tail_matches(person_id_number: str, typed: str) -> bool:
    tail = validators.normalize_id(typed or "")
    return len(tail) == 6 and validators.normalize_id(person_id_number)[-6:] == tail


def account_activate(
    *, code: str, id_tail: str, mobile: str, password: str, ip_address: str | None = None
) -> OwnerAccount:
    """An owner activates from their letter: the code, the last six characters of their ID
    number (not on the letter), then the mobile number and password they will sign in
    with. Activating again after staff disabled the account (lost phone, flat sold) keeps
    the account and sets the new number and password."""
    now = timezone.now()
    if _address_blocked(ip_address, now):
        raise _refuse(
            _("尝试次数过多，请%(minutes)s分钟后再试，或携带身份证到社区或区住建部门办理。")
            % {"minutes": settings.OWNER_ACTIVATION_WINDOW_MINUTES},
            "address_throttled",
        )
    typed_digest = codes.digest(code)
    found = ActivationCode.objects.select_related("owner", "case").filter(digest=typed_digest).first()
    problem: tuple[str, str] | None = None
    if found is None:
        problem = (_("激活码不正确，请核对激活函上的激活码。"), "unknown_code")
    elif found.used_at is not None:
        problem = (USED, "used_code")
    elif found.voided_at is not None:
        problem = (
            _("该激活码已作废（%(why)s），请使用最新的激活函或联系区住建部门补发。")
            % {"why": found.get_voided_because_display()},
            "voided_code",
        )
    elif now >= found.expires_at:
        problem = (_("该激活码已过期，请联系区住建部门补发激活函。"), "expired_code")
    elif not _id_tail_matches(found.owner.id_number, id_tail):
        problem = (_("身份证号后六位与登记信息不符。"), "wrong_id_tail")
    if problem is not None:
        counted = found if problem[1] == "wrong_id_tail" else None
        _record_failure(ip_address=ip_address, code_digest=typed_digest, code=counted, reason=problem[0], now=now)
        raise _refuse(*problem)

    mobile = (mobile or "").strip()
    validators.validate_mobile(mobile)
    User = get_user_model()
    with transaction.atomic():
        # The letter alone (of="self"): joined rows would lock the case too, against the
        # order of docs/locking.md, and deadlock with a disabling that holds the case.
        found = ActivationCode.objects.select_for_update(of=("self",)).select_related("owner", "case").get(pk=found.pk)
        if found.voided_at is not None:  # voided meanwhile (a new letter, the account disabled)
            why = found.get_voided_because_display()
            raise _refuse(VOIDED % {"why": why}, "voided_code")
        if found.used_at is not None:  # taken by a concurrent activation meanwhile
            raise _refuse(USED, "used_code")
        user = User.objects.select_for_update(no_key=True).filter(person_id=found.person_id).first()
        if user is None:
            user = User(username=f"owner-{found.person_id}", person_id=found.person_id, is_staff=False)
        if OwnerAccount.objects.filter(mobile=mobile).exclude(user_id=user.pk).exists():
            raise _refuse(MOBILE_TAKEN, "mobile_taken")
        validate_password(password, user)
        user.full_name = found.owner.name
        user.is_active = True
        user.set_password(password)
        user.save()
        account = OwnerAccount.objects.filter(user=user).first() or OwnerAccount(user=user)
        account.mobile, account.activated_at = mobile, now
        account.disabled_at, account.disabled_by, account.disabled_reason = None, None, ""
        try:
            with transaction.atomic():
                account.save()
        except IntegrityError as exc:  # the same number taken by a concurrent activation
            raise _refuse(
                _("该手机号码已用于另一个业主账户，请换一个号码，或联系区住建部门。"), "mobile_taken"
            ) from exc
        found.used_at = now
        found.save(update_fields=["used_at"])
        audit.account_activated(account=account, code=found)
    return account


def account_signed_in(*, account: OwnerAccount, ip_address: str | None) -> None:
    with transaction.atomic():
        audit.signed_in(account=account, ip_address=ip_address)


def account_signed_out(*, account: OwnerAccount) -> None:
    with transaction.atomic():
        audit.signed_out(account=account)


def account_disable(*, account: OwnerAccount, case: Case, actor, reason: str) -> OwnerAccount:
    """Staff of an office where the person owns a flat stop the account (lost phone, flat
    sold); a new letter (`activation_codes_issue`) lets the owner activate again."""
    if not can_manage_owner_accounts(actor, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以停用业主账户。"))
    if not Owner.objects.filter(person_id=account.user.person_id, ownerships__flat__unit_id=case.unit_id).exists():
        raise ValidationError(_("该账户不是本梯号的业主。"), code="not_in_unit")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写停用原因（如：手机丢失、房屋已出售）。"), code="reason_required")
    with transaction.atomic():
        Case.objects.select_for_update(no_key=True).filter(pk=case.pk).get()
        ActivationCode.objects.select_for_update().filter(
            person_id=account.user.person_id, used_at__isnull=True, voided_at__isnull=True
        ).update(voided_at=timezone.now(), voided_because=CodeVoided.ACCOUNT_DISABLED)
        # The user row before the account, as activation takes them (docs/locking.md).
        user = get_user_model().objects.select_for_update(no_key=True).get(pk=account.pk)
        account = OwnerAccount.objects.select_for_update(no_key=True).get(pk=account.pk)
        account.disabled_at, account.disabled_by, account.disabled_reason = timezone.now(), actor, reason[:200]
        account.save(update_fields=["disabled_at", "disabled_by", "disabled_reason"])
        user.is_active = False
        user.save(update_fields=["is_active"])
        account.user = user
        audit.account_disabled(account=account, actor=actor, reason=reason)
    return account


# --- the owner's online ballot --------------------------------------------------------------


def _unused_receipt_code() -> str:
    while True:
        code = codes.new_code(codes.RECEIPT_LENGTH)
        if not BallotReceipt.objects.filter(code=code).exists():
            return code


def owner_ballot_cast(
    *, account: OwnerAccount, vote: Vote, owner: Owner, choice, voter_key: str | None = None
) -> BallotReceipt:
    """The owner's online ballot (voting.services.ballot_cast_online: the same rules and the
    same correction history as staff use) and its receipt, in one transaction. Giving the
    same choice again returns the receipt already given."""
    with transaction.atomic():
        ballot: Ballot = ballot_cast_online(
            vote=vote, owner=owner, choice=choice, actor=account.user, voter_key=voter_key
        )
        if ballot.channel != BallotChannel.ONLINE:
            # The same choice as the voter's paper ballot: nothing was recorded, and an
            # online receipt must not be made out for a paper ballot.
            raise ValidationError(
                _("您家的表决意见已由纸质选票登记为“%(choice)s”，无需再次提交。")
                % {"choice": ballot.get_choice_display()},
                code="same_as_paper",
            )
        receipt = BallotReceipt.objects.filter(ballot=ballot).first()
        if receipt is None:
            receipt = BallotReceipt.objects.create(
                ballot=ballot, code=_unused_receipt_code(), account=account, issued_at=ballot.entered_at
            )
            audit.ballot_receipt_issued(receipt=receipt)
    return receipt


# --- the owners' agreement -----------------------------------------------------------------


def agreement_confirm_online(*, account: OwnerAccount, case: Case, owner: Owner, document) -> AgreementSignature:
    """确认签署: the owner confirms online the agreement version they were shown."""
    if owner.person_id != account.user.person_id:
        raise PermissionDenied(_("只能以本人身份确认签署。"))
    if account.is_disabled or not Ownership.objects.filter(owner=owner, flat__unit_id=case.unit_id).exists():
        raise PermissionDenied(_("您不是本梯号房屋的登记业主，不能签署本案的协议。"))
    if document is None:
        raise ValidationError(_("协议书尚未出具，暂不能确认签署。"), code="no_agreement")
    if document.case_id != case.pk or document.template != "agreement":
        raise ValidationError(_("所确认的文件不是本案的增设电梯协议书。"), code="not_the_agreement")
    with transaction.atomic():
        case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
        if case.status != CaseStatus.OPEN:
            raise ValidationError(_("案件已不在办理中，不能再确认签署。"), code="case_closed")
        existing = AgreementSignature.objects.filter(case=case, owner=owner).first()
        if existing is not None:
            return existing
        signature = AgreementSignature.objects.create(
            case=case, owner=owner, channel=SignatureChannel.ONLINE, account=account, document=document
        )
        audit.agreement_signed(signature=signature, actor=account.user)
    return signature


# --- staff ---------------------------------------------------------------------------------
# What the receiving office does from the case page's panel (owners/staff.py) and from the
# server (issue_activation_codes): letters printed at once, a letter again for one owner,
# and the agreement's paper signatures.


@dataclass(frozen=True)
class PrintedLetters:
    """Issued codes and the PDF that carries them: the PDF is handed out, never kept."""

    letters: list[IssuedLetter]
    pdf: bytes


def _refuse_unless_open(case: Case) -> None:
    # A letter invites the owner to take part in this case online (its vote, its
    # agreement): once the case has ended there is nothing left to take part in, and a
    # code printed then would only be one more secret on paper.
    if case.status != CaseStatus.OPEN:
        raise ValidationError(
            _("案件%(number)s%(status)s，不再签发业主激活函。")
            % {"number": case.number, "status": case.get_status_display()},
            code="case_not_open",
        )


def activation_letters_print(*, case: Case, actor, owners: list[Owner] | None = None) -> PrintedLetters:
    """`activation_codes_issue` and the letters' PDF in one transaction: when the PDF cannot
    be made, no code was issued (a code without its letter is a code nobody can use, and
    it would have voided the owner's earlier letter). Refused for a case no longer open."""
    if not can_manage_owner_accounts(actor, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以签发业主激活函。"))
    _refuse_unless_open(case)
    with transaction.atomic():
        letters = activation_codes_issue(case=case, actor=actor, owners=owners)
        pdf = render_letters(case=case, letters=letters) if letters else b""
    return PrintedLetters(letters=letters, pdf=pdf)


def activation_letter_reissue(*, case: Case, owner: Owner, actor) -> PrintedLetters:
    """补发: a new letter for one owner of the unit (lost letter, code expired or used up by
    wrong tries); voids their earlier code. Refused while their account is active: staff
    disable it first (`account_disable`), so a letter never takes over a working account."""
    if not can_manage_owner_accounts(actor, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以签发业主激活函。"))
    if not Owner.objects.filter(pk=owner.pk, ownerships__flat__unit_id=case.unit_id).exists():
        raise ValidationError(_("所选业主不是本梯号房屋的登记业主。"), code="not_in_unit")
    if _has_active_account(owner):
        raise ValidationError(
            _("%(name)s的业主账户正在使用，不能补发激活函：如手机丢失或房屋已出售，请先停用账户。")
            % {"name": owner.name},
            code="account_active",
        )
    return activation_letters_print(case=case, actor=actor, owners=[owner])


PROXY_NAME_MAX, PROXY_RELATION_MAX = 50, 20


def agreement_record_paper(
    *,
    case: Case,
    owner: Owner,
    actor,
    signed_on: datetime.date,
    proxy_name: str = "",
    proxy_relation: str = "",
    proxy_letter=None,
) -> AgreementSignature:
    """An owner signed the agreement on paper at the office or the community; staff record
    it, with the proxy (代签人), their relation to the owner and the scanned power of
    attorney (委托书, PDF/JPEG/PNG checked by content) when someone signed for the owner.
    One signature per owner and case: a second, online or on paper, is refused."""
    if actor is None or not can_manage_owner_accounts(actor, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以登记纸质签署。"))
    if not Owner.objects.filter(pk=owner.pk, ownerships__flat__unit_id=case.unit_id).exists():
        raise ValidationError(_("所选业主不是本梯号房屋的登记业主。"), code="not_in_unit")
    if signed_on is None:
        raise ValidationError(_("请填写签署日期。"), code="date_required")
    validators.validate_past_moment(signed_on, what=_("签署日期"))
    proxy_name, proxy_relation = (proxy_name or "").strip(), (proxy_relation or "").strip()
    if len(proxy_name) > PROXY_NAME_MAX or len(proxy_relation) > PROXY_RELATION_MAX:
        raise ValidationError(
            _("代签人姓名最多%(name)s个字，与业主关系最多%(relation)s个字。")
            % {"name": PROXY_NAME_MAX, "relation": PROXY_RELATION_MAX},
            code="too_long",
        )
    if not proxy_name and (proxy_relation or proxy_letter is not None):
        raise ValidationError(_("填写了与业主关系或上传了委托书，但没有填写代签人姓名。"), code="proxy_name_required")
    facts = None
    if proxy_name:
        if not proxy_relation:
            raise ValidationError(_("请填写代签人与业主的关系（如：子女、配偶）。"), code="relation_required")
        facts = inspect_upload(proxy_letter, what=_("委托书"))
    moment = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(12, 0)))
    with FilesWritten() as written, transaction.atomic():
        Case.objects.select_for_update(no_key=True).filter(pk=case.pk).get()
        existing = AgreementSignature.objects.filter(case=case, owner=owner).first()
        if existing is not None:
            raise ValidationError(
                _("%(name)s已于%(when)s%(how)s，不能重复登记。")
                % {
                    "name": owner.name,
                    "when": timezone.localtime(existing.signed_at).strftime("%Y-%m-%d"),
                    "how": existing.get_channel_display(),
                },
                code="already_signed",
            )
        signature = AgreementSignature(
            case=case,
            owner=owner,
            channel=SignatureChannel.PAPER,
            signed_at=moment,
            recorded_by=actor,
            proxy_name=proxy_name,
            proxy_relation=proxy_relation,
            proxy_letter_type=facts.content_type if facts else "",
        )
        if facts is not None:
            signature.proxy_letter.save(facts.name, proxy_letter, save=False)
            written.add(signature.proxy_letter)
        signature.save()
        audit.agreement_signed(signature=signature, actor=actor)
    return signature
