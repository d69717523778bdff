"""Every owner-portal page × who asks: the owner of a flat of the unit, the co-owner of that
flat, an owner of another unit, a disabled owner, staff of each kind, anonymous.

Written out, not derived from the code: a change in who may see what shows up here as a
failing row. 404 for a case the owner has no flat in (it does not exist for them), the
"this page is for owners" 403 for staff, the sign-in page for anyone not signed in."""

import pytest
from django.urls import reverse

from cases.tests.factories import UserFactory, officer
from documents.services import document_render
from owners import services
from owners.models import AgreementSignature
from voting.models import Ballot

from .factories import activated
from .vote_helpers import owner_account, voting_case

pytestmark = pytest.mark.django_db

# Each page of one case, with the arguments it takes.
PAGES = {
    "case": lambda w: reverse("owners:case", args=[w["case"].pk]),
    "agreement": lambda w: reverse("owners:agreement", args=[w["case"].pk]),
    "agreement_pdf": lambda w: reverse("owners:agreement_pdf", args=[w["case"].pk]),
    "documents": lambda w: reverse("owners:documents", args=[w["case"].pk]),
    "document_download": lambda w: reverse("owners:document_download", args=[w["case"].pk, w["agreement"].pk]),
    "vote": lambda w: reverse("owners:vote", args=[w["case"].pk]),
    "receipt": lambda w: reverse("owners:receipt", args=[w["case"].pk, w["receipt"].code]),
    "receipt_pdf": lambda w: reverse("owners:receipt_pdf", args=[w["case"].pk, w["receipt"].code]),
    # 提取申请 (issue 15 §2): every owner of the unit reads the rules and their own applications.
    "withdrawals": lambda w: reverse("owners:withdrawals", args=[w["case"].pk]),
}

# who → the status every page above answers them.
EXPECTED = {
    "voter": 200,  # the owner of 202 who voted online
    "co_owner": 200,  # the other owner of 202: one voter with the first, sees the receipt too
    "owner_in_unit": 200,  # the owner of 101: the case is theirs (the receipt of 202 is not: below)
    "owner_elsewhere": 404,  # owns a flat in another unit only
    "disabled": 302,  # their account was disabled: back to the sign-in page
    "district_officer": 403,
    "city_supervisor": 403,
    "superuser": 403,
    "anonymous": 302,
}
# The owner of 101 reads the case but not the receipt of the voter of 202.
NOT_THEIRS = {("owner_in_unit", "receipt"), ("owner_in_unit", "receipt_pdf")}


@pytest.fixture
def world():
    case, vote = voting_case()
    agreement = document_render(case=case, template="agreement", actor=None).record
    voter = owner_account(case, "202", 0)
    receipt = services.owner_ballot_cast(
        account=voter, vote=vote, owner=voter.user.person.owner_records.get(), choice="agree"
    )
    disabled = owner_account(case, "301")
    services.account_disable(account=disabled, case=case, actor=officer(case.jurisdiction.code), reason="房屋已出售")
    users = {
        "voter": voter.user,
        "co_owner": owner_account(case, "202", 1).user,
        "owner_in_unit": owner_account(case, "101").user,
        "owner_elsewhere": activated(mobile="13700000001")[0].user,  # a unit of their own
        "disabled": disabled.user,
        "district_officer": officer(case.jurisdiction.code),
        "city_supervisor": UserFactory(with_role="city_supervisor"),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "anonymous": None,
    }
    return {"case": case, "agreement": agreement, "receipt": receipt, "users": users}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_owner_pages_matrix(client, world, who):
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    wrong = []
    for page, url in PAGES.items():
        response = client.get(url(world))
        expected = 404 if (who, page) in NOT_THEIRS else EXPECTED[who]
        if response.status_code != expected:
            wrong.append(f"{page}: {response.status_code}, expected {expected}")
        elif expected == 302 and not response["Location"].startswith(reverse("owners:login")):
            wrong.append(f"{page}: sent to {response['Location']}")
    assert wrong == []


@pytest.mark.parametrize("who", list(EXPECTED))
def test_home_lists_only_ones_own_cases(client, world, who):
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("owners:home"))
    expected = {"owner_elsewhere": 200}.get(who, EXPECTED[who])
    assert response.status_code == expected
    if expected == 200:
        listed = world["case"].number in response.content.decode()
        assert listed is (who != "owner_elsewhere")


@pytest.mark.parametrize("who", ["owner_elsewhere", "district_officer", "anonymous", "disabled"])
def test_nobody_else_can_vote_or_sign(client, world, who):

    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    case = world["case"]
    before = Ballot.objects.count()
    client.post(reverse("owners:vote", args=[case.pk]), {"choice": "disagree", "confirm": "1"})
    client.post(reverse("owners:agreement", args=[case.pk]), {"agree": "on", "document": world["agreement"].pk})
    assert Ballot.objects.count() == before
    assert not AgreementSignature.objects.exists()
