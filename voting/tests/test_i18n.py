"""The vote in two languages: what may be translated follows the user's language, what is
evidence stays Chinese. These pass with the catalog as it is; the English screens
themselves are checked in test_english.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import AuditEvent
from cases.tests.factories import UserFactory
from voting import rules, selectors

from .factories import VoteFactory, scan_upload

pytestmark = pytest.mark.django_db


def test_the_screens_condition_texts_are_the_rules_labels():
    """rules.py stays pure Python with its Chinese labels (the printed documents use them);
    selectors.CONDITION_TEXT is the translatable copy the screens show."""
    assert tuple(selectors.CONDITION_TEXT) == rules.CONDITION_CODES
    with translation.override("zh-hans"):
        assert {code: str(text) for code, text in selectors.CONDITION_TEXT.items()} == rules.CONDITION_LABELS


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
