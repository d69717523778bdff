"""`python manage.py export_list USERNAME LIST [QUERY] --out FILE`: the list as the user sees it."""

import csv

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from cases.tests.factories import OwnerFactory, jurisdiction, officer

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_users_list(tmp_path, capsys):
    user = officer("FZ")
    OwnerFactory(name="许美华", phone="13812345678")
    OwnerFactory(name="陈志强")
    OwnerFactory(name="鲤城业主", jurisdiction=jurisdiction("LC"))
    out = tmp_path / "业主.xlsx"
    call_command("export_list", user.username, "cases.owner", "q=许美华", out=str(out))
    assert capsys.readouterr().out.strip() == str(out)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名/名称" and [r[0] for r in rows[1:]] == ["许美华"] and rows[1][3] == "138****5678"
    assert AuditEvent.objects.filter(event="list_exported", actor=user, data__rows=1).exists()

    out = tmp_path / "业主.csv"
    call_command("export_list", user.username, "cases.owner", out=str(out))
    names = [r[0] for r in csv.reader(open(out, encoding="utf-8-sig"))][1:]
    assert sorted(names) == ["许美华", "陈志强"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["nobody", "cases.owner"], "用户不存在"),
        (["{user}", "cases.nosuch"], "没有这个列表"),
        (["{user}", "cases.owner", "id_number__startswith=35"], "筛选条件无效"),
        (["{planner}", "cases.owner", "--full"], "受理窗口"),
    ],
)
def test_the_command_refuses_with_a_reason(tmp_path, args, message):
    user, planner = officer("FZ"), officer("FZ", role="planning_reviewer")
    args = [a.format(user=user.username, planner=planner.username) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("export_list", *args, out=str(tmp_path / "x.xlsx"))
    assert not list(tmp_path.iterdir())
