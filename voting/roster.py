"""Reading roster and ballot spreadsheets (.xlsx or .csv) and writing the roster as .xlsx.

A roster file has one row per flat. Headers in Chinese or English, columns in any order:

    房号 room · 楼层 floor · 专有部分面积 area · 面积来源 area_source (登记/实测/合同 or
    register/survey/contract) · 业主姓名 owner_names · 证件号码 owner_ids · 开发商持有
    developer_held (是/否 or yes/no; blank = 否) · 不动产权证号 certificate_no

Several owners in one cell are separated by 、 ; or ；, names and ID numbers in the same
order. Every row is checked and every problem is reported at once, in the user's language
(the headers and values it quotes stay as the file has them), naming the row (as the
spreadsheet numbers it: the header is row 1) and the column; a file with any problem gives
no rows at all, so nothing is half-imported.

A ballot file has 房号 room and 表决意见 choice (同意/反对/弃权 or agree/disagree/abstain);
other columns are ignored, so the exported roster with its 表决意见 column filled in is a
ballot file. A row whose 表决意见 is blank is no ballot (that owner did not return one).
Its rows are checked the same way, but refused only once the unit's roster is known
(`ballot_problems`), so that a room not in the roster is named with all the rest.

How a file is read safely (size and unpacking caps, encodings, separators, the sheet and
the header row found among title rows and explanatory sheets) is `voting.spreadsheets`;
this module knows the columns. What it refuses beyond the obviously wrong: areas that can
be misread (`79,60`), text a spreadsheet would run as a formula (`=HYPERLINK(…)`),
co-owners separated by anything but 、 ; ；, and one owner marked developer-held on one
flat and not on another. Areas outside the usual range for a flat are refused until the
clerk confirms them (`UnusualAreasError`).

Parsing only reads bytes; `voting.services` does the writing.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cases.models import AreaSource
from cases.services import OwnerData
from cases.validators import is_valid_credit_code, is_valid_id_number, normalize_id

from .rules import Choice
from .spreadsheets import HEADER_ROWS, TableFileError, append_row, read_sheet

__all__ = [
    "BALLOT_COLUMNS",
    "ROSTER_COLUMNS",
    "BallotRow",
    "BallotRows",
    "RosterRow",
    "RosterRows",
    "TableFileError",
    "UnusualAreasError",
    "ballot_problems",
    "export_roster_xlsx",
    "parse_ballots",
    "parse_roster",
    "split_cell",
]

MAX_ROWS = 2000  # far above any elevator unit; stops a wrong file from running long
MAX_FLOOR = 60  # a building has 2 to 60 floors (cases.Building constraint)
MAX_AREA = Decimal("9999999.99")  # cases.Flat.area: max_digits=9, decimal_places=2
OWNER_SEPARATORS = re.compile(r"[、;；]")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str  # the English header
    label: str  # the Chinese header
    required: bool = True


ROSTER_COLUMNS: tuple[Column, ...] = (
    Column("room", "房号"),
    Column("floor", "楼层"),
    Column("area", "专有部分面积"),
    Column("area_source", "面积来源"),
    Column("owner_names", "业主姓名"),
    Column("owner_ids", "证件号码"),
    Column("developer_held", "开发商持有", required=False),
    # Optional here: the eligibility gate names every flat without a certificate.
    Column("certificate_no", "不动产权证号", required=False),
)
BALLOT_COLUMNS: tuple[Column, ...] = (Column("room", "房号"), Column("choice", "表决意见"))
CHOICE_HEADER = "表决意见"

_AREA_SOURCES = {
    **{str(label): value for value, label in AreaSource.choices},
    **{value: value for value in AreaSource.values},
}
_YES = {"是", "yes", "y", "true", "1"}
_NO = {"否", "no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RosterRow:
    line: int  # the spreadsheet's row number
    room: str
    floor: int
    area: Decimal
    area_source: str  # an AreaSource value
    owners: tuple[OwnerData, ...]
    developer_held: bool
    certificate_no: str


@dataclass(frozen=True)
class BallotRow:
    line: int
    room: str
    choice: Choice


# --- reading a table ---------------------------------------------------------------------


def _header_key(text: object) -> str:
    """'专有部分面积（㎡）', ' Area ', 'area-source' → '专有部分面积', 'area', 'area_source'."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().lstrip("\ufeff")
    value = re.sub(r"\s*\([^)]*\)\s*$", "", value)  # a trailing unit such as (m2)
    return re.sub(r"[\s\-]+", "_", value.strip()).casefold()


