"""The case page, its history and the home page as a new officer would try them (issue 10 §3),
and the case page's query count flat in what the case holds (§1)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import AttachmentKind
from cases.workflow import PROCEDURES, Department
from demo.tests.factories import CaseFactory

from .factories import AgentBuilderFactory, UserFactory, officer, open_case, record_paper

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _busy_case(actor):
    """A case past step 1: opened by an officer, with an agent builder, a vote, papers,
    attachments and history on two steps."""
    case = CaseFactory(actor=actor, at_step=2, state="submitted")
    services.case_update_details(
        case=case, actor=actor, agent_builder=AgentBuilderFactory(jurisdiction=case.jurisdiction)
    )
    return case


def _queries(client, url) -> int:
    client.get(url)  # sessions, caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_case_page_reads_as_many_queries_for_a_bare_case_as_for_a_busy_one(client):
    user = officer()
    client = _client(client, user)
    bare = open_case()  # no agent builder, opened by no one, no history but the opening
    busy = _busy_case(user)
    assert busy.steps.filter(history__isnull=False).distinct().count() >= 2
    bare_count = _queries(client, reverse("admin:cases_case_change", args=[bare.pk]))
    busy_count = _queries(client, reverse("admin:cases_case_change", args=[busy.pk]))
    assert bare_count == busy_count


def test_the_case_page_is_titled_by_its_number_and_address_and_offers_no_save_and_add_another(client):
    user = officer()
    case = open_case(actor=user)
    page = _client(client, user).get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    heading = f"{case.number} {case.unit}"
    assert f"<title>{heading}" in page
    assert re.search(r"<h1[^>]*>" + re.escape(heading) + "</h1>", page)
    assert "修改 案件" not in page and "_addanother" not in page
    editing = client.get(reverse("admin:cases_case_change", args=[case.pk]), {"edit": 1}).content.decode()
    assert 'name="_save"' in editing and "_addanother" not in editing  # the officer saves the details


def test_the_case_page_opens_as_text_and_the_officer_edits_on_request(client):
    user = officer()
    case = open_case(actor=user)
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = _client(client, user).get(url).content.decode()
    assert "<textarea" not in page and 'name="_save"' not in page and "TOTAL_FORMS" not in page
    assert 'href="?edit=1"' in page and "修改案件信息" in page
    assert case.scheme_summary in page  # the details read as text
    editing = client.get(url, {"edit": 1}).content.decode()
    # The details' form, and no inline forms of the money: it changes on its own page
    # (funding/), through its services, and the panel below the details links there.
    assert 'name="scheme_summary"' in editing and "TOTAL_FORMS" not in editing
    assert 'id="case-money"' in editing and "修改资金与分摊" in editing
    reviewer_page = _client(client, officer(role="planning_reviewer")).get(url).content.decode()
    assert "修改案件信息" not in reviewer_page


def test_a_reviewer_reads_the_case_as_text_without_form_widgets(client):
    case = open_case()
    reviewer = officer(role="planning_reviewer")
    page = _client(client, reviewer).get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "<textarea" not in page and 'name="_save"' not in page
    assert "floor_coefficients-TOTAL_FORMS" not in page  # no inline forms either


def _fieldsets(html: str) -> str:
    """The page's fieldsets, whitespace aside."""
    blocks = re.findall(r'<fieldset class="module aligned.*?</fieldset>', html, re.DOTALL)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", "".join(blocks)))


def test_the_text_page_shows_the_details_and_flats_as_the_admins_read_only_form(client):
    """The text page writes its fieldsets itself (cases.case_page); the admin's form shows
    the same fields read-only to whoever may not change them. Both must read the same. (The
    money's panel below them: funding/tests/test_money_page.py.)"""
    user = officer()
    case = open_case(actor=user)
    owners = [o.owner for flat in case.unit.flats.order_by("room")[:2] for o in flat.ownerships.all()]
    services.case_update_details(
        case=case,
        actor=user,
        representatives=owners,
        agent_builder=AgentBuilderFactory(jurisdiction=case.jurisdiction),
        design_firm="泉州<市>建筑设计院",
        stretcher_capable=True,
    )
    url = reverse("admin:cases_case_change", args=[case.pk])
    text = _client(client, user).get(url).content.decode()
    # A reviewer may read the case but not change it: ?edit=1 is the admin's form, all read-only.
    admin_form = _client(client, officer(role="planning_reviewer")).get(url, {"edit": 1}).content.decode()
    assert 'name="_save"' not in admin_form and "floor_coefficients-TOTAL_FORMS" not in admin_form
    assert _fieldsets(text).count("<fieldset") == 3 and _fieldsets(text) == _fieldsets(admin_form)
    for shown in ("field-flat_table", "泉州&lt;市&gt;建筑设计院", "icon-yes.svg"):
        assert shown in text, shown
    assert "field-cost_table" not in text  # the shares are the money panel's (funding/)
    for flat in case.unit.flats.all():
        assert f"<td>{flat.room}</td>" in _fieldsets(text)


