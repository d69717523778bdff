"""Moving the log into its own app moved no row: the events written while it was
cases.AuditEvent are read as audit.AuditEvent, and the permissions granted on it follow."""

import pytest

from conftest import migrate_to, migrate_to_latest

BEFORE = [("cases", "0014_step_waiting_for_applicant"), ("audit", None)]
AFTER = [("cases", "0015_auditevent_to_audit")]


@pytest.mark.django_db(transaction=True)
def test_the_log_keeps_its_rows_and_its_permissions_when_it_moves_to_audit(jurisdictions):
    apps = migrate_to(BEFORE)
    try:
        Jurisdiction = apps.get_model("cases", "Jurisdiction")
        Building = apps.get_model("cases", "Building")
        Case = apps.get_model("cases", "Case")
        User = apps.get_model("cases", "User")
        Event = apps.get_model("cases", "AuditEvent")
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        fz = Jurisdiction.objects.get(code="FZ")
        building = Building.objects.create(jurisdiction=fz, compound_name="花园", address="1幢", floors=7)
        unit = apps.get_model("cases", "ElevatorUnit").objects.create(building=building, name="1单元")
        case = Case.objects.create(number="FZ-2026-0001", jurisdiction=fz, unit=unit)
        clerk = User.objects.create(username="fz_clerk", jurisdiction=fz)
        opened = Event.objects.create(
            event="case_opened", actor=clerk, case=case, jurisdiction=fz, message="立案：FZ-2026-0001", data={"a": 1}
        )
        Event.objects.create(event="record_changed", jurisdiction=fz, object_type="cases.Building", message="修改楼栋")
        ContentType.objects.filter(app_label="audit", model="auditevent").delete()
        log_type, _ = ContentType.objects.get_or_create(app_label="cases", model="auditevent")
        view_log, _ = Permission.objects.get_or_create(
            content_type=log_type, codename="view_auditevent", defaults={"name": "Can view 审计日志"}
        )
        clerk.user_permissions.add(view_log)

        apps = migrate_to(AFTER)
        Event = apps.get_model("audit", "AuditEvent")
        assert Event.objects.count() == 2
        moved = Event.objects.get(pk=opened.pk)
        assert (moved.event, moved.actor.username, moved.case.number, moved.jurisdiction.code) == (
            "case_opened",
            "fz_clerk",
            "FZ-2026-0001",
            "FZ",
        )
        assert (moved.message, moved.data, moved.created_at) == ("立案：FZ-2026-0001", {"a": 1}, opened.created_at)
        assert list(Event.objects.values_list("event", flat=True)) == ["record_changed", "case_opened"]  # newest first
        clerk = apps.get_model("cases", "User").objects.get(username="fz_clerk")
        assert list(clerk.user_permissions.values_list("content_type__app_label", "codename")) == [
            ("audit", "view_auditevent")
        ]
        with pytest.raises(LookupError):
            apps.get_model("cases", "AuditEvent")
    finally:
        migrate_to_latest()
