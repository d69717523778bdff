"""What a user whose browser asks for English sees: refusals, the gate and the case screens
in English, while the audit log stays Chinese.

The tests named `test_in_english_*` need the English catalog (locale/en) to carry the
strings marked in cases/ and templates/; until it does they fail, showing the Chinese
source text. The other tests pass with or without it.
"""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from cases import services

from .factories import UserFactory, open_case, pdf_upload, record_paper, reviewer_for, unit_with_flats

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


def han(text) -> list[str]:
    """The Chinese characters left in a text."""
    return HAN.findall(str(text))


# --- need the catalog ------------------------------------------------------------------------


def test_in_english_a_city_supervisor_is_refused_in_english():
    case = open_case()
    supervisor = UserFactory(with_role="city_supervisor")
    with translation.override("en"), pytest.raises(PermissionDenied) as refused:
        services.record_save(obj=case.unit.building, actor=supervisor)
    assert str(refused.value) and not han(refused.value), str(refused.value)


def test_in_english_a_flat_without_owners_is_refused_in_english():
    unit = unit_with_flats(flats=1)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.flat_register(unit=unit, room="901", floor=9, area=Decimal("80.00"), owners=[], actor=None)
    (message,) = refused.value.messages
    assert "901" in message and not han(message), message


def test_in_english_the_eligibility_gate_names_every_problem_in_english():
    unit = unit_with_flats(in_demolition_plan=True, land_inside_plot=False)
    with translation.override("en"), pytest.raises(services.CaseNotEligible) as refused:
        services.case_open(unit=unit, actor=None)
    assert len(refused.value.problems) == 2
    assert not han(" ".join(refused.value.problems)), refused.value.problems


def test_in_english_a_step_that_is_not_submitted_cannot_be_decided_in_english():
    case = open_case()
    step = case.steps.get(number=1)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.case_decide_step(step=step, actor=reviewer_for(step), decision="approve")
    (message,) = refused.value.messages
    assert not han(message), message  # names the procedure and its state, both translated


def test_in_english_the_case_page_shows_the_steps_and_buttons_in_english(client):
    case = open_case()
    record_paper(case.steps.get(number=1))
    client.force_login(UserFactory(with_role="district_officer"))
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    # Step 1, submitted on paper, as the housing officer who decides it sees it.
    for english in (
        '<span class="step-name">Preliminary scheme review</span>',
        '<span class="step-dept">Housing Department</span>',
        '<span class="step-state">Awaiting review</span>',
        '<p class="step-waiting">Awaiting review by the Housing Department',
        "<summary>Processing history (2)</summary>",
        "<td>Submitted</td>",
    ):
        assert english in html, english
    for action, label in (
        ("approve", "Approved"),
        ("return", "Returned for correction"),
        ("reject", "Rejected"),
        ("upload", "Upload materials"),
    ):
        url = reverse("admin:cases_step_action", args=[case.pk, 1, action])
        assert f'<a class="button action-{action}" href="{url}">{label}</a>' in html, action
    for chinese in (
        "方案初审",
        "住建部门",
        "待审查",
        "待住建部门审查",
        "审查通过",
        "退回补正",
        "提交申报",
        "办理记录（",
    ):
        assert chinese not in html, chinese


def test_in_english_the_index_shows_procedures_departments_and_roles_in_english(client):
    open_case()
    officer = UserFactory(with_role="district_officer")
    client.force_login(officer)
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for chinese in ("方案初审", "电梯安装", "资规部门", "区住建经办人"):
        assert chinese not in html, chinese
    assert "1. Preliminary scheme review" in html  # the officer's own (housing) procedures only
    assert f"Signed in as: {officer.full_name} (District housing officer)" in html
    client.force_login(UserFactory(with_role="city_supervisor"))  # their home: the dashboard
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "1. Preliminary scheme review" in html and "8. Elevator installation" in html


def test_in_english_the_step_action_confirms_in_english(client):
    case = open_case()
    step = case.steps.get(number=1)
    for kind in step.procedure.submission_papers:  # the papers step 1's submission needs
        services.attachment_add(step=step, kind=kind, upload=pdf_upload(f"{kind}.pdf"), actor=None)
    client.force_login(UserFactory(with_role="district_officer"))
    url = reverse("admin:cases_step_action", args=[case.pk, 1, "paper"])
    response = client.post(
        url, {"brought_by": "Zhang", "brought_at": "2026-01-05T10:00"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("admin:cases_case_change", args=[case.pk]) + "#step-1", 302)]
    (message,) = [str(m) for m in response.context["messages"]]
    assert message == "Window submission recorded; the step has been submitted for review.", message
    step.refresh_from_db()
    assert step.state == "submitted"


# --- pass without the catalog -----------------------------------------------------------------


def test_an_english_user_still_writes_the_audit_log_in_chinese():
    """Verbose names and procedure names are translated strings; the log takes them in Chinese."""
    case = open_case()
    building = case.unit.building
    step = case.steps.get(number=1)
    with translation.override("en"):
        services.record_save(obj=building, actor=None, fields=["floors"])
        record_paper(step)
        services.case_decide_step(step=step, actor=reviewer_for(step), decision="return", note="补正")
    assert AuditEvent.objects.filter(event="record_changed").latest("id").message.startswith("修改楼栋：")
    decided = AuditEvent.objects.get(event="case_step_decided").message
    assert decided == f"{case.number} 方案初审：退回补正"


def test_the_history_names_each_move_not_its_code(client):
    case = open_case()
    record_paper(case.steps.get(number=1))
    client.force_login(UserFactory(with_role="district_officer"))
    html = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "<td>提交申报</td>" in html and "<td>submit</td>" not in html
