"""Every list the staff can open has its export (issue 16 §4: "every staff list"), and who
gets which rows: each role, own district, another district, the applicant's side, an owner,
anonymous."""

import io

import openpyxl
import pytest
from django.contrib import admin
from django.urls import reverse

from cases.tests.factories import AgentBuilderFactory, OwnerFactory, UserFactory, jurisdiction
from demo.tests.factories import CaseFactory
from oversight.exports import list_request
from oversight.models import ExportJob
from owners.tests.factories import activated

pytestmark = pytest.mark.django_db

STAFF = ["superuser", "district_officer", "planning_reviewer", "fund_reviewer", "city_supervisor", "using_unit"]


def staff_user(kind: str):
    if kind == "superuser":
        return UserFactory(is_superuser=True, jurisdiction=None)
    return UserFactory(with_role=kind, jurisdiction=jurisdiction("FZ"))


@pytest.fixture
def world():
    case = CaseFactory(at_step=2)  # 丰泽区, its vote closed: rows in most lists
    OwnerFactory(name="=1+1")
    return {"case": case}


@pytest.mark.parametrize("kind", STAFF)
def test_every_list_the_user_can_open_has_its_export_and_it_opens(client, world, kind):
    user = staff_user(kind)
    client.force_login(user)
    opened = 0
    for model, model_admin in admin.site._registry.items():
        if model is ExportJob:
            continue
        opts = model._meta
        export = reverse("admin:oversight_export", args=[opts.app_label, opts.model_name, "xlsx"])
        if not model_admin.has_view_or_change_permission(list_request(user=user, query="")):
            assert client.get(export).status_code == 403, opts.label
            continue
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if page.status_code == 302:  # a list that sends this user elsewhere (the using unit's registers)
            continue
        assert page.status_code == 200, opts.label
        assert f'href="{export}"' in page.content.decode(), f"{opts.label}: no export link"
        response = client.get(export)
        assert response.status_code == 200, (opts.label, response.content[:300])
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows and all(isinstance(h, str) and h for h in rows[0]), opts.label
        csv = client.get(reverse("admin:oversight_export", args=[opts.app_label, opts.model_name, "csv"]))
        assert csv.status_code == 200 and csv.content.startswith("\ufeff".encode()), opts.label
        opened += 1
    # A using unit opens no admin list: its registers' list sends it to its own page.
    assert opened >= {"superuser": 15, "using_unit": 0}.get(kind, 1)


def test_the_link_carries_the_lists_query_string(client, world):
    client.force_login(staff_user("district_officer"))
    page = client.get(reverse("admin:cases_owner_changelist") + "?q=%E8%AE%B8&kind__exact=person").content.decode()
    export = reverse("admin:oversight_export", args=["cases", "owner", "csv"])
    assert f'href="{export}?q=%E8%AE%B8&amp;kind__exact=person"' in page
    page = client.get(reverse("admin:cases_case_changelist") + "?status__exact=open&waiting=applicant").content.decode()
    export = reverse("admin:oversight_export", args=["cases", "case", "xlsx"])
    assert f'href="{export}?status__exact=open&amp;waiting=applicant"' in page


# --- the matrix on the case list's export --------------------------------------------------------

# (who, district) -> sees the case in the export (True), gets an empty list (False), or a status.
EXPECTED = {
    ("district_officer", "own"): True,
    ("district_officer", "other"): False,
    ("planning_reviewer", "own"): True,
    ("planning_reviewer", "other"): False,
    ("fund_reviewer", "own"): True,
    ("fund_reviewer", "other"): False,
    ("city_supervisor", "-"): True,
    ("using_unit", "own"): 403,
    ("agent_builder", "own"): True,  # the applicant's side: its own cases, as its list shows
    ("agent_builder", "other"): False,
    ("owner", "-"): 302,  # the owners' portal account is not staff: the admin's login
    ("anonymous", "-"): 302,
}


@pytest.mark.parametrize("who, side", list(EXPECTED))
def test_case_list_export_matrix(client, world, who, side):
    case = world["case"]
    if who == "owner":
        account, _owner, _case = activated(case)
        client.force_login(account.user)
    elif who == "agent_builder":
        agent = case.agent_builder if side == "own" else AgentBuilderFactory()
        if agent is None:
            agent = AgentBuilderFactory()
            case.agent_builder = agent
            case.save(update_fields=["agent_builder"])
        client.force_login(UserFactory(with_role=who, jurisdiction=None, agent_builder=agent))
    elif who != "anonymous":
        code = "LC" if side == "other" else "FZ"
        client.force_login(UserFactory(with_role=who, jurisdiction=jurisdiction(code)))
    response = client.get(reverse("admin:oversight_export", args=["cases", "case", "xlsx"]))
    expected = EXPECTED[who, side]
    if isinstance(expected, int) and not isinstance(expected, bool):
        assert response.status_code == expected
        return
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert (case.number in [r[0] for r in rows[1:]]) is expected


@pytest.mark.parametrize("name", ["admin:oversight_export_progress", "admin:oversight_export_download"])
def test_job_pages_need_a_staff_login(client, name):
    job = ExportJob.objects.create(
        owner=staff_user("district_officer"), list_label="cases.owner", list_name="业主", format="xlsx"
    )
    response = client.get(reverse(name, args=[job.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
