"""The unit's ledger in the case's evidence bundle (documents.evidence), registered from
OwnersConfig.ready() through owners/evidence.py: funding may not import documents, this app
reads both (issue 15 §1).

Folder 06-收支台账: 收支台账.pdf (every entry, totals net of reversals, each flat's account),
收支分录.csv (every entry with its voucher's file and hash), 各户账户.csv, 后续加入.csv and
过户记录.csv when there are any, and each voucher scan as stored.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from documents.context import public_base_url, qr_png_data_uri
from documents.evidence import EvidenceItem, csv_bytes, extension_of
from documents.models import DOCUMENT_LANGUAGE
from documents.pdf import html_to_pdf
from funding.models_accounts import FlatTransfer, LateJoin
from funding.selectors_ledger import case_ledger

FOLDER = "06-收支台账"


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "系统"


def ledger_book_pdf(case, ledger) -> bytes:
    url = public_base_url() + reverse("owners:ledger", args=[case.pk])
    qr = qr_png_data_uri(url)
    now = timezone.now()
    context = {
        "case": case,
        "ledger": ledger,
        "doc": {
            "template": "ledger-book",
            "title": "收支台账",
            "code": f"{case.number}-SZTZ",
            "generated_at": now,
            "verify_url": url,
            "qr_data_uri": qr,
            "issuer": case.jurisdiction.housing_office,
        },
    }
    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string("owners/ledger_book_pdf.html", context)
    return html_to_pdf(html, data_uris=[qr]).data


def ledger_evidence(case) -> Iterator[EvidenceItem]:
    ledger = case_ledger(case=case, with_owners=True)
    if not ledger.entries:
        return
    last = max(e.recorded_at for e in ledger.entries)
    vouchers = {
        e.pk: f"{FOLDER}/凭证/{e.number}.{extension_of(e.voucher_type, 'pdf')}" for e in ledger.entries if e.voucher
    }
    yield EvidenceItem(
        path=f"{FOLDER}/收支台账.pdf",
        description=(
            f"收支台账：{len(ledger.entries)}笔分录，收入合计{ledger.total_in}元、支出合计{ledger.total_out}元"
            f"（冲销已相抵），结余{ledger.balance}元；各户缴款情况"
        ),
        at=last,
        data=ledger_book_pdf(case, ledger),
    )
    yield EvidenceItem(
        path=f"{FOLDER}/收支分录.csv",
        description="收支台账全部分录：日期、类别、房号、收付款方、金额、摘要、冲销及原因、凭证文件及SHA-256、登记人及时间",
        at=last,
        data=csv_bytes(
            (
                "编号",
                "日期",
                "收支",
                "类别",
                "房号",
                "收付款方",
                "金额（元）",
                "摘要",
                "冲销的分录",
                "冲销原因",
                "凭证文件",
                "凭证SHA-256",
                "登记人",
                "登记时间",
            ),
            (
                (
                    e.number,
                    e.date,
                    e.get_direction_display(),
                    e.get_kind_display(),
                    e.flat.room if e.flat_id else "",
                    e.counterparty,
                    e.amount,
                    e.note,
                    e.reverses.number if e.reverses_id else "",
                    e.reason,
                    vouchers.get(e.pk, ""),
                    e.voucher_sha256,
                    _person(e.recorded_by),
                    e.recorded_at,
                )
                for e in ledger.entries
            ),
        ),
    )
    yield EvidenceItem(
        path=f"{FOLDER}/各户账户.csv",
        description="各户账户：应分摊、已缴、后续加入款分回、尚欠及状态",
        at=last,
        data=csv_bytes(
            ("房号", "业主", "原分摊（元）", "应缴（元）", "已缴（元）", "分回（元）", "尚欠（元）", "状态"),
            (
                (
                    a.room,
                    "、".join(o.name for o in a.owners),
                    a.original_share,
                    a.share,
                    a.paid,
                    a.shared_back,
                    a.owing,
                    a.status_label,
                )
                for a in ledger.accounts
            ),
        ),
    )
    joins = list(LateJoin.objects.filter(case=case).select_related("flat", "entry", "recorded_by").order_by("pk"))
    if joins:
        yield EvidenceItem(
            path=f"{FOLDER}/后续加入.csv",
            description="后续加入补缴：原分摊金额、使用登记日期、已使用月数、折旧年限、补缴金额及分录",
            at=max(j.recorded_at for j in joins),
            data=csv_bytes(
                (
                    "编号",
                    "房号",
                    "原分摊（元）",
                    "使用登记日期",
                    "补缴日期",
                    "已使用月数",
                    "全额年限",
                    "归零年限",
                    "补缴金额（元）",
                    "补缴分录",
                    "登记人",
                    "登记时间",
                ),
                (
                    (
                        j.number,
                        j.flat.room,
                        j.share,
                        j.registered_on,
                        j.joined_on,
                        j.months,
                        j.full_years,
                        j.zero_years,
                        j.amount,
                        j.entry.number,
                        _person(j.recorded_by),
                        j.recorded_at,
                    )
                    for j in joins
                ),
            ),
        )
    transfers = list(FlatTransfer.objects.filter(case=case).select_related("flat", "recorded_by").order_by("pk"))
    if transfers:
        yield EvidenceItem(
            path=f"{FOLDER}/过户记录.csv",
            description="过户转移账户：原业主、新业主、过户日期、原业主已缴金额",
            at=max(t.recorded_at for t in transfers),
            data=csv_bytes(
                ("编号", "房号", "过户日期", "原业主", "新业主", "原业主已缴（元）", "说明", "登记人", "登记时间"),
                (
                    (
                        t.number,
                        t.flat.room,
                        t.transferred_on,
                        t.previous_owners,
                        t.new_owners,
                        t.paid_before,
                        t.note,
                        _person(t.recorded_by),
                        t.recorded_at,
                    )
                    for t in transfers
                ),
            ),
        )
    for e in ledger.entries:
        if e.voucher:
            yield EvidenceItem(
                path=vouchers[e.pk],
                description=f"{e.number}的凭证（{e.get_kind_display()}{e.amount}元，原文件名{e.voucher_name}）",
                at=e.recorded_at,
                file=e.voucher,
            )