# CJK compatibility ideographs (U+F900–FAFF, U+2F800–2FA1F) are distinct characters a name
# may be registered with; NFKC would replace them by their unified look-alikes, so a name
# would not come back as written. Everything else is NFKC-normalised (full-width digits,
# letters and punctuation become ASCII).
_COMPATIBILITY_IDEOGRAPHS = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f])")


def _normalize(text: str) -> str:
    if not _COMPATIBILITY_IDEOGRAPHS.search(text):
        return unicodedata.normalize("NFKC", text)
    parts = _COMPATIBILITY_IDEOGRAPHS.split(text)
    return "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _normalize(str(value)).strip()


def _column_letter(index: int) -> str:
    return get_column_letter(index + 1)


@dataclass
class _Table:
    """The data rows of a file, with each known column's position and header as written."""

    columns: dict[str, tuple[int, str]]  # key -> (index, header text)
    rows: list[tuple[int, list[object]]]  # (spreadsheet row number, cells)
    notes: list[str]  # what the clerk should know about how the file was read

    def cell(self, row: list[object], key: str) -> object:
        if key not in self.columns:
            return None
        index = self.columns[key][0]
        return row[index] if index < len(row) else None

    def where(self, line: int, key: str) -> str:
        index, header = self.columns[key]
        return _("第%(line)s行“%(header)s”列（%(letter)s列）") % {
            "line": line,
            "header": header,
            "letter": _column_letter(index),
        }

    def problem(self, line: int, key: str, text: str) -> str:
        """One problem of one cell: where it is, then what is wrong."""
        return _("%(where)s：%(problem)s。") % {"where": self.where(line, key), "problem": text}


def _known_headers(spec: Sequence[Column]) -> dict[str, Column]:
    known = {}
    for column in spec:
        known[_header_key(column.key)] = column
        known[_header_key(column.label)] = column
    return known


def _table(data: bytes, filename: str, spec: Sequence[Column], empty: str) -> _Table:
    """The file's table; `empty` is the problem reported for a file with nothing in it.

    The header is the row of the first `HEADER_ROWS` that names most of the columns (a
    title row or two above it is common); the sheet is the first that has such a row."""
    known = _known_headers(spec)

    def score(cells: Sequence[object]) -> int:
        return len({known[key].key for key in map(_header_key, cells) if key in known})

    sheet = read_sheet(data, filename, header_score=score, max_rows=MAX_ROWS)
    if not sheet.rows:
        raise TableFileError([empty])
    candidates = sheet.rows[:HEADER_ROWS]
    best = max(range(len(candidates)), key=lambda i: (score(candidates[i][1]), -i))
    header_line, header = candidates[best]
    notes = list(sheet.notes)
    if sheet.position > 1:
        notes.append(
            _("已读取第%(position)s个工作表“%(name)s”（前面的工作表中没有表头）。")
            % {"position": sheet.position, "name": sheet.name}
        )
    problems = []
    columns: dict[str, tuple[int, str]] = {}
    for index, text in enumerate(header):
        column = known.get(_header_key(text))
        if column is None:
            continue
        if column.key in columns:
            first = _column_letter(columns[column.key][0])
            second = _column_letter(index)
            problems.append(
                _("第%(line)s行（表头）：“%(label)s”列出现了两次（%(first)s列和%(second)s列）。")
                % {"line": header_line, "label": column.label, "first": first, "second": second}
            )
            continue
        columns[column.key] = (index, _cell_text(text))
    for column in spec:
        if column.required and column.key not in columns:
            problems.append(
                _("第%(line)s行（表头）：缺少“%(label)s”列（英文表头为 %(key)s）。")
                % {"line": header_line, "label": column.label, "key": column.key}
            )
    if problems:
        if not columns:
            problems.append(
                _("前%(rows)s行中没有找到表头：表头应有“%(labels)s”等列名，请核对文件。")
                % {"rows": HEADER_ROWS, "labels": "”“".join(c.label for c in spec if c.required)}
            )
        raise TableFileError(problems)
    body = [(line, row) for line, row in sheet.rows if line > header_line]
    if len(body) > MAX_ROWS:
        raise TableFileError(
            [_("文件超过 %(max)s 行数据（空行不计），请确认选择了正确的文件，或分成几个文件导入。") % {"max": MAX_ROWS}]
        )
    return _Table(columns=columns, rows=body, notes=notes)


