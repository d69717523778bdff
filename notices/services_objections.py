"""Every write of an objection to the notice (公示异议, issue 13 §2): an owner's online
objection, a paper objection recorded by the office, each step of handling, and its close
with the outcome and the written reply.

Each runs in one transaction that locks the case row first (docs/locking.md), then the
objection; checks who acts; writes; and logs its named event. Files are checked before
the transaction and deleted again if it fails (cases.files.FilesWritten): a bad scan or
photo leaves nothing behind, neither row nor file.

The state moves only here, along `MOVES`:
    received → handling   the first contact or mediation meeting recorded
    received → closed     withdrawn (or answered) before anyone needed to meet
    handling → closed     the outcome and the written reply
A closed objection takes no more handling: a new disagreement is a new objection.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import validators
from cases.files import FilesWritten, inspect_upload
from cases.models import Case, CaseStatus, Owner, Ownership

from . import audit
from .models import (
    HandlingKind,
    Notice,
    Objection,
    ObjectionChannel,
    ObjectionFile,
    ObjectionFileKind,
    ObjectionHandling,
    ObjectionOutcome,
    ObjectionState,
)
from .permissions import can_manage_notice
from .photos import inspect_photo

# Why each move exists (the only moves there are).
MOVES = {
    # The office has reached the objector or met them: the objection is being handled.
    (ObjectionState.RECEIVED, ObjectionState.HANDLING),
    # An objection may be withdrawn, or answered in writing, before any meeting.
    (ObjectionState.RECEIVED, ObjectionState.CLOSED),
    # The handling ends with an outcome and the written reply.
    (ObjectionState.HANDLING, ObjectionState.CLOSED),
}

MAX_PHOTOS = 3
# An ended case (completed, not approved, withdrawn) takes no objection online; a letter
# brought to the office is still registered on paper (objection_record_paper).
ENDED = gettext_lazy("本案%(status)s，网上不再受理异议。如有意见，请向区住建部门书面反映。")
MAX_TEXT = 5000
# The reply is printed on one A4 page with its outcome: these fit, the longest of both too.
MAX_REPLY = 480
MAX_REPLY_PARAGRAPHS = 8
MAX_OUTCOME_REASONS = 150
# The receipt's verification code: no look-alike characters (0/O, 1/I/L, 2/Z, 5/S, 8/B),
# 12 characters (55 bits): the public check page cannot be walked.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12


def normalize_code(typed: str) -> str:
    return "".join(ch for ch in (typed or "").upper() if ch.isascii() and ch.isalnum())[:32]


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Objection.objects.filter(code=code).exists():
            return code


def _move(objection: Objection, to: str) -> None:
    if objection.state == to:
        return
    if (objection.state, to) not in MOVES:
        raise ValidationError(
            _("异议%(number)s当前为“%(state)s”，不能改为“%(to)s”。")
            % {"number": objection.number, "state": objection.get_state_display(), "to": ObjectionState(to).label},
            code="bad_move",
        )
    objection.state = to


def _lock_case(case: Case) -> Case:
    Case.objects.select_for_update(no_key=True).only("pk").get(pk=case.pk)
    return Case.objects.select_related("jurisdiction", "unit__building").get(pk=case.pk)


def _check_manager(actor, case: Case) -> None:
    if actor is not None and not can_manage_notice(actor, case):
        raise PermissionDenied(_("只有受理本案的区住建部门可以登记和处理公示异议。"))


def _text(value, *, what: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    return validators.clean_text(value, what=what, limit=limit, required=required, multiline=True)


def _rooms_of(owner: Owner, case: Case) -> str:
    rooms = list(
        Ownership.objects.filter(owner=owner, flat__unit_id=case.unit_id)
        .order_by("flat__floor", "flat__room")
        .values_list("flat__room", flat=True)
    )
    if not rooms:
        raise ValidationError(_("%(name)s不是本单元的业主，不能以业主身份提出异议。") % {"name": owner.name})
    return "、".join(rooms)


def _receive(
    *, case: Case, actor, owner: Owner, reasons: str, channel: str, received_at, files, written: FilesWritten, phone=""
) -> Objection:
    """Inside the caller's transaction, the case locked: the objection, its files, its event."""
    notice = Notice.objects.select_related("step", "case").filter(case_id=case.pk).first()
    if notice is None or notice.start is None:
        raise ValidationError(_("本案尚未发布公示，暂不受理公示异议。"), code="not_published")
    rooms = _rooms_of(owner, case)
    seq = (notice.objections.aggregate(m=Max("seq"))["m"] or 0) + 1
    local_day = timezone.localdate(received_at)
    objection = Objection.objects.create(
        notice=notice,
        seq=seq,
        number=f"{case.number}-YY{seq:02d}",
        code=_new_code(),
        owner=owner,
        name=owner.name,
        rooms=rooms,
        phone=(phone or owner.phone or "")[:11],
        channel=channel,
        reasons=reasons,
        received_at=received_at,
        # After the last day of the notice: recorded, and said to be late, never refused.
        late=local_day > notice.end,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    for kind, upload, facts in files:
        row = ObjectionFile(
            objection=objection,
            kind=kind,
            original_name=facts.name,
            content_type=facts.content_type,
            size=facts.size,
            sha256=facts.sha256,
        )
        row.file.save(facts.name, upload, save=False)
        written.add(row.file)
        row.save()
    audit.objection_received(objection=objection, actor=actor)
    return objection


def objection_submit_online(*, case: Case, actor, owner: Owner, reasons: str, photos: Sequence = ()) -> Objection:
    """An owner's own objection from the portal, in their real name (the office's record of
    them, `owner`, must be their identity's: the view found it through their account). From
    the notice's first day; after its last day it is recorded as late."""
    reasons = _text(reasons, what=_("异议理由"))
    photos = [p for p in photos or () if p is not None]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("最多上传%(n)s张照片。") % {"n": MAX_PHOTOS}, code="too_many_photos")
    checked = [(ObjectionFileKind.PHOTO, p, inspect_photo(p).upload) for p in photos]
    if actor is None or not actor.person_id or owner.person_id != actor.person_id:
        raise PermissionDenied(_("只能以本人名义提出异议。"))
    now = timezone.now()
    with FilesWritten() as written, transaction.atomic():
        case = _lock_case(case)
        if case.status != CaseStatus.OPEN:
            raise ValidationError(ENDED % {"status": case.get_status_display()}, code="case_ended")
        notice = Notice.objects.select_related("step").filter(case_id=case.pk).first()
        if notice is not None and notice.start is not None and timezone.localdate(now) < notice.start:
            raise ValidationError(
                _("公示尚未开始（%(start)s起），暂不能提出异议。") % {"start": validators.format_day(notice.start)}
            )
        return _receive(
            case=case,
            actor=actor,
            owner=owner,
            reasons=reasons,
            channel=ObjectionChannel.ONLINE,
            received_at=now,
            files=checked,
            written=written,
        )


