"""Owners voting at the same moment (PostgreSQL: real row locks and real concurrency).

The ballot services queue on the vote's row lock, and the partial unique constraint holds
one effective ballot per voter: no ballot is lost and none is doubled."""

import datetime
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases.models import AreaSource, Owner
from cases.services import OwnerData
from cases.tests.concurrency import run_while_open
from cases.tests.factories import officer, open_case, unit_with_flats, valid_id_number
from voting import selectors, services
from voting.models import Ballot
from voting.roster import RosterRow

from .factories import scan_upload

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
    result = selectors.live_tally(vote=vote)
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


# --- the lock order (docs/locking.md): no deadlock, and nothing waits on another unit ----------

ROUNDS = 5


def roster_rows(flats: int, *, area: str = "80.00") -> list[RosterRow]:
    """`flats` flats, two a floor, each with its own owner."""
    return [
        RosterRow(
            line=i + 2,
            room=f"{i // 2 + 1}{i % 2 + 1:02d}",
            floor=i // 2 + 1,
            area=Decimal(area),
            area_source=AreaSource.REGISTER,
            owners=(OwnerData(name=f"业主{i + 1}", id_number=valid_id_number()),),
            developer_held=False,
            certificate_no=f"闽(2020)泉州市不动产权第{i + 1:07d}号",
        )
        for i in range(flats)
    ]


def refused(errors, *codes):
    """The errors that are not a ValidationError with one of `codes` (a deadlock would be one)."""
    return [e for e in errors if not (isinstance(e, ValidationError) and getattr(e, "code", None) in codes)]


