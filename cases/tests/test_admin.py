"""The back office: every page loads for staff, lists cost the same queries at any size,
and one jurisdiction's officer never reaches another's records."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case

from .admin_forms import form_data
from .factories import AgentBuilderFactory, UserFactory, jurisdiction, open_case

pytestmark = pytest.mark.django_db


def _admin_urls(obj_by_model):
    """Changelist, add and change URL of every registered model."""
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        yield reverse(f"admin:{info[0]}_{info[1]}_changelist")
        yield reverse(f"admin:{info[0]}_{info[1]}_add")
        obj = obj_by_model.get(model)
        if obj is not None:
            yield reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk])


@pytest.fixture
def demo_case():
    case = open_case()
    AgentBuilderFactory()
    return case


@pytest.mark.parametrize("who", ["superuser", "district_officer", "city_supervisor", "planning_reviewer"])
def test_every_admin_page_loads(client, demo_case, who):
    from audit.models import AuditEvent
    from cases.models import AgentBuilder, Building, ElevatorUnit, Flat, Jurisdiction, Owner, User

    user = UserFactory(is_superuser=True) if who == "superuser" else UserFactory(with_role=who)
    client.force_login(user)
    flat = demo_case.unit.flats.first()
    objects = {
        Case: demo_case,
        Building: demo_case.unit.building,
        ElevatorUnit: demo_case.unit,
        Flat: flat,
        Owner: flat.ownerships.first().owner,
        Jurisdiction: demo_case.jurisdiction,
        AgentBuilder: AgentBuilder.objects.first(),
        AuditEvent: AuditEvent.objects.first(),
        User: user,
    }
    statuses = {}
    for url in [reverse("admin:index"), *_admin_urls(objects)]:
        statuses[url] = client.get(url).status_code
    # Every page either loads or is refused for lack of permission: never a server error.
    assert all(code in (200, 302, 403) for code in statuses.values()), statuses
    if who in ("superuser", "district_officer"):
        assert statuses[reverse("admin:cases_case_change", args=[demo_case.pk])] == 200
        assert statuses[reverse("admin:cases_case_changelist")] == 200


def test_index_is_chinese_and_counts_the_users_own_cases(client):
    open_case()
    open_case(jurisdiction=jurisdiction("LC"))
    client.force_login(UserFactory(with_role="district_officer"))
    page = client.get(reverse("admin:index")).content.decode()
    assert "泉州市既有住宅增设电梯服务平台" in page
    assert "丰泽区 · 办理中案件 1 件" in page
    assert "方案初审" in page


def test_case_list_costs_the_same_queries_at_10_and_30_rows(client):
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("admin:cases_case_changelist")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    for _ in range(10):
        open_case()
    at_10 = count()
    for _ in range(20):
        open_case()
    assert count() == at_10


def test_search_finds_a_case_by_owner_name(client):
    case = open_case()
    owner = case.unit.flats.first().ownerships.first().owner
    client.force_login(UserFactory(with_role="district_officer"))
    page = client.get(reverse("admin:cases_case_changelist"), {"q": owner.name}).content.decode()
    assert case.number in page


def test_officer_of_another_district_neither_lists_nor_opens_the_case(client):
    case = open_case()  # 丰泽区
    client.force_login(UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")))
    listing = client.get(reverse("admin:cases_case_changelist"), {"q": case.number})
    assert listing.context["result_count"] == 0
    assert 'id="result_list"' not in listing.content.decode()  # no rows at all
    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code in (302, 404)  # the admin says it does not exist
    owner = case.unit.flats.first().ownerships.first().owner
    assert client.get(reverse("admin:cases_owner_change", args=[owner.pk])).status_code in (302, 404)
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"term": case.unit.building.compound_name, "app_label": "cases", "model_name": "case", "field_name": "unit"},
    )
    assert autocomplete.status_code == 200
    assert [r for r in autocomplete.json()["results"] if case.unit.building.compound_name in r["text"]] == []


def test_add_case_leads_to_the_new_case_page(client):
    """A case opens with its building, unit and roster in one go (voting/tests/test_new_case.py)."""
    client.force_login(UserFactory(with_role="district_officer"))
    for method in (client.get, client.post):
        response = method(reverse("admin:cases_case_add"))
        assert response.status_code == 302 and response["Location"] == reverse("admin:voting_new_case")
    client.force_login(UserFactory(with_role="planning_reviewer"))
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert not Case.objects.exists()


def test_representative_choices_are_the_units_own_owners(client):
    case = open_case()
    neighbour = open_case()
    client.force_login(UserFactory(with_role="district_officer"))
    form = client.get(reverse("admin:cases_case_change", args=[case.pk]), {"edit": 1}).context["adminform"].form
    choices = set(form.fields["representatives"].queryset)
    assert choices == {o.owner for f in case.unit.flats.all() for o in f.ownerships.all()}
    assert not choices & {o.owner for f in neighbour.unit.flats.all() for o in f.ownerships.all()}


def test_english_is_available_through_the_language_selector(client):
    open_case()
    client.force_login(UserFactory(with_role="district_officer"))
    chinese = client.get(reverse("admin:index")).content.decode()
    assert "业务后台" in chinese
    client.post(reverse("set_language"), {"language": "en", "next": reverse("admin:index")})
    english = client.get(reverse("admin:index")).content.decode()
    assert "Quanzhou Elevator Retrofit Service Platform" in english
    assert "Back office" in english and "业务后台" not in english


def test_officer_saves_the_case_page_and_its_money_is_text_beside_the_form(client):
    """The details save on the case's form; the funding and the shares show beside it as
    text (funding's panel), changed on the money page through its services (funding/tests:
    test_money_page.py), never through inline forms here."""
    case = open_case()
    client.force_login(UserFactory(with_role="district_officer"))
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = client.get(url, {"edit": 1})  # "修改案件信息"
    assert "费用分摊" in page.content.decode() and "资金筹集方案" in page.content.decode()
    assert not page.context["inline_admin_formsets"]
    coefficients_before = list(case.floor_coefficients.values_list("floor", "coefficient"))
    data = form_data(page)
    data["representatives"] = []
    data["design_firm"] = "泉州市建筑设计院"
    data["installer"] = "福建快捷电梯工程有限公司"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    case.refresh_from_db()
    assert (case.design_firm, case.installer) == ("泉州市建筑设计院", "福建快捷电梯工程有限公司")
    assert list(case.floor_coefficients.values_list("floor", "coefficient")) == coefficients_before


def test_chinese_screens_show_none_of_the_english_django_61_added(client):
    """Django 6.1's own zh_Hans catalog lacks a few new admin strings; locale/zh_Hans fills
    them, so the Chinese case list and forms carry no stray English."""
    case = open_case()
    client.force_login(UserFactory(with_role="district_officer"))
    changelist = client.get(reverse("admin:cases_case_changelist")).content.decode()
    # (The list has no date hierarchy any more, whose "Filter by 立案时间" this was.)
    assert "状态" in changelist and "Filter by" not in changelist and "Show counts" not in changelist
    change = client.get(reverse("admin:cases_case_change", args=[case.pk]), {"edit": 1}).content.decode()
    assert "- 请选择 -" in change and "Select an option" not in change


def test_the_date_pickers_speak_chinese_to_screen_readers(client):
    """The admin's JavaScript catalog carries the picker labels Django 6.1 added."""
    import json

    client.force_login(UserFactory(with_role="district_officer"))
    catalog = client.get(reverse("admin:jsi18n")).content.decode()
    for english, chinese in [("Today (%(date)s)", "今天（%(date)s）"), ("%s (current selection)", "%s（当前选择）")]:
        assert f"{json.dumps(english)}: {json.dumps(chinese)}" in catalog


