"""Vote-counting rule for one elevator unit (梯号).

Civil Code art. 278 and the SPC interpretation on building division ownership,
arts. 8-9, as applied by the Quanzhou 2025 guidance. Pure stdlib, no Django (cases/numbers.py,
which shows the ratios, is stdlib too):
callers turn roster and ballot rows into ``FlatFact`` and ``Choice`` values.

All decisions use exact arithmetic (``Decimal`` areas, ``Fraction`` ratios,
cross-multiplied comparisons); only Decimal areas are accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_PREC, ROUND_HALF_UP, Context, Decimal, Inexact, Rounded
from enum import StrEnum
from fractions import Fraction

from cases.numbers import format_percent  # re-exported: the vote's ratios as people read them

__all__ = [
    "CONDITIONS",
    "CONDITION_CODES",
    "CONDITION_LABELS",
    "CONSENT_AREA",
    "CONSENT_HEADCOUNT",
    "CONSENT_THRESHOLD",
    "DEVELOPER_KEY",
    "PARTICIPATION_AREA",
    "PARTICIPATION_HEADCOUNT",
    "PARTICIPATION_THRESHOLD",
    "Choice",
    "Condition",
    "ConflictingChoicesError",
    "FlatFact",
    "Shortfall",
    "TallyResult",
    "ToPass",
    "Voter",
    "combine_choices",
    "format_percent",
    "group_voters",
    "tally",
    "to_pass",
    "votes_to_pass",
]

# 参与表决：专有部分面积与人数均达三分之二以上 ("以上" includes the bound).
PARTICIPATION_THRESHOLD = Fraction(2, 3)
# 同意：参与表决专有部分面积与人数均达四分之三以上.
CONSENT_THRESHOLD = Fraction(3, 4)

# All flats the developer has not sold or not delivered vote as one owner (SPC art. 9).
DEVELOPER_KEY = "developer"


def gettext_noop(message: str) -> str:
    """Marks a label for translation without importing Django: `makemessages` finds this
    name, the screens translate the label with `gettext`, the printed documents print it
    as written (Chinese)."""
    return message


@dataclass(frozen=True)
class Condition:
    """One of the four conditions a vote must meet (Civil Code art. 278): the count `part`
    of a `TallyResult` reaches `threshold` of its count `whole` ("以上" includes the bound).
    The vote page's bars and the printed tally sheet list them from `CONDITIONS`."""

    code: str
    part: str  # the TallyResult count that must reach the threshold
    whole: str  # the TallyResult count it is a share of
    threshold: Fraction
    measure: str  # "area" (㎡) or "headcount" (人)
    # Marked for translation (`gettext_noop`): the screens show them in the user's language.
    label: str  # its name on the vote page
    threshold_label: str  # the threshold in words
    failure: str  # said when it is not met; the documents and the command print it too
    # The printed tally sheet's "part / whole" (the documents are Chinese only).
    part_label: str
    whole_label: str

    @property
    def among_participants(self) -> bool:
        """Consent: a share of those taking part, so a voter who joins by agreeing adds to
        both the part and the whole (participation is a share of the fixed roster)."""
        return self.whole in ("participating_area", "participating_headcount")

    @property
    def bound(self) -> str:
        """The threshold as the tally sheet prints it: "≥2/3（66.67%）"."""
        return f"≥{self.threshold.numerator}/{self.threshold.denominator}（{format_percent(self.threshold)}）"


