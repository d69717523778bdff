"""Owners' ID numbers and phones show masked on every staff list and page, and in full only
on a deliberate click (the 显示 button: a POST to the reveal view), which is logged; who may
press it: the receiving office of the owner's district and a superuser (issue 16 §5)."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.masking import mask_id_number, mask_mobile
from cases.tests.admin_forms import form_data
from cases.tests.factories import AgentBuilderFactory, OwnerFactory, UserFactory, jurisdiction, open_case
from owners.tests.factories import activated

pytestmark = pytest.mark.django_db

LOG = reverse("admin:audit_auditevent_changelist")
OWNERS = reverse("admin:cases_owner_changelist")


def reveal_url(key, pk):
    return reverse("admin:audit_auditevent_reveal", args=[key, pk])


def test_masks_as_the_issue_writes_them():
    assert mask_id_number("350503199001011234") == "350503********1234"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_id_number("") == "" and mask_mobile("") == ""
    assert mask_id_number("12345") == "12345"  # too short to mean anything masked


@pytest.fixture
def owner():
    return OwnerFactory(name="陈雅婷", id_number="350503199001011234", phone="13812345678")


def test_the_owner_list_and_page_show_the_numbers_masked_with_a_reveal_button(client, owner):
    officer = UserFactory(with_role="district_officer")
    client.force_login(officer)
    for url in (OWNERS, reverse("admin:cases_owner_change", args=[owner.pk])):
        page = client.get(url).content.decode()
        assert "350503199001011234" not in page and "13812345678" not in page, url
        assert "350503********1234" in page and "138****5678" in page, url
        assert reveal_url("owner.id_number", owner.pk) in page and reveal_url("owner.phone", owner.pk) in page
        assert "audit/reveal.js" in page  # the button's script, a static file (no inline script)
    # Opening the page shows nothing in full, so it logs nothing; the click does.
    assert not AuditEvent.objects.filter(event="personal_data_viewed").exists()


def test_the_click_answers_the_full_value_and_logs_who_whose_and_which_field(client, owner):
    officer = UserFactory(with_role="district_officer")
    client.force_login(officer)
    response = client.post(reveal_url("owner.phone", owner.pk))
    assert response.status_code == 200 and response.json() == {"value": "13812345678"}
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(event="personal_data_viewed")
    assert (event.actor, event.object_id, event.jurisdiction) == (officer, str(owner.pk), owner.jurisdiction)
    assert event.message == "查看个人信息：陈雅婷的手机号码" and event.data == {"field": "手机号码"}
    assert "13812345678" not in event.message + str(event.data)


def test_a_change_form_left_alone_keeps_the_numbers_and_a_revealed_one_can_be_edited(client):
    case = open_case()
    owner = case.unit.flats.first().ownerships.first().owner
    number, phone = owner.id_number, owner.phone
    officer = UserFactory(with_role="district_officer")
    client.force_login(officer)
    url = reverse("admin:cases_owner_change", args=[owner.pk])
    page = client.get(url)
    assert number not in page.content.decode() and f'placeholder="{mask_id_number(number)}"' in page.content.decode()
    data = form_data(page) | {"id_number": "", "phone": ""}  # as the browser posts the empty inputs
    response = client.post(url, data)
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.id_number, owner.phone) == (number, phone)
    assert [e.data["fields"] for e in AuditEvent.objects.filter(event="record_changed")] == [[]]  # nothing changed
    response = client.post(url, data | {"phone": "13987654321"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.phone == "13987654321" and owner.id_number == number
    assert AuditEvent.objects.filter(event="record_changed").first().data["fields"] == ["phone"]


def test_the_city_sees_the_numbers_masked_without_a_button(client, owner):
    client.force_login(UserFactory(with_role="city_supervisor"))
    for url in (OWNERS, reverse("admin:cases_owner_change", args=[owner.pk])):
        page = client.get(url).content.decode()
        assert "350503********1234" in page and "350503199001011234" not in page
        assert "pd-reveal" not in page
    assert client.post(reveal_url("owner.id_number", owner.pk)).status_code == 403
    assert not AuditEvent.objects.filter(event="personal_data_viewed").exists()


@pytest.mark.parametrize(
    "key, pk",
    [("owner.nothing", "1"), ("owner.id_number", "99999999"), ("owner.id_number", "9" * 40), ("x" * 300, "1")],
)
def test_a_reveal_of_nothing_known_is_a_404(client, owner, key, pk):
    client.force_login(UserFactory(is_superuser=True))
    assert client.post(reveal_url(key, pk)).status_code == 404


def test_a_reveal_is_a_post(client, owner):
    client.force_login(UserFactory(with_role="district_officer"))
    assert client.get(reveal_url("owner.id_number", owner.pk)).status_code == 405
    assert not AuditEvent.objects.filter(event="personal_data_viewed").exists()


def test_a_reveal_without_the_csrf_token_is_refused(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(with_role="district_officer"))
    assert client.post(reveal_url("owner.id_number", owner.pk)).status_code == 403


def test_the_owner_list_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(UserFactory(with_role="district_officer"))
    OwnerFactory.create_batch(3)
    with django_assert_max_num_queries(20) as few:
        client.get(OWNERS)
    OwnerFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(OWNERS).content.decode()
    assert page.count('class="pd-reveal"') == 2 * 23


# --- who may: each role, own and other district, the applicant side, owners, anonymous ----------

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
    "owner",
    "anonymous",
]

# (role, side) -> what each endpoint answers. The log: its list page (200, else the login
# page's redirect or 403) and whether the FZ office's event shows on it; the reveal: 200
# (the value), 403 (found, may not see it in full), 404 (another office's record), 302 (not
# staff: the admin's login).
EXPECTED = {
    ("district_officer", "own"): {"log": 200, "log_shows": True, "reveal": 200, "button": True},
    ("district_officer", "other"): {"log": 200, "log_shows": False, "reveal": 404, "button": False},
    ("city_supervisor", "own"): {"log": 200, "log_shows": True, "reveal": 403, "button": False},
    ("city_supervisor", "other"): {"log": 200, "log_shows": True, "reveal": 403, "button": False},
    ("superuser", "own"): {"log": 200, "log_shows": True, "reveal": 200, "button": True},
    ("superuser", "other"): {"log": 200, "log_shows": True, "reveal": 200, "button": True},
    **{
        (reviewer, side): {"log": 403, "log_shows": False, "reveal": 403 if side == "own" else 404, "button": False}
        for reviewer in ("planning_reviewer", "urban_reviewer", "market_reviewer", "fund_reviewer")
        for side in ("own", "other")
    },
    **{
        (role, side): {"log": 403, "log_shows": False, "reveal": 404, "button": False}
        for role in ("agent_builder", "using_unit")
        for side in ("own", "other")
    },
    **{
        (role, side): {"log": 302, "log_shows": False, "reveal": 302, "button": False}
        for role in ("owner", "anonymous")
        for side in ("own", "other")
    },
}


def make_user(role, side):
    code = "FZ" if side == "own" else "LC"
    if role == "anonymous":
        return None
    if role == "superuser":
        return UserFactory(is_superuser=True, jurisdiction=None)
    if role == "owner":
        account, _owner, _case = activated(open_case(jurisdiction=jurisdiction(code)))
        return account.user
    if role == "agent_builder":
        return UserFactory(with_role=role, jurisdiction=None, agent_builder=AgentBuilderFactory())
    return UserFactory(with_role=role, jurisdiction=jurisdiction(code))


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_log_and_reveal_matrix(client, owner, role, side):
    case = open_case()  # 丰泽区: its 立案 is the FZ office's event
    user = make_user(role, side)
    if user is not None:
        client.force_login(user)
    log = client.get(LOG)
    reveal = client.post(reveal_url("owner.id_number", owner.pk))
    found = {
        "log": log.status_code,
        "log_shows": log.status_code == 200 and case.number in log.content.decode(),
        "reveal": reveal.status_code,
    }
    owners_page = client.get(OWNERS)
    found["button"] = owners_page.status_code == 200 and "pd-reveal" in owners_page.content.decode()
    assert found == EXPECTED[(role, side)]
    assert "350503199001011234" not in owners_page.content.decode()
    viewed = AuditEvent.objects.filter(event="personal_data_viewed").count()
    assert viewed == (1 if found["reveal"] == 200 else 0)  # every reveal logged, nothing else


def test_the_log_names_the_field_in_chinese_whatever_the_screens_language(client, owner):
    client.force_login(UserFactory(with_role="district_officer"))
    client.post(reveal_url("owner.id_number", owner.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert AuditEvent.objects.get(event="personal_data_viewed").message == "查看个人信息：陈雅婷的证件号码"
