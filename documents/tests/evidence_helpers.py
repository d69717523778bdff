"""A case with something of everything the evidence bundle gathers, made through the
services as staff would: paper ballots with scans, a correction, a proxy with the power of
attorney, the witness record, step 1 approved, the notice published with a photo, the
agreement printed and signed on paper by a proxy."""

import datetime
import io
import zipfile

from django.utils import timezone

from cases.models import Owner
from cases.tests.factories import officer, open_case, reviewer_for
from demo.progress import case_bring_to, scan_upload
from documents.services import document_render
from notices import services as notices
from notices import services_objections as objections
from notices.tests.helpers import jpeg
from owners import services as owners
from voting import services as voting
from voting.services import Proxy

CORRECTION_REASON = "业主本人到场更正为同意"


def rich_case(*, code: str = "FZ"):
    clerk = officer(code)
    case = open_case(actor=clerk, jurisdiction=clerk.jurisdiction)  # flats 101 … 302
    vote = voting.vote_open(case=case, actor=clerk)
    voting.ballot_record_paper(vote=vote, room="101", choice="disagree", scan=scan_upload("票1.pdf"), actor=clerk)
    voting.ballot_record_paper(
        vote=vote, room="101", choice="agree", scan=scan_upload("票1更正.pdf"), actor=clerk, reason=CORRECTION_REASON
    )
    voting.ballot_record_paper(
        vote=vote,
        room="102",
        choice="agree",
        scan=scan_upload("票2.pdf"),
        actor=clerk,
        proxy=Proxy(name="王小明", relation="儿子", letter=scan_upload("委托书.pdf")),
    )
    for room in ("201", "202", "301", "302"):
        voting.ballot_record_paper(vote=vote, room=room, choice="agree", scan=scan_upload(f"{room}.pdf"), actor=clerk)
    vote = voting.vote_close(vote=vote, actor=clerk)
    voting.witness_record(
        vote=vote,
        actor=clerk,
        witness_name="林建国",
        organisation_kind="community",
        organisation_name="东湖社区居民委员会",
        witnessed_at=timezone.now(),
        method="现场见证投票、唱票和计票",
        upload=scan_upload("见证.pdf"),
    )
    case = case_bring_to(case=case, step=2, clerk=clerk, officer=clerk, reviewer=reviewer_for, vote="none")
    today = timezone.localdate()
    notices.notice_publish(
        case=case, actor=clerk, start=today, end=today + datetime.timedelta(days=9), places=["unit", "board"]
    )
    notices.notice_photo_add(
        case=case, actor=clerk, upload=jpeg(taken=timezone.localtime().replace(tzinfo=None)), taken_by="张三"
    )
    # Two written objections: one handled at a meeting and closed with a reply, one still open.
    objector = Owner.objects.get(ownerships__flat__unit=case.unit, ownerships__flat__room="101")
    closed = objections.objection_record_paper(
        case=case, actor=clerk, owner=objector, reasons="担心采光受影响", scan=scan_upload("异议书.pdf")
    )
    objections.objection_record_handling(
        objection=closed,
        actor=clerk,
        kind="meeting",
        on=today,
        how="社区会议室",
        attendees="异议人、业主代表、社区网格员",
        summary="调整井道位置，离窗户再退后0.5米",
    )
    objections.objection_close(
        objection=closed,
        actor=clerk,
        outcome="resolved",
        reasons="方案已调整",
        reply_text="经协调，方案已调整，特此答复。",
    )
    other = Owner.objects.get(ownerships__flat__unit=case.unit, ownerships__flat__room="102")
    objections.objection_record_paper(
        case=case, actor=clerk, owner=other, reasons="噪音", scan=scan_upload("异议书2.pdf")
    )
    document_render(case=case, template="agreement", actor=clerk)
    owner = Owner.objects.get(ownerships__flat__unit=case.unit, ownerships__flat__room="301")
    owners.agreement_record_paper(
        case=case,
        owner=owner,
        actor=clerk,
        signed_on=today,
        proxy_name="李四",
        proxy_relation="女儿",
        proxy_letter=scan_upload("协议委托书.pdf"),
    )
    case.refresh_from_db()
    return case, clerk


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}
