"""The spreadsheets clerks upload and download: read without letting a broken or hostile
file take a worker down, write user text so that no spreadsheet program runs it.

Reading (`read_sheet`): the bytes of an .xlsx or a CSV, whatever Excel or WPS wrote, become
the non-blank rows of one sheet, each with its spreadsheet row number. What is refused, and
why, is said in the user's language with what to do instead (`TableFileError`), never a
traceback:

- the size of the file (`TABLE_MAX_BYTES`); an old .xls, a password-protected workbook, an
  .ods, a zip that is not a workbook, a file named .xlsx that is no zip;
- an .xlsx that would expand too far (a "zip bomb": a few MB that unpack to gigabytes): the
  zip's directory is checked before anything is unpacked, the total unpacked size against
  `TABLE_MAX_UNCOMPRESSED_BYTES` and each large member's compression ratio against
  `MAX_COMPRESSION_RATIO`. A member that unpacks to more than it declares fails its CRC
  check, so the declared sizes do bound the work. The sheet is then streamed (openpyxl's
  read-only mode), at most `MAX_COLUMNS` columns, stopping after `MAX_SCANNED_ROWS` rows
  (blank ones included) or once more than the caller's `max_rows` rows hold anything;
- a CSV: UTF-8 with or without a BOM, GB18030 (what Excel on a Chinese Windows writes as
  "CSV"), UTF-16 (Excel's "Unicode text"); separated by commas, tabs or semicolons (the
  separator that makes the header readable wins); an unclosed quote is named with the row
  it opened on.

Which sheet and which row hold the header the caller decides through `header_score` (how
many of its column names a row holds): the first sheet whose first `HEADER_ROWS` rows score
best is read, so a roster on the second sheet behind an empty or explanatory first one is
found, and `Sheet.position` says which was read.

Writing (`append_row`): every string goes into the cell as a string, never as a formula,
and one that a spreadsheet program would take for the start of a formula when the cell is
edited (= + - @, a tab or a line break first) carries the cell's "quote prefix" style, the
same as Excel's leading apostrophe: the cell shows and keeps exactly the text, so an
exported file reads back as it was written, and a cell like `=HYPERLINK(...)` is shown as
text, not run. Characters XML cannot hold (control characters) are dropped.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

__all__ = [
    "HEADER_ROWS",
    "MAX_COLUMNS",
    "Sheet",
    "TableFileError",
    "append_row",
    "read_sheet",
]

HEADER_ROWS = 10  # the header is looked for in a sheet's first rows (title rows above it are common)
MAX_COLUMNS = 50  # a roster has 9 columns; cells further right are not read
MAX_SCANNED_ROWS = 100_000  # rows read at most, blank ones included
MAX_COMPRESSION_RATIO = 100  # a real sheet's XML compresses 10 to 20 times
_RATIO_CHECKED_FROM = 1 << 20  # members under 1 MB unpacked cannot do harm whatever their ratio
_SEPARATORS = (",", "\t", ";")  # the first wins a tie
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and an encrypted .xlsx (Office wraps it in OLE2)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # category Cc but tab, CR, LF
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


class TableFileError(ValidationError):
    """The file cannot be used; `.messages` lists every problem, in the user's language."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(self.problems, code="table_file_invalid")


