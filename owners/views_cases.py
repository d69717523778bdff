"""我的加梯: the owner's cases, each case's timeline, the agreement and the documents.

Every page finds the case through `owners.selectors.case_for_owner` (another unit's case
is a 404) and reads a fixed number of queries whatever the size of the unit. Owners may
read the public notice, the agreement and the vote's aggregate result, never a paper that
names how each owner voted: the kept tally sheet (template "ballots") is not served here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from audit.downloads import private_file_response
from cases.deadlines import provisional_due
from cases.models import Case, CaseStatus, Owner, Ownership
from documents import audit as documents_audit
from documents.models import DocumentTemplate, GeneratedDocument
from documents.selectors import current_document
from funding.selectors import cost_sharing_table
from voting.models import VoteState
from voting.selectors import closed_vote_record_for_case, failed_condition_texts, tally_bars

from . import selectors, services, timeline
from .models import AgreementSignature, SignatureChannel
from .views import owner_required, page

# What owners may download (文书): the public notice and their agreement. The tally sheet
# ("ballots") names every owner's choice once counted and the ballot papers are the office's
# to hand out; owners read the vote's result as the aggregate on the documents page.
OWNER_READABLE_TEMPLATES = (DocumentTemplate.NOTICE, DocumentTemplate.AGREEMENT)


# --- what the page needs to know of one case for this owner ---------------------------------


@dataclass
class CaseView:
    case: Case
    steps: list
    vote: object | None  # the latest vote (voting.Vote) or None
    agreement: GeneratedDocument | None
    ownerships: list  # this person's Ownership rows in the case's unit (flat and owner loaded)
    signatures: dict  # owner pk -> AgreementSignature
    facts: timeline.OwnerFacts

    @property
    def owners(self) -> list[Owner]:
        seen: dict[int, Owner] = {}
        for own in self.ownerships:
            seen.setdefault(own.owner_id, own.owner)
        return list(seen.values())

    @property
    def rooms(self) -> list[str]:
        return [own.flat.room for own in self.ownerships]

    @property
    def tasks(self) -> list[timeline.Task]:
        return timeline.tasks_for(self.facts)

    @property
    def status_text(self) -> str:
        return timeline.status_in_plain_words(self.case)


def _case_view(user, case: Case) -> CaseView:
    """At most six queries, whatever the unit's size."""
    # Whether a due date is provisional (暂定: its year's holidays not yet published) comes
    # with the steps, in the same query.
    steps = list(case.steps.annotate(due_provisional=provisional_due("due_date")))
    vote = case.votes.order_by("-opened_at", "-pk").first()
    ownerships = list(
        Ownership.objects.filter(owner__person_id=user.person_id, flat__unit_id=case.unit_id)
        .select_related("owner", "flat")
        .order_by("flat__floor", "flat__room", "owner_id")
    )
    rooms = {own.flat.room for own in ownerships}
    has_voted = False
    if vote is not None and vote.state == VoteState.OPEN:
        # A voter gives one ballot for all its rooms (co-owners of a flat are one voter), so an
        # effective ballot naming one of this owner's rooms is their voter's ballot.
        for ballot_rooms in vote.ballots.filter(superseded_at__isnull=True).values_list("rooms", flat=True):
            if rooms & {r.strip() for r in ballot_rooms.split("、")}:
                has_voted = True
                break
    agreement = current_document(case=case, template=DocumentTemplate.AGREEMENT)
    owner_ids = {own.owner_id for own in ownerships}
    signatures = {
        s.owner_id: s for s in AgreementSignature.objects.filter(case=case, owner_id__in=owner_ids).order_by("pk")
    }
    facts = timeline.OwnerFacts(
        case_open=case.status == CaseStatus.OPEN,
        vote_open=vote is not None and vote.state == VoteState.OPEN,
        vote_closes_at=vote.closes_at if vote is not None else None,
        has_voted=has_voted,
        agreement_exists=agreement is not None,
        has_signed=bool(owner_ids) and owner_ids <= set(signatures),
        notice_ends=timeline.notice_running(steps),
        office=case.jurisdiction.housing_office,
    )
    return CaseView(
        case=case,
        steps=steps,
        vote=vote,
        agreement=agreement,
        ownerships=ownerships,
        signatures=signatures,
        facts=facts,
    )


