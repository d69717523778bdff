"""The log viewer (issue 16 §5): each named event the issue lists is written when its
action happens and shows, by its label, on the log's page; the filters by case, user, event
and date; and a bad filter value is a message, never an error page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import services as case_services
from cases.tests.factories import OwnerFactory, UserFactory, open_case, record_paper, reviewer_for
from documents.models import DocumentTemplate
from owners import services as owner_services
from owners.tests.factories import PASSWORD, letters_for
from voting import services as vote_services
from voting.tests.factories import VoteFactory, scan_upload

pytestmark = pytest.mark.django_db

LOG = reverse("admin:audit_auditevent_changelist")


def shown_in_log(client, user, event, *texts):
    """The log's page filtered to `event`, as `user` sees it: the rows, and the texts shown."""
    client.force_login(user)
    response = client.get(LOG, {"event": event})
    assert response.status_code == 200
    page = response.content.decode()
    rows = list(response.context["cl"].result_list)
    assert rows and {e.event for e in rows} == {event}, event
    for text in texts:
        assert text in page, text
    return rows


@pytest.fixture
def officer():
    return UserFactory(with_role="district_officer")


def test_case_opened_shows_in_the_log(client, officer):
    case = open_case(actor=officer)
    shown_in_log(client, officer, "case_opened", "立案", case.number)


def test_a_step_submitted_and_decided_shows_in_the_log(client, officer):
    case = open_case()
    step = case.steps.get(number=1)
    record_paper(step)
    case_services.case_decide_step(step=step, actor=reviewer_for(step), decision="return", note="请补正协议")
    shown_in_log(client, officer, "case_step_submitted", "提交申报", case.number)
    shown_in_log(client, officer, "case_step_decided", "部门审查决定", case.number)


def test_a_ballot_recorded_and_corrected_shows_in_the_log(client, officer):
    vote = VoteFactory()
    vote_services.ballot_record_paper(vote=vote, room="201", choice="反对", scan=scan_upload(), actor=officer)
    vote_services.ballot_record_paper(
        vote=vote, room="201", choice="同意", scan=scan_upload(), actor=officer, reason="业主本人书面申请更改意见"
    )
    shown_in_log(client, officer, "ballot_recorded", "登记选票", vote.case.number)
    shown_in_log(client, officer, "ballot_corrected", "更正选票", vote.case.number)


def test_a_document_generated_and_downloaded_shows_in_the_log(client, officer):
    case = open_case()
    client.force_login(officer)
    response = client.post(reverse("admin:documents_case_render", args=[case.pk, DocumentTemplate.NOTICE]))
    assert response.status_code == 200
    shown_in_log(client, officer, "document_generated", "生成文书", case.number)
    shown_in_log(client, officer, "document_downloaded", "下载文书", case.number)


def test_an_attachment_downloaded_shows_in_the_log(client, officer):
    case = open_case()
    record_paper(case.steps.get(number=1))
    attachment = case.steps.get(number=1).attachments.first()
    client.force_login(officer)
    assert client.get(reverse("admin:cases_attachment_download", args=[attachment.pk])).status_code == 200
    shown_in_log(client, officer, "attachment_downloaded", "下载材料", case.number)


def test_personal_data_viewed_shows_in_the_log_naming_whose_and_which_field(client, officer):
    owner = OwnerFactory(name="林美华")
    client.force_login(officer)
    response = client.post(reverse("admin:audit_auditevent_reveal", args=["owner.id_number", owner.pk]))
    assert response.json() == {"value": owner.id_number}
    (event,) = shown_in_log(client, officer, "personal_data_viewed", "查看个人信息", "林美华的证件号码")
    assert event.actor == officer and owner.id_number not in str(event.message) + str(event.data)


def test_a_staff_sign_in_and_a_failed_one_show_in_the_log(client):
    officer = UserFactory(username="fz_jingban", with_role="district_officer", password="Right-Pass-2026")
    login = reverse("admin:login")
    assert client.post(login, {"username": "fz_jingban", "password": "wrong"}).status_code == 200
    assert client.post(login, {"username": "fz_jingban", "password": "Right-Pass-2026"}).status_code == 302
    assert client.post(login, {"username": "nobody" * 20, "password": "x"}).status_code == 200
    client.logout()
    (failed_known, failed_unknown) = sorted(
        AuditEvent.objects.filter(event="sign_in_failed"), key=lambda e: e.jurisdiction_id is None
    )
    # A failed sign-in for an officer's name goes to their office's log; an unknown name to the city's.
    assert failed_known.jurisdiction == officer.jurisdiction and failed_unknown.jurisdiction is None
    assert len(failed_unknown.message) < 60  # what was typed, cut short
    shown_in_log(client, officer, "staff_signed_in", "后台登录", "fz_jingban")
    rows = shown_in_log(client, officer, "sign_in_failed", "登录失败：fz_jingban")
    assert len(rows) == 1  # the unknown name is not this office's
    city = UserFactory(with_role="city_supervisor")
    assert len(shown_in_log(client, city, "sign_in_failed")) == 2


