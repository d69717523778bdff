"""What the vote pages' tests share: a case with the shared sample roster and an open vote,
its owners by room, and an owner signed in through their activated account."""

from cases.models import Owner
from voting import services as voting_services
from voting.tests.factories import sample_case

from .factories import activated

MOBILES = iter(f"1390000{n:04d}" for n in range(1, 10000))


def voting_case(**kwargs):
    """The sample roster (101 余娟梅, 202 苏国燕 and 丁霞, 301 and 601 何兰勇, …) with an open vote."""
    case = sample_case()
    vote = voting_services.vote_open(case=case, actor=None, **kwargs)
    return case, vote


def owners_of_room(case, room: str) -> list[Owner]:
    return list(
        Owner.objects.filter(ownerships__flat__unit=case.unit, ownerships__flat__room=room).order_by("ownerships__pk")
    )


def owner_account(case, room: str, index: int = 0):
    """The owner of `room` (the index-th co-owner), activated from their letter."""
    account, _owner, _case = activated(case, owner=owners_of_room(case, room)[index], mobile=next(MOBILES))
    return account


def sign_in(client, case, room: str, index: int = 0):
    """The owner of `room`, activated and signed in with the test client; their account."""
    account = owner_account(case, room, index)
    client.force_login(account.user)
    return account
