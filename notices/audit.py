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
