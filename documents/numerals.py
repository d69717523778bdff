"""Amounts in capital Chinese numerals (大写金额), as banks and the owners' agreement write them.

Pure Python. The rules are those of the People's Bank's 《正确填写票据和结算凭证的基本规定》:
- digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟, sections 万 and 亿; "壹拾" keeps its 壹
  (壹拾万元整, never 拾万元整), so nothing can be written in front of it;
- one 零 for any run of zeros between non-zero digits (壹仟零伍元整, 壹拾万零壹佰元整);
- "整" after 元 when there are no 角 or 分, and after 角 when there are no 分 (the rules
  allow leaving it out after 角; we always close the amount, which is the point of 整);
- 分 without 角 takes a 零 (壹元零伍分); under one yuan the 元 is left out (伍角陆分).
"""

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_POSITION_UNITS = ("仟", "佰", "拾", "")  # within a four-digit section, high to low
_SECTION_UNITS = ("", "万", "亿", "万亿")  # sections of four digits, low to high
_FEN = Decimal("0.01")


def _section(value: int) -> str:
    """One four-digit section (1..9999) without leading zeros; inner zero runs become one 零."""
    out = []
    pending_zero = False
    for position, digit in enumerate(f"{value:04d}"):
        if digit == "0":
            pending_zero = bool(out)  # zeros before the first digit are the caller's business
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS[int(digit)] + _POSITION_UNITS[position])
    return "".join(out)


def integer_capital(value: int) -> str:
    """A whole number of yuan in capitals: 1005 -> 壹仟零伍, 100000 -> 壹拾万."""
    if value < 0:
        raise ValueError("金额不能为负数。")
    if value == 0:
        return "零"
    sections = []
    while value:
        value, section = divmod(value, 10000)
        sections.append(section)
    if len(sections) > len(_SECTION_UNITS):
        raise ValueError("金额过大。")
    out = []
    gap = False  # a zero section (or a section below 1000) after a higher one needs one 零
    for index in reversed(range(len(sections))):
        section = sections[index]
        if section == 0:
            gap = bool(out)
            continue
        if out and (gap or section < 1000):
            out.append("零")
        out.append(_section(section) + _SECTION_UNITS[index])
        gap = False
    return "".join(out)


def rmb_capital(amount: Decimal, *, prefix: str = "人民币") -> str:
    """人民币壹万贰仟叁佰肆拾伍元陆角柒分 for Decimal("12345.67"); exact to the fen or refused."""
    if not isinstance(amount, Decimal):
        # Money never passes through a float; an int is fine but say so explicitly.
        if isinstance(amount, int):
            amount = Decimal(amount)
        else:
            raise TypeError(f"金额必须是 Decimal，收到 {type(amount).__name__}")
    if not amount.is_finite() or amount < 0:
        raise ValueError("金额必须是非负数。")
    if amount != amount.quantize(_FEN):
        raise ValueError(f"金额只能精确到分：{amount}")
    fen_total = int(amount.quantize(_FEN) * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)

    if yuan == 0 and (jiao or fen):
        text = ""  # 伍角陆分, not 零元伍角陆分
    else:
        text = integer_capital(yuan) + "元"
    if jiao == 0 and fen == 0:
        text += "整"
    elif fen == 0:
        text += DIGITS[jiao] + "角整"
    elif jiao == 0:
        text += ("零" if yuan else "") + DIGITS[fen] + "分"
    else:
        text += DIGITS[jiao] + "角" + DIGITS[fen] + "分"
    return prefix + text
