"""Every write of the owners' vote. Views, the admin, forms and commands call these. They
read through `voting.selectors` (the count a vote closes with, whether the roster is frozen).

Each service runs in one transaction, locks what it changes (`select_for_update`; on
SQLite the IMMEDIATE transaction mode takes the write lock instead), validates, and writes
its named audit event (`voting.audit`) in the same transaction. `actor=None` is the system
(a management command run by an operator on the server).

Locks follow the one order of docs/locking.md, so two services never wait on each other
in a circle: case → unit → vote → the unit's flats (by pk) → ballots. Each lock takes the
named row alone (`of=("self",)`: rows joined by `select_related` are read, not locked; the
jurisdiction and the building are never locked) and as FOR NO KEY UPDATE (`no_key=True`),
which does not conflict with the key-share lock PostgreSQL takes on a row a new row points
to, so writing an audit row or a ballot never waits on the case or the vote it names.
Ballot services lock only the vote row: all ballots of one vote queue on it, so 100 owners
voting at once are counted one after the other, none lost, none doubled (the partial
unique constraint `one_effective_ballot_per_voter` is the backstop); closing locks the
case, then the vote, so it waits for the ballot being entered and the ones after it are
refused. A roster import locks its unit, as opening the vote does (the roster freezes with
the vote), and nothing of another unit.

Refusals (ValidationError, PermissionDenied) speak the active language: the user's on the
vote page, the default zh-hans on the command line. What is stored (ballot reasons, voter
names, the audit log) stays Chinese.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.files import SCAN_TYPES, FilesWritten, clean_file_name, inspect_upload
from cases.models import Building, Case, CaseStatus, ElevatorUnit, Flat, Owner
from cases.permissions import can_run_vote, departments_of
from cases.validators import normalize_id, validate_date_in_range, validate_id_number, validate_past_moment
from cases.workflow import Department

from . import audit, rules
from .models import (
    PROXY_NAME_MAX_LENGTH,
    PROXY_RELATION_MAX_LENGTH,
    Ballot,
    BallotChannel,
    BallotChoice,
    BallotImport,
    Vote,
    VoteState,
    WitnessOrganisation,
    WitnessRecord,
)
from .roster import XLSX_CONTENT_TYPE, BallotRow, RosterRow, TableFileError, ballot_problems
from .selectors import live_tally, roster_frozen
from .voters import UnitVoter, unit_voters

# --- voters ------------------------------------------------------------------------------
# Built in one place, `voters.unit_voters` (who is one voter is said there).


def _voter_by_room(voters: Sequence[UnitVoter]) -> dict[str, UnitVoter]:
    return {room: voter for voter in voters for room in voter.rooms}


# --- guards ------------------------------------------------------------------------------


def _ensure_may_run_vote(*, actor, case: Case) -> None:
    if actor is not None and not can_run_vote(actor, case):
        raise PermissionDenied(
            _("只有%(jurisdiction)s住建部门经办人可以组织业主表决、登记选票和见证。")
            % {"jurisdiction": case.jurisdiction.name}
        )


def _ensure_case_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise ValidationError(
            _("案件%(number)s%(status)s，不能再办理表决事项。")
            % {"number": case.number, "status": case.get_status_display()},
            code="case_closed",
        )


def _locked_case(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",), no_key=True)
        .select_related("unit__building", "jurisdiction")
        .get(pk=case.pk)
    )


def _locked_unit(unit_pk: int) -> ElevatorUnit:
    return (
        ElevatorUnit.objects.select_for_update(of=("self",), no_key=True)
        .select_related("building__jurisdiction")
        .get(pk=unit_pk)
    )


def _locked_vote(vote: Vote) -> Vote:
    return (
        Vote.objects.select_for_update(of=("self",), no_key=True)
        .select_related("case__unit__building", "case__jurisdiction")
        .get(pk=vote.pk)
    )


def format_local(moment: datetime.datetime) -> str:
    # Translators: a strftime format (date and time) used inside the vote's messages.
    return timezone.localtime(moment).strftime(_("%Y年%m月%d日 %H:%M"))


def format_date(day: datetime.date) -> str:
    # Translators: a strftime format (a date) used inside the vote's messages.
    return day.strftime(_("%Y年%m月%d日"))


def _staff_ballot_start(*, vote: Vote, actor) -> tuple[Vote, Case, datetime.datetime]:
    """What every staff ballot entry checks first, inside its transaction: the vote locked,
    the actor allowed to run it, the case open, and now within the vote's window."""
    vote = _locked_vote(vote)
    case = vote.case
    _ensure_may_run_vote(actor=actor, case=case)
    _ensure_case_open(case)
    now = timezone.now()
    _ensure_window(vote, now)
    return vote, case, now


def _ensure_window(vote: Vote, now: datetime.datetime) -> None:
    """Ballots only inside the vote's window (表决期间)."""
    if vote.state != VoteState.OPEN:
        raise ValidationError(
            _("表决已于%(when)s结束，不再接受选票。") % {"when": format_local(vote.closed_at)}, code="outside_window"
        )
    if now < vote.opened_at:
        raise ValidationError(
            _("表决尚未开始（%(when)s开始），不能登记选票。") % {"when": format_local(vote.opened_at)},
            code="outside_window",
        )
    if vote.closes_at is not None and now > vote.closes_at:
        raise ValidationError(
            _("已过表决截止时间（%(when)s），不再接受选票。") % {"when": format_local(vote.closes_at)},
            code="outside_window",
        )


