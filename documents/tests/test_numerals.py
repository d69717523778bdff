"""Capital numerals (大写金额) as the owners' agreement prints them."""

from decimal import Decimal

import pytest

from documents.numerals import integer_capital, rmb_capital


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("12345.67", "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("1005", "人民币壹仟零伍元整"),
        ("100000", "人民币壹拾万元整"),
        ("100000.00", "人民币壹拾万元整"),
        ("0", "人民币零元整"),
        ("0.00", "人民币零元整"),
        ("10", "人民币壹拾元整"),
        ("15", "人民币壹拾伍元整"),
        ("110", "人民币壹佰壹拾元整"),
        ("1010", "人民币壹仟零壹拾元整"),
        ("10005", "人民币壹万零伍元整"),
        ("100100", "人民币壹拾万零壹佰元整"),
        ("1000001", "人民币壹佰万零壹元整"),
        ("107000.53", "人民币壹拾万柒仟元伍角叁分"),
        ("380000.00", "人民币叁拾捌万元整"),
        ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),
        ("1.05", "人民币壹元零伍分"),
        ("0.50", "人民币伍角整"),
        ("0.56", "人民币伍角陆分"),
        ("0.05", "人民币伍分"),
        ("20.50", "人民币贰拾元伍角整"),
        ("100010000", "人民币壹亿零壹万元整"),
        ("100000001", "人民币壹亿零壹元整"),
        ("9999999999.99", "人民币玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("18095.24", "人民币壹万捌仟零玖拾伍元贰角肆分"),
    ],
)
def test_capital_numerals(amount, expected):
    assert rmb_capital(Decimal(amount)) == expected


def test_integer_capital_keeps_one_zero_per_gap():
    assert integer_capital(1000) == "壹仟"
    assert integer_capital(1001) == "壹仟零壹"
    assert integer_capital(10100) == "壹万零壹佰"
    assert integer_capital(2000_0000) == "贰仟万"
    assert integer_capital(2000_0300) == "贰仟万零叁佰"


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("1.005"), Decimal("NaN"), Decimal("Infinity")])
def test_refuses_what_is_not_an_amount_to_the_fen(bad):
    with pytest.raises(ValueError):
        rmb_capital(bad)


def test_refuses_floats():
    with pytest.raises(TypeError):
        rmb_capital(12.5)
