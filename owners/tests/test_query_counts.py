"""The owners' pages read the same number of queries whatever the unit's size: a 6-flat
unit and a 30-flat unit, each with an open vote, an agreement and a signed-in owner."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.tests.factories import open_case, unit_with_flats
from documents.services import document_render
from voting import services as voting_services

from .factories import activated

pytestmark = pytest.mark.django_db

PAGES = ("owners:home", "owners:case", "owners:vote", "owners:agreement", "owners:documents")


def _counts(client, flats: int, mobile: str) -> dict[str, int]:
    case = open_case(unit=unit_with_flats(flats=flats))
    voting_services.vote_open(case=case, actor=None)
    document_render(case=case, template="agreement", actor=None)
    account, _owner, _case = activated(case, mobile=mobile)
    client.force_login(account.user)
    counts = {}
    for name in PAGES:
        url = reverse(name) if name == "owners:home" else reverse(name, args=[case.pk])
        client.get(url)  # the first request fills the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, name
        counts[name] = len(queries)
    return counts


def test_owner_pages_cost_the_same_queries_for_6_and_30_flats(client):
    assert _counts(client, 6, "13900000401") == _counts(client, 30, "13900000402")
