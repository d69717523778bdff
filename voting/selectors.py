"""Reads of the owners' vote: the tally, what other apps ask of a case's vote, the vote page.

Everything that depends on who is asking starts at `cases.selectors.case_list_visible_to`,
so jurisdiction isolation is written once. The services read through here too (the count a
vote closes with, whether a roster is frozen); nothing here imports the services.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Case, CaseStatus, Owner
from cases.permissions import can_run_vote, departments_of
from cases.roles import is_city_wide
from cases.selectors import case_list_visible_to
from cases.validators import mask_identity

from . import rules
from .models import Ballot, BallotImport, Vote, VoteState, WitnessRecord
from .rules import (
    TallyResult,
    _room_sort_key,  # the roster's natural room order ("2" < "10")
    format_percent,
)
from .voters import UnitVoter, roster_flats, unit_voters


def failed_condition_texts(result: TallyResult) -> list[str]:
    """The unmet conditions as the screens name them: `rules.CONDITIONS`' own labels, in the
    user's language."""
    return [_(condition.failure) for condition in rules.CONDITIONS if not result.met(condition)]


# --- the tally ---------------------------------------------------------------------------


def live_tally(*, vote: Vote, voters: Sequence[UnitVoter] | None = None) -> TallyResult:
    """Count the vote now, from the roster and the effective ballots (exact, no floats).
    `voters`: the unit's roster when the caller has it already (the vote page)."""
    if voters is None:
        voters = unit_voters(unit=vote.case.unit)
    return tally_of_ballots(
        voters=voters, ballots=vote.ballots.filter(superseded_at__isnull=True).values_list("voter_key", "choice")
    )


def tally_of_ballots(*, voters: Sequence[UnitVoter], ballots) -> TallyResult:
    """The tally of the roster's `voters` and the effective ballots as (voter key, choice)
    pairs: the vote page passes the ballots it has read for its table."""
    key_by_db_key = {voter.db_key: voter.key for voter in voters}
    choices = {}
    for db_key, choice in ballots:
        # The roster is frozen while the vote counts; a key it no longer knows (a rejected
        # case's old vote after its roster changed) cannot be counted again.
        if db_key in key_by_db_key:
            choices[key_by_db_key[db_key]] = rules.Choice(choice)
    return rules.tally([voter.voter for voter in voters], choices)


def stored_tally(*, vote: Vote) -> TallyResult:
    """The result counted when the vote closed (the evidence), from the vote's own columns."""
    return TallyResult(
        total_area=vote.total_area,
        total_headcount=vote.total_headcount,
        participating_area=vote.participating_area,
        participating_headcount=vote.participating_headcount,
        agreeing_area=vote.agreeing_area,
        agreeing_headcount=vote.agreeing_headcount,
    )


def tally_for_vote(*, vote: Vote, voters: Sequence[UnitVoter] | None = None) -> TallyResult:
    """The closed vote's stored result, or the open vote's live count."""
    return stored_tally(vote=vote) if vote.state == VoteState.CLOSED else live_tally(vote=vote, voters=voters)


def case_tally(*, case: Case) -> TallyResult:
    """The tally of the case's latest vote; before any vote, the roster with no ballots."""
    vote = case.votes.order_by("-opened_at", "-pk").first()
    if vote is not None:
        return tally_for_vote(vote=vote)
    return rules.tally([voter.voter for voter in unit_voters(unit=case.unit)], {})


def case_count(*, case: Case) -> tuple[TallyResult, rules.ToPass]:
    """`case_tally` with what it takes to pass (the `tally --json` contract): while the
    vote is open, or before any, the voters without a ballot may still carry it; once it
    has closed nobody can."""
    vote = case.votes.order_by("-opened_at", "-pk").first()
    if vote is not None and vote.state == VoteState.CLOSED:
        result = stored_tally(vote=vote)
        return result, rules.to_pass(result, ())
    voters = unit_voters(unit=case.unit)
    ballots = []
    if vote is not None:
        ballots = list(vote.ballots.filter(superseded_at__isnull=True).values_list("voter_key", "choice"))
    result = tally_of_ballots(voters=voters, ballots=ballots)
    voted = {db_key for db_key, _choice in ballots}
    return result, rules.to_pass(result, [voter.voter.area for voter in voters if voter.db_key not in voted])


def open_vote_of(*, case: Case) -> Vote | None:
    return case.votes.filter(state=VoteState.OPEN).first()


def voters_of_owner(*, case: Case, owner: Owner) -> list[UnitVoter]:
    """The voters of the case's unit the owner belongs to (usually one)."""
    return [voter for voter in unit_voters(unit=case.unit) if owner.pk in voter.owner_ids]


