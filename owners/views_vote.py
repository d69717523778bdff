"""表决: the motion, the owner's choice, its confirmation and the receipt.

One task a page: the vote page shows the motion and the three choices; posting a choice
shows "请确认您的表决意见：…" with 确认提交 and 返回修改 (the same URL, a second step, no
pop-up); only the confirmed post casts the ballot (`services.owner_ballot_cast`, the same
rules and correction history as the staff's paper ballots) and leads to the receipt.

What an owner sees of the vote is their own voter's ballot and the unit's four ratios —
never another voter's choice or name. A receipt is shown to the owners of the voter it
belongs to (a co-owner too), and is a 404 for everybody else; its public verification page
(the QR code) says whether it is genuine and still the effective ballot, not the choice:
a lost printout must not give the vote away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cases.models import Case, CaseStatus, Owner
from documents.context import public_base_url, qr_png_data_uri
from documents.models import DOCUMENT_LANGUAGE
from documents.pdf import html_to_pdf

# The documents' public pages' rate limit and headers, shared: one budget per address for
# every public verification page.
from documents.views import public_rate_limited, public_response
from funding.selectors import cost_sharing_table
from voting.models import Ballot, BallotChannel, BallotChoice, Vote, VoteState
from voting.selectors import case_count, failed_condition_texts, tally_bars, tally_for_vote, to_pass_view
from voting.services import format_local
from voting.voters import UnitVoter, unit_voters

from . import codes, services
from .forms_vote import BallotForm
from .models import BallotReceipt
from .selectors import case_for_owner, owner_records_in_case
from .views import owner_required, page

# --- what the page knows ---------------------------------------------------------------------


@dataclass
class MyVoter:
    """One of the owner's voters (表决人) in the unit: their flat(s), alone or with co-owners."""

    voter: UnitVoter
    owner: Owner  # the owner's own record in this voter, the one the ballot is cast as
    ballot: Ballot | None = None  # the effective ballot, if any
    receipt: BallotReceipt | None = None  # the effective ballot's receipt, if it was online
    cost_rows: list[dict] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.voter.key

    @property
    def rooms(self) -> str:
        return self.voter.rooms_label

    @property
    def by_someone_else(self) -> bool:
        """The effective ballot was not this owner's own online ballot (a co-owner's, or paper)."""
        b = self.ballot
        return b is not None and not (b.channel == BallotChannel.ONLINE and b.cast_by_owner_id == self.owner.pk)

    @property
    def status_line(self) -> str:
        """The voter's ballot in one sentence, as the owner reads it on the vote page."""
        b = self.ballot
        if b is None:
            return _("您家（%(rooms)s室）尚未表决。") % {"rooms": self.rooms}
        values = {"rooms": self.rooms, "when": format_local(b.entered_at), "choice": b.get_choice_display()}
        if not self.by_someone_else:
            return _("您已于%(when)s网上提交表决意见：%(choice)s") % values
        if b.channel == BallotChannel.ONLINE:
            values["name"] = b.cast_by_owner.name if b.cast_by_owner_id else ""
            return _("您家（%(rooms)s室）已由%(name)s于%(when)s网上提交表决意见：%(choice)s") % values
        proxy = getattr(b, "proxy_name", "")  # proxies arrive with the paper-proxy work
        if proxy:
            values["proxy"] = proxy
            return (
                _("您家（%(rooms)s室）已由%(proxy)s代为在纸质选票上表决，%(when)s登记，表决意见：%(choice)s") % values
            )
        return _("您家（%(rooms)s室）已于%(when)s登记纸质选票，表决意见：%(choice)s") % values


def how_given(ballot: Ballot) -> str:
    """How a ballot was given, in plain words: online by whom, or on paper (by a proxy)."""
    if ballot.channel == BallotChannel.ONLINE:
        name = ballot.cast_by_owner.name if ballot.cast_by_owner_id else ""
        return _("%(name)s网上提交") % {"name": name}
    proxy = getattr(ballot, "proxy_name", "")  # proxies arrive with the paper-proxy work
    if proxy:
        return _("纸质选票，由%(proxy)s代为表决") % {"proxy": proxy}
    return _("纸质选票，由区住建部门登记")


@dataclass
class VotePage:
    case: Case
    vote: Vote | None
    accepting: bool  # ballots accepted now
    mine: list[MyVoter]
    roster_problem: str = ""
    # 业主代表: the case's representatives see what the motion still needs (issue 13 §4);
    # an aggregate, as on the staff's vote page: no voter is named.
    representative: bool = False

    @property
    def voter_choices(self) -> list[tuple[str, str]]:
        return [(m.key, _("%(rooms)s室") % {"rooms": m.rooms}) for m in self.mine]

    def voter_for(self, key: str) -> MyVoter | None:
        return next((m for m in self.mine if m.key == key), None)


