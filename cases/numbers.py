"""Exact numbers as people read them. Pure stdlib: the vote's tally (voting/rules.py) and
the cost shares (funding) show their exact ratios through it."""

from fractions import Fraction


def format_percent(ratio: Fraction | None) -> str:
    """Show a ratio as a percentage with two decimals, half-up ("66.67%"); display only."""
    if ratio is None:
        return "—"
    # Work in hundredths of a percent with integers so rounding is exact.
    scaled = abs(Fraction(ratio)) * 10000
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        whole += 1
    sign = "-" if ratio < 0 and whole else ""
    return f"{sign}{whole // 100}.{whole % 100:02d}%"
