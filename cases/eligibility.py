"""The gate a unit must pass before its case can open (适用范围).

Pure Python: the service gathers the facts and this module names every failed
condition, in the user's language (Chinese unless they asked for English), so one
refusal tells the applicant all that is wrong.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class UnitFacts:
    in_demolition_plan: bool  # 城市规划五年内需拆迁改造
    land_inside_plot: bool  # 增设电梯用地在现住宅小区或现住宅用地范围内
    in_heritage_area: bool  # 文化遗产、不可移动文物、历史建筑、传统风貌建筑保护区
    rooms_without_certificate: Sequence[str]
    flat_count: int


def eligibility_problems(facts: UnitFacts) -> list[str]:
    """Every reason the case may not open; empty when it may.

    A heritage-area building is not refused here: it opens flagged, and step 1 cannot be
    approved without the heritage opinion (see the workflow).
    """
    problems = []
    if facts.flat_count == 0:
        problems.append(_("该梯号尚未登记任何房屋，无法立案。"))
    if facts.rooms_without_certificate:
        rooms = "、".join(facts.rooms_without_certificate)
        problems.append(
            _("以下房屋未登记房屋所有权证或不动产权证号：%(rooms)s。仅已取得产权证的既有住宅可申请增设电梯。")
            % {"rooms": rooms}
        )
    if facts.in_demolition_plan:
        problems.append(_("该住宅已列入城市规划五年内拆迁改造范围，不列入增设电梯范围。"))
    if not facts.land_inside_plot:
        problems.append(_("增设电梯用地不在现住宅小区或现住宅用地范围内。"))
    return problems
