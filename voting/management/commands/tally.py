"""python manage.py tally CASE_NUMBER [--json]

The tally of the case's latest vote (the counts kept at closing, or the live count while
it is open; before any vote, the roster with no ballots). With --json, one JSON object:
{"case": ..., "total": {"area": "812.40", "headcount": 12}, "participating": {...},
"agreeing": {...}, "participation_met": ..., "consent_met": ..., "passed": ...,
"to_pass": {"possible": true|false, "voters": N}}; areas are strings with two decimals,
headcounts integers. "to_pass" (issue 13 §4): the fewest voters without a ballot who, by
agreeing, carry the motion; 0 when it has passed, null when no number of them can (always
so once a failed vote has closed).
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from voting import selectors
from voting.rules import CONDITION_LABELS, format_percent

from ._common import case_by_number, refusal


class Command(BaseCommand):
    help = "输出案件业主表决的计票结果；--json 输出一个 JSON 对象。"

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="案件编号，如 FZ-2026-0001")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, case_number, **options):
        case = case_by_number(case_number)
        try:
            result, to_pass = selectors.case_count(case=case)
        except ValidationError as exc:
            raise refusal(exc, what="计票") from exc
        if options["json"]:
            contract = {"case": case.number, **result.as_contract_dict(), "to_pass": to_pass.as_contract_dict()}
            self.stdout.write(json.dumps(contract, ensure_ascii=False))
            return
        contract = result.as_contract_dict()
        self.stdout.write(f"案件：{case.number}（{case.unit}）")
        self.stdout.write(f"总计：{contract['total']['area']} ㎡，{result.total_headcount} 人")
        self.stdout.write(
            f"参与表决：{contract['participating']['area']} ㎡（{format_percent(result.participation_area_ratio)}），"
            f"{result.participating_headcount} 人（{format_percent(result.participation_headcount_ratio)}）"
        )
        self.stdout.write(
            f"同意：{contract['agreeing']['area']} ㎡（{format_percent(result.consent_area_ratio)}），"
            f"{result.agreeing_headcount} 人（{format_percent(result.consent_headcount_ratio)}）"
        )
        failed = "；".join(CONDITION_LABELS[code] for code in result.failed_conditions)
        verdict = "通过" if result.passed else f"未通过：{failed}"
        self.stdout.write(f"结果：{verdict}")
        if not result.passed:
            needs = f"再有{to_pass.voters}户业主同意即可通过" if to_pass.possible else "即使其余业主全部同意也无法通过"
            self.stdout.write(f"距离通过：{needs}")