def test_an_owner_is_added_with_a_flat_or_not_at_all(client):
    """Owners belong to a district through their flats: an owner saved without one would
    vanish from the officer's own lists, so the form asks for a flat and saves nothing."""
    from cases.models import Owner
    from cases.tests.factories import valid_id_number

    case = open_case()
    flat = case.unit.flats.first()
    client.force_login(UserFactory(with_role="district_officer"))
    url = reverse("admin:cases_owner_add")
    prefix = client.get(url).context["inline_admin_formsets"][0].formset.prefix
    data = {
        "name": "新业主",
        "id_number": valid_id_number(),
        "phone": "",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-flat": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "请至少登记一处名下房屋" in refused.content.decode()
    assert not Owner.objects.filter(name="新业主").exists()

    data[f"{prefix}-0-flat"] = str(flat.pk)
    assert client.post(url, data).status_code == 302
    listed = client.get(reverse("admin:cases_owner_changelist"), {"q": "新业主"}).content.decode()
    assert "新业主" in listed and flat.room in listed


def test_a_frozen_roster_reads_as_such_in_the_admin_and_nothing_half_saves(client):
    """Once the vote opens the flats and owners it counts cannot change: a flat's page is
    read-only and says why; an owner's page that would touch a frozen flat refuses in
    Chinese, keeps nothing of the attempt, and never answers with a server error."""
    from django.core.exceptions import ValidationError

    from cases import services
    from cases.models import Owner, Ownership
    from voting.tests.factories import VoteFactory

    vote = VoteFactory()
    flat = vote.case.unit.flats.first()
    officer = UserFactory(with_role="district_officer", jurisdiction=vote.case.jurisdiction)
    client.force_login(officer)

    flat_url = reverse("admin:cases_flat_change", args=[flat.pk])
    page = client.get(flat_url).content.decode()
    assert "名册已冻结，只能查看" in page and 'name="_save"' not in page
    assert client.post(flat_url, {"room": "999"}).status_code == 403
    flat.refresh_from_db()
    assert flat.room != "999"

    owner = flat.ownerships.first().owner
    url = reverse("admin:cases_owner_change", args=[owner.pk])
    owner_page = client.get(url)
    # The name and ID number the vote counted are read-only; the phone can be corrected.
    html = owner_page.content.decode()
    assert 'name="name"' not in html and 'name="id_number"' not in html and 'name="phone"' in html
    with pytest.raises(ValidationError, match="业主姓名和证件号码已冻结"):
        renamed = Owner.objects.get(pk=owner.pk)
        renamed.name = "改过的名字"
        services.record_save(obj=renamed, actor=officer, fields=["name"])
    form = owner_page.context["inline_admin_formsets"][0].formset
    rows = list(form.queryset)
    data = {
        "name": "改过的名字",
        "id_number": owner.id_number,
        "phone": owner.phone,
        f"{form.prefix}-TOTAL_FORMS": str(len(rows) + 1),
        f"{form.prefix}-INITIAL_FORMS": str(len(rows)),
        f"{form.prefix}-{len(rows)}-flat": str(vote.case.unit.flats.exclude(pk=flat.pk).first().pk),
    }
    for i, row in enumerate(rows):
        data.update({f"{form.prefix}-{i}-id": str(row.pk), f"{form.prefix}-{i}-flat": str(row.flat_id)})
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("未保存：") and "名册已冻结" in m for m in messages), messages
    owner.refresh_from_db()
    assert owner.name != "改过的名字"  # the owner's own change went back with the refused row
    assert Ownership.objects.filter(owner=owner).count() == len(rows)


