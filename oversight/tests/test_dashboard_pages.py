"""The dashboard page: who opens it (the permission matrix), its cost (queries flat as the
cases double), an empty city, hostile names, the supervisor's home page and the sidebar."""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Jurisdiction
from cases.tests.factories import AgentBuilderFactory, UserFactory, jurisdiction, officer, open_case
from demo.tests.factories import CaseFactory
from funding import services_ledger
from upkeep import services as upkeep_services

pytestmark = pytest.mark.django_db

URL = reverse("oversight:dashboard")

OFFICE_ROLES = ("district_officer", "planning_reviewer", "urban_reviewer", "market_reviewer", "fund_reviewer")

# (who, which office in ?office=) -> the answer. "own": 丰泽区, the user's; "other": 鲤城区;
# "": no office asked for (every office the user may read). Written out, not derived.
EXPECTED = {
    **{(role, ""): 200 for role in OFFICE_ROLES},
    **{(role, "own"): 200 for role in OFFICE_ROLES},
    **{(role, "other"): 404 for role in OFFICE_ROLES},
    ("city_supervisor", ""): 200,
    ("city_supervisor", "own"): 200,
    ("city_supervisor", "other"): 200,
    ("superuser", ""): 200,
    ("superuser", "other"): 200,
    # The applicant's side and the using unit read their own cases or elevators, no office's.
    ("agent_builder", ""): 403,
    ("agent_builder", "own"): 403,
    ("using_unit", ""): 403,
    # A staff account with no role and no office.
    ("no_role", ""): 403,
    # Not staff: the owners' accounts and anonymous visitors go to the staff sign-in.
    ("owner", ""): 302,
    ("anonymous", ""): 302,
}


def make_user(who: str):
    if who == "anonymous":
        return None
    if who == "superuser":
        return UserFactory(is_superuser=True, jurisdiction=None)
    if who == "agent_builder":
        return UserFactory(with_role="agent_builder", jurisdiction=None, agent_builder=AgentBuilderFactory())
    if who == "using_unit":
        return UserFactory(with_role="using_unit", jurisdiction=None)
    if who == "no_role":
        return UserFactory(jurisdiction=None)
    if who == "owner":
        return UserFactory(is_staff=False, jurisdiction=None)
    return UserFactory(with_role=who, jurisdiction=jurisdiction("FZ"))


@pytest.mark.parametrize(("who", "side"), sorted(EXPECTED))
def test_permission_matrix(client, who, side):
    open_case()  # 丰泽区
    open_case(jurisdiction=jurisdiction("LC"))
    user = make_user(who)
    if user is not None:
        client.force_login(user)
    office = {"": "", "own": jurisdiction("FZ").pk, "other": jurisdiction("LC").pk}[side]
    response = client.get(URL, {"office": office} if office else {})
    assert response.status_code == EXPECTED[who, side]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))
    if response.status_code == 200:
        page = response.content.decode()
        assert "监督看板" in page
        if who in OFFICE_ROLES:  # their own office only, whatever they ask for
            assert "丰泽区" in page and "鲤城区" not in page


@pytest.mark.parametrize("office", ["abc", "-1", "0", "99999999999999999999", "1 OR 1=1", "１"])
def test_a_malformed_office_is_a_404_not_an_error(client, office):
    client.force_login(UserFactory(with_role="city_supervisor"))
    assert client.get(URL, {"office": office}).status_code == 404


def test_the_city_supervisors_home_is_the_dashboard(client):
    client.force_login(UserFactory(with_role="city_supervisor"))
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "监督看板" in response.content.decode()
    # A superuser, city-wide too, keeps the back office's home (with the link).
    client.force_login(UserFactory(is_superuser=True, jurisdiction=None))
    home = client.get(reverse("admin:index"))
    assert home.status_code == 200 and f'href="{URL}"' in home.content.decode()


def test_office_staff_keep_their_home_with_a_link_to_the_dashboard(client):
    client.force_login(officer())
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="portal-summary"' in page
    assert f'href="{URL}"' in page.split('id="content-related"')[1]
    client.force_login(UserFactory(with_role="agent_builder", jurisdiction=None, agent_builder=AgentBuilderFactory()))
    assert URL not in client.get(reverse("admin:index")).content.decode()


def test_an_empty_city_says_no_data_in_each_figure(client):
    client.force_login(UserFactory(with_role="city_supervisor"))
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("暂无数据") == 7
    assert 'class="dash-svg"' not in page


def _build_round():
    """One of each kind of case the figures count: step 1 handed in, past the notice, and
    completed with its elevator's register, an inspection and a ledger entry."""
    CaseFactory(at_step=1, state="submitted")
    CaseFactory(at_step=2)
    done = CaseFactory(completed=True)
    today = timezone.localdate()
    upkeep_services.register_save(
        case=done,
        actor=None,
        using_unit_name="泉州市安居物业服务有限公司",
        first_used_on=today - datetime.timedelta(days=30),
    )
    upkeep_services.inspection_record(
        case=done,
        actor=None,
        inspected_on=today - datetime.timedelta(days=340),
        result="passed",
        certificate_number="闽特检(2026)DT0002",
        valid_until=today + datetime.timedelta(days=25),
    )
    services_ledger.ledger_entry_record(
        case=done, actor=None, kind="subsidy", date=today, amount="1000.00", counterparty="财政局"
    )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["city_supervisor", "district_officer"])
def test_the_queries_stay_the_same_when_the_cases_double(client, who):
    client.force_login(UserFactory(with_role=who, jurisdiction=jurisdiction("FZ")))
    _build_round()
    _queries(client)  # a first request fills per-process caches (content types)
    before = _queries(client)
    _build_round()
    after = _queries(client)
    assert after == before
    assert before <= 20  # session, user, roles, offices, the figures' aggregates, the calendar


def test_names_are_escaped_in_the_charts_and_tables(client):
    hostile = "𠮷野<script>alert(1)</script>"
    Jurisdiction.objects.filter(code="FZ").update(name=hostile)
    CaseFactory(at_step=1, state="submitted")
    client.force_login(UserFactory(with_role="city_supervisor"))
    page = client.get(URL).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the table, the option, the SVG's <title>s
    svg = page.split('<svg class="dash-svg"', 1)[1].split("</svg>", 1)[0]
    assert "𠮷野&lt;script" in svg  # the rare character kept whole, the markup as text
    assert "<script" not in svg
    for drawn in re.findall(r'<svg class="dash-svg".*?</svg>', page, flags=re.S):
        ElementTree.fromstring(drawn)  # well-formed: every name escaped, every tag closed


def test_each_chart_has_a_title_and_its_table_beside_it(client):
    CaseFactory(at_step=1, state="submitted")
    client.force_login(UserFactory(with_role="city_supervisor"))
    page = client.get(URL).content.decode()
    sections = re.findall(r'<section class="module dash-figure".*?</section>', page, flags=re.S)
    assert len(sections) == 7
    drawn = [s for s in sections if 'class="dash-svg"' in s]
    assert drawn, "some figure has data"
    for section in drawn:
        assert re.search(
            r'<svg class="dash-svg"[^>]*role="img"[^>]*aria-labelledby="chart-\w+-title chart-\w+-desc"', section
        )
        assert re.search(r'<title id="chart-\w+-title">[^<]+</title>', section)
        assert '<table class="dash-numbers">' in section
    # No inline style or script anywhere in the charts (the CSP allows neither).
    assert not re.search(r"<svg[^>]*style=|<rect[^>]*style=", page)
