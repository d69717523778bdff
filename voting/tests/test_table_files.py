"""Roster and ballot files as clerks and strangers really send them (issue 9, §5 and §7):
broken CSV quoting, .xlsx files that unpack to gigabytes, old or encrypted Excel, other
encodings and separators, the roster on another sheet or under a title row, trailing blank
rows. Each is refused with a message saying what is wrong and what to do, or read right,
the same through the parser, `import_roster` / `import_ballots` (non-zero exit, nothing
saved) and the vote page (200 with the message, never a 500, nothing saved)."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from audit.models import AuditEvent
from cases.models import Case, Flat, Owner
from cases.tests.factories import UserFactory, open_case
from voting import selectors, spreadsheets
from voting.models import Ballot, BallotImport, Vote
from voting.roster import TableFileError, parse_ballots, parse_roster

from .factories import ROSTER_HEADER, VoteFactory, sample_case, sample_roster_rows, table_csv

pytestmark = pytest.mark.django_db

BALLOT_HEADER = ["房号", "表决意见"]
BALLOT_ROWS = [["101", "同意"], ["102", "反对"], ["201", "弃权"]]


def roster_rows() -> list[list[str]]:
    return [[row[h] for h in ROSTER_HEADER] for row in sample_roster_rows()]


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def repacked(data: bytes, *, change=None, extra: dict[str, bytes] | None = None) -> bytes:
    """The zip `data` with members changed by `change(name, content)` and `extra` added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item.filename, change(item.filename, content) if change else content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def bomb(header: list[str], rows: list[list[object]], *, padding: int) -> bytes:
    """A valid workbook whose sheet XML carries `padding` bytes of blanks: a few kB packed."""

    def pad(name: str, content: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return content.replace(b"<sheetData>", b"<sheetData>" + b" " * padding)
        return content

    return repacked(workbook({"名册": [header, *rows]}), change=pad)


def unclosed_quote_csv(header: list[str], rows: list[list[str]], *, tail: int) -> bytes:
    """Row 3 opens a quote that never closes; `tail` characters follow it."""
    text = table_csv(header, rows[:1]).decode() + '"' + ",".join(rows[1]) + "\r\n" + "x" * tail
    return text.encode()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# name -> (file name, bytes for a roster, bytes for a ballot file, what the message says)
BAD_FILES = {
    "unclosed quote, long field": (
        "x.csv",
        lambda: unclosed_quote_csv(ROSTER_HEADER, roster_rows(), tail=200_000),
        lambda: unclosed_quote_csv(BALLOT_HEADER, BALLOT_ROWS, tail=200_000),
        "第3行：有一个单元格超过 131072 个字符，多半是这一行的英文双引号没有配对（引号未闭合）",
    ),
    "unclosed quote": (
        "x.csv",
        lambda: unclosed_quote_csv(ROSTER_HEADER, roster_rows(), tail=10),
        lambda: unclosed_quote_csv(BALLOT_HEADER, BALLOT_ROWS, tail=10),
        "第3行：引号未闭合",
    ),
    "xlsx unpacking past the cap": (
        "x.xlsx",
        lambda: bomb(ROSTER_HEADER, roster_rows(), padding=25 * 1024 * 1024),
        lambda: bomb(BALLOT_HEADER, BALLOT_ROWS, padding=25 * 1024 * 1024),
        "该 .xlsx 文件解压后有 25 MB（上限 20 MB，",
    ),
    "xlsx compressed too far": (
        "x.xlsx",
        lambda: bomb(ROSTER_HEADER, roster_rows(), padding=3 * 1024 * 1024),
        lambda: bomb(BALLOT_HEADER, BALLOT_ROWS, padding=3 * 1024 * 1024),
        "压缩比不得超过 100 倍",
    ),
    "not a zip, named .xlsx": (
        "名册.xlsx",
        lambda: table_csv(ROSTER_HEADER, roster_rows()),
        lambda: table_csv(BALLOT_HEADER, BALLOT_ROWS),
        "文件名是 .xlsx，但内容不是 Excel 工作簿",
    ),
    "encrypted xlsx": (
        "x.xlsx",
        lambda: OLE2 + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512,
        lambda: OLE2 + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512,
        "设置了打开密码",
    ),
    "old .xls": (
        "x.xls",
        lambda: OLE2 + b"\x00" * 1024,
        lambda: OLE2 + b"\x00" * 1024,
        "不支持旧版 Excel（.xls）文件",
    ),
    "OpenDocument": (
        "x.ods",
        lambda: repacked(
            workbook({"a": [["a"]]}), extra={"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}
        ),
        lambda: repacked(
            workbook({"a": [["a"]]}), extra={"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}
        ),
        "OpenDocument 表格",
    ),
    "a zip that is no workbook": (
        "x.xlsx",
        lambda: repacked(workbook({"a": [["a"]]})).replace(b"xl/", b"zz/"),  # e.g. a .docx
        lambda: repacked(workbook({"a": [["a"]]})).replace(b"xl/", b"zz/"),
        "不是 Excel 工作簿",
    ),
    "damaged workbook": (
        "x.xlsx",
        lambda: repacked(workbook({"a": [["a"]]}), change=lambda name, content: b"<garbage"),
        lambda: repacked(workbook({"a": [["a"]]}), change=lambda name, content: b"<garbage"),
        "不是有效的 .xlsx 工作簿，或已损坏",
    ),
    "a picture": (
        "x.csv",
        lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "文件不是 CSV 或 .xlsx 表格",
    ),
    "a web page named .xls": (
        "x.xls",
        lambda: "<html><body><table><tr><td>房号</td></tr></table></body></html>".encode(),
        lambda: "<html><body><table><tr><td>房号</td></tr></table></body></html>".encode(),
        "这是网页（HTML 或 XML）文件，不是表格",
    ),
    "blank": ("x.csv", lambda: b" \r\n,,,\r\n", lambda: b" \r\n,,,\r\n", "文件是空的"),
    "over 2,000 rows": (
        "x.csv",
        lambda: table_csv(ROSTER_HEADER, [roster_rows()[0]] * 2001),
        lambda: table_csv(BALLOT_HEADER, [["101", "同意"]] * 2001),
        "文件超过 2000 行数据",
    ),
}


def counts() -> list[int]:
    return [m.objects.count() for m in (Flat, Owner, Case, Vote, Ballot, BallotImport, AuditEvent)]


@pytest.fixture
def officer(client):
    user = UserFactory(with_role="district_officer", full_name="陈晓东")
    client.force_login(user)
    return user


def post_file(client, case, action, name, data, **fields):
    payload = {"action": action, f"{action}-file": SimpleUploadedFile(name, data)}
    payload.update({f"{action}-{key}": value for key, value in fields.items()})
    return client.post(reverse("admin:voting_case_vote", args=[case.pk]), payload)


# --- refused files, three ways in ---------------------------------------------------------


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_roster_file_is_refused_with_a_message(kind):
    name, roster, _ballots, message = BAD_FILES[kind]
    with pytest.raises(TableFileError) as err:
        parse_roster(roster(), name)
    assert message in "\n".join(err.value.messages)


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_ballot_file_is_refused_with_a_message(kind):
    name, _roster, ballots, message = BAD_FILES[kind]
    with pytest.raises(TableFileError) as err:
        parse_ballots(ballots(), name)
    assert message in "\n".join(err.value.messages)


@pytest.mark.parametrize("kind", ["unclosed quote, long field", "xlsx unpacking past the cap", "encrypted xlsx"])
def test_import_roster_exits_non_zero_naming_the_problem_and_saves_nothing(tmp_path, kind):
    name, roster, _ballots, message = BAD_FILES[kind]
    path = tmp_path / name
    path.write_bytes(roster())
    before = counts()
    with pytest.raises(CommandError) as err:
        call_command(
            "import_roster", str(path), "--district", "丰泽区", "--address", "丰泽区东湖街道刺桐花园9幢",
            "--unit", "1单元", stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip
    assert message in str(err.value) and f"名册文件 {name} 有错误" in str(err.value)
    assert counts() == before


@pytest.mark.parametrize("kind", ["unclosed quote, long field", "xlsx unpacking past the cap", "old .xls"])
def test_import_ballots_exits_non_zero_naming_the_problem_and_saves_nothing(tmp_path, kind):
    case = sample_case()
    name, _roster, ballots, message = BAD_FILES[kind]
    path = tmp_path / name
    path.write_bytes(ballots())
    before = counts()
    with pytest.raises(CommandError) as err:
        call_command("import_ballots", case.number, str(path), stdout=StringIO(), stderr=StringIO())
    assert message in str(err.value)
    assert counts() == before


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_the_vote_page_shows_why_a_roster_upload_was_refused(client, officer, kind):
    case = open_case()
    name, roster, _ballots, message = BAD_FILES[kind]
    before = counts()
    response = post_file(client, case, "import_roster", name, roster())
    assert response.status_code == 200
    page = response.content.decode()
    assert "“导入业主名册”未完成" in page and message in page
    assert counts() == before


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_the_vote_page_shows_why_a_ballot_file_was_refused(client, officer, kind):
    vote = VoteFactory()
    name, _roster, ballots, message = BAD_FILES[kind]
    before = counts()
    response = post_file(client, vote.case, "ballot_file", name, ballots())
    assert response.status_code == 200
    page = response.content.decode()
    assert "“导入选票文件”未完成" in page and message in page
    assert counts() == before


def test_files_over_the_size_setting_are_refused_before_they_are_read(client, officer, tmp_path, settings):
    settings.TABLE_MAX_BYTES = 1000
    data = table_csv(ROSTER_HEADER, roster_rows())
    assert len(data) > 1000
    with pytest.raises(TableFileError, match="超过名册和选票文件的上限"):
        parse_roster(data, "x.csv")
    path = tmp_path / "名册.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="超过名册和选票文件的上限"):
        call_command(
            "import_roster", str(path), "--district", "丰泽区", "--address", "丰泽区东湖街道刺桐花园9幢",
            "--unit", "1单元", stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip
    case = open_case()
    before = counts()
    response = post_file(client, case, "import_roster", "名册.csv", data)
    assert response.status_code == 200 and "超过名册和选票文件的上限" in response.content.decode()
    assert counts() == before


def test_a_sheet_running_past_the_scanned_rows_is_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_SCANNED_ROWS", 100)
    rows = [ROSTER_HEADER, *roster_rows(), *([[None]] * 200), roster_rows()[0]]
    with pytest.raises(TableFileError, match="工作表超过 100 行（含空行）"):
        parse_roster(workbook({"名册": rows}), "x.xlsx")


# --- files read right ----------------------------------------------------------------------


def _rooms(rows) -> list[str]:
    return [row.room for row in rows]


SAMPLE_ROOMS = [row["房号"] for row in sample_roster_rows()]


def test_trailing_blank_rows_do_not_count_toward_the_row_limit():
    data = table_csv(ROSTER_HEADER, roster_rows() + [[""] * 8] * 2500)
    assert _rooms(parse_roster(data, "x.csv")) == SAMPLE_ROOMS
    book = workbook({"名册": [ROSTER_HEADER, *roster_rows(), *([[None, " "]] * 2500)]})
    assert _rooms(parse_roster(book, "x.xlsx")) == SAMPLE_ROOMS


def test_the_roster_on_the_second_sheet_is_found_and_named():
    for first in ([], [["填表说明：每套房屋一行，共有人以“、”分隔。"]]):
        book = workbook({"说明": first, "业主名册": [ROSTER_HEADER, *roster_rows()]})
        rows = parse_roster(book, "x.xlsx")
        assert _rooms(rows) == SAMPLE_ROOMS
        assert rows.notes == ["已读取第2个工作表“业主名册”（前面的工作表中没有表头）。"]
    ballots = parse_ballots(workbook({"Sheet1": [], "选票": [BALLOT_HEADER, *BALLOT_ROWS]}), "b.xlsx")
    assert _rooms(ballots) == ["101", "102", "201"] and "第2个工作表“选票”" in ballots.notes[0]


def test_a_title_row_above_the_header_is_skipped_and_rows_keep_their_numbers():
    rows = roster_rows()
    rows[1][2] = "abc"  # spreadsheet row 5: title, blank, header, then rows 4, 5, …
    data = table_csv(["刺桐花园1幢1单元业主名册"], [[""], ROSTER_HEADER, *rows])
    with pytest.raises(TableFileError) as err:
        parse_roster(data, "x.csv")
    assert err.value.messages == ["第5行“专有部分面积”列（C列）：面积“abc”不是数字（应写成如 79.60 的数字，单位㎡）。"]
    rows[1][2] = "80"
    book = workbook({"名册": [["刺桐花园1幢1单元业主名册"], [], ROSTER_HEADER, *rows]})
    parsed = parse_roster(book, "x.xlsx")
    assert _rooms(parsed) == SAMPLE_ROOMS and parsed[0].line == 4


def test_no_header_in_the_first_rows_is_said_so():
    data = table_csv(["甲", "乙"], [["1", "2"]])
    with pytest.raises(TableFileError) as err:
        parse_roster(data, "x.csv")
    assert err.value.messages[-1].startswith("前10行中没有找到表头")


@pytest.mark.parametrize(("separator", "named"), [("\t", "制表符"), (";", "分号")])
def test_tab_and_semicolon_separated_files_are_read(separator, named):
    text = "\r\n".join(separator.join(row) for row in [ROSTER_HEADER, *roster_rows()])
    rows = parse_roster(text.encode(), "x.csv")
    assert _rooms(rows) == SAMPLE_ROOMS
    assert rows.notes == [f"文件以{named}分隔，已按{named}读取。"]
    ballots = "\r\n".join(separator.join(row) for row in [BALLOT_HEADER, *BALLOT_ROWS])
    assert _rooms(parse_ballots(ballots.encode(), "b.txt")) == ["101", "102", "201"]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-16"),  # Excel's "Unicode text": UTF-16 with a BOM
        lambda text: text.encode("utf-16-le"),
        lambda text: text.encode("gb18030"),
        lambda text: codecs.encode("\ufeff" + text, "gb18030"),  # GB18030 with its own BOM
        lambda text: text.encode("utf-8-sig"),
    ],
    ids=["utf-16", "utf-16-le without BOM", "gb18030", "gb18030 with BOM", "utf-8 with BOM"],
)
def test_encodings_excel_and_wps_write(encode):
    text = "\r\n".join("\t".join(row) for row in [ROSTER_HEADER, *roster_rows()])
    rows = parse_roster(encode(text), "x.txt")
    assert _rooms(rows) == SAMPLE_ROOMS
    assert rows[0].owners[0].name == sample_roster_rows()[0]["业主姓名"].split("、")[0]


def test_an_undecodable_file_is_named_as_such():
    data = "房号,表决意见\r\n101,同意\r\n".encode("utf-8-sig")[:-6] + b"\xff\xfe\xfd"
    with pytest.raises(TableFileError, match="无法识别文件的字符编码"):
        parse_ballots(data, "b.csv")


def test_the_vote_page_says_which_sheet_was_read(client, officer):
    case = open_case()
    book = workbook({"说明": [], "业主名册": [ROSTER_HEADER, *roster_rows()]})
    response = post_file(client, case, "import_roster", "名册.xlsx", book)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已读取第2个工作表“业主名册”" in page
    assert sorted(case.unit.flats.values_list("room", flat=True)) == sorted(SAMPLE_ROOMS)


def test_import_ballots_reads_a_semicolon_file_and_says_so(tmp_path):
    case = sample_case()
    path = tmp_path / "选票.csv"
    path.write_bytes("\r\n".join(";".join(row) for row in [BALLOT_HEADER, *BALLOT_ROWS]).encode("gb18030"))
    out = StringIO()
    call_command("import_ballots", case.number, str(path), stdout=out, stderr=StringIO())
    assert "文件以分号分隔，已按分号读取。" in out.getvalue()
    vote = selectors.open_vote_of(case=case)
    assert vote.ballots.count() == 3


def test_a_sheet_whose_dimension_understates_it_is_read_whole():
    """Some programs write <dimension ref="A1"/> whatever the sheet holds; read-only openpyxl
    trusted it and read the header alone."""
    book = workbook({"名册": [ROSTER_HEADER, *roster_rows()]})

    def understate(name: str, content: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', content)
        return content

    assert _rooms(parse_roster(repacked(book, change=understate), "x.xlsx")) == SAMPLE_ROOMS


def _separated(rows: list[list[str]], separator: str) -> str:
    return "\r\n".join(separator.join(row) for row in rows)


# name -> (file name, roster bytes, ballot bytes): files clerks save that must import as written
GOOD_FILES = {
    "trailing blank rows": (
        "x.csv",
        lambda: table_csv(ROSTER_HEADER, roster_rows() + [[""] * 8] * 2500),
        lambda: table_csv(BALLOT_HEADER, BALLOT_ROWS + [["", ""]] * 2500),
    ),
    "second sheet": (
        "x.xlsx",
        lambda: workbook({"Sheet1": [], "名册": [ROSTER_HEADER, *roster_rows()]}),
        lambda: workbook({"Sheet1": [], "选票": [BALLOT_HEADER, *BALLOT_ROWS]}),
    ),
    "title row": (
        "x.xlsx",
        lambda: workbook({"名册": [["某某花园1幢1单元"], ROSTER_HEADER, *roster_rows()]}),
        lambda: workbook({"选票": [["某某花园1幢1单元选票汇总"], BALLOT_HEADER, *BALLOT_ROWS]}),
    ),
    "UTF-16 tab-separated": (
        "x.txt",
        lambda: _separated([ROSTER_HEADER, *roster_rows()], "\t").encode("utf-16"),
        lambda: _separated([BALLOT_HEADER, *BALLOT_ROWS], "\t").encode("utf-16"),
    ),
    "GB18030 semicolons": (
        "x.csv",
        lambda: _separated([ROSTER_HEADER, *roster_rows()], ";").encode("gb18030"),
        lambda: _separated([BALLOT_HEADER, *BALLOT_ROWS], ";").encode("gb18030"),
    ),
}


@pytest.mark.parametrize("kind", list(GOOD_FILES))
def test_import_roster_and_the_vote_page_take_files_as_clerks_save_them(client, officer, tmp_path, kind):
    name, roster, _ballots = GOOD_FILES[kind]
    path = tmp_path / name
    path.write_bytes(roster())
    out = StringIO()
    call_command(
        "import_roster", str(path), "--district", "丰泽区", "--address", "丰泽区东湖街道刺桐花园9幢",
        "--unit", "1单元", stdout=out, stderr=StringIO(),
    )  # fmt: skip
    number = out.getvalue().splitlines()[-1]
    assert sorted(Case.objects.get(number=number).unit.flats.values_list("room", flat=True)) == sorted(SAMPLE_ROOMS)
    case = open_case()
    response = post_file(client, case, "import_roster", name, roster())
    assert response.status_code == 302
    assert sorted(case.unit.flats.values_list("room", flat=True)) == sorted(SAMPLE_ROOMS)


@pytest.mark.parametrize("kind", list(GOOD_FILES))
def test_import_ballots_and_the_vote_page_take_ballot_files_as_clerks_save_them(client, officer, tmp_path, kind):
    name, _roster, ballots = GOOD_FILES[kind]
    case = sample_case()
    path = tmp_path / name
    path.write_bytes(ballots())
    call_command("import_ballots", case.number, str(path), stdout=StringIO(), stderr=StringIO())
    assert selectors.open_vote_of(case=case).ballots.count() == 3
    vote = VoteFactory()
    response = post_file(client, vote.case, "ballot_file", name, ballots())
    assert response.status_code == 302
    assert vote.ballots.count() == 3