def _state(request, case: Case) -> VotePage:
    vote = case.votes.order_by("-opened_at", "-pk").first()
    records = {o.pk: o for o in owner_records_in_case(user=request.user, case=case)}
    try:
        # The roster read once (voting.selectors.voters_of_owner reads it per owner record).
        voters = unit_voters(unit=case.unit)
    except ValidationError as exc:
        return VotePage(case=case, vote=vote, accepting=False, mine=[], roster_problem="；".join(exc.messages))
    mine = []
    for voter in voters:
        own = sorted(voter.owner_ids & records.keys())
        if own:
            mine.append(MyVoter(voter=voter, owner=records[own[0]]))
    if vote is not None and mine:
        ballots = {
            b.voter_key: b
            for b in vote.ballots.filter(
                voter_key__in=[m.voter.db_key for m in mine], superseded_at__isnull=True
            ).select_related("cast_by_owner", "receipt")
        }
        for m in mine:
            m.ballot = ballots.get(m.voter.db_key)
            m.receipt = getattr(m.ballot, "receipt", None) if m.ballot is not None else None
    accepting = vote is not None and vote.accepts_ballots_at(timezone.now()) and case.status == CaseStatus.OPEN
    representative = bool(records) and case.representatives.filter(pk__in=records.keys()).exists()
    return VotePage(case=case, vote=vote, accepting=accepting, mine=mine, representative=representative)


def _with_cost_rows(state: VotePage) -> bool:
    """Each voter's own rows of the cost table; False when no floor has a coefficient yet."""
    if not state.case.floor_coefficients.exists():
        return False
    by_room = {row["flat"].room: row for row in cost_sharing_table(case=state.case)}
    for m in state.mine:
        m.cost_rows = [by_room[room] for room in m.voter.rooms if room in by_room]
    return True


def _closed_message(state: VotePage) -> str:
    """Why a ballot posted now is not taken (the page had the form when it was read)."""
    vote = state.vote
    if state.roster_problem:
        return _("本梯业主名册暂不完整，暂时不能网上表决。请联系区住建部门。")
    if vote is None:
        return _("本案的业主表决尚未开始，您的表决意见没有提交。")
    if vote.state == VoteState.CLOSED:
        return _("表决已于%(when)s结束，您的表决意见没有提交。") % {"when": format_local(vote.closed_at)}
    if vote.closes_at is not None and timezone.now() > vote.closes_at:
        return _("已过表决截止时间（%(when)s），您的表决意见没有提交。") % {"when": format_local(vote.closes_at)}
    # A case withdrawn or rejected while its vote was open.
    return _("本案已不在办理中，不再接受表决意见，您的表决意见没有提交。")


def _vote_page(request, state: VotePage, form: BallotForm | None, *, status: int = 200):
    vote = state.vote
    result = bars = failed = None
    if vote is not None and not state.roster_problem:
        try:
            result = tally_for_vote(vote=vote)
        except ValidationError:  # a roster broken outside the services: the page still opens
            result = None
        if result is not None:
            bars, failed = tally_bars(result), failed_condition_texts(result)
    to_pass = None
    if state.representative and vote is not None and vote.state == VoteState.OPEN and result is not None:
        to_pass = to_pass_view(case_count(case=state.case)[1])
    has_coefficients = _with_cost_rows(state) if state.mine else False
    context = {
        "case": state.case,
        "vote": vote,
        "state": state,
        "mine": state.mine,
        "form": form,
        "result": result,
        "bars": bars,
        "failed": failed,
        "to_pass": to_pass,
        "has_coefficients": has_coefficients,
        "closes_at": format_local(vote.closes_at) if vote is not None and vote.closes_at else "",
        "closed_at": format_local(vote.closed_at) if vote is not None and vote.closed_at else "",
        "nav": "home",
    }
    return page(request, "owners/vote.html", context, status=status)


# --- the vote page -----------------------------------------------------------------------------