def test_a_finished_case_is_shown_read_only(client):
    from cases import services
    from cases.tests.factories import record_paper, reviewer_for

    case = open_case()
    step = case.steps.get(number=1)
    record_paper(step)
    services.case_decide_step(step=step, actor=reviewer_for(step), decision="reject", note="业主撤回申请")
    client.force_login(UserFactory(with_role="district_officer"))
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = client.get(url).content.decode()
    assert "案件已结束（不予通过），只能查看。" in page
    assert 'name="_save"' not in page and 'name="design_firm"' not in page
    assert "格式文书打印" in page  # its papers can still be printed for the archive
    assert client.post(url, {"design_firm": "改"}).status_code == 403


def test_a_step_decided_meanwhile_sends_the_second_reviewer_back_with_the_reason(client):
    """Two tabs, or two colleagues: the second approval is not a bare 403 but the case page
    saying what happened; someone who may never decide the step gets a 403 page that says
    why, in the portal's own look."""
    from cases.tests.factories import record_paper, reviewer_for

    case = open_case()
    step = case.steps.get(number=1)
    record_paper(step)
    reviewer = reviewer_for(step)
    client.force_login(reviewer)
    url = reverse("admin:cases_step_action", args=[case.pk, 1, "return"])
    assert client.post(url, {"note": "缺业主协议书"}).status_code == 302
    again = client.post(url, {"note": "缺业主协议书"}, follow=True)
    assert again.redirect_chain[-1][0] == reverse("admin:cases_case_change", args=[case.pk])
    text = [str(m) for m in again.context["messages"]]
    assert any("“方案初审”当前为“退回补正”，不能再进行“退回补正”" in m for m in text), text

    client.force_login(UserFactory(with_role="planning_reviewer"))
    refused = client.get(reverse("admin:cases_step_action", args=[case.pk, 1, "approve"]))
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "无权进行此操作" in page and "您没有权限对该程序进行“审查通过”。" in page
    assert "泉州市既有住宅增设电梯服务平台" in page


