"""What notices puts in a case's evidence bundle (documents.evidence), registered from
NoticesConfig.ready(): the notice as published (the period, where it was posted, who
published it, an early take-down), the version of the printed notice that was posted, and
every photo of the posted notice with the time it was taken and its source.

The objections (issue 13 §2) are their own contributor, in "03-公示/异议/": a list of them
all, and for each its record with every step of handling (contacts, mediation meetings, the
outcome), its receipt and written reply (re-rendered from the stored record and times,
notices/objection_pdf.py) and the photos or the paper scan the objector brought.
"""

from __future__ import annotations

from collections.abc import Iterator

from documents.evidence import EvidenceItem, csv_bytes, format_time, register_evidence

from .models import Notice, NoticePlace, ObjectionFileKind
from .objection_pdf import receipt_pdf, reply_pdf
from .selectors_objections import objections_for_case

FOLDER = "03-公示"
OBJECTIONS = f"{FOLDER}/异议"


def _person(user) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


def notice_evidence(case) -> Iterator[EvidenceItem]:
    notice = (
        Notice.objects.select_related("step", "document", "published_by", "taken_down_by")
        .filter(case_id=case.pk)
        .first()
    )
    if notice is None:
        yield from _period_only(case)
        return
    photos = list(notice.photos.select_related("uploaded_by").order_by("taken_at", "pk"))
    photo_paths = {
        p.pk: f"{FOLDER}/张贴照片/照片-{p.pk:05d}.{'png' if p.content_type == 'image/png' else 'jpg'}" for p in photos
    }
    document = notice.document
    document_path = f"{FOLDER}/张贴的公示书-第{document.version}版-{document.code}.pdf"
    places = "、".join(str(NoticePlace(p).label) for p in NoticePlace.values if p in notice.places)
    rows = [
        ("公示开始", notice.start, ""),
        ("公示结束", notice.end, ""),
        ("张贴位置", places, ""),
        ("发布时间", notice.published_at, _person(notice.published_by)),
        ("张贴的公示书", f"第{document.version}版，验证码{document.code}", document_path),
        ("撤下日期", notice.taken_down_on, notice.taken_down_reason),
        ("提前撤下", "是" if notice.taken_down_early else "否", ""),
    ]
    for photo in photos:
        rows.append(
            (
                "张贴照片",
                photo.taken_at,
                f"{photo.get_taken_at_source_display()}；拍摄人：{photo.taken_by}；"
                f"{_person(photo.uploaded_by)}上传于{format_time(photo.uploaded_at)}；{photo_paths[photo.pk]}",
            )
        )
    yield EvidenceItem(
        path=f"{FOLDER}/公示记录.csv",
        description=f"公示记录：公示期、张贴位置、发布人、撤下情况，张贴照片{len(photos)}张的拍摄时间及来源",
        at=notice.published_at,
        data=csv_bytes(("项目", "内容", "说明"), rows),
    )
    yield EvidenceItem(
        path=document_path,
        description=f"张贴的《增设电梯公示书》第{document.version}版，验证码{document.code}，公示期{notice.start}至{notice.end}",
        at=document.generated_at,
        file=document.file,
    )
    for photo in photos:
        yield EvidenceItem(
            path=photo_paths[photo.pk],
            description=(
                f"公示张贴照片：拍摄于{format_time(photo.taken_at)}（{photo.get_taken_at_source_display()}），"
                f"拍摄人{photo.taken_by}，原文件名“{photo.original_name}”"
            ),
            at=photo.taken_at,
            file=photo.image,
        )


def _period_only(case) -> Iterator[EvidenceItem]:
    """A notice period set on step 2 ("登记公示期") without a notice published here: the
    period is on record, with no posting places or photos to show."""
    step = case.steps.filter(number=2, notice_start__isnull=False).first()
    if step is None:
        return
    yield EvidenceItem(
        path=f"{FOLDER}/公示记录.csv",
        description="公示期（在办理程序中登记；未在平台发布公示，无张贴位置和张贴照片记录）",
        at=step.started_at,
        data=csv_bytes(
            ("项目", "内容", "说明"),
            [
                ("公示开始", step.notice_start, ""),
                ("公示结束", step.notice_end, ""),
                ("发布公示", "未在平台发布", "张贴的公示书版本见“格式文书”"),
            ],
        ),
    )


def objection_evidence(case) -> Iterator[EvidenceItem]:
    objections = objections_for_case(case)
    if not objections:
        return
    yield EvidenceItem(
        path=f"{OBJECTIONS}/异议汇总.csv",
        description=f"公示异议汇总：共{len(objections)}件，每件的编号、异议人、受理时间、是否逾期、状态和处理结果",
        at=max(o.closed_at or o.received_at for o in objections),
        data=csv_bytes(
            ("异议编号", "异议人", "房号", "提出方式", "受理时间", "逾期提出", "状态", "处理结果", "办结时间"),
            [
                (
                    o.number,
                    o.name,
                    o.rooms,
                    o.get_channel_display(),
                    o.received_at,
                    "是" if o.late else "否",
                    o.get_state_display(),
                    o.get_outcome_display() if o.outcome else "",
                    o.closed_at,
                )
                for o in objections
            ],
        ),
    )
    for objection in objections:
        folder = f"{OBJECTIONS}/{objection.number}"
        files = list(objection.files.all())
        handling = list(objection.handling.all())
        rows = [
            ("受理", objection.received_at, objection.get_channel_display(), _person(objection.recorded_by), ""),
            ("异议理由", objection.received_at, "", "", objection.reasons),
        ]
        rows += [
            (
                row.get_kind_display(),
                row.on,
                row.how,
                _person(row.recorded_by),
                f"参加人员：{row.attendees}；{row.summary}" if row.attendees else row.summary,
            )
            for row in handling
        ]
        if objection.closed_at:
            rows.append(
                (
                    "办结",
                    objection.closed_at,
                    objection.get_outcome_display(),
                    _person(objection.closed_by),
                    objection.outcome_reasons,
                )
            )
        yield EvidenceItem(
            path=f"{folder}/异议及处理记录.csv",
            description=(
                f"异议{objection.number}（{objection.name}，{objection.rooms}）："
                f"{'逾期提出，' if objection.late else ''}{objection.get_state_display()}；"
                f"联系、调解会等处理记录{len(handling)}条"
            ),
            at=objection.closed_at or objection.received_at,
            data=csv_bytes(("事项", "日期/时间", "方式/结果", "登记人", "内容"), rows),
        )
        yield EvidenceItem(
            path=f"{folder}/受理回执.pdf",
            description=f"异议{objection.number}的受理回执（按受理记录生成，核验码{objection.code}）",
            at=objection.received_at,
            data=receipt_pdf(objection),
        )
        if objection.closed_at:
            yield EvidenceItem(
                path=f"{folder}/书面答复.pdf",
                description=f"异议{objection.number}的书面答复：{objection.get_outcome_display()}",
                at=objection.closed_at,
                data=reply_pdf(objection),
            )
        for number, stored in enumerate(files, start=1):
            ext = {"image/png": "png", "image/jpeg": "jpg"}.get(stored.content_type, "pdf")
            what = "书面异议扫描件" if stored.kind == ObjectionFileKind.SCAN else "异议人提供的照片"
            yield EvidenceItem(
                path=f"{folder}/{what}-{number:02d}.{ext}",
                description=f"异议{objection.number}的{what}，原文件名“{stored.original_name}”",
                at=stored.uploaded_at,
                file=stored.file,
            )


def register() -> None:
    register_evidence("notices.notice", 30, notice_evidence)
    register_evidence("notices.objections", 35, objection_evidence)
