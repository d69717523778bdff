"""Objections to the notice (issue 13 §2): an owner's online objection and a paper one, late
ones recorded as late, each step of handling, the close with its reply, the guard on step
2 naming each open objection, nothing half-saved on a bad file, and the two PDFs."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from cases.models import Owner, User
from cases.services import StepGuardFailed, case_decide_step
from cases.tests.factories import officer, record_paper, reviewer_for
from demo.tests.factories import CaseFactory
from notices import objection_pdf, services
from notices import services_objections as objections
from notices.checks import notice_approval_problems
from notices.models import Objection, ObjectionFile, ObjectionState
from notices.selectors_objections import objections_for_case
from owners.tests.factories import activated

from .helpers import jpeg, png_claiming

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _published(*, over=False):
    case = CaseFactory(at_step=2, notice="over") if over else CaseFactory(at_step=2)
    step = case.steps.get(number=2)
    start = step.notice_start if over else TODAY()
    services.notice_publish(
        case=case,
        actor=officer(case.jurisdiction.code),
        start=start,
        end=start + datetime.timedelta(days=case.jurisdiction.notice_days - 1),
        places=["unit", "board"],
    )
    return case


def _owner(case, index=0):
    return list(Owner.objects.filter(ownerships__flat__unit=case.unit).distinct().order_by("pk"))[index]


def _owner_user(case, index=0):
    """The owner's portal user (activated from a letter the first time)."""
    owner = _owner(case, index)
    user = User.objects.filter(person_id=owner.person_id).first()
    if user is None:
        user = activated(case, owner=owner, mobile=f"1390000000{index}")[0].user
    return user, owner


def _online(case, *, reasons="挡住二楼采光", photos=(), index=0):
    user, owner = _owner_user(case, index)
    return objections.objection_submit_online(case=case, actor=user, owner=owner, reasons=reasons, photos=list(photos))


def _pdf(upload_name="异议.pdf"):
    return SimpleUploadedFile(upload_name, b"%PDF-1.4\n% scan\n", content_type="application/pdf")


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file() and "objections" in p.parts]


def test_an_owner_objects_online_in_their_real_name_and_gets_a_numbered_receipt():
    case = _published()
    objection = _online(case, photos=[jpeg("楼道.jpg")])
    owner = _owner(case)
    assert objection.number == f"{case.number}-YY01"
    assert objection.name == owner.name and objection.rooms
    assert objection.channel == "online" and not objection.late
    assert objection.state == ObjectionState.RECEIVED and objection.is_open
    assert len(objection.code) == 12
    assert [f.kind for f in objection.files.all()] == ["photo"]
    event = AuditEvent.objects.get(event="objection_received")
    assert objection.number in event.message and event.data["files"][0]["sha256"] == objection.files.get().sha256
    second = _online(case, index=1)
    assert second.number == f"{case.number}-YY02"


def test_an_objection_after_the_period_is_recorded_as_late_not_refused():
    case = _published(over=True)
    objection = _online(case)
    assert objection.late
    assert "逾期" in AuditEvent.objects.get(event="objection_received").message


def test_nobody_objects_before_the_notice_is_published():
    case = CaseFactory(at_step=2)
    account, owner, case = activated(case, owner=_owner(case))
    with pytest.raises(ValidationError, match="尚未发布公示"):
        objections.objection_submit_online(case=case, actor=account.user, owner=owner, reasons="不同意")
    assert not Objection.objects.exists()


def test_an_owner_objects_only_in_their_own_name():
    case = _published()
    account, owner, case = activated(case, owner=_owner(case, 0))
    with pytest.raises(PermissionDenied):
        objections.objection_submit_online(case=case, actor=account.user, owner=_owner(case, 1), reasons="不同意")


@pytest.mark.parametrize(
    ("reasons", "message"),
    [("", "请填写异议理由"), ("   ", "请填写异议理由"), ("字" * 5001, "不能超过5000字"), (None, "请填写异议理由")],
)
def test_reasons_empty_or_huge_are_refused_plainly(reasons, message):
    case = _published()
    with pytest.raises(ValidationError, match=message):
        _online(case, reasons=reasons)


