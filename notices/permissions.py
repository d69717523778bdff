"""Who may do what with a case's notice. Seeing the case at all is
`cases.selectors.case_list_visible_to` (another office's case is a 404 before this runs)."""

from cases.permissions import departments_of
from cases.roles import is_city_wide
from cases.workflow import Department


def can_manage_notice(user, case) -> bool:
    """The receiving office publishes the notice, adds its photos and records a take-down:
    district housing staff of the case's jurisdiction (a superuser acts for any office),
    the same people who record the notice period (the step action "notice")."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        not is_city_wide(user)
        and user.jurisdiction_id == case.jurisdiction_id
        and Department.HOUSING in departments_of(user)
    )
