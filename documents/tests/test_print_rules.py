"""Who may print which template (documents.permissions.PRINT_RULES), what each printed
document records as its issuer, and what the public verification page says about it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, override_settings
from django.urls import reverse

from audit.models import AuditEvent
from cases import services as case_services
from cases.tests.factories import AgentBuilderFactory, UserFactory, jurisdiction
from documents import views
from documents.models import DocumentTemplate, GeneratedDocument, Issuer
from documents.services import document_render
from voting import services as voting
from voting.tests.factories import import_ballots
from voting.voters import unit_voters

from .conftest import flat_text, pdf_text

pytestmark = pytest.mark.django_db

COMPANY = "泉州市安居加梯工程服务有限公司"


@pytest.fixture
def agent(case):
    agent = AgentBuilderFactory(name=COMPANY)
    case_services.case_update_details(case=case, actor=None, agent_builder=agent)
    case.refresh_from_db()
    return agent


@pytest.fixture
def applicant(agent):
    return UserFactory(with_role="agent_builder", jurisdiction=None, agent_builder=agent, full_name="郑代建")


def render_url(case, template):
    return reverse("admin:documents_case_render", args=[case.pk, template])


def verify_page(client, record) -> str:
    return client.get(reverse("documents:verify", args=[record.code])).content.decode()


def close_a_vote(case):
    vote = voting.vote_open(case=case, actor=None, closes_at=None)
    import_ballots(vote, {voter.rooms[0]: "同意" for voter in unit_voters(unit=case.unit)})
    voting.vote_close(vote=vote, actor=None)


# --- the applicant ------------------------------------------------------------------------------


def test_the_applicant_prints_the_application_in_its_company_name_never_a_persons(client, case, applicant):
    rendered = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=applicant)
    record = rendered.record
    assert (record.issuer, record.issuer_name, record.generated_by) == (Issuer.APPLICANT, COMPANY, applicant)
    assert f"出具：{COMPANY}" in flat_text(pdf_text(rendered.pdf_bytes))
    page = verify_page(client, record)
    assert f"{COMPANY}（申请人）" in page
    assert "不是受理部门出具的文书" in page
    assert "郑代建" not in page and applicant.username not in page


def test_an_owner_representative_prints_as_the_owners_representative(client, case):
    representative = case.representatives.get()
    user = UserFactory(with_role="agent_builder", jurisdiction=None, owner=representative)
    record = document_render(case=case, template=DocumentTemplate.AGREEMENT, actor=user).record
    assert (record.issuer, record.issuer_name) == (Issuer.APPLICANT, "业主代表")
    page = verify_page(client, record)
    assert "业主代表（申请人）" in page and representative.name not in page


def test_the_applicant_may_not_issue_the_notice(client, case, applicant):
    with pytest.raises(PermissionDenied, match="以受理部门名义发布，只能由受理部门"):
        document_render(case=case, template=DocumentTemplate.NOTICE, actor=applicant)
    client.force_login(applicant)
    response = client.post(render_url(case, "notice"))
    assert response.status_code == 403
    assert "《增设电梯公示书》以受理部门名义发布，只能由受理部门（区住建经办人）打印。" in response.content.decode()
    assert not GeneratedDocument.objects.exists()
    assert not AuditEvent.objects.filter(event__startswith="document_").exists()


def test_the_applicant_prints_the_ballots_until_the_vote_is_counted(client, case, applicant):
    before = document_render(case=case, template=DocumentTemplate.BALLOTS, actor=applicant).record
    assert not before.shows_choices
    close_a_vote(case)
    with pytest.raises(PermissionDenied, match="表决已计票.*请打印“本单元全部表决票”"):
        document_render(case=case, template=DocumentTemplate.BALLOTS, actor=applicant)
    # Blank ballots for the owners stay printable; the office prints the counted sheet.
    document_render(case=case, template=DocumentTemplate.BALLOT_PAPERS, actor=applicant)
    office = document_render(case=case, template=DocumentTemplate.BALLOTS, actor=None).record
    assert office.shows_choices and office.issuer == Issuer.OFFICE
    # …which the applicant neither downloads nor finds; its own blank sheet it still has.
    request = RequestFactory().get("/")
    request.user = applicant
    with pytest.raises(PermissionDenied, match="无权下载该文书"):
        views._download(request, office)  # the download behind both views, past the list's scope
    assert not AuditEvent.objects.filter(event="document_downloaded").exists()
    client.force_login(applicant)
    assert client.get(reverse("admin:documents_document_download", args=[office.pk])).status_code == 404
    assert client.get(reverse("admin:documents_document_download", args=[before.pk])).status_code == 200
    listing = client.get(reverse("admin:documents_generateddocument_changelist")).content.decode()
    assert before.code in listing and office.code not in listing
    panel = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert office.code not in panel and "载有每位业主的表决意见" in panel
    assert render_url(case, "ballots") not in panel and render_url(case, "ballot_papers") in panel


def test_the_applicants_panel_offers_only_what_it_may_print(client, case, applicant):
    client.force_login(applicant)
    panel = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    offered = {t.value for t in DocumentTemplate if render_url(case, t.value) in panel}
    assert offered == {"application", "ballots", "ballot_papers", "agreement"}


# --- the office -------------------------------------------------------------------------------


def test_the_office_issues_the_notice_in_its_name(client, case, officer):
    rendered = document_render(case=case, template=DocumentTemplate.NOTICE, actor=officer)
    record = rendered.record
    assert (record.issuer, record.issuer_name) == (Issuer.OFFICE, "丰泽区住房和城乡建设局")
    assert "出具：丰泽区住房和城乡建设局" in flat_text(pdf_text(rendered.pdf_bytes))
    page = verify_page(client, record)
    assert "丰泽区住房和城乡建设局（受理部门）" in page and "不是受理部门出具的文书" not in page
    assert officer.get_full_name() not in page


# --- department reviewers and the city: read, never print --------------------------------------------


@pytest.mark.parametrize("role", ["planning_reviewer", "urban_reviewer", "market_reviewer", "fund_reviewer"])
def test_reviewers_of_other_departments_print_nothing_and_download_what_exists(client, case, role):
    record = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None).record
    reviewer = UserFactory(with_role=role, jurisdiction=jurisdiction("FZ"))
    with pytest.raises(PermissionDenied, match="您的账号不能打印文书"):
        document_render(case=case, template=DocumentTemplate.APPLICATION, actor=reviewer)
    client.force_login(reviewer)
    panel = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert not any(render_url(case, t.value) in panel for t in DocumentTemplate)
    assert "documents/print_panel.js" not in panel
    assert reverse("admin:documents_document_download", args=[record.pk]) in panel
    assert client.get(reverse("admin:documents_document_download", args=[record.pk])).status_code == 200
    refused = client.get(render_url(case, "application"))
    assert refused.status_code == 403 and "审查部门和市级督导可查看、下载已生成的版本" in refused.content.decode()
    assert GeneratedDocument.objects.count() == 1


# --- the public pages' rate limit --------------------------------------------------------------------


@pytest.fixture
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@override_settings(VERIFY_RATE_LIMIT=3)
def test_verification_pages_are_rate_limited_per_address(client, case, fresh_cache):
    record = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    url = reverse("documents:verify", args=[record.code])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert "核验请求过于频繁，请稍后再试" in refused.content.decode()
    assert "每分钟最多核验 3 次" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 60
    # The lookup form counts too; another address is not held up.
    assert client.get(reverse("documents:verify_lookup")).status_code == 429
    assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 200


@override_settings(VERIFY_RATE_LIMIT=0)
def test_a_rate_limit_of_zero_is_off(client, case, fresh_cache):
    record = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    url = reverse("documents:verify", args=[record.code])
    assert {client.get(url).status_code for _ in range(10)} == {200}


# --- versions printed before the issuer was recorded ------------------------------------------------


def test_the_migration_names_the_issuer_of_versions_printed_before(case, applicant):
    import importlib

    from django.apps import apps

    fill_issuers = importlib.import_module("documents.migrations.0002_document_issuer").fill_issuers
    by_office = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    by_applicant = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=applicant).record
    close_a_vote(case)
    tally_sheet = document_render(case=case, template=DocumentTemplate.BALLOTS, actor=None).record
    GeneratedDocument.objects.update(issuer=Issuer.OFFICE, issuer_name="", shows_choices=False)  # as migrated

    fill_issuers(apps, None)

    filled = {d.pk: (d.issuer, d.issuer_name, d.shows_choices) for d in GeneratedDocument.objects.all()}
    assert filled == {
        by_office.pk: (Issuer.OFFICE, "丰泽区住房和城乡建设局", False),
        by_applicant.pk: (Issuer.APPLICANT, COMPANY, False),
        tally_sheet.pk: (Issuer.OFFICE, "丰泽区住房和城乡建设局", True),
    }
