"""Joining later (后续加入), as the owners' agreement's default terms put it: a flat that did not
pay joins on its original share, undepreciated for the first years after the elevator's use
registration, then reduced in a straight line to nothing; what it pays is shared back to the
flats that paid, to the fen.

Pure Python, no ORM: the arithmetic alone, read and tested by itself (funding/tests). Time is
counted in whole months since the use registration (the day of the month reached counts the
month), so the factor is an exact fraction: (zero − months) / (zero − full) between the two
limits. Amounts are Decimals to the fen; never a float.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .costs import FEN, allocate

ONE = Fraction(1)


def whole_months(since: datetime.date, until: datetime.date) -> int:
    """Whole months from `since` to `until` (0 if `until` is not later): 2021-03-31 to
    2021-04-30 is 0 months, to 2021-05-01 is 1 (a month counts once its day is reached; a
    shorter month's last day counts as reached)."""
    if until <= since:
        return 0
    months = (until.year - since.year) * 12 + (until.month - since.month)
    if until.day < since.day:
        # The day has not come round yet this month, unless this month ends before it.
        following = (until.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        month_ends = following - datetime.timedelta(days=1)
        if not (until == month_ends and since.day > until.day):
            months -= 1
    return max(months, 0)


def factor(months: int, *, full_years: int, zero_years: int) -> Fraction:
    """The part of the original share a later joiner pays after `months`: 1 within
    `full_years`, 0 from `zero_years`, a straight line between."""
    if full_years < 0 or zero_years <= full_years:
        raise ValueError("后续加入的折旧年限设置不正确：全额年限须小于归零年限。")
    full, zero = full_years * 12, zero_years * 12
    if months <= full:
        return ONE
    if months >= zero:
        return Fraction(0)
    return Fraction(zero - months, zero - full)


def to_fen(value: Fraction) -> Decimal:
    """An exact amount to the fen, half a fen up (the usual rounding of a single amount)."""
    cents = value * 100
    whole = cents.numerator // cents.denominator
    if cents - whole >= Fraction(1, 2):
        whole += 1
    return (Decimal(whole) / 100).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LateJoinQuote:
    """What a later joiner pays and why: each number the page shows."""

    share: Decimal  # the flat's original share (the cost table's amount)
    registered_on: datetime.date  # the elevator's use registration
    on: datetime.date  # the day the amount is worked out for
    months: int  # whole months from the registration to that day
    full_years: int
    zero_years: int
    factor: Fraction
    amount: Decimal

    @property
    def years_text(self) -> str:
        years, months = divmod(self.months, 12)
        if not years:
            return f"{months}个月"
        return f"{years}年{months}个月" if months else f"{years}年"

    @property
    def factor_text(self) -> str:
        """The factor as the page prints it: 1, 0, or (180−87)/120 = 0.775 (to 4 places)."""
        if self.factor == 1:
            return "1"
        if self.factor == 0:
            return "0"
        full, zero = self.full_years * 12, self.zero_years * 12
        shown = Decimal(self.factor.numerator) / Decimal(self.factor.denominator)
        return f"({zero}−{self.months})/{zero - full} = {shown.quantize(Decimal('0.0001'))}"


def quote(
    *, share: Decimal, registered_on: datetime.date, on: datetime.date, full_years: int, zero_years: int
) -> LateJoinQuote:
    """The amount a later joiner pays on `on`: its original share times the factor, to the fen."""
    if not isinstance(share, Decimal) or share < 0:
        raise ValueError("原分摊金额须为非负的金额。")
    months = whole_months(registered_on, on)
    part = factor(months, full_years=full_years, zero_years=zero_years)
    return LateJoinQuote(
        share=share,
        registered_on=registered_on,
        on=on,
        months=months,
        full_years=full_years,
        zero_years=zero_years,
        factor=part,
        amount=to_fen(Fraction(share) * part),
    )


def share_back(amount: Decimal, paid: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The joiner's payment shared back to the flats that paid, in proportion to what each
    paid of its own share (`paid`: capped at the share by the caller), to the fen by the
    cost split's own largest-remainder method (`costs.allocate`): the parts add up to
    `amount` exactly."""
    weights = {k: v for k, v in paid.items() if v > 0}
    if not weights:
        raise ValueError("没有已出资的住户可以分回。")
    return allocate(amount, weights)
