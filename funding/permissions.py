"""Who may change a case's money: as the case page's funding, coefficient and agreement
forms allowed before they moved here (CaseAdmin's change permission and the three money
models' change permissions, on an open case), and the services' office check (the case's
own office; the city-wide read-only role never). Reading follows the case: whoever sees the
case sees its money."""

from cases.models import Case, CaseStatus
from cases.permissions import is_receiving_office
from cases.roles import Role, is_city_wide, roles_of

CHANGE_MONEY_PERMISSIONS = (
    "cases.change_case",
    "funding.change_fundingsource",
    "funding.change_floorcoefficient",
    "funding.change_agreement",
)


def can_change_money(user, case: Case) -> bool:
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    if case.status != CaseStatus.OPEN or not user.has_perms(CHANGE_MONEY_PERMISSIONS):
        return False
    return user.is_superuser or (not is_city_wide(user) and user.jurisdiction_id == case.jurisdiction_id)


# --- the ledger (issue 15 §1) ---------------------------------------------------------
# Who records: the district officer of the case's own office (the receiving office keeps
# the unit's money on record). Who reads: whoever sees the case (the office's reviewers,
# the city supervisors, the applicant's side). Who prints a contribution's receipt: the
# recording office and the applicant's side (the agent builder / owner representative, who
# collects the owners' money in practice); reviewers and the city supervisors read only.


def can_record_ledger(user, case: Case) -> bool:
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return is_receiving_office(user, case)


def can_print_ledger_receipt(user, case: Case) -> bool:
    """The caller found the case through `case_list_visible_to` (the agent builder sees only
    its own cases)."""
    if can_record_ledger(user, case):
        return True
    return bool(user.is_authenticated and user.is_active and Role.AGENT_BUILDER in roles_of(user))
