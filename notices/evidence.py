"""What notices puts in a case's evidence bundle (documents.evidence), registered from
NoticesConfig.ready(): the notice as published (the period, where it was posted, who
published it, an early take-down), the version of the printed notice that was posted, and
every photo of the posted notice with the time it was taken and its source.

Objections (issue 13 §2) are to be added here as their own contributor at order 35, in the
folder "03-公示/异议/" (see `register()` below): each objection with its receipt, its handling
(contacts, mediation meetings, the outcome) and the written reply.
"""

from __future__ import annotations

from collections.abc import Iterator

from documents.evidence import EvidenceItem, csv_bytes, format_time, register_evidence

from .models import Notice, NoticePlace

FOLDER = "03-公示"


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


def register() -> None:
    register_evidence("notices.notice", 30, notice_evidence)
    # The objections' contributor goes here (order 35, folder "03-公示/异议/"): each
    # objection's record and receipt, its handling and the written reply, with their times.