# --- for other apps ----------------------------------------------------------------------


def _latest_closed_vote(case) -> Vote | None:
    """The vote that counts: the latest closed one (after a failed vote, the re-vote)."""
    return case.votes.filter(state=VoteState.CLOSED).order_by("-closed_at", "-pk").first()


def vote_result_for_case(*, case) -> TallyResult | None:
    """The tally of the case's closed vote (the latest, after a re-vote), or None when no
    vote has closed. Step 1 (方案初审) approves only on a passed result."""
    vote = _latest_closed_vote(case)
    return stored_tally(vote=vote) if vote is not None else None


def witness_recorded_for_case(*, case) -> bool:
    """Whether the vote that counts (the latest closed one) has its witness record (见证);
    step 1 (方案初审) is not approved without it."""
    vote = _latest_closed_vote(case)
    return vote is not None and vote.witness_records.exists()


def roster_frozen(*, unit) -> bool:
    """True once a vote of the unit's case has opened, and after it closes: the roster it
    counts may not change. A rejected or withdrawn case releases the roster, because a new
    application needs a new vote over the roster as it then is; the old votes keep their
    counts and the rooms and names on their ballots as evidence."""
    if unit is None or unit.pk is None:
        return False
    return Vote.objects.filter(case__unit_id=unit.pk, case__status__in=[CaseStatus.OPEN, CaseStatus.COMPLETED]).exists()


def vote_summary_for_case(*, case) -> str:
    """One line for the case page, e.g. "表决进行中：已投票 8/13 人" or "表决已结束：通过", in the
    user's language."""
    votes = list(case.votes.order_by("opened_at", "pk"))
    try:
        return _summary_line(votes, tally_for_vote(vote=votes[-1]) if votes else None)
    except ValidationError:  # an open vote over a roster someone broke outside the services
        return _("表决进行中：名册不完整，暂无法计票")


def _summary_line(votes: list[Vote], result: TallyResult | None) -> str:
    if not votes:
        return _("尚未开始表决")
    # Only a re-vote names its round: "（第2轮）".
    round_label = _("（第%(round)s轮）") % {"round": len(votes)} if len(votes) > 1 else ""
    if votes[-1].state == VoteState.OPEN:
        return _("表决进行中%(round)s：已投票 %(voted)s/%(total)s 人") % {
            "round": round_label,
            "voted": result.participating_headcount,
            "total": result.total_headcount,
        }
    if result.passed:
        return _("表决已结束%(round)s：通过") % {"round": round_label}
    reasons = "；".join(failed_condition_texts(result))
    return _("表决已结束%(round)s：未通过（%(reasons)s）") % {"round": round_label, "reasons": reasons}


# --- scope -------------------------------------------------------------------------------


def vote_list_visible_to(*, user) -> QuerySet[Vote]:
    return Vote.objects.filter(case__in=case_list_visible_to(user=user))


def can_view_vote_evidence(user, case: Case) -> bool:
    """Signed ballots, ballot files and witness records: the staff who see the case
    (its jurisdiction's offices, the city), not the applicant's account."""
    if not user.is_authenticated:
        return False
    if is_city_wide(user):
        return True
    return user.jurisdiction_id == case.jurisdiction_id and bool(departments_of(user))


_DOWNLOADS = {
    # kind -> (model, file field, where its facts are (PrivateFileMixin's names after this
    # prefix), what the audit log calls it)
    "scan": (Ballot, "scan", "", "签字选票扫描件"),
    "proxy": (Ballot, "proxy_letter", "proxy_letter_", "代为表决委托书"),
    "import": (BallotImport, "file", "", "选票文件"),
    "witness": (WitnessRecord, "file", "", "见证记录"),
}


@dataclass(frozen=True)
class VoteFile:
    """A file of the vote the user may download, with what the download names and logs."""

    obj: Ballot | BallotImport | WitnessRecord
    case: Case
    file: object  # the stored FieldFile
    original_name: str
    content_type: str
    what: str


def vote_file_for(*, user, kind: str, pk: int) -> VoteFile | None:
    """The file if the user may download it, else None. A power of attorney (委托书) is
    evidence of the ballot like its scan: the same people may read it."""
    spec = _DOWNLOADS.get(kind)
    if spec is None:
        return None
    model, field_name, prefix, what = spec
    obj = (
        model.objects.select_related("vote__case__jurisdiction")
        .filter(vote__case__in=case_list_visible_to(user=user), pk=pk)
        .first()
    )
    if obj is None or not getattr(obj, field_name) or not can_view_vote_evidence(user, obj.vote.case):
        return None
    return VoteFile(
        obj=obj,
        case=obj.vote.case,
        file=getattr(obj, field_name),
        original_name=getattr(obj, f"{prefix}original_name"),
        content_type=getattr(obj, f"{prefix}content_type"),
        what=what,
    )


