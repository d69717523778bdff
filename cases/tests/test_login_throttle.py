"""Login throttling (django-axes, configured in config/settings/base.py): wrong passwords
for one user name from one address lock that pair out for a while, with a Chinese page
that says for how long; nobody else is locked out with it."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from cases.tests.factories import UserFactory
from config.client_ip import client_ip

pytestmark = pytest.mark.django_db

OFFICE = "10.1.2.3"


def attempt(client, username, password, address=OFFICE):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=address, follow=False
    )


def fail_up_to_the_limit(client, settings, username, address=OFFICE):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(client, username, "wrong-password", address)
    return response


def test_the_limit_of_wrong_passwords_locks_that_name_at_that_address_out(client, settings):
    officer = UserFactory(username="fz_officer", with_role="district_officer")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, officer.username, "wrong-password")
        assert response.status_code == 200  # the login page again, with Django's error
    locked = attempt(client, officer.username, "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂停" in page and f"连续 {settings.AXES_FAILURE_LIMIT} 次" in page
    assert f"{int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} 分钟后再试" in page
    assert "泉州市既有住宅增设电梯服务平台" in page  # the portal's own header
    # Even the right password is refused now…
    assert attempt(client, officer.username, "pw").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_touches_nobody_else(client, settings):
    officer = UserFactory(username="fz_officer", with_role="district_officer")
    colleague = UserFactory(username="fz_colleague", with_role="district_officer")
    fail_up_to_the_limit(client, settings, officer.username)
    # …a colleague at the same office logs in,
    assert attempt(client, colleague.username, "pw").status_code == 302
    client.logout()
    # and the officer from another address too: a stranger guessing their password cannot
    # lock them out of their own desk.
    assert attempt(client, officer.username, "pw", address="10.9.9.9").status_code == 302


def test_a_right_password_before_the_limit_starts_the_count_again(client, settings):
    officer = UserFactory(username="fz_officer", with_role="district_officer")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, officer.username, "wrong-password")
    assert attempt(client, officer.username, "pw").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, officer.username, "wrong-password").status_code == 200
    assert attempt(client, officer.username, "pw").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, settings):
    officer = UserFactory(username="fz_officer", with_role="district_officer")
    fail_up_to_the_limit(client, settings, officer.username)
    assert attempt(client, officer.username, "pw").status_code == 429
    earlier = datetime.timedelta(minutes=1) + settings.AXES_COOLOFF_TIME
    for record in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=record.pk).update(attempt_time=record.attempt_time - earlier)
    assert attempt(client, officer.username, "pw").status_code == 302


def test_the_address_behind_the_proxy_is_the_one_the_proxy_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"  # no proxy: the header is anyone's to write
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.1.2.3"  # what our proxy appended, not what the client wrote
    bare = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    assert client_ip(bare) == "127.0.0.1"
