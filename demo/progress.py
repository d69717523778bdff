"""Bring an open case to a step, through the services staff use: the vote opened, its ballots
imported, closed and witnessed; the papers brought to the window; the notice period set; each
step decided by its department. So a case "at step N" is what users would have made, with
its history rows and audit events.

`cases.workflow.step_states_at` says what each step's state is when a case stands at step N;
this module walks there. The demo data (`demo.seed`) and the tests' `CaseFactory(at_step=N)`
(demo/tests/factories.py) both use it; the benchmark generator, which writes rows in bulk,
follows the same `step_states_at`.
"""

import datetime
import io
from collections.abc import Callable
from fractions import Fraction

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from cases import services
from cases.models import AttachmentKind, Case, ProcedureStep, User
from cases.workflow import StepState, step_states_at
from voting import services as voting
from voting.roster import parse_ballots

APPROVAL_NOTE = "材料齐全，符合要求。"
RETURN_NOTE = "材料不齐，请补正后重新申报。"
REJECT_NOTE = "不符合增设电梯条件。"
# How long ago a notice began: one still running, and one over (step 2 is approved only after
# its notice; every jurisdiction's minimum is shorter than 25 days).
NOTICE_DAYS_AGO = {"running": 3, "over": 25}


def scan_pdf() -> bytes:
    """A one-page PDF standing in for a scanned paper document."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def scan_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, scan_pdf(), content_type="application/pdf")


def agreeing_ballots(case: Case, *, share: Fraction = Fraction(1)) -> tuple[str, bytes]:
    """A paper-ballot summary (file name, content) where the first `share` of the unit's flats,
    by floor and room, agree and the others have no ballot."""
    rooms = list(case.unit.flats.order_by("floor", "room").values_list("room", flat=True))
    rooms = rooms[: len(rooms) * share.numerator // share.denominator]
    return "纸质选票汇总.csv", ("房号,表决意见\n" + "".join(f"{r},同意\n" for r in rooms)).encode()


def _no_one(step: ProcedureStep) -> None:
    return None


def case_bring_to(
    *,
    case: Case,
    step: int,
    state: str = StepState.IN_PROGRESS,
    clerk: User,
    officer: User | None = None,
    reviewer: Callable[[ProcedureStep], User | None] = _no_one,
    vote: str = "closed",
    ballots: tuple[str, bytes] | None = None,
    notice: str = "",
    return_note: str = RETURN_NOTE,
    reject_note: str = REJECT_NOTE,
) -> Case:
    """Bring a case just opened to `step`, that step in `state` (`step_states_at`).

    clerk: who records the window submissions; officer: who runs the vote and sets the notice
    period (None: the system); reviewer(step): who decides the step (None: the system).
    vote: "closed" (closed, and witnessed when it passed), "open" or "none"; a case past step 1
    needs it closed and passed. ballots: the paper-ballot file (name, content) it imports,
    by default every flat agreeing. notice: for a case standing at step 2, its notice period
    ("running", "over" or none); a step 2 approved on the way always had one that is over.
    """
    states = step_states_at(step, state, has_reserved_shaft=case.unit.building.has_reserved_shaft)
    if notice and (step != 2 or notice not in NOTICE_DAYS_AGO):
        raise ValueError(f"notice={notice!r} is for a case standing at step 2: 'running' or 'over'")
    if vote != "none":
        _vote(case=case, officer=officer, ballots=ballots or agreeing_ballots(case), close=vote == "closed")
    for number, target in states.items():
        if target == StepState.NOT_STARTED:
            break
        if target == StepState.NOT_REQUIRED:
            continue  # skipped by the service when the step before it was approved
        current = case.steps.get(number=number)
        if number == 2 and (target == StepState.APPROVED or notice):
            _notice(case=case, step=current, officer=officer, over=target == StepState.APPROVED or notice == "over")
        if target == StepState.IN_PROGRESS:
            break
        _hand_in(case=case, step=current, clerk=clerk, to_approve=target == StepState.APPROVED)
        if target == StepState.SUBMITTED:
            break
        decision, note = {
            StepState.RETURNED: ("return", return_note),
            StepState.REJECTED: ("reject", reject_note),
            StepState.APPROVED: ("approve", APPROVAL_NOTE),
        }[target]
        services.case_decide_step(step=current, actor=reviewer(current), decision=decision, note=note)
    case.refresh_from_db()
    return case


def _vote(*, case: Case, officer: User | None, ballots: tuple[str, bytes], close: bool) -> None:
    name, data = ballots
    opened = voting.vote_open(case=case, actor=officer)
    voting.ballots_import(vote=opened, rows=parse_ballots(data, name), data=data, file_name=name, actor=officer)
    if not close:
        return
    closed = voting.vote_close(vote=opened, actor=officer)
    if closed.passed:  # the witness record step 1's approval needs
        voting.witness_record(
            vote=closed,
            actor=officer,
            witness_name="林建国",
            organisation_kind="community",
            organisation_name="所在社区居民委员会",
            witnessed_at=timezone.now(),
            method="现场见证投票、唱票和计票",
            upload=scan_upload("表决见证记录.pdf"),
        )


def _hand_in(*, case: Case, step: ProcedureStep, clerk: User, to_approve: bool) -> None:
    """The papers brought to the window: for step 1 the application itself (the papers its
    submission needs, and the heritage opinion where the building needs one before approval),
    for the others one scan."""
    if step.number == 1:
        kinds = step.procedure.submission_papers
        if to_approve and case.needs_heritage_opinion:
            kinds += step.procedure.heritage_papers
        services.paper_submission_record(
            step=step,
            actor=clerk,
            brought_by="业主代表",
            brought_at=timezone.now(),
            note="申请表、表决结果、设计方案、资金筹集方案、业主协议书",
            files=[(k, scan_upload(f"{AttachmentKind(k).label}.pdf")) for k in kinds],
        )
        return
    services.paper_submission_record(
        step=step,
        actor=clerk,
        brought_by="代建单位经办人",
        brought_at=timezone.now(),
        files=[(AttachmentKind.OTHER, scan_upload(f"{step.procedure.name}材料.pdf"))],
    )


def _notice(*, case: Case, step: ProcedureStep, officer: User | None, over: bool) -> None:
    """A notice that began 3 days ago (running) or 25 days ago (over). Everything here happens
    today, and a notice may not start before its step did; so the step's start is moved back
    to the notice's first day — the only date this module rewrites."""
    start = timezone.localdate() - datetime.timedelta(days=NOTICE_DAYS_AGO["over" if over else "running"])
    began = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9, 0)))
    ProcedureStep.objects.filter(pk=step.pk).update(started_at=began)
    step.refresh_from_db()
    services.step_set_notice_period(
        step=step, actor=officer, start=start, end=start + datetime.timedelta(days=case.jurisdiction.notice_days)
    )
