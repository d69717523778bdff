"""How the owners share the cost: a floor-coefficient table, exact to the fen.

Pure Python. The guidance leaves cost sharing to the owners' agreement; the common way
([practice]) is a coefficient per floor, the ground floor paying nothing, rising with the
floor. Each flat's share is its floor's coefficient over the sum for all flats; amounts are
rounded to the fen by the largest-remainder method so they add up to the total exactly.
"""

from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

FEN = Decimal("0.01")


def shares(weights: Mapping[str, Decimal]) -> dict[str, Fraction]:
    """Each key's exact share of the whole; all zero weights give all zero shares."""
    total = sum((Fraction(w) for w in weights.values()), Fraction(0))
    if any(w < 0 for w in weights.values()):
        raise ValueError("分摊系数不能为负数。")
    if total == 0:
        return {k: Fraction(0) for k in weights}
    return {k: Fraction(w) / total for k, w in weights.items()}


def allocate(total: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Split `total` yuan by `weights`, to the fen, summing exactly to `total`."""
    return allocate_shares(total, shares(weights))


def allocate_shares(total: Decimal, share_of: Mapping[str, Fraction]) -> dict[str, Decimal]:
    """Split `total` yuan by exact shares (from `shares`), to the fen, summing exactly to
    `total`: for a caller that shows the shares too and need not work them out twice."""
    if total < 0:
        raise ValueError("分摊总额不能为负数。")
    exact = {k: Fraction(total) * s for k, s in share_of.items()}
    if not any(exact.values()):
        return {k: Decimal("0.00") for k in share_of}
    floor = {k: Decimal(v.numerator * 100 // v.denominator) / 100 for k, v in exact.items()}
    left_fen = int((total.quantize(FEN, rounding=ROUND_DOWN) - sum(floor.values())) / FEN)
    # The fen left over go to the largest remainders; ties by key, so the result is stable.
    order = sorted(exact, key=lambda k: (-(exact[k] * 100 - int(exact[k] * 100)), k))
    for k in order[:left_fen]:
        floor[k] += FEN
    return {k: v.quantize(FEN) for k, v in floor.items()}
