"""What it takes to pass (issue 13 §4): the pure rule `voting.rules.votes_to_pass`, checked
at the bounds and against a brute force over every subset of small units. No database."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from voting.rules import (
    CONDITION_CODES,
    DEVELOPER_KEY,
    Choice,
    ToPass,
    Voter,
    tally,
    to_pass,
    votes_to_pass,
)

A, D, X = Choice.AGREE, Choice.DISAGREE, Choice.ABSTAIN


def unit(*areas: str) -> list[Voter]:
    """One voter per area, keyed v1, v2, ..."""
    return [Voter(key=f"v{i}", rooms=(f"r{i}",), area=Decimal(area)) for i, area in enumerate(areas, start=1)]


def brute_force(voters: list[Voter], choices: dict[str, Choice]) -> int | None:
    """The fewest non-voters who, all agreeing, carry the motion, trying every subset."""
    remaining = [voter.key for voter in voters if voter.key not in choices]
    for k in range(len(remaining) + 1):
        for chosen in itertools.combinations(remaining, k):
            if tally(voters, {**choices, **dict.fromkeys(chosen, A)}).passed:
                return k
    return None


def by_code(result: ToPass) -> dict[str, object]:
    return {s.condition.code: s for s in result.shortfalls}


# --- the bounds ---------------------------------------------------------------------------


def test_exactly_two_thirds_and_three_quarters_pass():
    # 12 equal flats: 8 take part (exactly 2/3), 6 of them agree (exactly 3/4).
    voters = unit(*["50.00"] * 12)
    choices = {f"v{i}": A for i in range(1, 7)} | {"v7": D, "v8": X}
    assert tally(voters, choices).passed
    result = votes_to_pass(voters, choices)
    assert (result.possible, result.voters) == (True, 0)
    assert all(s.met and s.amount == 0 and s.voters == 0 for s in result.shortfalls)


def test_just_below_the_bounds_needs_one_more():
    # 7 of 12 take part (below 2/3), 5 agree of 7 (below 3/4): one more agreeing voter gives 8 and 6/8.
    voters = unit(*["50.00"] * 12)
    choices = {f"v{i}": A for i in range(1, 6)} | {"v6": D, "v7": X}
    result = votes_to_pass(voters, choices)
    assert (result.possible, result.voters) == (True, 1)
    gaps = by_code(result)
    assert gaps["participation_area"].amount == Fraction("50.00")  # 400 − 350
    assert gaps["participation_headcount"].amount == 1
    # Consent area: (250 + x) / (350 + x) ≥ 3/4 ⟺ x ≥ 3·350 − 4·250 = 50.
    assert gaps["consent_area"].amount == Fraction(50)
    assert gaps["consent_headcount"].amount == 1  # 3·7 − 4·5 = 1
    assert all(not s.met and s.voters == 1 for s in result.shortfalls)


def test_zero_voters_cannot_pass():
    result = votes_to_pass([], {})
    assert (result.possible, result.voters) == (False, None)
    assert result.as_contract_dict() == {"possible": False, "voters": None}


def test_no_ballots_yet_needs_two_thirds_of_the_largest():
    voters = unit("100.00", "10.00", "10.00")
    result = votes_to_pass(voters, {})
    # The 100 ㎡ flat alone is 2/3 of the area but 1 of 3 heads: two voters are needed.
    assert (result.possible, result.voters) == (True, 2)
    gaps = by_code(result)
    assert not gaps["consent_area"].met and gaps["consent_area"].amount == 0 and gaps["consent_area"].voters == 1
    assert gaps["participation_area"].voters == 1
    assert gaps["participation_headcount"].voters == 2


def test_all_voted_and_failed_is_impossible():
    voters = unit("80.00", "80.00", "80.00", "80.00")
    result = votes_to_pass(voters, {"v1": A, "v2": A, "v3": D, "v4": D})
    assert (result.possible, result.voters) == (False, None)
    assert by_code(result)["consent_headcount"].voters is None
    assert by_code(result)["participation_area"].met


def test_all_voted_and_passed_needs_none():
    voters = unit("80.00", "80.00", "80.00", "80.00")
    result = votes_to_pass(voters, dict.fromkeys(["v1", "v2", "v3", "v4"], A))
    assert result.as_contract_dict() == {"possible": True, "voters": 0}


def test_a_developer_holding_much_area_is_one_voter_with_that_area():
    # The developer holds 6 unsold flats (one voter, SPC art. 9) of 600 ㎡ of 900.
    voters = [Voter(key=DEVELOPER_KEY, rooms=tuple(f"d{i}" for i in range(6)), area=Decimal("600.00"))]
    voters += unit("100.00", "100.00", "100.00")
    # Three owners agree: all heads but one, yet 300 of 900 ㎡ (below 2/3).
    result = votes_to_pass(voters, {"v1": A, "v2": A, "v3": A})
    assert (result.possible, result.voters) == (True, 1)  # the developer agreeing carries it
    gaps = by_code(result)
    assert gaps["participation_area"].amount == Fraction(300)
    assert gaps["participation_headcount"].met
    # The developer disagrees: participation is met, consent area is not, nobody left.
    result = votes_to_pass(voters, {"v1": A, "v2": A, "v3": A, DEVELOPER_KEY: D})
    assert (result.possible, result.voters) == (False, None)
    assert [s.condition.code for s in result.shortfalls if not s.met] == ["consent_area"]


def test_the_area_gap_is_exact():
    # 2/3 of 100.01 is not a finite decimal: the gap stays a Fraction.
    voters = unit("100.00", "0.01")  # 100.01 ㎡ in all
    result = votes_to_pass(voters, {})
    assert by_code(result)["participation_area"].amount == Fraction(10001, 150)


def test_closed_vote_has_no_one_left():
    result = tally(unit("10.00", "10.00"), {"v1": A})
    assert to_pass(result, ()).as_contract_dict() == {"possible": False, "voters": None}
    passed = tally(unit("10.00", "10.00"), {"v1": A, "v2": A})
    assert to_pass(passed, ()).as_contract_dict() == {"possible": True, "voters": 0}


def test_floats_are_refused():
    result = tally(unit("10.00"), {})
    with pytest.raises(TypeError):
        to_pass(result, [10.0])


# --- the proof: largest first equals the brute force --------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_largest_first_agrees_with_brute_force(seed):
    rng = random.Random(seed)
    for _ in range(150):
        size = rng.randint(2, 8)
        # Areas on a coarse grid make ties and exact bounds common; sometimes one big flat.
        areas = [Decimal(rng.choice([rng.randint(1, 12) * 10, rng.randint(1000, 99999)]) / 100) for _ in range(size)]
        areas = [area.quantize(Decimal("0.01")) for area in areas]
        voters = unit(*map(str, areas))
        choices = {
            voter.key: rng.choice([A, A, A, D, X]) for voter in voters if rng.random() < rng.choice([0.2, 0.5, 0.8])
        }
        expected = brute_force(voters, choices)
        got = votes_to_pass(voters, choices)
        assert got.voters == expected, (areas, choices)
        assert got.possible is (expected is not None)
        # Each condition's own count of voters is the brute force for that condition alone.
        for shortfall in got.shortfalls:
            remaining = [v.key for v in voters if v.key not in choices]
            alone = next(
                (
                    k
                    for k in range(len(remaining) + 1)
                    if any(
                        tally(voters, {**choices, **dict.fromkeys(chosen, A)}).met(shortfall.condition)
                        for chosen in itertools.combinations(remaining, k)
                    )
                ),
                None,
            )
            assert shortfall.voters == alone, (shortfall.condition.code, areas, choices)
        assert [s.condition.code for s in got.shortfalls] == list(CONDITION_CODES)
