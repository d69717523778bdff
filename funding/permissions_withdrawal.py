"""Who decides and who takes withdrawals and the subsidy (issue 15 §2). The caller found the
case through `cases.selectors.case_list_visible_to` (another office's case is a 404).

- 公积金: the fund reviewer (公积金审查员) of the case's own office decides; at the window the
  fund reviewer or the district officer of the office takes an application.
- 维修资金: the district officer of the case's office takes and decides (the representative
  applies in the owners' portal).
- The subsidy: claimed and entered when paid by the district officer (as the ledger).
The city-wide supervisors read; they never act.
"""

from cases.models import Case
from cases.roles import Role, is_city_wide, roles_of

from .models_withdrawal import WithdrawalSource
from .permissions import can_record_ledger

DECIDER = {
    WithdrawalSource.PROVIDENT_FUND: Role.FUND_REVIEWER,
    WithdrawalSource.MAINTENANCE_FUND: Role.DISTRICT_OFFICER,
}
WINDOW = {
    WithdrawalSource.PROVIDENT_FUND: (Role.FUND_REVIEWER, Role.DISTRICT_OFFICER),
    WithdrawalSource.MAINTENANCE_FUND: (Role.DISTRICT_OFFICER,),
}


def _office_staff(user, case: Case) -> bool:
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return user.is_superuser or (not is_city_wide(user) and user.jurisdiction_id == case.jurisdiction_id)


def can_decide_withdrawal(user, case: Case, source: str) -> bool:
    if not _office_staff(user, case):
        return False
    return user.is_superuser or DECIDER[WithdrawalSource(source)] in roles_of(user)


def can_take_at_window(user, case: Case, source: str) -> bool:
    if not _office_staff(user, case):
        return False
    return user.is_superuser or bool(set(WINDOW[WithdrawalSource(source)]) & roles_of(user))


def can_act_on_withdrawals(user, case: Case) -> bool:
    """Whether the case's withdrawal page offers this user anything to do."""
    return any(
        can_decide_withdrawal(user, case, s) or can_take_at_window(user, case, s) for s in WithdrawalSource.values
    )


def can_claim_subsidy(user, case: Case) -> bool:
    return can_record_ledger(user, case)
