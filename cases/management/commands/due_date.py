"""python manage.py due_date YYYY-MM-DD N

Prints the date N working days after the given one (the day itself not counted) as
YYYY-MM-DD, followed by " 暂定" when a day counted lies in a year whose holiday schedule is
not known yet (then Monday to Friday were counted). On the holiday calendar in the database
(cases.deadlines). Bad arguments: a message naming the problem, exit status 1.
"""

import datetime
import re

from django.core.management.base import BaseCommand, CommandError

from cases.deadlines import due_after

MAX_DAYS = 1000  # about four years of working days: more is a typing error


class Command(BaseCommand):
    help = "输出给定日期之后第 N 个工作日（当天不计）；节假日安排未知的年份按周一至周五计算，并注明“暂定”。"

    def add_arguments(self, parser):
        parser.add_argument("date", nargs="?", help="起算日期，YYYY-MM-DD")
        parser.add_argument("days", nargs="?", help="工作日数，0 至 1000 的整数")

    def handle(self, *args, date=None, days=None, **options):
        if date is None or days is None:
            raise CommandError("用法：python manage.py due_date YYYY-MM-DD N（如 due_date 2026-02-13 3）")
        start = _date(date)
        count = _days(days)
        due = due_after(start, count)
        self.stdout.write(due.date.isoformat() + (" 暂定" if due.provisional else ""))


def _date(value: str) -> datetime.date:
    value = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise CommandError(f"日期“{value[:20]}”格式不对，应写作 YYYY-MM-DD（如 2026-02-13）。")
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期“{value}”不存在。") from None
    if not 1990 <= day.year <= 2200:
        raise CommandError(f"日期“{value}”超出可计算的范围（1990 至 2200 年）。")
    return day


def _days(value: str) -> int:
    value = value.strip()
    if not re.fullmatch(r"\d+", value):
        raise CommandError(f"工作日数“{value[:20]}”应为 0 至 {MAX_DAYS} 的整数。")
    count = int(value)
    if count > MAX_DAYS:
        raise CommandError(f"工作日数 {count} 过大：应为 0 至 {MAX_DAYS} 的整数。")
    return count
