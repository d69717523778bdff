"""Cases standing where a notification is due, made through the services as users would."""

from cases import services as case_services
from cases.models import Owner, User
from cases.tests.factories import AgentBuilderFactory, UserFactory, officer
from demo.tests.factories import CaseFactory
from owners.tests.factories import activated


def case_with_applicant(**kwargs):
    """A case at step 2 (the notice, housing's) waiting for the applicant, and the applicant's
    account (the agent builder's)."""
    case = CaseFactory(at_step=2, **kwargs)
    agent = AgentBuilderFactory(jurisdiction=case.jurisdiction)
    case_services.case_update_details(case=case, actor=None, agent_builder=agent)
    applicant = UserFactory(with_role="agent_builder", agent_builder=agent, email="daijian@example.com")
    return case, applicant


def step(case, number=2):
    return case.steps.get(number=number)


def housing_officer(case, **kwargs):
    return UserFactory(with_role="district_officer", jurisdiction=case.jurisdiction, **kwargs)


def owner_user(case, index=0, mobile=None) -> User:
    owner = list(Owner.objects.filter(ownerships__flat__unit=case.unit).distinct().order_by("pk"))[index]
    user = User.objects.filter(person_id=owner.person_id).first()
    if user is None:
        user = activated(case, owner=owner, mobile=mobile or f"1390000001{index}")[0].user
    return user


__all__ = ["case_with_applicant", "step", "housing_officer", "owner_user", "officer"]