def test_a_hostile_photo_or_too_many_leave_nothing_behind(settings):
    case = _published()
    with pytest.raises(ValidationError, match="像素过多"):
        _online(case, photos=[jpeg(), png_claiming(100_000, 100_000)])
    with pytest.raises(ValidationError, match="最多上传3张"):
        _online(case, photos=[jpeg() for _ in range(4)])
    assert not Objection.objects.exists() and not ObjectionFile.objects.exists()
    assert _stored_files(settings) == []


def test_the_office_records_a_paper_objection_with_its_scan():
    case = _published()
    received = timezone.now() - datetime.timedelta(hours=2)
    objection = objections.objection_record_paper(
        case=case, actor=officer(), owner=_owner(case), reasons="书面异议：噪音", scan=_pdf(), received_at=received
    )
    assert objection.channel == "paper" and objection.received_at == received
    assert objection.files.get().kind == "scan"


def test_a_paper_objection_needs_its_scan_and_nothing_is_half_saved_on_a_bad_one(settings):
    case = _published()
    with pytest.raises(ValidationError, match="扫描件"):
        objections.objection_record_paper(case=case, actor=officer(), owner=_owner(case), reasons="x", scan=None)
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不是PDF、JPEG或PNG"):
        objections.objection_record_paper(case=case, actor=officer(), owner=_owner(case), reasons="x", scan=fake)
    assert not Objection.objects.exists() and _stored_files(settings) == []


def test_only_the_receiving_office_records_paper_objections():
    case = _published()
    for who in (officer("LC"), officer("FZ", role="planning_reviewer")):
        with pytest.raises(PermissionDenied):
            objections.objection_record_paper(case=case, actor=who, owner=_owner(case), reasons="x", scan=_pdf())


def test_an_owner_of_another_unit_cannot_be_recorded_as_objector():
    case = _published()
    other = CaseFactory(at_step=1)
    stranger = Owner.objects.filter(ownerships__flat__unit=other.unit).first()
    with pytest.raises(ValidationError):
        objections.objection_record_paper(case=case, actor=officer(), owner=stranger, reasons="x", scan=_pdf())
    assert not Objection.objects.exists()


def test_handling_moves_the_state_and_a_closed_objection_takes_no_more():
    case = _published()
    objection = _online(case)
    with pytest.raises(ValidationError, match="参加人员"):
        objections.objection_record_handling(
            objection=objection, actor=officer(), kind="meeting", on=TODAY(), summary="协调"
        )
    objections.objection_record_handling(
        objection=objection, actor=officer(), kind="contact", on=TODAY(), how="电话", summary="约定周五面谈"
    )
    objection.refresh_from_db()
    assert objection.state == ObjectionState.HANDLING
    with pytest.raises(ValidationError, match="晚于今天"):
        objections.objection_record_handling(
            objection=objection, actor=officer(), kind="contact", on=TODAY() + datetime.timedelta(days=1), summary="x"
        )
    objections.objection_record_handling(
        objection=objection,
        actor=officer(),
        kind="meeting",
        on=TODAY(),
        how="社区居委会",
        attendees="异议人、代建单位、区住建",
        summary="电梯井道北移0.5米",
    )
    with pytest.raises(ValidationError, match="不予支持的理由"):
        objections.objection_close(
            objection=objection, actor=officer(), outcome="not_upheld", reasons="", reply_text="答复"
        )
    with pytest.raises(ValidationError, match="书面答复"):
        objections.objection_close(
            objection=objection, actor=officer(), outcome="resolved", reasons="北移", reply_text=""
        )
    closed = objections.objection_close(
        objection=objection,
        actor=officer(),
        outcome="resolved",
        reasons="井道北移0.5米",
        reply_text="经协调，方案调整。",
    )
    assert closed.state == ObjectionState.CLOSED and closed.closed_at
    with pytest.raises(ValidationError, match="已于.*办结"):
        objections.objection_record_handling(objection=closed, actor=officer(), kind="contact", on=TODAY(), summary="x")
    events = list(AuditEvent.objects.filter(event__startswith="objection_").values_list("event", flat=True))
    assert events.count("objection_contact_recorded") == 1 and "objection_meeting_recorded" in events
    assert "objection_closed" in events


def test_a_withdrawn_objection_closes_without_a_meeting():
    case = _published()
    closed = objections.objection_close(
        objection=_online(case), actor=officer(), outcome="withdrawn", reasons="", reply_text="您已撤回异议。"
    )
    assert closed.outcome == "withdrawn"


