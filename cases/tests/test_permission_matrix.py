"""Every role × own/other jurisdiction × every case endpoint: allowed or denied.

The expectations are written out here, not derived from cases.permissions, so a change
in the rules shows up as a failing row."""

import pytest
from django.urls import reverse

from cases import services

from .factories import AgentBuilderFactory, UserFactory, jurisdiction, open_case, pdf_upload, record_paper

pytestmark = pytest.mark.django_db

ROLES = [
    "district_officer",
    "planning_reviewer",
    "urban_reviewer",
    "market_reviewer",
    "fund_reviewer",
    "city_supervisor",
    "agent_builder",
    "anonymous",
]

# endpoint -> the (role, side) pairs allowed; side "own" = the case's jurisdiction (or, for the
# agent builder, its own case), "other" = another jurisdiction (or another agent's case).
SEE = {(r, "own") for r in ROLES if r not in ("anonymous",)} | {("city_supervisor", "other")}
ALLOWED = {
    "case_list_shows_case": SEE,
    "case_change": SEE,
    "case_history": SEE,
    "attachment_download": SEE,
    "step1_paper": {("district_officer", "own")},
    "step1_approve": {("district_officer", "own")},
    "step1_return": {("district_officer", "own")},
    "step1_upload": {("district_officer", "own"), ("agent_builder", "own")},
    "queue_shows_step": {("district_officer", "own")},
    "unit_autocomplete_finds": SEE - {("agent_builder", "own")},
}


@pytest.fixture
def world():
    agent = AgentBuilderFactory()
    case = open_case()  # 丰泽区
    services.case_update_details(case=case, actor=None, agent_builder=agent)
    submitted = open_case()
    services.case_update_details(case=submitted, actor=None, agent_builder=agent)
    step = submitted.steps.get(number=1)
    record_paper(step, kinds=("owners_agreement",))
    attachment = step.attachments.get()
    return {"agent": agent, "case": case, "submitted": submitted, "attachment": attachment}


def make_user(role, side, world):
    if role == "anonymous":
        return None
    code = "FZ" if side == "own" else "LC"
    if role == "agent_builder":
        agent = world["agent"] if side == "own" else AgentBuilderFactory()
        return UserFactory(with_role=role, jurisdiction=None, agent_builder=agent)
    return UserFactory(with_role=role, jurisdiction=jurisdiction(code))


def probe(client, world):
    case, submitted = world["case"], world["submitted"]
    step_url = lambda c, n, a: reverse("admin:cases_step_action", args=[c.pk, n, a])  # noqa: E731
    listing = client.get(reverse("admin:cases_case_changelist"))
    queue = client.get(reverse("admin:cases_case_queue"))
    auto = client.get(
        reverse("admin:autocomplete"),
        {"term": case.unit.building.compound_name, "app_label": "cases", "model_name": "case", "field_name": "unit"},
    )
    return {
        "case_list_shows_case": listing.status_code == 200 and case.number in listing.content.decode(),
        "case_change": client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200,
        "case_history": client.get(reverse("admin:cases_case_history", args=[case.pk])).status_code == 200,
        "attachment_download": client.get(
            reverse("admin:cases_attachment_download", args=[world["attachment"].pk])
        ).status_code
        == 200,
        "step1_paper": client.get(step_url(case, 1, "paper")).status_code == 200,
        "step1_approve": client.get(step_url(submitted, 1, "approve")).status_code == 200,
        "step1_return": client.get(step_url(submitted, 1, "return")).status_code == 200,
        "step1_upload": client.get(step_url(submitted, 1, "upload")).status_code == 200,
        "queue_shows_step": queue.status_code == 200 and submitted.number in queue.content.decode(),
        "unit_autocomplete_finds": auto.status_code == 200
        and any(case.unit.building.compound_name in r["text"] for r in auto.json()["results"]),
    }


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role, side):
    user = make_user(role, side, world)
    if user is not None:
        client.force_login(user)
    observed = probe(client, world)
    expected = {endpoint: (role, side) in allowed for endpoint, allowed in ALLOWED.items()}
    assert observed == expected


@pytest.mark.parametrize(
    "role, side",
    [("district_officer", "other"), ("planning_reviewer", "own"), ("city_supervisor", "own"), ("agent_builder", "own")],
)
def test_denied_writes_change_nothing_when_posted(client, world, role, side):
    client.force_login(make_user(role, side, world))
    submitted = world["submitted"]
    client.post(reverse("admin:cases_step_action", args=[submitted.pk, 1, "reject"]), {"note": "越权"})
    client.post(
        reverse("admin:cases_step_action", args=[submitted.pk, 1, "upload"]), {"kind": "other", "file": pdf_upload()}
    )
    step = submitted.steps.get(number=1)
    assert step.state == "submitted"
    expected_files = 2 if role == "agent_builder" else 1  # the applicant may add material
    assert step.attachments.count() == expected_files
