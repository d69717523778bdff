"""Two digests started at the same moment (cron overlapping a manual run; PostgreSQL): one
sends, the other finds the day's run and sends nothing — the date's unique key decides."""

import datetime
import threading

import pytest
from django.db import connection

from cases.models import ProcedureStep
from cases.tests.factories import UserFactory, jurisdiction
from demo.tests.factories import CaseFactory
from notifications import services
from notifications.models import Notification, NotificationKind

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_simultaneous_digests_send_once(on_postgres):
    today = datetime.date(2026, 12, 7)
    case = CaseFactory(at_step=4, state="submitted")
    ProcedureStep.objects.filter(case=case, number=4).update(due_date=today)
    clerk = UserFactory(with_role="district_officer", jurisdiction=jurisdiction("FZ"))
    barrier = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(services.digest_send(today=today))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.ran for r in results) == [False, False, True]
    assert {r.reason for r in results if not r.ran} == {"already"}
    assert Notification.objects.filter(user=clerk, kind=NotificationKind.DIGEST).count() == 1
