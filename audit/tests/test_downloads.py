"""The one way a private file leaves the portal: refused, logged and labelled alike for
attachments, generated PDFs, ballot scans and witness records."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from audit.downloads import private_file_response
from audit.models import AuditEvent
from cases import audit, services
from cases.tests.factories import PDF_BYTES, officer, open_case, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment():
    case = open_case()
    return services.attachment_add(
        step=case.steps.get(number=1), kind="other", upload=pdf_upload("业主意见 表.pdf"), actor=None
    )


def _download(attachment, *, user, refusal=None, filename=None):
    request = RequestFactory().get("/")
    request.user = user
    return private_file_response(
        request,
        file=attachment.file,
        filename=filename or attachment.original_name,
        content_type=attachment.content_type,
        refusal=refusal,
        log_download=lambda actor: audit.attachment_downloaded(attachment=attachment, actor=actor),
    )


def test_the_download_is_an_uncached_unsniffed_attachment_under_its_chinese_name(attachment):
    user = officer()
    response = _download(attachment, user=user)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=utf-8''%E4%B8%9A%E4%B8%BB%E6%84%8F%E8%A7%81%20%E8%A1%A8.pdf"
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert b"".join(response.streaming_content) == PDF_BYTES
    event = AuditEvent.objects.get(event="attachment_downloaded")
    assert (event.actor, event.case, event.object_id) == (user, attachment.case, str(attachment.pk))


def test_an_ascii_name_is_sent_plain_and_an_unknown_type_as_bytes(attachment):
    attachment.content_type = ""
    response = _download(attachment, user=officer(), filename="scan.pdf")
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    assert response["Content-Type"] == "application/octet-stream"


def test_a_refusal_is_a_403_that_says_why_and_nothing_is_logged(attachment):
    with pytest.raises(PermissionDenied, match="无权下载"):
        _download(attachment, user=officer(), refusal="无权下载该文件。")
    assert not AuditEvent.objects.filter(event="attachment_downloaded").exists()


def test_a_file_gone_from_storage_is_a_404_that_says_so_and_nothing_is_logged(attachment):
    attachment.file.storage.delete(attachment.file.name)
    with pytest.raises(Http404, match="文件已不在存储中"):
        _download(attachment, user=officer())
    assert not AuditEvent.objects.filter(event="attachment_downloaded").exists()