def split_cell(value: object) -> list[str]:
    """'苏国燕、丁霞' → ['苏国燕', '丁霞']; separators 、 ; ；."""
    return [part.strip() for part in OWNER_SEPARATORS.split(_cell_text(value)) if part.strip()]


def _room(value: object) -> str:
    # "101室" and "101" are the same room; full-width digits are normalised by _cell_text.
    text = _cell_text(value)
    return text[:-1].strip() if text.endswith("室") else text


def _duplicate_room(room: str, first_line: int) -> str:
    return _("房号“%(room)s”与第%(line)s行重复") % {"room": room, "line": first_line}


# --- rosters -----------------------------------------------------------------------------


_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_GROUPED_NUMBER = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")  # 1,234.56: thousands grouped by three
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")  # 79,60: a decimal comma, or a thousands group cut short
_FLOAT_NOISE = Decimal("1e-9")
_CENT = Decimal("0.01")


def _parse_area(value: object) -> tuple[Decimal | None, str]:
    """The area as an exact Decimal, or an error text.

    A text area is taken only when it cannot be misread: digits with a decimal point
    (`79.60`), or thousands grouped by three before it (`1,234.56`). A comma anywhere else
    (`79,60`, `79，60`, `1,23`) could be a decimal comma, and stripping it would store
    7960 ㎡ for 79.60, so it is refused with what to write."""
    if isinstance(value, bool):
        return None, _("面积“%(value)s”不是数字") % {"value": value}
    if isinstance(value, int | float):
        # A number cell; a float's repr is the shortest text that reads back as the same double.
        text = written = repr(value)
        number = text
    else:
        written = str(value).strip()
        text = _cell_text(value)  # NFKC: full-width digits and "，" become ASCII
        text = re.sub(r"\s*(m2|平方米|平米)$", "", text, flags=re.IGNORECASE)  # NFKC turns ㎡ into m2
        if not text:
            return None, _("缺少专有部分面积")
        if _PLAIN_NUMBER.fullmatch(text):
            number = text
        elif _GROUPED_NUMBER.fullmatch(text):
            number = text.replace(",", "")
        elif _DECIMAL_COMMA.fullmatch(text):
            return None, _(
                "面积“%(value)s”中的逗号无法确定是小数点还是千位分隔符：小数点请用英文句点，如“%(fixed)s”"
            ) % {"value": written, "fixed": text.replace(",", ".")}
        elif "," in text:
            return None, _(
                "面积“%(value)s”中的逗号位置不对（千位分隔符须每三位一个，如 1,234.56）：请写成不带逗号的数字，"
                "小数点用英文句点，如 79.60"
            ) % {"value": written}
        else:
            return None, _("面积“%(value)s”不是数字（应写成如 79.60 的数字，单位㎡）") % {"value": written}
    try:
        area = Decimal(number)
    except InvalidOperation:
        return None, _("面积“%(value)s”不是数字") % {"value": written}
    if not area.is_finite():
        return None, _("面积“%(value)s”不是数字") % {"value": written}
    if area <= 0:
        return None, _("面积“%(value)s”必须大于0") % {"value": written}
    if area > MAX_AREA:
        return None, _("面积“%(value)s”过大") % {"value": written}
    rounded = area.quantize(_CENT)
    if area != rounded:
        # Excel stores a shown 86.39 as the double 86.389999999999986: noise this small is
        # the binary number, not a third decimal the clerk wrote.
        if abs(area - rounded) > _FLOAT_NOISE:
            return None, _("面积“%(value)s”最多保留两位小数（单位：㎡）") % {"value": written}
    return rounded, ""


def _parse_floor(value: object) -> tuple[int | None, str]:
    if isinstance(value, bool):
        return None, _("楼层“%(value)s”不是整数") % {"value": value}
    text = _cell_text(value)
    if not text:
        return None, _("缺少楼层")
    text = re.sub(r"(层|楼|f)$", "", text, flags=re.IGNORECASE)
    if not re.fullmatch(r"\d+", text):
        return None, _("楼层“%(value)s”不是正整数") % {"value": _cell_text(value)}
    floor = int(text)
    if not 1 <= floor <= MAX_FLOOR:
        return None, _("楼层“%(value)s”应在1至%(max)s之间") % {"value": floor, "max": MAX_FLOOR}
    return floor, ""


