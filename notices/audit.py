"""The notice's audit events, written to the one log under the names notices/events.py
declares, in the service's transaction. Setting the period is cases' own event
(`notice_period_set`), written by the step service the publication calls."""

from audit.models import AuditEvent
from audit.services import log_event, written_in_chinese

from .events import NoticeEvent


@written_in_chinese
def notice_published(*, notice, actor) -> AuditEvent:
    return log_event(
        event=NoticeEvent.NOTICE_PUBLISHED,
        actor=actor,
        case=notice.case,
        obj=notice,
        message=(
            f"发布公示：{notice.case.number} {notice.start:%Y-%m-%d}至{notice.end:%Y-%m-%d}，"
            f"张贴于{'、'.join(notice.place_labels())}，公示书第{notice.document.version}版"
        ),
        data={
            "start": notice.start.isoformat(),
            "end": notice.end.isoformat(),
            "places": list(notice.places),
            "document": notice.document.pk,
            "version": notice.document.version,
            "sha256": notice.document.sha256,
        },
    )


@written_in_chinese
def notice_photo_added(*, photo, actor) -> AuditEvent:
    notice = photo.notice
    return log_event(
        event=NoticeEvent.NOTICE_PHOTO_ADDED,
        actor=actor,
        case=notice.case,
        obj=photo,
        message=f"上传公示张贴照片：{notice.case.number} {photo.original_name}（拍摄人：{photo.taken_by}）",
        data={
            "sha256": photo.sha256,
            "size": photo.size,
            "taken_at": photo.taken_at.isoformat(),
            "taken_at_source": photo.taken_at_source,
            "taken_by": photo.taken_by,
        },
    )


@written_in_chinese
def notice_taken_down(*, notice, actor) -> AuditEvent:
    return log_event(
        event=NoticeEvent.NOTICE_TAKEN_DOWN,
        actor=actor,
        case=notice.case,
        obj=notice,
        message=f"登记公示撤下：{notice.case.number} {notice.taken_down_on:%Y-%m-%d}"
        + (f"（提前撤下：{notice.taken_down_reason}）" if notice.taken_down_early else ""),
        data={
            "on": notice.taken_down_on.isoformat(),
            "reason": notice.taken_down_reason,
            "early": notice.taken_down_early,
            "end": notice.end.isoformat() if notice.end else None,
        },
    )


@written_in_chinese
def notice_photo_downloaded(*, photo, actor) -> AuditEvent:
    return log_event(
        event=NoticeEvent.NOTICE_PHOTO_DOWNLOADED,
        actor=actor,
        case=photo.notice.case,
        obj=photo,
        message=f"下载公示张贴照片：{photo.notice.case.number} {photo.original_name}",
        data={"sha256": photo.sha256},
    )


# --- objections -------------------------------------------------------------------------------


@written_in_chinese
def objection_received(*, objection, actor) -> AuditEvent:
    notice = objection.notice
    return log_event(
        event=NoticeEvent.OBJECTION_RECEIVED,
        actor=actor,
        case=notice.case,
        obj=objection,
        message=(
            f"受理公示异议{objection.number}：{objection.name}（{objection.rooms}室），"
            f"{objection.get_channel_display()}" + ("，公示期结束后提出（逾期）" if objection.late else "")
        ),
        data={
            "number": objection.number,
            "channel": objection.channel,
            "late": objection.late,
            "received_at": objection.received_at.isoformat(),
            "files": [{"kind": f.kind, "sha256": f.sha256, "size": f.size} for f in objection.files.all()],
        },
    )


@written_in_chinese
def objection_handling_recorded(*, handling, actor) -> AuditEvent:
    objection = handling.objection
    meeting = handling.kind == "meeting"
    return log_event(
        event=NoticeEvent.OBJECTION_MEETING_RECORDED if meeting else NoticeEvent.OBJECTION_CONTACT_RECORDED,
        actor=actor,
        case=objection.notice.case,
        obj=objection,
        message=(
            f"{'登记异议调解会' if meeting else '登记异议联系情况'}：{objection.number} {handling.on:%Y-%m-%d}"
            + (f"（{handling.how}）" if handling.how else "")
        ),
        data={
            "handling": handling.pk,
            "kind": handling.kind,
            "on": handling.on.isoformat(),
            "how": handling.how,
            "attendees": handling.attendees,
            "summary": handling.summary,
        },
    )


@written_in_chinese
def objection_closed(*, objection, actor) -> AuditEvent:
    return log_event(
        event=NoticeEvent.OBJECTION_CLOSED,
        actor=actor,
        case=objection.notice.case,
        obj=objection,
        message=f"公示异议{objection.number}办结：{objection.get_outcome_display()}，已作书面答复",
        data={
            "outcome": objection.outcome,
            "outcome_reasons": objection.outcome_reasons,
            "reply_text": objection.reply_text,
            "closed_at": objection.closed_at.isoformat(),
        },
    )


@written_in_chinese
def objection_file_downloaded(*, file, actor) -> AuditEvent:
    objection = file.objection
    return log_event(
        event=NoticeEvent.OBJECTION_FILE_DOWNLOADED,
        actor=actor,
        case=objection.notice.case,
        obj=file,
        message=f"下载异议附件：{objection.number} {file.original_name}",
        data={"sha256": file.sha256},
    )


@written_in_chinese
def objection_viewed(*, objection, actor) -> AuditEvent:
    """The objector's name, rooms, phone and reasons were read on the staff page."""
    return log_event(
        event=NoticeEvent.OBJECTION_VIEWED,
        actor=actor,
        case=objection.notice.case,
        obj=objection,
        message=f"查看异议{objection.number}（异议人个人信息）",
    )
