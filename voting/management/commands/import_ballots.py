"""python manage.py import_ballots CASE_NUMBER FILE

Records a filled ballot file (房号, 表决意见) as paper ballots of the case's vote, opening
the vote now if it is not open yet. All or nothing: any problem exits with status 1,
names every problem, and changes nothing (the opening included). A later file's ballot
for a voter who already has one is a correction. After a failed vote the opening is the
re-vote, a deliberate act: refused unless --new-round is given; after a passed vote the
file is refused.

A file never silently replaces a ballot that carries the voter's signed scan, a staff
correction or the owner's own online vote: such rows are listed one by one (room, voter,
the current choice and how it was recorded, the file's choice) and nothing is imported;
--confirm-overrides applies them, each with its own reason in the ballot's history.

A vote opens only on a complete motion (the scheme summary and the budget the ballots
print): a case without one is refused, naming `import_roster --scheme … --budget …`.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.services import case_motion_problems
from voting import selectors, services
from voting.roster import TableFileError, parse_ballots

from ._common import case_by_number, read_file, refusal


class Command(BaseCommand):
    help = "导入纸质选票文件（房号、表决意见），尚未开始表决时立即开始；全部成功或全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="案件编号，如 FZ-2026-0001")
        parser.add_argument("file", help="选票文件（.xlsx 或 .csv）")
        parser.add_argument(
            "--new-round",
            action="store_true",
            help="上一轮表决未通过且已结束时，以本文件开始新一轮表决（重新表决）",
        )
        parser.add_argument(
            "--confirm-overrides",
            action="store_true",
            help="确认以文件覆盖附有签字扫描件、经办人更正或业主网上表决的选票（不加此选项时只列出这些行，不导入）",
        )

    def handle(self, *args, case_number, file, new_round=False, confirm_overrides=False, **options):
        case = case_by_number(case_number)
        if selectors.open_vote_of(case=case) is None:
            missing = case_motion_problems(case=case)
            if missing:
                raise motion_refusal(case, missing)
        data = read_file(file)
        try:
            rows = parse_ballots(data, file)
        except TableFileError as exc:
            raise refusal(exc, what=f"选票文件 {Path(file).name} 有错误，导入") from exc
        try:
            with transaction.atomic():
                vote = selectors.open_vote_of(case=case)
                opened = vote is None
                if opened:
                    vote = services.vote_open(case=case, actor=None, new_round=new_round)
                elif new_round:
                    raise CommandError(
                        f"导入选票失败：{case.number}的表决正在进行（{services.format_local(vote.opened_at)}开始），"
                        "不能开始新一轮；去掉 --new-round 即导入到当前表决。"
                    )
                outcome = services.ballots_import(
                    vote=vote,
                    rows=rows,
                    data=data,
                    file_name=Path(file).name,
                    actor=None,
                    confirm_overrides=confirm_overrides,
                )
        except services.OverridesNeedConfirmation as exc:
            listing = "\n".join(f"  - {override.message}" for override in exc.overrides)
            raise CommandError(
                f"导入选票失败（未做任何修改）：{exc.messages[0]}\n{listing}\n"
                "核对无误、确需以文件为准时，加 --confirm-overrides 选项重新运行；"
                "每张被覆盖的选票都记录更正理由并保留原选票。"
            ) from exc
        except (ValidationError, PermissionDenied) as exc:
            if getattr(exc, "code", None) == "motion_incomplete":
                raise motion_refusal(case, case_motion_problems(case=case)) from exc
            if getattr(exc, "code", None) == "new_round_needed":
                raise CommandError(
                    f"导入选票失败：{exc.messages[0]}确需重新表决时，加 --new-round 选项重新运行，"
                    "本文件即作为新一轮表决的选票。"
                ) from exc
            raise refusal(exc, what="导入选票") from exc
        for note in rows.notes:
            self.stdout.write(note)
        if opened:
            self.stdout.write(f"已开始表决：{case.number}（{services.format_local(vote.opened_at)}）")
        self.stdout.write(f"已导入选票：{case.number}，{outcome.summary}。")


def motion_refusal(case, missing: list[str]) -> CommandError:
    """The vote cannot open without the motion: say what is missing and how to record it."""
    building = case.unit.building
    return CommandError(
        f"导入选票失败（未做任何修改）：{case.number}的表决事项不完整（{'；'.join(missing)}），不能开始表决。"
        "表决票印出增设方案和工程预算，表决开始后二者即冻结。"
        "请先用 import_roster 的 --scheme 和 --budget 选项记录，如：\n"
        f'  python manage.py import_roster 名册文件 --district {case.jurisdiction.name} --address "{building.address}" '
        f'--unit "{case.unit.name}" --scheme "增设方案概要" --budget 预算元数\n'
        "或在后台案件页填写“增设方案概要”和“工程预算”，再导入选票。"
    )
