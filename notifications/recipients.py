"""Who is told: the department, the applicant, the owners — as `cases` knows them.

- The department: the active staff accounts of the roles that act for the step's department
  (cases.roles: RoleSpec.department, not city-wide) in the case's jurisdiction — the users
  `cases.permissions.can_decide` lets decide it (superusers act for any office but are not
  anyone's department, so they are not told).
- The applicant: the active accounts of the applicant role tied to the case's agent builder
  or to one of its owner representatives (`cases.permissions.is_applicant_for`).
- The owners: the active owners' portal accounts (cases.User.person, set only on them) of the
  identities that own a flat of the case's unit. A disabled account is an inactive user
  (owners.services), so `is_active` is the whole check; this app does not read owners.
"""

from django.db.models import Q, QuerySet

from cases.models import Case, User
from cases.roles import ROLE_SPECS, SPEC_BY_ROLE, Role


def department_group_names(department: str) -> list[str]:
    return [s.group_name for s in ROLE_SPECS if s.department == department and not s.city_wide]


def department_users(*, jurisdiction_id: int, department: str) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        is_staff=True,
        jurisdiction_id=jurisdiction_id,
        groups__name__in=department_group_names(department),
    ).distinct()


def applicant_users(*, case: Case) -> QuerySet[User]:
    mine = Q(pk__in=[])
    if case.agent_builder_id:
        mine |= Q(agent_builder_id=case.agent_builder_id)
    mine |= Q(owner__in=case.representatives.values("pk"))
    return User.objects.filter(
        mine, is_active=True, groups__name=SPEC_BY_ROLE[Role.AGENT_BUILDER].group_name
    ).distinct()


def unit_owner_users(*, case: Case) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        is_staff=False,
        person__isnull=False,
        person__owner_records__ownerships__flat__unit_id=case.unit_id,
    ).distinct()


def person_users(*, person_id: int) -> QuerySet[User]:
    return User.objects.filter(is_active=True, is_staff=False, person_id=person_id)