# --- proxies (代为表决) --------------------------------------------------------------------


@dataclass(frozen=True)
class ProxyInfo:
    """Who signed a paper ballot for the owner, as screens and papers show it: the ID
    number masked, the letter only as whether it is there."""

    name: str
    relation: str
    masked_id_number: str
    has_letter: bool

    @property
    def label(self) -> str:
        """由X（关系）代为表决, in the user's language."""
        return _("由%(name)s（%(relation)s）代为表决") % {"name": self.name, "relation": self.relation}


def proxy_of(ballot) -> ProxyInfo | None:
    """The ballot's proxy, or None when the owner gave it themselves. `ballot`: a Ballot or a
    `BallotLine` (both carry the proxy columns). The owner portal shows it on the owner's
    own ballot; the vote page and the tally sheet read it here."""
    if not ballot.proxy_name:
        return None
    return ProxyInfo(
        name=ballot.proxy_name,
        relation=ballot.proxy_relation,
        masked_id_number=mask_identity(ballot.proxy_id_number),
        has_letter=bool(ballot.proxy_letter),
    )


# --- the vote page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One of the four conditions as a bar against its threshold; display only, the verdict
    (`met`) comes from the exact comparison in rules.TallyResult."""

    code: str
    label: str
    part: str
    whole: str
    percent: str
    width: str
    threshold: str
    threshold_percent: str
    met: bool
    failure: str


def _area(value) -> str:
    return f"{value:.2f} ㎡"


def _people(count: int) -> str:
    return ngettext("%(count)s 人", "%(count)s 人", count) % {"count": count}


def tally_bars(result: TallyResult) -> list[Bar]:
    """The four conditions of `rules.CONDITIONS`, in their order, as the vote page shows them."""
    bars = []
    for condition in rules.CONDITIONS:
        show = _area if condition.measure == "area" else _people
        ratio = result.ratio(condition)
        met = result.met(condition)
        bars.append(
            Bar(
                code=condition.code,
                label=_(condition.label),
                part=show(result.part(condition)),
                whole=show(result.whole(condition)),
                percent=format_percent(ratio),
                width=format_percent(min(ratio, Fraction(1))) if ratio is not None else "0.00%",
                threshold=_(condition.threshold_label),
                threshold_percent=format_percent(condition.threshold),
                met=met,
                failure="" if met else _(condition.failure),
            )
        )
    return bars


@dataclass(frozen=True)
class ToPassView:
    """距离通过还差: the headline and one plain line per condition, aggregates only (no
    voter is named), so the applicant's account sees it as the staff do."""

    headline: str
    state: str  # "passed", "possible" or "impossible": the headline's colour
    lines: list[tuple[str, bool]]  # (the words, met)


