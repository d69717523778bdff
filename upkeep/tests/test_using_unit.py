"""The using unit's own access (issue 14 §2): an account with the role 使用单位 tied by the
office to the registers it manages. Who sees what (the register it manages, another one,
the case page and list, the owners, ballots, documents, the audit log), its page 我管理的电梯
with the warnings most urgent first, the writes it may and may not make, the office adding
and removing its accounts (hostile input included), query counts flat in the number of
registers, and send_reminders mailing it once."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Attachment
from cases.selectors import case_list_visible_to, jurisdiction_list_visible_to
from cases.tests.factories import PDF_BYTES, UserFactory, officer
from documents.models import DocumentTemplate
from documents.services import document_render
from upkeep import services
from upkeep.models import Inspection, MaintenanceContract, MaintenanceVisit, Register, RunningCost, UsingUnitMember

from .helpers import with_register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _url(name, case, *more):
    return reverse(f"admin:upkeep_{name}", args=[case.pk, *more])


def using_unit_user(**kw):
    """An account as a system administrator creates it: staff, role 使用单位, no jurisdiction."""
    return UserFactory(with_role="using_unit", jurisdiction=None, email=kw.pop("email", "shiyong@example.com"), **kw)


def tie(case, user):
    return services.using_unit_member_add(case=case, actor=officer(case.jurisdiction.code), username=user.username)


@pytest.fixture
def managed():
    """A completed case with its register, a using unit's account managing it, and another
    completed case of the same office it does not manage."""
    case = with_register()
    other = with_register()
    user = using_unit_user()
    tie(case, user)
    return case, other, user


# --- who sees what ---------------------------------------------------------------------------


def test_the_register_it_manages_reads_without_the_owners_data(client, managed):
    case, _other, user = managed
    client.force_login(user)
    response = client.get(_url("register_page", case))
    assert response.status_code == 200
    text = response.content.decode()
    assert "35052" in text and "泉州市安居物业服务有限公司" in text
    # Visits and inspections are its to record; the office's forms are not there.
    assert 'id="upkeep-visit-submit"' in text and 'id="upkeep-inspection-submit"' in text
    for office_only in ("upkeep-register-submit", "upkeep-use-submit", "upkeep-contract-submit", "upkeep-cost-submit"):
        assert office_only not in text
    # No share table (each flat's owners), no members' list, no link to the case page.
    assert "upkeep-exports" not in text and "upkeep-members" not in text
    assert reverse("admin:cases_case_change", args=[case.pk]) not in text
    for flat in case.unit.flats.prefetch_related("owners"):
        for owner in flat.owners.all():
            assert owner.name not in text


def test_the_share_table_is_refused_to_it(client, managed):
    case, _other, user = managed
    client.force_login(user)
    for name in ("shares_xlsx", "shares_pdf"):
        response = client.get(_url(name, case))
        assert response.status_code == 403
    assert not AuditEvent.objects.filter(event="upkeep_shares_exported").exists()


def _denied(response, case):
    """Outside its scope: a 403 or a 404, or the admin's redirect for an object it cannot
    see; never the case's number on a page."""
    assert response.status_code in (302, 403, 404), response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:index"))
    assert case.number not in response.content.decode()


@pytest.mark.parametrize(
    "where",
    [
        "other_register",
        "other_register_visit",
        "case_page",
        "case_list",
        "case_list_search",
        "vote_page",
        "notice_page",
        "evidence_page",
        "owner_accounts",
        "owners_list",
        "users_list",
        "audit_log",
        "attachment",
        "document",
        "vote_list",
    ],
)
def test_outside_the_registers_it_manages_it_sees_nothing(client, managed, where):
    case, other, user = managed
    attachment = Attachment.objects.filter(case=case).first()
    url = {
        "other_register": lambda: _url("register_page", other),
        "other_register_visit": lambda: _url("visit_add", other),
        "case_page": lambda: reverse("admin:cases_case_change", args=[case.pk]),
        "case_list": lambda: reverse("admin:cases_case_changelist"),
        "case_list_search": lambda: reverse("admin:cases_case_changelist") + f"?q={case.number}",
        "vote_page": lambda: reverse("admin:voting_case_vote", args=[case.pk]),
        "notice_page": lambda: reverse("admin:notices_case_notice", args=[case.pk]),
        "evidence_page": lambda: reverse("admin:documents_case_evidence", args=[case.pk]),
        "owner_accounts": lambda: reverse("admin:owners_case_accounts", args=[case.pk]),
        "owners_list": lambda: reverse("admin:cases_owner_changelist"),
        "users_list": lambda: reverse("admin:cases_user_changelist"),
        "audit_log": lambda: reverse("admin:audit_auditevent_changelist"),
        "attachment": lambda: reverse("admin:cases_attachment_download", args=[attachment.pk]),
        "document": lambda: reverse(
            "admin:documents_document_download",
            args=[document_render(case=case, template=DocumentTemplate.AGREEMENT, actor=None).record.pk],
        ),
        "vote_list": lambda: reverse("admin:voting_vote_changelist"),
    }[where]()
    client.force_login(user)
    if where == "other_register_visit":
        response = client.post(url, {"visited_on": TODAY().isoformat(), "done_by": "林志强", "work": "半月保养"})
        assert response.status_code == 404
        assert not MaintenanceVisit.objects.filter(register__case=other).exists()
        return
    response = client.get(url)
    _denied(response, case)
    _denied(response, other)


