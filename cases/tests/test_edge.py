"""What arrives at the edge (issue 9 §5, §8): hand-made requests are a 400 with the portal's
page, never a 500; the client's address is the one our proxy saw; the security headers."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from config.client_ip import client_ip

from .factories import AgentBuilderFactory, UserFactory, officer, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_superuser=True))
    return client


@pytest.fixture
def officer_client():
    client = Client(raise_request_exception=False)
    client.force_login(officer())
    return client


AUTOCOMPLETE = "/admin/autocomplete/?app_label=cases&model_name=case&field_name=unit"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/cases/case/?status=%00",
        "/admin/cases/case/?current_step=%00",
        "/admin/cases/case/?q=%00",
        "/admin/cases/case/?q=%E5%88%BA%00",
        "/admin/cases/case/?%00=1",
        "/admin/cases/flat/?area_source__exact=%00",
        "/admin/audit/auditevent/?event=%00",
        "/admin/voting/vote/?state=%00",
        "/admin/documents/generateddocument/?template=%00",
        AUTOCOMPLETE + "&term=%00",
        "/admin/cases/case/%00/change/",
        "/verify/?code=%00",
    ],
)
def test_a_nul_anywhere_in_the_address_is_a_400_with_the_portals_page(superuser_client, url):
    open_case()
    response = superuser_client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求无法处理" in page and "空字符" in page and "返回业务后台首页" in page


@pytest.mark.parametrize(
    "url",
    [
        AUTOCOMPLETE + "&term=x",
        AUTOCOMPLETE + "&term=x&page=abc",
        AUTOCOMPLETE + "&term=x&page=999999",
        "/admin/autocomplete/?term=x&app_label=cases&model_name=case&field_name=nope",
        "/admin/cases/case/?p=999999",
        "/admin/cases/case/?p=abc",
        "/admin/cases/case/?o=abc",
        "/admin/cases/case/?o=99.1.x",
        "/admin/cases/case/?e=1",
        "/admin/cases/case/?current_step=abc",
        "/admin/cases/case/?jurisdiction__id__exact=abc",
        "/admin/cases/case/abc/change/",
        "/admin/cases/case/99999999999999999999999/change/",
        "/admin/cases/case/abc/history/",
        "/admin/cases/case/abc/delete/",
        "/admin/cases/owner/abc/change/",
    ],
)
def test_hand_made_admin_addresses_are_never_a_500(superuser_client, url):
    """Django answers these itself: a list with an error note, a redirect with a message, a 404."""
    open_case()
    assert superuser_client.get(url).status_code < 500


def test_a_non_numeric_id_in_an_autocomplete_field_is_a_400_not_a_500(officer_client):
    """The case form re-rendered with agent_builder=abc looked 'abc' up as a number."""
    case = open_case()
    page = officer_client.get(reverse("admin:cases_case_change", args=[case.pk]), {"edit": 1})  # the form
    form = page.context["adminform"].form
    data = {
        name: (value.pk if hasattr(value, "pk") else value)
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }
    AgentBuilderFactory()
    for bad in ("abc", "1.5", "1 OR 1=1", "99999999999999999999999", "-1"):
        url = reverse("admin:cases_case_change", args=[case.pk])
        response = officer_client.post(url, {**data, "agent_builder": bad})
        assert response.status_code in (200, 400), (bad, response.status_code)
        if response.status_code == 400:
            assert "无法识别的值" in response.content.decode()


def test_a_nul_in_a_posted_form_is_a_400_and_nothing_changes(officer_client):
    case = open_case()
    response = officer_client.post(
        reverse("admin:cases_step_action", args=[case.pk, 1, "submit"]), {"note": "材料\x00齐全"}
    )
    assert response.status_code == 400
    assert case.steps.get(number=1).state == "in_progress"


# --- the client's address ---------------------------------------------------------------------


def test_a_forged_forwarded_for_is_never_taken(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_ADDRESSES = ["127.0.0.1", "10.0.0.0/8"]
    factory = RequestFactory()
    # Through nginx (loopback or a unix socket): the right-most entry is what nginx appended.
    through = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    assert client_ip(through) == "203.0.113.9"
    socket = factory.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    assert client_ip(socket) == "203.0.113.9"
    # Straight to gunicorn from outside: the whole header is the client's own writing.
    direct = factory.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert client_ip(direct) == "198.51.100.7"
    # Garbage where an address should be is no address.
    garbage = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, <script>")
    assert client_ip(garbage) == "127.0.0.1"
    # Two proxies: counted from the right, the client's own entries never reached.
    settings.TRUSTED_PROXY_COUNT = 2
    two = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.1")
    assert client_ip(two) == "203.0.113.9"


def test_the_login_throttle_counts_the_proxys_address_not_a_forged_one(settings):
    """Rotating a forged X-Forwarded-For does not buy more password guesses."""
    settings.TRUSTED_PROXY_COUNT = 1
    user = officer()
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"),
            {"username": user.username, "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.9",
        )
    locked = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": "pw"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.9.9.99, 203.0.113.9",
    )
    assert locked.status_code == 429


# --- security headers -------------------------------------------------------------------------


def test_every_page_carries_the_content_security_policy_and_permissions_policy(client):
    response = client.get(reverse("admin:login"))
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_no_site_wide_template_carries_inline_script_or_style():
    import re
    from pathlib import Path

    from django.conf import settings

    for folder in (Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "cases" / "templates"):
        for template in folder.rglob("*.html"):
            text = template.read_text()
            assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
            assert "<style" not in text, template
            assert not re.search(r"\son[a-z]+=", text), template


# --- file names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, kept",
    [
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("合同\u202egpj.exe.pdf", "合同gpj.exe.pdf"),
        ("\u2066扫描件\u2069\u200e\u200f.pdf", "扫描件.pdf"),
        ("a\x00b\x1f\x7fc\u0085.pdf", "abc.pdf"),
        ("..\\..\\etc/passwd", "passwd"),
        ("\u202e", "file"),
        ("业主同意书\u00a0（签字）.pdf", "业主同意书\u00a0（签字）.pdf"),
    ],
)
def test_file_names_lose_control_and_direction_characters(given, kept):
    from cases.files import clean_file_name

    assert clean_file_name(given) == kept


def test_an_uploaded_name_with_a_direction_override_is_stored_and_offered_back_clean(officer_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases import services

    from .factories import PDF_BYTES

    case = open_case()
    step = case.steps.get(number=1)
    upload = SimpleUploadedFile("invoice\u202efdp.exe.pdf", PDF_BYTES, content_type="application/pdf")
    attachment = services.attachment_add(step=step, kind="other", upload=upload, actor=officer())
    assert attachment.original_name == "invoicefdp.exe.pdf"
    assert "\u202e" not in attachment.file.name
    # A name stored before names were cleaned is cleaned on the way out as well.
    type(attachment).objects.filter(pk=attachment.pk).update(original_name="invoice\u202efdp.exe")
    response = officer_client.get(reverse("admin:cases_attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "%E2%80%AE" not in disposition.upper() and "\u202e" not in disposition
    assert "invoicefdp.exe" in disposition
