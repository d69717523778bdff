"""The command-line contract (issue 4, section 4): officials' bulk work and the acceptance
checks use it, so it is tested as a user of the commands sees it: printed lines, the JSON,
exit on error, and nothing changed after an error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from cases.models import Building, Case, ElevatorUnit, Flat, Owner, Ownership
from cases.validators import id_number_check_char
from voting.models import Ballot, BallotImport, Vote

from .factories import SAMPLE_BALLOTS, SAMPLE_ROSTER, SAMPLE_TALLY, ballot_csv, roster_csv, sample_roster_rows

pytestmark = pytest.mark.django_db

ADDRESS = "丰泽区东湖街道刺桐花园9幢"
NEW_OWNER_ID = "35050319600101002" + id_number_check_char("35050319600101002")


def run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


MOTION = ("--scheme", "在北侧增设一部无机房电梯，平层入户", "--budget", "420,000")


def import_roster(path, *, district="丰泽区", address=ADDRESS, unit="1单元", motion=MOTION) -> list[str]:
    """The contract's import_roster, recording the motion a vote needs unless `motion=()`."""
    return run("import_roster", str(path), "--district", district, "--address", address, "--unit", unit, *motion)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def snapshot() -> dict[str, int]:
    """Row counts of everything the commands may write."""
    models = (Building, ElevatorUnit, Flat, Owner, Ownership, Case, Vote, Ballot, BallotImport, AuditEvent)
    return {model.__name__: model.objects.count() for model in models}


def test_the_shared_sample_comes_out_exactly():
    number = import_roster(SAMPLE_ROSTER)[-1]
    run("import_ballots", number, str(SAMPLE_BALLOTS))
    printed = run("tally", number, "--json")
    assert len(printed) == 1  # one JSON object, nothing else on stdout
    tally = json.loads(printed[0])
    expected = json.loads(SAMPLE_TALLY.read_text(encoding="utf-8"))
    # The example's keys, then what it takes to pass (issue 13 §4): nothing, it has passed.
    assert tally == {"case": number, **expected, "to_pass": {"possible": True, "voters": 0}}
    assert list(tally) == ["case", *expected, "to_pass"]  # "case" first, then the example's keys in order
    assert isinstance(tally["total"]["headcount"], int) and isinstance(tally["total"]["area"], str)


def test_import_roster_records_the_motion_the_ballots_print():
    motion = ("--scheme", "  在北侧增设一部电梯 ", "--budget", "1,234,567.89元")
    number = import_roster(SAMPLE_ROSTER, motion=motion)[-1]
    case = Case.objects.get(number=number)
    assert (case.scheme_summary, case.budget) == ("在北侧增设一部电梯", Decimal("1234567.89"))


def test_import_ballots_refuses_a_case_without_the_motion_naming_the_options():
    number = import_roster(SAMPLE_ROSTER, motion=())[-1]
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        run("import_ballots", number, str(SAMPLE_BALLOTS))
    message = str(refused.value)
    assert "--scheme" in message and "--budget" in message and "增设方案概要" in message and "工程预算" in message
    assert snapshot() == before  # no vote opened, no ballot
    assert not Vote.objects.filter(case__number=number).exists()


@pytest.mark.parametrize(
    "budget, expected",
    [("4200,00", "不是金额"), ("abc", "不是金额"), ("0", "大于 0"), ("1.234", "不是金额")],
)
def test_import_roster_refuses_a_budget_it_cannot_read_and_changes_nothing(budget, expected):
    before = snapshot()
    with pytest.raises(CommandError, match=expected):
        import_roster(SAMPLE_ROSTER, motion=("--scheme", "方案", "--budget", budget))
    assert snapshot() == before


def test_import_roster_cannot_change_the_motion_once_the_vote_opened():
    number = import_roster(SAMPLE_ROSTER)[-1]
    run("import_ballots", number, str(SAMPLE_BALLOTS))
    with pytest.raises(CommandError, match="增设方案和工程预算不能再修改"):
        import_roster(SAMPLE_ROSTER, motion=("--scheme", "另一方案", "--budget", "500000"))
    case = Case.objects.get(number=number)
    assert case.scheme_summary == "在北侧增设一部无机房电梯，平层入户"


