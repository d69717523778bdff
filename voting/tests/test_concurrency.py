"""Owners voting at the same moment (PostgreSQL: real row locks and real concurrency).

The ballot services queue on the vote's row lock, and the partial unique constraint holds
one effective ballot per voter: no ballot is lost and none is doubled."""

import threading
from collections import Counter

import pytest
from django.db import connection

from cases.tests.factories import open_case, unit_with_flats
from voting import services
from voting.models import Ballot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("jurisdictions")]

CHOICES = ("agree", "disagree", "abstain")


def free_connections(margin: int = 10) -> int:
    """How many more connections the server accepts; the test must not exhaust them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - (SELECT count(*) FROM pg_stat_activity)")
        return cursor.fetchone()[0] - margin


def run_together(calls):
    """Start every call at the same moment (a barrier); at most as many hold a connection
    at once as the server allows. Returns the exceptions raised."""
    barrier = threading.Barrier(len(calls))
    slots = threading.BoundedSemaphore(max(2, min(len(calls), free_connections())))
    errors = []

    def worker(call):
        try:
            barrier.wait()
            with slots:
                try:
                    call()
                finally:
                    connection.close()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_100_owners_voting_online_at_the_same_moment(on_postgres):
    unit = unit_with_flats(flats=100)
    vote = services.vote_open(case=open_case(unit=unit), actor=None)
    owners = [flat.ownerships.get().owner for flat in unit.flats.order_by("pk")]
    wanted = {owner.pk: CHOICES[i % 3] for i, owner in enumerate(owners)}

    def cast(owner):
        return lambda: services.ballot_cast_online(vote=vote, owner=owner, choice=wanted[owner.pk], actor=None)

    # Every owner taps "submit" twice (an impatient double tap): 200 requests at once.
    errors = run_together([cast(owner) for owner in owners] * 2)
    assert errors == []
    ballots = list(Ballot.objects.filter(vote=vote).select_related("cast_by_owner"))
    assert len(ballots) == 100  # none lost, none doubled
    assert all(b.superseded_at is None for b in ballots)
    assert {b.cast_by_owner_id: b.choice for b in ballots} == wanted
    result = services.live_tally(vote=vote)
    counts = Counter(wanted.values())
    assert (result.participating_headcount, result.agreeing_headcount) == (100, counts["agree"])


def test_one_voter_casting_twenty_times_at_once_keeps_one_ballot_and_a_straight_history(on_postgres):
    unit = unit_with_flats(flats=3)
    vote = services.vote_open(case=open_case(unit=unit), actor=None)
    owner = unit.flats.order_by("pk").first().ownerships.get().owner

    def cast(choice):
        return lambda: services.ballot_cast_online(vote=vote, owner=owner, choice=choice, actor=None)

    errors = run_together([cast(CHOICES[i % 2]) for i in range(20)])
    assert errors == []
    chain = list(Ballot.objects.filter(vote=vote).order_by("entered_at", "pk"))
    assert len([b for b in chain if b.superseded_at is None]) == 1
    assert chain[-1].superseded_at is None  # the last one given is the one that counts
    # One line of corrections: each ballot after the first replaces the one just before it.
    assert chain[0].replaces_id is None
    assert [b.replaces_id for b in chain[1:]] == [b.pk for b in chain[:-1]]
    assert all(later.choice != earlier.choice for earlier, later in zip(chain, chain[1:], strict=False))