def objection_record_paper(
    *, case: Case, actor, owner: Owner, reasons: str, scan, received_at: datetime.datetime | None = None, phone=""
) -> Objection:
    """A written objection brought to the office on paper, recorded with its scan (required:
    the paper is the objection; the row is its register entry). `received_at` is when the
    office received it (now by default); after the notice's last day it is late."""
    reasons = _text(reasons, what=_("异议理由（摘要）"))
    phone = (phone or "").strip()
    if phone:
        validators.validate_mobile(phone)
    if scan is None:
        raise ValidationError(_("请上传书面异议的扫描件（PDF、JPEG或PNG）。"), code="scan_required")
    facts = inspect_upload(scan, what=_("书面异议扫描件"))
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + datetime.timedelta(minutes=5):
        raise ValidationError(_("受理时间不能晚于现在。"), code="in_future")
    with FilesWritten() as written, transaction.atomic():
        case = _lock_case(case)
        _check_manager(actor, case)
        if owner.jurisdiction_id != case.jurisdiction_id:
            raise ValidationError(_("请选择本单元的业主。"))
        notice = Notice.objects.select_related("step").filter(case_id=case.pk).first()
        if notice is not None and notice.start is not None and timezone.localdate(received_at) < notice.start:
            raise ValidationError(
                _("受理时间早于公示开始日期（%(start)s），请核对。") % {"start": validators.format_day(notice.start)},
                code="before_start",
            )
        return _receive(
            case=case,
            actor=actor,
            owner=owner,
            reasons=reasons,
            channel=ObjectionChannel.PAPER,
            received_at=received_at,
            files=[(ObjectionFileKind.SCAN, scan, facts)],
            written=written,
            phone=phone,
        )


