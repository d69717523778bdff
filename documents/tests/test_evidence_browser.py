"""In a real browser: an officer opens the case, follows the link to the evidence bundle,
builds it, watches its progress, downloads it, and every file of the zip matches the
manifest whose hash the audit log holds. The build runs in its own thread, as in production."""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import login
from documents.models import BundleStatus, EvidenceBundle

from .evidence_helpers import rich_case
from .test_evidence import check_bundle

# Where a look at the pages is kept (for the report; nothing asserts on the pictures).
SCREENSHOTS = Path(tempfile.gettempdir())

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_an_officer_builds_watches_and_downloads_the_bundle(page, live_server):
    case, clerk = rich_case()
    login(page, live_server, clerk.username)
    messages = []
    page.on("console", lambda message: messages.append(message.text))

    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    page.locator("#documents-evidence-link").click()
    expect(page.get_by_role("heading", name="证据包", exact=True)).to_be_visible()
    expect(page.get_by_text("尚未生成证据包")).to_be_visible()

    seen = []
    page.on("response", lambda r: seen.append(r.status) if "/status/" in r.url else None)
    page.get_by_role("button", name="生成证据包").click()
    # The progress, as the page shows it while the thread builds (a second or two: the
    # index is a PDF): "正在准备生成证据包……", then "正在生成证据包… 12/48".
    expect(page.locator("#evidence-progress")).to_contain_text("正在", timeout=5_000)
    page.screenshot(path=str(SCREENSHOTS / "evidence-progress.png"))
    # When done the page reloads and lists the bundle with its hashes and its download.
    download_link = page.locator("a.evidence-download")
    expect(download_link).to_be_visible(timeout=30_000)
    assert seen, "the page asked for the build's status"
    assert set(seen) == {200}
    expect(page.locator(f"#evidence-bundle-{EvidenceBundle.objects.get().pk}")).to_contain_text("证据包已生成")
    page.screenshot(path=str(SCREENSHOTS / "evidence-done.png"), full_page=True)
    bundle = EvidenceBundle.objects.get(case=case)
    assert bundle.status == BundleStatus.DONE
    expect(page.locator(".evidence-manifest-sha")).to_have_text(bundle.manifest_sha256)

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{case.number}-证据包-")
    with open(download.path(), "rb") as handle:
        check_bundle(handle.read(), bundle)
    assert not [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m]