def test_its_queue_and_home_page_show_no_other_case_of_the_district(client, managed):
    case, other, user = managed
    client.force_login(user)
    queue = client.get(reverse("admin:cases_case_queue")).content.decode()
    assert case.number not in queue and other.number not in queue
    # Home is its own page: the case it manages, never the other case of the office.
    home = client.get(reverse("admin:index"), follow=True).content.decode()
    assert case.number in home and other.number not in home


def test_the_home_page_leads_to_its_own_page(client, managed):
    _case, _other, user = managed
    client.force_login(user)
    mine = reverse("admin:upkeep_my_registers")
    for url in (reverse("admin:index"), reverse("admin:upkeep_register_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == mine
    # Signing in lands there.
    client.logout()
    response = client.post(
        reverse("admin:login") + "?next=" + reverse("admin:index"),
        {"username": user.username, "password": "pw"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == mine and "我管理的电梯" in response.content.decode()


def test_its_menu_holds_only_what_it_uses(client, managed):
    # The holiday calendar and the printed documents are the offices' lists: not in its
    # menu, and refused when typed in.
    _case, _other, user = managed
    client.force_login(user)
    page = client.get(reverse("admin:upkeep_my_registers")).content.decode()
    for name in (
        "cases_holidayyear_changelist",
        "cases_steptimelimit_changelist",
        "documents_generateddocument_changelist",
    ):
        url = reverse(f"admin:{name}")
        assert f'href="{url}"' not in page
        assert client.get(url).status_code == 403


def test_its_page_is_for_using_units_only(client, managed):
    case, _other, _user = managed
    for user in (officer(case.jurisdiction.code), UserFactory(with_role="city_supervisor")):
        client.force_login(user)
        assert client.get(reverse("admin:upkeep_my_registers")).status_code == 403
    client.logout()
    response = client.get(reverse("admin:upkeep_my_registers"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_account_removed_from_the_role_or_disabled_loses_the_register(client, managed):
    case, _other, user = managed
    user.groups.clear()
    client.force_login(user)
    assert client.get(_url("register_page", case)).status_code == 404
    assert client.get(reverse("admin:upkeep_my_registers")).status_code == 403


def test_the_office_and_others_keep_their_access(client, managed):
    case, _other, _user = managed
    client.force_login(officer(case.jurisdiction.code))
    text = client.get(_url("register_page", case)).content.decode()
    assert "upkeep-members" in text and "upkeep-exports" in text
    client.force_login(officer("LC"))
    assert client.get(_url("register_page", case)).status_code == 404


# --- its page: 我管理的电梯 ------------------------------------------------------------------------


def test_its_page_lists_its_registers_with_warnings_most_urgent_first(client):
    user = using_unit_user()
    today = TODAY()
    # Registration due in 20 days: a warning, not yet overdue.
    soon = with_register(first_used_on=today - datetime.timedelta(days=10), rescue_code="35061")
    # First used 45 days ago and not registered: overdue (opened second, a later number).
    late = with_register(first_used_on=today - datetime.timedelta(days=45), rescue_code="35062")
    # Used in time and registered: nothing due.
    quiet = with_register(first_used_on=today - datetime.timedelta(days=5), rescue_code="35063")
    services.use_registration_record(
        case=quiet, actor=officer(quiet.jurisdiction.code), registered_on=today, certificate="梯11闽C00777(26)"
    )
    not_mine = with_register(rescue_code="35064")
    for case in (soon, late, quiet):
        tie(case, user)
    client.force_login(user)
    response = client.get(reverse("admin:upkeep_my_registers"))
    assert response.status_code == 200
    text = response.content.decode()
    assert not_mine.number not in text and "35064" not in text
    positions = [text.index(f'id="upkeep-managed-{case.pk}"') for case in (late, soon, quiet)]
    assert positions == sorted(positions)
    assert "使用登记已逾期" in text and "请最迟于" in text
    for case in (soon, late, quiet):
        assert case.unit.building.address in text
        assert _url("register_page", case) in text
    assert "35061" in text and "35062" in text and "35063" in text


def test_its_page_says_when_nothing_is_tied_to_it(client):
    client.force_login(using_unit_user())
    response = client.get(reverse("admin:upkeep_my_registers"))
    assert response.status_code == 200 and "还没有电梯与您的账号关联" in response.content.decode()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_its_page_costs_the_same_queries_for_one_register_or_five(client):
    user = using_unit_user()
    tie(with_register(), user)
    client.force_login(user)
    url = reverse("admin:upkeep_my_registers")
    one = _count(client, url)
    for _ in range(4):
        tie(with_register(first_used_on=TODAY() - datetime.timedelta(days=40)), user)
    assert _count(client, url) == one


# --- writes --------------------------------------------------------------------------------


def test_it_records_a_maintenance_visit_with_its_scan(client, managed):
    case, _other, user = managed
    client.force_login(user)
    response = client.post(
        _url("visit_add", case),
        {
            "visited_on": TODAY().isoformat(),
            "done_by": "林志强",
            "work": "半月维护保养：门系统、制动器。",
            "scan": SimpleUploadedFile("记录.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302 and response["Location"] == _url("register_page", case)
    visit = MaintenanceVisit.objects.get(register__case=case)
    assert visit.recorded_by == user and visit.scan_sha256
    assert AuditEvent.objects.filter(event="upkeep_visit_recorded", actor=user, case=case).exists()
    # Its own scan, logged.
    scan = client.get(reverse("admin:upkeep_visit_scan", args=[visit.pk]))
    assert scan.status_code == 200
    assert AuditEvent.objects.filter(event="upkeep_visit_scan_downloaded", actor=user).exists()


def test_it_records_an_inspection(client, managed):
    case, _other, user = managed
    client.force_login(user)
    response = client.post(
        _url("inspection_add", case),
        {
            "inspected_on": TODAY().isoformat(),
            "result": "passed",
            "certificate_number": "闽特检(2026)DT0888",
            "valid_until": (TODAY() + datetime.timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Inspection.objects.get(register__case=case).recorded_by == user


def test_a_bad_visit_is_refused_in_chinese_and_nothing_saved(client, managed):
    case, _other, user = managed
    client.force_login(user)
    for data in (
        {"visited_on": "", "done_by": "", "work": ""},
        {"visited_on": "2026-13-45", "done_by": "林", "work": "x"},
        {"visited_on": TODAY().isoformat(), "done_by": "林" * 200, "work": "x"},
        {"visited_on": (TODAY() + datetime.timedelta(days=3)).isoformat(), "done_by": "林", "work": "x"},
        {"visited_on": TODAY().isoformat(), "done_by": "林", "work": "x", "scan": SimpleUploadedFile("a.pdf", b"not")},
    ):
        response = client.post(_url("visit_add", case), data)
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
    assert not MaintenanceVisit.objects.filter(register__case=case).exists()


@pytest.mark.parametrize(
    ("name", "data", "model"),
    [
        ("register_save", {"using_unit_kind": "property", "using_unit_name": "别家物业"}, None),
        ("use_registration", {"registered_on": "2026-01-05", "certificate": "梯11闽C00999(26)"}, None),
        (
            "contract_add",
            {
                "company": "泉州通达电梯维保有限公司",
                "licence_number": "TS3435001-2026",
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
                "price": "1.00",
                "interval_days": "15",
            },
            MaintenanceContract,
        ),
        ("cost_add", {"year": "2026", "kind": "electricity", "amount": "100.00"}, RunningCost),
        ("costs_publish", {"year": "2026"}, None),
        ("member_add", {"account": "someone"}, UsingUnitMember),
    ],
)
def test_the_office_s_writes_are_refused_to_it(client, managed, name, data, model):
    case, _other, user = managed
    before = {m: m.objects.count() for m in (MaintenanceContract, RunningCost, UsingUnitMember)}
    register = Register.objects.get(case=case)
    client.force_login(user)
    assert client.post(_url(name, case), data).status_code == 403
    assert {m: m.objects.count() for m in before} == before
    register.refresh_from_db()
    assert register.using_unit_name == "泉州市安居物业服务有限公司" and register.registered_on is None


def test_the_services_refuse_it_on_a_register_it_does_not_manage(managed):
    _case, other, user = managed
    with pytest.raises(PermissionDenied):
        services.visit_record(case=other, actor=user, visited_on=TODAY(), done_by="林", work="x")
    with pytest.raises(PermissionDenied):
        services.contract_record(
            case=_case,
            actor=user,
            company="某公司",
            licence_number="TS3435001-2026",
            starts_on=TODAY(),
            ends_on=TODAY() + datetime.timedelta(days=30),
            price="1.00",
        )


# --- the office ties and unties accounts -----------------------------------------------------------


def test_the_office_adds_and_removes_an_account_on_the_register_page(client):
    case = with_register()
    clerk = officer(case.jurisdiction.code)
    user = using_unit_user(full_name="陈建平")
    client.force_login(clerk)
    response = client.post(_url("member_add", case), {"account": f"  {user.username} "})
    assert response.status_code == 302
    member = UsingUnitMember.objects.get(register__case=case)
    assert member.user == user and member.added_by == clerk
    text = client.get(_url("register_page", case)).content.decode()
    assert user.username in text and "陈建平" in text
    assert AuditEvent.objects.filter(event="upkeep_member_added", case=case, actor=clerk).exists()
    assert client.post(_url("member_remove", case, member.pk)).status_code == 302
    assert not UsingUnitMember.objects.exists()
    assert AuditEvent.objects.filter(event="upkeep_member_removed", case=case, actor=clerk).exists()
    # Removed twice (two tabs): a message, not an error.
    response = client.post(_url("member_remove", case, member.pk), follow=True)
    assert "不在本电梯的账号中" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "says"),
    [
        ("", "errorlist"),  # the form's own required message
        ("x" * 200, "errorlist"),
        ("nobody", "没有名为“nobody”的使用单位账号"),
        ("officer", "的使用单位账号"),
        ("with_jurisdiction", "的使用单位账号"),
        ("disabled", "的使用单位账号"),
        ("twice", "已是本电梯的使用单位账号"),
    ],
)
def test_the_office_is_told_why_an_account_cannot_be_added(client, username, says):
    case = with_register()
    clerk = officer(case.jurisdiction.code)
    if username == "officer":
        username = officer(case.jurisdiction.code).username
    elif username == "with_jurisdiction":
        username = UserFactory(with_role="using_unit", jurisdiction=case.jurisdiction).username
    elif username == "disabled":
        username = using_unit_user(is_active=False).username
    elif username == "twice":
        user = using_unit_user()
        tie(case, user)
        username = user.username
    before = UsingUnitMember.objects.count()
    client.force_login(clerk)
    response = client.post(_url("member_add", case), {"account": username})
    assert response.status_code == 200
    assert says in response.content.decode()
    assert UsingUnitMember.objects.count() == before


def test_an_owners_managed_elevator_has_no_using_unit_accounts():
    case = with_register()
    owner = case.unit.flats.first().owners.first()
    services.register_save(
        case=case, actor=officer(case.jurisdiction.code), using_unit_kind="owners", responsible_owner=owner
    )
    with pytest.raises(ValidationError, match="业主自行管理"):
        tie(case, using_unit_user())


def test_only_the_office_ties_accounts(client):
    case = with_register()
    user = using_unit_user()
    for other in (
        officer(case.jurisdiction.code, role="planning_reviewer"),
        UserFactory(with_role="city_supervisor"),
    ):
        client.force_login(other)
        assert client.post(_url("member_add", case), {"account": user.username}).status_code == 403
    client.force_login(officer("LC"))
    assert client.post(_url("member_add", case), {"account": user.username}).status_code == 404
    assert not UsingUnitMember.objects.exists()


# --- reminders -------------------------------------------------------------------------------


def test_send_reminders_mails_its_accounts_once(django_capture_on_commit_callbacks):
    today = TODAY()
    # Not registered 45 days after first use: one overdue warning.
    case = with_register(first_used_on=today - datetime.timedelta(days=45))
    tie(case, using_unit_user(email="shiyong@example.com"))
    tie(case, using_unit_user(email="shiyong@example.com"))  # a shared mailbox: once
    tie(case, using_unit_user(email=""))  # no address: nothing to add
    gone = using_unit_user(email="gone@example.com")
    tie(case, gone)  # then the account is disabled: no more mail
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.reminders_send(today=today)
    assert again.sent == 0 and again.skipped >= 1
    registration = [m for m in mail.outbox if "使用登记" in m.body]
    assert len(registration) == 1
    assert sorted(registration[0].to) == ["shiyong@example.com", "wuye@example.com"]


def test_a_using_unit_account_given_a_jurisdiction_by_mistake_still_sees_no_office_record(client):
    case = with_register()
    user = UserFactory(username="misplaced", with_role="using_unit", jurisdiction=case.jurisdiction)
    assert not case_list_visible_to(user=user).exists()
    assert not jurisdiction_list_visible_to(user=user).exists()
    client.force_login(user)
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code in (302, 403, 404)
