"""python manage.py import_roster FILE --district 丰泽区 --address "丰泽区东湖街道刺桐花园1幢" --unit "1单元"

Creates or updates the building, the unit, its flats and owners from a roster file
(.xlsx or .csv), then opens the unit's case through the eligibility gate, or reuses the
case already open. The last line printed is the case number alone. Any problem: exit
status 1, every problem named, nothing changed (one transaction, the gate included).

--scheme TEXT and --budget YUAN record the motion the owners vote on (the scheme summary
and the budget the ballots print); a vote cannot open without them, so `import_ballots`
refuses a case that lacks them. The same service as the new-case page does the work
(`voting.services.case_start_from_roster`).
"""

import hashlib
import re
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from cases import services as case_services
from cases.models import Jurisdiction
from voting import services
from voting.roster import TableFileError, UnusualAreasError, parse_roster

from ._common import read_file, refusal


class Command(BaseCommand):
    help = (
        "导入一个梯号的业主名册（.xlsx 或 .csv），建立或更新楼栋、梯号、房屋和业主，"
        "并立案或沿用办理中的案件；最后一行输出案件编号。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="名册文件（.xlsx 或 .csv）")
        parser.add_argument("--district", required=True, help="辖区名称，如：丰泽区（也可用简码，如 FZ）")
        parser.add_argument("--address", required=True, help="楼栋地址，如：丰泽区东湖街道刺桐花园1幢")
        parser.add_argument("--unit", required=True, help="梯号/单元，如：1单元")
        parser.add_argument(
            "--confirm-areas",
            action="store_true",
            help="确认名册中超出一套房屋常见范围（FLAT_AREA_USUAL_MIN 至 FLAT_AREA_USUAL_MAX ㎡）的面积无误",
        )
        parser.add_argument("--scheme", help="增设方案概要（表决事项，印在表决票上），如：在北侧增设一部无机房电梯")
        parser.add_argument("--budget", help="工程预算（元，表决事项，印在表决票上），如：420000 或 420,000.00")

    def handle(self, *args, file, district, address, unit, confirm_areas=False, scheme=None, budget=None, **options):
        data = read_file(file)
        jurisdiction = Jurisdiction.objects.filter(Q(name=district.strip()) | Q(code=district.strip().upper())).first()
        if jurisdiction is None:
            names = "、".join(Jurisdiction.objects.values_list("name", flat=True))
            raise CommandError(f"未知的辖区：{district}（可选：{names}）")
        if scheme is not None and not scheme.strip():
            raise CommandError("导入名册失败：--scheme 不能为空；请写明增设方案概要，如：在北侧增设一部无机房电梯。")
        amount = parse_budget(budget) if budget is not None else None
        try:
            rows = parse_roster(data, file, confirm_areas=confirm_areas)
        except UnusualAreasError as exc:
            exc.problems.append("如已核对、面积确实无误，请加 --confirm-areas 重新导入。")
            what = f"名册文件 {Path(file).name} 有待确认的面积，导入"
            raise refusal(TableFileError(exc.problems), what=what) from exc
        except TableFileError as exc:
            raise refusal(exc, what=f"名册文件 {Path(file).name} 有错误，导入") from exc
        try:
            started = services.case_start_from_roster(
                jurisdiction=jurisdiction,
                address=address,
                unit_name=unit,
                rows=rows,
                actor=None,
                file_name=Path(file).name,
                sha256=hashlib.sha256(data).hexdigest(),
                scheme_summary=scheme.strip() if scheme is not None else None,
                budget=amount,
            )
        except case_services.CaseNotEligible as exc:
            raise refusal(exc, what="资格审查未通过，名册未导入，立案") from exc
        except (ValidationError, PermissionDenied) as exc:
            raise refusal(exc, what="导入名册") from exc
        case = started.case
        for note in rows.notes:
            self.stdout.write(note)
        self.stdout.write(f"名册：{started.unit}，{started.roster.summary}。")
        if scheme is not None or budget is not None:
            self.stdout.write(
                f"表决事项：{case.scheme_summary or '（未填写方案）'}；"
                f"工程预算 {f'{case.budget:,.2f} 元' if case.budget is not None else '（未填写）'}"
            )
        opened = "已立案" if started.created else "沿用办理中的案件"
        self.stdout.write(f"{opened}：{case.number}（{jurisdiction.name}）")
        self.stdout.write(case.number)


_BUDGET = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")


def parse_budget(text: str) -> Decimal:
    """420000, 420000.50 or 420,000.50 yuan; anything else is refused with what to write."""
    value = text.strip().removesuffix("元").strip()
    if not _BUDGET.match(value):
        raise CommandError(
            f"导入名册失败：--budget “{text}” 不是金额；请写元为单位的数字，如 420000 或 420,000.00（最多两位小数）。"
        )
    amount = Decimal(value.replace(",", ""))
    if amount <= 0:
        raise CommandError("导入名册失败：--budget 须大于 0 元。")
    return amount