# 参与表决：专有部分面积占比三分之二以上的业主
PARTICIPATION_AREA = Condition(
    code="participation_area",
    part="participating_area",
    whole="total_area",
    threshold=PARTICIPATION_THRESHOLD,
    measure="area",
    label=gettext_noop("参与表决的专有部分面积"),
    part_label="参与表决的专有部分面积",
    whole_label="全部专有部分面积",
    threshold_label=gettext_noop("三分之二"),
    failure=gettext_noop("参与表决的专有部分面积未达三分之二"),
)
# 参与表决：人数占比三分之二以上的业主
PARTICIPATION_HEADCOUNT = Condition(
    code="participation_headcount",
    part="participating_headcount",
    whole="total_headcount",
    threshold=PARTICIPATION_THRESHOLD,
    measure="headcount",
    label=gettext_noop("参与表决的人数"),
    part_label="参与表决的人数",
    whole_label="全部业主人数",
    threshold_label=gettext_noop("三分之二"),
    failure=gettext_noop("参与表决的人数未达三分之二"),
)
# 同意：参与表决专有部分面积四分之三以上的业主
CONSENT_AREA = Condition(
    code="consent_area",
    part="agreeing_area",
    whole="participating_area",
    threshold=CONSENT_THRESHOLD,
    measure="area",
    label=gettext_noop("同意的专有部分面积（占参与表决面积）"),
    part_label="同意的专有部分面积",
    whole_label="参与表决的专有部分面积",
    threshold_label=gettext_noop("四分之三"),
    failure=gettext_noop("同意的专有部分面积未达参与表决面积的四分之三"),
)
# 同意：参与表决人数四分之三以上的业主
CONSENT_HEADCOUNT = Condition(
    code="consent_headcount",
    part="agreeing_headcount",
    whole="participating_headcount",
    threshold=CONSENT_THRESHOLD,
    measure="headcount",
    label=gettext_noop("同意的人数（占参与表决人数）"),
    part_label="同意的人数",
    whole_label="参与表决的人数",
    threshold_label=gettext_noop("四分之三"),
    failure=gettext_noop("同意的人数未达参与表决人数的四分之三"),
)
# Fixed order: the vote page, the tally sheet and the unmet conditions follow it.
CONDITIONS: tuple[Condition, ...] = (PARTICIPATION_AREA, PARTICIPATION_HEADCOUNT, CONSENT_AREA, CONSENT_HEADCOUNT)
CONDITION_CODES: tuple[str, ...] = tuple(condition.code for condition in CONDITIONS)
# What each unmet condition is called (Chinese, as the documents and the command print it).
CONDITION_LABELS: dict[str, str] = {condition.code: condition.failure for condition in CONDITIONS}

# Sums must never be rounded, whatever the caller's decimal context: huge
# precision plus traps turns any silent rounding into an error.
_EXACT = Context(prec=MAX_PREC, traps=[Inexact, Rounded])
# Display rounding of areas (two decimals, half-up) for the tally contract.
_DISPLAY = Context(prec=MAX_PREC, rounding=ROUND_HALF_UP)
_CENT = Decimal("0.01")


class Choice(StrEnum):
    """One voter's choice (表决意见)."""

    AGREE = "agree"  # 同意
    DISAGREE = "disagree"  # 反对
    ABSTAIN = "abstain"  # 弃权：参与表决但不计入同意

    @classmethod
    def parse(cls, text: str) -> Choice:
        """Parse 同意/反对/弃权 or agree/disagree/abstain (case-insensitive)."""
        if isinstance(text, str):
            found = _CHOICE_WORDS.get(text.strip().casefold())
            if found is not None:
                return found
        raise ValueError(f"无法识别的表决意见：{text!r}（应为“同意”“反对”或“弃权”）")

    @property
    def label(self) -> str:
        """Chinese word for the choice, as printed on paper ballots."""
        return _CHOICE_LABELS[self]


# Outside the class body: a dict inside a StrEnum body would become a member.
_CHOICE_LABELS: dict[Choice, str] = {
    Choice.AGREE: "同意",
    Choice.DISAGREE: "反对",
    Choice.ABSTAIN: "弃权",
}
_CHOICE_WORDS: dict[str, Choice] = {
    **{choice.value: choice for choice in Choice},
    **{label: choice for choice, label in _CHOICE_LABELS.items()},
}


class ConflictingChoicesError(ValueError):
    """One voter's flats carry different choices (一个表决人只能有一个表决意见)."""

    def __init__(self, voter: Voter, choices_by_room: Mapping[str, Choice]) -> None:
        self.voter = voter
        self.rooms: tuple[str, ...] = tuple(sorted(choices_by_room, key=_room_sort_key))
        detail = "；".join(f"{room}：{choices_by_room[room].label}" for room in self.rooms)
        super().__init__(
            f"同一表决人的房号 {'、'.join(self.rooms)} 表决意见不一致（{detail}），"
            "一个表决人的全部房屋只能作出一个表决意见"
        )


@dataclass(frozen=True)
class FlatFact:
    """One flat of the unit as the vote needs it."""

    room: str
    area: Decimal  # 专有部分面积 (m²): registered, else surveyed, else contract area
    owner_keys: frozenset[str]  # e.g. ID numbers of all co-owners
    developer_held: bool  # 建设单位未出卖或已出卖未交付


@dataclass(frozen=True)
class Voter:
    """One head in the headcount (表决人), holding one or more flats."""

    key: str
    rooms: tuple[str, ...]
    area: Decimal


def _room_sort_key(room: str) -> tuple[tuple[object, ...], str]:
    # Natural order ("2" < "10"); split parity keeps str/int at matching positions.
    parts = re.split(r"(\d+)", room)
    natural = tuple(int(part) if index % 2 else part for index, part in enumerate(parts))
    return natural, room


