"""What voting plugs into cases (cases/extensions.py), registered from VotingConfig.ready():

- step 1 (方案初审) is not approved until the owners' vote has passed and its witness record
  (见证) is on file;
- from the vote's opening the unit's flats and owners are the roster it counts: locked;
- the case page shows the vote's line with a link to the vote page.
"""

from django.utils.translation import gettext as _

from cases import extensions
from cases.workflow import PROCEDURES

from .selectors import roster_frozen, vote_result_for_case, vote_summary_for_case, witness_recorded_for_case


def vote_problems(*, step) -> list[str]:
    """Why a step the vote decides (方案初审) may not be approved as far as the vote goes;
    empty when it may."""
    result = vote_result_for_case(case=step.case)
    if result is None:
        return [_("表决结果缺失：须先完成业主表决。")]
    if not result.passed:
        return [_("业主表决未通过，不能通过方案初审。")]
    if not witness_recorded_for_case(case=step.case):
        return [_("缺少表决见证记录：请在表决页登记见证人、见证单位、见证时间和签字的见证记录。")]
    return []


def vote_panel(*, request, case) -> dict:
    return {"vote_summary": vote_summary_for_case(case=case)}


def register() -> None:
    decided = [procedure.number for procedure in PROCEDURES if procedure.decided_by_vote]
    extensions.register_step_check("voting.vote", vote_problems, stages=["approve"], procedures=decided)
    extensions.register_roster_lock("voting.roster_frozen", roster_frozen)
    extensions.register_case_panel(
        "voting.vote", order=10, template_name="admin/voting/case_vote_panel.html", context=vote_panel
    )
