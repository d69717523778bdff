"""表决 through the owner's pages (issue 12 §2): the motion with the owner's own cost share,
同意 / 反对 / 弃权, a confirmation step, the receipt; the aggregate tally only; a
co-owner's correction; what happens after the close, for another unit's owner, for staff
and for somebody not signed in."""

import datetime
import json
import re
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStatus
from cases.tests.factories import FlatFactory, OwnerFactory, UnitFactory, officer, open_case
from funding.models import FloorCoefficient
from owners import services
from owners.models import BallotReceipt
from voting import services as voting_services
from voting.models import Ballot, BallotChannel, Vote
from voting.tests.factories import import_ballots, scan_upload

from .factories import activated
from .vote_helpers import owners_of_room, sign_in, voting_case

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _vote_url(case):
    return reverse("owners:vote", args=[case.pk])


def _vote_through_pages(client, case, choice: str, **extra):
    """下一步, then 确认提交: the receipt page the owner lands on."""
    url = _vote_url(case)
    asked = client.post(url, {"choice": choice, **extra})
    assert asked.status_code == 200
    return client.post(url, {"choice": choice, "confirm": "1", **extra}, follow=True)


def test_vote_page_shows_the_motion_budget_own_cost_share_and_three_choices(client):
    case, _vote = voting_case()
    sign_in(client, case, "401")
    page = _text(client.get(_vote_url(case)))
    assert "在北侧增设一部无机房电梯，平层入户。" in page
    assert "420,000.00 元" in page
    assert "人民币肆拾贰万元整" in page
    # The owner's own row of the cost table (4th floor: the default coefficient 1.00).
    own = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    assert "401" in own and "1.00" in own
    assert "402" not in own and "701" not in own
    for label in ("同意", "反对", "弃权"):
        assert re.search(rf'<label[^>]*><input type="radio"[^>]*name="choice"[^>]*>{label}</label>', page)
    assert "<legend" in page and "下一步" in page
    assert 'role="status"' in page


def test_without_coefficients_the_page_says_so_plainly(client):
    case, _vote = voting_case()
    FloorCoefficient.objects.filter(case=case).delete()
    sign_in(client, case, "101")
    page = _text(client.get(_vote_url(case)))
    assert "楼层分摊系数还没有确定" in page


def test_choice_needs_confirmation_then_gives_a_receipt(client):
    case, vote = voting_case()
    sign_in(client, case, "101")
    url = _vote_url(case)
    asked = client.post(url, {"choice": "agree"})
    assert "请确认您的表决意见：同意" in _text(asked)
    assert "确认提交" in _text(asked) and "返回修改" in _text(asked)
    assert not Ballot.objects.filter(vote=vote).exists(), "nothing is recorded before 确认提交"

    back = client.post(url, {"choice": "agree", "back": "1"})
    assert re.search(r'value="agree" checked', _text(back)), "返回修改 keeps the choice ticked"
    assert not Ballot.objects.filter(vote=vote).exists()

    landed = client.post(url, {"choice": "agree", "confirm": "1"}, follow=True)
    receipt = BallotReceipt.objects.get()
    assert landed.redirect_chain[-1][0] == reverse("owners:receipt", args=[case.pk, receipt.code])
    page = _text(landed)
    assert "您的表决意见“同意”已提交" in page
    code = receipt.code
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in page
    assert "101" in page and "同意" in page and case.number in page
    local = timezone.localtime(receipt.ballot.entered_at)
    assert local.strftime("%Y年%m月%d日 %H:%M") in page
    assert receipt.ballot.channel == BallotChannel.ONLINE and receipt.ballot.choice == "agree"

    again = _text(client.get(url))
    assert "您已于" in again and "网上提交表决意见：同意" in again
    assert "查看回执" in again


