"""Both inboxes as their users meet them: only their own rows (another's is a 404 whatever the
role or district), opening a row reads it and goes to its page, mark all read, the mail
switch; anonymous users are sent to sign in, staff and owners each to their own side; the
unread count in the header; hostile input is a clear answer, never a 500; queries flat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import User
from cases.tests.factories import UserFactory, jurisdiction, open_case
from notifications import services
from notifications.models import Notification, NotificationKind, NotificationPreference

from .helpers import owner_user

pytestmark = pytest.mark.django_db

INBOX = "/admin/notifications/notification/inbox/"


def tell(user, n=1, link="/admin/cases/case/queue/"):
    rows = []
    for i in range(n):
        rows += services.notifications_send(
            users=[user], kind=NotificationKind.STEP_SUBMITTED, title=f"【待审查】第{i}件", body="请审查。", link=link
        )
    return rows


ROLES = [
    "district_officer",
    "planning_reviewer",
    "urban_reviewer",
    "market_reviewer",
    "fund_reviewer",
    "city_supervisor",
    "agent_builder",
    "using_unit",
    "superuser",
]


def make_staff(role, code="FZ", **kwargs):
    if role == "superuser":
        return UserFactory(is_superuser=True, jurisdiction=None, **kwargs)
    if role in ("city_supervisor", "using_unit", "agent_builder"):
        return UserFactory(with_role=role, jurisdiction=None, **kwargs)
    return UserFactory(with_role=role, jurisdiction=jurisdiction(code), **kwargs)


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_role_reads_only_its_own_inbox(client, role):
    user = make_staff(role)
    colleague = make_staff(role)  # same role, same office
    other_office = make_staff("district_officer", "JJ")
    [mine] = tell(user)
    [theirs] = tell(colleague)
    [far] = tell(other_office)
    client.force_login(user)
    page = client.get(INBOX)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'id="notification-{mine.pk}"' in body
    assert f'id="notification-{theirs.pk}"' not in body and f'id="notification-{far.pk}"' not in body
    assert 'id="header-inbox"' in body and "（1）" in body
    for row in (theirs, far):
        assert client.get(reverse("admin:notifications_open", args=[row.pk])).status_code == 404
        assert Notification.objects.get(pk=row.pk).read_at is None
    # The sidebar and the model's own list lead to the inbox.
    assert client.get("/admin/notifications/notification/").url == INBOX
    assert client.get(f"/admin/notifications/notification/{theirs.pk}/change/").url == INBOX


def test_anonymous_is_sent_to_sign_in_on_both_sides(client):
    staff = make_staff("district_officer")
    [row] = tell(staff)
    for url in (INBOX, reverse("admin:notifications_open", args=[row.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert client.post(reverse("admin:notifications_read_all")).status_code == 302
    assert Notification.objects.get(pk=row.pk).read_at is None
    for url in (reverse("owners:inbox"), reverse("owners:inbox_open", args=[row.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/owner/login/")


def test_opening_a_row_reads_it_and_goes_to_its_page_and_mark_all_reads_the_rest(client):
    user = make_staff("district_officer")
    first, second, third = tell(user, 3)
    client.force_login(user)
    response = client.get(reverse("admin:notifications_open", args=[first.pk]))
    assert response.status_code == 302 and response.url == "/admin/cases/case/queue/"
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert "（2）" in client.get(INBOX).content.decode()
    assert client.get(reverse("admin:notifications_read_all")).status_code == 405
    client.post(reverse("admin:notifications_read_all"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    page = client.get(INBOX).content.decode()
    assert "没有未读通知" in page and "（" not in page.split('id="header-inbox"')[1].split("</a>")[0]


def test_a_link_that_is_not_the_portal_s_own_leads_to_the_inbox(client):
    user = make_staff("district_officer")
    [row] = tell(user, link="https://evil.example.com/")
    [bare] = tell(user, link="//evil.example.com/")
    client.force_login(user)
    assert client.get(reverse("admin:notifications_open", args=[row.pk])).url == INBOX
    assert client.get(reverse("admin:notifications_open", args=[bare.pk])).url == INBOX


def test_the_mail_switch(client):
    user = make_staff("district_officer", email="zhujian@example.com")
    client.force_login(user)
    page = client.get(INBOX).content.decode()
    assert 'name="mail_enabled"' in page and "checked" in page.split('name="mail_enabled"')[1].split(">")[0]
    client.post(reverse("admin:notifications_preference"), {})
    assert NotificationPreference.objects.get(user=user).mail_enabled is False
    assert "已关闭邮件通知" in client.get(INBOX).content.decode()
    client.post(reverse("admin:notifications_preference"), {"mail_enabled": "on"})
    assert NotificationPreference.objects.get(user=user).mail_enabled is True
    client.post(reverse("admin:notifications_preference"), {"mail_enabled": "x" * 100_000})
    assert NotificationPreference.objects.get(user=user).mail_enabled is True


def test_hostile_addresses_are_clear_answers(client):
    user = make_staff("district_officer")
    tell(user)
    client.force_login(user)
    assert client.get(INBOX, {"page": "abc"}).status_code == 200
    assert client.get(INBOX, {"page": "9" * 40}).status_code == 200
    assert client.get(f"/admin/notifications/notification/{'9' * 30}/open/").status_code in (400, 404)


def test_the_owner_inbox(client):
    case = open_case()
    owner = owner_user(case, 0)
    neighbour = owner_user(case, 1)
    [mine] = tell(owner, link=f"/owner/case/{case.pk}/vote/")
    [theirs] = tell(neighbour)
    client.force_login(owner)
    page = client.get(reverse("owners:inbox"))
    body = page.content.decode()
    assert page.status_code == 200 and f'id="notification-{mine.pk}"' in body
    assert f'id="notification-{theirs.pk}"' not in body
    assert 'id="nav-inbox"' in body and "text-bg-danger" in body
    assert client.get(reverse("owners:inbox_open", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("owners:inbox_open", args=[mine.pk]))
    assert response.url == f"/owner/case/{case.pk}/vote/"
    assert "没有未读通知" in client.get(reverse("owners:inbox")).content.decode()
    assert "未登记电子邮箱" in client.get(reverse("owners:inbox")).content.decode()
    tell(owner, 2)
    client.post(reverse("owners:inbox_read_all"))
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()
    assert client.get(f"/owner/inbox/{'9' * 30}/").status_code == 404
    # Owners are not staff: the back office's inbox sends them to its sign-in.
    response = client.get(INBOX)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_staff_on_the_owner_inbox_are_told_this_is_the_owners_side(client):
    client.force_login(make_staff("district_officer"))
    assert client.get(reverse("owners:inbox")).status_code == 403


def test_the_owner_mail_switch_when_the_owner_has_an_address(client):
    case = open_case()
    owner = owner_user(case, 0)
    User.objects.filter(pk=owner.pk).update(email="yezhu@example.com")
    client.force_login(owner)
    assert 'id="inbox-preference"' in client.get(reverse("owners:inbox")).content.decode()
    client.post(reverse("owners:inbox_preference"), {})
    assert NotificationPreference.objects.get(user=owner).mail_enabled is False


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_inbox_list_costs_the_same_queries_for_2_rows_as_for_30(client):
    user = make_staff("district_officer")
    client.force_login(user)
    tell(user, 2)
    few = _queries(client, INBOX)
    tell(user, 28)
    assert _queries(client, INBOX) == few
    case = open_case()
    owner = owner_user(case, 0)
    client.force_login(owner)
    tell(owner, 2)
    few = _queries(client, reverse("owners:inbox"))
    tell(owner, 28)
    assert _queries(client, reverse("owners:inbox")) == few
