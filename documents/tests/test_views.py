"""The public verification page and the staff print and download views."""

from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEvent
from cases.tests.factories import AgentBuilderFactory, UserFactory, jurisdiction
from documents.models import DocumentTemplate, GeneratedDocument
from documents.services import document_render

pytestmark = pytest.mark.django_db


def verify_url(record):
    return reverse("documents:verify", args=[record.code])


def personal_data(case):
    for flat in case.unit.flats.all():
        for ownership in flat.ownerships.all():
            owner = ownership.owner
            yield from (owner.name, owner.id_number, owner.masked_id_number, owner.phone)


# --- /verify/<code>/ ---------------------------------------------------------------------


def test_verification_shows_the_document_and_that_it_is_current(client, case):
    record = document_render(case=case, template=DocumentTemplate.AGREEMENT, actor=None).record
    response = client.get(verify_url(record))
    assert response.status_code == 200
    page = response.content.decode()
    expected = [
        "增设电梯协议书",
        case.number,
        "第1版",
        record.sha256,
        "有效文书，且为最新版本",
        "丰泽区住房和城乡建设局",
    ]
    for text in expected:
        assert text in page, text
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_scanner_asking_head_first_gets_the_page(client, case):
    record = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    assert client.head(verify_url(record)).status_code == 200


def test_verification_flags_an_outdated_version(client, case):
    old = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None).record
    document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None)
    page = client.get(verify_url(old)).content.decode()
    assert "已不是最新版本" in page and "最新为第2版" in page
    assert "有效文书，且为最新版本" not in page


def test_verification_shows_no_personal_data(client, case):
    for template in (DocumentTemplate.BALLOTS, DocumentTemplate.AGREEMENT):
        record = document_render(case=case, template=template, actor=None).record
        page = client.get(verify_url(record)).content.decode()
        for value in personal_data(case):
            if value:
                assert value not in page, value
        assert case.unit.building.address not in page


def test_codes_are_read_as_people_type_them(client, case):
    record = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    messy = f" {record.code[:5].lower()}-{record.code[5:]} "
    assert client.get(reverse("documents:verify", args=[messy.strip()])).status_code == 200
    lookup = client.get(reverse("documents:verify_lookup"), {"code": messy})
    assert lookup.status_code == 302 and lookup["Location"] == verify_url(record)