def test_the_timeline_shows_each_steps_files_window_submissions_history_and_moves(client):
    user = officer()
    case = _busy_case(user)
    page = _client(client, user).get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    step1 = case.steps.get(number=1)
    for attachment in step1.attachments.all():
        link = reverse("admin:cases_attachment_download", args=[attachment.pk])
        assert f'<a href="{link}">{attachment.get_kind_display()}：{attachment.original_name}</a>' in page
    assert "窗口收件：业主代表" in page
    assert f"办理记录（{step1.history.count()}）" in page and "<td>审查通过</td>" in page
    step2 = page.split('id="step-2"')[1].split('id="step-3"')[0]  # submitted: the officer decides it
    for action, label in (("approve", "审查通过"), ("return", "退回补正"), ("reject", "不予通过")):
        link = reverse("admin:cases_step_action", args=[case.pk, 2, action])
        assert f'<a class="button action-{action}" href="{link}">{label}</a>' in step2


def test_a_popup_or_a_to_field_address_is_the_admins_own_page(client):
    user = officer()
    case = open_case(actor=user)
    url = reverse("admin:cases_case_change", args=[case.pk])
    popup = _client(client, user).get(url, {"_popup": 1})
    assert popup.status_code == 200 and 'name="_popup"' in popup.content.decode()


def test_the_history_button_shows_what_was_done_on_the_case(client):
    user = officer()
    case = _busy_case(user)
    url = reverse("admin:cases_case_history", args=[case.pk])
    page = _client(client, user).get(url).content.decode()
    assert 'id="case-history"' in page
    for done in ("立案", "开始表决", "结束表决", "登记窗口收件", "部门审查决定"):
        assert done in page, done
    assert case.number in page


def test_another_offices_officer_gets_404_for_the_history(client):
    case = open_case()
    stranger = officer("LC")
    assert _client(client, stranger).get(reverse("admin:cases_case_history", args=[case.pk])).status_code == 404


def _home(client, user):
    response = _client(client, user).get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def test_a_reviewer_counts_only_their_own_departments_procedures(client):
    case = open_case()
    planning = _home(client, officer(role="planning_reviewer"))
    shown = {p.number for p, _count, _waiting in planning.context["step_counts"]}
    assert shown == {p.number for p in PROCEDURES if p.department == Department.PLANNING}
    housing = _home(client, officer())
    assert {p.number for p, _c, _w in housing.context["step_counts"]} == {
        p.number for p in PROCEDURES if p.department == Department.HOUSING
    }
    # What waits for the officer: step 1 submitted at the window.
    record_paper(case.steps.get(number=1), kinds=(AttachmentKind.OWNERS_AGREEMENT, AttachmentKind.SCHEME_DRAWING))
    housing = _home(client, officer())
    assert dict((p.number, w) for p, _c, w in housing.context["step_counts"])[1] == 1
    # The city supervisor's home is the dashboard (oversight), which counts all eight.
    city = _client(client, officer(role="city_supervisor")).get(reverse("admin:index"))
    assert city.status_code == 302 and city["Location"] == reverse("oversight:dashboard")


def test_recent_actions_are_the_users_own_on_cases(client):
    me, colleague = officer(), officer()
    mine = open_case(actor=me)
    theirs = open_case(actor=colleague)
    page = _home(client, me).content.decode()
    sidebar = page.split('id="recent-actions-module"')[1]
    assert mine.number in sidebar and theirs.number not in sidebar
    assert reverse("admin:cases_case_change", args=[mine.pk]) in sidebar
    newcomer = _home(client, officer()).content.decode().split('id="recent-actions-module"')[1]
    assert "您还没有在案件上的操作" in newcomer


def test_the_login_page_offers_each_language_in_its_own_name(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert 'action="/i18n/setlang/"' in page or reverse("set_language") in page
    assert ">简体中文</option>" in page and ">English</option>" in page
    assert "<script>" not in page  # the CSP allows no inline script: the picker is static JS


def test_the_language_picker_on_the_signed_in_pages_names_each_language_in_itself(client):
    response = _home(client, officer())
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert response.status_code == 200
    assert ">简体中文</option>" in page and ">English</option>" in page


@pytest.mark.browser
def test_switching_language_on_the_login_page(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    with page.expect_navigation():
        page.select_option("form.portal-language select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "/admin/login/" in page.url
    assert page.locator("form.portal-language select").input_value() == "en"


@pytest.mark.browser
def test_in_english_the_home_counts_stay_clear_of_the_recent_actions(page, live_server, jurisdictions):
    from conftest import login

    # All eight procedures, the longest table: a superuser (the city supervisor's home is the
    # dashboard).
    user = UserFactory(is_superuser=True, jurisdiction=None)
    login(page, live_server, user.username)
    page.wait_for_selector("#portal-summary")
    with page.expect_navigation():
        page.select_option("form.portal-language select", "en")
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("html").get_attribute("lang") == "en"
    table = page.locator("#portal-summary table.portal-steps").bounding_box()
    recent = page.locator("#recent-actions-module").bounding_box()
    assert table["x"] + table["width"] <= recent["x"], (table, recent)
    assert page.locator("#portal-summary td.num").first.is_visible()


def test_a_case_in_a_heritage_area_says_what_the_procedures_table_requires(client):
    """The page's note comes from the procedures' table (workflow.PROCEDURES: step 1's heritage
    papers), not from a sentence of its own; in English too."""
    actor = officer()
    case = open_case(actor=actor, in_heritage_area=True)
    assert case.needs_heritage_opinion
    page = _client(client, actor).get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "位于保护范围：方案初审通过前须上传文物/历史建筑主管部门意见，不自动通过" in page
    plain = open_case(actor=actor)
    page = client.get(reverse("admin:cases_case_change", args=[plain.pk])).content.decode()
    assert "不自动通过" not in page
