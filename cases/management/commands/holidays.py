"""python manage.py holidays import FILE.csv | holidays list

import: one year's holiday schedule (国务院办公厅关于部分节假日安排的通知) from a CSV file with
the columns 日期 (YYYY-MM-DD) and 类型 (休 or 班), and optionally 节日; UTF-8 with or without
a BOM, or GBK/GB18030 (Excel's "CSV" on a Chinese Windows). The whole year is replaced at
once, all or nothing; every provisional due date (暂定) the year touches is recomputed. Any
problem: every bad row named, exit status 1, nothing saved.

list: the years whose schedule is known, with where it came from and its counts.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from cases.calendar import decode_schedule, describe_change, holiday_year_replace, parse_schedule
from cases.models import HolidayKind, HolidayYear


class Command(BaseCommand):
    help = "节假日安排：import FILE.csv 导入一年的安排（日期、类型 休/班）；list 列出已知年份。"

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", help="import 或 list")
        parser.add_argument("file", nargs="?", help="CSV 文件（import 时）")

    def handle(self, *args, action=None, file=None, **options):
        if action == "list":
            return self._list()
        if action != "import" or not file:
            raise CommandError("用法：python manage.py holidays import FILE.csv  或  python manage.py holidays list")
        try:
            with open(file, "rb") as handle:
                data = handle.read(2 * 1024 * 1024)
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{file}") from None
        except IsADirectoryError:
            raise CommandError(f"“{file}”是文件夹，不是文件。") from None
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror}") from None
        try:
            schedule = parse_schedule(decode_schedule(data))
            change = holiday_year_replace(schedule=schedule, actor=None, source=HolidayYear.Source.FILE)
        except ValidationError as exc:
            raise CommandError("未导入任何日期：\n" + "\n".join(exc.messages)) from None
        self.stdout.write(describe_change(change))

    def _list(self):
        years = HolidayYear.objects.annotate(
            off=Count("days", filter=Q(days__kind=HolidayKind.OFF)),
            work=Count("days", filter=Q(days__kind=HolidayKind.WORK)),
        ).order_by("year")
        for year in years:
            self.stdout.write(f"{year.year}  {year.get_source_display()}  放假{year.off}天  调休上班{year.work}天")
