"""The sign-in pages as an owner meets them (issue 12 §1, §3): the exact labels, clear
refusals in Chinese, throttling, and that an owner's account never reaches the back office."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.tests.factories import UserFactory, open_case
from owners.models import OwnerAccount

from .factories import PASSWORD, activated, letters_for

pytestmark = pytest.mark.django_db


def _post_activation(client, letter, **overrides):
    data = {
        "code": letter.code,
        "id_tail": letter.owner.id_number[-6:],
        "mobile": "13900000021",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(reverse("owners:activate"), data, REMOTE_ADDR="10.1.1.1")


def test_the_pages_carry_the_contracted_labels(client):
    def labels(url):
        page = client.get(url).content.decode()
        return re.findall(r"<label[^>]*>\s*([^<*]+?)\s*<", page)

    assert labels(reverse("owners:activate")) == ["激活码", "身份证号后六位", "手机号码", "设置密码", "确认密码"]
    assert labels(reverse("owners:login")) == ["手机号码", "密码"]


def test_the_letters_qr_address_fills_in_the_code(client):
    page = client.get(reverse("owners:activate") + "?code=ACDE-FGHJ-KMNP").content.decode()
    assert 'value="ACDE-FGHJ-KMNP"' in page


def test_activation_signs_the_owner_in_and_lands_on_their_home(client):
    letter = next(iter(letters_for(open_case()).values()))
    response = _post_activation(client, letter)
    assert response.status_code == 302 and response["Location"] == reverse("owners:home")
    home = client.get(reverse("owners:home"))
    assert "激活成功" in home.content.decode()
    assert OwnerAccount.objects.get().mobile == "13900000021"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": ""}, "这个字段是必填项"),
        ({"code": "ABC"}, "激活码是12位字母和数字"),
        ({"id_tail": "12345"}, "请输入身份证号码的最后六位"),
        ({"mobile": "12345"}, "手机号码"),
        ({"password2": "Something-else-9"}, "两次输入的密码不一致"),
        ({"password1": "12345678", "password2": "12345678"}, "密码"),
    ],
)
def test_bad_input_is_a_message_and_nothing_saved(client, overrides, message):
    letter = next(iter(letters_for(open_case()).values()))
    response = _post_activation(client, letter, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OwnerAccount.objects.exists()


def test_wrong_id_digits_are_said_beside_that_field(client):
    letter = next(iter(letters_for(open_case()).values()))
    wrong = "000000" if letter.owner.id_number[-6:] != "000000" else "111111"
    response = _post_activation(client, letter, id_tail=wrong)
    assert "身份证号后六位与登记信息不符" in response.content.decode()
    assert response.context["form"].errors["id_tail"]


def test_an_unknown_code_from_one_address_is_throttled(client, settings):
    settings.OWNER_ACTIVATION_FAILURES_PER_ADDRESS = 3
    letter = next(iter(letters_for(open_case()).values()))
    for _ in range(3):
        assert "激活码不正确" in _post_activation(client, letter, code="ACDEFGHJKMNP").content.decode()
    assert "尝试次数过多" in _post_activation(client, letter).content.decode()
    assert not OwnerAccount.objects.exists()


def test_sign_in_by_mobile_and_password_is_logged(client):
    account, _owner, _case = activated(mobile="13900000031")
    response = client.post(reverse("owners:login"), {"mobile": "13900000031", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("owners:home")
    assert AuditEvent.objects.filter(event="owner_signed_in", actor=account.user).count() == 1
    response = client.post(reverse("owners:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event="owner_signed_out", actor=account.user).count() == 1
    assert client.get(reverse("owners:home")).status_code == 302  # signed out


def test_wrong_password_is_one_message_and_repeated_ones_lock_that_number(client, settings):
    activated(mobile="13900000041")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page = client.post(reverse("owners:login"), {"mobile": "13900000041", "password": "nope-nope-1"})
        assert "手机号码或密码不正确" in page.content.decode()
    locked = client.post(reverse("owners:login"), {"mobile": "13900000041", "password": "nope-nope-1"})
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode()
    # The right password waits too, for that number from that address.
    again = client.post(reverse("owners:login"), {"mobile": "13900000041", "password": PASSWORD})
    assert again.status_code == 429


def test_an_owner_account_never_reaches_the_back_office(client):
    account, _owner, _case = activated()
    client.force_login(account.user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    # …nor signs in there with its mobile number or its internal user name.
    client.logout()
    page = client.post(reverse("admin:login"), {"username": account.user.username, "password": PASSWORD})
    assert page.status_code == 200 and "errornote" in page.content.decode()


def test_staff_on_an_owner_page_are_sent_to_the_back_office(client):
    client.force_login(UserFactory(with_role="district_officer"))
    response = client.get(reverse("owners:home"))
    assert response.status_code == 403
    assert "这是业主使用的页面" in response.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(reverse("owners:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("owners:login"))


def test_large_text_switch_stays_on_across_pages(client):
    response = client.post(reverse("owners:text_size"), {"large": "1", "next": reverse("owners:activate")})
    assert response.status_code == 302 and response["Location"] == reverse("owners:activate")
    assert 'class="large-text"' in client.get(reverse("owners:login")).content.decode()
    client.post(reverse("owners:text_size"), {"large": "0"})
    assert 'class="large-text"' not in client.get(reverse("owners:login")).content.decode()


def test_the_switch_never_sends_anyone_to_another_site(client):
    response = client.post(reverse("owners:text_size"), {"large": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("owners:home")


def test_the_front_page_leads_owners_and_staff_their_ways(client):
    page = client.get("/").content.decode()
    assert reverse("owners:login") in page and reverse("owners:activate") in page
    assert reverse("admin:index") in page


def test_owner_accounts_are_not_in_the_staff_user_admin(admin_client):
    account, _owner, _case = activated()
    listing = admin_client.get(reverse("admin:cases_user_changelist")).content.decode()
    assert account.user.username not in listing
    assert admin_client.get(reverse("admin:cases_user_change", args=[account.user.pk])).status_code in (302, 404)