def _identity_problem(id_number: str) -> str:
    """Why an ID number or credit code is not valid; empty when it is."""
    if is_valid_id_number(id_number) or is_valid_credit_code(id_number):
        return ""
    if len(id_number) != 18:
        return _("证件号码“%(id)s”应为18位（身份证号码或统一社会信用代码），实为%(length)s位") % {
            "id": id_number,
            "length": len(id_number),
        }
    if re.fullmatch(r"\d{17}[\dX]", id_number):
        return _("身份证号码“%(id)s”校验位或出生日期错误（GB 11643），请核对") % {"id": id_number}
    return _("统一社会信用代码“%(id)s”校验位错误（GB 32100），请核对") % {"id": id_number}


_FORMULA_STARTS = ("=", "+", "-", "@")
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_WRONG_OWNER_SEPARATORS = re.compile(r"[/,\s]")  # NFKC made "，" a comma


def _shorten(text: str, length: int = 30) -> str:
    return text if len(text) <= length else text[:length] + "…"


def _text_problem(text: str) -> str:
    """Why a room, owner name or certificate number cannot be stored as written; "" when it can.

    Text starting with = + - @ is refused rather than stored: the exported roster writes it
    as text (`spreadsheets.append_row`), but the same text pasted or typed into another
    spreadsheet, or exported by another program, would run as a formula, and no real room,
    name or certificate number starts so. Control and text-direction characters are
    invisible and would make a name read differently from what is stored."""
    if text.startswith(_FORMULA_STARTS):
        return _(
            "“%(value)s”以“%(first)s”开头，电子表格程序会把它当作公式运行：请删去开头的“%(first)s”"
            "（房号、业主姓名和不动产权证号不能以 = + - @ 开头）"
        ) % {"value": _shorten(text), "first": text[0]}
    if any(unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS for ch in text):
        return _("“%(value)s”中有看不见的控制字符（如换行、制表符或文字方向控制符）：请删去后重新填写") % {
            "value": _shorten(
                "".join(ch for ch in text if unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS)
            )
        }
    return ""


def _owner_cell_problem(text: str, *, what: str) -> str:
    """Co-owners written on several lines of one cell: say to use 、."""
    if "\n" in text or "\r" in text:
        return _("一格中有换行：多名共有人的%(what)s请写在同一行，以“、”分隔") % {"what": what}
    return ""


class RosterRows(list[RosterRow]):
    """What `parse_roster` gives: the rows, and in `notes` what the clerk should know about
    how the file was read (another sheet than the first, a separator other than commas)."""

    def __init__(self, rows: Iterable[RosterRow], notes: Iterable[str] = ()):
        super().__init__(rows)
        self.notes = list(notes)


class UnusualAreasError(TableFileError):
    """The roster is right but for areas outside the usual range for one flat
    (`FLAT_AREA_USUAL_MIN`–`FLAT_AREA_USUAL_MAX` ㎡), each named by row: imported only when
    the clerk confirms them (`parse_roster(..., confirm_areas=True)`). The caller says how
    to confirm: on the command line `--confirm-areas`, on the vote page a checkbox."""


def _unusual_area(area: Decimal) -> str:
    low, high = Decimal(settings.FLAT_AREA_USUAL_MIN), Decimal(settings.FLAT_AREA_USUAL_MAX)
    if area > high:
        return _(
            "面积 %(area)s ㎡ 大于一套房屋的常见上限 %(max)s ㎡，请核对（是否多写了一位，或把小数点写成了逗号）"
        ) % {"area": area, "max": high}
    if area < low:
        return _("面积 %(area)s ㎡ 小于一套房屋的常见下限 %(min)s ㎡，请核对") % {"area": area, "min": low}
    return ""


