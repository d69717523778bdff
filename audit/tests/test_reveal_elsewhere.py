"""The other staff pages that show an owner's phone: the objection's page (the objector's
phone) and the owners' accounts list (the sign-in mobile): masked, in full only on the
logged 显示 of the receiving office."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Owner
from cases.tests.factories import UserFactory, jurisdiction, officer
from demo.tests.factories import CaseFactory
from notices import services
from notices import services_objections as objections
from owners.tests.factories import activated

pytestmark = pytest.mark.django_db


def reveal_url(key, pk):
    return reverse("admin:audit_auditevent_reveal", args=[key, pk])


@pytest.fixture
def objection():
    case = CaseFactory(at_step=2)
    today = timezone.localdate()
    services.notice_publish(
        case=case,
        actor=officer(case.jurisdiction.code),
        start=today,
        end=today + datetime.timedelta(days=case.jurisdiction.notice_days - 1),
        places=["unit", "board"],
    )
    owner = Owner.objects.filter(ownerships__flat__unit=case.unit).order_by("pk").first()
    return objections.objection_record_paper(
        case=case,
        actor=officer(),
        owner=owner,
        reasons="影响采光",
        phone="13912345678",
        scan=SimpleUploadedFile("异议.pdf", b"%PDF-1.4\n% signed\n", content_type="application/pdf"),
    )


@pytest.mark.parametrize(
    "role, code, button, reveal",
    [
        ("district_officer", "FZ", True, 200),
        ("planning_reviewer", "FZ", False, 403),
        ("city_supervisor", None, False, 403),
        ("district_officer", "LC", False, 404),
    ],
)
def test_the_objectors_phone_is_masked_and_revealed_only_to_the_receiving_office(
    client, objection, role, code, button, reveal
):
    user = UserFactory(with_role=role, jurisdiction=jurisdiction(code) if code else None)
    client.force_login(user)
    response = client.get(reverse("admin:notices_objection", args=[objection.pk]))
    if code == "LC":
        assert response.status_code == 404
    else:
        page = response.content.decode()
        assert "13912345678" not in page and "139****5678" in page
        assert ("pd-reveal" in page) is button
    answer = client.post(reveal_url("objection.phone", objection.pk))
    assert answer.status_code == reveal
    if reveal == 200:
        assert answer.json() == {"value": "13912345678"}
        event = AuditEvent.objects.get(event="personal_data_viewed")
        assert event.case == objection.notice.case and event.message.endswith("的联系电话")


def test_the_owner_accounts_list_masks_the_mobile_with_a_logged_reveal(client):
    account, _owner, case = activated(mobile="13900001234")
    fz = UserFactory(with_role="district_officer")
    client.force_login(fz)
    page = client.get(reverse("admin:owners_owneraccount_changelist")).content.decode()
    assert "13900001234" not in page and "139****1234" in page and "pd-reveal" in page
    assert client.post(reveal_url("owner_account.mobile", account.pk)).json() == {"value": "13900001234"}
    assert AuditEvent.objects.filter(event="personal_data_viewed", actor=fz).count() == 1
    client.force_login(UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")))
    assert client.post(reveal_url("owner_account.mobile", account.pk)).status_code == 404
    client.force_login(UserFactory(with_role="city_supervisor"))
    page = client.get(reverse("admin:owners_owneraccount_changelist")).content.decode()
    assert "139****1234" in page and "pd-reveal" not in page
    assert client.post(reveal_url("owner_account.mobile", account.pk)).status_code == 403