@pytest.mark.parametrize("code", ["ZZZZZZZZZZ", "abc", "0000000000", "<script>"])
def test_an_unknown_code_is_a_chinese_404(client, code):
    response = client.get(reverse("documents:verify", args=[code]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "未找到该验证码对应的文书" in page
    assert "<script>" not in page


def test_an_uploaded_pdf_is_compared_with_the_recorded_hash(client, case):
    rendered = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None)
    url = verify_url(rendered.record)
    same = client.post(url, {"pdf": SimpleUploadedFile("n.pdf", rendered.pdf_bytes, "application/pdf")})
    assert "一致：上传的文件与登记的第1版完全相同" in same.content.decode()
    forged = client.post(url, {"pdf": SimpleUploadedFile("n.pdf", rendered.pdf_bytes + b"%", "application/pdf")})
    assert "不一致" in forged.content.decode()


def test_verification_page_has_its_own_static_css(client, case):
    record = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    page = client.get(verify_url(record)).content.decode()
    assert "/static/documents/verify.css" in page
    assert "http://" not in page.replace(record.code, "") and "https://" not in page


# --- staff: print and download -------------------------------------------------------------


def render_url(case, template):
    return reverse("admin:documents_case_render", args=[case.pk, template])


def test_officer_prints_a_template_from_the_case_page(client, case, officer):
    client.force_login(officer)
    confirm = client.get(render_url(case, "notice"))
    assert confirm.status_code == 200 and "生成并下载" in confirm.content.decode()
    assert not GeneratedDocument.objects.exists()  # a GET never writes
    response = client.post(render_url(case, "notice"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    record = GeneratedDocument.objects.get()
    assert body.startswith(b"%PDF") and len(body) == record.size
    events = list(AuditEvent.objects.filter(case=case, event__startswith="document_").values_list("event", "actor"))
    assert events == [("document_downloaded", officer.pk), ("document_generated", officer.pk)]


def test_a_clerk_on_an_english_screen_still_prints_the_chinese_forms(client, case, officer):
    """The screens follow the browser's language; the official forms are Chinese."""
    from .conftest import flat_text, pdf_text

    client.force_login(officer)
    response = client.post(render_url(case, "application"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = flat_text(pdf_text(b"".join(response.streaming_content)))
    assert "既有住宅增设电梯申请表案件编号" in text  # the title in every page's verification strip
    assert "业主共同出资" in text and "提取住房公积金" in text
    assert not any(word in text for word in ("Application", "owners", "fund"))
    assert "既有住宅增设电梯申请表" in unquote(response["Content-Disposition"])
    record = GeneratedDocument.objects.get()
    page = client.get(verify_url(record), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "既有住宅增设电梯申请表" in page and "Application form" not in page
    # …while the admin around it is in English.
    assert "Log out" in client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_download_of_a_kept_version_is_logged(client, case, officer):
    record = document_render(case=case, template=DocumentTemplate.AGREEMENT, actor=None).record
    client.force_login(officer)
    response = client.get(reverse("admin:documents_document_download", args=[record.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == record.file.open("rb").read()
    event = AuditEvent.objects.get(event="document_downloaded")
    assert (event.actor, event.case, event.object_id) == (officer, case, str(record.pk))


def test_another_jurisdiction_finds_nothing(client, case):
    record = document_render(case=case, template=DocumentTemplate.AGREEMENT, actor=None).record
    client.force_login(UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")))
    assert client.get(reverse("admin:documents_document_download", args=[record.pk])).status_code == 404
    assert client.post(render_url(case, "agreement")).status_code == 404
    assert client.get(render_url(case, "agreement")).status_code == 404
    listing = client.get(reverse("admin:documents_generateddocument_changelist"))
    assert listing.status_code == 200 and record.code not in listing.content.decode()
    assert not AuditEvent.objects.filter(event="document_downloaded").exists()
    assert GeneratedDocument.objects.count() == 1


def test_city_supervisor_downloads_but_does_not_print(client, case):
    record = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    client.force_login(UserFactory(with_role="city_supervisor"))
    assert client.get(reverse("admin:documents_document_download", args=[record.pk])).status_code == 200
    assert client.post(render_url(case, "notice")).status_code == 403
    assert GeneratedDocument.objects.count() == 1


def test_anonymous_is_sent_to_the_login(client, case):
    response = client.post(render_url(case, "notice"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_unknown_template_is_404(client, case, officer):
    client.force_login(officer)
    assert client.post(render_url(case, "passport")).status_code == 404


def test_the_print_panel_renders_for_a_case(case, officer):
    AgentBuilderFactory()
    document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None)
    request = RequestFactory().get("/")
    request.user = officer
    html = render_to_string("admin/documents/case_print_panel.html", {"case": case, "csrf_token": "t0ken"}, request)
    for template in DocumentTemplate:
        assert render_url(case, template.value) in html
    assert "本单元全部表决票" in html and "打印本单元全部表决票" in html
    assert "第1版" in html and "已生成的全部版本（1）" in html
    record = GeneratedDocument.objects.get()
    assert reverse("admin:documents_document_download", args=[record.pk]) in html

    request.user = UserFactory(with_role="city_supervisor")
    read_only = render_to_string("admin/documents/case_print_panel.html", {"case": case}, request)
    assert render_url(case, "application") not in read_only
    assert reverse("admin:documents_document_download", args=[record.pk]) in read_only


def test_the_print_panel_lists_every_version_newest_first_and_says_which_is_current(case, officer):
    first = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    second = document_render(case=case, template=DocumentTemplate.NOTICE, actor=officer).record
    request = RequestFactory().get("/")
    request.user = officer
    html = render_to_string("admin/documents/case_print_panel.html", {"case": case, "csrf_token": "t0ken"}, request)
    assert "已生成的全部版本（2）" in html
    versions = html.split('<table class="documents-versions-table">')[1].split("</table>")[0]
    newest, older = versions.split("<tbody>")[1].split("</tbody>")[0].strip().split("\n")
    for row, record, by, state in (
        (newest, second, officer.get_full_name(), "最新"),
        (older, first, "系统", "已被取代"),
    ):
        assert f"<td>第{record.version}版</td>" in row
        assert f"<td>{by}</td>" in row and f"<td>{state}</td>" in row
        assert f"<td>{record.code}</td>" in row and f'title="{record.sha256}">{record.sha256[:12]}…' in row
        assert reverse("admin:documents_document_download", args=[record.pk]) in row
    current = html.split('class="documents-row-notice"')[1].split("</tr>")[0]
    assert "第2版" in current and reverse("admin:documents_document_download", args=[second.pk]) in current