def parse_roster(data: bytes, filename: str = "", *, confirm_areas: bool = False) -> RosterRows:
    """Every row of a roster file, or `TableFileError` naming every problem.

    Areas outside the usual range are refused with `UnusualAreasError` (when they are the
    file's only problems) unless `confirm_areas`: the clerk has checked them."""
    table = _table(data, filename, ROSTER_COLUMNS, _("文件是空的：没有表头，也没有房屋数据。"))
    problems: list[str] = []
    unusual: list[str] = []
    parsed: list[RosterRow] = []
    first_line_of_room: dict[str, int] = {}
    name_of_id: dict[str, tuple[str, int]] = {}
    # ID number -> developer_held -> the rows: the same owner both developer-held and not.
    holding_of_id: dict[str, dict[bool, list[int]]] = {}

    for line, row in table.rows:
        row_problems: list[str] = []

        def bad(key: str, text: str, _line: int = line, _problems: list[str] = row_problems) -> None:
            _problems.append(table.problem(_line, key, text))

        room = _room(table.cell(row, "room"))
        if not room:
            bad("room", _("缺少房号"))
        elif problem := _text_problem(room):
            bad("room", problem)
        elif len(room) > 16:
            bad("room", _("房号“%(room)s”过长（最多16个字符）") % {"room": room})
        elif room in first_line_of_room:
            bad("room", _duplicate_room(room, first_line_of_room[room]))
        else:
            first_line_of_room[room] = line

        floor, error = _parse_floor(table.cell(row, "floor"))
        if error:
            bad("floor", error)
        area, error = _parse_area(table.cell(row, "area"))
        if error:
            bad("area", error)
        elif not confirm_areas and (problem := _unusual_area(area)):
            unusual.append(table.problem(line, "area", problem))

        source_text = _cell_text(table.cell(row, "area_source"))
        area_source = _AREA_SOURCES.get(source_text.casefold())
        if not source_text:
            bad("area_source", _("缺少面积来源（登记、实测或合同）"))
        elif area_source is None:
            bad("area_source", _("未知的面积来源“%(value)s”，应为“登记”“实测”或“合同”") % {"value": source_text})

        developer_text = _cell_text(table.cell(row, "developer_held")).casefold()
        developer_held = developer_text in _YES
        if developer_text not in _YES | _NO:
            bad("developer_held", _("“%(value)s”无法识别，应填“是”或“否”") % {"value": developer_text})

        certificate_no = _cell_text(table.cell(row, "certificate_no"))
        if problem := _text_problem(certificate_no):
            bad("certificate_no", problem)
        elif len(certificate_no) > 64:
            bad("certificate_no", _("不动产权证号过长（最多64个字符）"))

        raw_names = _cell_text(table.cell(row, "owner_names"))
        raw_ids = table.cell(row, "owner_ids")
        names = split_cell(raw_names)
        ids = [normalize_id(part) for part in split_cell(raw_ids)]
        id_cell_problem = ""
        if isinstance(raw_ids, float):
            id_cell_problem = _("证件号码被保存为数字，已丢失位数：请把该列设置为“文本”格式后重新填写")
        elif problem := _owner_cell_problem(_cell_text(raw_ids), what=_("证件号码")):
            id_cell_problem = problem
        elif any(_WRONG_OWNER_SEPARATORS.search(id_number) for id_number in ids):
            id_cell_problem = _(
                "“%(value)s”不是一个证件号码：多名共有人的证件号码请以“、”分隔（不要用“/”、逗号或空格），"
                "业主姓名按相同顺序以“、”分隔"
            ) % {"value": _shorten(_cell_text(raw_ids), 60)}
        if id_cell_problem:
            bad("owner_ids", id_cell_problem)
            ids = []
        if problem := _owner_cell_problem(raw_names, what=_("姓名")):
            bad("owner_names", problem)
            names = []
        elif not names:
            bad("owner_names", _("缺少业主姓名"))
        for name in names:
            if problem := _text_problem(name):
                bad("owner_names", problem)
            elif len(name) > 100:
                bad("owner_names", _("业主姓名“%(name)s…”过长（最多100个字符）") % {"name": name[:20]})
        if not ids and not id_cell_problem:
            bad("owner_ids", _("缺少证件号码"))
        if names and ids and len(names) != len(ids):
            mismatch = _("业主姓名有%(names)s个而证件号码有%(ids)s个，二者须按相同顺序一一对应（多人以“、”分隔）") % {
                "names": len(names),
                "ids": len(ids),
            }
            if any(_WRONG_OWNER_SEPARATORS.search(name) for name in names):
                mismatch += _("；业主姓名中的“/”、逗号或空格请改为“、”")
            bad("owner_ids", mismatch)
        seen_in_row = set()
        for position, id_number in enumerate(ids, start=1):
            problem = _identity_problem(id_number)
            if problem and len(ids) > 1:
                # Which of the cell's ID numbers: "第2个" before the problem.
                problem = _("第%(position)s个%(problem)s") % {"position": position, "problem": problem}
            if problem:
                bad("owner_ids", problem)
            elif id_number in seen_in_row:
                bad("owner_ids", _("证件号码“%(id)s”在同一格中出现了两次") % {"id": id_number})
            seen_in_row.add(id_number)
        if names and len(names) == len(ids):
            for name, id_number in zip(names, ids, strict=True):
                earlier = name_of_id.get(id_number)
                if earlier is not None and earlier[0] != name:
                    bad(
                        "owner_names",
                        _(
                            "证件号码“%(id)s”在第%(line)s行登记为“%(earlier)s”，此处为“%(name)s”，"
                            "同一证件号码只能对应一名业主"
                        )
                        % {"id": id_number, "line": earlier[1], "earlier": earlier[0], "name": name},
                    )
                else:
                    name_of_id.setdefault(id_number, (name, line))
                holding_of_id.setdefault(id_number, {}).setdefault(developer_held, []).append(line)

        problems.extend(row_problems)
        if not row_problems:
            parsed.append(
                RosterRow(
                    line=line,
                    room=room,
                    floor=floor,
                    area=area,
                    area_source=area_source,
                    owners=tuple(OwnerData(name=n, id_number=i) for n, i in zip(names, ids, strict=True)),
                    developer_held=developer_held,
                    certificate_no=certificate_no,
                )
            )
    problems.extend(_developer_problems(table, holding_of_id, name_of_id))
    if not table.rows and not problems:
        problems.append(_("文件只有表头，没有任何房屋数据。"))
    if problems:
        raise TableFileError(sorted(problems + unusual, key=_line_of))
    if unusual:
        raise UnusualAreasError(unusual)
    return RosterRows(parsed, table.notes)