def test_import_roster_builds_the_unit_and_prints_the_case_number_last():
    lines = import_roster(SAMPLE_ROSTER)
    case = Case.objects.get()
    assert lines[-1] == case.number
    assert case.number.startswith("FZ-") and case.jurisdiction.name == "丰泽区"
    building = case.unit.building
    assert (building.address, case.unit.name) == (ADDRESS, "1单元")
    assert building.compound_name == "刺桐花园"
    # Facts the command is not given default to the eligible side.
    assert (
        building.has_reserved_shaft,
        building.in_heritage_area,
        building.in_demolition_plan,
        building.land_inside_plot,
    ) == (False, False, False, True)
    rows = sample_roster_rows()
    assert case.unit.flats.count() == len(rows)
    co_owned = next(r for r in rows if "、" in r["业主姓名"])
    flat = case.unit.flats.get(room=co_owned["房号"])
    assert sorted(o.owner.name for o in flat.ownerships.all()) == sorted(co_owned["业主姓名"].split("、"))
    assert flat.area == Decimal(co_owned["专有部分面积"])


def test_re_import_updates_adds_and_removes_flats_and_reuses_the_case(tmp_path):
    number = import_roster(SAMPLE_ROSTER)[-1]
    rows = sample_roster_rows()
    changed, dropped = rows[0], rows[-1]
    changed["专有部分面积"] = "120.05"
    rows = [r for r in rows if r is not dropped]
    rows.append({**rows[1], "房号": "801", "楼层": "8", "业主姓名": "新业主", "证件号码": NEW_OWNER_ID})
    lines = import_roster(write(tmp_path, "v2.csv", roster_csv(rows)))
    assert lines[-1] == number
    assert Case.objects.count() == 1
    unit = Case.objects.get().unit
    assert unit.flats.get(room=changed["房号"]).area == Decimal("120.05")
    assert not unit.flats.filter(room=dropped["房号"]).exists()
    assert unit.flats.get(room="801").ownerships.get().owner.name == "新业主"
    assert unit.building.floors >= 8


def test_roster_is_frozen_once_the_vote_opens(tmp_path):
    number = import_roster(SAMPLE_ROSTER)[-1]
    run("import_ballots", number, str(SAMPLE_BALLOTS))
    before = snapshot()
    rows = sample_roster_rows()
    rows[0]["专有部分面积"] = "999.99"
    with pytest.raises(CommandError, match="冻结"):
        import_roster(write(tmp_path, "late.csv", roster_csv(rows)))
    assert snapshot() == before
    assert Flat.objects.get(room=rows[0]["房号"]).area != Decimal("999.99")


def test_a_bad_roster_exits_with_every_problem_and_changes_nothing(tmp_path):
    rows = sample_roster_rows()
    rows[2]["专有部分面积"] = "-3"
    rows[4]["面积来源"] = "估算"
    before = snapshot()
    with pytest.raises(CommandError) as err:
        import_roster(write(tmp_path, "bad.csv", roster_csv(rows)))
    message = str(err.value)
    assert "第4行“专有部分面积”列" in message and "必须大于0" in message
    assert "第6行“面积来源”列" in message and "估算" in message
    assert snapshot() == before


def test_the_eligibility_gate_refusing_rolls_the_whole_import_back(tmp_path):
    rows = sample_roster_rows()
    rows[3]["不动产权证号"] = ""
    before = snapshot()
    with pytest.raises(CommandError) as err:
        import_roster(write(tmp_path, "nocert.csv", roster_csv(rows)))
    assert rows[3]["房号"] in str(err.value) and "不动产权证" in str(err.value)
    assert snapshot() == before  # no building, unit, flat, owner or case left behind


def test_unknown_district_and_missing_file_are_named():
    with pytest.raises(CommandError, match="未知的辖区：火星区"):
        import_roster(SAMPLE_ROSTER, district="火星区")
    with pytest.raises(CommandError, match="找不到文件"):
        import_roster("/nonexistent/roster.csv")
    assert not Building.objects.exists()