def _exact_sum(values: Iterable[Decimal]) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = _EXACT.add(total, value)
    return total


def _check_area(area: object, what: str) -> Decimal:
    # Spreadsheet readers hand back inexact binary numbers; only Decimal is exact.
    if not isinstance(area, Decimal):
        raise TypeError(f"{what}的面积必须是 Decimal，收到 {type(area).__name__}")
    if not area.is_finite() or area <= 0:
        raise ValueError(f"{what}的专有部分面积必须为正数，收到 {area}")
    return area


def group_voters(flats: Iterable[FlatFact]) -> list[Voter]:
    """Group flats into voters (SPC art. 9), ordered by each voter's first room."""
    rooms_by_key: dict[str, list[FlatFact]] = {}
    seen_rooms: set[str] = set()
    for flat in flats:
        if not isinstance(flat.room, str) or not flat.room.strip():
            raise ValueError(f"房号不能为空：{flat.room!r}")
        if flat.room in seen_rooms:
            raise ValueError(f"房号 {flat.room} 在名册中重复出现")
        seen_rooms.add(flat.room)
        _check_area(flat.area, f"房号 {flat.room} ")
        if flat.developer_held:
            key = DEVELOPER_KEY
        else:
            owners = sorted({owner.strip() for owner in flat.owner_keys if owner.strip()})
            if not owners:
                raise ValueError(f"房号 {flat.room} 没有业主证件号码（非开发商持有的房屋必须登记业主）")
            key = "|".join(owners)
            if key == DEVELOPER_KEY:
                raise ValueError(f"房号 {flat.room} 的业主证件号码 {key!r} 与开发商表决人保留键冲突")
        rooms_by_key.setdefault(key, []).append(flat)

    voters = [
        Voter(
            key=key,
            rooms=tuple(sorted((flat.room for flat in group), key=_room_sort_key)),
            area=_exact_sum(flat.area for flat in group),
        )
        for key, group in rooms_by_key.items()
    ]
    voters.sort(key=lambda voter: _room_sort_key(voter.rooms[0]))
    return voters


def combine_choices(voters: Iterable[Voter], flat_choices: Mapping[str, Choice]) -> dict[str, Choice]:
    """Turn per-room choices into per-voter choices.

    A choice on any one of a voter's flats covers all of them; different
    choices on the same voter's flats raise ``ConflictingChoicesError``.
    """
    voter_by_room: dict[str, Voter] = {}
    for voter in voters:
        for room in voter.rooms:
            if room in voter_by_room:
                raise ValueError(f"房号 {room} 同时属于两个表决人")
            voter_by_room[room] = voter

    per_voter: dict[str, dict[str, Choice]] = {}
    for room, raw in flat_choices.items():
        voter = voter_by_room.get(room)
        if voter is None:
            raise ValueError(f"房号 {room} 不在本梯业主名册中")
        per_voter.setdefault(voter.key, {})[room] = Choice.parse(raw)

    result: dict[str, Choice] = {}
    # Walk voters in roster order so the first conflict reported is deterministic.
    for voter in dict.fromkeys(voter_by_room.values()):
        by_room = per_voter.get(voter.key)
        if not by_room:
            continue
        if len(set(by_room.values())) > 1:
            raise ConflictingChoicesError(voter, by_room)
        result[voter.key] = next(iter(by_room.values()))
    return result


def _ratio(part: Decimal | int, whole: Decimal | int) -> Fraction | None:
    return Fraction(part) / Fraction(whole) if whole else None


def _meets(part: Decimal | int, whole: Decimal | int, threshold: Fraction) -> bool:
    # Cross-multiply in Fractions (exact, independent of the decimal context);
    # an empty denominator never meets a threshold.
    if not whole:
        return False
    return Fraction(part) * threshold.denominator >= Fraction(whole) * threshold.numerator


def _contract_area(area: Decimal) -> str:
    return format(area.quantize(_CENT, rounding=ROUND_HALF_UP, context=_DISPLAY), "f")


