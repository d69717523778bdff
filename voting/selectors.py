"""Reads of vote results for other apps (the workflow's step 1 asks here).

The vote's roster, ballots and tally storage arrive with the voting issue; until then no
case has a recorded vote, and step 1 refuses approval with "表决结果缺失".
"""

from voting.rules import TallyResult


def vote_result_for_case(*, case) -> TallyResult | None:
    """The closed vote's tally for the case, or None when no vote has been recorded."""
    return None


def roster_frozen(*, unit) -> bool:
    """True once a vote of the unit's case has opened: the roster it counts may not change."""
    return False