def test_a_missing_page_is_a_chinese_page_with_a_way_back(client):
    client.force_login(UserFactory(with_role="district_officer"))
    missing = client.get("/admin/cases/case/999999/step/1/approve/")
    assert missing.status_code == 404
    page = missing.content.decode()
    assert "页面不存在" in page and 'href="/admin/"' in page


def test_what_the_owners_voted_on_stays_as_they_voted_it(client):
    """The ballots print the scheme and the budget as the motion: once the vote opens they
    are read-only on the case page and refused by the service; a funding plan that does
    not add up to the budget is pointed out."""
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from cases import services
    from funding import services as funding_services
    from funding.models import FundingSourceKind
    from voting.tests.factories import VoteFactory

    case = open_case()
    budget = Decimal("380000.00")
    services.case_update_details(case=case, actor=None, budget=budget, scheme_summary="北侧增设一部电梯")
    VoteFactory(case=case, passing=True)
    with pytest.raises(ValidationError, match="须重新组织表决"):
        services.case_update_details(case=case, actor=None, budget=Decimal("999999.00"))
    case.refresh_from_db()
    assert case.budget == budget
    services.case_update_details(case=case, actor=None, installer="福建快捷电梯工程有限公司")  # not voted on

    funding_services.case_set_funding(case=case, actor=None, amounts={FundingSourceKind.OWNERS: Decimal("1.00")})
    client.force_login(UserFactory(with_role="district_officer", jurisdiction=case.jurisdiction))
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]), {"edit": 1}).content.decode()
    assert 'name="budget"' not in page and 'name="scheme_summary"' not in page and 'name="installer"' in page
    assert "资金筹集方案合计 1.00 元，与工程预算" in page


def test_the_step_forms_preselect_what_the_step_usually_carries(client):
    case = open_case()
    client.force_login(UserFactory(with_role="district_officer"))
    paper = client.get(reverse("admin:cases_step_action", args=[case.pk, 1, "paper"])).context["form"]
    assert (paper["kind_1"].value(), paper["kind_2"].value(), paper["kind_3"].value()) == (
        "owners_agreement",
        "scheme_drawing",
        "other",
    )
    upload = client.get(reverse("admin:cases_step_action", args=[case.pk, 1, "upload"])).context["form"]
    assert upload["kind"].value() == "owners_agreement"


def test_logging_out_says_so_plainly(client):
    client.force_login(UserFactory(with_role="district_officer"))
    page = client.post(reverse("admin:logout")).content.decode()
    assert "您已安全退出" in page and "美好时光" not in page
    assert reverse("admin:login") in page


def test_the_decision_that_ends_a_case_says_so(client):
    from cases.tests.factories import record_paper, reviewer_for

    case = open_case()
    step = case.steps.get(number=1)
    record_paper(step)
    client.force_login(reviewer_for(step))
    url = reverse("admin:cases_step_action", args=[case.pk, 1, "reject"])
    response = client.post(url, {"note": "不符合增设条件"}, follow=True)
    assert any("已不予通过：方案初审。案件已结束（不予通过）。" in str(m) for m in response.context["messages"])