@dataclass(frozen=True)
class TallyResult:
    """Counts of one unit's vote; ratios and outcomes are derived from them."""

    total_area: Decimal
    total_headcount: int
    participating_area: Decimal
    participating_headcount: int
    agreeing_area: Decimal
    agreeing_headcount: int

    def __post_init__(self) -> None:
        if not (0 <= self.agreeing_area <= self.participating_area <= self.total_area):
            raise ValueError("面积须满足 0 ≤ 同意 ≤ 参与表决 ≤ 总面积")
        if not (0 <= self.agreeing_headcount <= self.participating_headcount <= self.total_headcount):
            raise ValueError("人数须满足 0 ≤ 同意 ≤ 参与表决 ≤ 总人数")

    def part(self, condition: Condition) -> Decimal | int:
        return getattr(self, condition.part)

    def whole(self, condition: Condition) -> Decimal | int:
        return getattr(self, condition.whole)

    def ratio(self, condition: Condition) -> Fraction | None:
        """The condition's share (part / whole), exact; None when the whole is zero."""
        return _ratio(self.part(condition), self.whole(condition))

    def met(self, condition: Condition) -> bool:
        return _meets(self.part(condition), self.whole(condition), condition.threshold)

    @property
    def participation_area_ratio(self) -> Fraction | None:
        return self.ratio(PARTICIPATION_AREA)

    @property
    def participation_headcount_ratio(self) -> Fraction | None:
        return self.ratio(PARTICIPATION_HEADCOUNT)

    @property
    def consent_area_ratio(self) -> Fraction | None:
        return self.ratio(CONSENT_AREA)

    @property
    def consent_headcount_ratio(self) -> Fraction | None:
        return self.ratio(CONSENT_HEADCOUNT)

    @property
    def participation_area_met(self) -> bool:
        return self.met(PARTICIPATION_AREA)

    @property
    def participation_headcount_met(self) -> bool:
        return self.met(PARTICIPATION_HEADCOUNT)

    @property
    def consent_area_met(self) -> bool:
        return self.met(CONSENT_AREA)

    @property
    def consent_headcount_met(self) -> bool:
        return self.met(CONSENT_HEADCOUNT)

    @property
    def participation_met(self) -> bool:  # 参与表决：专有部分面积与人数均达三分之二以上
        return self.participation_area_met and self.participation_headcount_met

    @property
    def consent_met(self) -> bool:  # 同意：参与表决面积与人数均达四分之三以上
        return self.consent_area_met and self.consent_headcount_met

    @property
    def passed(self) -> bool:  # 表决通过
        return self.participation_met and self.consent_met

    @property
    def failed_conditions(self) -> tuple[str, ...]:
        """Codes of the unmet conditions, in ``CONDITIONS`` order."""
        return tuple(condition.code for condition in CONDITIONS if not self.met(condition))

    def as_contract_dict(self) -> dict[str, object]:
        """The shared tally contract (see shared/samples/tally-example.json)."""
        return {
            "total": {"area": _contract_area(self.total_area), "headcount": self.total_headcount},
            "participating": {
                "area": _contract_area(self.participating_area),
                "headcount": self.participating_headcount,
            },
            "agreeing": {"area": _contract_area(self.agreeing_area), "headcount": self.agreeing_headcount},
            "participation_met": self.participation_met,
            "consent_met": self.consent_met,
            "passed": self.passed,
        }


def tally(voters: Sequence[Voter], choices: Mapping[str, Choice]) -> TallyResult:
    """Count one unit's vote; ``choices`` is keyed by voter key, missing = no ballot."""
    by_key: dict[str, Voter] = {}
    for voter in voters:
        if voter.key in by_key:
            raise ValueError(f"表决人 {voter.key} 重复出现")
        _check_area(voter.area, f"表决人 {voter.key} ")
        by_key[voter.key] = voter
    unknown = [key for key in choices if key not in by_key]
    if unknown:
        raise ValueError(f"表决意见对应的表决人不在本梯名册中：{'、'.join(map(str, unknown))}")

    parsed = {key: Choice.parse(raw) for key, raw in choices.items()}
    # 弃权 participates but does not agree; no ballot does not participate.
    participating = [by_key[key] for key in parsed]
    agreeing = [by_key[key] for key, choice in parsed.items() if choice is Choice.AGREE]
    return TallyResult(
        total_area=_exact_sum(voter.area for voter in by_key.values()),
        total_headcount=len(by_key),
        participating_area=_exact_sum(voter.area for voter in participating),
        participating_headcount=len(participating),
        agreeing_area=_exact_sum(voter.area for voter in agreeing),
        agreeing_headcount=len(agreeing),
    )


# --- what it takes to pass (距离通过还差) ---------------------------------------------------


