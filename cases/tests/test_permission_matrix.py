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
    record_paper(step)  # the owners' agreement and the scheme drawing step 1 needs
    attachment = step.attachments.get(kind="owners_agreement")
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
    expected_files = 3 if role == "agent_builder" else 2  # the two submitted; the applicant may add material
    assert step.attachments.count() == expected_files


# --- the vote and the documents: what each side may see and print ---------------------------
#
# A counted vote on a case of the agent builder: ballots from a file, one corrected on paper
# with a signed scan and a reason. The office printed the tally sheet (it names each owner's
# choice) and the notice. A second case of the same agent builder has no vote yet.

CORRECTION_REASON = "业主本人书面申请更改意见"
PRINTABLE = ("application", "ballots", "ballot_papers", "agreement", "notice")
OFFICE = ("district_officer", "own")
APPLICANT = ("agent_builder", "own")

VOTE_ALLOWED = {
    # The vote page: everyone who sees the case; the tally and who has not voted, for all of them.
    "vote_page": SEE,
    "vote_tally": SEE,
    "vote_not_voted": SEE,
    # How each owner voted (choices, corrections and their reasons, ballot files): not the applicant.
    "vote_each_choice": SEE - {APPLICANT},
    "vote_correction_reason": SEE - {APPLICANT},
    "vote_scan_download": SEE - {APPLICANT},
    "vote_file_download": SEE - {APPLICANT},
    # Full ID numbers: only the office that runs the vote.
    "roster_export": {OFFICE},
    # Printing: the office and the applicant; the notice the office only; the tally sheet of a
    # counted vote (each owner's choice) the office only. Reviewers and the city print nothing.
    "print_application": {OFFICE, APPLICANT},
    "print_ballots": {OFFICE},
    "print_ballots_before_the_count": {OFFICE, APPLICANT},
    "print_ballot_papers": {OFFICE, APPLICANT},
    "print_agreement": {OFFICE, APPLICANT},
    "print_notice": {OFFICE},
    # Downloading what exists: everyone who sees the case, except the tally sheet naming
    # each owner's choice for the applicant.
    "download_notice": SEE,
    "download_counted_tally_sheet": SEE - {APPLICANT},
}

# The print buttons on the case page, per (role, side): exactly the templates printable.
BUTTONS = {
    OFFICE: set(PRINTABLE),
    APPLICANT: {"application", "ballot_papers", "agreement"},
}


@pytest.fixture
def vote_world(world):
    from documents.models import DocumentTemplate
    from documents.services import document_render
    from voting import services as voting
    from voting.tests.factories import import_ballots, sample_case, scan_upload

    case = sample_case()  # 丰泽区, the shared sample roster
    services.case_update_details(case=case, actor=None, agent_builder=world["agent"])
    vote = voting.vote_open(case=case, actor=None, closes_at=None)
    import_ballots(vote, {"101": "同意", "201": "反对", "301": "同意"})
    clerk = UserFactory(with_role="district_officer", jurisdiction=jurisdiction("FZ"))
    scanned = voting.ballot_record_paper(
        vote=vote, room="201", choice="同意", scan=scan_upload(), actor=clerk, reason=CORRECTION_REASON
    )
    voting.vote_close(vote=vote, actor=None)
    tally_sheet = document_render(case=case, template=DocumentTemplate.BALLOTS, actor=None).record
    notice = document_render(case=case, template=DocumentTemplate.NOTICE, actor=None).record
    assert tally_sheet.shows_choices and not notice.shows_choices
    return {
        **world,
        "voted": case,
        "scan": scanned,
        "import": vote.imports.get(),
        "tally_sheet": tally_sheet,
        "notice": notice,
    }


def probe_vote_and_documents(client, w):
    voted, fresh = w["voted"], w["case"]
    page = client.get(reverse("admin:voting_case_vote", args=[voted.pk]))
    html = page.content.decode() if page.status_code == 200 else ""
    ok = lambda response: response.status_code == 200  # noqa: E731
    print_page = lambda case, t: client.get(reverse("admin:documents_case_render", args=[case.pk, t]))  # noqa: E731
    download = lambda record: client.get(reverse("admin:documents_document_download", args=[record.pk]))  # noqa: E731
    case_page = client.get(reverse("admin:cases_case_change", args=[voted.pk]))
    case_html = case_page.content.decode() if case_page.status_code == 200 else ""
    buttons = {t for t in PRINTABLE if reverse("admin:documents_case_render", args=[voted.pk, t]) in case_html}
    observed = {
        "vote_page": ok(page),
        "vote_tally": 'id="vote-result"' in html and "bar-consent_area" in html,
        "vote_not_voted": 'id="vote-missing"' in html,
        "vote_each_choice": 'id="ballot-table"' in html and "choice-agree" in html,
        "vote_correction_reason": CORRECTION_REASON in html,
        "vote_scan_download": ok(client.get(reverse("admin:voting_file_download", args=["scan", w["scan"].pk]))),
        "vote_file_download": ok(client.get(reverse("admin:voting_file_download", args=["import", w["import"].pk]))),
        "roster_export": ok(client.get(reverse("admin:voting_roster_export", args=[voted.pk]))),
        "print_application": ok(print_page(voted, "application")),
        "print_ballots": ok(print_page(voted, "ballots")),
        "print_ballots_before_the_count": ok(print_page(fresh, "ballots")),
        "print_ballot_papers": ok(print_page(voted, "ballot_papers")),
        "print_agreement": ok(print_page(voted, "agreement")),
        "print_notice": ok(print_page(voted, "notice")),
        "download_notice": ok(download(w["notice"])),
        "download_counted_tally_sheet": ok(download(w["tally_sheet"])),
    }
    return observed, buttons


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_vote_and_document_matrix(client, vote_world, role, side):
    user = make_user(role, side, vote_world)
    if user is not None:
        client.force_login(user)
    observed, buttons = probe_vote_and_documents(client, vote_world)
    expected = {endpoint: (role, side) in allowed for endpoint, allowed in VOTE_ALLOWED.items()}
    assert observed == expected
    assert buttons == BUTTONS.get((role, side), set())
