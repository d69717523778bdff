"""Owners at the same moment (PostgreSQL: real row locks). One letter's code typed on two
phones at once makes one account; a disabling and a re-activation of one account meet in
the one lock order (docs/locking.md) and both finish."""

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case
from cases.tests.concurrency import run_while_open
from cases.tests.factories import officer, open_case
from owners import services
from owners.models import ActivationCode, OwnerAccount
from voting.tests.test_concurrency import run_together

from .factories import PASSWORD, activated, letters_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_one_code_on_two_phones_at_once_makes_one_account(on_postgres):
    letter = next(iter(letters_for(open_case()).values()))
    tail = letter.owner.id_number[-6:]
    calls = [
        lambda m=mobile: services.account_activate(code=letter.code, id_tail=tail, mobile=m, password=PASSWORD)
        for mobile in ("13900000101", "13900000102", "13900000103", "13900000104")
    ]
    errors = run_together(calls)
    assert OwnerAccount.objects.count() == 1
    assert len(errors) == 3 and all(isinstance(e, ValidationError) and e.code == "used_code" for e in errors)
    assert ActivationCode.objects.get(owner=letter.owner).used_at is not None


def test_disabling_while_the_owner_reactivates_ends_in_one_consistent_state(on_postgres):
    account, owner, case = activated(mobile="13900000111")
    clerk = officer(case.jurisdiction.code)
    # A fresh letter needs the account disabled first; then the owner activates while a
    # second clerk disables again (a lost phone reported twice).
    services.account_disable(account=account, case=case, actor=clerk, reason="手机丢失")
    letter = letters_for(case)[owner.pk]
    errors = run_together(
        [
            lambda: services.account_activate(
                code=letter.code, id_tail=owner.id_number[-6:], mobile="13900000112", password=PASSWORD
            ),
            lambda: services.account_disable(account=account, case=case, actor=clerk, reason="重复登记"),
        ]
    )
    account.refresh_from_db()
    account.user.refresh_from_db()
    # Whichever came first, the account and its user agree: activated then disabled again,
    # or disabled first, voiding the letter, which the activation then says.
    assert account.is_disabled and not account.user.is_active
    assert [e.code for e in errors] in ([], ["voided_code"])


def test_an_activation_does_not_wait_for_the_case(on_postgres):
    # CI once saw a deadlock here: activation locked its letter *and the joined case and
    # owner rows* (select_for_update with select_related), while a disabling held the case
    # and waited for the letter. Activation locks its letter alone (docs/locking.md, row 8),
    # so a clerk holding the case (deciding a step, printing) does not hold it up.
    case = open_case()
    letter = next(iter(letters_for(case).values()))

    def clerk_holds_the_case():
        Case.objects.select_for_update(no_key=True).get(pk=case.pk)

    committed_first, errors = run_while_open(
        clerk_holds_the_case,
        lambda: services.account_activate(
            code=letter.code, id_tail=letter.owner.id_number[-6:], mobile="13900000121", password=PASSWORD
        ),
    )
    assert errors == [] and committed_first
    assert OwnerAccount.objects.get(mobile="13900000121").user.is_active