def _store_upload(
    *,
    obj,
    field: str,
    upload,
    written: FilesWritten,
    what: str,
    allowed: Sequence[str] = SCAN_TYPES,
    facts_prefix: str = "",
) -> None:
    """Check an uploaded scan by its content, then save it privately on `obj.<field>`. Its
    facts go to `original_name`, `content_type`, `size` and `sha256` (PrivateFileMixin), or,
    for a second file of the same row, to those names after `facts_prefix`."""
    facts = inspect_upload(upload, what=what, allowed=allowed)
    setattr(obj, f"{facts_prefix}original_name", facts.name)
    setattr(obj, f"{facts_prefix}content_type", facts.content_type)
    setattr(obj, f"{facts_prefix}size", facts.size)
    setattr(obj, f"{facts_prefix}sha256", facts.sha256)
    getattr(obj, field).save(upload.name or "file", upload, save=False)
    written.add(getattr(obj, field))


# --- roster --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterImportResult:
    created: int
    updated: int
    unchanged: int
    removed: int

    @property
    def summary(self) -> str:
        return _("新增%(created)s户，修改%(updated)s户，未变%(unchanged)s户，删除%(removed)s户") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }


def _flat_state(flat: Flat) -> tuple:
    owners = tuple(sorted((o.owner.id_number, o.owner.name) for o in flat.ownerships.all()))
    return flat.floor, flat.area, flat.area_source, flat.certificate_no, flat.developer_held, owners


def _row_state(row: RosterRow) -> tuple:
    owners = tuple(sorted((o.id_number, o.name) for o in row.owners))
    return row.floor, row.area, row.area_source, row.certificate_no, row.developer_held, owners