def test_district_may_be_given_by_its_code():
    assert import_roster(SAMPLE_ROSTER, district="FZ")[-1].startswith("FZ-")


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        ({"101": "同意", "999": "同意"}, "第3行“房号”列：房号“999”不在本梯业主名册中"),
        ({"101": "同意", "102": "也许"}, "第3行“表决意见”列"),
        ({"301": "同意", "601": "反对"}, "表决意见不一致"),
    ],
)
def test_a_bad_ballot_file_changes_nothing_not_even_the_opening(tmp_path, choices, expected):
    number = import_roster(SAMPLE_ROSTER)[-1]
    before = snapshot()
    with pytest.raises(CommandError) as err:
        run("import_ballots", number, str(write(tmp_path, "ballots.csv", ballot_csv(choices))))
    assert expected in str(err.value)
    assert snapshot() == before
    assert not Vote.objects.exists()


def test_a_later_file_corrects_a_voters_ballot(tmp_path):
    number = import_roster(SAMPLE_ROSTER)[-1]
    run("import_ballots", number, str(SAMPLE_BALLOTS))
    first = json.loads(run("tally", number, "--json")[0])
    lines = run("import_ballots", number, str(write(tmp_path, "late.csv", ballot_csv({"201": "同意"}))))
    assert "更正1票" in lines[-1]
    assert Vote.objects.count() == 1  # the open vote is reused
    current = Ballot.objects.get(rooms="201", superseded_at__isnull=True)
    assert (current.replaces.choice, current.choice) == ("disagree", "agree")
    assert "late.csv" in current.reason
    second = json.loads(run("tally", number, "--json")[0])
    assert second["agreeing"]["headcount"] == first["agreeing"]["headcount"] + 1
    assert second["participating"] == first["participating"]


def test_tally_before_any_vote_counts_the_roster_with_no_ballots():
    number = import_roster(SAMPLE_ROSTER)[-1]
    tally = json.loads(run("tally", number, "--json")[0])
    expected = json.loads(SAMPLE_TALLY.read_text(encoding="utf-8"))
    assert tally["total"] == expected["total"]
    assert tally["participating"] == {"area": "0.00", "headcount": 0}
    assert tally["passed"] is False


def test_unknown_case_numbers_are_named():
    with pytest.raises(CommandError, match="找不到案件：FZ-1999-0001"):
        run("tally", "FZ-1999-0001", "--json")
    with pytest.raises(CommandError, match="找不到案件"):
        run("import_ballots", "FZ-1999-0001", str(SAMPLE_BALLOTS))


def test_the_commands_through_manage_py_exit_status_and_output(tmp_path):
    """The real command line, on a scratch SQLite database: what the acceptance checks run."""
    env = {
        **os.environ,
        "DATABASE_URL": "",
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]

    def cli(*args):
        return subprocess.run([*manage, *args], env=env, capture_output=True, text=True, timeout=120)

    assert cli("migrate", "--noinput").returncode == 0
    roster = ("import_roster", str(SAMPLE_ROSTER), "--district", "丰泽区", "--address", ADDRESS, "--unit", "1单元")
    done = cli(*roster)
    assert done.returncode == 0, done.stderr
    number = done.stdout.strip().splitlines()[-1]
    assert number.startswith("FZ-") and " " not in number
    # Without the motion the vote cannot open: refused, naming the options that record it.
    no_motion = cli("import_ballots", number, str(SAMPLE_BALLOTS))
    assert no_motion.returncode != 0
    assert "--scheme" in no_motion.stderr and "--budget" in no_motion.stderr and "Traceback" not in no_motion.stderr
    again = cli(*roster, *MOTION)  # the same file again, now with the motion: the same case
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == number
    assert cli("import_ballots", number, str(SAMPLE_BALLOTS)).returncode == 0
    tally = cli("tally", number, "--json")
    expected = {"case": number, **json.loads(SAMPLE_TALLY.read_text(encoding="utf-8"))}
    assert json.loads(tally.stdout) == {**expected, "to_pass": {"possible": True, "voters": 0}}
    refused = cli(*roster)
    assert refused.returncode != 0 and "冻结" in refused.stderr
    missing = cli("tally", "FZ-1999-0001", "--json")
    assert missing.returncode != 0 and "FZ-1999-0001" in missing.stderr
