"""文书 (issue 12 §2): the documents owners may read — the public notice, the agreement and,
once the vote closed, its result — through a permission-checked, logged download. Never a
paper that names how each owner voted."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Owner
from cases.tests.factories import open_case
from demo.tests.factories import CaseFactory
from documents.services import document_render
from voting.selectors import tally_bars, vote_result_for_case

from .factories import activated

pytestmark = pytest.mark.django_db


def _signed_in(client, case):
    account, owner, case = activated(case)
    client.force_login(account.user, backend="owners.backends.OwnerMobileBackend")
    return account, owner, case


@pytest.fixture
def counted_case():
    """Step 2: the vote closed, passed and witnessed; the papers printed by the office."""
    case = CaseFactory(at_step=2, notice="running")
    docs = {t: document_render(case=case, template=t, actor=None).record for t in ("notice", "agreement", "ballots")}
    docs["ballot_papers"] = document_render(case=case, template="ballot_papers", actor=None).record
    return case, docs


def test_the_page_offers_the_notice_and_the_agreement(client, counted_case):
    case, docs = counted_case
    _signed_in(client, case)
    page = client.get(reverse("owners:documents", args=[case.pk])).content.decode()
    for template in ("notice", "agreement"):
        assert reverse("owners:document_download", args=[case.pk, docs[template].pk]) in page
    for template in ("ballots", "ballot_papers"):
        assert reverse("owners:document_download", args=[case.pk, docs[template].pk]) not in page
    assert "增设电梯公示书" in page and "增设电梯协议书" in page


def test_downloading_the_notice_is_logged(client, counted_case):
    case, docs = counted_case
    account, _owner, case = _signed_in(client, case)
    response = client.get(reverse("owners:document_download", args=[case.pk, docs["notice"].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(event="document_downloaded", actor=account.user)
    assert event.case == case and event.data["template"] == "notice"


def test_the_tally_sheet_naming_each_choice_is_never_served(client, counted_case):
    case, docs = counted_case
    assert docs["ballots"].shows_choices
    _signed_in(client, case)
    for template in ("ballots", "ballot_papers"):
        assert client.get(reverse("owners:document_download", args=[case.pk, docs[template].pk])).status_code == 404
    assert not AuditEvent.objects.filter(event="document_downloaded").exists()


def test_another_cases_document_id_is_a_404(client, counted_case):
    other, docs = counted_case
    _account, _owner, mine = _signed_in(client, CaseFactory(at_step=2))
    # Under my own case's address, and under the other case's.
    assert client.get(reverse("owners:document_download", args=[mine.pk, docs["notice"].pk])).status_code == 404
    assert client.get(reverse("owners:document_download", args=[other.pk, docs["notice"].pk])).status_code == 404
    assert client.get(reverse("owners:documents", args=[other.pk])).status_code == 404


def test_the_result_shows_the_four_ratios_and_no_owner_with_a_choice(client, counted_case):
    case, _docs = counted_case
    _account, me, case = _signed_in(client, case)
    page = client.get(reverse("owners:documents", args=[case.pk])).content.decode()
    result = vote_result_for_case(case=case)
    bars = tally_bars(result)
    assert len(bars) == 4
    for bar in bars:
        assert bar.label in page and bar.percent in page and bar.threshold in page
    assert "表决通过" in page
    assert "见证" in page
    # Not one owner's name, the reader's own included: the page is the unit's aggregate.
    for owner in Owner.objects.filter(ownerships__flat__unit=case.unit).distinct():
        assert owner.name not in page, owner.name


def test_before_the_count_there_is_no_result_and_no_document(client):
    _account, _owner, case = _signed_in(client, open_case())
    page = client.get(reverse("owners:documents", args=[case.pk])).content.decode()
    assert "表决结束、计票以后，结果会显示在这里" in page
    assert "公示书还没有出具" in page and "协议书还没有出具" in page
