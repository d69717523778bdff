"""The case list, its search, my queue and the audit log as an office uses them every day:
the same queries at any size, a search that finds what the list shows, a queue a page at a
time, and the user's roles read once per request (issue 10)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseSearch, Ownership, ProcedureStep
from cases.roles import SPEC_BY_ROLE, Role
from cases.workflow import StepState

from .factories import (
    AgentBuilderFactory,
    FlatFactory,
    OwnerFactory,
    UserFactory,
    jurisdiction,
    open_case,
    unit_with_flats,
)

pytestmark = pytest.mark.django_db

LIST = reverse("admin:cases_case_changelist")
QUEUE = reverse("admin:cases_case_queue")
AUDIT = reverse("admin:audit_auditevent_changelist")


def _queries(client, url, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _submit(case: Case, *, days_left: int = 10) -> ProcedureStep:
    """Step 1 handed in for review, due in `days_left` days (negative: overdue)."""
    step = case.steps.get(number=1)
    ProcedureStep.objects.filter(pk=step.pk).update(
        state=StepState.SUBMITTED,
        submitted_at=timezone.now(),
        due_date=timezone.localdate() + datetime.timedelta(days=days_left),
    )
    return step


@pytest.mark.parametrize("role", [None, "district_officer", "city_supervisor", "planning_reviewer"])
@pytest.mark.parametrize(
    "url,params",
    [
        (LIST, None),
        (LIST, {"status__exact": "open"}),
        (LIST, {"current_step__exact": "1"}),
        (LIST, {"q": "测试"}),
        (QUEUE, None),
        (AUDIT, None),
    ],
)
def test_the_list_the_search_the_queue_and_the_log_cost_the_same_queries_at_10_and_30_cases(client, role, url, params):
    if url == AUDIT and role == "planning_reviewer":
        pytest.skip("reviewers do not read the log")
    user = UserFactory(is_superuser=True) if role is None else UserFactory(with_role=role)
    client.force_login(user)
    for _ in range(10):
        _submit(open_case(), days_left=-1)
    at_10 = len(_queries(client, url, params))
    for _ in range(20):
        _submit(open_case(), days_left=-1)
    assert len(_queries(client, url, params)) == at_10


def test_the_list_says_whom_each_case_waits_for_until_when_and_whether_that_has_passed(client):
    waiting = open_case()
    late = open_case()
    _submit(late, days_left=-2)
    client.force_login(UserFactory(with_role="district_officer"))
    page = client.get(LIST).content.decode()
    assert "待谁办理" in page and "办理时限" in page and "超期" in page
    assert "待申请人申报" in page  # the first case: the applicant must hand in step 1
    assert "待区住建部门审查" in page or "待住建部门审查" in page
    assert (timezone.localdate() - datetime.timedelta(days=2)).strftime("%Y") in page
    assert page.count('class="portal-warning">已超期') == 1  # one row (the sidebar also offers the filter)
    assert str(waiting.get_current_step_display()) in page and "办理中" in page
    assert waiting.number in page and late.number in page


def _search(client, term) -> str:
    return client.get(LIST, {"q": term}).content.decode()


def test_search_finds_by_number_address_as_listed_compound_and_a_two_character_name(client):
    unit = unit_with_flats(compound_name="刺桐花园", address="丰泽区东湖街道刺桐花园3幢")
    FlatFactory(unit=unit, room="801", floor=8, owners=[OwnerFactory(name="洪美华")])
    case = open_case(unit=unit)
    other = open_case()
    client.force_login(UserFactory(with_role="district_officer"))
    shown_address = str(case.unit)  # the list's 梯号 column: the address and the unit, run together
    assert shown_address in _search(client, "")
    for term in [case.number, case.number.lower(), shown_address, "刺桐", "刺桐花园", "洪美", "美华", "洪美华"]:
        page = _search(client, term)
        assert case.number in page, term
        assert other.number not in page, term
    assert case.number not in _search(client, "洪美丽")
    assert case.number in _search(client, "刺桐 洪美")  # every word, as the admin's box does


def test_the_search_follows_a_renamed_owner_a_moved_address_and_a_new_roster(client):
    case = open_case(compound_name="清源小区", address="丰泽区清源街道清源小区1幢")
    officer = UserFactory(with_role="district_officer")
    client.force_login(officer)
    owner = Ownership.objects.filter(flat__unit=case.unit).first().owner

    owner.name = "柯文雅"
    services.record_save(obj=owner, actor=officer, fields=["name"])
    assert case.number in _search(client, "文雅")

    building = case.unit.building
    building.address, building.compound_name = "丰泽区华大街道紫云小区2幢", "紫云小区"
    services.record_save(obj=building, actor=officer, fields=["address", "compound_name"])
    assert case.number in _search(client, "紫云小区2幢" + case.unit.name)
    assert case.number not in _search(client, "清源")

    flat = case.unit.flats.first()
    services.flat_register(
        unit=case.unit,
        room=flat.room,
        floor=flat.floor,
        area=flat.area,
        owners=[services.OwnerData(name="庄晓岚", id_number=OwnerFactory.build().id_number)],
        actor=officer,
    )
    assert case.number in _search(client, "晓岚")
    assert "庄晓岚" in CaseSearch.objects.get(case=case).text

    ownership = Ownership.objects.get(flat=flat)
    services.record_delete(obj=ownership, actor=officer)
    assert case.number not in _search(client, "晓岚")


def test_my_queue_comes_a_page_at_a_time_oldest_first(client):
    cases = [open_case() for _ in range(55)]
    for case in cases:
        _submit(case)
    client.force_login(UserFactory(with_role="district_officer"))
    first = client.get(QUEUE).content.decode()
    second = client.get(QUEUE, {"p": 2}).content.decode()
    assert "第 1–50 项" in first and "第 51–55 项" in second
    assert first.count('#step-1">') == 50 and second.count('#step-1">') == 5
    assert "第 1 页" in first and "下一页" in first and "上一页" not in first
    assert "第 2 页" in second and "上一页" in second and "下一页" not in second
    for wrong in ["0", "-3", "x", str(10**30)]:
        assert client.get(QUEUE, {"p": wrong}).status_code == 200
    assert cases[0].number in first and cases[-1].number in second


def test_an_empty_queue_and_a_full_one_cost_the_same_queries(client):
    client.force_login(UserFactory(with_role="district_officer"))
    empty = len(_queries(client, QUEUE))
    for _ in range(3):
        _submit(open_case())
    assert len(_queries(client, QUEUE)) == empty


def test_the_queue_shows_a_reviewer_only_their_departments_steps_of_their_office(client):
    mine = open_case()
    _submit(mine)
    elsewhere = open_case(jurisdiction=jurisdiction("LC"))
    _submit(elsewhere)
    client.force_login(UserFactory(with_role="district_officer"))
    page = client.get(QUEUE).content.decode()
    assert mine.number in page and elsewhere.number not in page
    client.force_login(UserFactory(with_role="fund_reviewer"))
    assert mine.number not in client.get(QUEUE).content.decode()


def _group_queries(sqls: list[str]) -> int:
    return sum(1 for sql in sqls if "auth_group" in sql and "auth_permission" not in sql)


@pytest.mark.parametrize("url", [LIST, QUEUE])
def test_the_users_roles_are_read_once_per_request(client, url):
    case = open_case()
    _submit(case)
    client.force_login(UserFactory(with_role="district_officer"))
    assert _group_queries(_queries(client, url)) == 1


def test_the_case_page_reads_the_users_roles_once(client):
    case = open_case()
    client.force_login(UserFactory(with_role="district_officer"))
    sqls = _queries(client, reverse("admin:cases_case_change", args=[case.pk]))
    assert _group_queries(sqls) == 1


def test_a_change_of_groups_shows_in_the_next_request(client):
    case = open_case()
    _submit(case)
    user = UserFactory(with_role="fund_reviewer")
    client.force_login(user)
    assert case.number not in client.get(QUEUE).content.decode()
    user.groups.add(Group.objects.get(name=SPEC_BY_ROLE[Role.DISTRICT_OFFICER].group_name))
    assert case.number in client.get(QUEUE).content.decode()


def test_changing_groups_through_the_user_object_forgets_its_roles():
    from cases.roles import roles_of

    user = UserFactory(with_role="fund_reviewer")
    assert roles_of(user) == {Role.FUND_REVIEWER}
    user.groups.add(Group.objects.get(name=SPEC_BY_ROLE[Role.DISTRICT_OFFICER].group_name))
    assert roles_of(user) == {Role.FUND_REVIEWER, Role.DISTRICT_OFFICER}
    user.groups.clear()
    assert roles_of(user) == frozenset()


def test_an_applicants_queue_lists_the_steps_waiting_for_them_on_their_own_cases_only(client):
    builder = AgentBuilderFactory()
    theirs, represented, others = open_case(), open_case(), open_case()
    Case.objects.filter(pk=theirs.pk).update(agent_builder=builder)
    owner = Ownership.objects.filter(flat__unit=represented.unit).first().owner
    represented.representatives.add(owner)
    _submit(open_case())  # another builder's step waiting for a reviewer
    agent = UserFactory(with_role="agent_builder", agent_builder=builder)
    client.force_login(agent)
    page = client.get(QUEUE).content.decode()
    assert theirs.number in page and represented.number not in page and others.number not in page
    agent.owner = owner  # the same account also represents the owners of another unit
    agent.save()
    page = client.get(QUEUE).content.decode()
    assert theirs.number in page and represented.number in page and others.number not in page
    assert "待办" in page and f'#step-1">{theirs.number}</a>' in page
    before = len(_queries(client, QUEUE))
    for _ in range(3):
        Case.objects.filter(pk=open_case().pk).update(agent_builder=builder)
    assert len(_queries(client, QUEUE)) == before
    _submit(theirs)  # handed in: now it waits for the reviewer, not for them
    assert theirs.number not in client.get(QUEUE).content.decode()
