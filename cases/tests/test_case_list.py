"""The case list's own view (cases/case_list.py): its filters, search and pages as an
officer clicks them, and the admin's changelist still answering what the view leaves to it."""

import re

import pytest
from django.urls import reverse

from cases.models import Case, CaseStatus

from .factories import AgentBuilderFactory, UserFactory, jurisdiction, open_case

pytestmark = pytest.mark.django_db

LIST = reverse("admin:cases_case_changelist")


def _rows(page: str) -> list[str]:
    """The case numbers of the page's rows, in order."""
    return re.findall(r'<th class="field-number"><a href="[^"]+">([^<]+)</a>', page)


def _selected(page: str) -> list[str]:
    return re.findall(r'<li class="selected"><a href="[^"]*">([^<]+)</a>', page)


def test_the_filters_narrow_the_list_mark_the_choice_and_keep_each_other(client):
    first, second, third = open_case(), open_case(), open_case()
    Case.objects.filter(pk=second.pk).update(current_step=2)
    Case.objects.filter(pk=third.pk).update(current_step=2, status=CaseStatus.WITHDRAWN)
    client.force_login(UserFactory(with_role="district_officer"))

    page = client.get(LIST).content.decode()
    assert _rows(page) == [third.number, second.number, first.number]  # newest first
    # step, status, whom it waits for, due date; one office, so no office filter
    assert _selected(page) == ["全部", "全部", "全部", "全部"]
    assert 'data-filter-title="辖区"' not in page

    page = client.get(LIST, {"current_step__exact": 2}).content.decode()
    assert _rows(page) == [third.number, second.number]
    assert _selected(page) == ["2. 公示见证", "全部", "全部", "全部"]
    assert "2 条结果" in page  # the count of what the filter found, with a way back to all
    # The status filter's links keep the step chosen; "clear all" drops both.
    assert 'href="?current_step__exact=2&amp;status__exact=open"' in page
    page = client.get(LIST, {"current_step__exact": 2, "status__exact": "open"}).content.decode()
    assert _rows(page) == [second.number]
    assert "清除所有筛选" in page and 'href="?">&#10006;' in page


def test_the_search_keeps_the_filters_and_the_filters_keep_the_search(client):
    kept = open_case(compound_name="刺桐花园", address="丰泽区东湖街道刺桐花园3幢")
    open_case(compound_name="刺桐花园", address="丰泽区东湖街道刺桐花园5幢")
    Case.objects.filter(pk=kept.pk).update(current_step=3)
    client.force_login(UserFactory(with_role="district_officer"))
    page = client.get(LIST, {"q": "刺桐", "current_step__exact": 3}).content.decode()
    assert _rows(page) == [kept.number]
    assert 'value="刺桐"' in page  # the box keeps the term
    assert '<input type="hidden" name="current_step__exact" value="3">' in page  # a new search keeps the step
    assert "q=%E5%88%BA%E6%A1%90" in page  # and the filters' links keep the term


def test_fifty_a_page_and_the_pages_link_each_other(client):
    officer = UserFactory(with_role="district_officer")
    cases = [open_case() for _ in range(51)]
    client.force_login(officer)
    page = client.get(LIST).content.decode()
    assert len(_rows(page)) == 50 and cases[0].number not in _rows(page)
    assert 'href="?p=2"' in page and "51 案件" in page
    second = client.get(LIST, {"p": 2}).content.decode()
    assert _rows(second) == [cases[0].number]
    assert 'aria-current="page">2<' in second


def test_the_city_supervisor_filters_by_office_and_reads_without_an_add_button(client):
    here, there = open_case(), open_case(jurisdiction=jurisdiction("LC"))
    client.force_login(UserFactory(with_role="city_supervisor"))
    page = client.get(LIST).content.decode()
    assert set(_rows(page)) == {here.number, there.number}
    assert 'data-filter-title="辖区"' in page
    assert "选择案件查看" in page and "增加 案件" not in page  # read-only: the view title, no add
    office = there.jurisdiction_id
    page = client.get(LIST, {"jurisdiction__id__exact": office}).content.decode()
    assert _rows(page) == [there.number]
    assert _selected(page)[0] == jurisdiction("LC").name


def test_a_district_officer_cannot_reach_another_office_through_the_office_parameter(client):
    open_case()
    theirs = open_case(jurisdiction=jurisdiction("LC"))
    client.force_login(UserFactory(with_role="district_officer"))
    response = client.get(LIST, {"jurisdiction__id__exact": theirs.jurisdiction_id})
    assert response.status_code < 500
    assert theirs.number not in response.content.decode()


@pytest.mark.parametrize("params", [{"_popup": "1"}, {"p": "99"}, {"current_step__exact": "9"}, {"e": "1"}, {"o": "1"}])
def test_what_the_list_leaves_to_the_admins_changelist_is_still_answered(client, params):
    case = open_case()
    client.force_login(UserFactory(with_role="district_officer"))
    response = client.get(LIST, params)
    assert response.status_code in (200, 302, 400)
    if params == {"_popup": "1"}:
        assert case.number in response.content.decode()  # the admin's popup list, rows and all


def test_an_applicant_lists_only_the_cases_they_act_for(client):
    builder = AgentBuilderFactory()
    mine = open_case()
    Case.objects.filter(pk=mine.pk).update(agent_builder=builder)
    other = open_case()
    client.force_login(UserFactory(with_role="agent_builder", agent_builder=builder, jurisdiction=None))
    page = client.get(LIST).content.decode()
    assert _rows(page) == [mine.number] and other.number not in page
