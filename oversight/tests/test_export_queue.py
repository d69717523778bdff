"""My queue (a page the admin's ChangeList does not draw) exports too: the links above it,
every step waiting for the user's department in their office (all pages), the page's
columns; another office's steps never; a queue string the page does not send is refused."""

import pytest
from django.urls import reverse

from cases.tests.factories import UserFactory, jurisdiction, open_case, record_paper, reviewer_for

from .test_exports import csv_rows, export_url, sheet_rows

pytestmark = pytest.mark.django_db


def _waiting(code="FZ"):
    case = open_case(jurisdiction=jurisdiction(code))
    step = case.steps.get(number=1)
    record_paper(step)
    return case, step


def test_my_queue_shows_its_export_links_and_exports_every_waiting_step(client):
    mine = [_waiting() for _ in range(3)]
    case, step = mine[0]
    reviewer = reviewer_for(step)
    client.force_login(reviewer)
    page = client.get(reverse("admin:cases_case_queue")).content.decode()
    xlsx = export_url("cases", "case", "xlsx", "list=queue")
    assert f'href="{xlsx}"' in page
    rows = sheet_rows(client.get(xlsx))
    assert rows[0] == ("案件编号", "梯号", "程序", "状态", "申报时间", "办理时限", "超期")
    assert sorted(r[0] for r in rows[1:]) == sorted(c.number for c, _ in mine)
    assert all(r[2] == "1. 方案初审" and r[3] == "待审查" and r[5] for r in rows[1:])
    assert csv_rows(client.get(export_url("cases", "case", "csv", "list=queue")))[0][0] == "案件编号"


def test_another_office_s_waiting_steps_never_appear(client):
    mine, _ = _waiting()
    theirs, their_step = _waiting("LC")
    client.force_login(reviewer_for(their_step))
    rows = sheet_rows(client.get(export_url("cases", "case", "xlsx", "list=queue")))
    assert [r[0] for r in rows[1:]] == [theirs.number]


def test_a_queue_export_with_anything_else_in_its_address_is_refused_plainly(client):
    _case, step = _waiting()
    client.force_login(reviewer_for(step))
    response = client.get(export_url("cases", "case", "xlsx", "list=queue&status=open"))
    assert response.status_code == 400 and "无法导出" in response.content.decode()


def test_an_empty_queue_has_no_export_links(client):
    _waiting()
    client.force_login(UserFactory(with_role="agent_builder"))  # an applicant with nothing to do
    page = client.get(reverse("admin:cases_case_queue")).content.decode()
    assert "暂无待办事项" in page and "导出 Excel" not in page


# --- 我管理的电梯: the using unit's own list ---------------------------------------------------


def test_the_using_unit_exports_the_elevators_it_manages_and_no_other(client):
    from upkeep.tests.helpers import with_register
    from upkeep.tests.test_using_unit import tie, using_unit_user

    case, other = with_register(), with_register()
    user = using_unit_user()
    tie(case, user)
    client.force_login(user)
    page = client.get(reverse("admin:upkeep_my_registers")).content.decode()
    xlsx = export_url("upkeep", "register", "xlsx", "list=mine")
    assert f'href="{xlsx}"' in page
    rows = sheet_rows(client.get(xlsx))
    assert rows[0] == ("案件编号", "梯号", "地址", "96196应急救援识别码", "使用单位", "到期提醒")
    assert [r[0] for r in rows[1:]] == [case.number]
    assert other.number not in str(rows)
    # The office's own export of the registers' list is not this: it stays the office's.
    assert client.get(export_url("upkeep", "register", "xlsx", "list=mine&q=x")).status_code == 400
