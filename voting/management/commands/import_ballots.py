"""python manage.py import_ballots CASE_NUMBER FILE

Records a filled ballot file (房号, 表决意见) as paper ballots of the case's vote, opening
the vote now if it is not open yet. All or nothing: any problem exits with status 1,
names every problem, and changes nothing (the opening included). A later file's ballot
for a voter who already has one is a correction. After a failed vote the opening is the
re-vote; after a passed vote the file is refused.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction

from voting import services
from voting.roster import TableFileError, parse_ballots

from ._common import case_by_number, read_file, refusal


class Command(BaseCommand):
    help = "导入纸质选票文件（房号、表决意见），尚未开始表决时立即开始；全部成功或全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="案件编号，如 FZ-2026-0001")
        parser.add_argument("file", help="选票文件（.xlsx 或 .csv）")

    def handle(self, *args, case_number, file, **options):
        case = case_by_number(case_number)
        data = read_file(file)
        try:
            rows = parse_ballots(data, file)
        except TableFileError as exc:
            raise refusal(exc, what=f"选票文件 {Path(file).name} 有错误，导入") from exc
        try:
            with transaction.atomic():
                vote = services.open_vote_of(case=case)
                opened = vote is None
                if opened:
                    vote = services.vote_open(case=case, actor=None)
                outcome = services.ballots_import(
                    vote=vote, rows=rows, data=data, file_name=Path(file).name, actor=None
                )
        except (ValidationError, PermissionDenied) as exc:
            raise refusal(exc, what="导入选票") from exc
        for note in rows.notes:
            self.stdout.write(note)
        if opened:
            self.stdout.write(f"已开始表决：{case.number}（{services.format_local(vote.opened_at)}）")
        self.stdout.write(f"已导入选票：{case.number}，{outcome.summary}。")
