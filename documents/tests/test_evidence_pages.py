"""The evidence bundle's pages: who may build and download (a permission matrix written out,
not derived from the code), the progress and the record on the page, the download, the
link on the case page at no query."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from cases import services as cases_services
from cases.roles import roles_of
from cases.tests.factories import AgentBuilderFactory, UserFactory, officer
from demo.tests.factories import CaseFactory
from documents import permissions, services
from documents.models import BundleStatus, EvidenceBundle
from owners.tests.factories import activated

from .evidence_helpers import read_zip
from .test_evidence import check_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    case = CaseFactory(at_step=2)
    builder = AgentBuilderFactory(jurisdiction=case.jurisdiction)
    cases_services.case_update_details(case=case, actor=None, agent_builder=builder)
    bundle, _created = services.evidence_bundle_request(case=case, actor=None)
    bundle = services.evidence_bundle_build(bundle=bundle)
    assert bundle.status == BundleStatus.DONE, bundle.error
    users = {
        "district_officer": officer("FZ"),
        "planning_reviewer": officer("FZ", role="planning_reviewer"),
        "market_reviewer": officer("FZ", role="market_reviewer"),
        "city_supervisor": UserFactory(with_role="city_supervisor"),
        "superuser": UserFactory(is_superuser=True, is_staff=True, jurisdiction=None),
        "agent_builder": UserFactory(with_role="agent_builder", agent_builder=builder, jurisdiction=None),
        "other_district_officer": officer("LC"),
        "owner": activated(case)[0].user,
        "anonymous": None,
    }
    return {"case": case, "bundle": bundle, "users": users}


PAGES = {
    "page": lambda w: ("get", reverse("admin:documents_case_evidence", args=[w["case"].pk])),
    "status": lambda w: ("get", reverse("admin:documents_evidence_status", args=[w["bundle"].pk])),
    "download": lambda w: ("get", reverse("admin:documents_evidence_download", args=[w["bundle"].pk])),
    "build": lambda w: ("post", reverse("admin:documents_case_evidence", args=[w["case"].pk])),
}

# who → what each endpoint answers (the build's 302 is back to the page, a bundle started).
ALLOWED = {"page": 200, "status": 200, "download": 200, "build": 302}
EXPECTED = {
    # Staff of the case's district: the receiving office and every reviewing department.
    "district_officer": ALLOWED,
    "planning_reviewer": ALLOWED,
    "market_reviewer": ALLOWED,
    "city_supervisor": ALLOWED,  # reads every district
    "superuser": ALLOWED,
    # The applicant's side sees the case, not every owner's ballot and signature: 403.
    "agent_builder": dict.fromkeys(PAGES, 403),
    # Another district: the case does not exist for them.
    "other_district_officer": dict.fromkeys(PAGES, 404),
    # Not the back office at all: the admin's sign-in page.
    "owner": dict.fromkeys(PAGES, 302),
    "anonymous": dict.fromkeys(PAGES, 302),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_evidence_matrix(client, world, who):
    user = world["users"][who]
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    answered = {}
    for name, page in PAGES.items():
        method, url = page(world)
        response = getattr(client, method)(url)
        answered[name] = response.status_code
        if response.status_code == 302 and EXPECTED[who][name] == 302 and name != "build":
            assert "/login/" in response["Location"], (name, response["Location"])
    assert answered == EXPECTED[who]
    started = EvidenceBundle.objects.filter(case=world["case"]).exclude(pk=world["bundle"].pk)
    assert started.exists() == (EXPECTED[who]["build"] == 302 and who not in ("owner", "anonymous"))
    downloads = AuditEvent.objects.filter(event="evidence_bundle_downloaded")
    assert downloads.exists() == (EXPECTED[who]["download"] == 200)


def _staff(client, user):
    client.force_login(user)
    return client


def test_the_page_shows_the_progress_then_the_bundle_with_its_hashes(client, django_capture_on_commit_callbacks):
    case = CaseFactory(at_step=2)
    user = officer("FZ")
    client = _staff(client, user)
    page_url = reverse("admin:documents_case_evidence", args=[case.pk])
    assert "尚未生成证据包" in client.get(page_url).content.decode()

    # The build is started once the request's record is committed (captured here, not run:
    # the test builds it in this thread below, as the thread would).
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(page_url)
    assert response.status_code == 302 and response["Location"] == page_url
    assert len(callbacks) == 1
    bundle = EvidenceBundle.objects.get(case=case)
    assert (bundle.status, bundle.requested_by) == (BundleStatus.PENDING, user)

    page = client.get(page_url).content.decode()
    status_url = reverse("admin:documents_evidence_status", args=[bundle.pk])
    assert f'data-status-url="{status_url}"' in page and "documents/evidence.js" in page
    assert "正在准备生成证据包" in page and "生成证据包</" not in page  # no second button meanwhile
    assert json.loads(client.get(status_url).content)["status"] == "pending"

    # A second click while it runs starts nothing more.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(page_url, follow=True)
    assert callbacks == [] and EvidenceBundle.objects.filter(case=case).count() == 1

    EvidenceBundle.objects.filter(pk=bundle.pk).update(status=BundleStatus.RUNNING, items_done=12, items_total=48)
    assert json.loads(client.get(status_url).content)["text"] == "正在生成证据包… 12/48"
    assert "正在生成证据包… 12/48" in client.get(page_url).content.decode()

    bundle = services.evidence_bundle_build(bundle=bundle)
    state = json.loads(client.get(status_url).content)
    download_url = reverse("admin:documents_evidence_download", args=[bundle.pk])
    assert state["finished"] and state["status"] == "done" and state["download_url"] == download_url
    assert state["manifest_sha256"] == bundle.manifest_sha256
    page = client.get(page_url).content.decode()
    assert bundle.manifest_sha256 in page and bundle.sha256 in page and download_url in page
    assert "证据包已生成" in page

    response = client.get(download_url)
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"] and "Cache-Control" in response
    assert f"{case.number}-%E8%AF%81%E6%8D%AE%E5%8C%85-" in response["Content-Disposition"]  # 证据包
    check_bundle(b"".join(response.streaming_content), bundle)
    assert AuditEvent.objects.filter(event="evidence_bundle_downloaded", actor=user, case=case).count() == 1


def test_a_failed_build_says_why_in_chinese_and_offers_a_new_one(client):
    case = CaseFactory(at_step=2)
    attachment = case.attachments.first()
    attachment.file.storage.delete(attachment.file.name)
    bundle, _created = services.evidence_bundle_request(case=case, actor=None)
    bundle = services.evidence_bundle_build(bundle=bundle)
    client = _staff(client, officer("FZ"))
    page = client.get(reverse("admin:documents_case_evidence", args=[case.pk])).content.decode()
    assert "证据包生成失败：存储中找不到文件" in page
    assert 'value="生成证据包"' in page
    status = json.loads(client.get(reverse("admin:documents_evidence_status", args=[bundle.pk])).content)
    assert status["status"] == "failed" and "download_url" not in status
    response = client.get(reverse("admin:documents_evidence_download", args=[bundle.pk]), follow=True)
    assert "该证据包没有可下载的文件" in response.content.decode()


def test_the_page_reads_as_many_queries_for_one_bundle_as_for_many(client):
    case = CaseFactory()
    client = _staff(client, officer("FZ"))
    url = reverse("admin:documents_case_evidence", args=[case.pk])

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx.captured_queries)

    bundle, _created = services.evidence_bundle_request(case=case, actor=officer("FZ"))
    services.evidence_bundle_build(bundle=bundle)
    one = queries()
    for _n in range(4):
        bundle, _created = services.evidence_bundle_request(case=case, actor=officer("FZ"))
        services.evidence_bundle_build(bundle=bundle)
    assert queries() == one


def test_the_case_page_links_to_the_bundle_page_for_those_who_may_without_a_query(client, django_assert_num_queries):
    case = CaseFactory()
    builder = AgentBuilderFactory(jurisdiction=case.jurisdiction)
    cases_services.case_update_details(case=case, actor=None, agent_builder=builder)
    link = reverse("admin:documents_case_evidence", args=[case.pk])
    case_page = reverse("admin:cases_case_change", args=[case.pk])
    assert link in _staff(client, officer("FZ")).get(case_page).content.decode()
    agent = UserFactory(with_role="agent_builder", agent_builder=builder, jurisdiction=None)
    assert link not in _staff(client, agent).get(case_page).content.decode()
    # The link asks only the user's roles, which the case page has read already.
    user = officer("FZ")
    roles_of(user)
    with django_assert_num_queries(0):
        assert permissions.evidence_refusal(user, case) is None
    roles_of(agent)
    with django_assert_num_queries(0):
        assert permissions.evidence_refusal(agent, case)


def test_a_zip_downloaded_is_what_the_record_says(client):
    case = CaseFactory(at_step=2)
    bundle, _created = services.evidence_bundle_request(case=case, actor=None)
    bundle = services.evidence_bundle_build(bundle=bundle)
    client = _staff(client, UserFactory(with_role="city_supervisor"))
    data = b"".join(client.get(reverse("admin:documents_evidence_download", args=[bundle.pk])).streaming_content)
    assert "manifest.csv" in read_zip(data)