@dataclass(frozen=True)
class Shortfall:
    """How far one condition is from its threshold, counting only what voters who have not
    voted yet can still add by agreeing (a ballot already in is not assumed to change).

    `amount` is exact: for an area condition the area (㎡, a Fraction) still to add, for a
    headcount condition the number of voters. For the consent conditions it is the agreeing
    area or heads to add *as new participants*: x more agreeing area makes
    (A + x) / (P + x) ≥ 3/4 exactly when x ≥ 3P − 4A. `voters` is the fewest remaining
    voters, largest first, who close this gap alone; None when all of them are not enough.
    """

    condition: Condition
    met: bool
    amount: Fraction | int
    voters: int | None


@dataclass(frozen=True)
class ToPass:
    """What the motion still needs: `voters` is the fewest remaining voters who, by
    agreeing, carry it (0 when it has passed; None when no number of them can)."""

    possible: bool
    voters: int | None
    shortfalls: tuple[Shortfall, ...]

    def as_contract_dict(self) -> dict[str, object]:
        """The `tally --json` contract's "to_pass"."""
        return {"possible": self.possible, "voters": self.voters}


def _holds(result: TallyResult, k: int, area: Decimal, condition: Condition) -> bool:
    # `result` with k more voters of `area` in all who take part and agree.
    return TallyResult(
        total_area=result.total_area,
        total_headcount=result.total_headcount,
        participating_area=_EXACT.add(result.participating_area, area),
        participating_headcount=result.participating_headcount + k,
        agreeing_area=_EXACT.add(result.agreeing_area, area),
        agreeing_headcount=result.agreeing_headcount + k,
    ).met(condition)


def _gap(result: TallyResult, condition: Condition) -> Fraction | int:
    """The exact amount `condition` lacks, in new agreeing participants (≥ 0)."""
    part, whole = Fraction(result.part(condition)), Fraction(result.whole(condition))
    t = condition.threshold
    if condition.among_participants:
        # Both part and whole grow: (part + x)·d ≥ (whole + x)·n ⟺ x ≥ (n·whole − d·part) / (d − n).
        need = (t.numerator * whole - t.denominator * part) / (t.denominator - t.numerator)
    else:
        # Participation: part + x ≥ t·whole.
        need = t * whole - part
    need = max(need, Fraction(0))
    if condition.measure == "headcount":
        return -(-need.numerator // need.denominator)  # whole voters: the ceiling
    return need


def to_pass(result: TallyResult, remaining: Iterable[Decimal]) -> ToPass:
    """What it takes to pass, given the count so far and the areas of the voters who have
    not voted yet (`remaining`; empty once the vote has closed).

    Why the largest flats first give the minimum. Let k agreeing voters of total area s be
    added. The two headcount conditions depend on k alone. The participation area
    condition (P + s) / T ≥ 2/3 grows with s. The consent area condition
    (A + s) / (P + s) ≥ 3/4 grows with s too, since A ≤ P: (A + s) / (P + s) =
    1 − (P − A) / (P + s), and P − A ≥ 0 is fixed while P + s grows (s > 0 also lifts a
    zero P off "no participation"). So for a given k, if any k remaining voters carry the
    motion, the k largest do: their area is at least any other k's. And the k + 1 largest
    contain the k largest, with more area and one more head, so what holds at k holds at
    k + 1: the smallest k whose k largest carry the motion is the minimum over all
    subsets. `votes_to_pass` is checked against a brute force over every subset.
    """
    areas = sorted((_check_area(area, "未投票表决人") for area in remaining), reverse=True)
    # prefix[k]: the area of the k largest remaining voters.
    prefix = [Decimal(0)]
    for area in areas:
        prefix.append(_EXACT.add(prefix[-1], area))

    def carries(k: int) -> bool:
        return all(_holds(result, k, prefix[k], condition) for condition in CONDITIONS)

    def fewest(test) -> int | None:
        # Monotone in k (see above): the first k that holds.
        return next((k for k in range(len(areas) + 1) if test(k)), None)

    shortfalls = tuple(
        Shortfall(
            condition=condition,
            met=result.met(condition),
            amount=_gap(result, condition),
            voters=fewest(lambda k, c=condition: _holds(result, k, prefix[k], c)),
        )
        for condition in CONDITIONS
    )
    voters = fewest(carries)
    return ToPass(possible=voters is not None, voters=voters, shortfalls=shortfalls)


def votes_to_pass(voters: Sequence[Voter], choices: Mapping[str, Choice]) -> ToPass:
    """`to_pass` of a unit's vote: `voters` the roster, `choices` keyed by voter key as for
    `tally`; the voters without a choice are the ones who may still vote."""
    result = tally(voters, choices)
    return to_pass(result, (voter.area for voter in voters if voter.key not in choices))
