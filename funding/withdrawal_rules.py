"""The rules of a withdrawal (issue 15 §2), pure Python: no ORM, so they read and test alone.

Each refusal names its rule and the numbers, in Chinese, so the applicant and the clerk
see why. Money is Decimal to the fen throughout; a float never enters (parse_amount in
services_ledger refuses one before these run).

- 提取住房公积金: the applicant is the owner, their spouse or their child (a setting);
  once per flat; after the elevator's use registration and within a window after it
  (default 3 years); the amount at most the flat's share less its part of the subsidy.
- 使用住宅专项维修资金: applied for by the owner representative; once per flat; after the use
  registration, within a window (default 1 year); the flat keeps a minimum part of its
  fund (default 30%).
- Across the sources: provident fund + maintenance fund ≤ share − the flat's part of the
  subsidy (CAP below).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.workflow import TRANSITION_BY_NAME

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


# --- the moves of an application (the same vocabulary as the steps: cases.workflow) -------

SUBMITTED, RETURNED, APPROVED, REJECTED = "submitted", "returned", "approved", "rejected"

STATE_LABELS = {
    SUBMITTED: _("待审核"),
    RETURNED: _("退回补正"),
    APPROVED: _("已核准"),
    REJECTED: _("不予核准"),
}


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


MOVES: tuple[Move, ...] = (
    # The applicant hands in the application (None: it does not exist yet); a returned one is
    # corrected and handed in again, so the reviewer always decides what is in front of them.
    Move("submit", TRANSITION_BY_NAME["submit"].label, frozenset({None, RETURNED}), SUBMITTED),
    # Only a submitted application is decided.
    Move("approve", TRANSITION_BY_NAME["approve"].label, frozenset({SUBMITTED}), APPROVED),
    # A return keeps the application and the flat's one withdrawal: the reason says what to
    # correct (申请人补正后再提交).
    Move("return", TRANSITION_BY_NAME["return"].label, frozenset({SUBMITTED}), RETURNED, needs_reason=True),
    # A rejection ends this application with its reason and frees the flat to apply anew.
    Move("reject", TRANSITION_BY_NAME["reject"].label, frozenset({SUBMITTED}), REJECTED, needs_reason=True),
)
MOVE_BY_NAME = {m.name: m for m in MOVES}
DECISIONS = ("approve", "return", "reject")


class MoveNotAllowed(Exception):
    """A move the table does not allow from the application's state; the message names it."""


def move_for(name: str, state: str | None) -> Move:
    move = MOVE_BY_NAME.get(name)
    if move is None:
        raise MoveNotAllowed(gettext("未知操作：%(name)s") % {"name": name})
    if state not in move.sources:
        allowed = "、".join(str(STATE_LABELS[s]) for s in sorted(s for s in move.sources if s))
        raise MoveNotAllowed(
            gettext("“%(action)s”只能在%(allowed)s状态下进行，当前状态为“%(state)s”。")
            % {"action": move.label, "allowed": allowed, "state": STATE_LABELS.get(state, state)}
        )
    return move


# --- the rules, with what a jurisdiction set ------------------------------------------------


@dataclass(frozen=True)
class Rules:
    provident_relations: frozenset[str]
    provident_window_years: int
    maintenance_window_years: int
    maintenance_keep_percent: Decimal
    subsidy_per_elevator: Decimal | None


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def window_problem(*, registered_on: datetime.date | None, today: datetime.date, years: int, what: str) -> str | None:
    """Why `what` may not be applied for today, or None: before the use registration, or
    after the window that follows it."""
    if registered_on is None:
        return gettext("电梯尚未办理使用登记，%(what)s须在使用登记后申请。") % {"what": what}
    last = years_after(registered_on, years) - datetime.timedelta(days=1)
    if today > last:
        return gettext(
            "%(what)s须在电梯使用登记（%(registered)s）后%(years)s年内申请，即%(last)s前；申请期限已过。"
        ) % {"what": what, "registered": registered_on.isoformat(), "years": years, "last": last.isoformat()}
    return None


@dataclass(frozen=True)
class FlatCap:
    """What one flat may still receive across the sources (CAP: 公积金 + 维修资金 ≤ 分摊额 − 补贴)."""

    share: Decimal  # the flat's share of the cost (分摊额)
    subsidy_part: Decimal  # its part of the subsidy
    provident: Decimal  # live provident-fund applications of the flat (other than this one)
    maintenance: Decimal  # live maintenance-fund applications (other than this one)

    @property
    def limit(self) -> Decimal:
        return max(self.share - self.subsidy_part, ZERO)

    @property
    def left(self) -> Decimal:
        return max(self.limit - self.provident - self.maintenance, ZERO)


def cap_problem(*, cap: FlatCap, amount: Decimal, room: str) -> str | None:
    if amount <= cap.left:
        return None
    return gettext(
        "超过提取上限（公积金与维修资金合计不得超过分摊额减去补贴）：%(room)s室分摊额%(share)s元，"
        "应得补贴%(subsidy)s元，上限%(limit)s元；已申请公积金%(provident)s元、维修资金%(maintenance)s元，"
        "本次最多可申请%(left)s元，申请%(amount)s元。"
    ) % {
        "room": room,
        "share": cap.share,
        "subsidy": cap.subsidy_part,
        "limit": cap.limit,
        "provident": cap.provident,
        "maintenance": cap.maintenance,
        "left": cap.left,
        "amount": amount,
    }


def maintenance_most(*, balance: Decimal, keep_percent: Decimal) -> Decimal:
    """The most a flat may take from its maintenance fund: the balance less the part that
    stays, to the fen, rounded down (the part kept is never short of a fen)."""
    return (balance * (100 - keep_percent) / 100).quantize(FEN, rounding=ROUND_DOWN)


def percent_text(value: Decimal) -> str:
    """30.00 → "30", 12.50 → "12.5" (never "3E+1")."""
    return format(value.normalize(), "f")


def keep_problem(*, balance: Decimal, amount: Decimal, keep_percent: Decimal, room: str) -> str | None:
    most = maintenance_most(balance=balance, keep_percent=keep_percent)
    if amount <= most:
        return None
    return gettext(
        "超过维修资金可提取额：%(room)s室分户维修资金余额%(balance)s元，须留存不少于%(keep)s%%，"
        "最多可提取%(most)s元，申请%(amount)s元。"
    ) % {"room": room, "balance": balance, "keep": percent_text(keep_percent), "most": most, "amount": amount}


def relation_problem(*, relation: str, allowed: frozenset[str], labels: dict) -> str | None:
    if relation in allowed:
        return None
    names = "、".join(str(labels[r]) for r in labels if r in allowed)
    return gettext("申请人须为%(names)s，“%(relation)s”不能提取公积金用于本户加装电梯。") % {
        "names": names,
        "relation": labels.get(relation, relation),
    }
