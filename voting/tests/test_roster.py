"""Reading roster and ballot files, and the exported roster: what an officer uploading a
spreadsheet sees (rows read, or every problem named by row and column)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from cases.models import AreaSource
from cases.validators import credit_code_check_char, id_number_check_char
from voting.roster import TableFileError, export_roster_xlsx, parse_ballots, parse_roster
from voting.rules import Choice

from .factories import ROSTER_HEADER, SAMPLE_ROSTER, sample_roster_rows, table_csv

PERSON = "35050319600101002" + id_number_check_char("35050319600101002")
SPOUSE = "35050319620202003" + id_number_check_char("35050319620202003")
COMPANY = "91350503MA1234567" + credit_code_check_char("91350503MA1234567")


def xlsx(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_of(data: bytes, name: str = "roster.csv") -> list[str]:
    with pytest.raises(TableFileError) as err:
        parse_roster(data, name)
    return err.value.messages


def test_the_sample_roster_reads_as_written():
    rows = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name)
    source = sample_roster_rows()
    assert [r.room for r in rows] == [s["房号"] for s in source]
    assert [r.area for r in rows] == [Decimal(s["专有部分面积"]) for s in source]
    co_owned = next(r for r in rows if len(r.owners) > 1)
    by_room = {s["房号"]: s for s in source}
    assert [o.name for o in co_owned.owners] == by_room[co_owned.room]["业主姓名"].split("、")
    developer = [r for r in rows if r.developer_held]
    assert len(developer) == 1 and developer[0].owners[0].name.endswith("公司")
    assert {r.area_source for r in rows} == {AreaSource.REGISTER, AreaSource.SURVEY, AreaSource.CONTRACT}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030(encoding):
    text = SAMPLE_ROSTER.read_bytes().decode("utf-8-sig")
    rows = parse_roster(text.encode(encoding), "名册.csv")
    assert len(rows) == len(sample_roster_rows())
    assert rows[0].owners[0].name == sample_roster_rows()[0]["业主姓名"]


def test_english_headers_any_column_order_and_every_owner_separator():
    header = ["owner_ids", "room", "area", "Owner Names", "floor", "certificate_no", "area_source", "developer_held"]
    data = table_csv(
        header,
        [
            [f"{PERSON};{SPOUSE}", "101", "88.5", "张三;李四", "1", "闽(2020)泉州市不动产权第1号", "survey", "no"],
            [f"{PERSON}；{SPOUSE}", "102", "90", "张三；李四", "1", "闽(2020)泉州市不动产权第2号", "contract", "否"],
            [COMPANY, "201", "70.10", "泉州某开发有限公司", "2", "闽(2020)泉州市不动产权第3号", "register", "yes"],
        ],
    )
    rows = parse_roster(data, "roster.csv")
    assert [r.room for r in rows] == ["101", "102", "201"]
    assert [o.id_number for o in rows[0].owners] == [PERSON, SPOUSE]
    assert [o.name for o in rows[1].owners] == ["张三", "李四"]
    assert rows[0].area == Decimal("88.50") and rows[1].area == Decimal("90.00")
    assert (rows[0].area_source, rows[1].area_source) == (AreaSource.SURVEY, AreaSource.CONTRACT)
    assert rows[2].developer_held and not rows[0].developer_held


def test_xlsx_with_numeric_cells_reads_exact_areas():
    data = xlsx(
        ROSTER_HEADER,
        [
            [101, 1, 115.7, "登记", "张三", PERSON, "否", "闽(2020)泉州市不动产权第1号"],
            [102, 1, 84.14, "实测", "李四", SPOUSE, "否", "闽(2020)泉州市不动产权第2号"],
        ],
    )
    rows = parse_roster(data, "名册.xlsx")
    assert [(r.room, r.floor, r.area) for r in rows] == [("101", 1, Decimal("115.70")), ("102", 1, Decimal("84.14"))]
    assert all(isinstance(r.area, Decimal) for r in rows)


def test_every_bad_row_is_named_by_row_and_column_at_once():
    good = ["101", "1", "80.00", "登记", "张三", PERSON, "否", "证1"]
    wrong_id = PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1")
    wrong_code = COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1")
    rows = [
        good,  # row 2
        ["102", "1", "abc", "登记", "李四", SPOUSE, "否", "证2"],  # 3: area not a number
        ["201", "2", "0", "登记", "王五", SPOUSE, "否", "证3"],  # 4: area zero
        ["202", "2", "80.123", "估算", "赵六", SPOUSE, "否", "证4"],  # 5: 3 decimals, unknown source
        ["301", "3", "80", "登记", "钱七", wrong_id, "否", "证5"],  # 6: ID checksum
        ["302", "3", "80", "登记", "某公司", wrong_code, "是", "证6"],  # 7: credit code checksum
        ["101", "1", "80", "登记", "张三", PERSON, "否", "证7"],  # 8: duplicate room
        ["401", "4", "80", "登记", "孙八、周九", PERSON, "否", "证8"],  # 9: 2 names, 1 ID
        ["402", "4", "80", "登记", "", SPOUSE, "否", "证9"],  # 10: no name
        ["", "4", "80", "登记", "吴十", SPOUSE, "也许", "证10"],  # 11: no room, bad yes/no
    ]
    problems = problems_of(table_csv(ROSTER_HEADER, rows))
    text = "\n".join(problems)
    expected = [
        ("第3行“专有部分面积”列", "不是数字"),
        ("第4行“专有部分面积”列", "必须大于0"),
        ("第5行“专有部分面积”列", "两位小数"),
        ("第5行“面积来源”列", "估算"),
        ("第6行“证件号码”列", "身份证号码"),
        ("第7行“证件号码”列", "统一社会信用代码"),
        ("第8行“房号”列", "与第2行重复"),
        ("第9行“证件号码”列", "业主姓名有2个而证件号码有1个"),
        ("第10行“业主姓名”列", "缺少业主姓名"),
        ("第11行“房号”列", "缺少房号"),
        ("第11行“开发商持有”列", "也许"),
    ]
    for where, what in expected:
        assert any(where in p and what in p for p in problems), f"{where} {what} not in:\n{text}"
    assert not any(p.startswith("第2行") for p in problems)  # the good row is not blamed


def test_missing_columns_are_named_with_their_english_header():
    data = table_csv(["房号", "楼层", "面积来源", "业主姓名", "证件号码"], [["101", "1", "登记", "张三", PERSON]])
    problems = problems_of(data)
    assert problems == ["第1行（表头）：缺少“专有部分面积”列（英文表头为 area）。"]


def test_one_id_number_with_two_names_is_refused():
    data = table_csv(
        ROSTER_HEADER,
        [
            ["101", "1", "80", "登记", "张三", PERSON, "否", "证1"],
            ["102", "1", "80", "登记", "张叁", PERSON, "否", "证2"],
        ],
    )
    assert any("第3行“业主姓名”列" in p and "第2行登记为“张三”" in p for p in problems_of(data))


def test_id_numbers_saved_as_excel_numbers_are_refused_with_advice():
    data = xlsx(ROSTER_HEADER, [[101, 1, 80, "登记", "张三", 3.50503196001e17, "否", "证1"]])
    assert any("文本" in p and "证件号码" in p for p in problems_of(data, "名册.xlsx"))


def test_old_excel_and_empty_files_are_explained():
    assert "另存为" in problems_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "名册.xls")[0]
    assert "空" in problems_of(b"", "名册.csv")[0]
    assert "没有任何房屋" in problems_of(table_csv(ROSTER_HEADER, []))[0]


def test_the_export_has_an_empty_choice_column_and_reads_back_as_the_same_roster(db):
    from .factories import sample_unit

    unit = sample_unit()
    flats = list(unit.flats.prefetch_related("ownerships__owner").order_by("floor", "room"))
    data = export_roster_xlsx(flats)
    sheet = load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    assert header == [*ROSTER_HEADER, "表决意见"]
    assert all(row[-1] is None for row in sheet.iter_rows(min_row=2, values_only=True))
    assert sheet.max_row == len(flats) + 1
    original = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name)
    again = parse_roster(data, "export.xlsx")
    key = lambda r: (r.room, r.floor, r.area, r.area_source, r.owners, r.developer_held, r.certificate_no)  # noqa: E731
    assert sorted(map(key, again)) == sorted(map(key, original))


def test_ballot_files_read_chinese_and_english_and_skip_blank_choices():
    data = table_csv(
        ["房号", "业主姓名", "表决意见"],
        [["101", "张三", "同意"], ["102", "李四", "disagree"], ["201", "王五", ""], ["202", "赵六", "弃权"]],
    )
    ballots = parse_ballots(data, "ballots.csv")
    assert [(b.line, b.room, b.choice) for b in ballots] == [
        (2, "101", Choice.AGREE),
        (3, "102", Choice.DISAGREE),
        (5, "202", Choice.ABSTAIN),
    ]
    english = parse_ballots(table_csv(["room", "choice"], [["101", "Abstain"]]), "b.csv")
    assert english[0].choice is Choice.ABSTAIN


def test_ballot_file_problems_are_named_by_row_and_column():
    data = table_csv(["房号", "表决意见"], [["101", "同意"], ["102", "赞成"], ["101", "反对"], ["", "同意"]])
    rows = parse_ballots(data, "b.csv")
    assert [(r.line, r.room) for r in rows] == [(2, "101")]
    # Collected, not raised: the service refuses them with the rooms the roster refuses.
    problems = rows.problems
    assert any("第3行“表决意见”列" in p and "赞成" in p for p in problems)
    assert any("第4行“房号”列" in p and "与第2行重复" in p for p in problems)
    assert any("第5行“房号”列" in p and "缺少房号" in p for p in problems)
