"""What other apps register into cases (cases/extensions.py) takes effect where cases asks:
a step check refuses the step with its own words, a roster lock freezes the unit's flats,
a panel shows on the case page for whom its context allows (issue 11 §2)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import extensions, services
from cases.workflow import StepState

from .factories import FlatFactory, officer, open_case, record_paper, reviewer_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def registries(monkeypatch):
    """The registries as the apps filled them, restored after the test."""
    monkeypatch.setattr(extensions, "_STEP_CHECKS", list(extensions._STEP_CHECKS))
    monkeypatch.setattr(extensions, "_ROSTER_LOCKS", dict(extensions._ROSTER_LOCKS))
    monkeypatch.setattr(extensions, "_CASE_PANELS", list(extensions._CASE_PANELS))


def test_the_installed_apps_register_the_vote_check_the_roster_lock_and_their_panels():
    names = {check.name for check in extensions._STEP_CHECKS}
    assert "voting.vote" in names
    assert "voting.roster_frozen" in extensions._ROSTER_LOCKS
    assert [panel.name for panel in extensions.case_panels(place="above")][:2] == ["voting.vote", "documents.print"]


def test_a_registered_check_refuses_the_approval_of_its_step_only(registries):
    extensions.register_step_check("test.money", lambda step: ["资金尚未到位。"], stages=["approve"], procedures=[2])
    case = open_case(actor=officer())
    step1, step2 = case.steps.get(number=1), case.steps.get(number=2)
    assert "资金尚未到位。" not in services.step_guard_problems(step=step1)
    assert "资金尚未到位。" in services.step_guard_problems(step=step2)
    # Registering again under the same name replaces it, not doubles it.
    extensions.register_step_check("test.money", lambda step: ["资金尚未到位。"], stages=["approve"], procedures=[2])
    assert services.step_guard_problems(step=step2).count("资金尚未到位。") == 1


def test_a_check_registered_for_submission_refuses_the_submission(registries):
    extensions.register_step_check("test.objections", lambda step: ["异议尚未处理完毕。"], stages=["submit"])
    case = open_case(actor=officer())
    step = case.steps.get(number=1)
    with pytest.raises(ValidationError) as refused:
        record_paper(step)
    assert "异议尚未处理完毕。" in refused.value.messages
    step.refresh_from_db()
    assert step.state == StepState.IN_PROGRESS  # nothing half-saved: the window record is gone too
    assert not step.paper_submissions.exists()
    assert not step.attachments.exists()


def test_a_roster_lock_freezes_the_units_flats(registries):
    actor = officer()
    case = open_case(actor=actor)
    flat = case.unit.flats.first()
    flat.area = flat.area + 1
    services.record_save(obj=flat, actor=actor, fields=["area"])  # not locked: saved
    extensions.register_roster_lock("test.lock", lambda unit: unit.pk == case.unit_id)
    flat.area = flat.area + 1
    with pytest.raises(ValidationError, match="名册已冻结"):
        services.record_save(obj=flat, actor=actor, fields=["area"])
    other = FlatFactory()  # another unit: not locked
    other.area = other.area + 1
    services.record_save(obj=other, actor=officer(code=other.unit.building.jurisdiction.code), fields=["area"])


def test_a_registered_panel_shows_where_its_context_allows(registries, client, settings, tmp_path):
    (tmp_path / "test_extension_panel.html").write_text('<p id="test-panel">{{ case.number }}：{{ note }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], str(tmp_path)]}]
    actor = officer()
    case = open_case(actor=actor)
    extensions.register_case_panel(
        "test.note",
        order=1,
        template_name="test_extension_panel.html",
        context=lambda request, case: {"note": "维修资金已到账"} if request.user == actor else None,
        place="below",
    )
    client.force_login(actor)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert f'<p id="test-panel">{case.number}：维修资金已到账</p>' in page
    edit = client.get(reverse("admin:cases_case_change", args=[case.pk]) + "?edit=1").content.decode()
    assert "维修资金已到账" in edit
    client.force_login(reviewer_for(case.steps.get(number=1)))
    assert "test-panel" not in client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
