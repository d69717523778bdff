"""Who may do what with an elevator's register. Seeing the case at all is
`cases.selectors.case_list_visible_to` (another office's case is a 404 before this runs):
whoever sees a completed case reads its register (reviewers, the city supervisor, the
applicant of their own case).

Who keeps it. The register is kept by the district housing office of the case's
jurisdiction (the same people who ran the case; a superuser acts for any office), from
what the using unit hands in.

The using unit's own people. When the using unit (使用单位) is a property company or a
maintenance firm, its people may have staff accounts with the role 使用单位 (cases.roles),
created by a system administrator with no jurisdiction: a company may look after
elevators in several districts, and an account with no jurisdiction sees nothing of any
office through `cases.selectors` (no case list, no owners, no ballots, no documents, no
audit log). The office ties such an account to the registers the company manages
(`UsingUnitMember`, on the register page, by the account's user name). On those registers
only, the account reads the register page (without the owners' names or the share table:
owners' personal data), sees the warnings on its own page (我管理的电梯), and records what
the using unit does in practice: maintenance visits and periodic inspections
(`can_record_upkeep`). The rest stays with the office: the using unit's and the elevator's
facts, the use registration (it unlocks the money steps), the maintenance contract, the
running costs and their publication, and who the using unit's accounts are."""

from cases.models import CaseStatus
from cases.permissions import is_receiving_office
from cases.roles import Role, roles_of

from .models import UsingUnitMember


def can_keep_register(user, case) -> bool:
    return case.status == CaseStatus.COMPLETED and is_receiving_office(user, case)


def is_using_unit_user(user) -> bool:
    """An active account of a using unit (role 使用单位); never a superuser's account."""
    return bool(
        user.is_authenticated and user.is_active and not user.is_superuser and Role.USING_UNIT in roles_of(user)
    )


def manages_register(user, case) -> bool:
    """The using unit's account the office tied to this case's register (one query)."""
    if not is_using_unit_user(user):
        return False
    return UsingUnitMember.objects.filter(register__case_id=case.pk, user_id=user.pk).exists()


def can_record_upkeep(user, case) -> bool:
    """Maintenance visits and periodic inspections: the office, or the using unit's account
    on a register it manages."""
    if case.status != CaseStatus.COMPLETED:
        return False
    return can_keep_register(user, case) or manages_register(user, case)
