"""The office's objection pages: who reads and who records (role × district), the paper form
(a bad scan, a wrong owner, empty and huge fields: a clear message, nothing saved), the
handling forms, the file download logged, the staff's PDFs, and flat query counts."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Owner
from cases.tests.factories import AgentBuilderFactory, UserFactory, officer
from demo.tests.factories import CaseFactory
from notices import services
from notices import services_objections as objections
from notices.models import Objection, ObjectionState
from owners.tests.factories import activated

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _published():
    case = CaseFactory(at_step=2)
    services.notice_publish(
        case=case,
        actor=officer(case.jurisdiction.code),
        start=TODAY(),
        end=TODAY() + datetime.timedelta(days=case.jurisdiction.notice_days - 1),
        places=["unit", "board"],
    )
    return case


def _owners(case):
    return list(Owner.objects.filter(ownerships__flat__unit=case.unit).distinct().order_by("pk"))


def _scan(name="异议.pdf", content=b"%PDF-1.4\n% signed paper\n"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _paper(case, index=0):
    return objections.objection_record_paper(
        case=case, actor=officer(), owner=_owners(case)[index], reasons="影响采光", scan=_scan()
    )


def _applicant(case):
    agent = AgentBuilderFactory()
    case_services.case_update_details(case=case, actor=None, agent_builder=agent)
    return UserFactory(with_role="agent_builder", agent_builder=agent)


def _urls(case, objection):
    return {
        "list": reverse("admin:notices_objections", args=[case.pk]),
        "page": reverse("admin:notices_objection", args=[objection.pk]),
        "receipt": reverse("admin:notices_objection_receipt", args=[objection.pk]),
        "file": reverse("admin:notices_objection_file", args=[objection.files.get().pk]),
    }


@pytest.mark.parametrize(
    ("who", "reads", "records"),
    [
        ("office", 200, True),
        ("other_district", 404, False),
        ("other_district_reviewer", 404, False),
        ("reviewer", 200, False),
        ("city", 200, False),
        ("applicant", 403, False),  # the objectors' personal data is not the applicant's to read
        ("superuser", 200, True),
    ],
)
def test_who_reads_and_who_records(client, who, reads, records):
    case = _published()
    objection = _paper(case)
    user = {
        "office": lambda: officer("FZ"),
        "other_district": lambda: officer("LC"),
        "other_district_reviewer": lambda: officer("LC", role="planning_reviewer"),
        "reviewer": lambda: officer("FZ", role="planning_reviewer"),
        "city": lambda: UserFactory(with_role="city_supervisor"),
        "applicant": lambda: _applicant(case),
        "superuser": lambda: UserFactory(is_superuser=True),
    }[who]()
    client.force_login(user)
    for name, url in _urls(case, objection).items():
        response = client.get(url)
        assert response.status_code == reads, (name, response.status_code)
    if reads == 200:
        html = client.get(_urls(case, objection)["page"]).content.decode()
        assert AuditEvent.objects.filter(case=case, event="objection_viewed", actor=user).exists()
        assert objection.number in html and objection.name in html
        assert ('id="objection-meeting"' in html) is records
    refused = 302 if records else (404 if reads == 404 else 403)
    contact = client.post(
        reverse("admin:notices_objection_handling", args=[objection.pk]),
        {"kind": "contact", "on": TODAY().isoformat(), "how": "电话", "summary": "已联系"},
    )
    assert contact.status_code == refused
    paper = client.post(
        reverse("admin:notices_objection_paper", args=[case.pk]),
        {
            "owner": _owners(case)[1].pk,
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "reasons": "噪音",
            "scan": _scan(),
        },
    )
    assert paper.status_code == refused
    assert Objection.objects.count() == (2 if records else 1)


def test_an_owner_account_never_reaches_the_staff_pages(client):
    case = _published()
    objection = _paper(case)
    account, _owner, _case = activated(case, owner=_owners(case)[0])
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    for url in _urls(case, objection).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_anonymous_is_sent_to_sign_in(client):
    case = _published()
    objection = _paper(case)
    for url in _urls(case, objection).values():
        assert "/login/" in client.get(url)["Location"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scan": None}, "书面异议扫描件"),
        ({"scan": "text"}, "不是PDF、JPEG或PNG"),
        ({"reasons": ""}, "这个字段是必填项"),
        ({"reasons": "长" * 5001}, "不能超过5000字"),
        ({"owner": "abc"}, "请选择本单元的业主"),
        ({"owner": "stranger"}, "请选择本单元的业主"),
        ({"received_at": "明天"}, "请填写有效的受理时间"),
        ({"received_at": "2999-01-01T10:00"}, "受理时间不能晚于现在"),
        ({"received_at": "9999-12-31T23:59"}, "受理时间不能晚于现在"),
        ({"received_at": "0001-01-01T00:00"}, "受理时间早于公示开始日期"),
        ({"received_at": "2020-01-01T10:00"}, "受理时间早于公示开始日期"),
        ({"phone": "12345"}, "手机号码"),
    ],
)
def test_a_bad_paper_form_says_why_and_saves_nothing(client, change, message):
    case = _published()
    stranger = _owners(CaseFactory(at_step=1))[0]
    client.force_login(officer("FZ"))
    data = {
        "owner": _owners(case)[0].pk,
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "reasons": "影响采光",
        "scan": _scan(),
    }
    for key, value in change.items():
        if value is None:
            data.pop(key)
        elif value == "text":
            data[key] = SimpleUploadedFile("scan.pdf", b"just some words", content_type="application/pdf")
        elif value == "stranger":
            data[key] = stranger.pk
        else:
            data[key] = value
    response = client.post(reverse("admin:notices_objection_paper", args=[case.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Objection.objects.exists()


def test_the_office_records_a_meeting_closes_it_and_prints_the_reply(client):
    case = _published()
    objection = _paper(case)
    client.force_login(officer("FZ"))
    handling = reverse("admin:notices_objection_handling", args=[objection.pk])
    empty = client.post(handling, {"kind": "meeting", "on": TODAY().isoformat(), "summary": "协调"})
    assert empty.status_code == 200 and "参加人员" in empty.content.decode()
    meeting = client.post(
        handling,
        {
            "kind": "meeting",
            "on": TODAY().isoformat(),
            "how": "居委会",
            "attendees": "异议人、代建单位",
            "summary": "井道北移",
        },
    )
    assert meeting.status_code == 302
    close = reverse("admin:notices_objection_close", args=[objection.pk])
    missing = client.post(close, {"outcome": "resolved", "reasons": "", "reply_text": "答复"})
    assert "请填写结果说明" in missing.content.decode()
    done = client.post(close, {"outcome": "resolved", "reasons": "井道北移0.5米", "reply_text": "经协调，方案调整。"})
    assert done.status_code == 302
    objection.refresh_from_db()
    assert objection.state == ObjectionState.CLOSED
    page = client.get(reverse("admin:notices_objection", args=[objection.pk])).content.decode()
    assert "井道北移" in page and "异议人、代建单位" in page and 'id="objection-close"' not in page
    reply = client.get(reverse("admin:notices_objection_reply", args=[objection.pk]))
    assert reply["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(reply.content)).pages[0].extract_text()
    assert "经协调，方案调整。" in text


def test_a_scan_download_is_logged(client):
    case = _published()
    objection = _paper(case)
    client.force_login(officer("FZ", role="planning_reviewer"))
    download = client.get(_urls(case, objection)["file"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(case=case, event="objection_file_downloaded").count() == 1


def test_the_notice_page_links_to_the_objections(client):
    case = _published()
    client.force_login(officer("FZ"))
    html = client.get(reverse("admin:notices_case_notice", args=[case.pk])).content.decode()
    assert reverse("admin:notices_objections", args=[case.pk]) in html


def test_the_list_reads_flat_in_rows(client):
    case = _published()
    client.force_login(officer("FZ"))
    counts = []
    for n in (1, 6):
        while Objection.objects.count() < n:
            o = _paper(case, index=Objection.objects.count())
            objections.objection_record_handling(
                objection=o, actor=officer(), kind="contact", on=TODAY(), summary="已联系"
            )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("admin:notices_objections", args=[case.pk])).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_notice_page_opens_for_a_notice_published_by_the_system(client):
    """The demo (and any command) publishes with actor=None: no publisher to name."""
    case = CaseFactory(at_step=2)
    services.notice_publish(
        case=case,
        actor=None,
        start=TODAY(),
        end=TODAY() + datetime.timedelta(days=case.jurisdiction.notice_days - 1),
        places=["unit"],
    )
    client.force_login(officer("FZ"))
    response = client.get(reverse("admin:notices_case_notice", args=[case.pk]))
    assert response.status_code == 200
    assert reverse("admin:notices_objections", args=[case.pk]) in response.content.decode()