def close_while_voting(clerk) -> None:
    """One round: 16 voters' ballots (online and paper) and the closing, all at once."""
    unit = unit_with_flats(flats=16)
    vote = services.vote_open(case=open_case(unit=unit), actor=None)
    flats = list(unit.flats.order_by("pk"))

    def cast(owner):
        return lambda: services.ballot_cast_online(vote=vote, owner=owner, choice="agree", actor=None)

    def paper(room):
        return lambda: services.ballot_record_paper(
            vote=vote, room=room, choice="disagree", scan=scan_upload(), actor=clerk
        )

    calls = [cast(flat.ownerships.get().owner) for flat in flats[:8]] + [paper(flat.room) for flat in flats[8:]]
    calls.insert(len(calls) // 2, lambda: services.vote_close(vote=vote, actor=clerk))
    errors = run_together(calls)
    # A ballot either made it before the closing or is refused as too late; nothing else.
    assert refused(errors, "outside_window") == []
    vote.refresh_from_db()
    assert vote.state == "closed"
    counted = Ballot.objects.filter(vote=vote, superseded_at__isnull=True).count()
    assert vote.participating_headcount == counted == 16 - len(errors)


def test_closing_the_vote_while_ballots_are_entered_from_several_threads(on_postgres):
    clerk = officer()
    for _round in range(ROUNDS):
        close_while_voting(clerk)


def open_while_importing() -> None:
    """One round: a 24-flat roster import into a 6-flat unit and the vote's opening at once."""
    unit = unit_with_flats(flats=6)
    case = open_case(unit=unit)
    rows = roster_rows(24, area="75.50")
    outcome = {}

    def import_roster():
        services.roster_import(unit=unit, rows=rows, actor=None)
        outcome["imported"] = True

    def open_vote():
        outcome["vote"] = services.vote_open(case=case, actor=None)

    errors = run_together([import_roster, open_vote])
    # The roster freezes with the opening: the import came first or is refused as too late.
    assert refused(errors, "roster_frozen") == []
    counted = selectors.live_tally(vote=outcome["vote"])
    if outcome.get("imported"):
        assert (counted.total_headcount, counted.total_area) == (24, Decimal("1812.00"))
    else:
        assert counted.total_headcount == 6


def test_opening_the_vote_while_a_roster_import_runs(on_postgres):
    for _round in range(ROUNDS * 2):
        open_while_importing()


def test_a_big_roster_import_does_not_hold_up_ballots_in_another_unit_of_the_district(on_postgres):
    clerk = officer()
    big = unit_with_flats(flats=2)
    open_case(unit=big)
    # Another unit of the same building (and so of the same district), with its vote open.
    other = unit_with_flats(flats=4)
    other.building = big.building
    other.save()
    other_vote = services.vote_open(case=open_case(unit=other), actor=None)
    other_flats = list(other.flats.order_by("pk"))
    rows = roster_rows(300)

    def import_big():
        services.roster_import(unit=big, rows=rows, actor=clerk)

    def ballots_there():
        services.ballot_record_paper(
            vote=other_vote, room=other_flats[0].room, choice="agree", scan=scan_upload(), actor=clerk
        )
        owner = other_flats[1].ownerships.get().owner
        services.ballot_cast_online(vote=other_vote, owner=owner, choice="disagree", actor=None)
        services.vote_close(vote=other_vote, actor=clerk)

    committed_first, errors = run_while_open(import_big, ballots_there)
    assert errors == []
    assert committed_first, "the ballots waited for the other unit's roster import"
    assert big.flats.count() == 300
    other_vote.refresh_from_db()
    assert (other_vote.state, other_vote.participating_headcount) == ("closed", 2)


def test_a_vote_opens_while_a_ballot_of_another_unit_of_the_district_is_entered(on_postgres):
    """Opening a vote (case → unit) in one unit while a ballot of another unit of the same
    district holds its vote's lock: neither waits for the other."""
    clerk = officer()
    first = unit_with_flats(flats=4)
    first_case = open_case(unit=first)
    second = unit_with_flats(flats=4)
    second_vote = services.vote_open(case=open_case(unit=second), actor=None)
    room = second.flats.order_by("pk").first().room

    def ballot():
        services.ballot_record_paper(vote=second_vote, room=room, choice="agree", scan=scan_upload(), actor=clerk)

    def open_first():
        services.vote_open(case=first_case, actor=clerk, closes_at=None)

    committed_first, errors = run_while_open(ballot, open_first)
    assert errors == []
    assert committed_first


def test_a_paper_ballot_and_the_closing_at_the_same_moment(on_postgres):
    """A paper ballot dated today, entered as the vote closes in another thread."""
    clerk = officer()
    unit = unit_with_flats(flats=2)
    vote = services.vote_open(case=open_case(unit=unit), actor=None)
    room = unit.flats.order_by("pk").first().room
    today = datetime.date.today()
    errors = run_together(
        [
            lambda: services.ballot_record_paper(
                vote=vote, room=room, choice="agree", scan=scan_upload(), actor=clerk, signed_on=today
            ),
            lambda: services.vote_close(vote=vote, actor=clerk),
        ]
    )
    assert refused(errors, "outside_window") == []


def import_shared_owners_crosswise() -> None:
    """One round: two units' rosters name the same two owners, in opposite row order."""
    first, second = unit_with_flats(flats=2), unit_with_flats(flats=2)
    ids = [valid_id_number(), valid_id_number()]

    def rows(order, area="80.00"):
        return [
            RosterRow(
                line=i + 2,
                room=f"10{i + 1}",
                floor=1,
                area=Decimal(area),
                area_source=AreaSource.REGISTER,
                owners=(OwnerData(name=f"共同业主{k}", id_number=ids[k]),),
                developer_held=False,
                certificate_no=f"闽(2020)泉州市不动产权第{9000000 + i}号",
            )
            for i, k in enumerate(order)
        ]

    # The owners exist already (both imports find and lock them), then both units import at once.
    services.roster_import(unit=first, rows=rows([0, 1]), actor=None)
    errors = run_together(
        [
            lambda: services.roster_import(unit=first, rows=rows([0, 1], area="81.00"), actor=None),
            lambda: services.roster_import(unit=second, rows=rows([1, 0]), actor=None),
        ]
    )
    assert errors == []


def test_two_roster_imports_naming_the_same_owners_in_opposite_order(on_postgres):
    for _round in range(ROUNDS * 2):
        import_shared_owners_crosswise()


def import_one_new_owner_twice() -> None:
    """One round: two units of one office name a person the office has no record of yet."""
    first, second = unit_with_flats(flats=2), unit_with_flats(flats=2)
    newcomer = OwnerData(name="新业主", id_number=valid_id_number())
    rows = [
        RosterRow(
            line=2,
            room="101",
            floor=1,
            area=Decimal("80.00"),
            area_source=AreaSource.REGISTER,
            owners=(newcomer,),
            developer_held=False,
            certificate_no="闽(2020)泉州市不动产权第9100000号",
        )
    ]
    errors = run_together(
        [
            lambda: services.roster_import(unit=first, rows=rows, actor=None),
            lambda: services.roster_import(unit=second, rows=rows, actor=None),
        ]
    )
    assert errors == []
    owner = Owner.objects.get(jurisdiction=first.building.jurisdiction, id_number=newcomer.id_number)
    assert set(owner.ownerships.values_list("flat__unit", flat=True)) == {first.pk, second.pk}


def test_two_roster_imports_registering_the_same_new_owner_at_once(on_postgres):
    """One import creates the record; the other waits on the unique index, then uses it."""
    for _round in range(ROUNDS):
        import_one_new_owner_twice()