def _line_of(problem: str) -> int:
    """The row a problem names first (problems are reported in row order)."""
    found = re.search(r"\d+", problem)
    return int(found.group()) if found else 0


def _developer_problems(
    table: _Table, holding_of_id: dict[str, dict[bool, list[int]]], name_of_id: dict[str, tuple[str, int]]
) -> list[str]:
    """An owner with one flat marked developer-held (开发商持有) and another not.

    Refused, not merely confirmed: all developer-held flats are one voter, and the owner's
    other flats a second one, so one legal person would count twice in the headcount (SPC
    interpretation art. 9: one person holding several flats is one voter). No reading of
    the file makes that count right; the clerk marks the owner's flats alike."""
    problems = []
    for id_number, holding in holding_of_id.items():
        if True in holding and False in holding:
            line = holding[False][0]
            problem = _(
                "业主“%(name)s”（证件号码%(id)s）的房屋在第%(held)s行标为开发商持有，在第%(not_held)s行未标："
                "同一业主的房屋要么全部标为“是”（开发商未售或未交付的房屋），要么全部标为“否”，否则会被计为两个表决人"
            ) % {
                "name": name_of_id[id_number][0],
                "id": id_number,
                "held": "、".join(map(str, holding[True])),
                "not_held": "、".join(map(str, holding[False])),
            }
            key = "developer_held" if "developer_held" in table.columns else "owner_ids"
            problems.append(table.problem(line, key, problem))
    return problems


# --- ballot files ------------------------------------------------------------------------


@dataclass(frozen=True)
class _BallotLine:
    """One filled row of a ballot file, good or bad, with what the file itself gets wrong."""

    line: int
    room: str  # as written, "" when blank
    room_problem: str = ""  # the room is missing or repeats an earlier row's
    choice_problem: str = ""  # the choice is unreadable


class BallotRows(list[BallotRow]):
    """What `parse_ballots` gives: a list of the file's readable ballots, in file order, and
    in `problems` what is wrong with its other rows, every one of them, by row and column.

    Whether a room is in the unit's roster only the roster can tell, so the rows are not
    refused here: `voting.services.ballots_import` calls `ballot_problems` with the unit's
    rooms and refuses the file naming the file's problems and the unknown rooms together,
    in row order. A caller that records rows any other way must refuse a file with
    `problems` itself."""

    def __init__(self, rows: Iterable[BallotRow], lines: Iterable[_BallotLine], notes: Iterable[str] = ()):
        super().__init__(rows)
        self.lines = tuple(lines)
        self.notes = list(notes)  # how the file was read (see `RosterRows`)

    @property
    def problems(self) -> list[str]:
        return [text for line in self.lines for text in (line.room_problem, line.choice_problem) if text]


