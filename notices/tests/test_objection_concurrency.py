"""Objections brought at the same moment (PostgreSQL: real row locks): each gets its own
consecutive number, none lost."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from cases.models import Owner
from cases.tests.factories import officer
from demo.tests.factories import CaseFactory
from notices import services
from notices import services_objections as objections
from notices.models import Objection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_simultaneous_objections_get_consecutive_numbers(on_postgres):
    case = CaseFactory(at_step=2)
    today = timezone.localdate()
    services.notice_publish(
        case=case,
        actor=None,
        start=today,
        end=today + datetime.timedelta(days=case.jurisdiction.notice_days - 1),
        places=["unit"],
    )
    owners = list(Owner.objects.filter(ownerships__flat__unit=case.unit).distinct().order_by("pk"))[:3]
    clerk = officer()
    barrier = threading.Barrier(3)
    errors = []

    def bring(owner):
        try:
            barrier.wait()
            objections.objection_record_paper(
                case=case,
                actor=clerk,
                owner=owner,
                reasons="同时递交",
                scan=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
            )
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=bring, args=(o,)) for o in owners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Objection.objects.values_list("number", flat=True))
    assert numbers == [f"{case.number}-YY0{n}" for n in (1, 2, 3)]
