"""The dashboard counts once per DASHBOARD_CACHE_SECONDS for the same offices: a second view
within that time reads no case and shows the same figures with when they were counted; an
office narrowed to, or another office's staff, get their own count, never another's."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.tests.factories import jurisdiction, officer, open_case

pytestmark = pytest.mark.django_db

URL = reverse("oversight:dashboard")


@pytest.fixture
def cached(settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _headline(client, url=URL) -> str:
    html = client.get(url).content.decode()
    start = html.index('id="dash-headline"')
    return html[start : html.index("</p>", start)]


def _case_reads(client) -> int:
    with CaptureQueriesContext(connection) as seen:
        assert client.get(URL).status_code == 200
    return sum('"cases_case"' in q["sql"] for q in seen.captured_queries)


def test_a_second_view_within_the_period_reads_no_case_and_says_when_it_was_counted(client, cached):
    open_case()
    client.force_login(officer("FZ"))
    first = _headline(client)
    assert "办理中 1 件" in first and "统计于" in first
    assert _case_reads(client) == 0
    open_case()  # counted at the next period: the page says when it counted
    assert _headline(client) == first


def test_each_office_gets_its_own_count(client, cached):
    open_case()
    open_case(jurisdiction=jurisdiction("LC"))
    open_case(jurisdiction=jurisdiction("LC"))
    client.force_login(officer("FZ"))
    assert "办理中 1 件" in _headline(client)
    client.force_login(officer("LC"))
    assert "办理中 2 件" in _headline(client)


def test_without_the_cache_every_view_counts_afresh(client, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    open_case()
    client.force_login(officer("FZ"))
    assert "办理中 1 件" in _headline(client)
    open_case()
    assert "办理中 2 件" in _headline(client)
