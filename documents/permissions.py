"""Who may print and download a case's documents.

`PRINT_RULES` is the one table of who may print which template. The render service
enforces it (`print_refusal`), the print view and the case page's print panel read it, so
a button is shown exactly when the print would be accepted. Seeing the case at all is
`cases.selectors.case_list_visible_to`: another jurisdiction's case does not exist for them.

Printing issues a paper in someone's name (the verification page names the issuer), so
only the two sides of an application print: the receiving office (区住建, the district
officer of the case's jurisdiction) and the applicant (the case's agent builder or owner
representative). Department reviewers (资规、城管、市场监管、公积金) and the city supervisor
decide or oversee; they read and download the versions that exist, and print nothing.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.permissions import departments_of, is_applicant_for, is_receiving_office
from cases.roles import is_city_wide
from cases.selectors import case_list_visible_to
from voting.models import VoteState
from voting.selectors import can_view_vote_evidence

from .models import DocumentTemplate, GeneratedDocument, Issuer, official_title


@dataclass(frozen=True)
class PrintRule:
    issuers: frozenset[Issuer]
    # Once the case's vote is counted, the template prints each owner's choice. The applicant
    # may see the tally but never how each owner voted, so it may print this template only
    # before the count (blank sheets), and may not download a version that names choices.
    names_choices_once_counted: bool = False


_BOTH = frozenset({Issuer.OFFICE, Issuer.APPLICANT})

PRINT_RULES: dict[DocumentTemplate, PrintRule] = {
    # The applicant fills in and submits the application; the window prints it for those
    # who apply on paper.
    DocumentTemplate.APPLICATION: PrintRule(_BOTH),
    # Ballots and the blank tally sheet: the owners' side organises the vote, the office
    # hands out ballots at the window. After the count the sheet names every owner's choice.
    DocumentTemplate.BALLOTS: PrintRule(_BOTH, names_choices_once_counted=True),
    # The ballot pages alone (no tally sheet): also what a re-vote needs.
    DocumentTemplate.BALLOT_PAPERS: PrintRule(_BOTH),
    # The owners' agreement is a contract among the owners, not an act of the office: the
    # applicant prepares it for signing; the office prints it for owners who sign at the
    # window. It names the office only as where a copy is filed.
    DocumentTemplate.AGREEMENT: PrintRule(_BOTH),
    # The public notice is published in the housing office's name, under its seal, and
    # opens the objection period: the office only.
    DocumentTemplate.NOTICE: PrintRule(frozenset({Issuer.OFFICE})),
}


def _is_office(user, case) -> bool:
    """The receiving office of the case: district housing staff of its jurisdiction (a
    superuser acts for any office)."""
    return is_receiving_office(user, case)


def issuer_side(user, case) -> Issuer | None:
    """On which side of the case the user prints, or None if on neither. `user=None` is the
    system (a management command run on the server by the office's administrator)."""
    if user is None:
        return Issuer.OFFICE
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return None  # not signed in to the back office
    if _is_office(user, case):
        return Issuer.OFFICE
    if is_applicant_for(user, case):
        return Issuer.APPLICANT
    return None


def issuer_name(side: Issuer, user, case) -> str:
    """The organisation the document comes from, as printed and as the verification page
    says it. Chinese like the documents; never a person's name."""
    if side == Issuer.OFFICE:
        return case.jurisdiction.housing_office
    if user is not None and user.agent_builder_id and user.agent_builder_id == case.agent_builder_id:
        return case.agent_builder.name
    return "业主代表"


def vote_counted(case) -> bool:
    return case.votes.filter(state=VoteState.CLOSED).exists()


def print_refusal(user, case, template) -> str | None:
    """Why the user may not print this template for the case now, in the user's language;
    None when they may."""
    return _refusal(DocumentTemplate(template), **_standing(user, case))


def printable_templates(user, case, *, case_visible: bool | None = None) -> set[DocumentTemplate]:
    """`case_visible`: the caller found the case through the user's scope already (the case
    page), so that is not asked again."""
    standing = _standing(user, case, visible=case_visible)  # asked once for the five templates
    return {t for t in DocumentTemplate if _refusal(t, **standing) is None}


def can_print(user, case, template) -> bool:
    return print_refusal(user, case, template) is None


def _standing(user, case, *, visible: bool | None = None) -> dict:
    if visible is None:
        visible = user is None or case_list_visible_to(user=user).filter(pk=case.pk).exists()
    side = issuer_side(user, case) if visible else None
    counted = side == Issuer.APPLICANT and vote_counted(case)
    return {"visible": visible, "side": side, "counted": counted}


def _refusal(template: DocumentTemplate, *, visible: bool, side: Issuer | None, counted: bool) -> str | None:
    rule = PRINT_RULES[template]
    if not visible:
        return _("无权为该案件生成文书。")
    if side is None:
        return _(
            "您的账号不能打印文书：格式文书由受理部门（区住建）或申请人打印；"
            "审查部门和市级督导可查看、下载已生成的版本。"
        )
    if side not in rule.issuers:
        return _("《%(title)s》以受理部门名义发布，只能由受理部门（区住建经办人）打印。") % {
            "title": official_title(template)
        }
    if side == Issuer.APPLICANT and rule.names_choices_once_counted and counted:
        return _(
            "表决已计票，《%(title)s》载有每位业主的表决意见，只能由受理部门打印；"
            "如需空白表决票，请打印“本单元全部表决票”。"
        ) % {"title": official_title(template)}
    return None


def sees_individual_choices(user) -> bool:
    """Within the cases they see: staff of a department and the city see each owner's
    ballot (as on the vote page, `voting.selectors.can_view_vote_evidence`); the applicant's
    account does not."""
    return user is None or (user.is_authenticated and (is_city_wide(user) or bool(departments_of(user))))


def can_view_documents(user, case) -> bool:
    return case_list_visible_to(user=user).filter(pk=case.pk).exists()


def can_view_document(user, document: GeneratedDocument) -> bool:
    if document.shows_choices and not sees_individual_choices(user):
        return False
    return can_view_documents(user, document.case)


def download_refusal(user, document: GeneratedDocument) -> str | None:
    """Why the user may not download this version, in their language; None if they may."""
    if can_view_document(user, document):
        return None
    return _("无权下载该文书。")


def evidence_refusal(user, case) -> str | None:
    """Why the user may not build or download the case's evidence bundle, in their language;
    None if they may. The bundle holds every owner's ballot and signature: the staff who may
    see those (`voting.selectors.can_view_vote_evidence`: the offices of the case's
    jurisdiction, the city supervisor, superusers), never the applicant's account. `user=None`
    is the system (`evidence_bundle`, run on the server). Seeing the case at all is asked
    before (another jurisdiction's case is a 404)."""
    if user is None:
        return None
    if user.is_authenticated and user.is_active and user.is_staff and can_view_vote_evidence(user, case):
        return None
    return _("证据包载有每位业主的表决意见和签字材料，只能由本案辖区的受理、审查部门和市住建局督导生成和下载。")
