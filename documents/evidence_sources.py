"""What documents puts in a case's evidence bundle (documents.evidence), registered from
DocumentsConfig.ready(): the steps' history with their window submissions and files, every
generated document as printed, and the owners' vote (voting's records: documents may read
voting, voting may not import documents).

Each folder's records are a CSV (UTF-8 with a BOM) beside the files they name; the names in
the zip are ours: the record's number, never a file name someone uploaded.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Attachment, Case, PaperSubmission, StepHistory
from cases.workflow import STATE_LABELS, StepState
from voting.models import Ballot, Vote, VoteState, WitnessRecord
from voting.rules import CONDITIONS, format_percent
from voting.selectors import tally_for_vote

from .evidence import EvidenceItem, csv_bytes, extension_of, register_evidence
from .models import GeneratedDocument

STEPS = "01-办理记录"
DOCUMENTS = "02-格式文书"
VOTE = "04-业主表决"


def _person(user) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


def _state(value: str) -> str:
    try:
        return str(STATE_LABELS[StepState(value)])
    except ValueError:
        return value


# --- the steps ---------------------------------------------------------------------------------


def steps_evidence(case: Case) -> Iterator[EvidenceItem]:
    """办理记录: every move of every step (from, to, who, when, how it came in, the note), the
    window submissions, and every file attached to a step."""
    history = list(StepHistory.objects.filter(step__case=case).select_related("step", "actor").order_by("at", "id"))
    rows = [
        (
            h.step.number,
            h.step.procedure.name,
            h.transition_label,
            _state(h.from_state),
            _state(h.to_state),
            h.at,
            _person(h.actor),
            h.get_channel_display(),
            h.note,
        )
        for h in history
    ]
    yield EvidenceItem(
        path=f"{STEPS}/办理记录.csv",
        description=f"八项程序的全部办理记录（{len(rows)}条）：程序、操作、状态变化、时间、操作人、渠道、意见",
        at=history[-1].at if history else case.opened_at,
        data=csv_bytes(("程序", "程序名称", "操作", "原状态", "新状态", "时间", "操作人", "渠道", "说明"), rows),
    )
    papers = list(
        PaperSubmission.objects.filter(step__case=case)
        .select_related("step", "received_by")
        .order_by("brought_at", "pk")
    )
    if papers:
        yield EvidenceItem(
            path=f"{STEPS}/窗口收件记录.csv",
            description=f"窗口收件（纸质申报）记录（{len(papers)}条）：递交人、递交时间、接收人、材料清单",
            at=papers[-1].brought_at,
            data=csv_bytes(
                ("收件编号", "程序", "递交人", "递交时间", "接收人", "材料清单/说明"),
                (
                    (p.pk, p.step.procedure.name, p.brought_by, p.brought_at, _person(p.received_by), p.note)
                    for p in papers
                ),
            ),
        )
    attachments = (
        Attachment.objects.filter(case=case).select_related("step", "uploaded_by").order_by("uploaded_at", "pk")
    )
    for attachment in attachments:
        ext = extension_of(attachment.content_type)
        yield EvidenceItem(
            path=f"{STEPS}/附件/附件-{attachment.pk:05d}.{ext}",
            description=(
                f"第{attachment.step.number}项程序（{attachment.step.procedure.name}）附件：{attachment.get_kind_display()}，"
                f"原文件名“{attachment.original_name}”，{_person(attachment.uploaded_by)}上传"
                + (f"，窗口收件第{attachment.paper_submission_id}号" if attachment.paper_submission_id else "")
            ),
            at=attachment.uploaded_at,
            file=attachment.file,
        )


# --- the generated documents ---------------------------------------------------------------------


def documents_evidence(case: Case) -> Iterator[EvidenceItem]:
    """格式文书: every version of every template, as printed, with its verification code."""
    versions = GeneratedDocument.objects.filter(case=case).select_related("generated_by").order_by("generated_at", "pk")
    for document in versions:
        choices = "，载有逐户表决意见（表决结果汇总表）" if document.shows_choices else ""
        yield EvidenceItem(
            path=f"{DOCUMENTS}/{document.title}-第{document.version}版-{document.code}.pdf",
            description=(
                f"《{document.title}》第{document.version}版，验证码{document.code}，共{document.pages}页，"
                f"出具：{document.issuer_name or case.jurisdiction.housing_office}，"
                f"生成人：{_person(document.generated_by)}{choices}"
            ),
            at=document.generated_at,
            file=document.file,
        )


# --- the vote ---------------------------------------------------------------------------------


def _ballot_status(ballot: Ballot) -> str:
    return "有效" if ballot.superseded_at is None else "已被更正"


def vote_evidence(case: Case) -> Iterator[EvidenceItem]:
    """业主表决, per round: the result, every ballot with its scan, power of attorney and
    correction history, the imported ballot files, and the witness records with their scans."""
    votes = list(Vote.objects.filter(case=case).select_related("opened_by", "closed_by").order_by("opened_at", "pk"))
    for round_number, vote in enumerate(votes, start=1):
        folder = f"{VOTE}/第{round_number}轮"
        yield from _tally(vote, folder, round_number)
        ballots = list(vote.ballots.select_related("entered_by").order_by("entered_at", "pk"))
        files: dict[int, tuple[str, str]] = {}  # ballot pk -> (scan path, letter path)
        items: list[EvidenceItem] = []
        for ballot in ballots:
            scan_path = letter_path = ""
            if ballot.scan:
                scan_path = f"{folder}/选票扫描件/选票-{ballot.pk:06d}.{extension_of(ballot.content_type)}"
                items.append(
                    EvidenceItem(
                        path=scan_path,
                        description=f"选票第{ballot.pk}号签字扫描件：{ballot.rooms}，{ballot.get_choice_display()}",
                        at=ballot.entered_at,
                        file=ballot.scan,
                    )
                )
            if ballot.proxy_letter:
                ext = extension_of(ballot.proxy_letter_content_type)
                letter_path = f"{folder}/代为表决委托书/选票-{ballot.pk:06d}-委托书.{ext}"
                items.append(
                    EvidenceItem(
                        path=letter_path,
                        description=(
                            f"选票第{ballot.pk}号代为表决委托书：{ballot.rooms}，"
                            f"由{ballot.proxy_name}（{ballot.proxy_relation}）代为表决"
                        ),
                        at=ballot.entered_at,
                        file=ballot.proxy_letter,
                    )
                )
            files[ballot.pk] = (scan_path, letter_path)
        imports = list(vote.imports.select_related("imported_by").order_by("imported_at", "pk"))
        import_paths = {
            i.pk: f"{folder}/选票文件/选票文件-{i.pk:05d}.{extension_of(i.content_type)}" for i in imports if i.file
        }
        rows = [
            (
                b.pk,
                b.rooms,
                b.voter_names,
                b.get_choice_display(),
                b.get_channel_display(),
                b.signed_on,
                b.entered_at,
                _person(b.entered_by) if b.entered_by_id else ("业主本人（网上）" if b.cast_by_owner_id else "系统"),
                _ballot_status(b),
                b.replaces_id,
                b.reason,
                b.superseded_at,
                b.proxy_name,
                b.proxy_relation,
                b.masked_proxy_id_number if b.proxy_id_number else "",
                files[b.pk][0],
                files[b.pk][1],
                import_paths.get(b.source_import_id, ""),
                b.source_row,
            )
            for b in ballots
        ]
        corrected = sum(1 for b in ballots if b.replaces_id)
        yield EvidenceItem(
            path=f"{folder}/选票记录.csv",
            description=(
                f"第{round_number}轮全部选票（{len(ballots)}张，其中更正{corrected}张）：房号、表决人、表决意见、方式、"
                "录入时间、更正历史（更正的选票编号、理由、被更正时间）、代为表决、扫描件"
            ),
            at=ballots[-1].entered_at if ballots else vote.opened_at,
            data=csv_bytes(
                (
                    "选票编号",
                    "房号",
                    "表决人",
                    "表决意见",
                    "方式",
                    "签署日期",
                    "录入时间",
                    "录入人",
                    "状态",
                    "更正的选票编号",
                    "更正理由",
                    "被更正时间",
                    "代为表决人",
                    "与业主关系",
                    "代为表决人证件号码",
                    "签字扫描件",
                    "委托书",
                    "来源文件",
                    "文件行号",
                ),
                rows,
            ),
        )
        yield from items
        for ballot_import in imports:
            if ballot_import.file:
                yield EvidenceItem(
                    path=import_paths[ballot_import.pk],
                    description=(
                        f"导入的选票文件第{ballot_import.pk}号（原文件名“{ballot_import.original_name}”）："
                        f"新增{ballot_import.ballot_count}张，更正{ballot_import.correction_count}张，"
                        f"{_person(ballot_import.imported_by)}导入"
                    ),
                    at=ballot_import.imported_at,
                    file=ballot_import.file,
                )
        yield from _witnesses(vote, folder, round_number)


def _tally(vote: Vote, folder: str, round_number: int) -> Iterator[EvidenceItem]:
    closed = vote.state == VoteState.CLOSED
    try:
        result = tally_for_vote(vote=vote)
    except ValidationError as exc:
        result, problem = None, "；".join(exc.messages)
    else:
        problem = ""
    rows = [
        ("表决开始时间", vote.opened_at, _person(vote.opened_by) if vote.opened_by_id else "系统"),
        ("表决截止时间", vote.closes_at, ""),
        ("表决结束时间", vote.closed_at, (_person(vote.closed_by) if vote.closed_by_id else "系统") if closed else ""),
        ("状态", vote.get_state_display(), "结束时保存的计票结果" if closed else "表决进行中：截至生成时的计票"),
    ]
    if result is not None:
        rows += [
            ("总专有面积（㎡）", result.total_area, ""),
            ("总人数", result.total_headcount, ""),
            ("参与表决面积（㎡）", result.participating_area, ""),
            ("参与表决人数", result.participating_headcount, ""),
            ("同意面积（㎡）", result.agreeing_area, ""),
            ("同意人数", result.agreeing_headcount, ""),
        ]
        for condition in CONDITIONS:
            rows.append(
                (
                    condition.label,
                    f"{format_percent(result.ratio(condition))}（{result.part(condition)}/{result.whole(condition)}）",
                    f"{'达到' if result.met(condition) else '未达到'}{condition.bound}",
                )
            )
        rows.append(("表决结果", "通过" if result.passed else "未通过", ""))
    else:
        rows.append(("计票", "无法计票", problem))
    yield EvidenceItem(
        path=f"{folder}/计票结果.csv",
        description=(
            f"第{round_number}轮表决的计票结果（民法典第二百七十八条的四项条件及结果）"
            + ("；逐户表决意见见选票记录和“格式文书”中的表决结果汇总表" if closed else "；表决尚未结束")
        ),
        at=vote.closed_at if closed else timezone.now(),
        data=csv_bytes(("项目", "值", "说明"), rows),
    )


def _witnesses(vote: Vote, folder: str, round_number: int) -> Iterator[EvidenceItem]:
    witnesses = list(
        WitnessRecord.objects.filter(vote=vote).select_related("recorded_by").order_by("witnessed_at", "pk")
    )
    if not witnesses:
        return
    paths = {w.pk: f"{folder}/见证记录/见证记录-{w.pk:04d}.{extension_of(w.content_type)}" for w in witnesses}
    yield EvidenceItem(
        path=f"{folder}/见证记录.csv",
        description=f"第{round_number}轮表决的见证记录（{len(witnesses)}份）：见证人、见证单位、见证时间、方式",
        at=witnesses[-1].witnessed_at,
        data=csv_bytes(
            (
                "编号",
                "见证人",
                "见证单位类型",
                "见证单位名称",
                "见证时间",
                "见证方式",
                "备注",
                "登记人",
                "登记时间",
                "见证记录文件",
            ),
            (
                (
                    w.pk,
                    w.witness_name,
                    w.get_organisation_kind_display(),
                    w.organisation_name,
                    w.witnessed_at,
                    w.method,
                    w.notes,
                    _person(w.recorded_by) if w.recorded_by_id else "系统",
                    w.recorded_at,
                    paths[w.pk],
                )
                for w in witnesses
            ),
        ),
    )
    for witness in witnesses:
        yield EvidenceItem(
            path=paths[witness.pk],
            description=(
                f"见证记录：{witness.organisation_name} {witness.witness_name}，"
                f"{witness.get_organisation_kind_display()}，{witness.method}"
            ),
            at=witness.witnessed_at,
            file=witness.file,
        )


def register() -> None:
    register_evidence("documents.steps", 10, steps_evidence)
    register_evidence("documents.generated", 20, documents_evidence)
    register_evidence("documents.vote", 40, vote_evidence)
