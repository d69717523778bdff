"""The log in the back office: read-only for everyone, each event shown by the label its
app declares, and an app's new event needs no migration."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from audit import registry
from audit.models import AuditEvent
from audit.selectors import audit_event_list_visible_to
from audit.services import log_event
from cases.tests.factories import UserFactory, jurisdiction, open_case

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOG = reverse("admin:audit_auditevent_changelist")


def _project_apps():
    return [a for a in apps.get_app_configs() if Path(a.path).resolve().is_relative_to(ROOT)]


@pytest.fixture
def registered_events(monkeypatch):
    """A test registers its own events in a copy: the process's registry is left as it was."""
    monkeypatch.setattr(registry, "_EVENTS", dict(registry._EVENTS))


def test_audit_log_cannot_be_changed_or_deleted_even_by_a_superuser(client):
    open_case()
    event = AuditEvent.objects.get(event="case_opened")
    client.force_login(UserFactory(is_superuser=True))
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"message": "篡改"})
    event.refresh_from_db()
    assert event.message != "篡改"
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403


def test_every_audit_event_the_code_writes_has_a_label_the_log_shows(client):
    """The log lists 立案, 部门审查决定 … rather than case_opened, case_step_decided: every
    event any app's code writes is declared, and writing one that is not is refused."""
    written = {
        name
        for app in _project_apps()
        for path in Path(app.path).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for argument in re.findall(r"\bevent=([^\n,]+)", path.read_text(encoding="utf-8"))
        for name in re.findall(r'"([a-z_]+)"', argument)  # both codes of `event="a" if … else "b"`
    }
    declared = {code for code, _ in registry.event_choices()}
    assert {"case_opened", "record_changed", "ballot_recorded", "document_downloaded"} <= written
    assert written <= declared, written - declared
    assert all(str(registry.event_label(code)) != code for code in declared)
    with pytest.raises(ValueError, match="not declared"):
        log_event(event="case_openned", actor=None, message="拼错的事件")
    assert not AuditEvent.objects.exists()

    case = open_case()
    client.force_login(UserFactory(with_role="district_officer"))
    page = client.get(LOG).content.decode()
    assert "立案" in page and ">case_opened<" not in page
    change = client.get(reverse("admin:audit_auditevent_change", args=[case.audit_events.get(event="case_opened").pk]))
    assert change.status_code == 200 and "立案" in change.content.decode()


def test_the_log_filters_by_event_from_the_declared_list(client):
    case = open_case()
    log_event(event="personal_data_viewed", actor=None, case=case, message="查看个人信息：样例")
    client.force_login(UserFactory(with_role="district_officer"))
    page = client.get(LOG).content.decode()
    assert "?event=vote_opened" in page and "开始表决" in page  # declared by voting, none written yet
    filtered = client.get(LOG, {"event": "personal_data_viewed"})
    assert [e.event for e in filtered.context["cl"].result_list] == ["personal_data_viewed"]


def test_an_app_registering_a_new_event_needs_no_migration_and_the_log_shows_its_label(client, registered_events):
    registry.register_events([("lift_inspected", "电梯检验合格")])
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits non-zero on a change

    case = open_case()
    log_event(event="lift_inspected", actor=None, case=case, message="检验合格")
    client.force_login(UserFactory(with_role="district_officer"))
    page = client.get(LOG, {"event": "lift_inspected"})
    assert [e.event for e in page.context["cl"].result_list] == ["lift_inspected"]
    assert page.content.decode().count("电梯检验合格") >= 2  # the filter's choice and the row


def test_a_code_no_app_declares_any_more_shows_as_it_is(client):
    AuditEvent.objects.create(event="retired_event", message="旧事件", jurisdiction=jurisdiction("FZ"))
    client.force_login(UserFactory(with_role="district_officer"))
    assert ">retired_event<" in client.get(LOG).content.decode()


def test_one_code_claimed_with_two_labels_stops_the_start(registered_events):
    registry.register_events([("case_opened", registry.event_label("case_opened"))])  # the same pair: nothing
    with pytest.raises(ImproperlyConfigured):
        registry.register_events([("case_opened", "开案")])


def test_each_office_reads_its_own_log_and_nothing_without_a_scope(monkeypatch):
    open_case()  # 丰泽区
    open_case(jurisdiction=jurisdiction("LC"))
    fz, lc = (
        UserFactory(with_role="district_officer"),
        UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")),
    )
    assert {e.jurisdiction.code for e in audit_event_list_visible_to(user=fz)} == {"FZ"}
    assert {e.jurisdiction.code for e in audit_event_list_visible_to(user=lc)} == {"LC"}
    monkeypatch.setattr(registry, "_log_scope", None)
    assert not audit_event_list_visible_to(user=UserFactory(is_superuser=True)).exists()


def test_no_module_of_audit_imports_an_app_above_it():
    """audit/ is below every other app: what it needs from them is registered into it."""
    above = {a.name for a in _project_apps()} - {"audit", "config"}
    for path in (ROOT / "audit").rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            assert not {n.split(".")[0] for n in names} & above, (path, names)