def roster_import(
    *, unit: ElevatorUnit, rows: Sequence[RosterRow], actor, file_name: str = "", sha256: str = ""
) -> RosterImportResult:
    """Make the unit's flats and owners exactly the roster's: create and update through
    `cases.services.flat_register`, remove flats the roster no longer lists. Refused once the
    unit's vote has opened (the roster it counts is frozen). All or nothing."""
    with transaction.atomic():
        unit = _locked_unit(unit.pk)
        case = Case.objects.filter(unit=unit, status=CaseStatus.OPEN).select_related("jurisdiction").first()
        if case is not None:
            _ensure_may_run_vote(actor=actor, case=case)
        elif actor is not None and not actor.is_superuser and Department.HOUSING not in departments_of(actor):
            raise PermissionDenied(_("只有住建部门经办人可以导入业主名册。"))
        case_services.ensure_actor_in_jurisdiction(actor=actor, jurisdiction=unit.building.jurisdiction)
        if roster_frozen(unit=unit):
            raise ValidationError(
                _("%(unit)s的业主表决已开始，名册已冻结，不能再导入或修改。") % {"unit": unit}, code="roster_frozen"
            )
        if not rows:
            raise ValidationError(_("名册没有任何房屋。"), code="roster_empty")
        flats = unit.flats.select_for_update(of=("self",)).order_by("pk").prefetch_related("ownerships__owner")
        existing = {flat.room: flat for flat in flats}
        # The office's owner records the file names, by pk, before `flat_register` finds them
        # one by one in row order: two imports naming the same owners in another order (one
        # person's flats in two units) would otherwise each hold one and wait for the other.
        named = {normalize_id(owner.id_number) for row in rows for owner in row.owners}
        list(
            Owner.objects.select_for_update(no_key=True)
            .filter(jurisdiction=unit.building.jurisdiction, id_number__in=named)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        created = updated = unchanged = 0
        for row in rows:
            before = existing.get(row.room)
            if before is not None and _flat_state(before) == _row_state(row):
                unchanged += 1
                continue
            case_services.flat_register(
                unit=unit,
                room=row.room,
                floor=row.floor,
                area=row.area,
                area_source=row.area_source,
                certificate_no=row.certificate_no,
                developer_held=row.developer_held,
                owners=list(row.owners),
                actor=actor,
            )
            if before is None:
                created += 1
            else:
                updated += 1
        listed = {row.room for row in rows}
        removed = 0
        for room, flat in existing.items():
            if room not in listed:
                case_services.record_delete(obj=flat, actor=actor)
                removed += 1
        result = RosterImportResult(created=created, updated=updated, unchanged=unchanged, removed=removed)
        audit.roster_imported(
            case=case,
            unit=unit,
            actor=actor,
            created=created,
            updated=updated,
            removed=removed,
            file_name=file_name,
            sha256=sha256,
        )
    return result


# --- opening and closing -----------------------------------------------------------------------


def vote_open(*, case: Case, actor, closes_at: datetime.datetime | None = None, new_round: bool = False) -> Vote:
    """Open the case's vote now (表决开始). A re-vote may follow a failed vote, never a passed
    one, and only as a deliberate act: `new_round=True` (the vote page's own button with its
    confirmation, `import_ballots --new-round`); otherwise it is refused, code `new_round_needed`."""
    with transaction.atomic():
        case = _locked_case(case)
        _ensure_may_run_vote(actor=actor, case=case)
        _ensure_case_open(case)
        # The roster freezes with this vote: no roster import may slip in between.
        _locked_unit(case.unit_id)
        if case.votes.filter(state=VoteState.OPEN).exists():
            raise ValidationError(_("该案件已有进行中的业主表决。"), code="vote_open")
        if case.votes.filter(state=VoteState.CLOSED, passed=True).exists():
            raise ValidationError(_("该案件的业主表决已经通过，不能再次表决。"), code="vote_passed")
        last = case.votes.filter(state=VoteState.CLOSED).order_by("-closed_at", "-pk").first()
        if last is not None and not new_round:
            raise ValidationError(
                _("本案第%(round)s轮业主表决已于%(when)s结束，未通过；重新表决是新一轮表决，须明确选择开始新一轮。")
                % {"round": case.votes.count(), "when": format_local(last.closed_at)},
                code="new_round_needed",
            )
        voters = unit_voters(unit=case.unit)
        if not voters:
            raise ValidationError(_("该梯号尚未登记任何房屋，请先导入业主名册。"), code="roster_empty")
        # The ballots print the motion and it freezes with the vote: an empty one would be
        # voted on, and printed, as a blank.
        missing = case_services.case_motion_problems(case=case)
        if missing:
            raise ValidationError(
                _("表决事项不完整，不能开始表决：%(missing)s。请先在案件页填写，表决开始后二者即冻结并印在表决票上。")
                % {"missing": "；".join(missing)},
                code="motion_incomplete",
            )
        now = timezone.now()
        if closes_at is not None and closes_at <= now:
            raise ValidationError(_("表决截止时间须晚于现在。"), code="closes_in_past")
        if closes_at is not None:  # a year 9999 typo: at most DATE_MAX_DAYS_AHEAD (a year) ahead
            validate_date_in_range(closes_at, what=_("表决截止时间"))
        vote = Vote(case=case, state=VoteState.OPEN, opened_at=now, opened_by=actor, closes_at=closes_at)
        try:
            with transaction.atomic():
                vote.save()
        except IntegrityError as exc:
            raise ValidationError(_("该案件已有进行中的业主表决。"), code="vote_open") from exc
        audit.vote_opened(vote=vote, actor=actor)
    return vote


def vote_close(*, vote: Vote, actor) -> Vote:
    """Close the vote (表决结束), count it and keep the counts as the evidence."""
    with transaction.atomic():
        case = _locked_case(vote.case)
        _ensure_may_run_vote(actor=actor, case=case)
        vote = _locked_vote(vote)
        if vote.state != VoteState.OPEN:
            raise ValidationError(_("该表决已经结束。"), code="vote_closed")
        result = live_tally(vote=vote)
        vote.state, vote.closed_at, vote.closed_by = VoteState.CLOSED, timezone.now(), actor
        vote.total_area, vote.total_headcount = result.total_area, result.total_headcount
        vote.participating_area = result.participating_area
        vote.participating_headcount = result.participating_headcount
        vote.agreeing_area, vote.agreeing_headcount = result.agreeing_area, result.agreeing_headcount
        vote.passed = result.passed
        vote.save()
        audit.vote_closed(
            vote=vote, actor=actor, result={**result.as_contract_dict(), "failed": list(result.failed_conditions)}
        )
    return vote


def _roster_before_lock(vote: Vote) -> list[UnitVoter] | ValidationError | None:
    """The unit's voters for a ballot service, read *before* it takes the vote's lock.

    Every ballot of a unit waits for its vote's lock (about 20 a second during a vote), so
    the lock is not held while the whole roster is read and grouped. This is safe because
    the roster is frozen while the vote is open: `vote_open` takes the unit's lock to open
    the vote and `roster_import` takes the same lock and refuses once the unit's open case
    has a vote (`roster_frozen`); flats and owners named on a frozen roster are refused by
    the record services too. So a vote seen open here (committed) counts exactly these
    flats and owners for as long as it stays open; the service then locks the vote and
    checks that it is still open and its case too (`_staff_ballot_start`), refusing
    otherwise. A vote not (yet) open gives None: the service reads under the lock as
    before, after its checks. A broken roster's refusal is kept for the same place."""
    unit_id = Vote.objects.filter(pk=vote.pk, state=VoteState.OPEN).values_list("case__unit_id", flat=True).first()
    if unit_id is None:
        return None
    try:
        return unit_voters(unit=ElevatorUnit(pk=unit_id))
    except ValidationError as exc:
        return exc


def _voters(read: list[UnitVoter] | ValidationError | None, case: Case) -> list[UnitVoter]:
    """The roster read before the lock (see `_roster_before_lock`), or read now."""
    if read is None:
        return unit_voters(unit=case.unit)
    if isinstance(read, ValidationError):
        raise read
    return read


# --- ballots -------------------------------------------------------------------------------------


def _record_ballot(
    *,
    vote: Vote,
    voter: UnitVoter,
    choice: rules.Choice,
    channel: str,
    actor,
    now,
    reason: str = "",
    prepared: Ballot | None = None,
) -> Ballot:
    """Add the voter's ballot; an effective ballot already there is superseded (更正), with its reason."""
    previous = (
        Ballot.objects.select_for_update(no_key=True)
        .filter(vote=vote, voter_key=voter.db_key, superseded_at__isnull=True)
        .first()
    )
    ballot = prepared or Ballot()
    ballot.vote, ballot.voter_key, ballot.rooms, ballot.voter_names = vote, voter.db_key, voter.rooms_label, voter.names
    ballot.choice, ballot.channel, ballot.entered_by, ballot.entered_at = choice.value, channel, actor, now
    if previous is not None:
        if not reason.strip():
            raise ValidationError(
                _("%(rooms)s（%(names)s）已有表决意见“%(choice)s”（%(when)s登记）；更正须写明理由。")
                % {
                    "rooms": voter.rooms_label,
                    "names": voter.names,
                    "choice": previous.get_choice_display(),
                    "when": format_local(previous.entered_at),
                },
                code="reason_required",
            )
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
        ballot.replaces, ballot.reason = previous, reason.strip()
    else:
        ballot.replaces, ballot.reason = None, ""
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError as exc:  # only reachable past the vote lock: the constraint holds
        raise ValidationError(_("该表决人已有有效选票，请刷新后重试。"), code="ballot_exists") from exc
    return ballot


def _parse_choice(choice) -> rules.Choice:
    try:
        return rules.Choice.parse(choice)
    except ValueError as exc:
        raise ValidationError(
            _("无法识别的表决意见：%(value)s（应为“同意”“反对”或“弃权”）") % {"value": repr(choice)}, code="bad_choice"
        ) from exc


@dataclass(frozen=True)
class Proxy:
    """Who signed a paper ballot for the owner (代为表决人, usually a family member) and the
    power of attorney (委托书) the owner gave them: `letter` is its uploaded scan."""

    name: str
    relation: str  # 与业主关系, e.g. 子女、配偶
    id_number: str = ""  # optional; a resident ID number when given
    letter: object = None  # the uploaded scan (PDF/JPEG/PNG)


def _proxy_problems(proxy: Proxy) -> list[str]:
    """What is wrong with the proxy's details, all at once; the letter's content is checked
    when it is stored."""
    problems = []
    name, relation = (proxy.name or "").strip(), (proxy.relation or "").strip()
    if not name:
        problems.append(_("请填写代为表决人的姓名。"))
    elif len(name) > PROXY_NAME_MAX_LENGTH:
        problems.append(
            _("代为表决人的姓名不能超过%(max)s个字（现为%(count)s个字）。")
            % {"max": PROXY_NAME_MAX_LENGTH, "count": len(name)}
        )
    if not relation:
        problems.append(_("请填写代为表决人与业主的关系（如：子女、配偶）。"))
    elif len(relation) > PROXY_RELATION_MAX_LENGTH:
        problems.append(
            _("代为表决人与业主的关系不能超过%(max)s个字（如：子女、配偶）。") % {"max": PROXY_RELATION_MAX_LENGTH}
        )
    id_number = normalize_id(proxy.id_number)
    if id_number:
        try:
            validate_id_number(id_number)
        except ValidationError as exc:
            problems.extend(_("代为表决人%(problem)s") % {"problem": message} for message in exc.messages)
    if proxy.letter is None:
        problems.append(_("由他人代为表决的，须上传业主签署的委托书扫描件（PDF、JPEG或PNG）。"))
    return problems


def ballot_record_paper(
    *,
    vote: Vote,
    room: str,
    choice,
    scan,
    actor,
    signed_on: datetime.date | None = None,
    reason: str = "",
    proxy: Proxy | None = None,
) -> Ballot:
    """Staff enter one voter's signed paper ballot (纸质选票) with its scan. The room names
    the voter: the choice covers all the voter's flats. A second ballot of the same voter
    before closing is a correction and needs a reason.

    `proxy`: someone else signed for the owner (代为表决) with the owner's power of attorney;
    the letter's scan is kept with the ballot. A correction is a ballot of its own: it names
    its proxy (and letter) again, or none when the owner signed it themselves."""
    roster = _roster_before_lock(vote)
    with FilesWritten() as written, transaction.atomic():
        vote, case, now = _staff_ballot_start(vote=vote, actor=actor)
        today = timezone.localdate(now)
        signed_on = signed_on or today
        opened_on = timezone.localdate(vote.opened_at)
        if signed_on < opened_on or signed_on > today:
            raise ValidationError(
                _("签署日期%(signed)s不在表决期间（%(opened)s起至今）。")
                % {"signed": format_date(signed_on), "opened": format_date(opened_on)},
                code="outside_window",
            )
        if vote.closes_at is not None and signed_on > timezone.localdate(vote.closes_at):
            raise ValidationError(
                _("签署日期%(signed)s晚于表决截止时间。") % {"signed": format_date(signed_on)}, code="outside_window"
            )
        choice = _parse_choice(choice)
        voter = _voter_by_room(_voters(roster, case)).get((room or "").strip())
        if voter is None:
            raise ValidationError(_("房号“%(room)s”不在本梯业主名册中。") % {"room": room}, code="unknown_room")
        if proxy is not None:
            problems = _proxy_problems(proxy)
            if problems:
                raise ValidationError(problems, code="proxy_invalid")
        ballot = Ballot(vote=vote, signed_on=signed_on)
        _store_upload(obj=ballot, field="scan", upload=scan, written=written, what=_("签字选票扫描件"))
        if proxy is not None:
            ballot.proxy_name, ballot.proxy_relation = proxy.name.strip(), proxy.relation.strip()
            ballot.proxy_id_number = normalize_id(proxy.id_number)
            _store_upload(
                obj=ballot,
                field="proxy_letter",
                upload=proxy.letter,
                written=written,
                what=_("委托书扫描件"),
                facts_prefix="proxy_letter_",
            )
        ballot = _record_ballot(
            vote=vote,
            voter=voter,
            choice=choice,
            channel=BallotChannel.PAPER,
            actor=actor,
            now=now,
            reason=reason,
            prepared=ballot,
        )
        audit.ballot_recorded(ballot=ballot, actor=actor)
    return ballot


@dataclass(frozen=True)
class BallotImportOutcome:
    batch: BallotImport
    recorded: int
    corrected: int
    unchanged: int
    overridden: int = 0  # of the corrections: signed or online ballots, each confirmed

    @property
    def summary(self) -> str:
        counts = {
            "recorded": self.recorded,
            "corrected": self.corrected,
            "unchanged": self.unchanged,
            "overridden": self.overridden,
        }
        if self.overridden:
            return (
                _("新增%(recorded)s票，更正%(corrected)s票（其中经确认覆盖%(overridden)s票），未变%(unchanged)s票")
                % counts
            )
        return _("新增%(recorded)s票，更正%(corrected)s票，未变%(unchanged)s票") % counts


def how_recorded(ballot: Ballot) -> str:
    """How a ballot was given, for the clerk deciding whether a file may replace it."""
    if ballot.channel == BallotChannel.ONLINE:
        how = _("业主网上表决")
    elif ballot.proxy_name:
        how = _("纸质选票，由%(name)s（%(relation)s）代为表决，附签字扫描件和委托书") % {
            "name": ballot.proxy_name,
            "relation": ballot.proxy_relation,
        }
    elif ballot.scan:
        how = _("纸质选票，附签字扫描件")
    else:
        how = _("选票文件导入")
    if ballot.replaces_id is not None:
        who = ballot.entered_by.get_full_name() if ballot.entered_by else _("系统")
        how = _("%(how)s，%(who)s更正，理由：%(reason)s") % {"how": how, "who": who, "reason": ballot.reason}
    return how


def _protected(ballot: Ballot) -> bool:
    """A ballot a file may not replace without a confirmation row by row: one with the
    voter's signature (a scanned paper ballot, a staff correction with its scan) or the
    owner's own online ballot. A ballot from an earlier file is corrected by a later one."""
    return ballot.source_import_id is None


@dataclass(frozen=True)
class BallotOverride:
    """A file row that would replace a signed or online ballot with another choice."""

    ballot_pk: int
    lines: str
    rooms: str
    names: str
    current: str  # the current choice, displayed
    how: str
    entered_at: datetime.datetime
    choice: str  # the file's choice, displayed

    @property
    def message(self) -> str:
        return _(
            "第%(lines)s行 房号%(rooms)s（%(names)s）：现为“%(current)s”（%(how)s；%(when)s登记），文件为“%(choice)s”"
        ) % {
            "lines": self.lines,
            "rooms": self.rooms,
            "names": self.names,
            "current": self.current,
            "how": self.how,
            "when": format_local(self.entered_at),
            "choice": self.choice,
        }


class OverridesNeedConfirmation(ValidationError):
    """The file would replace ballots that carry a signature or are the owner's own online
    vote: nothing was imported. `overrides` lists them; importing again with
    `confirm_overrides` applies them, each with its reason and history."""

    def __init__(self, overrides: Sequence[BallotOverride]):
        self.overrides = list(overrides)
        intro = _(
            "选票文件中有%(count)s个表决人的表决意见与其已有选票不同，而已有选票附有签字扫描件、"
            "为业主网上表决或经办人更正；未导入任何选票。请逐行核对，确需以文件为准时确认覆盖："
        ) % {"count": len(self.overrides)}
        super().__init__([intro] + [override.message for override in self.overrides])
        self.code = "overrides_need_confirmation"


def ballots_import(
    *,
    vote: Vote,
    rows: Sequence[BallotRow],
    data: bytes,
    file_name: str,
    actor,
    confirm_overrides: bool | Collection[int] = False,
) -> BallotImportOutcome:
    """Record a filled ballot file (房号, 表决意见) as paper ballots, all or nothing. A voter
    already holding a ballot from an earlier file with another choice is corrected by this
    later file; the same choice again changes nothing. `rows` is what `roster.parse_ballots`
    gives: a file with any problem (its own rows' or a room not in the roster or one voter's
    rooms disagreeing) is refused with `TableFileError` naming every one of them.

    A file never silently replaces a ballot carrying the voter's signature or the owner's
    own online vote: the import is refused with `OverridesNeedConfirmation` listing each
    such row, unless `confirm_overrides` is True (the command's --confirm-overrides) or
    holds the primary keys of exactly the ballots the clerk was shown (the vote page's
    second step; a ballot entered meanwhile is asked about again)."""
    roster = _roster_before_lock(vote)
    with FilesWritten() as written, transaction.atomic():
        vote, case, now = _staff_ballot_start(vote=vote, actor=actor)
        voters = _voters(roster, case)
        by_room = _voter_by_room(voters)
        # The file's own problems and the rooms the roster refuses, all at once, in row order.
        problems = ballot_problems(rows, rooms=by_room)
        rows_of_voter: dict[str, list[BallotRow]] = {}
        for row in rows:
            voter = by_room.get(row.room)
            if voter is not None:
                rows_of_voter.setdefault(voter.key, []).append(row)
        voter_by_key = {voter.key: voter for voter in voters}
        for key, voter_rows in rows_of_voter.items():
            if len({row.choice for row in voter_rows}) > 1:
                choice_of_room = {row.room: row.choice for row in voter_rows}
                conflict = rules.ConflictingChoicesError(voter_by_key[key].voter, choice_of_room)
                detail = "；".join(
                    _("%(room)s：%(choice)s") % {"room": room, "choice": BallotChoice(choice_of_room[room]).label}
                    for room in conflict.rooms
                )
                problems.append(
                    _(
                        "第%(lines)s行：同一表决人的房号 %(rooms)s 表决意见不一致（%(detail)s），"
                        "一个表决人的全部房屋只能作出一个表决意见。"
                    )
                    % {
                        "lines": "、".join(str(row.line) for row in voter_rows),
                        "rooms": "、".join(conflict.rooms),
                        "detail": detail,
                    }
                )
        if problems:
            raise TableFileError(problems)

        effective = {
            ballot.voter_key: ballot
            for ballot in vote.ballots.select_for_update(of=("self",), no_key=True)
            .select_related("entered_by")
            .filter(superseded_at__isnull=True)
        }
        overrides = []
        for voter in voters:
            voter_rows = rows_of_voter.get(voter.key)
            current = effective.get(voter.db_key)
            if voter_rows and current is not None and current.choice != voter_rows[0].choice.value:
                if _protected(current):
                    overrides.append(
                        BallotOverride(
                            ballot_pk=current.pk,
                            lines="、".join(str(row.line) for row in voter_rows),
                            rooms="、".join(row.room for row in voter_rows),
                            names=voter.names,
                            current=current.get_choice_display(),
                            how=how_recorded(current),
                            entered_at=current.entered_at,
                            choice=BallotChoice(voter_rows[0].choice.value).label,
                        )
                    )
        if overrides and confirm_overrides is not True:
            confirmed = set(confirm_overrides or ())
            if not {override.ballot_pk for override in overrides} <= confirmed:
                raise OverridesNeedConfirmation(overrides)
        overridden_pks = {override.ballot_pk for override in overrides}

        batch = BallotImport(
            vote=vote,
            imported_by=actor,
            imported_at=now,
            original_name=clean_file_name(file_name, default="选票文件"),
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content_type=XLSX_CONTENT_TYPE if data.startswith(b"PK\x03\x04") else "text/csv",
        )
        batch.file.save(batch.original_name, ContentFile(data), save=False)
        written.add(batch.file)
        batch.save()
        recorded = corrected = unchanged = overridden = 0
        for voter in voters:  # roster order: the history reads in the same order as the roster
            voter_rows = rows_of_voter.get(voter.key)
            if not voter_rows:
                continue
            choice = voter_rows[0].choice
            current = effective.get(voter.db_key)
            if current is not None and current.choice == choice.value:
                unchanged += 1
                continue
            lines = "、".join(str(row.line) for row in voter_rows)
            reason = f"以选票文件“{batch.original_name}”第{lines}行更正"
            if current is not None and current.pk in overridden_pks:
                # The stored reason stays Chinese whoever confirms (see the module docstring).
                with translation.override(settings.LANGUAGE_CODE):
                    reason += f"（经办人确认覆盖原选票“{current.get_choice_display()}”：{how_recorded(current)}）"
            ballot = _record_ballot(
                vote=vote,
                voter=voter,
                choice=choice,
                channel=BallotChannel.PAPER,
                actor=actor,
                now=now,
                reason=reason,
                prepared=Ballot(source_import=batch, source_row=voter_rows[0].line),
            )
            if current is None:
                recorded += 1
            else:
                corrected += 1
                if current.pk in overridden_pks:
                    overridden += 1
                    audit.ballot_recorded(ballot=ballot, actor=actor)
        batch.ballot_count, batch.correction_count = recorded, corrected
        batch.save(update_fields=["ballot_count", "correction_count"])
        audit.ballots_imported(batch=batch, actor=actor)
    return BallotImportOutcome(
        batch=batch, recorded=recorded, corrected=corrected, unchanged=unchanged, overridden=overridden
    )


def ballot_cast_online(
    *, vote: Vote, owner: Owner, choice, actor, voter_key: str | None = None, reason: str = ""
) -> Ballot:
    """An owner votes online (网上表决) for their flats. Any co-owner may cast the voter's
    ballot; casting again with another choice before closing corrects it. The actor is the
    owner's own portal account (its `person` is the owner record's identity) or the system."""
    roster = _roster_before_lock(vote)
    with transaction.atomic():
        vote = _locked_vote(vote)
        case = vote.case
        if actor is not None and (getattr(actor, "person_id", None) is None or actor.person_id != owner.person_id):
            raise PermissionDenied(_("只能以本人身份为本人名下的房屋投票。"))
        _ensure_case_open(case)
        now = timezone.now()
        _ensure_window(vote, now)
        choice = _parse_choice(choice)
        mine = [voter for voter in _voters(roster, case) if owner.pk in voter.owner_ids]
        if not mine:
            raise PermissionDenied(_("您不是本梯号房屋的登记业主，不能参加本次表决。"))
        if voter_key is not None:
            mine = [voter for voter in mine if voter.key == voter_key]
            if not mine:
                raise ValidationError(_("所选房屋不属于您。"), code="not_owner")
        elif len(mine) > 1:
            raise ValidationError(_("您在本梯有多组房屋（各自表决），请选择为哪一组房屋投票。"), code="choose_voter")
        voter = mine[0]
        current = vote.ballots.filter(voter_key=voter.db_key, superseded_at__isnull=True).first()
        if current is not None and current.choice == choice.value:
            return current  # the same choice again: nothing to record
        ballot = _record_ballot(
            vote=vote,
            voter=voter,
            choice=choice,
            channel=BallotChannel.ONLINE,
            actor=actor,
            now=now,
            reason=reason or f"{owner.name}网上更改表决意见",
            prepared=Ballot(cast_by_owner=owner),
        )
        audit.ballot_recorded(ballot=ballot, actor=actor)
    return ballot


# --- witness ---------------------------------------------------------------------------------------


def witness_record(
    *,
    vote: Vote,
    actor,
    witness_name: str,
    organisation_kind: str,
    organisation_name: str,
    witnessed_at: datetime.datetime,
    method: str,
    notes: str = "",
    upload,
) -> WitnessRecord:
    """Record who witnessed the vote (见证), for which organisation, when and how, with the signed record."""
    with FilesWritten() as written, transaction.atomic():
        vote = _locked_vote(vote)
        case = vote.case
        _ensure_may_run_vote(actor=actor, case=case)
        _ensure_case_open(case)
        problems = []
        if not (witness_name or "").strip():
            problems.append(_("请填写见证人。"))
        if organisation_kind not in WitnessOrganisation.values:
            problems.append(_("请选择见证单位类型。"))
        if not (organisation_name or "").strip():
            problems.append(_("请填写见证单位名称。"))
        if not (method or "").strip():
            problems.append(_("请填写见证方式。"))
        if witnessed_at is None:
            problems.append(_("请填写见证时间。"))
        else:
            try:  # not before 2000, not later than now
                validate_past_moment(witnessed_at, what=_("见证时间"))
            except ValidationError as exc:
                problems.extend(exc.messages)
            else:
                # The witness saw the vote, so not before it opened; to the minute, as the
                # form enters it (a witness at 10:03 of a vote opened at 10:03:27 is right).
                if witnessed_at < vote.opened_at.replace(second=0, microsecond=0):
                    problems.append(
                        _("见证时间不能早于表决开始的时间（%(when)s）。") % {"when": format_local(vote.opened_at)}
                    )
        if problems:
            raise ValidationError(problems, code="witness_invalid")
        record = WitnessRecord(
            vote=vote,
            witness_name=witness_name.strip(),
            organisation_kind=organisation_kind,
            organisation_name=organisation_name.strip(),
            witnessed_at=witnessed_at,
            method=method.strip(),
            notes=(notes or "").strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        _store_upload(obj=record, field="file", upload=upload, written=written, what=_("见证记录"))
        record.full_clean(exclude=["file", "recorded_by"])
        record.save()
        audit.witness_recorded(record=record, actor=actor)
    return record


# --- the command line: building and unit from an address -------------------------------------------


def compound_name_from_address(address: str, *, jurisdiction_name: str = "") -> str:
    """'丰泽区东湖街道刺桐花园9幢' → '刺桐花园': drop the district, the street or town, and the
    building number. Staff correct it in the back office when the guess is wrong."""
    text = address.strip()
    if jurisdiction_name and text.startswith(jurisdiction_name):
        text = text[len(jurisdiction_name) :]
    text = re.sub(r"^.*?(街道|镇|乡)", "", text, count=1) or text
    text = re.sub(r"(第?[0-9一二三四五六七八九十百零〇]+(号楼|幢|栋|座|号|楼))$", "", text).strip()
    return (text or address.strip())[:100]


@dataclass(frozen=True)
class BuildingFacts:
    """What the eligibility gate and the ballots need to know of a building, as the officer
    states them when starting a case (the command line gives none: the defaults are the
    eligible side, corrected in the back office)."""

    compound_name: str = ""
    floors: int | None = None
    year_built: int | None = None
    has_reserved_shaft: bool = False  # 已预留电梯井：免规划审查
    in_heritage_area: bool = False  # 文化遗产保护范围：须文物主管部门意见
    in_demolition_plan: bool = False  # 城市规划五年内需拆迁改造：不予立案
    land_inside_plot: bool = True  # 用地在现住宅小区或住宅用地范围内


_FACT_FIELDS = ("has_reserved_shaft", "in_heritage_area", "in_demolition_plan", "land_inside_plot")


def building_and_unit_for_import(
    *,
    jurisdiction,
    address: str,
    unit_name: str,
    max_floor: int,
    facts: BuildingFacts | None = None,
    actor=None,
) -> ElevatorUnit:
    """The building at the address and its unit, created when missing. Without `facts` (the
    command line), a new building takes the eligible side: no reserved shaft, not in a
    heritage area, not in the demolition plan, the land inside the plot (staff correct them
    in the back office); with them (the new-case page), a new building takes them and an
    existing one is corrected to them, so the gate judges what the officer stated."""
    address = address.strip()
    unit_name = unit_name.strip()
    if not address:
        raise ValidationError(_("请填写楼栋地址（命令行为 --address）。"), code="address_required")
    if not unit_name:
        raise ValidationError(_("请填写梯号/单元（命令行为 --unit）。"), code="unit_required")
    building = (
        Building.objects.select_for_update(no_key=True).filter(jurisdiction=jurisdiction, address=address).first()
    )
    stated = facts or BuildingFacts()
    floors = max(2, max_floor, stated.floors or 0)
    if building is None:
        building = Building(
            jurisdiction=jurisdiction,
            address=address,
            floors=floors,
            year_built=stated.year_built,
            compound_name=(stated.compound_name or "").strip()
            or compound_name_from_address(address, jurisdiction_name=jurisdiction.name),
            **{name: getattr(stated, name) for name in _FACT_FIELDS},
        )
        case_services.record_save(obj=building, actor=actor, fields=["address", "floors", "compound_name"])
    else:
        changed = []
        if building.floors < floors:
            building.floors = floors
            changed.append("floors")
        if facts is not None:
            for name in _FACT_FIELDS:
                if getattr(building, name) != getattr(facts, name):
                    setattr(building, name, getattr(facts, name))
                    changed.append(name)
            if facts.compound_name.strip() and building.compound_name != facts.compound_name.strip():
                building.compound_name = facts.compound_name.strip()
                changed.append("compound_name")
        if changed:
            case_services.record_save(obj=building, actor=actor, fields=changed)
    unit = ElevatorUnit.objects.filter(building=building, name=unit_name).first()
    if unit is None:
        unit = case_services.record_save(
            obj=ElevatorUnit(building=building, name=unit_name), actor=actor, fields=["name"]
        )
    return unit


# --- one path from a roster file to an open case -----------------------------------------------------


@dataclass(frozen=True)
class CaseStarted:
    case: Case
    created: bool
    unit: ElevatorUnit
    roster: RosterImportResult


def case_start_from_roster(
    *,
    jurisdiction,
    address: str,
    unit_name: str,
    rows: Sequence[RosterRow],
    actor,
    file_name: str = "",
    sha256: str = "",
    facts: BuildingFacts | None = None,
    scheme_summary: str | None = None,
    budget: Decimal | None = None,
) -> CaseStarted:
    """Building and unit (found or created), the roster, the eligibility gate, the case, and
    the motion when given: all or nothing, in one transaction. The command `import_roster`
    and the new-case page both come here. A refusal of the gate is `CaseNotEligible`.

    Locks follow docs/locking.md: the building (0); the unit's open case if one is reused and
    the motion changes (1); then the unit, its flats and owners (3, 5) and the case number (7).
    A new case takes the motion as it opens, so it is never locked after the unit."""
    with transaction.atomic():
        if actor is not None and not actor.is_superuser and Department.HOUSING not in departments_of(actor):
            raise PermissionDenied(_("只有住建部门经办人可以新建案件、导入业主名册。"))
        case_services.ensure_actor_in_jurisdiction(actor=actor, jurisdiction=jurisdiction)
        unit = building_and_unit_for_import(
            jurisdiction=jurisdiction,
            address=address,
            unit_name=unit_name,
            max_floor=max((row.floor for row in rows), default=1),
            facts=facts,
            actor=actor,
        )
        motion = {
            name: value for name, value in (("scheme_summary", scheme_summary), ("budget", budget)) if value is not None
        }
        existing = Case.objects.filter(unit=unit, status=CaseStatus.OPEN).first()
        if existing is not None and motion:
            case_services.case_update_details(case=existing, actor=actor, **motion)
        roster = roster_import(unit=unit, rows=rows, actor=actor, file_name=file_name, sha256=sha256)
        existing = Case.objects.filter(unit=unit, status=CaseStatus.OPEN).first()
        if existing is not None:
            case, created = existing, False
        else:
            case, created = case_services.case_open(unit=unit, actor=actor, **motion), True
    return CaseStarted(case=case, created=created, unit=unit, roster=roster)
