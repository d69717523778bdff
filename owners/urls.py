from django.urls import path

from . import (
    views,
    views_cases,
    views_inbox,
    views_ledger,
    views_notice,
    views_objection,
    views_upkeep,
    views_vote,
    views_withdrawal,
)

app_name = "owners"

urlpatterns = [
    # Signing in (owners/views.py)
    path("activate/", views.activate, name="activate"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("text-size/", views.text_size, name="text_size"),
    # 我的加梯, 协议, 文书 (owners/views_cases.py)
    path("", views_cases.home, name="home"),
    path("case/<int:pk>/", views_cases.case_detail, name="case"),
    path("case/<int:pk>/agreement/", views_cases.agreement, name="agreement"),
    path("case/<int:pk>/agreement.pdf", views_cases.agreement_pdf, name="agreement_pdf"),
    path("case/<int:pk>/documents/", views_cases.documents, name="documents"),
    path("case/<int:pk>/documents/<int:doc>/", views_cases.document_download, name="document_download"),
    # 公示 (owners/views_notice.py)
    path("case/<int:pk>/notice/", views_notice.notice, name="notice"),
    # 异议 (owners/views_objection.py)
    path("case/<int:pk>/objection/", views_objection.objection_new, name="objection_new"),
    path("case/<int:pk>/objections/", views_objection.objections, name="objections"),
    path("case/<int:pk>/objections/<int:obj>/", views_objection.objection, name="objection"),
    path(
        "case/<int:pk>/objections/<int:obj>/receipt.pdf",
        views_objection.objection_receipt_pdf,
        name="objection_receipt_pdf",
    ),
    path(
        "case/<int:pk>/objections/<int:obj>/reply.pdf", views_objection.objection_reply_pdf, name="objection_reply_pdf"
    ),
    # 表决 (owners/views_vote.py)
    path("case/<int:pk>/vote/", views_vote.vote, name="vote"),
    path("case/<int:pk>/vote/receipt/<str:code>/", views_vote.receipt, name="receipt"),
    path("case/<int:pk>/vote/receipt/<str:code>.pdf", views_vote.receipt_pdf, name="receipt_pdf"),
    # The receipt's QR code: public, like the documents' /verify/ pages.
    path("receipt/<str:code>/", views_vote.receipt_verify, name="receipt_verify"),
    # The objection receipt's QR code: public too.
    path("objection/<str:code>/", views_objection.objection_verify, name="objection_verify"),
    # 电梯使用 (owners/views_upkeep.py): after the elevator runs (issue 14)
    path("case/<int:pk>/upkeep/", views_upkeep.upkeep, name="upkeep"),
    # 收支公开 (owners/views_ledger.py): the unit's ledger (issue 15 §1)
    path("case/<int:pk>/ledger/", views_ledger.ledger, name="ledger"),
    path("case/<int:pk>/ledger/<int:entry>/voucher/", views_ledger.ledger_voucher, name="ledger_voucher"),
    path("case/<int:pk>/ledger/statement.pdf", views_ledger.ledger_statement_pdf, name="ledger_statement"),
    # The ledger's papers printed by staff (the PDFs are made here: funding may not read documents).
    path("staff/ledger/<int:entry>/receipt.pdf", views_ledger.staff_receipt_pdf, name="ledger_receipt_staff"),
    path("staff/case/<int:pk>/statement.pdf", views_ledger.staff_statement_pdf, name="ledger_statement_staff"),
    # The receipt's QR code: public.
    path("ledger-receipt/<str:code>/", views_ledger.receipt_verify, name="ledger_receipt_verify"),
    # The owner representative prints a contribution's receipt (issue 15 §1).
    path("case/<int:pk>/ledger/<int:entry>/receipt.pdf", views_ledger.ledger_receipt_pdf, name="ledger_receipt"),
]

# 提取申请 (owners/views_withdrawal.py): provident-fund and maintenance-fund withdrawals (issue 15 §2)
urlpatterns += [
    path("case/<int:pk>/withdrawals/", views_withdrawal.withdrawals, name="withdrawals"),
    path("case/<int:pk>/withdrawals/<int:w>/", views_withdrawal.withdrawal, name="withdrawal"),
    path("case/<int:pk>/withdrawals/<int:w>/packet.pdf", views_withdrawal.withdrawal_packet, name="withdrawal_packet"),
    path(
        "staff/withdrawal/<int:w>/packet.pdf",
        views_withdrawal.staff_withdrawal_packet,
        name="withdrawal_packet_staff",
    ),
    # The packet's QR code: public.
    path("withdrawal/<str:code>/", views_withdrawal.withdrawal_verify, name="withdrawal_verify"),
]

# 通知 (owners/views_inbox.py): the owner's inbox (issue 16 §2)
urlpatterns += [
    path("inbox/", views_inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", views_inbox.open_notification, name="inbox_open"),
    path("inbox/read-all/", views_inbox.read_all, name="inbox_read_all"),
    path("inbox/preference/", views_inbox.preference, name="inbox_preference"),
]
