"""The motion (表决事项): a vote opens only on a complete one, and the vote page says what
freezes before the officer opens it (issue 10, section 3)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.tests.factories import UserFactory, open_case

from . import factories
from .factories import VoteFactory, sample_unit, scan_upload

pytestmark = pytest.mark.django_db


def post(client, case, action, data=None, **files):
    payload = {"action": action, **{f"{action}-{k}": v for k, v in {**(data or {}), **files}.items()}}
    return client.post(reverse("admin:voting_case_vote", args=[case.pk]), payload)


@pytest.mark.parametrize(
    ("motion", "missing"),
    [
        ({}, ["增设方案概要", "工程预算"]),
        ({"scheme_summary": "在北侧增设一部电梯"}, ["工程预算"]),
        ({"budget": 420000}, ["增设方案概要"]),
        ({"scheme_summary": "   ", "budget": 0}, ["增设方案概要", "工程预算"]),
    ],
)
def test_a_vote_does_not_open_without_the_scheme_and_the_budget(motion, missing):
    from cases import services as case_services

    case = case_services.case_open(unit=sample_unit(), actor=None, **motion)
    with pytest.raises(ValidationError) as refused:
        factories.services.vote_open(case=case, actor=None)
    (message,) = refused.value.messages
    assert all(what in message for what in missing), message
    assert not case.votes.exists()
    assert not AuditEvent.objects.filter(case=case, event="vote_opened").exists()


def test_the_vote_page_shows_the_motion_and_asks_to_confirm_what_freezes(client):
    case = open_case(unit=sample_unit())
    client.force_login(UserFactory(with_role="district_officer"))
    html = client.get(reverse("admin:voting_case_vote", args=[case.pk])).content.decode()
    assert "在北侧增设一部无机房电梯，平层入户。" in html and "420000.00 元" in html
    assert "表决票上印出的增设方案和工程预算冻结" in html
    unticked = post(client, case, "open_vote")
    assert unticked.status_code == 200 and "勾选确认后再开始表决" in unticked.content.decode()
    assert not case.votes.exists()
    assert post(client, case, "open_vote", {"confirm": "on"}).status_code == 302
    assert case.votes.filter(state="open").exists()


def test_the_vote_page_refuses_to_open_on_an_empty_motion_naming_it(client):
    case = open_case(unit=sample_unit(), motion=False)
    client.force_login(UserFactory(with_role="district_officer"))
    html = client.get(reverse("admin:voting_case_vote", args=[case.pk])).content.decode()
    assert "（未填写：请先在案件页填写）" in html
    refused = post(client, case, "open_vote", {"confirm": "on"})
    text = refused.content.decode()
    assert refused.status_code == 200 and "表决事项不完整" in text and "增设方案概要" in text and "工程预算" in text
    assert not case.votes.exists()


def test_a_witness_time_before_the_vote_opened_is_refused_the_same_day():
    vote = VoteFactory(choices="agree", closed=True)
    early = vote.opened_at - datetime.timedelta(hours=1)
    if timezone.localdate(early) != timezone.localdate(vote.opened_at):
        early = vote.opened_at - datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        factories.services.witness_record(
            vote=vote,
            actor=None,
            witness_name="林建国",
            organisation_kind="community",
            organisation_name="东湖街道刺桐社区居民委员会",
            witnessed_at=early,
            method="现场见证",
            upload=scan_upload(),
        )
    assert any("见证时间不能早于表决开始的时间" in m for m in refused.value.messages)
    assert not vote.witness_records.exists()
    # The minute the vote opened is fine: the form enters minutes, not seconds.
    on_time = vote.opened_at.replace(second=0, microsecond=0)
    record = factories.services.witness_record(
        vote=vote,
        actor=None,
        witness_name="林建国",
        organisation_kind="community",
        organisation_name="东湖街道刺桐社区居民委员会",
        witnessed_at=on_time,
        method="现场见证",
        upload=scan_upload(),
    )
    assert record.witnessed_at == on_time