def test_receipt_pdf_has_code_rooms_choice_and_a_qr_code(client):
    import pypdf

    case, _vote = voting_case()
    sign_in(client, case, "202")
    _vote_through_pages(client, case, "abstain")
    receipt = BallotReceipt.objects.get()
    response = client.get(reverse("owners:receipt_pdf", args=[case.pk, receipt.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    grouped = f"{receipt.code[:4]}-{receipt.code[4:8]}-{receipt.code[8:]}"
    assert grouped in text and "202" in text and "弃权" in text
    assert f"/owner/receipt/{receipt.code}/" in text
    images = reader.pages[0].images
    assert len(images) == 1, "the verification QR code"


def test_public_check_says_genuine_and_effective_without_the_choice(client):
    case, _vote = voting_case()
    sign_in(client, case, "101")
    _vote_through_pages(client, case, "disagree")
    receipt = BallotReceipt.objects.get()
    client.logout()
    page = _text(client.get(reverse("owners:receipt_verify", args=[receipt.code.lower()])))
    assert "这是本平台出具的真实回执" in page and "目前有效" in page
    assert case.number in page and "101" in page
    assert "反对" not in page and "余娟梅" not in page

    missing = client.get(reverse("owners:receipt_verify", args=["ACDEFGHJKMNP"]))
    assert missing.status_code == 404 and "未找到该回执" in _text(missing)


def test_public_check_is_rate_limited(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.VERIFY_RATE_LIMIT = 2
    url = reverse("owners:receipt_verify", args=["ACDEFGHJKMNP"])
    assert [client.get(url).status_code for _ in range(3)] == [404, 404, 429]
    cache.clear()


def test_voting_after_the_close_gives_a_message_and_records_nothing(client):
    case, vote = voting_case()
    sign_in(client, case, "101")
    voting_services.vote_close(vote=vote, actor=None)
    landed = client.post(_vote_url(case), {"choice": "agree", "confirm": "1"}, follow=True)
    page = _text(landed)
    assert landed.status_code == 200
    assert "表决已于" in page and "您的表决意见没有提交" in page
    assert not Ballot.objects.filter(vote=vote).exists()
    assert "下一步" not in page, "no form after the close"
    assert "结果：表决未通过" in page and "参与表决的人数" in page


def test_before_the_vote_opens_the_page_says_so_and_takes_nothing(client):
    case = open_case()
    sign_in(client, case, "101")
    page = _text(client.get(_vote_url(case)))
    assert "本案的业主表决尚未开始" in page and "下一步" not in page
    landed = client.post(_vote_url(case), {"choice": "agree", "confirm": "1"}, follow=True)
    assert "尚未开始，您的表决意见没有提交" in _text(landed)
    assert not Ballot.objects.exists()


def test_past_the_planned_closing_time_the_form_is_gone(client):
    case, vote = voting_case(closes_at=timezone.now() + datetime.timedelta(hours=1))
    now = timezone.now()
    Vote.objects.filter(pk=vote.pk).update(
        opened_at=now - datetime.timedelta(hours=3), closes_at=now - datetime.timedelta(hours=1)
    )
    sign_in(client, case, "101")
    page = _text(client.get(_vote_url(case)))
    assert "已过表决截止时间" in page and "下一步" not in page
    landed = client.post(_vote_url(case), {"choice": "agree", "confirm": "1"}, follow=True)
    assert "已过表决截止时间" in _text(landed) and "您的表决意见没有提交" in _text(landed)
    assert not Ballot.objects.exists()


def test_a_case_no_longer_open_takes_no_ballot_even_with_its_vote_open(client):
    case, vote = voting_case()
    sign_in(client, case, "101")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.REJECTED)  # rejected at a step meanwhile
    page = _text(client.get(_vote_url(case)))
    assert "本案已不在办理中" in page and "下一步" not in page
    landed = client.post(_vote_url(case), {"choice": "agree", "confirm": "1"}, follow=True)
    assert landed.status_code == 200 and "本案已不在办理中" in _text(landed)
    assert not Ballot.objects.exists()


def test_no_online_receipt_for_a_paper_ballot_of_the_same_choice():
    """owner_ballot_cast gave the owner an online receipt made out for the staff's paper
    ballot when the owner chose the same again; now it says so and records nothing."""
    case, vote = voting_case()
    voting_services.ballot_record_paper(vote=vote, room="101", choice="同意", scan=scan_upload(), actor=None)
    account, owner, _ = activated(case, owner=owners_of_room(case, "101")[0], mobile="13933334444")
    with pytest.raises(ValidationError) as caught:
        services.owner_ballot_cast(account=account, vote=vote, owner=owner, choice="agree")
    assert caught.value.code == "same_as_paper"
    assert not BallotReceipt.objects.exists()


def test_a_post_racing_the_close_gets_the_services_message(client, monkeypatch):
    """The page was open when read; the vote closed before the ballot was written."""
    case, vote = voting_case()
    sign_in(client, case, "101")
    original = services.owner_ballot_cast

    def closing_first(**kwargs):
        voting_services.vote_close(vote=vote, actor=None)
        return original(**kwargs)

    monkeypatch.setattr(services, "owner_ballot_cast", closing_first)
    landed = client.post(_vote_url(case), {"choice": "agree", "confirm": "1"}, follow=True)
    assert landed.status_code == 200 and "不再接受选票" in _text(landed)
    assert not Ballot.objects.filter(vote=vote).exists()


def test_another_units_case_is_404_on_every_vote_url(client):
    case, _vote = voting_case()
    other = open_case()  # another unit, other people (the sample roster's are the same in each copy)
    voting_services.vote_open(case=other, actor=None)
    sign_in(client, other, "101")
    # A receipt of the first case, made by its own owner.
    account, owner, _ = activated(case, owner=owners_of_room(case, "101")[0], mobile="13911112222")
    owner_client_code = services.owner_ballot_cast(
        account=account, vote=case.votes.get(), owner=owner, choice="agree"
    ).code
    urls = [
        reverse("owners:vote", args=[case.pk]),
        reverse("owners:receipt", args=[case.pk, owner_client_code]),
        reverse("owners:receipt_pdf", args=[case.pk, owner_client_code]),
        # Their own case's URL with the other case's receipt code.
        reverse("owners:receipt", args=[other.pk, owner_client_code]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(urls[0], {"choice": "agree", "confirm": "1"}).status_code == 404
    assert Ballot.objects.filter(vote__case=case).count() == 1


def test_another_owner_of_the_unit_cannot_see_a_receipt(client):
    case, vote = voting_case()
    account, owner, _ = activated(case, owner=owners_of_room(case, "101")[0], mobile="13911112222")
    code = services.owner_ballot_cast(account=account, vote=vote, owner=owner, choice="agree").code
    sign_in(client, case, "102")
    assert client.get(reverse("owners:receipt", args=[case.pk, code])).status_code == 404
    assert client.get(reverse("owners:receipt_pdf", args=[case.pk, code])).status_code == 404


def test_staff_get_the_staff_page_and_anonymous_the_sign_in(client):
    case, _vote = voting_case()
    url = _vote_url(case)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("owners:login"))
    assert client.post(url, {"choice": "agree", "confirm": "1"}).status_code == 302
    client.force_login(officer("FZ"))
    staff = client.get(url)
    assert staff.status_code == 403
    assert client.post(url, {"choice": "agree", "confirm": "1"}).status_code == 403
    assert not Ballot.objects.exists()


def test_a_co_owners_later_ballot_is_a_correction_the_first_co_owner_sees():
    from django.test import Client

    case, vote = voting_case()
    first, second = Client(), Client()
    sign_in(first, case, "202", 0)  # 苏国燕
    sign_in(second, case, "202", 1)  # 丁霞
    _vote_through_pages(first, case, "agree")
    original = Ballot.objects.get()

    seen = _text(second.get(_vote_url(case)))
    assert "您家（202室）已由苏国燕于" in seen and "网上提交表决意见：同意" in seen
    # The co-owner may read the first co-owner's receipt.
    assert second.get(reverse("owners:receipt", args=[case.pk, original.receipt.code])).status_code == 200

    changed = _vote_through_pages(second, case, "disagree")
    assert "您已更改表决意见，现为“反对”" in _text(changed)
    effective = Ballot.objects.get(superseded_at__isnull=True)
    assert effective.replaces == original and effective.choice == "disagree"
    assert "丁霞" in effective.reason and effective.cast_by_owner.name == "丁霞"

    now_seen = _text(first.get(_vote_url(case)))
    assert "您家（202室）已由丁霞于" in now_seen and "网上提交表决意见：反对" in now_seen
    old_receipt = _text(first.get(reverse("owners:receipt", args=[case.pk, original.receipt.code])))
    assert "被更改（丁霞网上提交）" in old_receipt
    public = _text(Client().get(reverse("owners:receipt_verify", args=[original.receipt.code])))
    assert "真实回执" in public and "已于" in public and "被更改" in public


def test_the_owner_sees_the_aggregate_only(client):
    case, vote = voting_case()
    import_ballots(vote, {"102": "反对", "201": "同意", "401": "弃权"})
    sign_in(client, case, "101")
    page = _text(client.get(_vote_url(case)))
    for name in ("马梅", "杨涛艳", "任海明"):
        assert name not in page
    for room in ("102", "201", "401"):
        assert f"{room}室" not in page and f"<td>{room}</td>" not in page
    # The four ratios: participation 3/13 by headcount.
    assert "参与表决的人数" in page and "23.08%" in page
    assert "同意的人数（占参与表决人数）" in page and "33.33%" in page
    assert "您家（101室）尚未表决" in page


def test_a_paper_ballot_shows_how_it_was_given(client):
    case, vote = voting_case()
    voting_services.ballot_record_paper(vote=vote, room="101", choice="反对", scan=scan_upload(), actor=None)
    sign_in(client, case, "101")
    page = _text(client.get(_vote_url(case)))
    assert "您家（101室）已于" in page and "登记纸质选票，表决意见：反对" in page
    assert "纸质" in page
    # The same choice again online records nothing and says why.
    landed = _vote_through_pages(client, case, "disagree")
    assert "已由纸质选票登记为“反对”，无需再次提交" in _text(landed)
    assert Ballot.objects.count() == 1 and not BallotReceipt.objects.exists()


def test_wrong_choice_or_tampered_voter_key_gets_a_message_not_an_error(client):
    case, vote = voting_case()
    sign_in(client, case, "101")
    url = _vote_url(case)
    for data in (
        {"choice": "yes"},
        {"choice": "yes", "confirm": "1"},
        {},
        {"choice": "agree", "voter_key": "99999", "confirm": "1"},
        {"choice": "agree", "voter_key": "developer"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        page = _text(response)
        assert 'role="alert"' in page
        assert "请选择“同意”“反对”或“弃权”中的一项" in page or "所选房屋不属于您" in page
    assert not Ballot.objects.filter(vote=vote).exists()


def test_an_owner_with_two_voters_chooses_the_rooms(client):
    unit = UnitFactory()
    me, partner = OwnerFactory(name="陈志明"), OwnerFactory(name="黄丽华")
    FlatFactory(unit=unit, floor=1, room="101", owners=[me])
    FlatFactory(unit=unit, floor=2, room="201", owners=[me, partner])
    FlatFactory(unit=unit, floor=3, room="301")
    case = open_case(unit=unit)
    vote = voting_services.vote_open(case=case, actor=None)
    account, _owner, _ = activated(case, owner=me, mobile="13922223333")
    client.force_login(account.user)
    page = _text(client.get(_vote_url(case)))
    assert "为哪些房屋表决" in page and "101室" in page and "201室" in page
    key_201 = re.search(r'name="voter_key"[^>]*value="([^"]+)"[^>]*>201室', page).group(1)
    assert client.post(_vote_url(case), {"choice": "agree"}).status_code == 200  # no rooms chosen
    assert not Ballot.objects.exists()
    _vote_through_pages(client, case, "agree", voter_key=key_201)
    ballot = Ballot.objects.get()
    assert ballot.rooms == "201" and ballot.vote == vote
    page = _text(client.get(_vote_url(case)))
    assert "您家（101室）尚未表决" in page and "网上提交表决意见：同意" in page


def test_online_ballots_count_in_the_tally_command_exactly_as_paper(client):
    from django.test import Client

    online_case, _ = voting_case()
    paper_case, paper_vote = voting_case()
    choices = {"101": "agree", "202": "disagree", "401": "abstain"}
    for room, choice in choices.items():
        owner_client = Client()
        sign_in(owner_client, online_case, room)
        _vote_through_pages(owner_client, online_case, choice)
    import_ballots(
        paper_vote, {room: {"agree": "同意", "disagree": "反对", "abstain": "弃权"}[c] for room, c in choices.items()}
    )

    def tally(case):
        out = StringIO()
        call_command("tally", case.number, "--json", stdout=out)
        data = json.loads(out.getvalue())
        assert data.pop("case") == case.number
        return data

    online, paper = tally(online_case), tally(paper_case)
    assert online == paper
    assert online["participating"]["headcount"] == 3 and online["agreeing"]["headcount"] == 1
    assert Decimal(online["agreeing"]["area"]) == Decimal("115.70")


def test_an_owner_representative_sees_what_the_motion_still_needs_and_other_owners_do_not(client):
    case, _vote = voting_case()
    representative = owners_of_room(case, "101")[0]
    case.representatives.add(representative)
    sign_in(client, case, "202")
    assert "距离通过还差" not in _text(client.get(_vote_url(case)))
    client.logout()
    sign_in(client, case, "101")
    html = _text(client.get(_vote_url(case)))
    assert "距离通过还差" in html
    # The same number the staff's page and `tally --json` give, for the same ballots.
    out = StringIO()
    call_command("tally", case.number, "--json", stdout=out)
    needed = json.loads(out.getvalue())["to_pass"]
    assert needed["possible"] and f"再有{needed['voters']}户业主同意即可通过" in html
    # Once the vote has closed there is nothing left to reach.
    voting_services.vote_close(vote=case.votes.get(), actor=officer())
    assert "距离通过还差" not in _text(client.get(_vote_url(case)))
