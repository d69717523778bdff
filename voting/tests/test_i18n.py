"""The vote in two languages: what may be translated follows the user's language, what is
evidence stays Chinese. These pass with the catalog as it is; the English screens
themselves are checked in test_english.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from cases.tests.factories import UserFactory
from voting import rules, selectors

from .factories import VoteFactory, scan_upload

pytestmark = pytest.mark.django_db


def test_the_screens_name_the_conditions_by_the_rules_labels():
    """rules.CONDITIONS declares the four conditions once, with their Chinese labels (the
    printed documents print them as written); the vote page shows the same labels in the
    user's language."""
    nothing_met = rules.tally([], {})
    with translation.override("zh-hans"):
        bars = selectors.tally_bars(nothing_met)
        assert [bar.code for bar in bars] == list(rules.CONDITION_CODES)
        assert [bar.label for bar in bars] == [condition.label for condition in rules.CONDITIONS]
        assert [bar.failure for bar in bars] == [rules.CONDITION_LABELS[code] for code in rules.CONDITION_CODES]
        assert selectors.failed_condition_texts(nothing_met) == [bar.failure for bar in bars]
    with translation.override("en"):
        english = selectors.failed_condition_texts(nothing_met)
        assert selectors.tally_bars(nothing_met)[1].label == "Headcount taking part in the vote"
    assert english[1] == "Headcount taking part in the vote is below two-thirds"


def test_an_english_clerk_still_writes_the_audit_log_in_chinese(client):
    """The log takes the choice and the channel from the models' translated labels."""
    vote = VoteFactory()
    client.force_login(UserFactory(with_role="district_officer"))
    response = client.post(
        reverse("admin:voting_case_vote", args=[vote.case.pk]),
        {
            "action": "paper_ballot",
            "paper_ballot-room": "101",
            "paper_ballot-choice": "agree",
            "paper_ballot-scan": scan_upload(),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(event="ballot_recorded")
    assert event.message.startswith("登记纸质选票：") and event.message.endswith(" 同意")
    assert "Paper" not in event.message and "Agree" not in event.message