def test_an_owner_signing_in_is_logged_once_by_the_portal_and_a_failed_one_masked(client):
    case = open_case()
    letter = next(iter(letters_for(case).values()))
    owner_services.account_activate(
        code=letter.code,
        id_tail=letter.owner.id_number[-6:],
        mobile="13900000002",
        password=PASSWORD,
        ip_address="10.0.0.1",
    )
    login = reverse("owners:login")
    client.post(login, {"mobile": "13900000002", "password": "wrong-2026-x"})
    client.post(login, {"mobile": "13900000002", "password": PASSWORD})
    assert AuditEvent.objects.filter(event="owner_signed_in").count() == 1
    assert not AuditEvent.objects.filter(event="staff_signed_in").exists()
    failed = AuditEvent.objects.get(event="sign_in_failed")
    assert "139****0002" in failed.message and "13900000002" not in str(failed.data)
    client.logout()
    officer = UserFactory(with_role="district_officer")
    shown_in_log(client, officer, "owner_account_activated", "业主账户激活", case.number)
    # An owner's sign-in belongs to no one office: the city reads it.
    shown_in_log(client, UserFactory(with_role="city_supervisor"), "owner_signed_in", "业主登录", "139****0002")


# --- filters ---------------------------------------------------------------------------------


def _rows(client, **params):
    response = client.get(LOG, params)
    assert response.status_code == 200
    return response, list(response.context["cl"].result_list)


def test_the_log_filters_by_case_user_and_date_range(client, officer):
    other = UserFactory(username="fz_other", with_role="district_officer")
    first, second = open_case(actor=officer), open_case(actor=other)
    client.force_login(officer)

    _, rows = _rows(client, case=first.number)
    assert rows and {e.case_id for e in rows} == {first.pk}
    _, rows = _rows(client, actor="fz_other")
    assert rows and {e.actor_id for e in rows} == {other.pk}
    assert second.number in _rows(client, actor="fz_other")[0].content.decode()

    today = timezone.localdate()
    _, rows = _rows(client, date_from=today.isoformat(), date_to=today.isoformat())
    assert len(rows) == AuditEvent.objects.count()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    _, rows = _rows(client, date_from=tomorrow)
    assert rows == []
    _, rows = _rows(client, date_to=(today - datetime.timedelta(days=1)).isoformat())
    assert rows == []
    # Filters combine, and each box keeps the others when it is submitted.
    response, rows = _rows(client, case=first.number, actor="fz_other")
    assert rows == []
    page = response.content.decode()
    assert f'<input type="hidden" name="case" value="{first.number}">' in page
    assert 'name="actor" value="fz_other"' in page


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-13-45"},
        {"date_to": "昨天"},
        {"date_from": "0001-01-01"},
        {"date_to": "9" * 500},
        {"case": "X" * 5000},
        {"actor": "=HYPERLINK(1)"},
        {"date_from": ""},
    ],
)
def test_a_filter_value_that_cannot_be_read_is_a_message_not_an_error(client, officer, params):
    open_case(actor=officer)
    client.force_login(officer)
    _, everything = _rows(client)
    response, rows = _rows(client, **params)
    page = response.content.decode()
    key, value = next(iter(params.items()))
    if key.startswith("date") and value:
        assert "不是有效日期" in page or "过长" in page
        assert rows == everything  # the bad bound filters nothing
    if key == "case":
        assert "过长" in page


def test_the_log_page_reads_a_fixed_number_of_queries_however_many_rows(client, officer, django_assert_max_num_queries):
    for _ in range(3):
        open_case(actor=officer)
    client.force_login(officer)
    with django_assert_max_num_queries(12) as few:
        client.get(LOG, {"date_from": "2026-01-01"})
    for _ in range(12):
        open_case(actor=officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LOG, {"date_from": "2026-01-01"})
    assert len(response.context["cl"].result_list) >= 15


def test_the_log_never_counts_the_whole_table(client, officer):
    open_case(actor=officer)
    client.force_login(officer)
    response = client.get(LOG, {"event": "case_opened"})
    assert response.context["cl"].show_full_result_count is False
    assert response.context["cl"].list_per_page == 50
