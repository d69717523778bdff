"""Nobody changes or deletes an entry of the log, superusers included: not in the admin,
not through the ORM, not with raw SQL on the database (audit 0002)."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AuditEvent, ImmutableEvent
from cases.tests.factories import UserFactory, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    open_case()
    return AuditEvent.objects.get(event="case_opened")


def test_a_superuser_sees_the_entry_without_a_button_to_change_or_delete_it(client, event):
    client.force_login(UserFactory(is_superuser=True))
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert event.message in html
    assert 'name="_save"' not in html and 'class="deletelink"' not in html
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    assert reverse("admin:audit_auditevent_add") not in changelist and 'value="delete_selected"' not in changelist
    assert AuditEvent.objects.filter(pk=event.pk, message=event.message).exists()


def test_the_orm_refuses_to_change_or_delete_an_entry(event):
    event.message = "篡改"
    with pytest.raises(ImmutableEvent, match="不能修改"):
        event.save()
    with pytest.raises(ImmutableEvent, match="不能删除"):
        event.delete()
    with pytest.raises(ImmutableEvent):
        AuditEvent.objects.filter(pk=event.pk).update(message="篡改")
    with pytest.raises(ImmutableEvent):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.message.startswith("立案")


def test_the_database_refuses_a_raw_update_and_on_postgresql_a_raw_delete(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_auditevent SET message = %s WHERE id = %s", ["篡改", event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_auditevent WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.message.startswith("立案")


@pytest.mark.django_db(transaction=True)
def test_emptying_the_database_between_tests_still_works(jurisdictions):
    """A transactional test's flush TRUNCATEs on PostgreSQL (no row trigger fires) and
    DELETEs on SQLite (only the update is refused there): the log's rows go with the rest."""
    open_case()
    assert AuditEvent.objects.exists()
