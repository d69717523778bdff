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

Parsing only reads bytes; `voting.services` does the writing.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import AreaSource
from cases.services import OwnerData
from cases.validators import is_valid_credit_code, is_valid_id_number, normalize_id

from .rules import Choice

__all__ = [
    "BALLOT_COLUMNS",
    "ROSTER_COLUMNS",
    "BallotRow",
    "BallotRows",
    "RosterRow",
    "TableFileError",
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


class TableFileError(ValidationError):
    """The file cannot be used; `.messages` lists every problem, in the user's language."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(self.problems, code="table_file_invalid")


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


def _read_rows(data: bytes, filename: str) -> list[list[object]]:
    """All rows of the file's first sheet, cells as the reader gives them."""
    name = (filename or "").casefold()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableFileError([_("不支持旧版 Excel（.xls）文件：请在 Excel 中“另存为” .xlsx 或 CSV（UTF-8）后再导入。")])
    if data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def _read_xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableFileError(
            [_("无法读取该 Excel 文件（%(error)s）：请确认是 .xlsx 格式。") % {"error": exc.__class__.__name__}]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                raise TableFileError([_too_many_rows()])
        return rows
    finally:
        workbook.close()


def _too_many_rows() -> str:
    return _("文件超过 %(max)s 行，请确认选择了正确的文件。") % {"max": MAX_ROWS}


def _read_csv(data: bytes) -> list[list[object]]:
    # Excel on a Chinese Windows saves CSV in GB18030 (GBK); elsewhere UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly any byte string
        raise TableFileError([_("无法识别文件编码：请保存为 UTF-8 或 GB18030 编码的 CSV 文件。")])
    if "\x00" in text:
        raise TableFileError([_("文件不是 CSV 或 .xlsx 表格：请导入 .xlsx 或 CSV 文件。")])
    rows = []
    for row in csv.reader(io.StringIO(text, newline="")):
        rows.append(list(row))
        if len(rows) > MAX_ROWS + 1:
            raise TableFileError([_too_many_rows()])
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@dataclass
class _Table:
    """The data rows of a file, with each known column's position and header as written."""

    columns: dict[str, tuple[int, str]]  # key -> (index, header text)
    rows: list[tuple[int, list[object]]]  # (spreadsheet row number, cells)

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


def _table(data: bytes, filename: str, spec: Sequence[Column], empty: str) -> _Table:
    """The file's table; `empty` is the problem reported for a file with nothing in it."""
    rows = _read_rows(data, filename)
    # The header is the first non-blank row (a title row above it would be a mistake we name).
    start = next((i for i, row in enumerate(rows) if any(_cell_text(c) for c in row)), None)
    if start is None:
        raise TableFileError([empty])
    header = rows[start]
    known = {}
    for column in spec:
        known[_header_key(column.key)] = column
        known[_header_key(column.label)] = column
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
                % {"line": start + 1, "label": column.label, "first": first, "second": second}
            )
            continue
        columns[column.key] = (index, _cell_text(text))
    for column in spec:
        if column.required and column.key not in columns:
            problems.append(
                _("第%(line)s行（表头）：缺少“%(label)s”列（英文表头为 %(key)s）。")
                % {"line": start + 1, "label": column.label, "key": column.key}
            )
    if problems:
        raise TableFileError(problems)
    body = [(start + 1 + offset, row) for offset, row in enumerate(rows[start + 1 :], start=1)]
    body = [(line, row) for line, row in body if any(_cell_text(c) for c in row)]
    return _Table(columns=columns, rows=body)


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


def _parse_area(value: object) -> tuple[Decimal | None, str]:
    """The area as an exact Decimal, or an error text."""
    if isinstance(value, bool):
        return None, _("面积“%(value)s”不是数字") % {"value": value}
    if isinstance(value, float):
        # The shortest text that reads back as the same binary number: what the cell showed.
        text = repr(value)
    else:
        text = _cell_text(value)
        text = re.sub(r"\s*(m2|平方米|平米)$", "", text, flags=re.IGNORECASE)  # NFKC turns ㎡ into m2
    if not text:
        return None, _("缺少专有部分面积")
    try:
        area = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, _("面积“%(value)s”不是数字") % {"value": text}
    if not area.is_finite():
        return None, _("面积“%(value)s”不是数字") % {"value": text}
    if area <= 0:
        return None, _("面积“%(value)s”必须大于0") % {"value": text}
    if area.as_tuple().exponent < -2 and area != area.quantize(Decimal("0.01")):
        return None, _("面积“%(value)s”最多保留两位小数（单位：㎡）") % {"value": text}
    if area > MAX_AREA:
        return None, _("面积“%(value)s”过大") % {"value": text}
    return area.quantize(Decimal("0.01")), ""


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


def parse_roster(data: bytes, filename: str = "") -> list[RosterRow]:
    """Every row of a roster file, or `TableFileError` naming every problem."""
    table = _table(data, filename, ROSTER_COLUMNS, _("文件是空的：没有表头，也没有房屋数据。"))
    problems: list[str] = []
    parsed: list[RosterRow] = []
    first_line_of_room: dict[str, int] = {}
    name_of_id: dict[str, tuple[str, int]] = {}

    for line, row in table.rows:
        row_problems: list[str] = []

        def bad(key: str, text: str, _line: int = line, _problems: list[str] = row_problems) -> None:
            _problems.append(table.problem(_line, key, text))

        room = _room(table.cell(row, "room"))
        if not room:
            bad("room", _("缺少房号"))
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
        if len(certificate_no) > 64:
            bad("certificate_no", _("不动产权证号过长（最多64个字符）"))

        names = split_cell(table.cell(row, "owner_names"))
        raw_ids = table.cell(row, "owner_ids")
        ids = [normalize_id(part) for part in split_cell(raw_ids)]
        if isinstance(raw_ids, float):
            bad("owner_ids", _("证件号码被保存为数字，已丢失位数：请把该列设置为“文本”格式后重新填写"))
            ids = []
        if not names:
            bad("owner_names", _("缺少业主姓名"))
        for name in names:
            if len(name) > 100:
                bad("owner_names", _("业主姓名“%(name)s…”过长（最多100个字符）") % {"name": name[:20]})
        if not ids and not isinstance(raw_ids, float):
            bad("owner_ids", _("缺少证件号码"))
        if names and ids and len(names) != len(ids):
            bad(
                "owner_ids",
                _("业主姓名有%(names)s个而证件号码有%(ids)s个，二者须按相同顺序一一对应（多人以“、”分隔）")
                % {"names": len(names), "ids": len(ids)},
            )
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
    if not table.rows and not problems:
        problems.append(_("文件只有表头，没有任何房屋数据。"))
    if problems:
        raise TableFileError(problems)
    return parsed


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

    def __init__(self, rows: Iterable[BallotRow], lines: Iterable[_BallotLine]):
        super().__init__(rows)
        self.lines = tuple(lines)

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
    return BallotRows(ballots, lines)


# --- export ------------------------------------------------------------------------------


def export_roster_xlsx(flats: Iterable, *, title: str = "业主名册") -> bytes:
    """The roster as .xlsx, with an empty 表决意见 column for paper ballots.

    `flats` are cases.Flat rows with `ownerships__owner` prefetched. Full ID numbers are
    written (the file is re-importable); the caller logs the export as personal data.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    headers = [column.label for column in ROSTER_COLUMNS] + [CHOICE_HEADER]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for flat in flats:
        owners = [ownership.owner for ownership in flat.ownerships.all()]
        sheet.append(
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
            ]
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