@owner_required
@require_http_methods(["GET", "HEAD", "POST"])
def vote(request, pk: int):
    case = case_for_owner(user=request.user, pk=pk)
    state = _state(request, case)
    if request.method != "POST":
        form = BallotForm(voters=state.voter_choices) if state.accepting and state.mine else None
        return _vote_page(request, state, form)
    if not state.accepting or not state.mine:
        messages.error(request, _closed_message(state))
        return redirect("owners:vote", pk=case.pk)
    form = BallotForm(request.POST, voters=state.voter_choices)
    if not form.is_valid() or request.POST.get("back"):
        # 返回修改 comes back here with the choice still ticked.
        return _vote_page(request, state, form)
    mine = state.voter_for(form.cleaned_data["voter_key"])
    choice = BallotChoice(form.cleaned_data["choice"])
    if request.POST.get("confirm") != "1":
        context = {"case": case, "my": mine, "choice": choice, "form": form, "nav": "home"}
        return page(request, "owners/vote_confirm.html", context)
    before = mine.ballot
    try:
        receipt = services.owner_ballot_cast(
            account=request.owner_account, vote=state.vote, owner=mine.owner, choice=choice.value, voter_key=mine.key
        )
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return redirect("owners:vote", pk=case.pk)
    if before is not None and receipt.ballot_id == before.pk:
        messages.info(request, _("您家的表决意见本来就是“%(choice)s”，没有变化。") % {"choice": choice.label})
    elif before is not None:
        messages.success(request, _("您已更改表决意见，现为“%(choice)s”，以此为准。") % {"choice": choice.label})
    else:
        messages.success(request, _("您的表决意见“%(choice)s”已提交。") % {"choice": choice.label})
    return redirect("owners:receipt", pk=case.pk, code=receipt.code)


# --- the receipt ------------------------------------------------------------------------------


@dataclass
class ReceiptView:
    receipt: BallotReceipt
    ballot: Ballot
    case: Case
    code: str  # grouped, as printed
    when: str
    how: str
    effective: bool
    replaced_by: str = ""  # who replaced it, in words
    replaced_at: str = ""


def _receipt_view(receipt: BallotReceipt) -> ReceiptView:
    ballot = receipt.ballot
    view = ReceiptView(
        receipt=receipt,
        ballot=ballot,
        case=ballot.vote.case,
        code=codes.grouped(receipt.code),
        when=format_local(ballot.entered_at),
        how=how_given(ballot),
        effective=ballot.superseded_at is None,
    )
    if not view.effective:
        later = Ballot.objects.filter(replaces=ballot).select_related("cast_by_owner").first()
        view.replaced_at = format_local(later.entered_at if later is not None else ballot.superseded_at)
        view.replaced_by = how_given(later) if later is not None else ""
    return view


def _receipt_for_owner(request, pk: int, code: str) -> ReceiptView:
    """The receipt, if it belongs to this case and to one of the owner's voters (a co-owner's
    receipt too); otherwise 404, as for a receipt that does not exist."""
    case = case_for_owner(user=request.user, pk=pk)
    receipt = (
        BallotReceipt.objects.select_related("ballot__vote__case__unit__building", "ballot__cast_by_owner")
        .filter(code=codes.normalize(code), ballot__vote__case=case)
        .first()
    )
    if receipt is None:
        raise Http404("no such receipt")
    if receipt.account_id != request.owner_account.pk:
        state = _state(request, case)
        if receipt.ballot.voter_key not in {m.voter.db_key for m in state.mine}:
            raise Http404("not this owner's receipt")
    return _receipt_view(receipt)


@owner_required
def receipt(request, pk: int, code: str):
    view = _receipt_for_owner(request, pk, code)
    return page(request, "owners/receipt.html", {"r": view, "case": view.case, "nav": "home"})


def receipt_verify_url(code: str) -> str:
    return public_base_url() + reverse("owners:receipt_verify", args=[code])


@owner_required
def receipt_pdf(request, pk: int, code: str):
    """The receipt on one A4 page, in the documents' look, with the verification QR code."""
    view = _receipt_for_owner(request, pk, code)
    url = receipt_verify_url(view.receipt.code)
    qr = qr_png_data_uri(url)
    now = timezone.now()
    context = {
        "r": view,
        "case": view.case,
        "printed_at": format_local(now),
        "doc": {
            "template": "receipt",
            "title": "网上表决回执",  # printed: Chinese whatever the screen's language
            "code": view.code,
            "generated_at": now,
            "verify_url": url,
            "qr_data_uri": qr,
            "issuer": view.case.jurisdiction.housing_office,
        },
    }
    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string("owners/receipt_pdf.html", context, request=request)
    pdf = html_to_pdf(html, data_uris=[qr])
    response = HttpResponse(pdf.data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"表决回执-{view.receipt.code}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@public_rate_limited
@require_http_methods(["GET", "HEAD"])
def receipt_verify(request, code: str):
    """Public (the receipt's QR code): genuine or not, the case, the rooms, the time, and
    whether it is still the effective ballot. Not the choice, not the names."""
    receipt = (
        BallotReceipt.objects.select_related("ballot__vote__case", "ballot__cast_by_owner")
        .filter(code=codes.normalize(code))
        .first()
    )
    if receipt is None:
        response = page(request, "owners/receipt_not_found.html", {"code": code[:40]}, status=404)
    else:
        response = page(request, "owners/receipt_verify.html", {"r": _receipt_view(receipt)})
    return public_response(response)
