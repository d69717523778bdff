"""代为表决: a family member signs a paper ballot for an absent owner with the owner's power of
attorney (委托书). What the clerk records, what is refused (with nothing half-saved), what the
database itself refuses, how a correction keeps the history, what the vote page shows and
who may download the letter."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEvent
from cases import services as case_services
from cases.tests.factories import PNG_BYTES, AgentBuilderFactory, UserFactory, jurisdiction
from cases.validators import id_number_check_char
from voting import selectors, services
from voting.models import Ballot
from voting.services import Proxy

from .factories import JPEG_BYTES, VoteFactory, letter_upload, scan_upload

pytestmark = pytest.mark.django_db

PROXY_ID = "35050319680512123" + id_number_check_char("35050319680512123")
PROXY_ID_MASKED = "350503********" + PROXY_ID[-4:]


def son(**changes) -> Proxy:
    """余娟梅 (101, born 1938) is in hospital; her son signs for her."""
    values = {"name": "余志强", "relation": "子女", "id_number": PROXY_ID, "letter": letter_upload()}
    return Proxy(**(values | changes))


def stored_files(settings) -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


@pytest.fixture
def officer():
    return UserFactory(with_role="district_officer", full_name="陈晓东")


# --- the service ---------------------------------------------------------------------------------


def test_a_proxy_ballot_keeps_who_signed_and_the_letter_upload(officer):
    vote = VoteFactory()
    ballot = services.ballot_record_paper(
        vote=vote, room="101", choice="同意", scan=scan_upload(), actor=officer, proxy=son()
    )
    ballot.refresh_from_db()
    assert (ballot.proxy_name, ballot.proxy_relation, ballot.proxy_id_number) == ("余志强", "子女", PROXY_ID)
    # Two files on one ballot, each with its own facts: the signed ballot and the letter.
    assert ballot.content_type == "application/pdf" and ballot.scan.name.endswith(".pdf")
    assert ballot.proxy_letter_content_type == "image/jpeg" and ballot.proxy_letter.name.endswith(".jpg")
    assert ballot.proxy_letter.name.startswith(f"votes/{vote.case.number}/")
    assert ballot.proxy_letter_original_name == "委托书.jpg" and len(ballot.proxy_letter_sha256) == 64
    assert ballot.proxy_letter_size == len(JPEG_BYTES)
    # The ballot counts as the owner's own.
    assert selectors.live_tally(vote=vote).agreeing_headcount == 1
    event = AuditEvent.objects.get(event="ballot_recorded")
    assert "由余志强（子女）代为表决（附委托书）" in event.message
    assert event.data["proxy"]["id_number"] == PROXY_ID_MASKED and PROXY_ID not in str(event.data)
    # What other screens (the vote page, the owner portal) read.
    proxy = selectors.proxy_of(ballot)
    assert proxy.label == "由余志强（子女）代为表决" and proxy.masked_id_number == PROXY_ID_MASKED
    assert proxy.has_letter
    (row,) = [r for r in selectors.ballot_rows(vote=vote) if r.ballot.rooms == "101"]
    assert selectors.proxy_of(row.ballot) == proxy


def test_the_id_number_is_optional_and_a_png_letter_will_do():
    vote = VoteFactory()
    ballot = services.ballot_record_paper(
        vote=vote,
        room="202",
        choice="反对",
        scan=scan_upload(),
        actor=None,
        proxy=son(name=" 苏小燕 ", relation=" 子女 ", id_number="", letter=letter_upload("委托书.png", PNG_BYTES)),
    )
    assert (ballot.proxy_name, ballot.proxy_relation, ballot.proxy_id_number) == ("苏小燕", "子女", "")
    assert ballot.proxy_letter_content_type == "image/png"
    assert selectors.proxy_of(ballot).masked_id_number == ""


@pytest.mark.parametrize(
    ("proxy", "message"),
    [
        (son(letter=None), "须上传业主签署的委托书扫描件"),
        (son(name=""), "请填写代为表决人的姓名"),
        (son(name="余" * 51), "代为表决人的姓名不能超过50个字（现为51个字）"),
        (son(relation=""), "请填写代为表决人与业主的关系（如：子女、配偶）"),
        (son(id_number="350503196805121230"), "代为表决人身份证号码“350503196805121230”无效"),
        (
            son(letter=letter_upload("委托书.pdf", b"MZ\x90\x00 not a letter")),
            "委托书扫描件“委托书.pdf”不是PDF、JPEG或PNG文件",
        ),
    ],
    ids=["no-letter", "no-name", "long-name", "no-relation", "bad-id", "letter-not-a-scan"],
)
def test_a_proxy_is_refused_with_the_reason_and_nothing_is_half_saved(settings, proxy, message):
    vote = VoteFactory()
    if proxy.id_number == "350503196805121230":
        assert PROXY_ID != proxy.id_number  # a wrong check character, not the valid number
    with pytest.raises(ValidationError) as refused:
        services.ballot_record_paper(vote=vote, room="101", choice="同意", scan=scan_upload(), actor=None, proxy=proxy)
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert not vote.ballots.exists()
    assert not AuditEvent.objects.filter(event="ballot_recorded").exists()
    assert stored_files(settings) == []  # the ballot's scan was stored first, then removed again


def test_every_problem_of_the_proxy_is_named_at_once():
    vote = VoteFactory()
    with pytest.raises(ValidationError) as refused:
        services.ballot_record_paper(
            vote=vote,
            room="101",
            choice="同意",
            scan=scan_upload(),
            actor=None,
            proxy=Proxy(name="", relation="", id_number="123", letter=None),
        )
    assert len(refused.value.messages) == 4


def test_a_correction_of_a_proxy_ballot_keeps_the_history(settings, officer):
    vote = VoteFactory()
    first = services.ballot_record_paper(
        vote=vote, room="101", choice="反对", scan=scan_upload(), actor=officer, proxy=son()
    )
    # Back from hospital, the owner signs a new ballot herself.
    second = services.ballot_record_paper(
        vote=vote, room="101", choice="同意", scan=scan_upload(), actor=officer, reason="业主本人出院后书面更改意见"
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and second.replaces == first
    assert first.proxy_name == "余志强" and first.proxy_letter  # the evidence stays with the old ballot
    assert second.proxy_name == "" and not second.proxy_letter
    assert selectors.proxy_of(second) is None
    event = AuditEvent.objects.get(event="ballot_corrected")
    assert "代为表决" not in event.message and "proxy" not in event.data
    # Her son brings a second letter and corrects it again: a ballot of its own, its own letter.
    third = services.ballot_record_paper(
        vote=vote,
        room="101",
        choice="弃权",
        scan=scan_upload(),
        actor=officer,
        reason="业主再次委托儿子更改意见",
        proxy=son(letter=letter_upload("第二份委托书.jpg")),
    )
    assert third.proxy_letter.name != first.proxy_letter.name
    assert (
        AuditEvent.objects.filter(event="ballot_corrected", message__contains="由余志强（子女）代为表决").count() == 1
    )
    (row,) = [r for r in selectors.ballot_rows(vote=vote) if r.ballot.rooms == "101"]
    assert [c.pk for c in row.corrections] == [second.pk, third.pk]
    assert row.corrections[0].replaced.proxy_name == "余志强"
    assert len(stored_files(settings)) == 5  # three scans, two letters
    assert "余志强（子女）代为表决" in services.how_recorded(third)


# --- the database ---------------------------------------------------------------------------------


def _ballot(vote, **fields):
    values = {"vote": vote, "voter_key": "x", "rooms": "101", "voter_names": "余娟梅", "choice": "agree"}
    return Ballot.objects.create(**(values | fields))


@pytest.mark.parametrize(
    "fields",
    [
        # Online, the owner's own account votes: no proxy there, not even with a letter.
        {"channel": "online", "proxy_name": "余志强", "proxy_relation": "子女", "proxy_letter": "votes/x/a.jpg"},
        {"channel": "online", "proxy_relation": "子女"},
        {"channel": "online", "proxy_id_number": PROXY_ID},
        # Paper, but without the letter or the relation.
        {"channel": "paper", "scan": "votes/x/s.pdf", "proxy_name": "余志强", "proxy_relation": "子女"},
        {"channel": "paper", "scan": "votes/x/s.pdf", "proxy_name": "余志强", "proxy_letter": "votes/x/a.jpg"},
        # A letter or a relation with nobody named.
        {"channel": "paper", "scan": "votes/x/s.pdf", "proxy_letter": "votes/x/a.jpg"},
    ],
    ids=["online-proxy", "online-relation", "online-id", "paper-no-letter", "paper-no-relation", "letter-no-name"],
)
def test_the_database_refuses_a_proxy_without_its_letter_or_on_an_online_ballot(fields):
    vote = VoteFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        _ballot(vote, **fields)
    assert not vote.ballots.exists()


def test_the_database_takes_a_paper_proxy_ballot_with_its_letter_upload():
    vote = VoteFactory()
    _ballot(
        vote,
        channel="paper",
        scan="votes/x/s.pdf",
        proxy_name="余志强",
        proxy_relation="子女",
        proxy_letter="votes/x/a.jpg",
    )
    assert vote.ballots.count() == 1


# --- the vote page --------------------------------------------------------------------------------


def page_url(case):
    return reverse("admin:voting_case_vote", args=[case.pk])


def post_paper_ballot(client, case, data, **files):
    payload = {"action": "paper_ballot"}
    payload |= {f"paper_ballot-{k}": v for k, v in (data | files).items()}
    return client.post(page_url(case), payload)


def test_the_clerk_enters_a_proxy_ballot_and_the_page_shows_who_signed(client, officer):
    client.force_login(officer)
    vote = VoteFactory()
    blank = client.get(page_url(vote.case)).content.decode()
    assert "由他人代为表决（可选）" in blank and 'name="paper_ballot-proxy_letter"' in blank
    assert '<details class="vote-proxy" id="paper-ballot-proxy">' in blank  # folded until needed

    # The letter forgotten: refused on the page, the proxy part open with what was typed.
    refused = post_paper_ballot(
        client,
        vote.case,
        {"room": "101", "choice": "agree", "proxy_name": "余志强", "proxy_relation": "子女"},
        scan=scan_upload(),
    )
    html = refused.content.decode()
    assert refused.status_code == 200 and "须上传业主签署的委托书扫描件" in html
    assert '<details class="vote-proxy" id="paper-ballot-proxy" open>' in html and 'value="余志强"' in html
    assert not vote.ballots.exists()

    done = post_paper_ballot(
        client,
        vote.case,
        {
            "room": "101",
            "choice": "agree",
            "proxy_name": "余志强",
            "proxy_relation": "子女",
            "proxy_id_number": PROXY_ID,
        },
        scan=scan_upload(),
        proxy_letter=letter_upload(),
    )
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "已登记：101（余娟梅）同意。由余志强（子女）代为表决。" in page
    ballot = vote.ballots.get()
    row = page[page.index('data-rooms="101"') :]
    row = row[: row.index("</tr>")]
    assert "由余志强（子女）代为表决" in row and PROXY_ID_MASKED in row and PROXY_ID not in page
    assert reverse("admin:voting_file_download", args=["proxy", ballot.pk]) in row

    # Corrected by the owner herself: the history still says who signed the first ballot.
    post_paper_ballot(
        client, vote.case, {"room": "101", "choice": "disagree", "reason": "业主本人书面更改意见"}, scan=scan_upload()
    )
    page = client.get(page_url(vote.case)).content.decode()
    row = page[page.index('data-rooms="101"') :]
    row = row[: row.index("</tr>")]
    history = row[row.index("ballot-history") :]
    assert "同意（由余志强（子女）代为表决" in history and "→ 反对 ·" in history
    assert reverse("admin:voting_file_download", args=["proxy", ballot.pk]) in history


def test_a_ballot_signed_by_the_owner_shows_no_proxy(client, officer):
    client.force_login(officer)
    vote = VoteFactory()
    assert (
        post_paper_ballot(client, vote.case, {"room": "102", "choice": "agree"}, scan=scan_upload()).status_code == 302
    )
    page = client.get(page_url(vote.case)).content.decode()
    row = page[page.index('data-rooms="102"') :]
    row = row[: row.index("</tr>")]
    assert "代为表决" not in row and "/file/proxy/" not in row and "/file/scan/" in row


# --- who may download the letter ------------------------------------------------------------------


def _applicant(case):
    agent = AgentBuilderFactory()
    case_services.case_update_details(case=case, actor=None, agent_builder=agent)
    return UserFactory(with_role="agent_builder", jurisdiction=None, agent_builder=agent)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 200),  # the office of the case
        ("planning", 200),  # a reviewer of the case's district: sees the evidence, like the scan
        ("city", 200),  # the city supervisor reads every district
        ("other_district", 404),  # another office: the case does not exist for them
        ("applicant", 404),  # the applicant's account never sees how owners voted, nor who signed
    ],
)
def test_the_letter_downloads_like_the_ballot_scan(client, who, status):
    vote = VoteFactory()
    ballot = services.ballot_record_paper(
        vote=vote, room="101", choice="同意", scan=scan_upload(), actor=None, proxy=son()
    )
    user = {
        "officer": lambda: UserFactory(with_role="district_officer"),
        "planning": lambda: UserFactory(with_role="planning_reviewer"),
        "city": lambda: UserFactory(with_role="city_supervisor"),
        "other_district": lambda: UserFactory(with_role="district_officer", jurisdiction=jurisdiction("LC")),
        "applicant": lambda: _applicant(vote.case),
    }[who]()
    client.force_login(user)
    letter_response = client.get(reverse("admin:voting_file_download", args=["proxy", ballot.pk]))
    scan_response = client.get(reverse("admin:voting_file_download", args=["scan", ballot.pk]))
    assert (letter_response.status_code, scan_response.status_code) == (status, status)
    downloads = AuditEvent.objects.filter(event="vote_file_downloaded", actor=user)
    if status == 200:
        assert b"".join(letter_response.streaming_content) == JPEG_BYTES
        assert letter_response["Content-Type"] == "image/jpeg"
        assert letter_response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%A7%94%E6%89%98%E4%B9%A6.jpg"
        assert {"private", "no-store"} <= {p.strip() for p in letter_response["Cache-Control"].split(",")}
        assert downloads.filter(message="下载代为表决委托书：委托书.jpg").count() == 1
    else:
        assert not downloads.exists()


def test_a_ballot_without_a_proxy_has_no_letter_to_download(client, officer):
    client.force_login(officer)
    vote = VoteFactory()
    ballot = services.ballot_record_paper(vote=vote, room="101", choice="同意", scan=scan_upload(), actor=None)
    assert client.get(reverse("admin:voting_file_download", args=["proxy", ballot.pk])).status_code == 404
