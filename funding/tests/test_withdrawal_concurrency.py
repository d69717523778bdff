"""Withdrawals at the same moment (PostgreSQL: real row locks). Two applications for one flat
meet at the case's row lock (docs/locking.md, row 1): the second reads the first and is
refused by the rule, in its words — not by the unique index's error; two decisions on one
application meet at its row (row 14): one wins."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from funding import services_withdrawal as services
from funding.models import Withdrawal

from .test_ledger import funded_case
from .test_withdrawals import apply, fund_reviewer, owner_of, registered

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            outcomes.append(("won", call()))
        except ValidationError as exc:
            outcomes.append(("refused", exc.messages[0]))
        except Exception as exc:  # surfaced by the assertions
            outcomes.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_applications_for_one_flat_at_once_one_wins(on_postgres):
    case = funded_case()
    registered(case)
    user, _ = owner_of(case, "201")
    window = fund_reviewer()
    outcomes = _race(
        lambda: apply(case, user, amount="10000.00").number,
        lambda: apply(case, window, amount="12000.00", applicant_name="李四", relation="spouse").number,
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["refused", "won"], outcomes
    refusal = next(text for kind, text in outcomes if kind == "refused")
    assert "每户只能提取住房公积金一次：201室已有申请" in refusal
    assert Withdrawal.objects.filter(case=case).count() == 1


def test_two_decisions_on_one_application_at_once_one_wins(on_postgres):
    case = funded_case()
    registered(case)
    user, _ = owner_of(case, "201")
    w = apply(case, user)
    first, second = fund_reviewer(), fund_reviewer()
    outcomes = _race(
        lambda: services.withdrawal_decide(withdrawal=w, actor=first, decision="approve").state,
        lambda: services.withdrawal_decide(withdrawal=w, actor=second, decision="reject", note="材料不全").state,
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["refused", "won"], outcomes
    assert "只能在待审核状态下进行" in next(text for kind, text in outcomes if kind == "refused")
    assert Withdrawal.objects.get().state in {"approved", "rejected"}
