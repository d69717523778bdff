"""The notice's pages: the staff page and its actions by role and district, the photo
download, the case page's line (its query count), and the owners' page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import services as case_services
from cases.tests.factories import AgentBuilderFactory, UserFactory, officer
from demo.tests.factories import CaseFactory
from notices import services
from notices.models import Notice
from notices.staff import panel_context
from owners.tests.factories import activated

from .helpers import jpeg, png

pytestmark = pytest.mark.django_db


def _page(case):
    return reverse("admin:notices_case_notice", args=[case.pk])


def _publish_url(case):
    return reverse("admin:notices_publish", args=[case.pk])


def _published(case=None):
    case = case or CaseFactory(at_step=2)
    today = timezone.localdate()
    services.notice_publish(
        case=case,
        actor=officer(case.jurisdiction.code),
        start=today,
        end=today + datetime.timedelta(days=case.jurisdiction.notice_days - 1),
        places=["unit", "board"],
    )
    return case


def _applicant(case):
    agent = AgentBuilderFactory()
    case_services.case_update_details(case=case, actor=None, agent_builder=agent)
    return UserFactory(with_role="agent_builder", agent_builder=agent)


def _post_publish(client, case, days):
    start = timezone.localdate()
    return client.post(
        _publish_url(case),
        {
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(days=days - 1)).isoformat(),
            "places": ["unit"],
        },
    )


@pytest.mark.parametrize(
    ("who", "reads", "acts"),
    [
        ("office", 200, True),
        ("other_district", 404, False),
        ("reviewer", 200, False),
        ("city", 200, False),
        ("applicant", 200, False),  # the notice is public; the applicant reads, the office acts
    ],
)
def test_who_reads_and_who_acts(client, who, reads, acts):
    case = _published()
    user = {
        "office": lambda: officer("FZ"),
        "other_district": lambda: officer("LC"),
        "reviewer": lambda: officer("FZ", role="planning_reviewer"),
        "city": lambda: UserFactory(with_role="city_supervisor"),
        "applicant": lambda: _applicant(case),
    }[who]()
    client.force_login(user)
    page = client.get(_page(case))
    assert page.status_code == reads
    if reads == 200:
        html = page.content.decode()
        assert "张贴位置" in html and "单元门口、小区公告栏、业主端网上公示" in html
        assert ('id="notice-publish"' in html) is acts
    response = _post_publish(client, case, days=12)
    assert response.status_code == (302 if acts else reads if reads == 404 else 403)
    photo = client.post(reverse("admin:notices_photo_add", args=[case.pk]), {"image": png(), "taken_by": "王五"})
    assert photo.status_code == (302 if acts else 404 if reads == 404 else 403)


def test_an_owner_account_never_reaches_the_staff_page(client):
    case = _published()
    account, _owner, _case = activated(case)
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    for url in (_page(case), _publish_url(case)):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_short_period_is_refused_on_the_page_and_says_why(client):
    case = CaseFactory(at_step=2)
    client.force_login(officer("FZ"))
    response = _post_publish(client, case, days=case.jurisdiction.notice_days - 1)
    assert response.status_code == 200
    assert f"公示期不得少于{case.jurisdiction.notice_days}个日历日" in response.content.decode()
    assert not Notice.objects.exists()


def test_a_photo_uploaded_on_the_page_is_downloaded_with_a_logged_event(client):
    case = _published()
    client.force_login(officer("FZ"))
    taken = timezone.now().replace(microsecond=0)
    response = client.post(
        reverse("admin:notices_photo_add", args=[case.pk]),
        {"image": jpeg(taken=timezone.localtime(taken)), "taken_by": "王五"},
    )
    assert response.status_code == 302
    page = client.get(_page(case)).content.decode()
    assert "照片EXIF拍摄时间" in page and "王五" in page
    photo = case.notice.photos.get()
    download = client.get(reverse("admin:notices_photo_download", args=[photo.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content)[:3] == b"\xff\xd8\xff"
    assert AuditEvent.objects.filter(case=case, event="notice_photo_downloaded").count() == 1
    client.force_login(officer("LC"))
    assert client.get(reverse("admin:notices_photo_download", args=[photo.pk])).status_code == 404


def test_the_case_pages_line_reads_nothing_however_many_photos(rf):
    case = _published()
    request = rf.get("/")
    request.user = officer("FZ")
    for n in (1, 6):
        while case.notice.photos.count() < n:
            services.notice_photo_add(case=case, actor=request.user, upload=png(), taken_by="王五")
        with CaptureQueriesContext(connection) as queries:
            context = panel_context(request=request, case=case)
        assert len(queries) == 0 and context is not None


def test_the_case_page_shows_the_period_and_leads_to_the_notice_page_with_its_warning(client):
    case = _published()
    step = case.steps.get(number=2)
    early = timezone.localdate()
    services.notice_take_down(case=case, actor=officer(), on=early, reason="施工遮挡")
    client.force_login(officer("FZ"))
    html = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    line = html[html.index('id="case-notice"') :]
    line = line[: line.index("</section>")]
    assert f"公示期{step.notice_start:%Y}年{step.notice_start.month}月{step.notice_start.day}日至" in line
    assert "正在公示" in line
    assert reverse("admin:notices_case_notice", args=[case.pk]) in line
    # The early take-down is pointed out where the notice is kept, and stops the approval.
    notice_page = client.get(reverse("admin:notices_case_notice", args=[case.pk])).content.decode()
    assert "提前撤下" in notice_page and "施工遮挡" in notice_page


# --- the owners' page ---------------------------------------------------------------------------


def _signed_in(client, case):
    account, owner, case = activated(case)
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    return account


def test_an_owner_reads_the_running_notice_and_downloads_it(client):
    case = _published()
    _signed_in(client, case)
    html = client.get(reverse("owners:notice", args=[case.pk])).content.decode()
    assert "正在公示" in html and "单元门口、小区公告栏、业主端网上公示" in html
    link = reverse("owners:document_download", args=[case.pk, case.notice.document_id])
    assert link in html
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_before_publication_the_owner_is_told_so(client):
    case = CaseFactory(at_step=2)
    _signed_in(client, case)
    html = client.get(reverse("owners:notice", args=[case.pk])).content.decode()
    assert "还没有发布" in html


def test_another_units_owner_gets_a_404(client):
    case = _published()
    other = CaseFactory(at_step=2)
    account, _owner, _case = activated(other, mobile="13900000055")
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    assert client.get(reverse("owners:notice", args=[case.pk])).status_code == 404


def test_a_period_changed_after_publication_is_pointed_out_on_the_page(client):
    case = _published()
    step = case.steps.get(number=2)
    case_services.step_set_notice_period(
        step=step, actor=officer(), start=step.notice_start, end=step.notice_end + datetime.timedelta(days=2)
    )
    client.force_login(officer("FZ"))
    html = client.get(_page(case)).content.decode()
    assert "公示期在发布后被修改" in html and "请重新发布公示" in html
    client.post(
        _publish_url(case),
        {
            "start": step.notice_start.isoformat(),
            "end": (step.notice_end + datetime.timedelta(days=2)).isoformat(),
            "places": ["unit"],
        },
    )
    assert "公示期在发布后被修改" not in client.get(_page(case)).content.decode()
