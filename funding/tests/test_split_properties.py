"""Property tests (hypothesis) of every money split (issue 15 §4): the cost split among the flats,
the running costs' split in upkeep (the same function), a later joiner's payment shared back;
each sums exactly to its total, to the fen, and no flat gets more than its exact part rounded
up to the fen. Decimals throughout, never a float: funding's own modules are read for one.

Deterministic (derandomize) and modest in examples, so CI time stays small and a failure
repeats; no example database is written.
"""

import ast
import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

import upkeep.selectors
from funding import costs, latejoin_rules
from funding.selectors import _shares_of

FEN = Decimal("0.01")
CHECK = settings(max_examples=150, derandomize=True, deadline=None, database=None)

# Amounts to the fen up to the ledger's limit; weights as the coefficients are stored (two places).
amounts = st.integers(min_value=0, max_value=9_999_999_999).map(lambda fen: Decimal(fen) / 100)
coefficients = st.integers(min_value=0, max_value=99_999).map(lambda c: Decimal(c) / 100)
weight_maps = st.dictionaries(
    keys=st.text(alphabet="0123456789", min_size=3, max_size=4), values=coefficients, min_size=1, max_size=40
)
days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2060, 12, 31))


def _exact(total: Decimal, weights) -> dict:
    whole = sum((Fraction(w) for w in weights.values()), Fraction(0))
    return {k: (Fraction(total) * Fraction(w) / whole if whole else Fraction(0)) for k, w in weights.items()}


def _fen(value: Fraction, rounding) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(FEN, rounding=rounding)


def assert_exact_split(total: Decimal, weights, parts: dict) -> None:
    assert set(parts) == set(weights)
    assert all(isinstance(p, Decimal) and p.as_tuple().exponent == -2 for p in parts.values())
    if not any(weights.values()):
        assert all(p == 0 for p in parts.values())
        return
    assert sum(parts.values()) == total
    for key, exact in _exact(total, weights).items():
        # No flat pays (or gets) more than its exact part rounded up to the fen, nor less than
        # it rounded down: each is off by under a fen.
        assert _fen(exact, ROUND_FLOOR) <= parts[key] <= _fen(exact, ROUND_CEILING)
        assert abs(Fraction(parts[key]) - exact) < Fraction(1, 100)


@CHECK
@given(total=amounts, weights=weight_maps)
def test_the_cost_split_sums_to_the_total_to_the_fen(total, weights):
    assert_exact_split(total, weights, costs.allocate(total, weights))


@CHECK
@given(total=amounts, floors=st.lists(st.integers(min_value=1, max_value=33), min_size=1, max_size=60))
def test_the_cost_table_by_floor_coefficients_sums_to_the_shared_total(total, floors):
    flats = [SimpleNamespace(room=f"{floor}{i:02d}", floor=floor) for i, floor in enumerate(floors)]
    coefficients = {f: Decimal(f - 1) * Decimal("0.15") for f in set(floors)}  # the ground floor pays nothing
    weights, _share_of, amount_of = _shares_of(flats, coefficients, total)
    assert_exact_split(total, weights, amount_of)


def test_upkeep_shares_running_costs_with_the_same_split():
    # The running costs' split (upkeep.selectors.share_table) is funding's own, not a copy.
    assert upkeep.selectors.allocate_shares is costs.allocate_shares
    assert upkeep.selectors.shares is costs.shares


@CHECK
@given(total=amounts, weights=weight_maps)
def test_the_running_costs_split_by_exact_shares_sums_to_the_cost(total, weights):
    assert_exact_split(total, weights, costs.allocate_shares(total, costs.shares(weights)))


@CHECK
@given(
    amount=amounts.filter(lambda a: a > 0),
    paid=st.dictionaries(keys=st.text(alphabet="0123456789", min_size=3, max_size=4), values=amounts, min_size=1),
)
def test_a_later_joiners_payment_is_shared_back_exactly(amount, paid):
    if not any(v > 0 for v in paid.values()):
        return
    parts = latejoin_rules.share_back(amount, paid)
    payers = {k: v for k, v in paid.items() if v > 0}
    assert_exact_split(amount, payers, parts)
    if amount <= sum(payers.values()):
        # Nobody gets back more than it paid (give or take the last fen of rounding).
        assert all(parts[k] <= payers[k] + FEN for k in payers)


@CHECK
@given(share=amounts, registered=days, on=days, full=st.integers(0, 10), span=st.integers(1, 20))
def test_a_later_joiner_never_pays_more_than_its_share_nor_less_later(share, registered, on, full, span):
    zero = full + span
    quote = latejoin_rules.quote(share=share, registered_on=registered, on=on, full_years=full, zero_years=zero)
    assert isinstance(quote.amount, Decimal) and quote.amount.as_tuple().exponent == -2
    assert 0 <= quote.amount <= share
    assert 0 <= quote.factor <= 1
    if quote.months <= full * 12:
        assert quote.amount == share
    if quote.months >= zero * 12:
        assert quote.amount == 0
    assert abs(Fraction(quote.amount) - Fraction(share) * quote.factor) <= Fraction(1, 200)
    later = latejoin_rules.quote(
        share=share, registered_on=registered, on=on + datetime.timedelta(days=40), full_years=full, zero_years=zero
    )
    assert later.months >= quote.months and later.amount <= quote.amount


@CHECK
@given(since=days, until=days)
def test_whole_months_never_run_backwards(since, until):
    months = latejoin_rules.whole_months(since, until)
    assert months >= 0
    assert latejoin_rules.whole_months(since, until + datetime.timedelta(days=31)) >= months
    if until > since:
        assert months <= (until - since).days // 28


def test_no_float_in_funding():
    """Money is Decimal to the fen: no module of funding (tests aside) calls float(), writes a
    float literal or declares a FloatField (read from the syntax tree, so words in the
    docstrings do not count; `isinstance(x, float)`, which refuses one, does not either)."""
    root = Path(costs.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float"
            literal = isinstance(node, ast.Constant) and isinstance(node.value, float)
            field = isinstance(node, ast.Attribute) and node.attr == "FloatField"
            if called or literal or field:
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not found, "float in funding: " + ", ".join(found)
