"""Later joiners at the same moment (PostgreSQL: real row locks). The once-per-flat rule is
the service's, under the case's lock (a reversed joining frees the flat, so no constraint can
hold it): two clerks confirming one flat's joining at once record it once; two flats joining
at once each share back against the ledger as the other left it, to the fen."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.tests.factories import officer
from funding.models_accounts import LateJoin
from funding.selectors_ledger import case_ledger
from funding.services_accounts import late_join_record
from voting.tests.test_concurrency import run_together

from .test_ledger import contribute, flat, funded_case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


@pytest.fixture
def registered(monkeypatch):
    day = timezone.localdate() - datetime.timedelta(days=400)
    monkeypatch.setattr("funding.selectors_accounts.use_registered_on", lambda case: day)


def test_one_flat_confirmed_twice_at_once_joins_once(on_postgres, registered):
    case = funded_case("100000.00")
    contribute(case, "201", "21428.57")
    clerk = officer(case.jurisdiction.code)
    joiner = flat(case, "202")
    errors = run_together(
        [
            lambda: late_join_record(
                case=case, flat=joiner, actor=clerk, joined_on=timezone.localdate(), counterparty="王五"
            )
        ]
        * 3
    )
    assert LateJoin.objects.count() == 1
    assert len(errors) == 2 and all(isinstance(e, ValidationError) for e in errors)
    assert all("不能重复登记" in " ".join(e.messages) for e in errors)


def test_two_flats_joining_at_once_share_back_exactly(on_postgres, registered):
    case = funded_case("100000.00")
    contribute(case, "201", "21428.57")
    contribute(case, "301", "28571.43")
    clerk = officer(case.jurisdiction.code)
    calls = [
        lambda room=room: late_join_record(
            case=case, flat=flat(case, room), actor=clerk, joined_on=timezone.localdate(), counterparty=f"{room}业主"
        )
        for room in ("202", "302")
    ]
    assert run_together(calls) == []
    ledger = case_ledger(case=case)
    assert sum(a.shared_back for a in ledger.accounts) == Decimal("21428.57") + Decimal("28571.43")
    assert ledger.balance == Decimal("50000.00")  # what came in went back out
    # The later of the two shared back to the earlier one too: it had paid by then.
    first, second = LateJoin.objects.order_by("entry__seq")
    assert first.flat_id in {s.flat_id for s in second.shares.all()}