def _locked_objection(objection: Objection, actor) -> Objection:
    case = _lock_case(objection.notice.case)
    _check_manager(actor, case)
    locked = (
        Objection.objects.select_for_update(of=("self",), no_key=True)
        .select_related("notice__case", "notice__step")
        .get(pk=objection.pk)
    )
    if locked.state == ObjectionState.CLOSED:
        raise ValidationError(
            _("异议%(number)s已于%(when)s办结，不能再登记处理情况。")
            % {"number": locked.number, "when": timezone.localtime(locked.closed_at).strftime("%Y-%m-%d %H:%M")},
            code="closed",
        )
    return locked


def objection_record_handling(
    *, objection: Objection, actor, kind: str, on: datetime.date, summary: str, how: str = "", attendees: str = ""
) -> ObjectionHandling:
    """A contact with the objector (by phone, a visit…: `how`) or a mediation meeting (where:
    `how`; who attended; what was agreed: `summary`). Append-only."""
    if kind not in HandlingKind.values:
        raise ValidationError(_("未知的处理类别。"), code="bad_kind")
    meeting = kind == HandlingKind.MEETING
    summary = _text(summary, what=_("议定事项") if meeting else _("联系情况"))
    how = _text(how, what=_("方式/地点"), required=False, limit=100)
    attendees = _text(attendees, what=_("参加人员"), required=meeting, limit=2000)
    if not isinstance(on, datetime.date):
        raise ValidationError(_("请填写日期。"), code="date_required")
    validators.validate_date_in_range(on, what=_("日期"))
    if on > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天。"), code="in_future")
    with transaction.atomic():
        locked = _locked_objection(objection, actor)
        if on < timezone.localdate(locked.received_at):
            raise ValidationError(_("日期不能早于异议受理日期。"), code="before_received")
        handling = ObjectionHandling.objects.create(
            objection=locked,
            kind=kind,
            on=on,
            how=how,
            attendees=attendees,
            summary=summary,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        _move(locked, ObjectionState.HANDLING)
        locked.save(update_fields=["state"])
        audit.objection_handling_recorded(handling=handling, actor=actor)
    return handling


def objection_close(*, objection: Objection, actor, outcome: str, reasons: str, reply_text: str) -> Objection:
    """The outcome and the written reply to the objector (printed as a one-page PDF from
    these fields). Resolved with changes says what changed; not upheld says why."""
    if outcome not in ObjectionOutcome.values:
        raise ValidationError(_("请选择处理结果。"), code="outcome_required")
    reasons = _text(
        reasons,
        what=_("不予支持的理由") if outcome == ObjectionOutcome.NOT_UPHELD else _("结果说明"),
        required=outcome != ObjectionOutcome.WITHDRAWN,
        limit=MAX_OUTCOME_REASONS,
    )
    reply_text = _text(reply_text, what=_("书面答复"), limit=MAX_REPLY)
    paragraphs = [line.strip() for line in reply_text.splitlines() if line.strip()]
    if len(paragraphs) > MAX_REPLY_PARAGRAPHS:
        raise ValidationError(
            _("书面答复须打印在一页内：不能超过%(n)s段（现有%(m)s段）。")
            % {"n": MAX_REPLY_PARAGRAPHS, "m": len(paragraphs)},
            code="too_many_paragraphs",
        )
    reply_text = "\n".join(paragraphs)
    with transaction.atomic():
        locked = _locked_objection(objection, actor)
        _move(locked, ObjectionState.CLOSED)
        locked.outcome, locked.outcome_reasons, locked.reply_text = outcome, reasons, reply_text
        locked.closed_at = timezone.now()
        locked.closed_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["state", "outcome", "outcome_reasons", "reply_text", "closed_at", "closed_by"])
        audit.objection_closed(objection=locked, actor=actor)
    return locked
