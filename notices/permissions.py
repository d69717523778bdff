"""Who may do what with a case's notice. Seeing the case at all is
`cases.selectors.case_list_visible_to` (another office's case is a 404 before this runs)."""

from cases.permissions import is_receiving_office
from cases.roles import Role, roles_of


def can_manage_notice(user, case) -> bool:
    """The receiving office publishes the notice, adds its photos and records a take-down:
    district housing staff of the case's jurisdiction (a superuser acts for any office),
    the same people who record the notice period (the step action "notice")."""
    return is_receiving_office(user, case)


def can_read_objections(user, case) -> bool:
    """Objections carry the objectors' names, rooms, phones and reasons. Staff who see the case
    read them (the office, its reviewers, the city supervisor); the applicant's side (the
    agent builder, the owners' representatives) prepares the case and may be the party the
    objection is against: it does not read who objected or why (403), and learns of an
    objection from the office, as on paper."""
    if not user.is_authenticated or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    return Role.AGENT_BUILDER not in roles_of(user)
