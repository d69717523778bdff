"""Kept versions: numbering, hash, private file, verification code, audit, permission."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from audit.models import AuditEvent
from cases.tests.factories import UserFactory, jurisdiction
from documents.models import CODE_ALPHABET, DocumentTemplate, GeneratedDocument
from documents.selectors import current_document, print_panel_rows
from documents.services import document_render, documents_render_all

pytestmark = pytest.mark.django_db


def test_a_render_is_kept_privately_with_its_hash_and_logged(case, officer, client, settings):
    rendered = document_render(case=case, template=DocumentTemplate.NOTICE, actor=officer)
    record = rendered.record
    assert (record.case, record.template, record.version, record.generated_by) == (case, "notice", 1, officer)
    assert record.sha256 == hashlib.sha256(rendered.pdf_bytes).hexdigest()
    assert record.size == len(rendered.pdf_bytes) and record.pages == 2
    with default_storage.open(record.file.name, "rb") as fh:
        assert fh.read() == rendered.pdf_bytes
    # Private: under MEDIA_ROOT, which no URL serves; only the permission-checked view does.
    assert default_storage.path(record.file.name).startswith(str(settings.MEDIA_ROOT))
    assert client.get("/" + record.file.name).status_code == 404
    assert client.get("/media/" + record.file.name).status_code == 404
    assert len(record.code) == 10 and set(record.code) <= set(CODE_ALPHABET)
    assert record.code in rendered.html and f"/verify/{record.code}/" in rendered.html
    event = AuditEvent.objects.get(event="document_generated")
    assert (event.case, event.actor) == (case, officer)
    assert event.data["sha256"] == record.sha256 and event.data["version"] == 1


def test_versions_count_per_case_and_template_and_the_latest_is_current(case):
    first = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None).record
    other = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    again = document_render(case=case, template=DocumentTemplate.APPLICATION, actor=None)
    second = again.record
    assert "第2版" in again.html  # the version is printed on every page with the code
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert first.code != second.code
    assert not first.is_current and second.is_current and other.is_current
    assert current_document(case=case, template="application") == second
    rows = {row["code"]: row for row in print_panel_rows(case=case, user=None)}
    assert [v.version for v in rows["application"]["versions"]] == [2, 1]


def test_render_all_gives_the_four_official_templates(case):
    rendered = documents_render_all(case=case, actor=None)
    assert list(rendered) == ["application", "ballots", "agreement", "notice"]
    assert all(r.pdf_bytes.startswith(b"%PDF") for r in rendered.values())
    assert GeneratedDocument.objects.filter(case=case).count() == 4
    assert AuditEvent.objects.filter(event="document_generated", actor=None).count() == 4


@pytest.mark.parametrize(
    "who",
    ["other_jurisdiction", "city_supervisor", "not_staff"],
)
def test_only_staff_who_may_write_on_the_case_render(case, who):
    actor = {
        "other_jurisdiction": lambda: UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")),
        "city_supervisor": lambda: UserFactory(with_role="city_supervisor"),
        "not_staff": lambda: UserFactory(is_staff=False, with_role="district_officer"),
    }[who]()
    with pytest.raises(PermissionDenied):
        document_render(case=case, template=DocumentTemplate.APPLICATION, actor=actor)
    assert not GeneratedDocument.objects.exists()
    assert not AuditEvent.objects.filter(event="document_generated").exists()


def test_unknown_template_is_refused(case):
    with pytest.raises(ValueError):
        document_render(case=case, template="passport", actor=None)
