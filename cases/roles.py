"""Staff roles as Django groups with permission codenames.

The table is the source of truth; `sync_role_groups` runs after every migrate so the
groups in the database always match it. Which cases a role sees is decided by the
user's jurisdiction in `cases.selectors`, not here.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_noop

from .workflow import Department

_MASTER_DATA = ("building", "elevatorunit", "flat", "owner", "ownership", "agentbuilder")
# The case's money: the funding app's models (named, not imported: cases stands below it).
_CASE_MONEY = ("fundingsource", "floorcoefficient", "agreement")


class Role(StrEnum):
    DISTRICT_OFFICER = "district_officer"
    PLANNING_REVIEWER = "planning_reviewer"
    URBAN_REVIEWER = "urban_reviewer"
    MARKET_REVIEWER = "market_reviewer"
    FUND_REVIEWER = "fund_reviewer"
    CITY_SUPERVISOR = "city_supervisor"
    AGENT_BUILDER = "agent_builder"
    USING_UNIT = "using_unit"


@dataclass(frozen=True)
class RoleSpec:
    role: Role
    # The group's name in the database, always Chinese (the code finds groups by it);
    # marked with gettext_noop so screens can show it translated: gettext(group.name).
    group_name: str
    department: Department | None
    city_wide: bool
    permissions: tuple[str, ...]  # "app_label.codename"


def _perms(app: str, actions: tuple[str, ...], models: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{app}.{action}_{model}" for model in models for action in actions)


_VIEW_CASES = (
    _perms("cases", ("view",), ("case", *_MASTER_DATA))
    + _perms("funding", ("view",), _CASE_MONEY)
    + ("voting.view_vote",)
)

ROLE_SPECS: tuple[RoleSpec, ...] = (
    # Receives cases, keeps the unit's master data, runs the housing-led steps.
    RoleSpec(
        Role.DISTRICT_OFFICER,
        gettext_noop("区住建经办人"),
        Department.HOUSING,
        False,
        _perms("cases", ("view", "add", "change"), ("case", *_MASTER_DATA))
        + _perms("funding", ("view", "add", "change"), _CASE_MONEY)
        + _perms("cases", ("delete",), ("ownership",))
        + _perms("funding", ("delete",), ("fundingsource", "floorcoefficient"))
        + ("audit.view_auditevent", "voting.view_vote"),
    ),
    RoleSpec(Role.PLANNING_REVIEWER, gettext_noop("资规审查员"), Department.PLANNING, False, _VIEW_CASES),
    RoleSpec(Role.URBAN_REVIEWER, gettext_noop("城管审查员"), Department.URBAN, False, _VIEW_CASES),
    RoleSpec(Role.MARKET_REVIEWER, gettext_noop("市场监管审查员"), Department.MARKET, False, _VIEW_CASES),
    RoleSpec(Role.FUND_REVIEWER, gettext_noop("公积金审查员"), Department.FUND, False, _VIEW_CASES),
    # Reads every district; writes nothing on cases.
    RoleSpec(Role.CITY_SUPERVISOR, gettext_noop("市住建局督导"), None, True, _VIEW_CASES + ("audit.view_auditevent",)),
    # Prepares and submits its own cases' applications (the case screens arrive with the workflow).
    RoleSpec(Role.AGENT_BUILDER, gettext_noop("代建单位/业主代表"), None, False, _perms("cases", ("view",), ("case",))),
    # The people of a using unit (使用单位: the property company or maintenance firm the owners
    # entrust) after the elevator runs. No jurisdiction and no case rights: they reach only the
    # registers an office tied them to (upkeep.UsingUnitMember; upkeep/permissions.py), and
    # the registers' list only to be sent on to their own page (我管理的电梯).
    RoleSpec(Role.USING_UNIT, gettext_noop("使用单位"), None, False, ("upkeep.view_register",)),
)

SPEC_BY_ROLE = {spec.role: spec for spec in ROLE_SPECS}
SPEC_BY_GROUP = {spec.group_name: spec for spec in ROLE_SPECS}


def sync_role_groups(**kwargs) -> None:
    """post_migrate handler: create each role's group and set exactly its permissions."""
    for spec in ROLE_SPECS:
        group, _ = Group.objects.get_or_create(name=spec.group_name)
        wanted = []
        for dotted in spec.permissions:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:  # a later app's migrate fills in the rest
                wanted.append(perm)
        group.permissions.set(wanted)


# The user's roles, read once per user object: a request's user is loaded anew for each
# request, so a page asks the database once however many checks it makes (the list page
# made 6, the case page 17), and a change of groups shows in the next request. Adding or
# removing the user's groups through `user.groups` forgets it at once (below).
_ROLES_CACHE = "_portal_roles"


def roles_of(user) -> frozenset[Role]:
    if not user.is_authenticated:
        return frozenset()
    roles = getattr(user, _ROLES_CACHE, None)
    if roles is None:
        names = {group.name for group in user.groups.all()}
        roles = frozenset(SPEC_BY_GROUP[n].role for n in names if n in SPEC_BY_GROUP)
        setattr(user, _ROLES_CACHE, roles)
    return roles


@receiver(m2m_changed)
def _forget_roles(sender, instance, **kwargs) -> None:
    # Only the user object the groups were changed through can be reached here; another
    # copy of the same user (another request) reads its roles afresh anyway.
    if instance.__dict__.get(_ROLES_CACHE) is not None:
        del instance.__dict__[_ROLES_CACHE]


def is_office_staff(user) -> bool:
    """Staff of the offices (district departments, the city, superusers): a using unit's
    account is staff (it signs in to the back office) but sees only its own elevators."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or Role.USING_UNIT not in roles_of(user)


def is_city_wide(user) -> bool:
    """Superusers and the city supervisor see every jurisdiction."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(SPEC_BY_ROLE[r].city_wide for r in roles_of(user))
