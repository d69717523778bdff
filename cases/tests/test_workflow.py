"""The eight procedures: the table, the services' guards, history, attachments, paper."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from cases import services, workflow
from cases.models import Case, CaseStatus, StepHistory
from cases.workflow import StepState
from demo.tests.factories import CaseFactory

from .factories import (
    PNG_BYTES,
    UserFactory,
    jurisdiction,
    officer,
    open_case,
    pdf_upload,
    record_paper,
    reviewer_for,
)

pytestmark = pytest.mark.django_db


def steps(case):
    return {s.number: s for s in case.steps.all()}


def states(case):
    return [s.state for s in case.steps.order_by("number")]


# --- the table (pure) ---------------------------------------------------------------------


def test_every_state_but_the_final_ones_has_a_way_forward():
    reachable_from = {s for t in workflow.TRANSITIONS for s in t.sources}
    assert set(StepState) - reachable_from == {StepState.APPROVED, StepState.REJECTED, StepState.NOT_REQUIRED}


def test_a_move_the_table_does_not_allow_names_the_rule():
    with pytest.raises(workflow.TransitionNotAllowed) as err:
        workflow.transition_for("approve", StepState.IN_PROGRESS)
    assert "待审查" in str(err.value) and "待申报" in str(err.value)


def test_each_step_action_starts_from_its_moves_states():
    """A step action that moves the step may be taken exactly where the move is allowed."""
    for action in workflow.STEP_ACTIONS:
        if action.transition:
            assert action.sources == workflow.TRANSITION_BY_NAME[action.transition].sources, action.name
        else:  # never on a step not started or already decided
            assert action.sources == {StepState.IN_PROGRESS, StepState.RETURNED, StepState.SUBMITTED}, action.name
    assert workflow.DECISIONS == ("approve", "return", "reject")
    assert [a.name for a in workflow.STEP_ACTIONS if a.needs_reason] == ["return", "reject"]


def test_each_step_action_has_its_form_and_a_reason_is_asked_where_it_is_needed():
    from cases.forms import STEP_FORMS, ReasonForm

    for action in workflow.STEP_ACTIONS:
        assert action.form in STEP_FORMS, action.name
        assert (STEP_FORMS[action.form] is ReasonForm) == action.needs_reason, action.name


def test_the_papers_the_procedures_name_are_attachment_kinds():
    from cases.models import AttachmentKind

    for procedure in workflow.PROCEDURES:
        named = procedure.submission_papers + procedure.approval_papers + procedure.heritage_papers
        assert set(named + procedure.usual_papers) <= set(AttachmentKind.values), procedure.number
        assert procedure.usual_papers, procedure.number  # the upload form preselects the first


def test_only_the_public_notice_has_a_notice_period_and_only_planning_review_is_skipped():
    assert [p.number for p in workflow.PROCEDURES if p.has_notice] == [2]
    assert not workflow.step_required(3, has_reserved_shaft=True)
    assert workflow.step_required(3, has_reserved_shaft=False)
    assert all(workflow.step_required(n, has_reserved_shaft=True) for n in (1, 2, 4, 5, 6, 7, 8))


def test_a_case_at_a_step_has_every_earlier_step_done_and_every_later_one_not_started():
    S = StepState
    assert workflow.step_states_at(1, has_reserved_shaft=False) == {1: S.IN_PROGRESS} | {
        n: S.NOT_STARTED for n in range(2, 9)
    }
    assert workflow.step_states_at(2, S.IN_PROGRESS, has_reserved_shaft=True) == {1: S.APPROVED, 2: S.IN_PROGRESS} | {
        n: S.NOT_STARTED for n in range(3, 9)
    }  # planning review is skipped only once the case reaches it
    assert list(workflow.step_states_at(5, S.RETURNED, has_reserved_shaft=True).values()) == [
        S.APPROVED,
        S.APPROVED,
        S.NOT_REQUIRED,
        S.APPROVED,
        S.RETURNED,
        S.NOT_STARTED,
        S.NOT_STARTED,
        S.NOT_STARTED,
    ]
    assert set(workflow.step_states_at(8, S.APPROVED, has_reserved_shaft=False).values()) == {S.APPROVED}
    assert workflow.step_states_at(3, "rejected", has_reserved_shaft=False)[3] == S.REJECTED


@pytest.mark.parametrize(
    "number,state,shaft",
    [
        (3, StepState.IN_PROGRESS, True),  # skipped: a case never stands there
        (2, StepState.APPROVED, False),  # an approved step opens the next one
        (9, StepState.IN_PROGRESS, False),
        (0, StepState.IN_PROGRESS, False),
        (4, StepState.NOT_STARTED, False),
        (4, StepState.NOT_REQUIRED, False),
    ],
)
def test_no_case_stands_where_the_table_cannot_take_it(number, state, shaft):
    with pytest.raises(ValueError):
        workflow.step_states_at(number, state, has_reserved_shaft=shaft)


# --- services -----------------------------------------------------------------------------


def test_a_new_case_carries_eight_steps_with_step_one_waiting_for_the_applicant():
    case = open_case()
    assert states(case) == ["in_progress"] + ["not_started"] * 7
    assert [s.department for s in case.steps.order_by("number")] == [p.department for p in workflow.PROCEDURES]
    assert case.current_step == 1


def test_return_then_resubmit_keeps_the_history():
    case = open_case()
    step = steps(case)[1]
    record_paper(step)
    reviewer = reviewer_for(step)
    services.case_decide_step(step=step, actor=reviewer, decision="return", note="业主协议缺少202室签字")
    step.refresh_from_db()
    assert step.state == "returned" and step.decision_note == "业主协议缺少202室签字"
    record_paper(step)
    step.refresh_from_db()
    assert step.state == "submitted"
    assert [(h.from_state, h.to_state) for h in step.history.all()] == [
        ("not_started", "in_progress"),
        ("in_progress", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
    ]
    assert AuditEvent.objects.filter(event="case_step_decided", case=case).count() == 1


def test_return_and_reject_need_reasons():
    case = open_case()
    step = steps(case)[1]
    record_paper(step)
    for decision in ("return", "reject"):
        with pytest.raises(ValidationError) as err:
            services.case_decide_step(step=step, actor=reviewer_for(step), decision=decision, note="  ")
        assert "理由" in err.value.messages[0]


def test_reject_ends_the_case():
    case = open_case()
    step = steps(case)[1]
    record_paper(step)
    services.case_decide_step(step=step, actor=reviewer_for(step), decision="reject", note="不符合适用范围")
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and case.closed_at is not None
    # The unit may apply again later: the rejected case no longer blocks a new one.
    assert services.case_open(unit=case.unit, actor=None).number != case.number


def attach(step, *kinds):
    for kind in kinds:
        services.attachment_add(step=step, kind=kind, upload=pdf_upload(f"{kind}.pdf"), actor=None)


def test_step_one_is_not_submitted_without_the_agreement_and_the_drawing():
    case = open_case()
    step = steps(case)[1]
    with pytest.raises(services.StepGuardFailed) as err:
        record_paper(step, kinds=("other",))
    text = "".join(err.value.problems)
    assert "缺少业主协议书" in text and "缺少设计方案图" in text
    step.refresh_from_db()
    assert step.state == "in_progress" and not step.attachments.exists()  # the scans went with the refusal


def test_step_one_is_not_approved_without_vote_and_heritage_opinion():
    case = open_case(in_heritage_area=True)
    step = steps(case)[1]
    record_paper(step)
    with pytest.raises(services.StepGuardFailed) as err:
        services.case_decide_step(step=step, actor=reviewer_for(step), decision="approve")
    text = "".join(err.value.problems)
    assert "表决结果缺失" in text and "文物" in text
    step.refresh_from_db()
    assert step.state == "submitted"


def test_step_one_is_not_approved_without_the_witness_record():
    from voting.tests.factories import VoteFactory, witness

    case = open_case()
    vote = VoteFactory(case=case, choices="agree", closed=True)  # passed, not witnessed
    step = steps(case)[1]
    record_paper(step)
    with pytest.raises(services.StepGuardFailed) as err:
        services.case_decide_step(step=step, actor=reviewer_for(step), decision="approve")
    assert err.value.problems == ["缺少表决见证记录：请在表决页登记见证人、见证单位、见证时间和签字的见证记录。"]
    witness(vote)
    services.case_decide_step(step=step, actor=reviewer_for(step), decision="approve")
    assert steps(case)[1].state == "approved"


def test_step_one_is_not_approved_without_the_motion():
    """A case from before the motion was required: the vote passed on an empty scheme."""
    from cases.models import Case
    from voting.tests.factories import VoteFactory

    case = open_case()
    VoteFactory(case=case, passing=True)
    Case.objects.filter(pk=case.pk).update(scheme_summary="", budget=None)
    step = steps(case)[1]
    record_paper(step)
    with pytest.raises(services.StepGuardFailed) as err:
        services.case_decide_step(step=step, actor=reviewer_for(step), decision="approve")
    text = "".join(err.value.problems)
    assert "增设方案概要" in text and "工程预算" in text


def test_a_returned_step_is_resubmitted_only_with_a_paper_added_after_the_return():
    case = open_case()
    step = steps(case)[1]
    record_paper(step)
    services.case_decide_step(step=step, actor=reviewer_for(step), decision="return", note="缺少202室签字页")
    with pytest.raises(services.StepGuardFailed) as err:
        services.step_submit(step=step, actor=None, note="已补正")
    (problem,) = err.value.problems
    assert "被退回补正（缺少202室签字页）" in problem and "退回后补交的材料" in problem
    assert steps(case)[1].state == "returned"
    attach(step, "owners_agreement")
    services.step_submit(step=step, actor=None, note="已补正")
    assert steps(case)[1].state == "submitted"


def test_deciding_a_step_twice_is_refused():
    case = open_case()
    step = steps(case)[1]
    record_paper(step)
    services.case_decide_step(step=step, actor=reviewer_for(step), decision="return", note="补正")
    with pytest.raises(ValidationError) as err:
        services.case_decide_step(step=step, actor=reviewer_for(step), decision="reject", note="再决定")
    assert "已被处理" in err.value.messages[0]


@pytest.mark.parametrize(
    "role, code, allowed",
    [
        ("district_officer", "FZ", True),
        ("district_officer", "LC", False),  # another jurisdiction
        ("planning_reviewer", "FZ", False),  # another department
        ("city_supervisor", None, False),  # reads only
    ],
)
def test_only_the_steps_department_in_the_cases_jurisdiction_decides(role, code, allowed):
    case = open_case()
    step = steps(case)[1]
    record_paper(step)
    user = UserFactory(with_role=role, jurisdiction=jurisdiction(code) if code else None)
    if allowed:
        services.case_decide_step(step=step, actor=user, decision="return", note="补正")
    else:
        with pytest.raises(PermissionDenied):
            services.case_decide_step(step=step, actor=user, decision="return", note="补正")


def test_the_applicant_submits_online_only_for_its_own_case():
    from .factories import AgentBuilderFactory

    agent = AgentBuilderFactory()
    case = open_case()
    services.case_update_details(case=case, actor=None, agent_builder=agent)
    other = open_case()
    applicant = UserFactory(with_role="agent_builder", agent_builder=agent)
    attach(steps(case)[1], "owners_agreement", "scheme_drawing")
    attach(steps(other)[1], "owners_agreement", "scheme_drawing")
    services.step_submit(step=steps(case)[1], actor=applicant)
    assert steps(case)[1].state == "submitted"
    with pytest.raises(PermissionDenied):
        services.step_submit(step=steps(other)[1], actor=applicant)


def test_paper_submission_records_who_brought_it_and_the_scans():
    case = open_case()
    step = steps(case)[1]
    paper = record_paper(step, kinds=("owners_agreement", "scheme_drawing"))
    assert paper.brought_by == "业主代表"
    assert sorted(a.kind for a in paper.attachments.all()) == ["owners_agreement", "scheme_drawing"]
    assert step.history.last().channel == StepHistory.Channel.PAPER


def test_attachments_are_typed_by_content_not_by_name():
    case = open_case()
    step = steps(case)[1]
    actor = officer()
    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as err:
        services.attachment_add(step=step, kind="scheme_drawing", upload=fake, actor=actor)
    assert "不是PDF、JPEG或PNG" in err.value.messages[0]
    png = SimpleUploadedFile("照片.pdf", PNG_BYTES, content_type="application/pdf")
    attachment = services.attachment_add(step=step, kind="other", upload=png, actor=actor)
    assert attachment.content_type == "image/png" and attachment.file.name.endswith(".png")


def test_attachment_size_limit_is_a_setting(settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    case = open_case()
    with pytest.raises(ValidationError) as err:
        services.attachment_add(step=steps(case)[1], kind="other", upload=pdf_upload(), actor=officer())
    assert "MB" in err.value.messages[0]


def test_a_failed_paper_submission_leaves_no_file_behind(settings, tmp_path):
    import os

    case = open_case()
    step = steps(case)[1]
    attach(step, "owners_agreement", "scheme_drawing")
    services.step_submit(step=step, actor=None)  # already submitted: paper recording must fail
    before = sorted(f for _, _, files in os.walk(settings.MEDIA_ROOT) for f in files)
    with pytest.raises(ValidationError):
        record_paper(step)
    stored = sorted(f for _, _, files in os.walk(settings.MEDIA_ROOT) for f in files)
    assert stored == before  # the two papers attached before, nothing of the failed one
    assert step.attachments.count() == 2


def _case_at_public_notice():
    """A case whose step 1 is approved: step 2 (the public notice) is under way from today."""
    return CaseFactory(at_step=2)


def test_a_notice_is_not_dated_before_its_step_is_under_way():
    import datetime

    case = open_case()
    step2 = steps(case)[2]
    # Step 2 is not under way yet; the service refuses to date a notice that has not started.
    with pytest.raises(ValidationError) as refused:
        services.step_set_notice_period(
            step=step2, actor=officer(), start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 20)
        )
    assert refused.value.messages == ["该程序当前不能修改公示期。"]
    assert Case.objects.get(pk=case.pk).current_step == 1


def test_notice_period_must_last_the_jurisdictions_minimum():
    """公示期不得少于辖区设定的日历日数 (Jurisdiction.notice_days): one day short is refused
    naming the minimum; exactly the minimum, both ends counted, is accepted."""
    import datetime

    from django.utils import timezone

    case = _case_at_public_notice()
    case.jurisdiction.notice_days = 12  # not the default: the jurisdiction's own setting counts
    case.jurisdiction.save(update_fields=["notice_days"])
    step2 = steps(case)[2]
    assert step2.state == "in_progress"
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.step_set_notice_period(
            step=step2, actor=officer(), start=today, end=today + datetime.timedelta(days=10)
        )  # 11 calendar days
    assert refused.value.messages == [f"公示期不得少于12个日历日（{case.jurisdiction.name}的设定）。"]
    step2.refresh_from_db()
    assert step2.notice_start is None and step2.notice_end is None
    services.step_set_notice_period(step=step2, actor=officer(), start=today, end=today + datetime.timedelta(days=11))
    step2.refresh_from_db()
    assert (step2.notice_start, step2.notice_end) == (today, today + datetime.timedelta(days=11))


def test_a_notice_cannot_be_dated_before_its_step_began():
    """Backdating the notice would let the step be approved with no notice at all."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from cases.deadlines import add_working_days

    case = _case_at_public_notice()
    step2 = steps(case)[2]
    today = timezone.localdate()
    backdated = today - datetime.timedelta(days=30)
    with pytest.raises(ValidationError) as refused:
        services.step_set_notice_period(
            step=step2, actor=officer(), start=backdated, end=backdated + datetime.timedelta(days=10)
        )
    assert "公示开始日期不能早于本程序开始的日期" in refused.value.messages[0]
    step2.refresh_from_db()
    assert step2.notice_start is None
    services.step_set_notice_period(step=step2, actor=officer(), start=today, end=today + datetime.timedelta(days=9))
    record_paper(step2)
    # The review time limit counts from the notice's last day, not from the submission:
    # a step that cannot be approved before then is not overdue before then either.
    step2.refresh_from_db()
    assert step2.due_date == add_working_days(step2.notice_end, settings.STEP_REVIEW_WORKING_DAYS)
    with pytest.raises(services.StepGuardFailed):  # the notice is still running
        services.case_decide_step(step=step2, actor=reviewer_for(step2), decision="approve")


def test_every_move_has_its_history_row_and_audit_event():
    case = open_case()
    step = steps(case)[1]
    record_paper(step)
    services.case_decide_step(step=step, actor=reviewer_for(step), decision="return", note="补正")
    moves = StepHistory.objects.filter(step__case=case).count()
    events = AuditEvent.objects.filter(
        case=case, event__in=["case_step_started", "case_step_skipped", "case_step_submitted", "case_step_decided"]
    ).count()
    assert moves == events == 3
