"""What owners puts in a case's evidence bundle (documents.evidence), registered from
OwnersConfig.ready(): the owners' agreement as last printed (增设电梯协议书), and who
confirmed it — every owner of the unit, whether they confirmed online (their account, the
version they read, when), signed on paper (recorded by whom, through a proxy with the power
of attorney's scan), or have not signed.
"""

from __future__ import annotations

from collections.abc import Iterator

from cases.selectors import unit_flats_with_owners
from documents.evidence import EvidenceItem, csv_bytes, extension_of, register_evidence
from documents.models import DocumentTemplate, GeneratedDocument

from .evidence_ledger import ledger_evidence
from .models import AgreementSignature, SignatureChannel

FOLDER = "05-业主协议"


def _person(user) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


def agreement_evidence(case) -> Iterator[EvidenceItem]:
    latest = (
        GeneratedDocument.objects.filter(case=case, template=DocumentTemplate.AGREEMENT).order_by("-version").first()
    )
    if latest is not None:
        yield EvidenceItem(
            path=f"{FOLDER}/协议书-第{latest.version}版-{latest.code}.pdf",
            description=f"《增设电梯协议书》最新版本第{latest.version}版（验证码{latest.code}），各版本见“格式文书”",
            at=latest.generated_at,
            file=latest.file,
        )
    signatures = {
        s.owner_id: s
        for s in AgreementSignature.objects.filter(case=case).select_related("document", "account", "recorded_by")
    }
    letters = {
        s.pk: f"{FOLDER}/代签委托书/签署-{s.pk:05d}-委托书.{extension_of(s.proxy_letter_type)}"
        for s in signatures.values()
        if s.proxy_letter
    }
    rooms_of: dict[int, list[str]] = {}
    owners = {}
    for flat in unit_flats_with_owners(unit=case.unit):
        for ownership in flat.ownerships.all():
            owners.setdefault(ownership.owner_id, ownership.owner)
            rooms_of.setdefault(ownership.owner_id, []).append(flat.room)
    rows = []
    for owner_id, owner in owners.items():
        signature = signatures.get(owner_id)
        if signature is None:
            rows.append(("、".join(rooms_of[owner_id]), owner.name, "未签署", None, "", "", "", "", ""))
            continue
        version = f"第{signature.document.version}版（验证码{signature.document.code}）" if signature.document else ""
        online = signature.channel == SignatureChannel.ONLINE
        rows.append(
            (
                "、".join(rooms_of[owner_id]),
                owner.name,
                signature.get_channel_display(),
                signature.signed_at,
                version,
                "业主本人账户" if online else _person(signature.recorded_by),
                signature.proxy_name,
                signature.proxy_relation,
                letters.get(signature.pk, ""),
            )
        )
    signed = sum(1 for r in rows if r[2] != "未签署")
    yield EvidenceItem(
        path=f"{FOLDER}/签署记录.csv",
        description=f"业主协议签署情况：业主{len(rows)}人，已签署{signed}人（网上确认或纸质签署，代签及委托书）",
        at=max((s.signed_at for s in signatures.values()), default=latest.generated_at if latest else case.opened_at),
        data=csv_bytes(
            ("房号", "业主", "签署方式", "签署时间", "确认的协议书版本", "登记人", "代签人", "与业主关系", "委托书"),
            rows,
        ),
    )
    for signature in signatures.values():
        if signature.proxy_letter:
            yield EvidenceItem(
                path=letters[signature.pk],
                description=(
                    f"代签委托书：{owners[signature.owner_id].name if signature.owner_id in owners else ''}"
                    f"由{signature.proxy_name}（{signature.proxy_relation}）代为签署协议"
                ),
                at=signature.signed_at,
                file=signature.proxy_letter,
            )


def register() -> None:
    register_evidence("owners.agreement", 50, agreement_evidence)
    # The unit's ledger (funding's records; funding may not import documents).
    register_evidence("owners.ledger", 60, ledger_evidence)
