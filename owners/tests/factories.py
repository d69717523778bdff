"""Owners' accounts as users would have them: issued through the letter service and
activated through the activation service."""

from cases.tests.factories import open_case
from owners import services

PASSWORD = "Lao-Zhang-2026"


def letters_for(case, actor=None):
    return {letter.owner.pk: letter for letter in services.activation_codes_issue(case=case, actor=actor)}


def activated(case=None, *, owner=None, mobile="13900000001", password=PASSWORD):
    """An owner of the case's unit with an activated account; (account, owner, case)."""
    case = case or open_case()
    letters = letters_for(case)
    letter = letters[owner.pk] if owner is not None else next(iter(letters.values()))
    account = services.account_activate(
        code=letter.code, id_tail=letter.owner.id_number[-6:], mobile=mobile, password=password, ip_address="10.0.0.9"
    )
    return account, letter.owner, case