def _office(case: Case) -> dict:
    j = case.jurisdiction
    return {"name": j.housing_office, "phone": j.contact_phone, "address": j.office_address}


# --- 我的加梯 -------------------------------------------------------------------------------


@owner_required
def home(request):
    cases = list(selectors.case_list_for_owner(user=request.user))
    cards = [_case_view(request.user, case) for case in cases]
    offices = []
    if not cards:
        # Whom to ask: the offices that recorded this person's flats.
        seen = set()
        for owner in selectors.owner_records_of(user=request.user).select_related("jurisdiction"):
            j = owner.jurisdiction
            if j.pk not in seen:
                seen.add(j.pk)
                offices.append({"name": j.housing_office, "phone": j.contact_phone, "address": j.office_address})
    return page(request, "owners/home.html", {"nav": "home", "cards": cards, "offices": offices})


@owner_required
def case_detail(request, pk: int):
    case = selectors.case_for_owner(user=request.user, pk=pk)
    view = _case_view(request.user, case)
    context = {
        "nav": "home",
        "case": case,
        "view": view,
        "status_text": timeline.status_in_plain_words(case),
        "entries": timeline.case_timeline(view.steps),
        "office": _office(case),
    }
    return page(request, "owners/case.html", context)


# --- 协议 -----------------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    """确认签署: the owner ticks that they read and agree, for the version they were shown.
    (Here rather than in owners/forms.py: it serves this page alone.)"""

    agree = forms.BooleanField(
        label=gettext_lazy("我已阅读并同意《增设电梯协议书》"),
        required=True,
        error_messages={"required": gettext_lazy("请先勾选“我已阅读并同意《增设电梯协议书》”，再点“确认签署”。")},
    )
    # The version shown; a form without it (an old page) is treated as an outdated version.
    document = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _signature_text(signature: AgreementSignature) -> str:
    if signature.channel == SignatureChannel.ONLINE:
        return _("您已于%(when)s在网上确认签署。") % {"when": timeline.cn_datetime(signature.signed_at)}
    text = _("您已于%(when)s签署纸质协议书，由工作人员登记。") % {"when": timeline.cn_date(signature.signed_at)}
    if signature.proxy_name:
        text += _("由%(name)s（%(relation)s）凭委托书代签。") % {
            "name": signature.proxy_name,
            "relation": signature.proxy_relation or _("代签人"),
        }
    return text


def _my_cost_rows(case: Case, view: CaseView) -> tuple[list[dict], bool]:
    """This owner's rows of the agreement's cost table (printed in yuan and in capitals by
    the documents' own filters, which use documents.numerals.rmb_capital), and whether the
    table is settled (the owners agreed floor coefficients)."""
    rows = cost_sharing_table(case=case)
    settled = any(r["coefficient"] for r in rows)
    mine = {own.flat_id for own in view.ownerships}
    own_rows = []
    for r in rows:
        if r["flat"].pk not in mine:
            continue
        own_rows.append(
            {"room": r["flat"].room, "floor": r["flat"].floor, "coefficient": r["coefficient"], "amount": r["amount"]}
        )
    return own_rows, settled


@owner_required
@require_http_methods(["GET", "POST"])
def agreement(request, pk: int):
    case = selectors.case_for_owner(user=request.user, pk=pk)
    view = _case_view(request.user, case)
    document = view.agreement
    unsigned = [o for o in view.owners if o.pk not in view.signatures]
    can_sign = document is not None and bool(unsigned) and case.status == CaseStatus.OPEN
    form = None
    if can_sign:
        form = ConfirmForm(request.POST or None, initial={"document": document.pk})
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["document"] != document.pk:
                # A newer version came out while the owner was reading: they confirm what they read.
                messages.warning(
                    request,
                    _("协议书已更新为第%(version)s版，请阅读新版本后再确认签署。") % {"version": document.version},
                )
                return redirect("owners:agreement", pk=case.pk)
            try:
                for owner in selectors.owner_records_in_case(user=request.user, case=case):
                    services.agreement_confirm_online(
                        account=request.owner_account, case=case, owner=owner, document=document
                    )
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("您已确认签署《增设电梯协议书》。"))
            return redirect("owners:agreement", pk=case.pk)
    elif request.method == "POST":
        return redirect("owners:agreement", pk=case.pk)
    own_rows, settled = _my_cost_rows(case, view) if document is not None else ([], False)
    context = {
        "nav": "home",
        "case": case,
        "view": view,
        "document": document,
        "form": form,
        "signed_lines": [_signature_text(s) for s in view.signatures.values()],
        "own_rows": own_rows,
        "costs_settled": settled,
        "office": _office(case),
    }
    return page(request, "owners/agreement.html", context)


def _serve(request, document: GeneratedDocument):
    """A kept version as the documents app serves it: the private-file helper and its
    download event (documents.audit.document_downloaded). The owner's right to it was
    checked by the caller (their case, a template owners may read)."""
    return private_file_response(
        request,
        file=document.file,
        filename=f"{document.case.number}-{document.title}-第{document.version}版.pdf",
        content_type="application/pdf",
        refusal=None,
        log_download=functools.partial(documents_audit.document_downloaded, document=document),
    )


@owner_required
def agreement_pdf(request, pk: int):
    case = selectors.case_for_owner(user=request.user, pk=pk)
    document = current_document(case=case, template=DocumentTemplate.AGREEMENT)
    if document is None:
        raise Http404("no agreement yet")
    return _serve(request, document)


# --- 文书 -----------------------------------------------------------------------------------


def _readable(case: Case):
    return GeneratedDocument.objects.filter(
        case=case, template__in=OWNER_READABLE_TEMPLATES, shows_choices=False
    ).select_related("case")


@owner_required
def documents(request, pk: int):
    case = selectors.case_for_owner(user=request.user, pk=pk)
    latest: dict[str, GeneratedDocument] = {}
    for document in _readable(case).order_by("template", "-version"):
        latest.setdefault(document.template, document)
    items = [
        {
            "title": DocumentTemplate(template).label,
            "document": latest.get(template),
            "missing": _("公示书还没有出具。") if template == DocumentTemplate.NOTICE else _("协议书还没有出具。"),
        }
        for template in (DocumentTemplate.NOTICE, DocumentTemplate.AGREEMENT)
    ]
    # The vote's result as the unit's aggregate only (the four ratios, the thresholds, the
    # outcome, the witness): the record's per-room choices stay out of the context.
    record = closed_vote_record_for_case(case=case)
    result = None
    if record is not None:
        result = {
            "closed_at": record.closed_at,
            "passed": record.result.passed,
            "bars": tally_bars(record.result),
            "failed": failed_condition_texts(record.result),
            "witnesses": [
                {
                    "organisation": w.organisation_name,
                    "name": w.witness_name,
                    "when": w.witnessed_at,
                    "method": w.method,
                }
                for w in record.witnesses
            ],
        }
    context = {"nav": "home", "case": case, "items": items, "result": result}
    return page(request, "owners/documents.html", context)


@owner_required
def document_download(request, pk: int, doc: int):
    case = selectors.case_for_owner(user=request.user, pk=pk)
    document = _readable(case).filter(pk=doc).first()
    if document is None:
        raise Http404("not a document owners may read")
    return _serve(request, document)
