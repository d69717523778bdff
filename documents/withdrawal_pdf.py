"""The packet of a withdrawal application (issue 15 §2): the form (提取申请表, one A4 page with
a verification QR) and the list of papers the application needs. Rendered here because
documents may read funding and funding may not read documents (config/tests/test_layering.py);
the owners' portal and the back office serve it.

The QR points to the public check (/owner/withdrawal/<code>/): genuine or not, the number,
the room, the source, the amount and the state — never the applicant's name nor the account.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from funding.models_withdrawal import Withdrawal, WithdrawalSource

from .context import public_base_url, qr_png_data_uri
from .models import DOCUMENT_LANGUAGE
from .numerals import rmb_capital
from .pdf import html_to_pdf

# The papers each application brings (申请所需材料), in the order the counter checks them.
PAPERS = {
    WithdrawalSource.PROVIDENT_FUND: (
        "申请人身份证件（复印件）",
        "不动产权证书或购房合同（复印件）",
        "增设电梯费用分摊表（业主签字确认）",
        "电梯使用登记证（复印件）",
        "收款人银行账户（银行卡复印件）",
        "申请人非产权人本人的：结婚证或户口簿等关系证明",
    ),
    WithdrawalSource.MAINTENANCE_FUND: (
        "业主代表身份证件（复印件）",
        "各同意户的不动产权证书（复印件）",
        "增设电梯费用分摊表（业主签字确认）",
        "电梯使用登记证（复印件）",
        "收款账户（增设电梯资金专户）开户证明",
        "同意使用维修资金的业主书面意见",
    ),
}


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verify_url(withdrawal: Withdrawal) -> str:
    return public_base_url() + reverse("owners:withdrawal_verify", args=[withdrawal.verify_code])


def masked_account(account: str) -> str:
    return account if len(account) <= 8 else f"{account[:4]} **** {account[-4:]}"


def packet_html(withdrawal: Withdrawal) -> tuple[str, str]:
    w = withdrawal
    case = w.case
    url = verify_url(w)
    qr = qr_png_data_uri(url)
    title = "提取住房公积金申请表" if w.source == WithdrawalSource.PROVIDENT_FUND else "使用住宅专项维修资金申请表"
    context = {
        "w": w,
        "case": case,
        "capital": rmb_capital(w.amount),
        "papers": PAPERS[WithdrawalSource(w.source)],
        "account": masked_account(w.payee_account),
        "doc": {
            "template": "withdrawal",
            "title": title,
            "code": grouped(w.verify_code),
            "generated_at": timezone.now(),
            "verify_url": url,
            "qr_data_uri": qr,
            "issuer": case.jurisdiction.housing_office,
        },
    }
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("documents/withdrawal_pdf.html", context), qr


def packet_pdf(withdrawal: Withdrawal) -> bytes:
    html, qr = packet_html(withdrawal)
    return html_to_pdf(html, data_uris=[qr]).data