def _unknown_room(line: int, room: str) -> str:
    return _("第%(line)s行“房号”列：房号“%(room)s”不在本梯业主名册中。") % {"line": line, "room": room}


def ballot_problems(rows: Sequence[BallotRow], *, rooms: Container[str]) -> list[str]:
    """Every problem of a ballot file once the unit's `rooms` are known, in row order and,
    within a row, column order: the file's own (from `parse_ballots`) and each room the
    roster does not list, the rooms of rows with an unreadable choice included."""
    lines = rows.lines if isinstance(rows, BallotRows) else [_BallotLine(line=r.line, room=r.room) for r in rows]
    problems: list[str] = []
    for line in lines:
        if line.room_problem:
            problems.append(line.room_problem)
        elif line.room not in rooms:
            problems.append(_unknown_room(line.line, line.room))
        if line.choice_problem:
            problems.append(line.choice_problem)
    return problems


def parse_ballots(data: bytes, filename: str = "") -> BallotRows:
    """The ballots of a filled ballot file (a `BallotRows`). A file that cannot be read, or
    has no usable header or no filled row, raises `TableFileError`; the problems of single
    rows are all collected in `.problems` (see `BallotRows`), so that they are reported
    together with the rooms the roster refuses. A row with a room but a blank 表决意见 is no
    ballot (the owner did not return one)."""
    table = _table(data, filename, BALLOT_COLUMNS, _("文件是空的：没有表头，也没有选票数据。"))
    ballots: list[BallotRow] = []
    lines: list[_BallotLine] = []
    first_line_of_room: dict[str, int] = {}
    for line, row in table.rows:
        room = _room(table.cell(row, "room"))
        choice_text = _cell_text(table.cell(row, "choice"))
        if not choice_text:
            continue
        room_problem = choice_problem = ""
        if not room:
            room_problem = table.problem(line, "room", _("缺少房号"))
        elif room in first_line_of_room:
            room_problem = table.problem(line, "room", _duplicate_room(room, first_line_of_room[room]))
        else:
            first_line_of_room[room] = line
        try:
            choice = Choice.parse(choice_text)
        except ValueError:
            choice = None
            choice_problem = table.problem(
                line,
                "choice",
                _("无法识别的表决意见“%(value)s”，应为“同意”“反对”或“弃权”") % {"value": choice_text},
            )
        lines.append(_BallotLine(line=line, room=room, room_problem=room_problem, choice_problem=choice_problem))
        if choice is not None and not room_problem:
            ballots.append(BallotRow(line=line, room=room, choice=choice))
    if not lines:
        raise TableFileError([_("文件中没有任何已填写表决意见的行。")])
    return BallotRows(ballots, lines, table.notes)


# --- export ------------------------------------------------------------------------------


def export_roster_xlsx(flats: Iterable, *, title: str = "业主名册") -> bytes:
    """The roster as .xlsx, with an empty 表决意见 column for paper ballots.

    `flats` are cases.Flat rows with `ownerships__owner` prefetched. Full ID numbers are
    written (the file is re-importable); the caller logs the export as personal data.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    headers = [column.label for column in ROSTER_COLUMNS] + [CHOICE_HEADER]
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for flat in flats:
        owners = [ownership.owner for ownership in flat.ownerships.all()]
        append_row(
            sheet,
            [
                flat.room,
                flat.floor,
                flat.area,
                str(AreaSource(flat.area_source).label),
                "、".join(owner.name for owner in owners),
                "、".join(owner.id_number for owner in owners),
                "是" if flat.developer_held else "否",
                flat.certificate_no,
                None,
            ],
        )
    last = sheet.max_row
    # Rooms, ID numbers and certificates are text: Excel must not turn them into numbers.
    for letter in ("A", "F", "H"):
        for (cell,) in sheet[f"{letter}2:{letter}{max(last, 2)}"]:
            cell.number_format = "@"
    for (cell,) in sheet[f"C2:C{max(last, 2)}"]:
        cell.number_format = "0.00"
    choices = DataValidation(type="list", formula1='"同意,反对,弃权"', allow_blank=True)
    choices.error = "请填写“同意”“反对”或“弃权”"
    sheet.add_data_validation(choices)
    choices.add(f"I2:I{max(last, 2)}")
    for letter, width in zip("ABCDEFGHI", (8, 6, 14, 10, 24, 44, 10, 36, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
