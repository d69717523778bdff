"""With the Content-Security-Policy on (issue 9 §8), the pages work in a real browser: no
script, style or resource of ours is blocked, and the scripted parts still act."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import login
from documents.services import document_render

from .factories import UserFactory, unit_with_flats

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]

# Every violation the page reports, kept across the page's life (the listener is installed
# before any of the page's own scripts run).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    problems = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and not msg.text.startswith("Failed to load resource")  # reported with its URL below
            and problems.append(f"console: {msg.text}")
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and r.request.resource_type != "document"  # the pages themselves are checked by the test
            and not r.url.endswith("/favicon.ico")  # the browser asks for one on its own
            and problems.append(f"{r.status} {r.url}")
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))

    def check(where: str):
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__csp || []")
        found = [f"{where}: {v}" for v in violations] + [f"{where}: {p}" for p in problems]
        problems.clear()
        assert found == [], "\n".join(found)

    page.check_csp = check
    return page


def test_the_pages_work_with_the_content_security_policy_on(watched, live_server):
    from documents.tests.conftest import build_case
    from voting.tests.factories import VoteFactory

    page = watched
    case = build_case()
    VoteFactory(case=case, passing=True)
    UserFactory(username="fz_officer", with_role="district_officer")
    document = document_render(case=case, template="notice", actor=None).record
    free_unit = unit_with_flats(flats=2)  # no vote: its form is editable
    url = live_server.url

    page.goto(f"{url}/admin/login/")
    page.check_csp("login page")
    login(page, live_server, "fz_officer")
    page.check_csp("index")

    for where, path in [
        ("case list", "/admin/cases/case/"),
        ("case list, filtered and searched", "/admin/cases/case/?status=open&q=FZ"),
        ("case page with the print panel", reverse("admin:cases_case_change", args=[case.pk])),
        ("vote page", reverse("admin:voting_case_vote", args=[case.pk])),
        ("window submission form", reverse("admin:cases_step_action", args=[case.pk, 1, "paper"])),
        ("flat form (autocomplete)", reverse("admin:cases_flat_change", args=[case.unit.flats.first().pk])),
        ("audit log", "/admin/audit/auditevent/"),
        ("a missing page", "/admin/cases/case/999999/change/"),
    ]:
        page.goto(url + path)
        page.check_csp(where)

    # The scripted parts act: the autocomplete opens its list, the language selector
    # submits itself, the print panel prints.
    page.goto(url + reverse("admin:cases_elevatorunit_change", args=[free_unit.pk]))
    page.locator(".field-building .select2-selection").click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.check_csp("autocomplete opened")

    page.goto(url + reverse("admin:cases_case_change", args=[case.pk]))
    with page.expect_download() as download:
        page.locator(".documents-row-application").get_by_role("link", name="打印").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.check_csp("printed from the panel")

    page.select_option("form.portal-language select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.check_csp("language switched")
    page.select_option("form.portal-language select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # The public verification pages.
    page.goto(f"{url}/verify/{document.code}/")
    page.check_csp("verification page")
    page.goto(f"{url}/verify/")
    page.fill("#code", document.code)
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_role("status")).to_contain_text("有效文书")
    page.check_csp("verification by typed code")

    # The owners' portal: a field refused by the server is drawn with Bootstrap's warning
    # icon, an inline SVG image (data:), which the policy admits for images alone.
    page.goto(f"{url}/owner/activate/")
    page.check_csp("owner activation page")
    page.fill("input[name=code]", "AAAA-BBBB")
    page.fill("input[name=id_tail]", "12345X")
    page.fill("input[name=mobile]", "12345")
    page.fill("input[name=password1]", "Owner-2026-pass")
    page.fill("input[name=password2]", "Owner-2026-pass")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".is-invalid").first).to_be_visible()
    page.check_csp("owner activation refused")

    # A refused request still gets the portal's styled page.
    page.goto(f"{url}/admin/cases/case/?q=%00")
    expect(page.locator("h1")).to_have_text("请求无法处理")
    assert page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") == "rgb(65, 118, 144)"
    page.check_csp("400 page")
