"""Named audit events of the vote, one per service (declared in voting/events.py); written
inside the service's transaction through the portal's one log (`audit.services.log_event`).

The log is kept in Chinese whatever language the user's screen is in: the labels the
messages take from the models (choices, channels, witness organisations) are translated
strings, so every event runs under `audit.services.written_in_chinese`.
"""

from audit.models import AuditEvent
from audit.services import log_event, written_in_chinese


@written_in_chinese
def roster_imported(
    *, case, unit, actor, created: int, updated: int, removed: int, file_name: str, sha256: str
) -> AuditEvent:
    return log_event(
        event="vote_roster_imported",
        actor=actor,
        case=case,
        obj=unit,
        message=f"导入业主名册：{unit}（新增{created}户，更新{updated}户，删除{removed}户）",
        data={"created": created, "updated": updated, "removed": removed, "file": file_name, "sha256": sha256},
    )


@written_in_chinese
def roster_exported(*, case, actor, flat_count: int) -> AuditEvent:
    # The export carries full ID numbers: personal data leaving the portal.
    return log_event(
        event="vote_roster_exported",
        actor=actor,
        case=case,
        obj=case,
        message=f"导出业主名册（含证件号码）：{case.number}，{flat_count}户",
        data={"flats": flat_count},
    )


@written_in_chinese
def vote_opened(*, vote, actor) -> AuditEvent:
    closes = f"，截止{vote.closes_at:%Y-%m-%d %H:%M}" if vote.closes_at else ""
    return log_event(
        event="vote_opened",
        actor=actor,
        case=vote.case,
        obj=vote,
        message=f"开始业主表决：{vote.case.number}{closes}",
        data={"closes_at": vote.closes_at.isoformat() if vote.closes_at else None},
    )


@written_in_chinese
def vote_closed(*, vote, actor, result: dict) -> AuditEvent:
    verdict = "通过" if vote.passed else "未通过"
    return log_event(
        event="vote_closed",
        actor=actor,
        case=vote.case,
        obj=vote,
        message=f"结束业主表决：{vote.case.number}，表决{verdict}",
        data=result,
    )


@written_in_chinese
def ballot_recorded(*, ballot, actor) -> AuditEvent:
    how = ballot.get_channel_display()
    verb = "更正" if ballot.replaces_id else "登记"
    data = {"rooms": ballot.rooms, "choice": ballot.choice, "channel": ballot.channel}
    if ballot.replaces_id:
        data |= {"old_choice": ballot.replaces.choice, "reason": ballot.reason}
    if ballot.sha256:
        data["scan_sha256"] = ballot.sha256
    proxy = ""
    if ballot.proxy_name:
        proxy = f"，由{ballot.proxy_name}（{ballot.proxy_relation}）代为表决（附委托书）"
        # The log names the proxy; their ID number only masked, as lists show it.
        data["proxy"] = {
            "name": ballot.proxy_name,
            "relation": ballot.proxy_relation,
            "id_number": ballot.masked_proxy_id_number,
            "letter_sha256": ballot.proxy_letter_sha256,
        }
    return log_event(
        event="ballot_corrected" if ballot.replaces_id else "ballot_recorded",
        actor=actor,
        case=ballot.vote.case,
        obj=ballot,
        message=f"{verb}{how}：{ballot.rooms} {ballot.get_choice_display()}{proxy}",
        data=data,
    )


@written_in_chinese
def ballots_imported(*, batch, actor) -> AuditEvent:
    return log_event(
        event="ballots_imported",
        actor=actor,
        case=batch.vote.case,
        obj=batch,
        message=f"导入选票文件：{batch.original_name}（新增{batch.ballot_count}票，更正{batch.correction_count}票）",
        data={"sha256": batch.sha256, "ballots": batch.ballot_count, "corrections": batch.correction_count},
    )


@written_in_chinese
def witness_recorded(*, record, actor) -> AuditEvent:
    return log_event(
        event="vote_witness_recorded",
        actor=actor,
        case=record.vote.case,
        obj=record,
        message=f"登记表决见证：{record.get_organisation_kind_display()} {record.organisation_name} "
        f"{record.witness_name}",
        data={"sha256": record.sha256, "witnessed_at": record.witnessed_at.isoformat()},
    )


@written_in_chinese
def vote_file_downloaded(*, obj, case, actor, what: str, name: str = "") -> AuditEvent:
    """`name`: the file's original name (a ballot holds two files: its scan and the proxy's letter)."""
    return log_event(
        event="vote_file_downloaded",
        actor=actor,
        case=case,
        obj=obj,
        message=f"下载{what}：{name or obj.pk}",
    )
