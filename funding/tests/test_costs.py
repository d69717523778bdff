"""Cost sharing by floor coefficient: exact to the fen, summing to the total."""

from decimal import Decimal
from fractions import Fraction

import pytest

from cases.tests.factories import open_case
from funding import selectors, services
from funding.costs import allocate, shares


def test_amounts_add_up_to_the_total_to_the_fen():
    weights = {"101": Decimal("0"), "201": Decimal("0.6"), "301": Decimal("0.8"), "302": Decimal("0.8")}
    amounts = allocate(Decimal("100000.00"), weights)
    assert sum(amounts.values()) == Decimal("100000.00")
    assert amounts["101"] == Decimal("0.00")
    # Equal coefficients: equal amounts but for at most the one indivisible fen.
    assert abs(amounts["301"] - amounts["302"]) <= Decimal("0.01")
    assert shares(weights)["201"] == Fraction(6, 22)


def test_indivisible_fen_go_to_the_largest_remainders_and_still_add_up():
    amounts = allocate(Decimal("100.00"), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})
    assert sorted(amounts.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_negative_coefficients_are_refused_in_chinese():
    with pytest.raises(ValueError, match="不能为负数"):
        allocate(Decimal("1"), {"a": Decimal("-1")})


@pytest.mark.django_db
def test_the_case_table_shares_the_owners_money_only():
    case = open_case()
    services.case_set_funding(
        case=case,
        actor=None,
        amounts={"owners": Decimal("300000"), "provident_fund": Decimal("60000"), "maintenance_fund": Decimal("40000")},
    )
    rows = selectors.cost_sharing_table(case=case)
    assert sum(r["amount"] for r in rows) == Decimal("360000.00")
    ground = [r for r in rows if r["flat"].floor == 1]
    assert ground and all(r["amount"] == 0 for r in ground)  # the ground floor pays nothing by default


@pytest.mark.django_db
def test_every_floor_needs_a_coefficient():
    case = open_case()
    with pytest.raises(services.ValidationError, match="缺少分摊系数"):
        services.case_set_floor_coefficients(case=case, actor=None, coefficients={1: Decimal("0")})
