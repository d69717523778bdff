"""What each template prints, read from the case (and the vote, where recorded).

Reads only; nothing here writes. Money stays Decimal and ratios Fraction until the
template filters format them, so a rounded display never decides anything.
"""

from __future__ import annotations

import base64
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

import segno
from django.conf import settings
from django.db.models import Count, Sum
from django.urls import reverse

from cases.models import Case, Ownership
from cases.selectors import unit_flats_with_owners
from funding.models import FundingSourceKind
from funding.selectors import case_shared_total, cost_sharing_table
from voting.rules import CONDITION_LABELS, CONDITIONS, Choice, TallyResult, format_percent
from voting.selectors import closed_vote_record_for_case
from voting.voters import RosterIncomplete, roster_flats, unit_voters

from .models import DocumentTemplate, official_title

TEMPLATE_FILES = {
    DocumentTemplate.APPLICATION: "documents/application.html",
    DocumentTemplate.BALLOTS: "documents/ballots.html",
    DocumentTemplate.AGREEMENT: "documents/agreement.html",
    DocumentTemplate.NOTICE: "documents/notice.html",
    DocumentTemplate.BALLOT_PAPERS: "documents/ballots.html",
}


def public_base_url() -> str:
    """Where the printed QR codes point. Set PUBLIC_BASE_URL in the settings for production;
    without it the first real ALLOWED_HOSTS entry is used (https), or the dev server."""
    configured = getattr(settings, "PUBLIC_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
    host = hosts[0] if hosts else "127.0.0.1"
    if host in ("127.0.0.1", "localhost", "::1", "testserver"):
        return f"http://{host}:8000"
    return f"https://{host}"


def verification_url(code: str) -> str:
    return public_base_url() + reverse("documents:verify", args=[code])


@lru_cache(maxsize=8)  # each code is printed once: the context and the service ask in turn
def qr_png_data_uri(url: str) -> str:
    """The QR code of `url` as a PNG data URI (segno; no network).

    A PNG rather than inline SVG: WeasyPrint embeds the image once and reuses it on every
    page, where an inline SVG's path is parsed and drawn again for each page. 8 px a
    module, printed without smoothing (image-rendering: pixelated), keeps the modules
    sharp at any printer resolution."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=0)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# --- voters and the vote ---------------------------------------------------------------


@dataclass
class VoteData:
    """The counted vote the tally sheet and the notice print; empty before a vote has closed."""

    result: TallyResult | None = None
    choice_by_room: dict[str, Choice] = field(default_factory=dict)
    witnesses: list = field(default_factory=list)  # voting.models.WitnessRecord
    opened_at: datetime.datetime | None = None
    closed_at: datetime.datetime | None = None
    proxy_by_room: dict = field(default_factory=dict)  # room -> voting.selectors.ProxyInfo (代为表决)


def vote_data_for(case: Case) -> VoteData:
    """The case's latest closed vote — the one whose result step 1 relies on
    (`voting.selectors.vote_result_for_case`): its stored tally, each flat's effective
    ballot and the witness records. An open vote prints nothing yet: the tally sheet
    and the notice state a counted result, or leave the spaces to fill in by hand."""
    record = closed_vote_record_for_case(case=case)
    if record is None:
        return VoteData()
    return VoteData(
        result=record.result,
        opened_at=record.opened_at,
        closed_at=record.closed_at,
        choice_by_room=dict(record.choice_by_room),
        witnesses=record.witnesses,
        proxy_by_room=dict(record.proxy_by_room),
    )


@dataclass(frozen=True)
class RatioRow:
    """One condition on the tally sheet; before the count only its threshold and the totals
    the roster gives are printed (None: a space left blank)."""

    label: str
    part: Decimal | int | None
    whole: Decimal | int | None
    ratio: Fraction | None
    threshold: str
    met: bool | None
    unit: str  # "㎡" or "人"

    @property
    def percent(self) -> str:
        return format_percent(self.ratio)


def ratio_rows(result: TallyResult | None, *, total_area: Decimal, voter_count: int) -> list[RatioRow]:
    """The four conditions of Civil Code art. 278 as `voting.rules.CONDITIONS` declares
    them, each with its threshold and, once counted, its ratio and outcome. Before the
    count the roster still gives the wholes of the two participation conditions."""
    roster_totals = {"total_area": total_area, "total_headcount": voter_count}
    rows = []
    for condition in CONDITIONS:
        label = f"{condition.part_label} / {condition.whole_label}"
        unit = "㎡" if condition.measure == "area" else "人"
        if result is None:
            whole = roster_totals.get(condition.whole)
            rows.append(RatioRow(label, None, whole, None, condition.bound, None, unit))
        else:
            rows.append(
                RatioRow(
                    label,
                    result.part(condition),
                    result.whole(condition),
                    result.ratio(condition),
                    condition.bound,
                    result.met(condition),
                    unit,
                )
            )
    return rows


# --- the context per template -----------------------------------------------------------


def _funding(case: Case) -> dict:
    sources = list(case.funding_sources.all())
    labels = dict(FundingSourceKind.choices)
    return {
        "funding_rows": [{"label": labels[s.kind], "amount": s.amount, "note": s.note} for s in sources],
        "funding_total": sum((s.amount for s in sources), Decimal("0.00")),
    }


def _notice_step(case: Case):
    return next((s for s in case.steps.all() if s.procedure.has_notice), None)


def document_context(
    *, case: Case, template: DocumentTemplate, code: str, version: int, generated_at: datetime.datetime
) -> dict:
    """Everything `documents/<template>.html` prints, for one version with its code."""
    case = (
        Case.objects.select_related("jurisdiction", "unit__building", "agent_builder")
        .prefetch_related("representatives__ownerships__flat", "steps", "funding_sources", "floor_coefficients")
        .get(pk=case.pk)
    )
    url = verification_url(code)
    context = {
        "doc": {
            "template": template.value,
            "title": official_title(template),
            "code": code,
            "version": version,
            "generated_at": generated_at,
            "verify_url": url,
            "qr_data_uri": qr_png_data_uri(url),
        },
        "case": case,
        "jurisdiction": case.jurisdiction,
        "building": case.unit.building,
        "unit": case.unit,
        "notice_step": _notice_step(case),
    }
    if template in (DocumentTemplate.APPLICATION, DocumentTemplate.NOTICE):
        # Only the unit's totals: counted in the database, no flat loaded.
        totals = case.unit.flats.aggregate(flat_count=Count("pk"), total_area=Sum("area"))
        context.update(
            {
                "flat_count": totals["flat_count"],
                "total_area": totals["total_area"] or Decimal("0.00"),
                # Separately: joining the owners into the sum above would count co-owned flats twice.
                "owner_count": Ownership.objects.filter(flat__unit=case.unit).values("owner").distinct().count(),
            }
        )
    elif template == DocumentTemplate.AGREEMENT:
        flats = list(unit_flats_with_owners(unit=case.unit))  # the signers' full owner records
        context.update(
            {
                "flats": flats,
                "flat_count": len(flats),
                "total_area": sum((f.area for f in flats), Decimal("0.00")),
                "owner_count": len({o.owner_id for f in flats for o in f.ownerships.all()}),
            }
        )
    else:
        # The ballots: the roster as the tally reads it (voting.voters).
        flats = roster_flats(unit=case.unit)
        context.update(
            {
                "flats": flats,
                "flat_count": len(flats),
                "total_area": sum((f.area for f in flats), Decimal("0.00")),
                "owner_count": len({o.pk for f in flats for o in f.owners}),
            }
        )
    if template == DocumentTemplate.APPLICATION:
        context.update(_funding(case))
        unit_id = case.unit_id
        context["representatives"] = [
            {
                "owner": o,
                "rooms": "、".join(
                    sorted(f"{own.flat.room}室" for own in o.ownerships.all() if own.flat.unit_id == unit_id)
                ),
            }
            for o in case.representatives.all()
        ]
        context["attachments"] = list(case.attachments.select_related("step").order_by("step__number", "uploaded_at"))
    elif template in (DocumentTemplate.BALLOTS, DocumentTemplate.BALLOT_PAPERS):
        # The voters the tally counts, one ballot each. A roster the tally cannot count (a
        # flat without owners) prints no ballots: the sheet names the flat instead.
        try:
            voters, roster_problem = unit_voters(unit=case.unit, flats=flats), ""
        except RosterIncomplete as exc:
            voters, roster_problem = [], exc.problem
        vote = vote_data_for(case)
        voter_of_room = {room: voter for voter in voters for room in voter.rooms}
        # Once counted, each voter's effective ballot: one choice covers all their rooms.
        choice_of = {
            voter.key: next((vote.choice_by_room[r] for r in voter.rooms if r in vote.choice_by_room), None)
            for voter in voters
        }
        context.update(
            {
                "voters": voters,
                "voter_count": len(voters),
                "roster_problem": roster_problem,
                "include_tally": template == DocumentTemplate.BALLOTS and not roster_problem,
                "vote": vote,
                "ratio_rows": ratio_rows(vote.result, total_area=context["total_area"], voter_count=len(voters)),
                "failed_labels": [CONDITION_LABELS[c] for c in vote.result.failed_conditions] if vote.result else [],
                "tally_rows": [
                    {
                        "flat": f,
                        "voter": voter_of_room[f.room],
                        "choice": choice_of[voter_of_room[f.room].key],
                        "proxy": vote.proxy_by_room.get(f.room),  # who signed for the owner, if anyone
                    }
                    for f in flats
                ]
                if voters
                else [],
            }
        )
    elif template == DocumentTemplate.AGREEMENT:
        context.update(_funding(case))
        rows = cost_sharing_table(case=case)
        context.update(
            {
                "agreement": getattr(case, "agreement", None),
                "cost_rows": rows,
                "shared_total": case_shared_total(case=case),
                "cost_total": sum((r["amount"] for r in rows), Decimal("0.00")),
                "signers": [(f, o.owner) for f in flats for o in f.ownerships.all()],
            }
        )
    elif template == DocumentTemplate.NOTICE:
        context.update(_funding(case))
        vote = vote_data_for(case)
        context.update(
            {
                "vote": vote,
                "failed_labels": [CONDITION_LABELS[c] for c in vote.result.failed_conditions] if vote.result else [],
            }
        )
    return context