@dataclass
class Sheet:
    """The non-blank rows of the sheet that was read: (spreadsheet row number, cells)."""

    rows: list[tuple[int, list[object]]]
    name: str = ""  # the worksheet's name; "" for a CSV
    position: int = 1  # 1 = the first worksheet
    notes: list[str] = field(default_factory=list)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _blank(cells: Iterable[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _too_many_rows(max_rows: int) -> str:
    return _("文件超过 %(max)s 行数据（空行不计），请确认选择了正确的文件，或分成几个文件导入。") % {"max": max_rows}


def _collect(rows: Iterable[Sequence[object]], max_rows: int) -> list[tuple[int, list[object]]]:
    """The non-blank rows, numbered; refused past the caps (the header's rows allowed for)."""
    kept: list[tuple[int, list[object]]] = []
    for line, cells in enumerate(rows, start=1):
        if line > MAX_SCANNED_ROWS:
            raise TableFileError(
                [
                    _(
                        "工作表超过 %(max)s 行（含空行）：可能是大量空行设置了格式。请把数据复制到新的工作表，"
                        "另存后再导入。"
                    )
                    % {"max": MAX_SCANNED_ROWS}
                ]
            )
        if _blank(cells):
            continue  # blank rows, trailing ones above all, neither count nor stop the reading
        kept.append((line, list(cells[:MAX_COLUMNS])))
        if len(kept) > max_rows + HEADER_ROWS:
            raise TableFileError([_too_many_rows(max_rows)])
    return kept


def read_sheet(data: bytes, filename: str, *, header_score: Callable[[Sequence[object]], int], max_rows: int) -> Sheet:
    """The rows of the file's sheet that holds the header (see the module's docstring)."""
    limit = settings.TABLE_MAX_BYTES
    if len(data) > limit:
        raise TableFileError(
            [
                _("文件有 %(size)s MB，超过名册和选票文件的上限 %(max)s MB：请确认选择了正确的文件。")
                % {"size": _megabytes(len(data)), "max": _megabytes(limit)}
            ]
        )
    name = (filename or "").casefold()
    if data.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise TableFileError(
                [_("该 Excel 文件设置了打开密码（已加密），无法读取：请在 Excel 中取消密码后另存为 .xlsx，再导入。")]
            )
        raise TableFileError([_("不支持旧版 Excel（.xls）文件：请在 Excel 中“另存为” .xlsx 或 CSV（UTF-8）后再导入。")])
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _read_xlsx(data, header_score=header_score, max_rows=max_rows)
    if name.endswith((".xlsx", ".xlsm")):
        raise TableFileError(
            [
                _(
                    "文件名是 .xlsx，但内容不是 Excel 工作簿（可能是改了扩展名的其他文件）：如果它是 CSV 文件，"
                    "请把扩展名改为 .csv；否则请在 Excel 中打开后“另存为” .xlsx。"
                )
            ]
        )
    return _read_csv(data, header_score=header_score, max_rows=max_rows)


# --- .xlsx ---------------------------------------------------------------------------------


def _not_a_workbook() -> TableFileError:
    return TableFileError(
        [_("无法读取该文件：它不是有效的 .xlsx 工作簿，或已损坏。请在 Excel 中打开后“另存为” .xlsx 再导入。")]
    )


def _check_zip(data: bytes) -> None:
    """Refuse what is no workbook, and a workbook that unpacks too far, before unpacking."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:200]:
                raise TableFileError(
                    [_("这是 OpenDocument 表格（.ods），不是 .xlsx：请在 WPS 或 Excel 中“另存为” .xlsx 后再导入。")]
                )
    except zipfile.BadZipFile as exc:
        raise _not_a_workbook() from exc
    if any(member.flag_bits & 0x1 for member in members):
        raise TableFileError([_("该文件设置了密码（已加密），无法读取：请取消密码后另存为 .xlsx，再导入。")])
    if not any(name.startswith("xl/") for name in names):
        raise TableFileError(
            [_("该文件是压缩包或其他 Office 文档，不是 Excel 工作簿（.xlsx）：请选择名册或选票的 .xlsx 文件。")]
        )
    total = sum(member.file_size for member in members)
    cap = settings.TABLE_MAX_UNCOMPRESSED_BYTES
    ratio_exceeded = any(
        member.file_size > _RATIO_CHECKED_FROM
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > cap or ratio_exceeded:
        raise TableFileError(
            [
                _(
                    "该 .xlsx 文件解压后有 %(size)s MB（上限 %(max)s MB，压缩比不得超过 %(ratio)s 倍），"
                    "不像是一个梯号的名册或选票：请确认选择了正确的文件；如确是名册，请删除多余的工作表、"
                    "图片和空行后另存再导入。"
                )
                % {"size": _megabytes(total), "max": _megabytes(cap), "ratio": MAX_COMPRESSION_RATIO}
            ]
        )


def _read_xlsx(data: bytes, *, header_score: Callable[[Sequence[object]], int], max_rows: int) -> Sheet:
    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises a dozen kinds on a damaged file; all mean the same
        raise _not_a_workbook() from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            return Sheet(rows=[])
        best: tuple[tuple[int, bool], int] | None = None
        for position, sheet in enumerate(sheets, start=1):
            # The sheet's own <dimension> is not trusted: some programs write "A1" whatever the
            # sheet holds, and read-only openpyxl would then read one row. The caps above and
            # in `_collect` bound the reading instead.
            sheet.reset_dimensions()
            head = [list(r) for r in sheet.iter_rows(max_row=HEADER_ROWS, max_col=MAX_COLUMNS, values_only=True)]
            key = (max((header_score(row) for row in head), default=0), any(not _blank(row) for row in head))
            if best is None or key > best[0]:
                best = (key, position)
        position = best[1]
        sheet = sheets[position - 1]
        rows = _collect(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), max_rows)
        return Sheet(rows=rows, name=sheet.title, position=position)
    except TableFileError:
        raise
    except Exception as exc:  # a damaged sheet: the same as a damaged workbook
        raise _not_a_workbook() from exc
    finally:
        workbook.close()


# --- CSV -----------------------------------------------------------------------------------


def _not_a_table() -> TableFileError:
    return TableFileError([_("文件不是 CSV 或 .xlsx 表格（可能是图片、PDF 或其他文件）：请导入 .xlsx 或 CSV 文件。")])


def _decode(data: bytes) -> str:
    """The text of a CSV in any encoding Excel or WPS writes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]  # Excel's "Unicode text"
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8"]
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        if data[1::2].count(0) > len(data) // 4:
            encodings.append("utf-16-le")
        elif data[0::2].count(0) > len(data) // 4:
            encodings.append("utf-16-be")
        elif b"\x00" in data:
            raise _not_a_table()  # no text but UTF-16 has NUL bytes
        encodings.append("gb18030")  # Excel's "CSV" on a Chinese Windows; GBK is a subset
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableFileError([_("无法识别文件的字符编码：请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入。")])


def _csv_problem(line: int, exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return _(
            "第%(line)s行：有一个单元格超过 %(limit)s 个字符，多半是这一行的英文双引号没有配对（引号未闭合），"
            "其后的内容都被当成了同一个单元格：请检查第%(line)s行的引号，或在 Excel 中打开后重新“另存为” CSV。"
        ) % {"line": line, "limit": csv.field_size_limit()}
    if "unexpected end of data" in text:
        return _(
            "第%(line)s行：引号未闭合（这一行有单元格以英文双引号开头，直到文件末尾都没有结束的引号）：请补上"
            "或删去这个引号，或在 Excel 中打开后重新“另存为” CSV。"
        ) % {"line": line}
    return _(
        "第%(line)s行：引号用法不对（以英文双引号开头的单元格须以英文双引号结束，单元格中的双引号须写成两个）："
        "请修改这一行，或在 Excel 中打开后重新“另存为” CSV。"
    ) % {"line": line}


def _csv_records(text: str, separator: str) -> Iterable[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)


def _separator(text: str, header_score: Callable[[Sequence[object]], int]) -> str:
    """The separator that makes the best header of the first rows; commas on a tie."""
    best, best_score = ",", 0
    for separator in _SEPARATORS:
        score = 0
        records = _csv_records(text, separator)
        try:
            for _line, cells in zip(range(HEADER_ROWS), records, strict=False):
                score = max(score, header_score(cells))
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = separator, score
    return best


def _read_csv(data: bytes, *, header_score: Callable[[Sequence[object]], int], max_rows: int) -> Sheet:
    text = _decode(data)
    controls = len(_CONTROLS.findall(text))
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise _not_a_table()
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        # Many web systems "export to Excel" as an HTML table named .xls.
        raise TableFileError(
            [_("这是网页（HTML 或 XML）文件，不是表格：请在 Excel 中打开后“另存为” .xlsx 或 CSV（UTF-8），再导入。")]
        )
    separator = _separator(text, header_score)
    records = _csv_records(text, separator)

    def rows():
        line = 0
        try:
            for line, cells in enumerate(records, start=1):  # noqa: B007 - the row the error is on
                yield cells
        except csv.Error as exc:
            raise TableFileError([_csv_problem(line + 1, exc)]) from exc

    read = _collect(rows(), max_rows)
    notes = []
    if separator != ",":
        notes.append(
            _("文件以%(separator)s分隔，已按%(separator)s读取。")
            % {"separator": _("制表符") if separator == "\t" else _("分号")}
        )
    return Sheet(rows=read, notes=notes)


# --- writing -------------------------------------------------------------------------------


def append_row(sheet, values: Sequence[object]) -> None:
    """Append a row to an openpyxl worksheet, every string written as text (see above)."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl made "=…" a formula
            if cell.value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True