def test_step_two_waits_for_each_open_objection_and_names_it():
    case = _published(over=True)
    step = case.steps.get(number=2)
    objection = _online(case)
    owner = _owner(case)
    record_paper(step)
    step.refresh_from_db()
    with pytest.raises(StepGuardFailed) as refused:
        case_decide_step(step=step, actor=reviewer_for(step), decision="approve")
    named = [p for p in refused.value.problems if objection.number in p]
    assert named and owner.name in named[0] and "逾期" in named[0] and "尚未联系异议人" in named[0]
    objections.objection_close(
        objection=objection, actor=officer(), outcome="not_upheld", reasons="不影响采光", reply_text="不予支持。"
    )
    assert list(notice_approval_problems(step=case.steps.get(number=2))) == []
    case_decide_step(step=step, actor=reviewer_for(step), decision="approve")


def _text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages)


def test_the_receipt_is_one_page_with_its_number_time_and_verification_address():
    case = _published()
    objection = _online(case)
    pages, text = _text(objection_pdf.receipt_pdf(objection))
    when = timezone.localtime(objection.received_at)
    assert pages == 1
    assert objection.number in text and "异议受理回执" in text
    assert f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}" in text
    assert objection_pdf.verify_url(objection) in text.replace("\n", "")
    assert f"/owner/objection/{objection.code}/" in objection_pdf.verify_url(objection)
    assert objection.reasons not in text  # the receipt is for showing: not the reasons


def test_the_reply_is_one_page_with_the_outcome_and_the_office_words():
    case = _published()
    objection = objections.objection_close(
        objection=_online(case),
        actor=officer(),
        outcome="not_upheld",
        reasons="日照分析满足规范",
        reply_text="经审查，异议不成立。",
    )
    pages, text = _text(objection_pdf.reply_pdf(objection))
    assert pages == 1
    for expected in ("书面答复", objection.number, "异议不成立", "日照分析满足规范", "经审查，异议不成立。"):
        assert expected in text.replace("\n", "")


def test_the_case_objections_with_their_handling_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    case = _published()
    for index in range(4):
        objection = _online(case, index=index, photos=[jpeg()])
        objections.objection_record_handling(
            objection=objection, actor=officer(), kind="contact", on=TODAY(), summary="已联系"
        )
    with django_assert_max_num_queries(3):
        rows = objections_for_case(case)
        assert [len(o.handling.all()) + len(o.files.all()) for o in rows] == [2, 2, 2, 2]
        assert all(o.owner.name for o in rows)


def test_the_longest_reply_the_office_may_write_still_fits_one_page():
    case = _published()
    objection = objections.objection_close(
        objection=_online(case),
        actor=officer(),
        outcome="not_upheld",
        reasons="理" * objections.MAX_OUTCOME_REASONS,
        reply_text="\n".join(
            ["答" * (objections.MAX_REPLY // objections.MAX_REPLY_PARAGRAPHS - 1)] * objections.MAX_REPLY_PARAGRAPHS
        ),
    )
    assert _text(objection_pdf.reply_pdf(objection))[0] == 1
    with pytest.raises(ValidationError, match="不能超过480字"):
        objections.objection_close(
            objection=_online(case, index=1), actor=officer(), outcome="withdrawn", reasons="", reply_text="长" * 481
        )
    with pytest.raises(ValidationError, match="不能超过8段"):
        objections.objection_close(
            objection=_online(case, index=1), actor=officer(), outcome="withdrawn", reasons="", reply_text="段\n" * 9
        )


def _ended(case):
    """The case ended: step 2 handed in and not approved (不予通过), which ends the case."""
    step = case.steps.get(number=2)
    record_paper(step)
    case_decide_step(step=step, actor=reviewer_for(step), decision="reject", note="方案不符合规划")
    case.refresh_from_db()
    return case


def test_an_ended_case_takes_no_online_objection_but_the_office_still_registers_a_letter():
    case = _published()
    user, owner = _owner_user(case)
    case = _ended(case)
    with pytest.raises(ValidationError, match="不予通过，网上不再受理异议") as refused:
        objections.objection_submit_online(case=case, actor=user, owner=owner, reasons="不同意")
    assert refused.value.code == "case_ended"
    assert not Objection.objects.exists()
    paper = objections.objection_record_paper(
        case=case, actor=officer(case.jurisdiction.code), owner=owner, reasons="来信反映采光", scan=_pdf()
    )
    assert paper.number == f"{case.number}-YY01"