def _area_up(amount: Fraction) -> str:
    # Rounded up to the cent: "还差 x ㎡" never says less than is needed.
    cents = -(-amount * 100 // 1)
    return f"{cents // 100}.{cents % 100:02d}"


def _short_label(condition: rules.Condition) -> str:
    # The bars' labels without "（占参与表决…）": the line itself says what it is short of.
    return {
        rules.PARTICIPATION_AREA.code: _("参与表决的专有部分面积"),
        rules.PARTICIPATION_HEADCOUNT.code: _("参与表决的人数"),
        rules.CONSENT_AREA.code: _("同意的专有部分面积"),
        rules.CONSENT_HEADCOUNT.code: _("同意的人数"),
    }[condition.code]


def _shortfall_line(shortfall: rules.Shortfall) -> str:
    condition = shortfall.condition
    label = _short_label(condition)
    if shortfall.met:
        return _("%(label)s：已达到%(threshold)s") % {"label": label, "threshold": _(condition.threshold_label)}
    consent = condition.among_participants
    if not shortfall.amount:
        # Consent of nobody: no ballot is in yet, so any agreeing voter meets it.
        return _("%(label)s：尚无业主参与表决") % {"label": label}
    if condition.measure == "area":
        gap = _("%(label)s还差 %(area)s ㎡") % {"label": label, "area": _area_up(shortfall.amount)}
    else:
        gap = ngettext("%(label)s还差 %(count)s 人", "%(label)s还差 %(count)s 人", shortfall.amount) % {
            "label": label,
            "count": shortfall.amount,
        }
    if shortfall.voters is None:
        return gap + (_("（其余业主全部同意也达不到）") if consent else _("（其余业主全部参与也达不到）"))
    if condition.measure == "headcount":
        return gap  # the gap is itself a number of voters
    if consent:
        how = ngettext("（或再有%(count)s户同意）", "（或再有%(count)s户同意）", shortfall.voters)
    else:
        how = ngettext("（或再有%(count)s户参与）", "（或再有%(count)s户参与）", shortfall.voters)
    return gap + how % {"count": shortfall.voters}


def to_pass_view(to_pass: rules.ToPass) -> ToPassView:
    """What the vote page says the motion still needs (`rules.to_pass`), in the user's language."""
    if to_pass.voters == 0:
        headline, state = _("已达到通过条件"), "passed"
    elif to_pass.possible:
        headline, state = (
            ngettext("再有%(count)s户业主同意即可通过", "再有%(count)s户业主同意即可通过", to_pass.voters)
            % {"count": to_pass.voters},
            "possible",
        )
    else:
        headline, state = _("即使其余业主全部同意也无法通过"), "impossible"
    return ToPassView(
        headline=headline,
        state=state,
        lines=[(_shortfall_line(shortfall), shortfall.met) for shortfall in to_pass.shortfalls],
    )


@dataclass(slots=True)
class BallotLine:
    """A ballot as the vote page shows and counts it: its columns as read, without building
    a model for each of the vote's ballots (and for its clerk)."""

    pk: int
    voter_key: str
    rooms: str
    voter_names: str
    choice: str
    channel: str
    scan: str  # the stored file's name; "" when the ballot came from a file or online
    source_import_id: int | None
    source_row: int | None
    entered_at: datetime.datetime
    entered_by: str  # the clerk's name as User.get_full_name gives it; "" when the system entered it
    reason: str
    superseded_at: datetime.datetime | None
    replaces_id: int | None
    replaced_choice: str  # the choice of the ballot this one corrected; "" when none
    # 代为表决: "" when the owner signed themselves (see `proxy_of`).
    proxy_name: str = ""
    proxy_relation: str = ""
    proxy_id_number: str = ""
    proxy_letter: str = ""  # the stored file's name
    replaced: BallotLine | None = None  # the ballot this one corrected (its proxy shows in the history)


@dataclass
class BallotRowView:
    """A voter's effective ballot with the corrections that led to it, oldest first."""

    ballot: BallotLine
    corrections: list[BallotLine] = field(default_factory=list)


_BALLOT_COLUMNS = (
    "pk",
    "voter_key",
    "rooms",
    "voter_names",
    "choice",
    "channel",
    "scan",
    "source_import_id",
    "source_row",
    "entered_at",
    "entered_by__full_name",
    "entered_by__username",
    "reason",
    "superseded_at",
    "replaces_id",
    "proxy_name",
    "proxy_relation",
    "proxy_id_number",
    "proxy_letter",
)


def ballot_rows(*, vote: Vote) -> list[BallotRowView]:
    read = list(vote.ballots.order_by("entered_at", "pk").values_list(*_BALLOT_COLUMNS))
    lines = []
    for values in read:
        # BallotLine's first fields, then the clerk, the correction and the proxy.
        *head, full_name, username, reason, superseded_at, replaces_id = values[:-4]
        proxy_name, proxy_relation, proxy_id_number, proxy_letter = values[-4:]
        lines.append(
            BallotLine(
                *head,
                entered_by=full_name or username or "",
                reason=reason,
                superseded_at=superseded_at,
                replaces_id=replaces_id,
                replaced_choice="",
                proxy_name=proxy_name,
                proxy_relation=proxy_relation,
                proxy_id_number=proxy_id_number,
                proxy_letter=proxy_letter,
            )
        )
    # A corrected ballot is one of the vote's own: it is among those just read.
    line_by_pk = {line.pk: line for line in lines}
    chains: dict[str, list[BallotLine]] = {}
    for line in lines:
        if line.replaces_id is not None:
            line.replaced = line_by_pk.get(line.replaces_id)
            line.replaced_choice = line.replaced.choice if line.replaced is not None else ""
        chains.setdefault(line.voter_key, []).append(line)
    rows = []
    for chain in chains.values():
        effective = next((b for b in chain if b.superseded_at is None), chain[-1])
        rows.append(BallotRowView(ballot=effective, corrections=[b for b in chain if b.replaces_id]))
    rows.sort(key=lambda row: _room_sort_key(row.ballot.rooms.split("、")[0]))
    return rows


def vote_page(*, case: Case, user) -> dict:
    """Everything the case's vote page shows. The roster is read once: the flats with their
    owners give both the roster table and the voters the tally counts."""
    votes = list(case.votes.select_related("opened_by", "closed_by").order_by("opened_at", "pk"))
    vote = votes[-1] if votes else None
    flats = roster_flats(unit=case.unit)
    rows = ballot_rows(vote=vote) if vote is not None else []
    roster_problem = ""
    try:
        voters = unit_voters(unit=case.unit, flats=flats)
        if vote is not None and vote.state == VoteState.OPEN:
            # Counted from the ballots the table shows: the same query whether open or closed.
            effective = [(row.ballot.voter_key, row.ballot.choice) for row in rows if row.ballot.superseded_at is None]
            result = tally_of_ballots(voters=voters, ballots=effective)
        elif vote is not None:
            result = stored_tally(vote=vote)
        else:
            result = rules.tally([v.voter for v in voters], {})
    except ValidationError as exc:
        # The page still opens, says what is wrong with the roster and shows what it can.
        voters, roster_problem = [], "；".join(exc.messages)
        closed = vote is not None and vote.state == VoteState.CLOSED
        result = stored_tally(vote=vote) if closed else rules.tally([], {})
    voted = {row.ballot.voter_key for row in rows if row.ballot.superseded_at is None}
    not_voted = [v for v in voters if v.db_key not in voted] if vote is not None else []
    is_open = vote is not None and vote.state == VoteState.OPEN and not roster_problem
    may_run = can_run_vote(user, case) and case.status == CaseStatus.OPEN
    # This case's own vote freezes the roster while the case is open or completed; only
    # otherwise can another case of the unit be the one that froze it.
    frozen = (bool(votes) and case.status in (CaseStatus.OPEN, CaseStatus.COMPLETED)) or roster_frozen(unit=case.unit)
    passed_before = any(v.state == VoteState.CLOSED and v.passed for v in votes)
    may_see_evidence = can_view_vote_evidence(user, case)
    return {
        "case": case,
        "votes": votes,
        "vote": vote,
        "round": len(votes),
        "result": result,
        "bars": tally_bars(result),
        "failed_labels": failed_condition_texts(result),
        "summary": _summary_line(votes, result),
        "voters": voters,
        "not_voted": not_voted,
        # Only while the vote is open: once closed, nobody can still carry it.
        "to_pass": to_pass_view(rules.to_pass(result, [v.voter.area for v in not_voted])) if is_open else None,
        "ballot_rows": rows,
        "flats": flats,
        "roster_area": sum((f.area for f in flats), start=Decimal(0)),
        "roster_problem": roster_problem,
        "frozen": frozen,
        "may_run": may_run,
        "may_see_evidence": may_see_evidence,
        "can_open": may_run and (vote is None or vote.state == VoteState.CLOSED) and not passed_before and bool(voters),
        "can_close": may_run and vote is not None and vote.state == VoteState.OPEN,
        "accepts_ballots": may_run and vote is not None and vote.state == VoteState.OPEN,
        "can_import_roster": may_run and not frozen,
        # The page names neither who recorded the witness nor who imported a file.
        "witness_records": list(vote.witness_records.all()) if vote else [],
        "imports": list(vote.imports.all()) if vote and may_see_evidence else [],
    }


@dataclass(frozen=True)
class ClosedVoteRecord:
    """What the printed papers state about the vote step 1 relies on."""

    result: TallyResult
    opened_at: datetime.datetime
    closed_at: datetime.datetime
    choice_by_room: dict[str, rules.Choice]  # each flat's effective ballot
    witnesses: list  # WitnessRecord, in the order they were witnessed
    proxy_by_room: dict[str, ProxyInfo] = field(default_factory=dict)  # flats whose ballot a proxy gave


def closed_vote_record_for_case(*, case) -> ClosedVoteRecord | None:
    """The case's latest closed vote (the one `vote_result_for_case` reports), or None."""
    vote = _latest_closed_vote(case)
    if vote is None:
        return None
    choice_by_room, proxy_by_room = {}, {}
    for ballot in vote.ballots.filter(superseded_at__isnull=True):
        proxy = proxy_of(ballot)
        for room in ballot.rooms.split("、"):
            choice_by_room[room.strip()] = rules.Choice(ballot.choice)
            if proxy is not None:
                proxy_by_room[room.strip()] = proxy
    return ClosedVoteRecord(
        result=stored_tally(vote=vote),
        opened_at=vote.opened_at,
        closed_at=vote.closed_at,
        choice_by_room=choice_by_room,
        witnesses=list(vote.witness_records.order_by("witnessed_at", "pk")),
        proxy_by_room=proxy_by_room,
    )
