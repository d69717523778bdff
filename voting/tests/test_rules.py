"""Tests for the pure vote-counting rule (voting.rules); no Django, no database."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest

from voting.rules import (
    CONDITION_CODES,
    CONDITION_LABELS,
    CONSENT_THRESHOLD,
    PARTICIPATION_THRESHOLD,
    Choice,
    ConflictingChoicesError,
    FlatFact,
    TallyResult,
    Voter,
    combine_choices,
    format_percent,
    group_voters,
    tally,
)

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"

A, D, X = Choice.AGREE, Choice.DISAGREE, Choice.ABSTAIN


def flat(room: str, area: str, *owners: str, developer: bool = False) -> FlatFact:
    return FlatFact(room=room, area=Decimal(area), owner_keys=frozenset(owners), developer_held=developer)


def unit(*areas: str) -> list[Voter]:
    """One single-owner flat per area: rooms r1, r2, ... owned by o1, o2, ..."""
    return group_voters(flat(f"r{i}", area, f"o{i}") for i, area in enumerate(areas, start=1))


def vote(voters: list[Voter], *choices: Choice | None) -> TallyResult:
    """Give the i-th voter the i-th choice; None = no ballot."""
    assert len(choices) == len(voters)
    by_key = {voter.key: choice for voter, choice in zip(voters, choices, strict=True) if choice is not None}
    return tally(voters, by_key)


# --- thresholds --------------------------------------------------------------


def test_thresholds_are_exact_fractions():
    assert PARTICIPATION_THRESHOLD == Fraction(2, 3)
    assert CONSENT_THRESHOLD == Fraction(3, 4)
    assert set(CONDITION_LABELS) == set(CONDITION_CODES)


# Total 301.35 m², two thirds = 200.90 m² exactly (3 * 200.90 == 2 * 301.35);
# 200.90 / 301.35 is not representable in binary floating point.
def test_participation_area_exactly_two_thirds_passes():
    voters = unit("120.40", "80.50", "100.45")
    result = vote(voters, A, A, None)
    assert result.participating_area == Decimal("200.90")
    assert 3 * result.participating_area == 2 * result.total_area
    assert result.participation_area_ratio == Fraction(2, 3)
    assert result.participation_area_met
    assert result.participation_headcount_met  # 2 of 3 voters, exactly 2/3 too
    assert result.passed
    assert result.failed_conditions == ()


def test_participation_area_one_hundredth_below_two_thirds_fails():
    voters = unit("120.40", "80.49", "100.45")  # 200.89 of 301.34; 2/3 would be 200.8933…
    result = vote(voters, A, A, None)
    assert result.participation_area_ratio < Fraction(2, 3)
    assert not result.participation_area_met
    assert result.participation_headcount_met
    assert not result.participation_met
    assert not result.passed
    assert result.failed_conditions == ("participation_area",)


def test_participation_area_below_two_thirds_by_one_hundredth_of_participating_area():
    # Same total as the exact case, participating area short by exactly 0.01 m².
    voters = unit("120.40", "80.49", "100.46")
    result = vote(voters, A, A, None)
    assert result.total_area == Decimal("301.35")
    assert result.participating_area == Decimal("200.89")
    assert not result.participation_area_met
    assert result.failed_conditions == ("participation_area",)


# Six voters: three large flats carry the area, so only headcount decides.
HEADCOUNT_UNIT = ("200.00", "200.00", "200.00", "10.00", "10.00", "10.00")


def test_participation_headcount_exactly_two_thirds_passes():
    result = vote(unit(*HEADCOUNT_UNIT), A, A, A, A, None, None)
    assert result.participating_headcount == 4
    assert result.participation_headcount_ratio == Fraction(2, 3)
    assert result.participation_headcount_met
    assert result.participation_area_met
    assert result.passed


def test_participation_headcount_one_voter_below_two_thirds_fails():
    result = vote(unit(*HEADCOUNT_UNIT), A, A, A, None, None, None)
    assert result.participation_headcount_ratio == Fraction(1, 2)
    assert result.participation_area_met  # 600 of 630 m²
    assert not result.participation_headcount_met
    assert not result.passed
    assert result.failed_conditions == ("participation_headcount",)


# Participating area 361.24 m², three quarters = 270.93 m² exactly
# (4 * 270.93 == 3 * 361.24). The fifth voter does not vote, so consent is
# measured against the participating area, not the unit's total.
def test_consent_area_exactly_three_quarters_of_participating_passes():
    voters = unit("100.31", "85.22", "85.40", "90.31", "50.00")
    result = vote(voters, A, A, A, D, None)
    assert result.participating_area == Decimal("361.24")
    assert result.agreeing_area == Decimal("270.93")
    assert 4 * result.agreeing_area == 3 * result.participating_area
    assert result.consent_area_ratio == Fraction(3, 4)
    assert result.consent_headcount_ratio == Fraction(3, 4)
    # Against the total area the agreeing share is well below 3/4: the
    # denominator must be the participating area.
    assert Fraction(result.agreeing_area) / Fraction(result.total_area) < Fraction(3, 4)
    assert result.consent_met
    assert result.passed


def test_consent_area_one_hundredth_below_three_quarters_fails():
    voters = unit("100.31", "85.22", "85.39", "90.31", "50.00")  # 270.92 of 361.23
    result = vote(voters, A, A, A, D, None)
    assert result.participation_met
    assert not result.consent_area_met
    assert result.consent_headcount_met
    assert not result.passed
    assert result.failed_conditions == ("consent_area",)
    assert [CONDITION_LABELS[code] for code in result.failed_conditions] == [
        "同意的专有部分面积未达参与表决面积的四分之三"
    ]


# Eight participating voters; five large flats carry the area.
CONSENT_HEADCOUNT_UNIT = ("100.00",) * 5 + ("10.00",) * 3


def test_consent_headcount_exactly_three_quarters_passes():
    result = vote(unit(*CONSENT_HEADCOUNT_UNIT), A, A, A, A, A, A, D, X)
    assert result.agreeing_headcount == 6
    assert result.consent_headcount_ratio == Fraction(3, 4)
    assert result.consent_headcount_met
    assert result.passed


def test_consent_headcount_one_voter_below_three_quarters_fails():
    result = vote(unit(*CONSENT_HEADCOUNT_UNIT), A, A, A, A, A, D, X, X)
    assert result.participating_headcount == 8
    assert result.consent_headcount_ratio == Fraction(5, 8)
    assert result.consent_area_met  # 500 of 530 m²
    assert not result.consent_headcount_met
    assert result.participation_met
    assert not result.passed
    assert result.failed_conditions == ("consent_headcount",)


def test_participation_passes_consent_fails_on_both_counts():
    result = vote(unit("100.00", "100.00", "100.00", "100.00"), A, A, D, X)
    assert result.participation_met
    assert result.participation_area_ratio == 1
    assert not result.consent_met
    assert result.failed_conditions == ("consent_area", "consent_headcount")
    assert [CONDITION_LABELS[code] for code in result.failed_conditions] == [
        "同意的专有部分面积未达参与表决面积的四分之三",
        "同意的人数未达参与表决人数的四分之三",
    ]


def test_failed_conditions_keep_fixed_order():
    result = vote(unit("100.00", "100.00", "100.00", "100.00"), D, None, None, None)
    assert result.failed_conditions == CONDITION_CODES


def test_decision_is_exact_even_under_a_tiny_decimal_context():
    # A rounded sum would push 200.90 up to 201 and 301.35 down to 301.
    with localcontext() as ctx:
        ctx.prec = 3
        result = vote(unit("120.40", "80.50", "100.45"), A, A, None)
    assert result.participating_area == Decimal("200.90")
    assert result.total_area == Decimal("301.35")
    assert result.participation_area_ratio == Fraction(2, 3)


# --- who is a voter -------------------------------------------------------------


def test_co_owners_count_once():
    voters = group_voters([flat("101", "90.00", "A"), flat("102", "80.00", "B", "C"), flat("201", "70.00", "D")])
    assert len(voters) == 3
    co_owned = voters[1]
    assert co_owned.rooms == ("102",)
    assert co_owned.key == "B|C"
    result = tally(voters, {co_owned.key: A, voters[0].key: A})
    assert result.total_headcount == 3
    assert result.participating_headcount == 2


def test_same_set_of_owners_on_several_flats_is_one_voter_whatever_the_order():
    voters = group_voters([flat("301", "60.00", "B", "C"), flat("601", "65.50", "C", "B")])
    assert voters == [Voter(key="B|C", rooms=("301", "601"), area=Decimal("125.50"))]


def test_multi_flat_owner_is_one_voter_with_summed_area():
    voters = group_voters(
        [
            flat("101", "115.70", "P1"),
            flat("1001", "117.15", "P2"),
            flat("201", "79.60", "P3"),
            flat("301", "114.07", "P2"),
        ]
    )
    assert [voter.rooms for voter in voters] == [("101",), ("201",), ("301", "1001")]
    multi = voters[2]
    assert multi.key == "P2"
    assert multi.area == Decimal("231.22")
    result = tally(voters, {})
    assert result.total_headcount == 3
    assert result.total_area == Decimal("426.52")


def test_owner_of_one_flat_alone_and_another_jointly_is_two_voters():
    # Only the same set of owners merges; a different set is a different voter.
    voters = group_voters([flat("101", "50.00", "P"), flat("102", "50.00", "P", "Q")])
    assert [voter.key for voter in voters] == ["P", "P|Q"]


def test_developer_held_flats_are_one_voter_whatever_their_owner_keys():
    voters = group_voters(
        [
            flat("701", "80.00", "91350503754321986G", developer=True),
            flat("101", "90.00", "A"),
            flat("702", "87.19", "913505000000000001", developer=True),
            flat("801", "70.00", developer=True),
        ]
    )
    assert len(voters) == 2
    developer = voters[1]
    assert developer.key == "developer"
    assert developer.rooms == ("701", "702", "801")
    assert developer.area == Decimal("237.19")


def test_developer_voter_is_separate_from_same_company_as_ordinary_owner():
    voters = group_voters([flat("701", "80.00", "CO", developer=True), flat("702", "80.00", "CO")])
    assert sorted(voter.key for voter in voters) == ["CO", "developer"]


def test_group_voters_is_deterministic():
    flats = [flat("1001", "10.00", "X"), flat("201", "10.00", "Y"), flat("301", "10.00", "X")]
    assert group_voters(flats) == group_voters(reversed(flats))
    assert [voter.rooms for voter in group_voters(flats)] == [("201",), ("301", "1001")]


@pytest.mark.parametrize("area", ["0", "0.00", "-1.00", "NaN", "Infinity"])
def test_group_voters_rejects_non_positive_or_non_finite_area(area):
    with pytest.raises(ValueError):
        group_voters([flat("101", area, "A")])


def test_group_voters_rejects_float_area():
    with pytest.raises(TypeError):
        group_voters([FlatFact(room="101", area=90.5, owner_keys=frozenset({"A"}), developer_held=False)])


@pytest.mark.parametrize("owners", [(), ("",), ("  ",)])
def test_group_voters_rejects_ordinary_flat_without_owner(owners):
    with pytest.raises(ValueError, match="101"):
        group_voters([flat("101", "90.00", *owners)])


def test_group_voters_rejects_duplicate_room():
    with pytest.raises(ValueError, match="101"):
        group_voters([flat("101", "90.00", "A"), flat("101", "80.00", "B")])


# --- choices --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("同意", A),
        ("反对", D),
        ("弃权", X),
        ("agree", A),
        ("Disagree", D),
        ("ABSTAIN", X),
        ("  同意\u3000", A),
        ("\tabstain \n", X),
        (Choice.DISAGREE, D),
    ],
)
def test_choice_parse_accepts_chinese_and_english(text, expected):
    assert Choice.parse(text) is expected


@pytest.mark.parametrize("text", ["", "赞成", "yes", "agree!", "同 意", None])
def test_choice_parse_rejects_other_words_in_chinese(text):
    with pytest.raises(ValueError, match="表决意见"):
        Choice.parse(text)


def test_choice_values_and_labels():
    assert [choice.value for choice in Choice] == ["agree", "disagree", "abstain"]
    assert [choice.label for choice in Choice] == ["同意", "反对", "弃权"]


def test_abstention_participates_but_does_not_agree():
    result = vote(unit("100.00", "100.00", "100.00"), A, A, X)
    assert result.participating_headcount == 3
    assert result.participating_area == Decimal("300.00")
    assert result.agreeing_headcount == 2
    # Were abstention ignored, consent would be 2/2 and pass.
    assert result.consent_headcount_ratio == Fraction(2, 3)
    assert not result.consent_met
    assert result.failed_conditions == ("consent_area", "consent_headcount")


def test_no_ballot_does_not_participate():
    result = vote(unit("100.00", "100.00", "100.00"), A, A, None)
    assert result.participating_headcount == 2
    assert result.participating_area == Decimal("200.00")
    assert result.consent_headcount_ratio == 1
    assert result.passed


def test_combine_choices_maps_rooms_to_voters():
    voters = group_voters(
        [
            flat("301", "114.07", "P"),
            flat("601", "117.15", "P"),
            flat("202", "86.39", "Q", "R"),
            flat("701", "80.00", "DEV1", developer=True),
            flat("702", "87.19", "DEV2", developer=True),
        ]
    )
    choices = combine_choices(voters, {"301": "同意", "601": A, "202": "弃权", "701": D, "702": "反对"})
    assert choices == {"Q|R": X, "P": A, "developer": D}


def test_choice_on_some_flats_of_a_voter_covers_all_its_area():
    voters = group_voters([flat("301", "114.07", "P"), flat("601", "117.15", "P"), flat("302", "78.72", "Q")])
    choices = combine_choices(voters, {"601": A})
    assert choices == {"P": A}
    result = tally(voters, choices)
    assert result.participating_area == Decimal("231.22")
    assert result.agreeing_area == Decimal("231.22")
    assert result.participating_headcount == 1


def test_conflicting_choices_for_one_voter_raise():
    voters = group_voters([flat("601", "117.15", "P"), flat("301", "114.07", "P"), flat("302", "78.72", "Q")])
    with pytest.raises(ConflictingChoicesError) as excinfo:
        combine_choices(voters, {"302": A, "601": D, "301": A})
    error = excinfo.value
    assert isinstance(error, ValueError)
    assert error.voter.key == "P"
    assert error.rooms == ("301", "601")
    assert "301" in str(error) and "601" in str(error) and "不一致" in str(error)


def test_conflicting_choices_between_developer_flats_raise():
    voters = group_voters([flat("701", "80.00", "A", developer=True), flat("702", "80.00", "B", developer=True)])
    with pytest.raises(ConflictingChoicesError) as excinfo:
        combine_choices(voters, {"701": A, "702": X})
    assert excinfo.value.voter.key == "developer"


def test_combine_choices_rejects_unknown_room():
    voters = group_voters([flat("101", "90.00", "A")])
    with pytest.raises(ValueError, match="999"):
        combine_choices(voters, {"999": A})


def test_tally_rejects_unknown_voter_key():
    voters = unit("100.00")
    with pytest.raises(ValueError, match="nobody"):
        tally(voters, {"nobody": A})


# --- degenerate units -------------------------------------------------------------


def test_empty_unit_meets_nothing():
    result = tally([], {})
    assert (result.total_area, result.total_headcount) == (Decimal(0), 0)
    assert result.participation_area_ratio is None
    assert result.participation_headcount_ratio is None
    assert result.consent_area_ratio is None
    assert result.consent_headcount_ratio is None
    assert not result.participation_area_met
    assert not result.participation_headcount_met
    assert not result.consent_area_met
    assert not result.consent_headcount_met
    assert not result.passed
    assert result.failed_conditions == CONDITION_CODES
    assert result.as_contract_dict() == {
        "total": {"area": "0.00", "headcount": 0},
        "participating": {"area": "0.00", "headcount": 0},
        "agreeing": {"area": "0.00", "headcount": 0},
        "participation_met": False,
        "consent_met": False,
        "passed": False,
    }


def test_no_participants_meets_neither_participation_nor_consent():
    result = vote(unit("100.00", "100.00"), None, None)
    assert result.participation_area_ratio == 0
    assert result.consent_area_ratio is None
    assert result.consent_headcount_ratio is None
    assert not result.participation_met
    assert not result.consent_met
    assert result.failed_conditions == CONDITION_CODES


def test_tally_result_rejects_inconsistent_counts():
    with pytest.raises(ValueError):
        TallyResult(Decimal("10"), 1, Decimal("20"), 1, Decimal("0"), 0)
    with pytest.raises(ValueError):
        TallyResult(Decimal("10"), 1, Decimal("10"), 1, Decimal("5"), 2)


# --- display -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (Fraction(2, 3), "66.67%"),
        (Fraction(3, 4), "75.00%"),
        (Fraction(5, 6), "83.33%"),
        (Fraction(1), "100.00%"),
        (Fraction(0), "0.00%"),
        (Fraction(1, 800), "0.13%"),  # 0.125 %: half-up, not half-even
        (Fraction(2009, 3015), "66.63%"),
        (None, "—"),
    ],
)
def test_format_percent(ratio, expected):
    assert format_percent(ratio) == expected


def test_contract_areas_are_rounded_half_up_to_two_decimals():
    voters = group_voters([flat("101", "100.005", "A"), flat("102", "50.1", "B")])
    contract = tally(voters, {"A": A}).as_contract_dict()
    assert contract["total"] == {"area": "150.11", "headcount": 2}  # 150.105
    assert contract["participating"] == {"area": "100.01", "headcount": 1}


# --- the shared sample -------------------------------------------------------------------


def _split_owner_ids(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in re.split(r"[、;；]", text) if part.strip())


def _developer_flag(text: str) -> bool:
    flag = text.strip()
    if flag not in ("是", "否"):
        raise ValueError(f"开发商持有应为“是”或“否”：{text!r}")
    return flag == "是"


def test_sample_unit_matches_tally_example():
    roster_path = SAMPLES / "roster-example.csv"
    ballots_path = SAMPLES / "ballots-example.csv"
    expected_path = SAMPLES / "tally-example.json"
    if not all(path.exists() for path in (roster_path, ballots_path, expected_path)):
        pytest.skip(f"shared samples not found under {SAMPLES}")

    with roster_path.open(encoding="utf-8-sig", newline="") as handle:
        flats = [
            FlatFact(
                room=row["房号"].strip(),
                area=Decimal(row["专有部分面积"].strip()),
                owner_keys=_split_owner_ids(row["证件号码"]),
                developer_held=_developer_flag(row["开发商持有"]),
            )
            for row in csv.DictReader(handle)
        ]
    with ballots_path.open(encoding="utf-8-sig", newline="") as handle:
        flat_choices = {row["房号"].strip(): Choice.parse(row["表决意见"]) for row in csv.DictReader(handle)}
    expected = json.loads(expected_path.read_text(encoding="utf-8"))

    voters = group_voters(flats)
    result = tally(voters, combine_choices(voters, flat_choices))

    assert result.as_contract_dict() == expected
    # The sample exercises every grouping rule: 14 flats, 13 voters.
    assert len(flats) == 14
    assert any(voter.rooms == ("301", "601") for voter in voters)
    assert any(voter.key == "developer" for voter in voters)
    assert result.passed == (result.failed_conditions == ())
