"""Two prints of the same template at the same moment (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection

from documents.models import GeneratedDocument
from documents.services import document_render

from .conftest import build_case, flat_text, pdf_text

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]


def test_simultaneous_prints_get_consecutive_versions(on_postgres):
    case = build_case(floors=2)
    barrier = threading.Barrier(3)
    errors = []

    def print_one():
        try:
            barrier.wait()
            document_render(case=case, template="notice", actor=None)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=print_one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    records = list(GeneratedDocument.objects.filter(case=case).order_by("version"))
    assert [r.version for r in records] == [1, 2, 3]
    # Each kept file is the PDF that printed its own version and code.
    for record in records:
        text = flat_text(pdf_text(record.file.open("rb").read()))
        assert record.code in text and f"第{record.version}版" in text
    assert len({r.code for r in records}) == 3


def test_printing_does_not_wait_for_a_ballot_being_entered_in_the_same_case(on_postgres):
    """A ballot locks its vote, not the case: the ballots and the tally sheet print (the
    case's own row lock orders the versions) while a ballot's transaction is still open."""
    from cases.tests.concurrency import run_while_open
    from cases.tests.factories import officer
    from voting import services as vote_services
    from voting.tests.factories import scan_upload

    case = build_case(floors=2)
    vote = vote_services.vote_open(case=case, actor=None)
    room = case.unit.flats.order_by("pk").first().room
    clerk = officer()

    def ballot():
        vote_services.ballot_record_paper(vote=vote, room=room, choice="agree", scan=scan_upload(), actor=clerk)

    def print_ballots():
        document_render(case=case, template="ballots", actor=None)

    committed_first, errors = run_while_open(ballot, print_ballots)
    assert errors == []
    assert committed_first, "printing waited for the ballot being entered"
    assert GeneratedDocument.objects.filter(case=case, template="ballots").count() == 1
