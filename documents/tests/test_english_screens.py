"""The documents' screens follow the visitor's language (Chinese by default); the official
documents themselves, and their titles, stay Chinese.

The tests named `test_english_*_needs_catalog` assert what an English visitor notices:
no Chinese left in the screen's own wording. They pass only once the English catalog
(locale/en/LC_MESSAGES/django.po) translates the documents app's strings and is compiled.
What may stay Chinese on an English screen is data, not wording: the official document
titles, the case's address and the issuing office's name; the tests cut those out first.
"""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from cases.tests.factories import UserFactory, jurisdiction
from documents import permissions
from documents.models import DocumentTemplate, official_title
from documents.services import document_render

pytestmark = pytest.mark.django_db

# Han characters, CJK punctuation (、。「」…) and full-width forms (（），：).
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def chinese_in(text: str, *data: str) -> list[str]:
    """The Chinese the screen shows, once the given data values are cut out of it."""
    for value in sorted((str(v) for v in data if v), key=len, reverse=True):
        text = text.replace(value, "")
    return CHINESE.findall(text)


def verify_url(record):
    return reverse("documents:verify", args=[record.code])


def section(html: str, pattern: str) -> str:
    match = re.search(pattern, html, re.DOTALL)
    assert match, pattern
    return match.group(0)


def official_titles() -> list[str]:
    return [official_title(t) for t in DocumentTemplate]


# --- passes now: the language is the visitor's, Chinese by default -------------------------


@pytest.mark.parametrize(
    ("accept", "lang"), [(None, "zh-hans"), ("zh-CN,zh;q=0.9", "zh-hans"), ("fr", "zh-hans"), ("en", "en")]
)
def test_verification_page_declares_the_visitors_language(client, case, accept, lang):
    record = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    for response in (
        client.get(verify_url(record), **headers),
        client.get(reverse("documents:verify_lookup"), **headers),
        client.get(reverse("documents:verify", args=["ZZZZZZZZZZ"]), **headers),
    ):
        assert f'<html lang="{lang}">' in response.content.decode()
        assert "Accept-Language" in response["Vary"]
    if lang == "zh-hans":
        assert "有效文书，且为最新版本" in client.get(verify_url(record), **headers).content.decode()


# --- need the English catalog ----------------------------------------------------------------


def test_english_verification_pages_need_catalog(client, case):
    """A visitor whose phone is in English reads the verification pages in English; only
    the document's official title and the issuing office stay Chinese."""
    old = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None).record
    new = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None).record
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    data = [*official_titles(), case.jurisdiction.housing_office, case.number]
    pages = {
        "current": client.get(verify_url(new), **en),
        "outdated": client.get(verify_url(old), **en),
        "compare without a file": client.post(verify_url(new), {}, **en),
        "not found": client.get(reverse("documents:verify", args=["ZZZZZZZZZZ"]), **en),
        "lookup": client.get(reverse("documents:verify_lookup"), **en),
        "lookup, wrong code": client.get(reverse("documents:verify_lookup"), {"code": "abc"}, **en),
    }
    for name, response in pages.items():
        page = response.content.decode()
        assert '<html lang="en">' in page, name
        assert chinese_in(page, *data) == [], name
    assert "既有住宅增设电梯申请表" in pages["current"].content.decode()  # the official title, as printed


def test_english_print_panel_needs_catalog(client, case, officer):
    """The case page's print panel on an English screen: headings, buttons, versions."""
    document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None)
    document_render(case=case, template=DocumentTemplate.BALLOT_PAPERS, actor=officer)
    client.force_login(officer)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    panel = section(page.content.decode(), r'<section class="module documents-print-panel".*?</section>')
    assert "格式文书打印" not in panel and "尚未生成" not in panel and "下载第" not in panel
    assert chinese_in(panel, case.number, officer.get_full_name(), case.jurisdiction.housing_office) == []


def test_english_render_confirmation_needs_catalog(client, case, officer):
    document_render(case=case, template=DocumentTemplate.NOTICE, actor=None)
    client.force_login(officer)
    page = client.get(
        reverse("admin:documents_case_render", args=[case.pk, "notice"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert chinese_in(section(page, r'<li aria-current="page">.*?</li>')) == []
    assert chinese_in(section(page, r'<div class="module">.*?</div>'), case.number, case.unit) == []


def test_english_generated_documents_list_needs_catalog(client, case, officer):
    document_render(case=case, template=DocumentTemplate.NOTICE, actor=None)
    client.force_login(officer)
    page = client.get(
        reverse("admin:documents_generateddocument_changelist"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    table = section(page, r'<table id="result_list">.*?</table>')
    assert chinese_in(table, case.number, case.jurisdiction.housing_office) == []


def test_english_permission_messages_need_catalog(case):
    record = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    supervisor = UserFactory(with_role="city_supervisor")  # reads every district, prints nothing
    elsewhere = UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC"))
    with translation.override("en"):
        with pytest.raises(PermissionDenied) as cannot_render:
            document_render(case=case, template=DocumentTemplate.NOTICE, actor=supervisor)
        cannot_download = permissions.download_refusal(elsewhere, record)
    for message in (str(cannot_render.value), cannot_download):
        assert message and chinese_in(message) == [], message
