"""Who may do what with an elevator's register. Seeing the case at all is
`cases.selectors.case_list_visible_to` (another office's case is a 404 before this runs):
whoever sees a completed case reads its register (reviewers, the city supervisor, the
applicant of their own case).

Who keeps it. The using unit (使用单位) is a property company, a maintenance firm or the
owners with one owner named responsible: often no organisation with staff logins at all.
So the register is kept by the district housing office of the case's jurisdiction (the
same people who ran the case; a superuser acts for any office), from what the using unit
hands in; the using unit is reached by the reminder mail (the register's contact e-mail)
and the owners, the named one among them, by the owners' portal. A staff role scoped to a
using unit's organisation can come later without changing this: it would be one more
clause here."""

from cases.models import CaseStatus
from cases.permissions import departments_of
from cases.roles import is_city_wide
from cases.workflow import Department


def can_keep_register(user, case) -> bool:
    if not user.is_authenticated or case.status != CaseStatus.COMPLETED:
        return False
    if user.is_superuser:
        return True
    return (
        not is_city_wide(user)
        and user.jurisdiction_id == case.jurisdiction_id
        and Department.HOUSING in departments_of(user)
    )
