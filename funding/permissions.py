"""Who may change a case's money: as the case page's funding, coefficient and agreement
forms allowed before they moved here (CaseAdmin's change permission and the three money
models' change permissions, on an open case), and the services' office check (the case's
own office; the city-wide read-only role never). Reading follows the case: whoever sees the
case sees its money."""

from cases.models import Case, CaseStatus
from cases.roles import is_city_wide

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
