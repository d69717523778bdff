"""我的加梯 (issue 12 §2): the owner's cases as cards with what they are asked to do now,
and each case's eight procedures as a plain-language timeline. What an owner on a phone
would see."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.tests.factories import UserFactory, jurisdiction, open_case, unit_with_flats
from demo.tests.factories import CaseFactory
from documents.services import document_render
from owners.timeline import PLAIN_DESCRIPTIONS
from voting import services as voting

from .factories import activated

pytestmark = pytest.mark.django_db


def _signed_in(client, case, **kwargs):
    account, owner, case = activated(case, **kwargs)
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    return account, owner, case


def _text(response) -> str:
    return response.content.decode()


def _steps(html: str) -> list[str]:
    """Each timeline entry's text, in order (enough of the markup to tell the phases)."""
    return [part.split("</li>")[0] for part in html.split('<li class="timeline-step')[1:]]


def test_home_lists_only_the_owners_own_cases(client):
    _account, _owner, case = _signed_in(client, open_case())
    other = open_case()
    page = _text(client.get(reverse("owners:home")))
    assert case.number in page
    assert other.number not in page
    assert case.unit.name in page
    assert "正在办理第1步（共8步）：方案初审" in page
    assert reverse("owners:case", args=[case.pk]) in page


def test_home_without_cases_says_so_and_names_the_office(client):
    account, owner, case = _signed_in(client, open_case())
    # The flats were sold: the person keeps the account but owns nothing in any unit.
    owner.ownerships.all().delete()
    page = _text(client.get(reverse("owners:home")))
    assert "您名下的房屋目前没有加装电梯的申请" in page
    assert case.jurisdiction.housing_office in page
    assert case.number not in page


def test_home_asks_to_vote_while_the_vote_is_open_and_not_after_voting(client):
    account, owner, case = _signed_in(client, open_case())
    vote = voting.vote_open(case=case, actor=None)
    page = _text(client.get(reverse("owners:home")))
    assert "参加表决" in page
    assert reverse("owners:vote", args=[case.pk]) in page
    voting.ballot_cast_online(vote=vote, owner=owner, choice="agree", actor=account.user)
    page = _text(client.get(reverse("owners:home")))
    assert "参加表决" not in page
    assert "目前没有需要您办理的事" in page


def test_home_asks_to_sign_when_an_agreement_version_exists(client):
    _account, _owner, case = _signed_in(client, CaseFactory(at_step=2))
    assert "确认签署协议" not in _text(client.get(reverse("owners:home")))
    document_render(case=case, template="agreement", actor=None)
    page = _text(client.get(reverse("owners:home")))
    assert "确认签署协议" in page
    assert reverse("owners:agreement", args=[case.pk]) in page


def test_timeline_at_step_1(client):
    _account, _owner, case = _signed_in(client, open_case())
    page = _text(client.get(reverse("owners:case", args=[case.pk])))
    steps = _steps(page)
    assert len(steps) == 8
    assert "方案初审" in steps[0] and "正在办理" in steps[0] and 'aria-current="step"' in steps[0]
    assert "等待申请人递交材料" in steps[0]
    assert str(PLAIN_DESCRIPTIONS[1]) in steps[0]
    assert all("还没开始" in s for s in steps[1:])
    assert "目前没有需要您办理的事" in page


def test_timeline_at_step_2_with_the_notice_running(client):
    _account, _owner, case = _signed_in(client, CaseFactory(at_step=2, notice="running"))
    page = _text(client.get(reverse("owners:case", args=[case.pk])))
    steps = _steps(page)
    notice = case.steps.get(number=2)
    decided = timezone.localdate(case.steps.get(number=1).decided_at)
    assert "已完成" in steps[0] and f"{decided.year}年{decided.month}月{decided.day}日办完" in steps[0]
    assert "正在办理" in steps[1] and "公示正在进行" in steps[1]
    end = notice.notice_end
    assert f"至{end.year}年{end.month}月{end.day}日" in steps[1]
    assert "留意公示" in page  # what the owners are asked to do now
    assert f"公示到{end.year}年{end.month}月{end.day}日" in page
    assert all("还没开始" in s for s in steps[2:])
    # 看公示书 leads to the notice page (its dates, where it is posted, the PDF).
    html = client.get(reverse("owners:case", args=[case.pk])).content.decode()
    assert f'href="{reverse("owners:notice", args=[case.pk])}">看公示书' in html


def test_timeline_at_step_5_with_planning_review_not_required(client):
    unit = unit_with_flats(has_reserved_shaft=True)
    _account, _owner, case = _signed_in(client, CaseFactory(unit=unit, at_step=5))
    steps = _steps(_text(client.get(reverse("owners:case", args=[case.pk]))))
    assert all("已完成" in s for s in (steps[0], steps[1], steps[3]))
    assert "不需要办理" in steps[2] and "本楼已预留电梯井" in steps[2]
    assert "部门简化审批" in steps[4] and "正在办理" in steps[4]
    assert "公示已结束" in steps[1]
    assert all("还没开始" in s for s in steps[5:])


def test_timeline_of_a_completed_case(client):
    _account, _owner, case = _signed_in(client, CaseFactory(completed=True))
    page = _text(client.get(reverse("owners:case", args=[case.pk])))
    steps = _steps(page)
    assert all("已完成" in s or "不需要办理" in s for s in steps)
    assert "已全部办完" in page
    assert "目前没有需要您办理的事" in page
    assert 'aria-current="step"' not in page


def test_case_page_offers_the_three_pages(client):
    _account, _owner, case = _signed_in(client, CaseFactory(at_step=2))
    page = _text(client.get(reverse("owners:case", args=[case.pk])))
    for name in ("owners:vote", "owners:agreement", "owners:documents"):
        assert reverse(name, args=[case.pk]) in page


def test_case_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """The same number of queries for a unit of 6 flats and one of 24 (no query per flat,
    per owner or per step)."""
    counts = []
    for flats, mobile in ((6, "13900000076"), (24, "13900000077")):
        # The vote open with every flat's ballot in: the page reads them to tell whether this
        # owner has voted.
        _account, _owner, case = _signed_in(
            client, CaseFactory(unit=unit_with_flats(flats=flats), vote="open"), mobile=mobile
        )
        document_render(case=case, template="agreement", actor=None)
        with django_assert_max_num_queries(14) as captured:
            page = _text(client.get(reverse("owners:case", args=[case.pk])))
        assert "确认签署协议" in page and "参加表决" not in page
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- who may see what --------------------------------------------------------------------

MY_URLS = ("owners:case", "owners:agreement", "owners:agreement_pdf", "owners:documents")


def _urls_of(case, doc_pk):
    return [reverse(name, args=[case.pk]) for name in MY_URLS] + [
        reverse("owners:document_download", args=[case.pk, doc_pk])
    ]


def test_another_units_case_is_a_404_on_every_page(client):
    _signed_in(client, open_case())
    other = CaseFactory(at_step=2)
    document = document_render(case=other, template="notice", actor=None).record
    for url in _urls_of(other, document.pk):
        assert client.get(url).status_code == 404, url


def test_staff_meet_the_403_page_and_anonymous_the_sign_in(client):
    case = CaseFactory(at_step=2)
    document = document_render(case=case, template="notice", actor=None).record
    urls = [reverse("owners:home"), *_urls_of(case, document.pk)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("owners:login")), url
    staff = UserFactory(with_role="district_officer", jurisdiction=jurisdiction("FZ"))
    client.force_login(staff)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "这是业主使用的页面" in _text(response)
